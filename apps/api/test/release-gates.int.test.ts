// Release gates against the real API and worker: the promotion rule (refusal naming source and
// version, admin-only override stored and audited), freeze windows (refusal naming the window,
// maintainer override audited, deployer refused, project-wide vs environment windows), the
// release check the dialog reads, and webhook auto-deploys held by a "wait" window until it ends
// or dropped by a "drop" window. Targets are placeholders: a release that passes the gates is
// created and queued (and then fails to connect), which is all a gate decides.
import type { DeploymentView, FreezeWindowView, ReleaseCheckView } from '@wharf/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../src/prisma/prisma.service.js';
import type { RunningWorker } from '../src/worker-app.js';
import { memberClient } from './fixtures.js';
import { pushPayload, randomSha } from './fixtures/gitlab/gitlab-fixtures.js';
import type { TestClient } from './http-client.js';
import { startTestApp, type TestApp } from './test-env.js';
import { ok, setupHookProject, startTestWorker, type HookProject } from './webhook-fixture.js';

let t: TestApp;
let worker: RunningWorker;
let p: HookProject;
let maintainer: TestClient;
let deployer: TestClient;
let projectId: string;

const api = (path: string) => `/api/v1/projects/${p.slug}${path}`;

beforeAll(async () => {
  t = await startTestApp();
  worker = await startTestWorker(t);
  p = await setupHookProject(t, 'gates', [
    { name: 'staging', placeholderTarget: true },
    { name: 'prod', placeholderTarget: true },
    { name: 'auto', placeholderTarget: true, rules: [{ pattern: 'main' }] },
    { name: 'auto-drop', placeholderTarget: true, rules: [{ pattern: 'drop-main' }] },
  ]);
  projectId = (await t.app.get(PrismaService).project.findUniqueOrThrow({ where: { slug: p.slug } })).id;
  maintainer = (await memberClient(t, projectId, 'maintainer')).client;
  deployer = (await memberClient(t, projectId, 'deployer')).client;
  await p.pushArtifact('1.0.0', randomSha());
  await p.pushArtifact('1.1.0', randomSha());
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await t?.close();
});

async function release(client: TestClient, env: string, version: string, extra: Record<string, string> = {}) {
  return client.post(api('/deployments'), { environmentId: p.envIds[env], version, ...extra });
}

