// The SSH variant: `pm2 reload` one host at a time with the health gate, against three real
// sshd hosts running the sample app under pm2 (released first by the SSH executor).
import { buildSampleTarball, freePort, startSshHosts, type TestHost, type TestHosts } from '@wharf/test-hosts';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSshExecutor } from '../ssh.executor.js';
import type { LogLine, SshDeployPlan, TargetUpdate } from '../types.js';
import { createSshRollingRestartExecutor, type SshRollingRestartPlan } from './ssh-rolling-restart.executor.js';

let th: TestHosts;
let work = '';
const executor = createSshRollingRestartExecutor();

const target = (h: TestHost, healthPort = h.appPort): SshDeployPlan['targets'][number] => ({
  id: `t-${h.name}`,
  name: h.name,
  host: h.address,
  port: h.port,
  user: h.user,
  baseDir: h.baseDir,
  appName: 'web',
  pinnedHostKey: h.hostKeyFingerprint,
  credential: { privateKey: th.clientPrivateKey },
  healthCheck: { type: 'http', url: `http://${h.address}:${healthPort}/health`, expectStatus: 200 },
});

/** The pid pm2 recorded for the app on one host. */
async function appPid(h: TestHost): Promise<number> {
  const file = (await readdir(join(h.pm2Home, 'pids'))).find((f) => f.startsWith('web-'));
  return Number((await readFile(join(h.pm2Home, 'pids', file!), 'utf8')).trim());
}

async function restart(plan: SshRollingRestartPlan, signal?: AbortSignal, onUpdate?: (u: TargetUpdate) => void) {
  const logs: LogLine[] = [];
  const updates: TargetUpdate[] = [];
  const result = await executor.run(plan, {
    log: (l) => logs.push(l),
    onTargetUpdate: (u) => {
      updates.push(u);
      onUpdate?.(u);
    },
    ...(signal ? { signal } : {}),
  });
  expect(logs.map((l) => l.text).join('\n')).not.toContain(th.clientPrivateKey.split('\n')[1]!);
  return { result, logs, updates };
}

const planFor = (
  targets: SshDeployPlan['targets'],
  onFailure: 'stop' | 'continue' = 'stop',
): SshRollingRestartPlan => ({
  deploymentId: 'restart-1',
  version: 'v1',
  targets,
  settings: { onFailure, health: { intervalMs: 200, timeoutMs: 2000, attempts: 3 }, readinessDelaySeconds: 0.2 },
});

describe('rolling restart over SSH (pm2 reload, one host at a time)', () => {
  beforeAll(async () => {
    th = await startSshHosts({ count: 3, baseAddress: '127.0.0.70' });
    work = await mkdtemp(join(tmpdir(), 'wharf-ssh-restart-'));
    const t = await buildSampleTarball({ version: 'v1', outDir: work });
    const deployed = await createSshExecutor().run(
      {
        deploymentId: 'release-v1',
        version: 'v1',
        artifact: { path: t.path, sha256: t.sha256 },
        targets: th.hosts.map((h) => target(h)),
        settings: {
          installCommand: 'true', // the sample app has no dependencies
          env: {},
          secretEnv: {},
          reload: { mode: 'startOrReload', ecosystemFile: 'ecosystem.config.cjs' },
          health: { intervalMs: 200, timeoutMs: 2000, attempts: 20 },
          keepReleases: 2,
          preCommand: null,
          postCommand: null,
          batchSize: 3,
          onFailure: 'stop',
        },
      },
      { log: () => {} },
    );
    expect(deployed.state).toBe('succeeded');
  });
  afterAll(async () => {
    await th?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('reloads every host in turn, each healthy before the next starts', async () => {
    const before = await Promise.all(th.hosts.map(appPid));
    const running = new Set<string>();
    let overlap = false;
    const { result, logs } = await restart(planFor(th.hosts.map((h) => target(h))), undefined, (u) => {
      if (u.state === 'running') {
        if (running.size > 0) overlap = true;
        running.add(u.targetId);
      } else running.delete(u.targetId);
    });
    expect(result.state).toBe('succeeded');
    expect(result.targets.map((r) => [r.targetId, r.state, r.batch])).toEqual([
      ['t-host-1', 'succeeded', 1],
      ['t-host-2', 'succeeded', 2],
      ['t-host-3', 'succeeded', 3],
    ]);
    expect(overlap).toBe(false);
    // Host n+1 started only after host n finished.
    for (let i = 1; i < 3; i++) {
      expect(result.targets[i]!.startedAt!.getTime()).toBeGreaterThanOrEqual(
        result.targets[i - 1]!.finishedAt!.getTime(),
      );
    }
    const after = await Promise.all(th.hosts.map(appPid));
    after.forEach((pid, i) => expect(pid).not.toBe(before[i]));
    const text = logs.map((l) => l.text).join('\n');
    expect(text.match(/pm2 reload web --update-env/g)).toHaveLength(3);
    expect(text.match(/health check attempt 1: passed/g)).toHaveLength(3);
    expect(text.match(/waiting 0.2 s before the next host/g)).toHaveLength(2);
    expect(text).toContain('host-3 is healthy again; it was the last host');
  });

  it('stops at a host whose health gate fails; later hosts are not touched (policy stop)', async () => {
    const closed = await freePort(th.hosts[1]!.address);
    const before = await Promise.all(th.hosts.map(appPid));
    const { result } = await restart(
      planFor([target(th.hosts[0]!), target(th.hosts[1]!, closed), target(th.hosts[2]!)]),
    );
    expect(result.targets.map((r) => r.state)).toEqual(['succeeded', 'failed', 'skipped']);
    expect(result.targets[1]!.error?.code).toBe('health_check_failed');
    const after = await Promise.all(th.hosts.map(appPid));
    expect(after[2]).toBe(before[2]);
    expect(after[0]).not.toBe(before[0]);
  });

  it('cancel stops before the next host', async () => {
    const before = await Promise.all(th.hosts.map(appPid));
    const ac = new AbortController();
    const { result } = await restart(planFor(th.hosts.map((h) => target(h))), ac.signal, (u) => {
      if (u.targetId === 't-host-1' && u.state === 'succeeded') ac.abort();
    });
    expect(result.state).toBe('cancelled');
    expect(result.targets.map((r) => r.state)).toEqual(['succeeded', 'cancelled', 'cancelled']);
    const after = await Promise.all(th.hosts.map(appPid));
    expect(after.slice(1)).toEqual(before.slice(1));
  });
});
