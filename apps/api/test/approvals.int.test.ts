// Approvals through the whole platform: an environment that needs two distinct approvers,
// releases requested by one person and approved by others, then deployed by the real worker
// to a real sshd + pm2 host. Also: who may not approve, the named-approvers rule, reject,
// expiry (on demand and by the sweeper), a waiting release blocking nobody, and two last
// approvals at once queueing the release once.
import { rm } from 'node:fs/promises';
import type { DeploymentView } from '@wharf/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDeploymentView } from '../src/deployments/deployment-view-query.js';
import { deploymentViewInclude } from '../src/deployments/deployment.views.js';
import { PrismaService } from '../src/prisma/prisma.service.js';
import { startWorker, type RunningWorker } from '../src/worker-app.js';
import { eventually, memberClient } from './fixtures.js';
import { TestClient } from './http-client.js';
import { setupRelease, type ReleaseFixture } from './release-fixture.js';
import { startTestApp, type TestApp } from './test-env.js';

let t: TestApp;
let worker: RunningWorker;
let f: ReleaseFixture;
/** A and B and C are maintainers, D a deployer; A asks for most releases. */
const people: Record<'a' | 'b' | 'c' | 'd', { client: TestClient; id: string; email: string }> = {} as never;
let ci: TestClient;

const prisma = () => t.app.get(PrismaService);
const base = () => `/api/v1/projects/${f.slug}`;
const rule = (body: unknown) => f.admin.put(`${base()}/environments/${f.envId}/approval-rule`, body);
const approve = (who: TestClient, id: string, comment = '') =>
  who.post<DeploymentView>(`${base()}/deployments/${id}/approve`, { comment });
const reject = (who: TestClient, id: string, comment?: string) =>
  who.post<DeploymentView>(`${base()}/deployments/${id}/reject`, comment === undefined ? {} : { comment });

