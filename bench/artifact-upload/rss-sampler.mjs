// Samples a process's resident set size from /proc every `intervalMs`.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** VmRSS in bytes, or undefined once the process is gone. */
export function rssBytes(pid) {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

export class RssSampler {
  constructor(pid, intervalMs = 50) {
    this.pid = pid;
    this.intervalMs = intervalMs;
    this.samples = [];
    this.timer = undefined;
  }

  start() {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    return this;
  }

  sample() {
    // A function finds the pid late (a process that is started by a wrapper).
    const pid = typeof this.pid === 'function' ? this.pid() : this.pid;
    const rss = pid === undefined ? undefined : rssBytes(pid);
    if (rss !== undefined) this.samples.push({ t: performance.now(), rss });
  }

  stop() {
    clearInterval(this.timer);
    this.sample();
    return this;
  }

  peak() {
    return this.samples.reduce((max, s) => Math.max(max, s.rss), 0);
  }
}

/** The first child of `pid` (e.g. the command a sh wrapper runs), or undefined. */
export function firstChildPid(pid) {
  try {
    const first = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0];
    return first ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}

/** The pid of the process listening on TCP `port` (any local address), found through /proc. */
export function pidListeningOn(port) {
  const inodes = new Set();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.trim().split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const localPort = parseInt(cols[1]?.split(':')[1] ?? '', 16);
      // State 0A is LISTEN; column 9 is the socket inode.
      if (localPort === port && cols[3] === '0A' && cols[9]) inodes.add(`socket:[${cols[9]}]`);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds;
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (inodes.has(readlinkSync(`/proc/${entry}/fd/${fd}`))) return Number(entry);
      } catch {
        // fd closed meanwhile
      }
    }
  }
  return undefined;
}
