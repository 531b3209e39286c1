// Keeps one long-running process up for `npm start`. When it exits without being asked to,
// it is started again after a delay that doubles each time (1 s, 2 s, 4 s ... 30 s) and
// goes back to 1 s once a run has lasted a minute. Every restart is announced on one line.
// A process that keeps dying right after it starts (bad config, a port taken) is given up
// on after a few tries, so a crash loop never spins silently; the caller then stops Wharf.
import { setTimeout as sleep } from 'node:timers/promises';

export const DEFAULT_POLICY = Object.freeze({
  firstDelayMs: 1_000,
  maxDelayMs: 30_000,
  /** A run at least this long resets the delay to `firstDelayMs`. */
  stableAfterMs: 60_000,
  /** A run shorter than this (or a start that throws) is a failed start. */
  failedStartMs: 15_000,
  /** Give up after this many failed starts in a row. */
  maxFailedStarts: 5,
});

/** "code 1", "signal SIGKILL", or the spawn error. */
export function describeExit(info) {
  if (info?.error) return `error: ${info.error.message}`;
  if (info?.signal) return `signal ${info.signal}`;
  return `code ${info?.code ?? 'unknown'}`;
}

function seconds(ms) {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/**
 * @typedef {object} Run  one running instance of the process
 * @property {number} pid
 * @property {Promise<{ code: number | null, signal: string | null, error?: Error }>} exitPromise
 * @property {() => Promise<void>} stop  asks it to stop and resolves once it is gone
 */

export class Supervisor {
  /**
   * @param {object} o
   * @param {string} o.name  as it appears in messages ("worker", "PostgreSQL")
   * @param {() => Promise<Run>} o.start  starts one run (throws when it cannot)
   * @param {(message: string) => void} o.say  prints one line
   * @param {(reason: string, lastLines: string[]) => void} o.onGiveUp
   * @param {() => string[] | Promise<string[]>} [o.lastLines]  the process's latest output
   * @param {(run: Run) => void | Promise<void>} [o.onStarted]  after each (re)start
   * @param {Partial<typeof DEFAULT_POLICY>} [o.policy]
   */
  constructor({ name, start, say, onGiveUp, lastLines = () => [], onStarted = () => {}, policy = {} }) {
    this.name = name;
    this.startRun = start;
    this.say = say;
    this.onGiveUp = onGiveUp;
    this.lastLines = lastLines;
    this.onStarted = onStarted;
    this.policy = { ...DEFAULT_POLICY, ...policy };
    /** Restarts so far (the first start is not one). */
    this.restarts = 0;
    this.gaveUp = false;
    /** @type {Run | null} */
    this.current = null;
    this.stopping = false;
    this.delayMs = this.policy.firstDelayMs;
    this.failedStarts = 0;
    this.wake = new AbortController();
    /** Settles when the supervision loop ends (stopped or given up). */
    this.done = Promise.resolve();
  }

  /** The first start: a failure here is the caller's to report. */
  async start() {
    const run = await this.launch();
    this.done = this.supervise(run).catch((err) => {
      this.say(`${this.name}: supervision failed: ${err instanceof Error ? err.message : String(err)}`);
    });
    return run;
  }

  /** Stops the process for good: no restart after this, and a pending one is cancelled. */
  async stop() {
    this.stopping = true;
    this.wake.abort();
    const run = this.current;
    if (run) await run.stop();
    await this.done;
  }

  /** Second Ctrl-C: kill the current run outright. */
  kill() {
    this.stopping = true;
    this.wake.abort();
    const pid = this.current?.pid;
    if (!pid) return;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  async launch() {
    const run = await this.startRun();
    run.startedAt = Date.now();
    this.current = run;
    try {
      await this.onStarted(run);
    } catch (err) {
      // The process runs; a failed bookkeeping step (a pid file) must not orphan it.
      this.say(`${this.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return run;
  }

  async supervise(first) {
    let run = first;
    for (;;) {
      const info = await run.exitPromise;
      this.current = null;
      if (this.stopping) return;
      const upMs = Date.now() - run.startedAt;
      if (upMs >= this.policy.stableAfterMs) this.delayMs = this.policy.firstDelayMs;
      this.failedStarts = upMs < this.policy.failedStartMs ? this.failedStarts + 1 : 0;
      let what = `exited (${describeExit(info)})`;

      run = null;
      while (!run) {
        if (this.failedStarts >= this.policy.maxFailedStarts) {
          this.gaveUp = true;
          const reason =
            `${this.name} ${what}, and failed ${this.failedStarts} times in a row within ` +
            `${seconds(this.policy.failedStartMs)} of starting: giving up`;
          this.onGiveUp(reason, await Promise.resolve(this.lastLines()).catch(() => []));
          return;
        }
        const delay = this.delayMs;
        this.delayMs = Math.min(delay * 2, this.policy.maxDelayMs);
        this.restarts += 1;
        this.say(`${this.name} ${what}; restarting in ${seconds(delay)} (restart ${this.restarts})`);
        await sleep(delay, undefined, { signal: this.wake.signal }).catch(() => undefined);
        if (this.stopping) return;
        try {
          run = await this.launch();
          if (!this.stopping) this.say(`${this.name} is running again (pid ${run.pid})`);
        } catch (err) {
          this.failedStarts += 1;
          what = `could not start (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
        }
        if (this.stopping) {
          await run?.stop();
          return;
        }
      }
    }
  }
}
