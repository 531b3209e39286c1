// Per-target variable overrides and the per-target health check, through the whole
// platform: API -> worker -> real sshd + pm2 hosts on 127.0.0.150-151.
import { freePort } from '@wharf/test-hosts';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type RunningWorker } from '../src/worker-app.js';
import { readLog, setupRelease, type ReleaseFixture } from './release-fixture.js';
import { startTestApp, type TestApp } from './test-env.js';

let t: TestApp;
let worker: RunningWorker;
let f: ReleaseFixture;
let ports: number[] = [];
const TARGET_SECRET = 'target-only-secret-7f3a9c';

beforeAll(async () => {
  t = await startTestApp();
  worker = await startWorker(t.config);
  f = await setupRelease(t, { hostCount: 2, baseAddress: '127.0.0.150', slug: 'ovr' });
  ports = await Promise.all(f.hosts.hosts.map((h) => freePort(h.address)));
  await f.push('1.0.0');
  await f.push('2.0.0');
}, 180_000);

afterAll(async () => {
  await worker?.stop();
  await f?.hosts.stop();
  if (f) await rm(f.workDir, { recursive: true, force: true });
  await t?.close();
});

const envUrl = () => `/api/v1/projects/${f.slug}/environments/${f.envId}`;
const targetUrl = (i: number) => `/api/v1/projects/${f.slug}/targets/${f.targetIds[i]}`;

async function setHealthCheck(i: number, healthCheck: unknown): Promise<void> {
  const res = await f.admin.patch(targetUrl(i), { config: { healthCheck } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** What each host's app answers on its overridden port. */
async function served(): Promise<({ version: string; instance: string | null } | null)[]> {
  return Promise.all(
    f.hosts.hosts.map(async (h, i) => {
      try {
        const res = await fetch(`http://${h.address}:${ports[i]}/`, { signal: AbortSignal.timeout(3000) });
        return (await res.json()) as { version: string; instance: string | null };
      } catch {
        return null;
      }
    }),
  );
}

describe('per-target overrides and health checks over SSH', { timeout: 240_000 }, () => {
  it('gives each host its own PORT and INSTANCE_NAME; the app sees them; a target secret is masked', async () => {
    const env = envUrl();
    expect((await f.admin.put(`${env}/variables`, { name: 'INSTANCE_NAME', value: 'from-environment' })).status).toBe(
      200,
    );
    for (const [i, name] of ['web-a', 'web-b'].entries()) {
      const vars = `${targetUrl(i)}/variables`;
      expect((await f.admin.put(vars, { name: 'PORT', value: String(ports[i]) })).status).toBe(200);
      expect((await f.admin.put(vars, { name: 'INSTANCE_NAME', value: name })).status).toBe(200);
      // The HTTP check follows the host's own port and wants its own name in the body.
      await setHealthCheck(i, {
        type: 'http',
        url: `http://${f.hosts.hosts[i]!.address}:${ports[i]}/health`,
        expectBody: `"instance":"${name}"`,
      });
    }
    expect(
      (await f.admin.put(`${targetUrl(0)}/variables`, { name: 'TARGET_TOKEN', value: TARGET_SECRET, secret: true }))
        .status,
    ).toBe(200);
    await f.admin.patch(`${env}/settings`, { postCommand: 'echo "token=[$TARGET_TOKEN] instance=$INSTANCE_NAME"' });

    const d = await f.waitFinished((await f.release('1.0.0')).id);
    expect(d.state, d.error ?? '').toBe('succeeded');
    expect(await served()).toEqual([
      { version: '1.0.0', status: 'ok', instance: 'web-a' },
      { version: '1.0.0', status: 'ok', instance: 'web-b' },
    ]);
    const log = await readLog(f.admin, f.slug, d.id);
    expect(log).not.toContain(TARGET_SECRET);
    expect(log).toContain('token=[******] instance=web-a');
    expect(log).toContain('token=[] instance=web-b');
    expect(log).toContain('expecting 200 and the expected text');
    await f.admin.patch(`${env}/settings`, { postCommand: null });
  });

  it('fails the health gate when the body lacks the expected text', async () => {
    await f.admin.patch(`${envUrl()}/settings`, { health: { attempts: 2, intervalMs: 200 } });
    await setHealthCheck(0, {
      type: 'http',
      url: `http://${f.hosts.hosts[0]!.address}:${ports[0]}/health`,
      expectBody: '"instance":"someone-else"',
    });
    const d = await f.waitFinished((await f.release('2.0.0')).id);
    expect(d.state).toBe('failed');
    expect(d.targets.map((x) => x.state)).toEqual(['failed', 'skipped']);
    expect(d.targets[0]!.error).toContain('expected text not found in the response body');
    // The failed host went back to the release it served before.
    expect((await served()).map((s) => s?.version)).toEqual(['1.0.0', '1.0.0']);
  });

  it('a command check runs in the release dir with the variables: passing releases, failing fails the gate', async () => {
    await setHealthCheck(0, {
      type: 'command',
      command: 'test -f server.js && test "$INSTANCE_NAME" = web-a && echo "checked $(cat VERSION)"',
    });
    const ok = await f.waitFinished((await f.release('2.0.0')).id);
    expect(ok.state, ok.error ?? '').toBe('succeeded');
    expect(await readLog(f.admin, f.slug, ok.id)).toContain('passed (checked 2.0.0)');
    expect((await served()).map((s) => s?.version)).toEqual(['2.0.0', '2.0.0']);

    await setHealthCheck(0, { type: 'command', command: 'test -f server.js && test "$INSTANCE_NAME" = web-b' });
    const bad = await f.waitFinished((await f.release('1.0.0')).id);
    expect(bad.state).toBe('failed');
    expect(bad.targets.map((x) => x.state)).toEqual(['failed', 'skipped']);
    expect(bad.targets[0]!.error).toMatch(/health check failed/i);
    expect((await served()).map((s) => s?.version)).toEqual(['2.0.0', '2.0.0']);
  });
});
