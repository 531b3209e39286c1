// The sliding window against real sshd + pm2 hosts: never more hosts at once than
// `parallelism`, a failure under `stop` keeps new hosts from starting, cancel mid-window, and
// the per-step log lines of the grouped step scripts.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSampleTarball, startSshHosts, type SampleTarball, type TestHosts } from '@wharf/test-hosts';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { connectSsh } from './ssh-connection.js';
import { createSshExecutor } from './ssh.executor.js';
import type { LogLine, SshDeployPlan, SshDeploySettings, TargetUpdate } from './types.js';

let th: TestHosts;
let work = '';
const tarballs: Record<string, SampleTarball> = {};
const executor = createSshExecutor();

beforeAll(async () => {
  th = await startSshHosts({ count: 4, baseAddress: '127.0.0.190' });
  work = await mkdtemp(join(tmpdir(), 'wharf-fanout-test-'));
  const out = join(work, 'artifacts');
  for (const v of ['v1', 'v2', 'v3', 'v4']) tarballs[v] = await buildSampleTarball({ version: v, outDir: out });
  tarballs.slow = await buildSampleTarball({ version: 'slow', outDir: out, slowInstall: 300 });
});

afterAll(async () => {
  await th?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** A target that refuses connections at once (nothing listens on port 1). */
const DOWN = { id: 't-down', name: 'down', host: '127.0.0.189', port: 1 };

function plan(version: string, over: Partial<SshDeploySettings>, withDown = false): SshDeployPlan {
  const t = tarballs[version]!;
  const targets = th.hosts.map((h) => ({
    id: `t-${h.name}`,
    name: h.name,
    host: h.address,
    port: h.port,
    user: h.user,
    baseDir: h.baseDir,
    appName: 'web',
    pinnedHostKey: h.hostKeyFingerprint,
    credential: { privateKey: th.clientPrivateKey },
    healthCheck: { type: 'http' as const, url: `http://${h.address}:${h.appPort}/health`, expectStatus: 200 },
  }));
  if (withDown) targets.unshift({ ...targets[0]!, ...DOWN });
  return {
    deploymentId: `d-${version}-${randomBytes(3).toString('hex')}`,
    version,
    artifact: { path: t.path, sha256: t.sha256 },
    targets,
    settings: {
      installCommand: null,
      env: {},
      secretEnv: {},
      reload: { mode: 'startOrReload', ecosystemFile: 'ecosystem.config.cjs' },
      health: { intervalMs: 300, timeoutMs: 2000, attempts: 10 },
      keepReleases: 5,
      preCommand: null,
      postCommand: null,
      batchSize: '100%',
      onFailure: 'stop',
      timeouts: { connectMs: 3000 },
      ...over,
    },
  };
}

/** Runs a plan and records, from the target updates, how many hosts ran at once. */
async function deploy(p: SshDeployPlan, signal?: AbortSignal, onLog?: (l: LogLine) => void) {
  const logs: LogLine[] = [];
  const updates: TargetUpdate[] = [];
  let running = 0;
  let maxRunning = 0;
  const result = await executor.run(p, {
    log: (l) => {
      logs.push(l);
      onLog?.(l);
    },
    ...(signal ? { signal } : {}),
    onTargetUpdate: (u) => {
      updates.push(u);
      if (u.state === 'running') maxRunning = Math.max(maxRunning, ++running);
      else if (u.startedAt !== null) running--;
    },
  });
  const text = logs.map((l) => `[${l.targetId ?? '-'}] ${l.stream}: ${l.text}`).join('\n');
  const started = new Set(updates.filter((u) => u.state === 'running').map((u) => u.targetId));
  return { result, logs, text, maxRunning, started };
}

describe('ssh release: sliding window', () => {
  it('runs at most `parallelism` hosts at once, one connection each, with every step logged in order', async () => {
    const { result, logs, text, maxRunning } = await deploy(plan('v1', { parallelism: 2 }));
    expect(result.state, text).toBe('succeeded');
    expect(maxRunning).toBe(2);
    for (const h of th.hosts) {
      const sys = logs.filter((l) => l.targetId === `t-${h.name}` && l.stream === 'system').map((l) => l.text);
      expect(sys.filter((l) => l.startsWith('connecting to '))).toHaveLength(1);
      const order = [
        /^connecting to /,
        /^preparing /,
        /^uploading artifact/,
        /^verifying sha256/,
        /^unpacking into/,
        /^install: /,
        /^release v1 prepared in /,
        /^switching /,
        /^pm2 startOrReload /,
        /^checking pm2 status of web/,
        /^pm2 reports web online/,
        /^health check attempt 1\//,
        / is serving v1$/,
        /^prune: /,
      ].map((re) => sys.findIndex((l) => re.test(l)));
      expect(
        order.every((i) => i >= 0),
        sys.join('\n'),
      ).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      // The first HTTP attempt ran inside the activate script (curl is on these hosts).
      expect(sys.some((l) => /^health check attempt 1: (passed|failed) \(.*; probed right after pm2\)$/.test(l))).toBe(
        true,
      );
    }
  });

  it('under stop, a failed host keeps every further host from starting; running ones finish', async () => {
    const { result, text, started } = await deploy(plan('v2', { parallelism: 2, onFailure: 'stop' }, true));
    expect(result.state).toBe('failed');
    // down fails at once while host-1 runs in the other lane; nothing starts after that.
    expect(
      result.targets.map((t) => [t.targetId, t.state]),
      text,
    ).toEqual([
      ['t-down', 'failed'],
      ['t-host-1', 'succeeded'],
      ['t-host-2', 'skipped'],
      ['t-host-3', 'skipped'],
      ['t-host-4', 'skipped'],
    ]);
    expect([...started].sort()).toEqual(['t-down', 't-host-1']);
    expect(text).toContain('[t-host-2] system: skipped: a host in this batch failed');
  });

  it('under continue, the other hosts still start and succeed', async () => {
    const { result, maxRunning, text } = await deploy(plan('v3', { parallelism: 2, onFailure: 'continue' }, true));
    expect(
      result.targets.map((t) => t.state),
      text,
    ).toEqual(['failed', 'succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(maxRunning).toBeLessThanOrEqual(2);
  });

  it('cancel mid-window: running hosts are cancelled, no further host starts', async () => {
    const ac = new AbortController();
    const safety = setTimeout(() => ac.abort(), 60_000);
    onTestFinished(() => clearTimeout(safety));
    const installing = new Set<string>();
    const { result, text, started } = await deploy(plan('slow', { parallelism: 2 }), ac.signal, (l) => {
      if (l.text.includes('slow install started') && l.targetId) installing.add(l.targetId);
      if (installing.size === 2) ac.abort();
    });
    expect(result.state, text).toBe('cancelled');
    expect(result.targets.map((t) => [t.targetId, t.state, t.startedAt === null])).toEqual([
      ['t-host-1', 'cancelled', false],
      ['t-host-2', 'cancelled', false],
      ['t-host-3', 'cancelled', true],
      ['t-host-4', 'cancelled', true],
    ]);
    expect(started.size).toBe(2);
    expect(text).toContain('[t-host-3] system: cancelled before start');
  });
});

describe('ssh release: the prune rides the passing health attempt', () => {
  let health: Server;
  let healthBase = '';
  const asked = new Map<string, number>();

  beforeAll(async () => {
    // Per host: the first probe (the one in the activate script) fails, every later one passes.
    health = createServer((req, res) => {
      const n = (asked.get(req.url ?? '') ?? 0) + 1;
      asked.set(req.url ?? '', n);
      res.statusCode = n === 1 ? 503 : 200;
      res.end(n === 1 ? 'starting' : 'ok');
    });
    await new Promise<void>((r) => health.listen(0, '127.0.0.1', r));
    healthBase = `http://127.0.0.1:${(health.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => health.close(() => r())));

  it('one remote command fewer per host, same prune, same log lines', async () => {
    // A release before, so the prune has work (whatever ran earlier in this file).
    expect((await deploy(plan('v1', { parallelism: 4 }))).result.state).toBe('succeeded');
    const execs = new Map<string, number>();
    const counting = createSshExecutor({
      connect: async (o) => {
        const c = await connectSsh(o);
        const client = c.client as unknown as { exec: (...a: unknown[]) => unknown };
        const exec = client.exec.bind(client);
        client.exec = (...a: unknown[]) => {
          execs.set(o.host, (execs.get(o.host) ?? 0) + 1);
          return exec(...a);
        };
        return c;
      },
    });
    const p = plan('v4', {
      parallelism: 2,
      keepReleases: 1,
      health: { intervalMs: 100, timeoutMs: 2000, attempts: 5 },
    });
    for (const t of p.targets) t.healthCheck = { type: 'http', url: `${healthBase}/${t.name}`, expectStatus: 200 };
    const logs: LogLine[] = [];
    const result = await counting.run(p, { log: (l) => logs.push(l) });
    const text = logs.map((l) => `[${l.targetId ?? '-'}] ${l.stream}: ${l.text}`).join('\n');
    expect(result.state, text).toBe('succeeded');
    for (const h of th.hosts) {
      const sys = logs.filter((l) => l.targetId === `t-${h.name}` && l.stream === 'system').map((l) => l.text);
      expect(sys, text).toContain(`health check attempt 2: passed (HTTP 200 ok)`);
      const serving = sys.findIndex((l) => l.endsWith(' is serving v4'));
      const prune = sys.findIndex((l) => /^prune: removing /.test(l));
      expect(serving >= 0 && prune > serving, sys.join('\n')).toBe(true);
      // keepReleases 1: only the new release is left, and only its markers.
      expect(await readdir(join(h.baseDir, 'releases'))).toEqual(['v4']);
      expect((await readdir(join(h.baseDir, '.wharf'))).sort()).toEqual(['v4.complete', 'v4.owned']);
      // inspect + prepare, activate, health attempt 2 (+ prune): three remote commands.
      expect(execs.get(h.address), sys.join('\n')).toBe(3);
    }
  });
});
