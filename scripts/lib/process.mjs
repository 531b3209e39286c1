// Process helpers: every daemon is started, tracked and stopped by its own pid.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** True while `pid` runs (a zombie counts as gone). */
export function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

/** The command line of `pid`, or '' when it cannot be read. */
export function commandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

/** Sends `signal`, escalates to SIGKILL after `graceMs`, resolves once `pid` is gone. */
export async function stopPid(pid, signal = 'SIGTERM', graceMs = 10_000) {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        return;
      }
      await sleep(100);
      if (!isAlive(pid)) return;
    }
    await sleep(50);
  }
}

/**
 * Starts a long-running child in its own process group, so a Ctrl-C in the terminal
 * reaches only the supervising script, which then stops children in order.
 * Output goes to the given stdio (default: inherit).
 */
export function spawnDaemon(command, args, { env, cwd, stdio = 'inherit', uid, gid } = {}) {
  const child = spawn(command, args, { env, cwd, stdio, detached: true, uid, gid });
  let exited = false;
  let exitInfo = null;
  const exitPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
    child.once('error', (err) => {
      exited = true;
      exitInfo = { code: null, signal: null, error: err };
      resolve(exitInfo);
    });
  });
  return {
    child,
    pid: child.pid,
    get exited() {
      return exited;
    },
    get exitInfo() {
      return exitInfo;
    },
    exitPromise,
  };
}

/** Runs a command to completion, capturing output. Resolves { code, output }. */
export function runCapture(command, args, { env, cwd, uid, gid, input } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      env,
      cwd,
      uid,
      gid,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    if (input !== undefined) child.stdin.end(input);
    child.once('error', (err) => resolve({ code: -1, output: `${output}${err.message}\n` }));
    child.once('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

/** Pid files let a later start stop what a killed (SIGKILL) earlier start left behind. */
export async function writePidFile(path, pid) {
  await writeFile(path, `${pid}\n`);
}

/**
 * Stops the process named in `path` if it still runs and its command line contains
 * `marker` (so a recycled pid of an unrelated process is never touched).
 */
export async function stopStalePidFile(path, marker, signal = 'SIGTERM') {
  let pid;
  try {
    pid = Number((await readFile(path, 'utf8')).trim());
  } catch {
    return false;
  }
  let stopped = false;
  if (pid && isAlive(pid) && commandLine(pid).includes(marker)) {
    await stopPid(pid, signal);
    stopped = true;
  }
  await rm(path, { force: true });
  return stopped;
}
