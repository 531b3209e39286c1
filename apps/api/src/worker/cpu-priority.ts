// The worker's work (deployments, sweeps, log batches) can wait a few milliseconds; the API's
// answers cannot (GitLab waits 10 s at most, people watch the dashboard). When both share a
// machine's cores, the worker runs at a lower CPU priority (a higher nice value) so the API
// wins a contended core. Measured with bench/webhook-ingest: a burst of auto-deploys in the
// worker otherwise holds webhook answers up for hundreds of milliseconds.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

export interface PriorityResult {
  /** The nice value the process's threads have now. */
  nice: number;
  threads: number;
  /** Whether the nice value of its own autogroup (Linux, see below) was set too. */
  autogroup: boolean;
}

/** The highest nice value (lowest priority) there is. */
const MAX_NICE = 19;

/**
 * Adds `increment` to this process's nice value, as `nice -n` would (so relative to the API
 * started beside it at the same value), at most 19. On Linux a nice value belongs to each
 * thread, so every thread that exists (V8's and libuv's helpers, started before this runs) is
 * set; threads started later inherit it from the main thread.
 */
export function lowerCpuPriority(increment: number): PriorityResult {
  const target = Math.min(MAX_NICE, getPriority(0) + increment);
  const tids = threadIds();
  for (const tid of tids) {
    try {
      if (getPriority(tid) < target) setPriority(tid, target);
    } catch {
      // A thread that ended meanwhile.
    }
  }
  return { nice: getPriority(0), threads: tids.length, autogroup: lowerOwnAutogroup(target) };
}

/**
 * Linux with autogroup scheduling (most distributions' default) shares the CPU between sessions
 * first, and nice values count only within a session. A worker started in a session of its own
 * (as `npm start` starts it: detached, so it outlives its terminal) would not yield to the API
 * however nice its threads are; its session's autogroup gets the same nice value. Only when
 * the session is the worker's own: the autogroup of a shared session holds the API too.
 */
function lowerOwnAutogroup(nice: number): boolean {
  try {
    const session = Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ')[3]);
    if (session !== process.pid) return false;
    const current = /nice (-?\d+)/.exec(readFileSync('/proc/self/autogroup', 'utf8'));
    if (!current || Number(current[1]) >= nice) return false;
    writeFileSync('/proc/self/autogroup', String(nice));
    return true;
  } catch {
    // No /proc, or a kernel without autogroup: the threads' nice values are what counts.
    return false;
  }
}

/** Linux: every thread of this process; elsewhere the process itself (0). */
function threadIds(): number[] {
  try {
    return readdirSync('/proc/self/task').map(Number);
  } catch {
    return [0];
  }
}
