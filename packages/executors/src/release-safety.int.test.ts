// What a hostile tarball can do on a host when it reaches the executor directly (the API's
// inspector is not assumed): redirect Wharf's own writes through its links, keep setuid
// bits or foreign owners, or get another tool's directories pruned. Real sshd + pm2.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSampleTarball, sha256File, startSshHosts, type TestHost, type TestHosts } from '@wharf/test-hosts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareHost, pruneReleases, releasePaths } from './deploy-steps.js';
import { connectSsh } from './ssh-connection.js';
import { createSshExecutor } from './ssh.executor.js';
import { TargetSession } from './target-session.js';
import type { DeployResult, LogLine, SshDeployPlan } from './types.js';

let th: TestHosts;
let h: TestHost;
let work = '';
const executor = createSshExecutor();
const deep = Array.from({ length: 10 }, (_, i) => `d${i + 1}`).join('/');

beforeAll(async () => {
  th = await startSshHosts({ count: 1, baseAddress: '127.0.0.110' });
  h = th.hosts[0]!;
  work = await mkdtemp(join(tmpdir(), 'wharf-release-safety-'));
});

afterAll(async () => {
  await th?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** The sample app for `version`, plus whatever `addHostile` puts next to it, packed by GNU tar. */
async function hostileTarball(version: string, addHostile: (dir: string) => Promise<void>) {
  const sample = await buildSampleTarball({ version, outDir: join(work, 'samples') });
  const stage = join(work, `stage-${version}`);
  await mkdir(stage, { recursive: true });
  execFileSync('tar', ['-xzf', sample.path, '-C', stage]);
  await addHostile(stage);
  const path = join(work, `${version}.tar.gz`);
  execFileSync('tar', ['-czf', path, '-C', stage, '.']);
  return { path, sha256: await sha256File(path) };
}

function plan(version: string, artifact: { path: string; sha256: string }, keepReleases = 5): SshDeployPlan {
  return {
    deploymentId: `d-${version}-${randomBytes(3).toString('hex')}`,
    version,
    artifact,
    targets: [
      {
        id: 't-1',
        name: h.name,
        host: h.address,
        port: h.port,
        user: h.user,
        baseDir: h.baseDir,
        appName: 'web',
        pinnedHostKey: h.hostKeyFingerprint,
        credential: { privateKey: th.clientPrivateKey },
        healthCheck: { type: 'http', url: `http://${h.address}:${h.appPort}/health`, expectStatus: 200 },
      },
    ],
    settings: {
      installCommand: null,
      env: {},
      secretEnv: {},
      reload: { mode: 'startOrReload', ecosystemFile: 'ecosystem.config.cjs' },
      health: { intervalMs: 300, timeoutMs: 2000, attempts: 10 },
      keepReleases,
      preCommand: null,
      postCommand: null,
      batchSize: 1,
      onFailure: 'stop',
    },
  };
}

async function deploy(p: SshDeployPlan) {
  const logs: LogLine[] = [];
  const result: DeployResult = await executor.run(p, { log: (l) => logs.push(l) });
  return { result, text: logs.map((l) => `${l.stream}: ${l.text}`).join('\n') };
}

/** Every path under `dir`, relative to it, never following a link. */
async function tree(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    out.push(rel);
    if (e.isDirectory()) out.push(...(await tree(dir, rel)));
  }
  return out.sort();
}

describe("a tarball cannot redirect Wharf's own writes", () => {
  it('links at the old marker path, through a 10-deep chain and to absolute paths write nothing outside the release', async () => {
    const outside = join(work, `outside-${randomBytes(4).toString('hex')}`);
    const t = await hostileTarball('evil1', async (dir) => {
      // d1/.../d10/up -> the release root; the marker link goes two levels above it.
      await mkdir(join(dir, deep), { recursive: true });
      await symlink(Array(10).fill('..').join('/'), join(dir, deep, 'up'));
      await symlink(`${deep}/up/../../pwned-chain`, join(dir, '.wharf-release'));
      // Links named like Wharf's state, pointing out of the release.
      await symlink(outside, join(dir, '.wharf'));
      await symlink('../../.wharf', join(dir, 'state-link'));
    });
    const before = await tree(h.baseDir);
    const { result, text } = await deploy(plan('evil1', t));
    expect(result.state, text).toBe('succeeded');

    // Nothing appeared outside releases/evil1 but Wharf's own state and the current link.
    expect(existsSync(join(h.baseDir, 'pwned-chain'))).toBe(false);
    expect(existsSync(outside)).toBe(false);
    const added = (await tree(h.baseDir)).filter((p) => !before.includes(p) && !p.startsWith('releases/evil1/'));
    expect(added.sort()).toEqual(
      ['.wharf', '.wharf/evil1.complete', '.wharf/evil1.owned', 'current', 'releases', 'releases/evil1'].sort(),
    );
    // The marker went where the tarball cannot reach, and it is a plain file.
    const complete = join(h.baseDir, '.wharf', 'evil1.complete');
    expect((await lstat(complete)).isFile()).toBe(true);
    expect((await readFile(complete, 'utf8')).trim()).toBe(t.sha256);
    // The tarball's own links are still there, untouched and unfollowed.
    expect((await lstat(join(h.baseDir, 'releases', 'evil1', '.wharf-release'))).isSymbolicLink()).toBe(true);
  });

  it('a link planted at the marker path in the state dir is replaced, not written through', async () => {
    const victim = join(work, `victim-${randomBytes(4).toString('hex')}`);
    await writeFile(victim, 'original\n');
    const sample = await buildSampleTarball({ version: 'evil2', outDir: join(work, 'samples') });
    await mkdir(join(h.baseDir, '.wharf'), { recursive: true });
    await symlink(victim, join(h.baseDir, '.wharf', 'evil2.complete'));
    const { result, text } = await deploy(plan('evil2', { path: sample.path, sha256: sample.sha256 }));
    expect(result.state, text).toBe('succeeded');
    expect(await readFile(victim, 'utf8')).toBe('original\n');
    expect((await lstat(join(h.baseDir, '.wharf', 'evil2.complete'))).isFile()).toBe(true);
  });

  it('a symlinked state dir is refused before anything is written through it', async () => {
    const base = join(h.baseDir, 'linked-state');
    const elsewhere = join(work, `elsewhere-${randomBytes(4).toString('hex')}`);
    await mkdir(elsewhere, { recursive: true });
    await mkdir(base, { recursive: true });
    await symlink(elsewhere, join(base, '.wharf'));
    const conn = await connectSsh({
      host: h.address,
      port: h.port,
      username: h.user,
      privateKey: th.clientPrivateKey,
      pinnedHostKey: h.hostKeyFingerprint,
    });
    try {
      const s = new TargetSession(conn, () => {}, new AbortController().signal, {}, 60_000);
      await expect(prepareHost(s, releasePaths(base, 'v1'))).rejects.toThrow(/prepare/);
    } finally {
      conn.close();
    }
    expect(await readdir(elsewhere)).toEqual([]);
  });
});

describe('owners and special bits', () => {
  it('a root target keeps no setuid/setgid file and owns every file itself', async () => {
    const t = await hostileTarball('suid1', async (dir) => {
      await mkdir(join(dir, 'bin'));
      for (const [name, mode] of [
        ['suid', 0o4755],
        ['sgid', 0o2755],
        ['both', 0o6777],
      ] as const) {
        await writeFile(join(dir, 'bin', name), '#!/bin/sh\necho hi\n');
        await chown(join(dir, 'bin', name), 12345, 12345);
        await chmod(join(dir, 'bin', name), mode);
      }
      await mkdir(join(dir, 'shared'));
      await chmod(join(dir, 'shared'), 0o3777);
      await chown(join(dir, 'shared'), 12345, 12345);
    });
    // The archive really carries the bits and the foreign owner.
    const listing = execFileSync('tar', ['-tvzf', t.path, '--numeric-owner'], { encoding: 'utf8' });
    expect(listing).toMatch(/-rwsr-xr-x 12345\/12345 .* \.\/bin\/suid/);

    const { result, text } = await deploy(plan('suid1', t));
    expect(result.state, text).toBe('succeeded');
    const rel = join(h.baseDir, 'releases', 'suid1');
    for (const p of ['bin/suid', 'bin/sgid', 'bin/both', 'shared', 'server.js']) {
      const st = await stat(join(rel, p));
      expect(st.mode & 0o7000, p).toBe(0);
      expect(st.mode & 0o022, `${p} is group/world-writable`).toBe(0);
      expect([st.uid, st.gid], p).toEqual([0, 0]);
    }
  });
});

describe('pruning removes only what Wharf made', () => {
  it("another tool's directories under releases/ survive; Wharf's old ones go", async () => {
    const releases = join(h.baseDir, 'releases');
    await mkdir(join(releases, 'other-tool', 'data'), { recursive: true });
    await writeFile(join(releases, 'other-tool', 'data', 'keep.txt'), 'mine');
    await mkdir(join(releases, 'v0'), { recursive: true });
    // A Wharf release from before the state dir: a regular marker file inside. Adopted.
    const legacy = join(releases, 'legacy1');
    await mkdir(legacy, { recursive: true });
    await writeFile(join(legacy, '.wharf-release'), `${'a'.repeat(64)}\n`);

    for (const v of ['p1', 'p2', 'p3']) {
      const sample = await buildSampleTarball({ version: v, outDir: join(work, 'samples') });
      const { result, text } = await deploy(plan(v, { path: sample.path, sha256: sample.sha256 }, 2));
      expect(result.state, text).toBe('succeeded');
      if (v === 'p3') expect(text).toMatch(/prune: leaving .*other-tool.* alone \(not made by Wharf\)/);
    }
    const left = (await readdir(releases)).filter((n) => !n.startsWith('.')).sort();
    // keepReleases 2: p3 (current) and p2; the other Wharf releases went, adopted legacy1 too.
    expect(left).toEqual(['other-tool', 'p2', 'p3', 'v0']);
    expect(await readFile(join(releases, 'other-tool', 'data', 'keep.txt'), 'utf8')).toBe('mine');
    const markers = (await readdir(join(h.baseDir, '.wharf'))).sort();
    expect(markers.filter((m) => /^(evil|suid|legacy|p1)/.test(m))).toEqual([]);
    expect(markers.filter((m) => m.startsWith('p'))).toEqual(['p2.complete', 'p2.owned', 'p3.complete', 'p3.owned']);
  });

  it('a release path taken by another tool fails the host and is left as it was', async () => {
    const foreign = join(h.baseDir, 'releases', 'v0');
    await writeFile(join(foreign, 'theirs.txt'), 'theirs');
    const sample = await buildSampleTarball({ version: 'v0', outDir: join(work, 'samples') });
    const { result, text } = await deploy(plan('v0', { path: sample.path, sha256: sample.sha256 }));
    expect(result.state).toBe('failed');
    expect(result.targets[0]!.error?.code, text).toBe('release_not_wharfs');
    expect(await readdir(foreign)).toEqual(['theirs.txt']);
    expect(existsSync(join(h.baseDir, '.wharf', 'v0.owned'))).toBe(false);
  });

  it('never removes the current release, even when it is the only one', async () => {
    const conn = await connectSsh({
      host: h.address,
      port: h.port,
      username: h.user,
      privateKey: th.clientPrivateKey,
      pinnedHostKey: h.hostKeyFingerprint,
    });
    try {
      const s = new TargetSession(conn, () => {}, new AbortController().signal, {}, 60_000);
      await pruneReleases(s, releasePaths(h.baseDir, 'p3'), 1);
    } finally {
      conn.close();
    }
    const left = (await readdir(join(h.baseDir, 'releases'))).filter((n) => !n.startsWith('.')).sort();
    expect(left).toEqual(['other-tool', 'p3', 'v0']);
  });
});
