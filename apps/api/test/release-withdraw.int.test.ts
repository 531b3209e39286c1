// Withdrawing a release that waits for approval, against the real API and worker: its requester
// or a maintainer (or an admin) may, another deployer or a viewer may not; it is audited, nobody
// can approve it afterwards, and nothing is released (the worker, busy with a later release,
// never starts it). The requester finds their waiting releases at GET /approvals/requested.
// Targets are placeholders: a release that reaches the worker fails to connect, fast.
import type { DeploymentView } from '@wharf/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../src/prisma/prisma.service.js';
import type { RunningWorker } from '../src/worker-app.js';
import { memberClient } from './fixtures.js';
import { randomSha } from './fixtures/gitlab/gitlab-fixtures.js';
import type { TestClient } from './http-client.js';
import { startTestApp, type TestApp } from './test-env.js';
import { ok, setupHookProject, startTestWorker, type HookProject } from './webhook-fixture.js';

let t: TestApp;
let worker: RunningWorker;
let p: HookProject;
/** R asks for releases; D is another deployer, M a maintainer, V a viewer. */
const people = {} as Record<'r' | 'd' | 'm' | 'v', { client: TestClient; id: string; email: string }>;

const prisma = () => t.app.get(PrismaService);
const api = (path: string) => `/api/v1/projects/${p.slug}${path}`;
const withdraw = (who: TestClient, id: string) => who.post<DeploymentView>(api(`/deployments/${id}/cancel`));

async function request(who: TestClient, env: string, version: string): Promise<DeploymentView> {
  const res = await who.post<DeploymentView>(api('/deployments'), { environmentId: p.envIds[env], version });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function auditOf(id: string): Promise<{ action: string; actor: string; data: Record<string, unknown> }[]> {
  const rows = await prisma().auditEvent.findMany({
    where: { subjectType: 'deployment', subjectId: id },
    orderBy: { id: 'asc' },
  });
  return rows.map((r) => ({ action: r.action, actor: r.actorLabel, data: r.data as Record<string, unknown> }));
}

async function finished(id: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const d = await prisma().deployment.findUniqueOrThrow({ where: { id } });
    if (d.finishedAt) return d.state;
    if (Date.now() > deadline) throw new Error(`deployment ${id} did not finish`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  t = await startTestApp();
  worker = await startTestWorker(t);
  p = await setupHookProject(t, 'withdraw', [
    { name: 'staging', placeholderTarget: true },
    { name: 'dev', placeholderTarget: true },
  ]);
  const projectId = (await prisma().project.findUniqueOrThrow({ where: { slug: p.slug } })).id;
  for (const [key, role] of [
    ['r', 'deployer'],
    ['d', 'deployer'],
    ['m', 'maintainer'],
    ['v', 'viewer'],
  ] as const) {
    const { client, user } = await memberClient(t, projectId, role);
    people[key] = { client, id: user.id, email: user.email };
  }
  ok(await p.admin.put(api(`/environments/${p.envIds.staging}/approval-rule`), { approvalsRequired: 1 }));
  await p.pushArtifact('1.0.0', randomSha());
  await p.pushArtifact('1.1.0', randomSha());
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await t?.close();
});

describe('withdrawing a release that waits for approval', { timeout: 120_000 }, () => {
  it('its requester withdraws it: audited, never approvable, never started', async () => {
    const d = await request(people.r.client, 'staging', '1.0.0');
    expect(d.state).toBe('awaiting_approval');
    const mine = ok(await people.r.client.get('/api/v1/approvals/requested')) as DeploymentView[];
    expect(mine.map((x) => x.id)).toEqual([d.id]);
    expect(ok(await people.m.client.get('/api/v1/approvals/requested'))).toEqual([]);

    // Another deployer and a viewer may not withdraw someone else's request.
    const other = await withdraw(people.d.client, d.id);
    expect(other.status).toBe(403);
    expect((other.body as any).message).toBe(
      'only its requester or a maintainer may withdraw a release waiting for approval',
    );
    expect((await withdraw(people.v.client, d.id)).status).toBe(403);
    expect((await prisma().deployment.findUniqueOrThrow({ where: { id: d.id } })).state).toBe('awaiting_approval');

    const res = await withdraw(people.r.client, d.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ state: 'cancelled', error: `withdrawn by ${people.r.email}` });
    expect(res.body.targets.every((x) => x.state === 'cancelled')).toBe(true);
    const events = await auditOf(d.id);
    expect(events.map((e) => e.action)).toEqual([
      'deployment.requested',
      'deployment.awaiting_approval',
      'deployment.withdrawn',
    ]);
    expect(events[2]).toMatchObject({
      actor: people.r.email,
      data: { by: people.r.email, byRequester: true, approvalsReceived: 0 },
    });
    expect(ok(await people.r.client.get('/api/v1/approvals/requested'))).toEqual([]);

    // Nobody can approve it now, and withdrawing twice is refused.
    const late = await people.m.client.post(api(`/deployments/${d.id}/approve`), { comment: 'ok' });
    expect(late.status).toBe(409);
    expect((late.body as any).message).toBe('this release cannot be approved: it is cancelled');
    expect((await withdraw(people.r.client, d.id)).status).toBe(409);

    // The worker is running: a later release to another environment reaches it and finishes
    // (placeholder target: it fails to connect); the withdrawn one was never started.
    const later = await request(people.r.client, 'dev', '1.1.0');
    expect(await finished(later.id)).toBe('failed');
    const row = await prisma().deployment.findUniqueOrThrow({ where: { id: d.id } });
    expect(row).toMatchObject({ state: 'cancelled', startedAt: null, workerId: null, approvedAt: null });
    expect((await auditOf(d.id)).map((e) => e.action)).not.toContain('deployment.started');
  });

  it('a maintainer or an admin may withdraw someone else’s waiting release', async () => {
    for (const who of [people.m.client, p.admin]) {
      const d = await request(people.r.client, 'staging', '1.1.0');
      expect(d.state).toBe('awaiting_approval');
      const res = await withdraw(who, d.id);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.state).toBe('cancelled');
      const withdrawn = (await auditOf(d.id)).find((e) => e.action === 'deployment.withdrawn');
      expect(withdrawn?.data).toMatchObject({ byRequester: false });
    }
  });

  it('after one approval of two, withdrawing still releases nothing and says how many it had', async () => {
    ok(await p.admin.put(api(`/environments/${p.envIds.staging}/approval-rule`), { approvalsRequired: 2 }));
    const d = await request(people.r.client, 'staging', '1.0.0');
    const approved = ok(await people.m.client.post(api(`/deployments/${d.id}/approve`), { comment: 'fine by me' }));
    expect(approved.state).toBe('awaiting_approval');
    const res = await withdraw(people.r.client, d.id);
    expect(res.status).toBe(200);
    const withdrawn = (await auditOf(d.id)).find((e) => e.action === 'deployment.withdrawn');
    expect(withdrawn?.data).toMatchObject({ byRequester: true, approvalsReceived: 1 });
    expect((await prisma().deployment.findUniqueOrThrow({ where: { id: d.id } })).approvedAt).toBeNull();
  });
});