async function requestRelease(who: TestClient, version: string): Promise<DeploymentView> {
  const res = await who.post<DeploymentView>(`${base()}/deployments`, { environmentId: f.envId, version });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const stateOf = async (id: string) => (await prisma().deployment.findUniqueOrThrow({ where: { id } })).state;
const auditActions = async (id: string) =>
  (await prisma().auditEvent.findMany({ where: { subjectId: id }, orderBy: { id: 'asc' } })).map((e) => e.action);

beforeAll(async () => {
  t = await startTestApp({ WHARF_AUTO_DEPLOY_SWEEP_SECONDS: '1' });
  worker = await startWorker(t.config);
  f = await setupRelease(t, { hostCount: 1, baseAddress: '127.0.0.180', slug: 'approvals' });
  const project = await prisma().project.findUniqueOrThrow({ where: { slug: f.slug } });
  for (const [key, role] of [
    ['a', 'maintainer'],
    ['b', 'maintainer'],
    ['c', 'maintainer'],
    ['d', 'deployer'],
  ] as const) {
    const { client, user } = await memberClient(t, project.id, role);
    people[key] = { client, id: user.id, email: user.email };
  }
  ci = new TestClient(t.url, f.token);
  await f.push('1.0.0');
  await f.push('2.0.0');
}, 180_000);

afterAll(async () => {
  await worker?.stop();
  await f?.hosts.stop();
  if (f) await rm(f.workDir, { recursive: true, force: true });
  await t?.close();
});

describe('approval rule', () => {
  it('refuses rules nobody could meet, naming the field', async () => {
    const tooMany = await rule({ approvalsRequired: 11 });
    expect(tooMany.status).toBe(400);
    expect(JSON.stringify(tooMany.body)).toContain('approvalsRequired');
    const shortTtl = await rule({ approvalsRequired: 1, approvalTtlMinutes: 1 });
    expect(shortTtl.status).toBe(400);
    expect(JSON.stringify(shortTtl.body)).toContain('approvalTtlMinutes');
    const stranger = (await memberClient(t, (await prisma().project.findFirstOrThrow()).id, null)).user;
    const notMember = await rule({ approvalsRequired: 1, approverUserIds: [stranger.id] });
    expect(notMember.status).toBe(400);
    expect(notMember.body.issues[0].path).toBe('approverUserIds');
    const fewerThanNeeded = await rule({ approvalsRequired: 2, approverUserIds: [people.b.id] });
    expect(fewerThanNeeded.status).toBe(400);
    expect(JSON.stringify(fewerThanNeeded.body)).toContain('name at least 2 approvers');
    // Maintainers set it; a deployer may not.
    const byDeployer = await people.d.client.put(`${base()}/environments/${f.envId}/approval-rule`, {
      approvalsRequired: 0,
    });
    expect(byDeployer.status).toBe(403);
  });

  it('is stored, audited and shown on the environment', async () => {
    const res = await rule({ approvalsRequired: 2, approvalTtlMinutes: 60 });
    expect(res.status).toBe(200);
    expect(res.body.approvalRule).toEqual({ approvalsRequired: 2, approverUserIds: [], approvalTtlMinutes: 60 });
    const envs = (await people.d.client.get(`${base()}/environments`)).body;
    expect(envs.find((e: any) => e.id === f.envId).approvalRule.approvalsRequired).toBe(2);
    const audit = await prisma().auditEvent.findFirst({
      where: { action: 'environment.approval_rule_changed', subjectId: f.envId },
      orderBy: { id: 'desc' },
    });
    expect(audit?.data).toMatchObject({ after: { approvalsRequired: 2, approvalTtlMinutes: 60 } });
  });
});

describe('a release that needs two approvers', { timeout: 120_000 }, () => {
  it('waits, refuses the requester, non-approvers and a second vote of one person, then deploys after the second approver', async () => {
    const d = await requestRelease(people.a.client, '1.0.0');
    expect(d.state).toBe('awaiting_approval');
    expect(d.approval).toMatchObject({ required: 2, received: 0, requesterUserId: people.a.id, approvedAt: null });
    expect(new Date(d.approval!.expiresAt!).getTime()).toBeGreaterThan(Date.now() + 55 * 60_000);

    const own = await approve(people.a.client, d.id);
    expect(own.status).toBe(403);
    expect(own.body).toMatchObject({ message: 'you requested this release: someone else must approve it' });
    expect((await reject(people.a.client, d.id, 'changed my mind')).status).toBe(403);

    const deployer = await approve(people.d.client, d.id);
    expect(deployer.status).toBe(403);
    expect((deployer.body as any).message).toMatch(/only maintainers of this project may approve/);
    const token = await approve(ci, d.id);
    expect([401, 403]).toContain(token.status);

    const first = await approve(people.b.client, d.id, 'looks fine');
    expect(first.status).toBe(200);
    expect(first.body.state).toBe('awaiting_approval');
    expect(first.body.approval).toMatchObject({ received: 1, required: 2 });
    const twice = await approve(people.b.client, d.id);
    expect(twice.status).toBe(409);
    expect((twice.body as any).message).toMatch(/one person counts once/);
    // Nothing was queued after one approval (the worker would have claimed it by now).
    expect(await stateOf(d.id)).toBe('awaiting_approval');

    const second = await approve(people.c.client, d.id, 'ship it');
    expect(second.status).toBe(200);
    expect(['queued', 'running']).toContain(second.body.state);
    expect(second.body.approval!.approvedAt).not.toBeNull();
    expect(second.body.approval!.decisions.map((x) => [x.user, x.decision, x.comment])).toEqual([
      [people.b.email, 'approved', 'looks fine'],
      [people.c.email, 'approved', 'ship it'],
    ]);

    const done = await f.waitFinished(d.id);
    expect(done.state).toBe('succeeded');
    expect(await f.versionsServed()).toEqual(['1.0.0']);
    const actions = await auditActions(d.id);
    expect(actions.slice(0, 5)).toEqual([
      'deployment.requested',
      'deployment.awaiting_approval',
      'deployment.approval_added',
      'deployment.approval_added',
      'deployment.approved',
    ]);
    expect(actions).toContain('deployment.succeeded');
  });

  it('blocks nobody while it waits: a later release to the same environment is approved and runs; reject needs a reason', async () => {
    const waiting = await requestRelease(people.a.client, '2.0.0');
    const later = await requestRelease(people.b.client, '2.0.0');
    expect(later.state).toBe('awaiting_approval');
    expect((await approve(people.a.client, later.id)).status).toBe(200);
    expect((await approve(people.c.client, later.id)).status).toBe(200);
    expect((await f.waitFinished(later.id)).state).toBe('succeeded');
    expect(await f.versionsServed()).toEqual(['2.0.0']);
    expect(await stateOf(waiting.id)).toBe('awaiting_approval');

    // Listed for those who may approve it, not for its requester.
    const listFor = async (who: TestClient) =>
      ((await who.get<DeploymentView[]>('/api/v1/approvals')).body as DeploymentView[]).map((x) => x.id);
    expect(await listFor(people.b.client)).toContain(waiting.id);
    expect(await listFor(people.a.client)).not.toContain(waiting.id);
    expect(await listFor(people.d.client)).not.toContain(waiting.id);

    const noReason = await reject(people.c.client, waiting.id);
    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.body)).toContain('comment');
    const rejected = await reject(people.c.client, waiting.id, 'not during the sale');
    expect(rejected.status).toBe(200);
    expect(rejected.body.state).toBe('rejected');
    expect(rejected.body.error).toBe(`rejected by ${people.c.email}: not during the sale`);
    expect(rejected.body.finishedAt).not.toBeNull();
    expect((await approve(people.b.client, waiting.id)).status).toBe(409);
    expect(await auditActions(waiting.id)).toContain('deployment.rejected');
  });

  it('counts two last approvals at the same moment once', async () => {
    expect((await rule({ approvalsRequired: 1, approvalTtlMinutes: 60 })).status).toBe(200);
    const d = await requestRelease(people.a.client, '1.0.0');
    const answers = await Promise.all([approve(people.b.client, d.id), approve(people.c.client, d.id)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    expect((await f.waitFinished(d.id)).state).toBe('succeeded');
    const actions = await auditActions(d.id);
    expect(actions.filter((a) => a === 'deployment.approved')).toHaveLength(1);
    expect(actions.filter((a) => a === 'deployment.started')).toHaveLength(1);
    expect(await prisma().deploymentApproval.count({ where: { deploymentId: d.id } })).toBe(1);
  });
});

describe('named approvers, rollbacks and expiry', { timeout: 120_000 }, () => {
  it('lets only the named approvers decide, even a deployer, and never maintainers who are not named', async () => {
    expect((await rule({ approvalsRequired: 1, approverUserIds: [people.d.id] })).status).toBe(200);
    const d = await requestRelease(people.a.client, '2.0.0');
    const notNamed = await approve(people.b.client, d.id);
    expect(notNamed.status).toBe(403);
    expect((notNamed.body as any).message).toMatch(/only the approvers named for qa/);
    const listed = (await people.d.client.get<DeploymentView[]>('/api/v1/approvals')).body;
    expect(listed.map((x) => x.id)).toContain(d.id);
    expect((await approve(people.d.client, d.id)).status).toBe(200);
    expect((await f.waitFinished(d.id)).state).toBe('succeeded');
  });

  it('makes a rollback wait for approval too; its requester may withdraw it', async () => {
    expect((await rule({ approvalsRequired: 1 })).status).toBe(200);
    const res = await people.a.client.post<DeploymentView>(`${base()}/environments/${f.envId}/rollback`, {});
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ trigger: 'rollback', state: 'awaiting_approval' });
    const withdrawn = await people.a.client.post<DeploymentView>(`${base()}/deployments/${res.body.id}/cancel`);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.state).toBe('cancelled');
  });

  it('refuses an expired approval at once, and the sweeper expires the ones nobody touches', async () => {
    const overdue = await requestRelease(people.a.client, '1.0.0');
    await prisma().deployment.update({
      where: { id: overdue.id },
      data: { approvalExpiresAt: new Date(Date.now() - 1000) },
    });
    const late = await approve(people.b.client, overdue.id);
    expect(late.status).toBe(409);
    expect((late.body as any).message).toMatch(/expired at .* without approval/);
    expect(await stateOf(overdue.id)).toBe('expired');
    expect(await auditActions(overdue.id)).toContain('deployment.approval_expired');
    expect((await approve(people.c.client, overdue.id)).status).toBe(409);

    const untouched = await requestRelease(people.a.client, '1.0.0');
    await prisma().deployment.update({
      where: { id: untouched.id },
      data: { approvalExpiresAt: new Date(Date.now() - 1000) },
    });
    // The sweeper ticks every second; the bound is generous because a loaded CI machine can
    // stall a tick's transaction for seconds (seen once at load 15).
    expect(await eventually(async () => (await stateOf(untouched.id)) === 'expired', 40_000)).toBe(true);
    const row = await prisma().deployment.findUniqueOrThrow({ where: { id: untouched.id } });
    expect(row.finishedAt).not.toBeNull();
    expect(row.error).toMatch(/^not approved in time/);
    expect(await auditActions(untouched.id)).toContain('deployment.approval_expired');
    // Nothing of it ran: the host still serves what the last approved release put there.
    expect(await f.versionsServed()).toEqual(['2.0.0']);
  });
});

