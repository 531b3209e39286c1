// Release requests without running them (no worker here): who may release where, what is
// refused and why, and cancelling a queued deployment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../src/prisma/prisma.service.js';
import { TestClient } from './http-client.js';
import { createProject, createToken, memberClient, type ProjectFixture } from './fixtures.js';
import { startTestApp, TEST_ADMIN, type TestApp } from './test-env.js';

let t: TestApp;
let admin: TestClient;
let project: ProjectFixture;
let prodId: string;
let devId: string;
let emptyId: string;

beforeAll(async () => {
  t = await startTestApp();
  admin = new TestClient(t.url);
  await admin.login(TEST_ADMIN.email, TEST_ADMIN.password);
  project = await createProject(t, 'rel');
  const prisma = t.app.get(PrismaService);
  const env = (name: string, isProtected: boolean, position: number) =>
    prisma.environment.create({ data: { projectId: project.id, name, protected: isProtected, position } });
  const [dev, prod, empty] = await Promise.all([env('dev', false, 0), env('prod', true, 1), env('empty', false, 2)]);
  devId = dev.id;
  prodId = prod.id;
  emptyId = empty.id;
  for (const e of [dev, prod]) {
    await prisma.target.create({
      data: {
        projectId: project.id,
        environmentId: e.id,
        name: `web-${e.name}`,
        kind: 'ssh',
        config: {
          host: '127.0.0.9',
          port: 22,
          user: 'deploy',
          baseDir: '/srv/app',
          appName: 'app',
          healthCheck: { type: 'none' },
        },
      },
    });
  }
  await prisma.artifact.create({
    data: {
      projectId: project.id,
      version: '1.0.0',
      kind: 'tarball',
      sha256: 'a'.repeat(64),
      sizeBytes: 10,
      storageKey: `${project.id}/${'a'.repeat(64)}.tar.gz`,
    },
  });
  await prisma.artifact.create({
    data: { projectId: project.id, version: 'img-1', kind: 'image', imageRef: 'registry.example.com/rel/web:img-1' },
  });
});

afterAll(async () => {
  await t?.close();
});

const base = () => `/api/v1/projects/${project.slug}`;