/** Waits for a deployment to finish (placeholder targets fail), then records it as a success there. */
async function succeeded(id: string): Promise<void> {
  const prisma = t.app.get(PrismaService);
  const deadline = Date.now() + 30_000;
  while ((await prisma.deployment.findUniqueOrThrow({ where: { id } })).finishedAt === null) {
    if (Date.now() > deadline) throw new Error(`deployment ${id} did not finish`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await prisma.deployment.update({ where: { id }, data: { state: 'succeeded' } });
}

async function auditActions(deploymentId: string): Promise<{ action: string; data: Record<string, unknown> }[]> {
  const rows = await t.app.get(PrismaService).auditEvent.findMany({
    where: { subjectType: 'deployment', subjectId: deploymentId },
    orderBy: { id: 'asc' },
  });
  return rows.map((r) => ({ action: r.action, data: r.data as Record<string, unknown> }));
}

async function check(env: string, version: string, client = p.admin): Promise<ReleaseCheckView> {
  return ok(await client.get(api(`/environments/${p.envIds[env]}/release-check?version=${version}`)));
}

describe('promotion', { timeout: 60_000 }, () => {
  it('a rule names an environment of the project, never itself nor a cycle', async () => {
    const rule = ok(
      await maintainer.put(api(`/environments/${p.envIds.prod}/promotion-rule`), {
        promoteFromEnvironmentId: p.envIds.staging,
      }),
    );
    expect(rule.promoteFrom).toEqual({ id: p.envIds.staging, name: 'staging' });
    const self = await maintainer.put(api(`/environments/${p.envIds.staging}/promotion-rule`), {
      promoteFromEnvironmentId: p.envIds.staging,
    });
    expect(self.status).toBe(400);
    const cycle = await maintainer.put(api(`/environments/${p.envIds.staging}/promotion-rule`), {
      promoteFromEnvironmentId: p.envIds.prod,
    });
    expect(cycle.status).toBe(400);
    expect(cycle.body.message).toMatch(/cycle/);
    expect(
      (await deployer.put(api(`/environments/${p.envIds.prod}/promotion-rule`), { promoteFromEnvironmentId: null }))
        .status,
    ).toBe(403);
    const envs = ok(await p.admin.get(api('/environments'))) as { id: string; promoteFromId: string | null }[];
    expect(envs.find((e) => e.id === p.envIds.prod)?.promoteFromId).toBe(p.envIds.staging);
  });

  it('refuses a version that has not succeeded in the source, naming both, and the check says so', async () => {
    expect((await check('prod', '1.0.0')).promotion).toMatchObject({
      required: true,
      met: false,
      source: { name: 'staging' },
    });
    const refused = await release(maintainer, 'prod', '1.0.0');
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('version 1.0.0 has not succeeded in staging');
    expect(refused.body.message).toContain('administrator may override');
  });

  it('lets the version through once it succeeded in the source', async () => {
    const staged = ok(await release(maintainer, 'staging', '1.0.0')) as DeploymentView;
    await succeeded(staged.id);
    expect((await check('prod', '1.0.0')).promotion.met).toBe(true);
    const d = ok(await release(maintainer, 'prod', '1.0.0')) as DeploymentView;
    expect(d.promotionOverrideReason).toBeNull();
  });

  it('an override by a non-admin is refused; an admin override is stored and audited', async () => {
    const reason = 'hotfix verified on a canary by hand';
    const byMaintainer = await release(maintainer, 'prod', '1.1.0', { promotionOverrideReason: reason });
    expect(byMaintainer.status).toBe(403);
    expect(byMaintainer.body.message).toContain('administrator');
    expect((await check('prod', '1.1.0', maintainer)).promotion.mayOverride).toBe(false);
    expect((await check('prod', '1.1.0')).promotion.mayOverride).toBe(true);
    const d = ok(await release(p.admin, 'prod', '1.1.0', { promotionOverrideReason: reason })) as DeploymentView;
    expect(d.promotionOverrideReason).toBe(reason);
    const events = await auditActions(d.id);
    expect(events.find((e) => e.action === 'deployment.promotion_overridden')?.data).toMatchObject({
      reason,
      source: 'staging',
      version: '1.1.0',
    });
  });
});

describe('freeze windows', { timeout: 60_000 }, () => {
  let windowId: string;
  const soon = () => new Date(Date.now() + 3_600_000).toISOString();

  it('are created by maintainers only, validated, and listed as active', async () => {
    const body = {
      kind: 'once',
      environmentId: p.envIds.staging,
      reason: 'Quarter close',
      timeZone: 'Asia/Shanghai',
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: soon(),
    };
    expect((await deployer.post(api('/freeze-windows'), body)).status).toBe(403);
    const bad = await maintainer.post(api('/freeze-windows'), { ...body, timeZone: 'Mars/Base' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('timeZone');
    const w = ok(await maintainer.post(api('/freeze-windows'), body)) as FreezeWindowView;
    windowId = w.id;
    const list = ok(await deployer.get(api('/freeze-windows'))) as FreezeWindowView[];
    expect(list.find((x) => x.id === w.id)?.status.active).toBe(true);
  });

  it('refuses a release inside the window, naming it and its end in its zone', async () => {
    const refused = await release(deployer, 'staging', '1.1.0');
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('"Quarter close"');
    expect(refused.body.message).toMatch(/until \w{3} \d{4}-\d\d-\d\d \d\d:\d\d Asia\/Shanghai/);
    const c = await check('staging', '1.1.0', deployer);
    expect(c.freeze.active).toMatchObject({ id: windowId, reason: 'Quarter close', timeZone: 'Asia/Shanghai' });
    expect(c.freeze.mayOverride).toBe(false);
  });

  it('a deployer cannot override; a maintainer can, with the reason stored and audited', async () => {
    const reason = 'security fix, approved by the on-call lead';
    const byDeployer = await release(deployer, 'staging', '1.1.0', { freezeOverrideReason: reason });
    expect(byDeployer.status).toBe(403);
    const d = ok(await release(maintainer, 'staging', '1.1.0', { freezeOverrideReason: reason })) as DeploymentView;
    expect(d.freezeOverrideReason).toBe(reason);
    const overridden = (await auditActions(d.id)).find((e) => e.action === 'deployment.freeze_overridden');
    expect(overridden?.data).toMatchObject({ reason, window: { id: windowId, reason: 'Quarter close' } });
  });

  it('an environment window leaves other environments alone; a project-wide one holds them all', async () => {
    expect((await check('auto-drop', '1.1.0')).freeze.active).toBeNull();
    const today = new Date().getUTCDay();
    const wide = ok(
      await maintainer.post(api('/freeze-windows'), {
        kind: 'weekly',
        reason: 'Always frozen',
        timeZone: 'UTC',
        startDay: today,
        startTime: '00:00',
        endDay: (today + 1) % 7,
        endTime: '00:00',
      }),
    ) as FreezeWindowView;
    expect(wide.status.active).toBe(true);
    const refused = await release(deployer, 'auto-drop', '1.1.0');
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('"Always frozen" (project-wide)');
    expect((await maintainer.delete(api(`/freeze-windows/${wide.id}`))).status).toBe(204);
    expect((await maintainer.delete(api(`/freeze-windows/${windowId}`))).status).toBe(204);
    expect((await check('staging', '1.1.0')).freeze.active).toBeNull();
  });
});

describe('webhook auto-deploys during a freeze', { timeout: 90_000 }, () => {
  it('a "wait" window holds the auto-deploy as frozen, and it is released when the window ends', async () => {
    const endsAt = new Date(Date.now() + 4_000);
    ok(
      await maintainer.post(api('/freeze-windows'), {
        kind: 'once',
        environmentId: p.envIds.auto,
        reason: 'Deploy freeze for the demo',
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: endsAt.toISOString(),
        autoDeploy: 'wait',
      }),
    );
    const sha = randomSha();
    await p.pushArtifact('2.0.0', sha);
    const res = await p.send(pushPayload({ branch: 'main', sha }), { event: 'Push Hook' });
    expect(res.status).toBe(202);
    const id = res.body.deliveryId as string;
    const frozen = await waitForDelivery(id, (d) => d.outcome === 'frozen');
    expect(frozen.reason).toContain('Deploy freeze for the demo');
    expect(frozen.environments[0]?.state).toBe('frozen');
    const released = await waitForDelivery(id, (d) => d.outcome === 'deployed', 30_000);
    const deployment = (await p.deployments()).find((d) => d.id === released.environments[0]?.deploymentId);
    expect(deployment).toMatchObject({ version: '2.0.0', trigger: 'webhook', environmentName: 'auto' });
    const created = await t.app.get(PrismaService).deployment.findUniqueOrThrow({ where: { id: deployment!.id } });
    expect(created.createdAt.getTime()).toBeGreaterThanOrEqual(endsAt.getTime());
  });

  it('a "drop" window drops the auto-deploy, naming the window', async () => {
    ok(
      await maintainer.post(api('/freeze-windows'), {
        kind: 'once',
        environmentId: p.envIds['auto-drop'],
        reason: 'Migration night',
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        autoDeploy: 'drop',
      }),
    );
    const sha = randomSha();
    await p.pushArtifact('2.1.0', sha);
    const res = await p.send(pushPayload({ branch: 'drop-main', sha }), { event: 'Push Hook' });
    const d = await waitForDelivery(
      res.body.deliveryId as string,
      (x) => x.outcome !== 'pending' && x.outcome !== 'waiting',
    );
    expect(d.outcome).toBe('ignored');
    expect(d.environments[0]?.state).toBe('refused');
    expect(d.reason).toContain('dropped');
    expect(d.reason).toContain('Migration night');
    expect((await p.deployments()).some((x) => x.version === '2.1.0')).toBe(false);
  });
});

describe('webhook auto-deploys and the promotion rule', { timeout: 60_000 }, () => {
  it('are refused (never overridden), and the delivery says why', async () => {
    ok(
      await maintainer.put(api(`/environments/${p.envIds.auto}/promotion-rule`), {
        promoteFromEnvironmentId: p.envIds.staging,
      }),
    );
    const sha = randomSha();
    await p.pushArtifact('2.2.0', sha);
    const res = await p.send(pushPayload({ branch: 'main', sha }), { event: 'Push Hook' });
    const d = await waitForDelivery(res.body.deliveryId as string, (x) => x.environments[0]?.state === 'refused');
    expect(d.reason).toContain('version 2.2.0 has not succeeded in staging');
    expect((await p.deployments()).some((x) => x.version === '2.2.0')).toBe(false);
  });
});

async function waitForDelivery(
  id: string,
  pred: (d: Awaited<ReturnType<HookProject['delivery']>>) => boolean,
  ms = 20_000,
): Promise<Awaited<ReturnType<HookProject['delivery']>>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const d = await p.delivery(id);
    if (pred(d)) return d;
    if (Date.now() > deadline) throw new Error(`delivery ${id} did not get there: ${JSON.stringify(d)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
