// Samples processes' VmRSS from /proc/<pid>/status on a fixed interval.
import { readFileSync } from 'node:fs';

export function rssBytes(pid) {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

export class RssSampler {
  /** @param {Record<string, number>} pids name -> pid */
  constructor(pids, intervalMs) {
    this.pids = pids;
    this.intervalMs = intervalMs;
    this.samples = Object.fromEntries(Object.keys(pids).map((k) => [k, []]));
    this.timer = undefined;
  }

  start() {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    return this;
  }

  sample() {
    const t = Date.now();
    for (const [name, pid] of Object.entries(this.pids)) {
      const rss = rssBytes(pid);
      if (rss !== undefined) this.samples[name].push([t, rss]);
    }
  }

  stop() {
    clearInterval(this.timer);
    this.sample();
    return this;
  }

  /** { name: { peakMiB, atPeak, samples } } */
  summary() {
    const MiB = 1024 * 1024;
    return Object.fromEntries(
      Object.entries(this.samples).map(([name, s]) => {
        let peak = [0, 0];
        for (const x of s) if (x[1] > peak[1]) peak = x;
        return [
          name,
          {
            peakMiB: round1(peak[1] / MiB),
            peakAt: peak[0],
            firstMiB: round1((s[0]?.[1] ?? 0) / MiB),
            samples: s.length,
          },
        ];
      }),
    );
  }
}

const round1 = (x) => Math.round(x * 10) / 10;
