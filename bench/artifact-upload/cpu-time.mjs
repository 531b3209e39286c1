// CPU-seconds from /proc/<pid>/stat: load-robust where wall time is not (a busy 2-core
// machine stretches wall time but not the work done).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/**
 * user + system seconds from a /proc/<pid>/stat line: of the process itself (all its threads)
 * or, with `children`, of the children it has waited for.
 */
export function cpuSeconds(statLine, which = 'self') {
  // Fields after the command name (which may hold spaces) start at field 3 (state).
  const fields = statLine
    .slice(statLine.lastIndexOf(')') + 2)
    .trim()
    .split(/\s+/);
  const at = (n) => Number(fields[n - 3]);
  return which === 'children' ? (at(16) + at(17)) / TICKS : (at(14) + at(15)) / TICKS;
}

/** CPU-seconds a running process has used so far, or undefined once it is gone. */
export function processCpuSeconds(pid) {
  try {
    return cpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** CPU-seconds of a process's main thread (its JavaScript thread in Node), or undefined. */
export function mainThreadCpuSeconds(pid) {
  try {
    return cpuSeconds(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Number of threads a process has, or undefined (for the report: workers show here). */
export function threadCount(pid) {
  try {
    return readdirSync(`/proc/${pid}/task`).length;
  } catch {
    return undefined;
  }
}
