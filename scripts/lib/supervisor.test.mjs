// The supervisor with real child processes and a fast policy (delays of 0.1 s and up).
// "Quick" runs only start Node and exit; the thresholds leave room for a slow, busy machine.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { forwardLines, OutputTail } from './output-tail.mjs';
import { isAlive, spawnDaemon, stopPid } from './process.mjs';
import { Supervisor } from './supervisor.mjs';

const POLICY = { firstDelayMs: 100, maxDelayMs: 400, stableAfterMs: 2000, failedStartMs: 1500, maxFailedStarts: 3 };

/** A node child running `code`; its stderr goes into `tail` when given. */
function nodeRun(code, tail) {
  const daemon = spawnDaemon(process.execPath, ['-e', code], { stdio: ['ignore', 'ignore', 'pipe'] });
  forwardLines(daemon.child.stderr, () => {}, tail);
  return { pid: daemon.pid, exitPromise: daemon.exitPromise, stop: () => stopPid(daemon.pid, 'SIGTERM', 2000) };
}

const supervisors = [];
function supervise({ runs, tail, policy = POLICY }) {
  const said = [];
  const gaveUp = [];
  let attempt = 0;
  const s = new Supervisor({
    name: 'child',
    policy,
    say: (m) => said.push({ at: Date.now(), m }),
    onGiveUp: (reason, lines) => gaveUp.push({ reason, lines }),
    lastLines: () => tail?.last() ?? [],
    start: async () => {
      const n = attempt++;
      tail?.clear();
      const code = runs(n);
      if (code instanceof Error) throw code;
      return nodeRun(code, tail);
    },
  });
  supervisors.push(s);
  return { s, said, gaveUp, attempts: () => attempt };
}

async function until(what, check, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const restartMessages = (said) => said.map((x) => x.m).filter((m) => m.includes('restarting in'));
const RUN_FOREVER = 'setInterval(() => {}, 1000)';

afterEach(async () => {
  for (const s of supervisors.splice(0)) await s.stop();
});

describe('Supervisor', () => {
  it('restarts a process killed with SIGKILL, says so, and stop() ends it for good', async () => {
    const { s, said } = supervise({ runs: () => RUN_FOREVER });
    const first = await s.start();
    expect(isAlive(first.pid)).toBe(true);
    process.kill(first.pid, 'SIGKILL');
    await until('the restart', () => said.some((x) => x.m.includes('running again')));
    expect(said.map((x) => x.m)).toEqual([
      'child exited (signal SIGKILL); restarting in 0.1 s (restart 1)',
      `child is running again (pid ${s.current.pid})`,
    ]);
    const second = s.current;
    expect(second.pid).not.toBe(first.pid);
    expect(isAlive(second.pid)).toBe(true);

    await s.stop();
    expect(isAlive(second.pid)).toBe(false);
    await sleep(POLICY.firstDelayMs * 3);
    expect(said).toHaveLength(2); // a stop is not a crash: no restart
    expect(s.restarts).toBe(1);
  });

  it('doubles the delay on each quick failure up to the cap, and resets it after a stable run', async () => {
    // Runs 0-2 die at once; run 3 stays up longer than stableAfterMs; runs 4-5 die at once again.
    const { s, said } = supervise({
      runs: (n) => (n === 3 ? 'setTimeout(() => process.exit(2), 2500)' : n >= 6 ? RUN_FOREVER : 'process.exit(2)'),
      policy: { ...POLICY, maxFailedStarts: 10, maxDelayMs: 300 },
    });
    await s.start();
    await until('six restarts', () => said.filter((x) => x.m.includes('running again')).length >= 6);
    expect(restartMessages(said)).toEqual([
      'child exited (code 2); restarting in 0.1 s (restart 1)',
      'child exited (code 2); restarting in 0.2 s (restart 2)',
      'child exited (code 2); restarting in 0.3 s (restart 3)', // capped
      'child exited (code 2); restarting in 0.1 s (restart 4)', // run 3 was stable
      'child exited (code 2); restarting in 0.2 s (restart 5)',
      'child exited (code 2); restarting in 0.3 s (restart 6)',
    ]);
    // The waits really happened: each restart came at least its delay after the message.
    const restarted = said.filter((x) => x.m.includes('running again')).map((x) => x.at);
    const announced = said.filter((x) => x.m.includes('restarting in')).map((x) => x.at);
    const delays = [100, 200, 300, 100, 200, 300];
    for (let i = 0; i < 6; i++) expect(restarted[i] - announced[i]).toBeGreaterThanOrEqual(delays[i] - 5);
  });

  it('gives up after too many failed starts in a row, with the last run’s output', async () => {
    const tail = new OutputTail(5);
    const { s, said, gaveUp, attempts } = supervise({
      runs: (n) =>
        `console.error('bad config, attempt ${n}'); console.error('  WHARF_PORT: must be a number'); process.exit(1)`,
      tail,
    });
    await s.start();
    await until('the give-up', () => gaveUp.length > 0);
    expect(s.gaveUp).toBe(true);
    expect(attempts()).toBe(3);
    expect(restartMessages(said)).toHaveLength(2);
    expect(gaveUp[0].reason).toBe(
      'child exited (code 1), and failed 3 times in a row within 1.5 s of starting: giving up',
    );
    expect(gaveUp[0].lines).toEqual(['bad config, attempt 2', '  WHARF_PORT: must be a number']);
    await sleep(POLICY.maxDelayMs * 2);
    expect(attempts()).toBe(3); // no further tries
  });

  it('a run that outlives failedStartMs clears the failed-start count', async () => {
    // fail, fail, run 2 s, fail, fail, then stay up: never three quick failures in a row.
    const { s, said, gaveUp } = supervise({
      runs: (n) => (n === 2 ? 'setTimeout(() => process.exit(1), 2000)' : n >= 5 ? RUN_FOREVER : 'process.exit(1)'),
    });
    await s.start();
    await until('five restarts', () => said.filter((x) => x.m.includes('running again')).length >= 5);
    expect(gaveUp).toEqual([]);
    expect(s.gaveUp).toBe(false);
    expect(isAlive(s.current.pid)).toBe(true);
  });

  it('retries a restart that throws, and counts it as a failed start', async () => {
    const { s, said, gaveUp } = supervise({
      runs: (n) => (n === 0 ? 'process.exit(3)' : n === 1 ? new Error('port 5432 is taken\nmore') : RUN_FOREVER),
    });
    await s.start();
    await until('the second restart', () => said.some((x) => x.m.includes('running again')));
    expect(said.map((x) => x.m).slice(0, 2)).toEqual([
      'child exited (code 3); restarting in 0.1 s (restart 1)',
      'child could not start (port 5432 is taken); restarting in 0.2 s (restart 2)',
    ]);
    expect(gaveUp).toEqual([]);
  });

  it('stop() during the wait before a restart cancels it', async () => {
    const { s, said, attempts } = supervise({
      runs: () => 'process.exit(1)',
      policy: { ...POLICY, firstDelayMs: 2000 },
    });
    await s.start();
    await until('the restart notice', () => said.length > 0);
    const t0 = Date.now();
    await s.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
    await sleep(300);
    expect(attempts()).toBe(1);
  });
});
