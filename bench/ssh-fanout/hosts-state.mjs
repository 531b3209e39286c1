// Between runs (untimed): every tool starts from the same host state, "previous release
// current and running under pm2, no other releases, no leftovers". After a run: every host
// must answer the new version, or the run does not count.
import { readdir, readlink, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';

/** Removes every release but the current one, and temp links/uploads (hosts share this FS). */
export async function resetReleases(hosts) {
  await Promise.all(
    hosts.hosts.map(async (h) => {
      const current = await readlink(join(h.baseDir, 'current')).catch(() => null);
      const keep = current ? basename(current) : null;
      const releases = join(h.baseDir, 'releases');
      for (const name of await readdir(releases).catch(() => [])) {
        if (name !== keep) await rm(join(releases, name), { recursive: true, force: true });
      }
      for (const name of await readdir(h.baseDir).catch(() => [])) {
        if (name.startsWith('.current-')) await rm(join(h.baseDir, name), { force: true });
      }
    }),
  );
}

/** Versions the hosts' apps answer right now (null where nothing answers). */
export function versionsServed(hosts) {
  return Promise.all(
    hosts.hosts.map(async (h) => {
      try {
        const res = await fetch(`http://${h.address}:${h.appPort}/`, { signal: AbortSignal.timeout(3000) });
        return (await res.json()).version ?? null;
      } catch {
        return null;
      }
    }),
  );
}

export async function expectServing(hosts, version) {
  const served = await versionsServed(hosts);
  const wrong = served.map((v, i) => [hosts.hosts[i].name, v]).filter(([, v]) => v !== version);
  if (wrong.length) {
    throw new Error(
      `after the run, ${wrong.length} host(s) do not serve ${version}: ${wrong.map(([n, v]) => `${n}=${v}`).join(', ')}`,
    );
  }
}