describe('release requests', () => {
  it('queues a release on an unprotected environment with the previous version recorded', async () => {
    const res = await admin.post(`${base()}/deployments`, { environmentId: devId, version: '1.0.0' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      state: 'queued',
      trigger: 'manual',
      version: '1.0.0',
      environmentName: 'dev',
      actor: TEST_ADMIN.email,
    });
    expect(res.body.targets).toEqual([expect.objectContaining({ targetName: 'web-dev', state: 'pending' })]);
    const audit = (await admin.get(`${base()}/audit?action=deployment.requested`)).body;
    expect(audit.items[0].subjectId).toBe(res.body.id);
  });

  it('cancels a queued deployment at once', async () => {
    const d = (await admin.post(`${base()}/deployments`, { environmentId: devId, version: '1.0.0' })).body;
    const res = await admin.post(`${base()}/deployments/${d.id}/cancel`);
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('cancelled');
    expect(res.body.targets[0].state).toBe('cancelled');
    expect((await admin.post(`${base()}/deployments/${d.id}/cancel`)).status).toBe(409);
  });

  it('on a protected environment needs the typed name, and a maintainer', async () => {
    const missing = await admin.post(`${base()}/deployments`, { environmentId: prodId, version: '1.0.0' });
    expect(missing.status).toBe(400);
    expect(missing.body.issues[0].path).toBe('confirm');
    const wrong = await admin.post(`${base()}/deployments`, {
      environmentId: prodId,
      version: '1.0.0',
      confirm: 'dev',
    });
    expect(wrong.status).toBe(400);
    const { client: deployer } = await memberClient(t, project.id, 'deployer');
    const denied = await deployer.post(`${base()}/deployments`, {
      environmentId: prodId,
      version: '1.0.0',
      confirm: 'prod',
    });
    expect(denied.status).toBe(403);
    expect(denied.body.message).toMatch(/protected/);
    const ok = await admin.post(`${base()}/deployments`, { environmentId: prodId, version: '1.0.0', confirm: 'prod' });
    expect(ok.status).toBe(201);
  });

  it('lets a deployer release to dev but not a viewer; hides the project from non-members', async () => {
    const { client: deployer } = await memberClient(t, project.id, 'deployer');
    expect((await deployer.post(`${base()}/deployments`, { environmentId: devId, version: '1.0.0' })).status).toBe(201);
    const { client: viewer } = await memberClient(t, project.id, 'viewer');
    expect((await viewer.post(`${base()}/deployments`, { environmentId: devId, version: '1.0.0' })).status).toBe(403);
    expect((await viewer.get(`${base()}/deployments`)).status).toBe(200);
    const { client: stranger } = await memberClient(t, project.id, null);
    expect((await stranger.get(`${base()}/deployments`)).status).toBe(404);
  });

  it('marks CI token releases as cli, and refuses them on protected environments', async () => {
    const { token } = await createToken(t, project.id);
    const ci = new TestClient(t.url, token);
    const res = await ci.post(`${base()}/deployments`, { environmentId: devId, version: '1.0.0' });
    expect(res.status).toBe(201);
    expect(res.body.trigger).toBe('cli');
    expect(res.body.actor).toMatch(/^token:wharf_/);
    expect(
      (await ci.post(`${base()}/deployments`, { environmentId: prodId, version: '1.0.0', confirm: 'prod' })).status,
    ).toBe(403);
  });

  it('refuses unknown versions, hostile versions, images for SSH targets and environments without targets', async () => {
    expect((await admin.post(`${base()}/deployments`, { environmentId: devId, version: '9.9.9' })).status).toBe(404);
    for (const version of ['$(id)', '../x', '-rf', 'a'.repeat(200)]) {
      const res = await admin.post(`${base()}/deployments`, { environmentId: devId, version });
      expect(res.status).toBe(400);
      expect(res.body.issues[0].path).toBe('version');
    }
    const image = await admin.post(`${base()}/deployments`, { environmentId: devId, version: 'img-1' });
    expect(image.status).toBe(400);
    expect(image.body.message).toMatch(/image/);
    const empty = await admin.post(`${base()}/deployments`, { environmentId: emptyId, version: '1.0.0' });
    expect(empty.status).toBe(400);
    expect(empty.body.message).toMatch(/no targets/);
  });

  it('lists history newest first, filterable and paginated', async () => {
    const all = (await admin.get(`${base()}/deployments?limit=2`)).body;
    expect(all.items).toHaveLength(2);
    expect(all.nextCursor).toBeTruthy();
    const next = (await admin.get(`${base()}/deployments?limit=2&cursor=${all.nextCursor}`)).body;
    expect(next.items[0].id).not.toBe(all.items[1].id);
    expect(new Date(next.items[0].createdAt).getTime()).toBeLessThanOrEqual(new Date(all.items[1].createdAt).getTime());
    const cancelled = (await admin.get(`${base()}/deployments?state=cancelled`)).body;
    expect(cancelled.items.length).toBeGreaterThan(0);
    expect(cancelled.items.every((d: any) => d.state === 'cancelled')).toBe(true);
    // The environment filter: a fresh release of each environment, then exactly that
    // environment's rows, newest first (an empty list must not pass).
    const newProd = await admin.post(`${base()}/deployments`, {
      environmentId: prodId,
      version: '1.0.0',
      confirm: 'prod',
    });
    const newDev = await admin.post(`${base()}/deployments`, { environmentId: devId, version: '1.0.0' });
    expect([newProd.status, newDev.status]).toEqual([201, 201]);
    const prodRows = await t.app.get(PrismaService).deployment.findMany({
      where: { environmentId: prodId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: { id: true },
    });
    expect(prodRows.length).toBeGreaterThanOrEqual(2); // this one and the protected-environment test's
    const prod = (await admin.get(`${base()}/deployments?environmentId=${prodId}`)).body;
    expect(prod.items[0].id).toBe(newProd.body.id);
    expect(prod.items.map((d: any) => d.id)).toEqual(prodRows.map((d) => d.id));
    expect(prod.items.every((d: any) => d.environmentName === 'prod')).toBe(true);
    const dev = (await admin.get(`${base()}/deployments?environmentId=${devId}`)).body;
    expect(dev.items[0].id).toBe(newDev.body.id);
    expect(dev.items.every((d: any) => d.environmentName === 'dev')).toBe(true);
    expect(prod.items.map((d: any) => d.id)).not.toContain(newDev.body.id);
  });

  it('has nothing to roll back to before two versions succeeded', async () => {
    const res = await admin.post(`${base()}/environments/${devId}/rollback`, {});
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/no earlier successful version/);
  });
});

describe('Idempotency-Key', () => {
  const post = (key: string, body: Record<string, unknown>) =>
    admin.request('POST', `${base()}/deployments`, body, { 'Idempotency-Key': key });

  it('gives a repeated request the deployment the first one created, even five at once', async () => {
    const key = `ci-pipeline-77:rel:dev:1.0.0:${Date.now()}`;
    const first = await post(key, { environmentId: devId, version: '1.0.0' });
    expect(first.status).toBe(201);
    const again = await post(key, { environmentId: devId, version: '1.0.0' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);

    const burstKey = `${key}-burst`;
    const burst = await Promise.all(
      Array.from({ length: 5 }, () => post(burstKey, { environmentId: devId, version: '1.0.0' })),
    );
    expect(burst.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(burst.map((r) => r.body.id)).size).toBe(1);
    const prisma = t.app.get(PrismaService);
    expect(await prisma.deployment.count({ where: { requestKey: { in: [key, burstKey] } } })).toBe(2);
    const requested = (await admin.get(`${base()}/audit?action=deployment.requested&limit=200`)).body.items;
    expect(requested.filter((e: { subjectId: string }) => e.subjectId === burst[0]!.body.id)).toHaveLength(1);
  });

  it('refuses a key reused for another release, and a malformed key', async () => {
    const key = `reuse-${Date.now()}`;
    expect((await post(key, { environmentId: devId, version: '1.0.0' })).status).toBe(201);
    const other = await post(key, { environmentId: devId, version: 'img-1' });
    expect(other.status).toBe(409);
    expect(other.body.message).toMatch(/was used for another release \(version 1\.0\.0 to dev\)/);
    for (const bad of ['short', 'has space in it', `x${'y'.repeat(200)}`, 'semi;colon-key']) {
      const res = await post(bad, { environmentId: devId, version: '1.0.0' });
      expect(res.status, bad).toBe(400);
      expect(res.body.issues[0].path).toBe('Idempotency-Key');
    }
  });
});
