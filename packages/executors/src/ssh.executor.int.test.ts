// End-to-end releases against three real sshd hosts with real pm2 (from @wharf/test-hosts).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildSampleTarball,
  startSshHosts,
  type SampleTarball,
  type TestHost,
  type TestHosts,
} from '@wharf/test-hosts';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { releasePaths, prepareHost, uploadAndUnpack, switchCurrent } from './deploy-steps.js';
import { HealthCheckFailedError, PlanValidationError } from './errors.js';
import { httpProbeTool, runHealthGate } from './health.js';
import { MASK } from './masking.js';
import { sh, type ShellCommand } from './shell-quote.js';
import { connectSsh } from './ssh-connection.js';
import { createSshExecutor } from './ssh.executor.js';
import { TargetSession, type RunOptions } from './target-session.js';
import type { DeployResult, LogLine, SshDeployPlan, SshDeploySettings, TargetUpdate } from './types.js';

let th: TestHosts;
let work = '';
const tarballs: Record<string, SampleTarball> = {};
const secretToken = `tok-${randomBytes(12).toString('hex')}`;
const marker = join(tmpdir(), `wharf-pwned-${randomBytes(6).toString('hex')}`);
const executor = createSshExecutor();

beforeAll(async () => {
  th = await startSshHosts({ count: 3, baseAddress: '127.0.0.40' });
  work = await mkdtemp(join(tmpdir(), 'wharf-exec-test-'));
  const out = join(work, 'artifacts');
  tarballs.v1 = await buildSampleTarball({ version: 'v1', outDir: out });
  tarballs.v2 = await buildSampleTarball({ version: 'v2', outDir: out });
  tarballs.v3 = await buildSampleTarball({ version: 'v3', outDir: out, crashOnStart: true });
  tarballs.v4 = await buildSampleTarball({ version: 'v4', outDir: out, slowInstall: 300 });
});

afterAll(async () => {
  await th?.stop();
  if (work) await rm(work, { recursive: true, force: true });
  await rm(marker, { force: true });
});

function target(h: TestHost, over: Partial<SshDeployPlan['targets'][number]> = {}): SshDeployPlan['targets'][number] {
  return {
    id: `t-${h.name}`,
    name: h.name,
    host: h.address,
    port: h.port,
    user: h.user,
    baseDir: h.baseDir,
    appName: 'web',
    pinnedHostKey: h.hostKeyFingerprint,
    credential: { privateKey: th.clientPrivateKey },
    healthCheck: { type: 'http', url: `http://${h.address}:${h.appPort}/health`, expectStatus: 200 },
    ...over,
  };
}

function plan(version: string, over: Partial<SshDeploySettings> = {}, hosts = th.hosts): SshDeployPlan {
  const t = tarballs[version] ?? tarballs.v1!;
  return {
    deploymentId: `d-${version}-${randomBytes(3).toString('hex')}`,
    version,
    artifact: { path: t.path, sha256: t.sha256 },
    targets: hosts.map((h) => target(h)),
    settings: {
      installCommand: null,
      env: { GREETING: 'hello' },
      secretEnv: { API_TOKEN: secretToken },
      reload: { mode: 'startOrReload', ecosystemFile: 'ecosystem.config.cjs' },
      health: { intervalMs: 300, timeoutMs: 2000, attempts: 10 },
      keepReleases: 5,
      // Prints the secret on purpose: the log must only ever show it masked.
      preCommand: 'echo "pre: token=$API_TOKEN greeting=$GREETING version=$WHARF_VERSION"',
      postCommand: null,
      batchSize: 1,
      onFailure: 'stop',
      ...over,
    },
  };
}

async function deploy(p: SshDeployPlan, signal?: AbortSignal, onLog?: (l: LogLine) => void) {
  const logs: LogLine[] = [];
  const updates: TargetUpdate[] = [];
  const result: DeployResult = await executor.run(p, {
    log: (l) => {
      logs.push(l);
      onLog?.(l);
    },
    ...(signal ? { signal } : {}),
    onTargetUpdate: (u) => updates.push(u),
  });
  return { result, logs, updates, text: logs.map((l) => `[${l.targetId ?? '-'}] ${l.stream}: ${l.text}`).join('\n') };
}

