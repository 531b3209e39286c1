// CPU seconds one release costs, whoever else is using the machine. Wall time on a shared
// 2-core box moves with everyone's load; the CPU a tool's processes burn does not (much).
//
// Everything a release runs ends up in a /proc counter we can read before and after:
//  - host side: every ssh session (and every command in it) is a descendant of its host's
//    sshd listener, which reaps it, so the listener's cutime+cstime grow by all of it; an
//    app process pm2 replaced is reaped by that host's pm2 daemon (its cutime+cstime), and
//    the daemon's own work is its utime+stime;
//  - ansible and the floor: the bench process reaps them (and they reaped their forks and
//    ssh clients), so our own cutime+cstime grow by their whole tree;
//  - wharf: the API and worker processes' utime+stime, and the Postgres backends serving
//    the benchmark database.
// Not counted for any tool: Redis, and Ansible's ControlPersist masters (they daemonize;
// they do the ssh crypto of Ansible's connections, so Ansible is slightly under-counted).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const HZ = 100; // USER_HZ on Linux

/** { utime, stime, cutime, cstime } in seconds, or null when the process is gone. */
export function cpuTimes(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: state(0) ... utime(11) stime(12) cutime(13) cstime(14).
    return {
      utime: Number(f[11]) / HZ,
      stime: Number(f[12]) / HZ,
      cutime: Number(f[13]) / HZ,
      cstime: Number(f[14]) / HZ,
    };
  } catch {
    return null;
  }
}

const own = (t) => (t ? t.utime + t.stime : 0);
const reaped = (t) => (t ? t.cutime + t.cstime : 0);

function pm2DaemonPid(pm2Home) {
  try {
    const n = Number.parseInt(readFileSync(join(pm2Home, 'pm2.pid'), 'utf8').trim(), 10);
    return n > 0 ? n : null;
  } catch {
    return null;
  }
}

/** Host-side CPU counters summed over every host: sshd listeners and pm2 daemons. */
export function hostCpu(hosts) {
  let sshd = 0;
  let pm2 = 0;
  for (const h of hosts.hosts) {
    const s = cpuTimes(h.sshdPid);
    sshd += own(s) + reaped(s);
    const pid = pm2DaemonPid(h.pm2Home);
    const p = pid ? cpuTimes(pid) : null;
    pm2 += own(p) + reaped(p);
  }
  return { sshd, pm2 };
}

/** Children this process reaped so far (ansible, floor.sh and everything they ran). */
export const reapedByUs = () => reaped(cpuTimes(process.pid));

/** Own CPU of the given processes (e.g. API, worker, Postgres backends). */
export const ownCpu = (pids) => pids.reduce((a, pid) => a + own(cpuTimes(pid)), 0);

/**
 * Starts a measurement; `stop()` returns CPU seconds by part. `localPids()` lists the tool's
 * long-lived local processes (Wharf: API, worker, its Postgres backends), read at both ends.
 */
export async function cpuAccount(hosts, localPids = async () => []) {
  const pidsBefore = await localPids();
  const before = {
    host: hostCpu(hosts),
    reaped: reapedByUs(),
    local: new Map(pidsBefore.map((p) => [p, own(cpuTimes(p))])),
  };
  return async () => {
    const host = hostCpu(hosts);
    const pidsAfter = await localPids();
    let local = 0;
    // Processes that exist at both ends; one born during the run counts from zero.
    for (const pid of new Set([...pidsBefore, ...pidsAfter])) {
      const now = cpuTimes(pid);
      if (now) local += own(now) - (before.local.get(pid) ?? 0);
    }
    const parts = {
      hostSshSessions: host.sshd - before.host.sshd,
      hostPm2: host.pm2 - before.host.pm2,
      localTool: reapedByUs() - before.reaped + local,
    };
    const r2 = (x) => Math.round(x * 100) / 100;
    return {
      totalCpuSeconds: r2(parts.hostSshSessions + parts.hostPm2 + parts.localTool),
      ...Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, r2(v)])),
    };
  };
}