// GET /deployments/:id reads a deployment and its relations in one SQL statement
// (deployment-view-query.ts) instead of Prisma's include: every release above (approved,
// rejected, expired, withdrawn, deployed, with approvals, targets and previous versions) must
// read the same both ways, including a target deleted since.
describe('the one-statement deployment view', () => {
  it('equals the Prisma include for every deployment, and is scoped to its project', async () => {
    const ids = await prisma().deployment.findMany({ select: { id: true, projectId: true } });
    expect(ids.length).toBeGreaterThan(5);
    const viaPrisma = (id: string) =>
      prisma().deployment.findUniqueOrThrow({ where: { id }, include: deploymentViewInclude });
    const states = new Set<string>();
    for (const { id } of ids) {
      const expected = await viaPrisma(id);
      states.add(expected.state);
      expect(await loadDeploymentView(prisma().pool, id)).toEqual(expected);
    }
    expect([...states]).toEqual(expect.arrayContaining(['succeeded', 'rejected', 'expired']));
    expect(await loadDeploymentView(prisma().pool, ids[0]!.id, ids[0]!.projectId)).not.toBeNull();
    const otherProject = await prisma().project.create({ data: { slug: 'view-other', name: 'other' } });
    expect(await loadDeploymentView(prisma().pool, ids[0]!.id, otherProject.id)).toBeNull();
    expect(await loadDeploymentView(prisma().pool, '00000000-0000-4000-8000-000000000000')).toBeNull();

    // A target removed from the project: its rows keep their name and lose the kind.
    const withTarget = await prisma().deploymentTarget.findFirstOrThrow({ where: { targetId: { not: null } } });
    await prisma().deploymentTarget.updateMany({ where: { targetId: withTarget.targetId }, data: { targetId: null } });
    const expected = await viaPrisma(withTarget.deploymentId);
    expect(expected.targets.some((x) => x.target === null)).toBe(true);
    expect(await loadDeploymentView(prisma().pool, withTarget.deploymentId)).toEqual(expected);
  });
});
