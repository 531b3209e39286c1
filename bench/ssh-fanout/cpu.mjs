// Machine-wide CPU use over an interval, from /proc/stat: shows whether a run was CPU-bound
// (then the tools mostly compete on CPU per host) or waiting (then on round trips and sleeps).
import { cpus, loadavg } from 'node:os';
import { readFileSync } from 'node:fs';

function snapshot() {
  const cols = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = (cols[3] ?? 0) + (cols[4] ?? 0); // idle + iowait
  const total = cols.reduce((a, b) => a + b, 0);
  return { idle, total };
}

/** Call at the start; the returned function gives busy % (all cores) and the load at start. */
export function cpuMeter() {
  const a = snapshot();
  const load1 = loadavg()[0];
  return () => {
    const b = snapshot();
    const total = b.total - a.total;
    return {
      cpuBusyPct: total > 0 ? Math.round((100 * (total - (b.idle - a.idle))) / total) : null,
      loadAtStart: Math.round(load1 * 100) / 100,
      cores: cpus().length,
    };
  };
}
