// Child processes for the benchmarks: run one to completion under a time limit, with its own
// process group so a timeout can stop everything it forked (ansible forks, xargs children),
// signalled by the group id of the child we started, never by name.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { isAlive } from '@wharf/test-hosts';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Signals the process group led by `pid` (a child we spawned detached), then SIGKILL after graceMs. */
export async function killGroup(pid, graceMs = 5000) {
  const send = (sig) => {
    try {
      process.kill(-pid, sig);
      return true;
    } catch {
      return false;
    }
  };
  if (!send('SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!groupAlive(pid)) return;
    await sleep(50);
  }
  send('SIGKILL');
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `cmd args` (no shell) and resolves with { code, ms, stdout, stderr (tail) } once it exits. Output goes
 * to `logFile` (appended) when given, else is collected (stdout) or dropped (stderr tail kept).
 * Rejects with a readable error on a non-zero exit unless `allowFail`. Bounded by `timeoutMs`.
 */
export function runTimed(cmd, args, { env, cwd, timeoutMs, logFile, input, allowFail = false } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, {
      env,
      cwd,
      detached: true,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const log = logFile ? createWriteStream(logFile, { flags: 'a' }) : null;
    let stdout = '';
    let stderrTail = '';
    child.stdout.on('data', (b) => {
      if (log) log.write(b);
      else stdout += b.toString('utf8');
    });
    child.stderr.on('data', (b) => {
      log?.write(b);
      stderrTail = (stderrTail + b.toString('utf8')).slice(-4000);
    });
    let timedOut = false;
    const timer = timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          void killGroup(child.pid);
        }, timeoutMs)
      : undefined;
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      const ms = performance.now() - started;
      clearTimeout(timer);
      log?.end();
      // Anything the command left in its group (e.g. a stray ssh) goes with it.
      if (groupAlive(child.pid)) void killGroup(child.pid, 2000);
      if (timedOut) return reject(new Error(`${cmd} did not finish within ${timeoutMs} ms (stopped)`));
      if (code !== 0 && !allowFail) {
        const last = stderrTail.trim().split('\n').slice(-3).join(' | ');
        return reject(
          new Error(
            `${cmd} exited with ${code ?? signal}${last ? `: ${last}` : ''}${logFile ? ` (log: ${logFile})` : ''}`,
          ),
        );
      }
      resolve({ code, ms, stdout, stderr: stderrTail });
    });
    if (child.stdin) {
      child.stdin.on('error', () => {}); // the command may exit without reading its input
      child.stdin.end(input);
    }
  });
}

/** Waits until `pid` is gone (zombies count as gone), at most `timeoutMs`. */
export async function waitGone(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  return !isAlive(pid);
}
