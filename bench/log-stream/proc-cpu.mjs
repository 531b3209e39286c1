// CPU-seconds of the processes a run is made of, from /proc/<pid>/stat (utime + stime).
// Unlike wall time, these hold on a shared machine: a process's CPU per million lines does
// not depend on how many other jobs compete for the cores (caches aside).
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** User + system CPU seconds of `pid`, or undefined once it has gone. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * Follows named processes, plus sets of processes found later (Postgres backends of the
 * benchmark database come and go with the pools): call track() with current pids; each pid's
 * last reading counts, so a pid that ends loses at most one interval of its CPU.
 */
export class CpuLedger {
  constructor() {
    this.start = new Map(); // pid -> seconds when first seen
    this.last = new Map(); // pid -> seconds at the latest reading
    this.group = new Map(); // pid -> group name
  }

  /** `bornSince`: the pids started after tracking began, so all their CPU counts. */
  track(group, pids, { bornSince = false } = {}) {
    for (const pid of pids) {
      const s = cpuSeconds(pid);
      if (s === undefined) continue;
      if (!this.start.has(pid)) {
        this.start.set(pid, bornSince ? 0 : s);
        this.group.set(pid, group);
      }
      this.last.set(pid, s);
    }
  }

  /** Reads every pid followed so far again (those that ended keep their last reading). */
  refresh() {
    for (const pid of this.group.keys()) {
      const s = cpuSeconds(pid);
      if (s !== undefined) this.last.set(pid, s);
    }
  }

  /** Seconds per group since each pid was first tracked (rounded to 10 ms). */
  totals() {
    const out = {};
    for (const [pid, group] of this.group) {
      out[group] = (out[group] ?? 0) + (this.last.get(pid) - this.start.get(pid));
    }
    for (const k of Object.keys(out)) out[k] = Math.round(out[k] * 100) / 100;
    return out;
  }
}
