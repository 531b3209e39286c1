// Releases through the whole platform: API → Postgres → BullMQ → worker → real sshd + pm2
// hosts on 127.0.0.x, with the sample app answering its version over HTTP.
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isAlive } from '@wharf/test-hosts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type RunningWorker } from '../src/worker-app.js';
import { readLog, setupRelease, type ReleaseFixture } from './release-fixture.js';
import { startTestApp, type TestApp } from './test-env.js';

let t: TestApp;
let worker: RunningWorker;
let f: ReleaseFixture;

beforeAll(async () => {
  t = await startTestApp();
  worker = await startWorker(t.config);
  f = await setupRelease(t, { hostCount: 3, baseAddress: '127.0.0.30', slug: 'shop' });
}, 180_000);

afterAll(async () => {
  await worker?.stop();
  await f?.hosts.stop();
  if (f) await rm(f.workDir, { recursive: true, force: true });
  await t?.close();
});

// Each release touches three real hosts one batch at a time; give the cases room.
describe('release over SSH', { timeout: 240_000 }, () => {
  it('deploys v1, then v2, and every host answers the new version', async () => {
    await f.push('1.0.0');
    await f.push('2.0.0');
    const d1 = await f.waitFinished((await f.release('1.0.0')).id);
    expect(d1.state).toBe('succeeded');
    expect(d1.targets.map((x) => x.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(await f.versionsServed()).toEqual(['1.0.0', '1.0.0', '1.0.0']);

    const d2 = await f.waitFinished((await f.release('2.0.0')).id);
    expect(d2.state).toBe('succeeded');
    expect(d2.previousVersion).toBe('1.0.0');
    expect(await f.versionsServed()).toEqual(['2.0.0', '2.0.0', '2.0.0']);

    const status = (await f.admin.get(`/api/v1/projects/${f.slug}/environment-status`)).body;
    expect(status[0].current.version).toBe('2.0.0');
    const log = await readLog(f.admin, f.slug, d2.id);
    expect(log).toContain('is serving 2.0.0');
  });

  it('stops the rollout when v3 fails its health gate; the other hosts keep serving v2', async () => {
    await f.push('3.0.0', { crashOnStart: true });
    const d3 = await f.waitFinished((await f.release('3.0.0')).id);
    expect(d3.state).toBe('failed');
    const states = d3.targets.map((x) => x.state);
    expect(states[0]).toBe('failed');
    expect(states.slice(1)).toEqual(['skipped', 'skipped']);
    const served = await f.versionsServed();
    expect(served.slice(1)).toEqual(['2.0.0', '2.0.0']);
    // The failed host was switched back to its previous release.
    expect(served[0]).toBe('2.0.0');
    const audit = (await f.admin.get(`/api/v1/projects/${f.slug}/audit?action=deployment.failed`)).body;
    expect(audit.items.some((e: any) => e.subjectId === d3.id)).toBe(true);
  });

  it('rolls back to the previously succeeded version without re-uploading', async () => {
    const res = await f.admin.post(`/api/v1/projects/${f.slug}/environments/${f.envId}/rollback`, {});
    expect(res.status).toBe(201);
    expect(res.body.trigger).toBe('rollback');
    expect(res.body.version).toBe('1.0.0');
    const d = await f.waitFinished(res.body.id);
    expect(d.state).toBe('succeeded');
    expect(await f.versionsServed()).toEqual(['1.0.0', '1.0.0', '1.0.0']);
    expect(await readLog(f.admin, f.slug, d.id)).toContain('skipping upload');
  });

  it('runs two releases to one environment one after the other', async () => {
    const a = await f.release('2.0.0');
    const b = await f.release('1.0.0');
    const [da, db] = await Promise.all([f.waitFinished(a.id), f.waitFinished(b.id)]);
    expect([da.state, db.state]).toEqual(['succeeded', 'succeeded']);
    expect(new Date(db.startedAt!).getTime()).toBeGreaterThanOrEqual(new Date(da.finishedAt!).getTime());
    expect(await f.versionsServed()).toEqual(['1.0.0', '1.0.0', '1.0.0']);
  });

  it('cancel during install stops the remote install and leaves hosts on their previous version', async () => {
    await f.push('4.0.0', { slowInstall: 60 });
    const d = await f.release('4.0.0');
    const host = f.hosts.hosts[0]!;
    const pidFile = join(host.baseDir, 'releases', '4.0.0', 'install.pid');
    await f.waitFor(d.id, () => existsSync(pidFile), 60_000);
    const { pid } = JSON.parse(await readFile(pidFile, 'utf8')) as { pid: number };
    const cancel = await f.admin.post(`/api/v1/projects/${f.slug}/deployments/${d.id}/cancel`);
    expect(cancel.status).toBe(200);
    const done = await f.waitFinished(d.id, 60_000);
    expect(done.state).toBe('cancelled');
    expect(isAlive(pid)).toBe(false);
    expect(await f.versionsServed()).toEqual(['1.0.0', '1.0.0', '1.0.0']);
  });

  it('keeps hostile variable values inert and masks secrets in the log', async () => {
    const marker = join(f.workDir, 'pwned');
    const hostile = `$(touch ${marker})\`touch ${marker}\`'; touch ${marker}; echo "`;
    const env = `/api/v1/projects/${f.slug}/environments/${f.envId}`;
    expect((await f.admin.put(`${env}/variables`, { name: 'HOSTILE', value: hostile })).status).toBe(200);
    expect(
      (await f.admin.put(`${env}/variables`, { name: 'API_SECRET', value: 'sup3r-s3cret-value', secret: true })).status,
    ).toBe(200);
    await f.admin.patch(`${env}/settings`, { postCommand: 'echo "secret is $API_SECRET"; echo "hostile is $HOSTILE"' });
    const d = await f.waitFinished((await f.release('2.0.0')).id);
    expect(d.state).toBe('succeeded');
    const log = await readLog(f.admin, f.slug, d.id);
    expect(log).toContain('secret is ');
    expect(log).not.toContain('sup3r-s3cret-value');
    expect(log).toContain(`hostile is ${hostile}`);
    expect(existsSync(marker)).toBe(false);
    const vars = (await f.admin.get(`${env}/variables`)).body;
    expect(vars.find((v: any) => v.name === 'API_SECRET').value).toBeNull();
    await f.admin.patch(`${env}/settings`, { postCommand: null });
  });

  it('refuses a host whose key changed, with an audit event, and leaves it untouched', async () => {
    const changed = f.hosts.hosts[2]!;
    await changed.rotateHostKey();
    const d = await f.waitFinished((await f.release('1.0.0')).id);
    expect(d.state).toBe('failed');
    const t3 = d.targets.find((x) => x.targetName === changed.name)!;
    expect(t3.state).toBe('failed');
    expect(t3.error).toMatch(/does not match the pinned key/);
    const audit = (await f.admin.get(`/api/v1/projects/${f.slug}/audit?action=host_key.rejected`)).body;
    expect(audit.items.length).toBeGreaterThan(0);
    expect((await f.versionsServed())[2]).toBe('2.0.0');

    // After an admin approves the new key, "retry failed hosts" deploys to that host only.
    const targetId = f.targetIds[2]!;
    const probe = await f.admin.post(`/api/v1/projects/${f.slug}/targets/${targetId}/test-connection`);
    expect(probe.body.matches).toBe(false);
    expect(
      (
        await f.admin.put(`/api/v1/projects/${f.slug}/targets/${targetId}/host-key`, {
          fingerprint: probe.body.fingerprint,
        })
      ).status,
    ).toBe(200);
    const changedAudit = (await f.admin.get(`/api/v1/projects/${f.slug}/audit?action=host_key.changed`)).body;
    expect(changedAudit.items.some((e: any) => e.subjectId === targetId)).toBe(true);
    const retry = await f.admin.post(`/api/v1/projects/${f.slug}/deployments/${d.id}/retry`, {});
    expect(retry.status).toBe(201);
    expect(retry.body.retryOfId).toBe(d.id);
    expect(retry.body.targets.map((x: any) => x.targetName)).toEqual([changed.name]);
    const retried = await f.waitFinished(retry.body.id);
    expect(retried.state).toBe('succeeded');
    expect(await f.versionsServed()).toEqual(['1.0.0', '1.0.0', '1.0.0']);
  });
});