async function served(h: TestHost): Promise<string> {
  const res = await fetch(`http://${h.address}:${h.appPort}/`, { signal: AbortSignal.timeout(5000) });
  return ((await res.json()) as { version: string }).version;
}

async function currentOf(h: TestHost): Promise<string> {
  return readlink(join(h.baseDir, 'current'));
}

/** Process group ids of every live process on this machine. */
async function livePgids(): Promise<Set<number>> {
  const out = new Set<number>();
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const st = await readFile(`/proc/${pid}/stat`, 'utf8');
      const fields = st.slice(st.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z') out.add(Number(fields[2]));
    } catch {
      /* gone */
    }
  }
  return out;
}

describe('ssh executor against real sshd + pm2', () => {
  it('deploys v1 to three hosts; each serves v1; secrets are masked', async () => {
    const { result, logs, updates, text } = await deploy(plan('v1'));
    expect(result.state, text).toBe('succeeded');
    expect(result.targets.map((t) => [t.targetId, t.state, t.batch])).toEqual([
      ['t-host-1', 'succeeded', 1],
      ['t-host-2', 'succeeded', 2],
      ['t-host-3', 'succeeded', 3],
    ]);
    for (const h of th.hosts) {
      expect(await served(h)).toBe('v1');
      expect(await currentOf(h)).toBe(join(h.baseDir, 'releases', 'v1'));
    }
    expect(text).toContain(`pre: token=${MASK} greeting=hello version=v1`);
    expect(text).not.toContain(secretToken);
    expect(text).not.toContain(th.clientPrivateKey.split('\n')[1]!);
    // Every step announces itself.
    for (const step of [
      'connecting to',
      'uploading artifact',
      'verifying sha256',
      'unpacking',
      'install: npm ci',
      'switching',
      'pm2 startOrReload',
      'health check attempt 1',
      'prune:',
    ]) {
      expect(
        logs.some((l) => l.targetId === 't-host-1' && l.stream === 'system' && l.text.includes(step)),
        step,
      ).toBe(true);
    }
    expect(updates.filter((u) => u.targetId === 't-host-2').map((u) => u.state)).toEqual(['running', 'succeeded']);
    // The hosts have curl, so the health probe uses it instead of starting node.
    expect(text).toContain('expecting 200 (via curl)');
    expect(text).not.toContain('(via node)');
  });

  it('deploys v2: every host answers v2 after the reload', async () => {
    const { result, text } = await deploy(plan('v2', { batchSize: '50%' }));
    expect(result.state, text).toBe('succeeded');
    expect(result.targets.map((t) => t.batch)).toEqual([1, 1, 2]);
    for (const h of th.hosts) expect(await served(h)).toBe('v2');
  });

  it('v3 crashes on start: health gate fails, rollout stops, every host still serves v2', async () => {
    const { result, text } = await deploy(plan('v3', { health: { intervalMs: 300, timeoutMs: 1000, attempts: 4 } }));
    expect(result.state, text).toBe('failed');
    expect(result.targets.map((t) => t.state)).toEqual(['failed', 'skipped', 'skipped']);
    expect(['health_check_failed', 'pm2_status']).toContain(result.targets[0]!.error?.code);
    expect(text).toContain('reverting to the previous release');
    for (const h of th.hosts) {
      expect(await served(h)).toBe('v2');
      expect(await currentOf(h)).toBe(join(h.baseDir, 'releases', 'v2'));
    }
    // Skipped hosts never received v3.
    expect(existsSync(join(th.hosts[1]!.baseDir, 'releases', 'v3'))).toBe(false);
  });

  it('rolls back to v1 without uploading again', async () => {
    const before = await stat(join(th.hosts[0]!.baseDir, 'releases', 'v1', 'server.js'));
    const { result, logs, text } = await deploy(plan('v1', { batchSize: '100%' }));
    expect(result.state, text).toBe('succeeded');
    expect(result.targets.every((t) => t.reusedRelease === true)).toBe(true);
    for (const h of th.hosts) {
      const own = logs.filter((l) => l.targetId === `t-${h.name}`).map((l) => l.text);
      expect(own.some((l) => l.includes('already complete on this host') && l.includes('skipping upload'))).toBe(true);
      expect(own.some((l) => l.includes('uploading artifact'))).toBe(false);
      expect(await served(h)).toBe('v1');
    }
    const after = await stat(join(th.hosts[0]!.baseDir, 'releases', 'v1', 'server.js'));
    expect(after.ino).toBe(before.ino);
  });

  it('cancel during a slow install: hosts keep serving v1 and no install process survives', async () => {
    const ac = new AbortController();
    // Safety net: abort anyway so a broken run cannot leave a 300 s install behind.
    const safety = setTimeout(() => ac.abort(), 40_000);
    onTestFinished(() => clearTimeout(safety));
    const started = new Set<string>();
    const { result, text } = await deploy(plan('v4', { batchSize: '100%' }), ac.signal, (l) => {
      if (l.text.includes('slow install started') && l.targetId) started.add(l.targetId);
      if (started.size === 3) ac.abort();
    });
    expect(started.size, text).toBe(3);
    expect(result.state, text).toBe('cancelled');
    expect(result.targets.map((t) => t.state)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    const pgids = await livePgids();
    for (const h of th.hosts) {
      const info = JSON.parse(await readFile(join(h.baseDir, 'releases', 'v4', 'install.pid'), 'utf8')) as {
        pid: number;
        pgid: number;
      };
      expect(pgids.has(info.pgid)).toBe(false);
      expect(existsSync(join(h.baseDir, '.wharf', 'v4.owned'))).toBe(true);
      expect(existsSync(join(h.baseDir, '.wharf', 'v4.complete'))).toBe(false);
      expect(await currentOf(h)).toBe(join(h.baseDir, 'releases', 'v1'));
      expect(await served(h)).toBe('v1');
    }
  });

  it('a per-target timeout fails the target and stops its remote install', async () => {
    const h = th.hosts[0]!;
    const { result, text } = await deploy(plan('v4', { timeouts: { targetMs: 10_000 } }, [h]));
    expect(result.state, text).toBe('failed');
    expect(result.targets[0]!.error?.code).toBe('target_timeout');
    expect(text).toContain('slow install started');
    const info = JSON.parse(await readFile(join(h.baseDir, 'releases', 'v4', 'install.pid'), 'utf8')) as {
      pgid: number;
    };
    expect((await livePgids()).has(info.pgid)).toBe(false);
    expect(await served(h)).toBe('v1');
  });

  it('a changed host key fails that host with HostKeyMismatchError and changes nothing there', async () => {
    const h = th.hosts[2]!;
    const pinned = h.hostKeyFingerprint;
    const snapshot = async () => JSON.stringify(await listTree(h.baseDir));
    const before = await snapshot();
    const rotated = await h.rotateHostKey();
    const p = plan('v2', { batchSize: '100%', onFailure: 'continue' });
    p.targets[2]!.pinnedHostKey = pinned;
    const { result, text } = await deploy(p);
    expect(result.state).toBe('failed');
    const t3 = result.targets[2]!;
    expect(t3.state).toBe('failed');
    expect(t3.error?.code).toBe('host_key_mismatch');
    expect(t3.error?.message).toContain(pinned);
    expect(t3.error?.message).toContain(rotated);
    expect(
      result.targets.slice(0, 2).map((t) => t.state),
      text,
    ).toEqual(['succeeded', 'succeeded']);
    expect(await snapshot()).toBe(before);
    expect(await served(h)).toBe('v1');
  });

  it('reload mode, post-command and pruning (keepReleases 2, current always kept)', async () => {
    const hosts = th.hosts.slice(0, 2);
    const { result, text } = await deploy(
      plan(
        'v2',
        {
          reload: { mode: 'reload', name: 'web' },
          postCommand: 'echo "post: $WHARF_VERSION in $(pwd -P)"',
          keepReleases: 2,
          batchSize: 2,
        },
        hosts,
      ),
    );
    expect(result.state, text).toBe('succeeded');
    for (const h of hosts) {
      expect(await served(h)).toBe('v2');
      expect(text).toContain(`post: v2 in ${join(h.baseDir, 'releases', 'v2')}`);
      const left = (await readdir(join(h.baseDir, 'releases'))).filter((n) => !n.startsWith('.')).sort();
      // v1 was active just before v2, so it is the newest of the others; v3/v4 go.
      expect(left).toEqual(['v1', 'v2']);
    }
    expect(text).toContain('pm2 reload web --update-env');
  });

  it('an unreachable target fails with a typed error; with onFailure continue the others proceed', async () => {
    const p = plan('v2', { batchSize: 1, onFailure: 'continue', timeouts: { connectMs: 3000 } }, th.hosts.slice(0, 2));
    p.targets.unshift({ ...p.targets[0]!, id: 't-down', name: 'down', host: '127.0.0.49', port: 1 });
    const { result, text } = await deploy(p);
    expect(result.state).toBe('failed');
    expect(result.targets.map((t) => [t.targetId, t.state])).toEqual([
      ['t-down', 'failed'],
      ['t-host-1', 'succeeded'],
      ['t-host-2', 'succeeded'],
    ]);
    expect(result.targets[0]!.error?.code, text).toBe('unreachable');
  });

  it('a corrupted upload (sha256 mismatch) fails before anything is unpacked or switched', async () => {
    const h = th.hosts[1]!;
    const p = plan('v9', {}, [h]);
    p.artifact = { path: tarballs.v2!.path, sha256: 'f'.repeat(64) };
    const { result, text } = await deploy(p);
    expect(result.targets[0]!.error?.code, text).toBe('checksum_mismatch');
    const left = await readdir(join(h.baseDir, 'releases'));
    expect(left.filter((n) => n.startsWith('.') || n === 'v9')).toEqual([]);
    expect(await served(h)).toBe('v2');
  });

  it('rejects a hostile version before touching any host', async () => {
    const hostile = `v1$(touch ${marker})`;
    const before = JSON.stringify(await listTree(th.hosts[0]!.baseDir));
    const p = plan('v1');
    p.version = hostile;
    await expect(deploy(p)).rejects.toBeInstanceOf(PlanValidationError);
    expect(existsSync(marker)).toBe(false);
    expect(JSON.stringify(await listTree(th.hosts[0]!.baseDir))).toBe(before);
  });

  it('hostile variable values arrive literally and run nothing', async () => {
    const hostileValue = `$(touch ${marker}) \`touch ${marker}\` '"; touch ${marker}; touch PWNED`;
    const p = plan('v1', {
      batchSize: '100%',
      env: { HOSTILE: hostileValue },
      secretEnv: { API_TOKEN: secretToken, OTHER_SECRET: `x'$(touch ${marker})'y` },
      preCommand: 'printf "value=%s\\n" "$HOSTILE"',
    });
    const { result, text } = await deploy(p);
    expect(result.state, text).toBe('succeeded');
    expect(text).toContain(`value=${hostileValue}`);
    expect(existsSync(marker)).toBe(false);
    for (const h of th.hosts) expect(await findNamed(h.baseDir, 'PWNED')).toEqual([]);
  });

  it('steps keep a hostile version literal even if validation were bypassed', async () => {
    const h = th.hosts[0]!;
    const version = `x$(touch PWNED)\`touch PWNED\`'";touch PWNED;-rf`;
    const conn = await connectSsh({
      host: h.address,
      port: h.port,
      username: h.user,
      privateKey: th.clientPrivateKey,
      pinnedHostKey: h.hostKeyFingerprint,
    });
    try {
      const s = new TargetSession(conn, () => {}, new AbortController().signal, {}, 60_000);
      const base = join(h.baseDir, 'hostile-base');
      const p = releasePaths(base, version);
      await prepareHost(s, p);
      await uploadAndUnpack(s, p, { localPath: tarballs.v1!.path, sha256: tarballs.v1!.sha256, version, rand: 'r1' });
      await switchCurrent(s, p, p.release, 'r1');
      expect(await readdir(join(base, 'releases'))).toEqual([version]);
      expect(await readlink(join(base, 'current'))).toBe(join(base, 'releases', version));
      await s.run('list', sh`ls -- ${p.current}/`);
    } finally {
      conn.close();
    }
    expect(await findNamed(h.baseDir, 'PWNED')).toEqual([]);
    expect(existsSync(marker)).toBe(false);
  });
});

describe('health probe on a host without curl', () => {
  it('finds no curl on PATH and probes with node instead; passes and fails like curl', async () => {
    const h = th.hosts[0]!;
    // PATH with only node on it: `command -v curl` fails there, as on a host without curl.
    const bin = join(work, 'node-only-bin');
    await mkdir(bin, { recursive: true });
    await symlink(process.execPath, join(bin, 'node'));
    class NodeOnlySession extends TargetSession {
      override capture(step: string, cmd: ShellCommand, opts?: RunOptions): ReturnType<TargetSession['capture']> {
        return super.capture(step, sh`PATH=${bin}; export PATH; ${cmd}`, opts);
      }
    }
    const conn = await connectSsh({
      host: h.address,
      port: h.port,
      username: h.user,
      privateKey: th.clientPrivateKey,
      pinnedHostKey: h.hostKeyFingerprint,
    });
    const lines: string[] = [];
    try {
      const s = new NodeOnlySession(conn, (_, t) => lines.push(t), new AbortController().signal, {}, 60_000);
      const cfg = { intervalMs: 0, timeoutMs: 2000, attempts: 1 };
      const url = `http://${h.address}:${h.appPort}/health`;
      await runHealthGate(s, { type: 'http', url, expectStatus: 200 }, cfg, h.baseDir);
      expect(s.httpProbeTool).toBe('node');
      await expect(runHealthGate(s, { type: 'http', url, expectStatus: 204 }, cfg, h.baseDir)).rejects.toBeInstanceOf(
        HealthCheckFailedError,
      );
      // The same host with its normal PATH has curl.
      const plain = new TargetSession(conn, () => {}, new AbortController().signal, {}, 60_000);
      expect(await httpProbeTool(plain)).toBe('curl');
    } finally {
      conn.close();
    }
    expect(lines.filter((l) => l.includes('(via node)'))).toHaveLength(2);
    expect(lines).toContainEqual(expect.stringMatching(/^health check attempt 1: passed \(HTTP 200 /));
    expect(lines).toContainEqual(expect.stringMatching(/^health check attempt 1: failed \(HTTP 200 /));
  });
});

describe('command health check on a host', () => {
  it('runs in the given directory with the deploy env; a slow command fails its attempt at the timeout', async () => {
    const h = th.hosts[0]!;
    const conn = await connectSsh({
      host: h.address,
      port: h.port,
      username: h.user,
      privateKey: th.clientPrivateKey,
      pinnedHostKey: h.hostKeyFingerprint,
    });
    const lines: string[] = [];
    try {
      const env = { WHO: 'wharf', API_TOKEN: secretToken };
      const s = new TargetSession(conn, (_, t) => lines.push(t), new AbortController().signal, env, 60_000);
      const cfg = { intervalMs: 100, timeoutMs: 1000, attempts: 2 };
      const command = 'test -n "$API_TOKEN" && echo "in $(pwd) for $WHO"';
      await runHealthGate(s, { type: 'command', command }, cfg, h.baseDir);
      expect(lines).toContain(`health check attempt 1: passed (in ${h.baseDir} for wharf)`);

      const started = Date.now();
      await expect(runHealthGate(s, { type: 'command', command: 'sleep 20' }, cfg, h.baseDir)).rejects.toThrow(
        /after 2 attempt\(s\): no answer within 1000 ms/,
      );
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      conn.close();
    }
  });
});

async function listTree(dir: string): Promise<[string, number][]> {
  const out: [string, number][] = [];
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const full = join(e.parentPath, e.name);
    out.push([full, (await stat(full).catch(() => ({ mtimeMs: -1 }))).mtimeMs]);
  }
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}

async function findNamed(dir: string, name: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).filter((p) => p.split('/').pop() === name);
}
