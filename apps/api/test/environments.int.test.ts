// Environments over real HTTP: CRUD, ordering, roles, in-use refusal, hostile names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../src/prisma/prisma.service.js';
import { TestClient } from './http-client.js';
import { startTestApp, TEST_ADMIN, type TestApp } from './test-env.js';

let t: TestApp;
let admin: TestClient;
const PASSWORD = 'member-password-123';

async function member(email: string, slug: string, role: 'viewer' | 'deployer' | 'maintainer'): Promise<TestClient> {
  expect((await admin.post('/api/v1/users', { email, name: 'someone', password: PASSWORD })).status).toBe(201);
  expect((await admin.put(`/api/v1/projects/${slug}/members`, { email, role })).status).toBe(200);
  const c = new TestClient(t.url);
  await c.login(email, PASSWORD);
  return c;
}

const envs = (slug: string) => `/api/v1/projects/${slug}/environments`;
async function names(c: TestClient, slug: string): Promise<string[]> {
  const res = await c.get(envs(slug));
  expect(res.status).toBe(200);
  // Positions are always dense 0..n-1 in list order.
  expect(res.body.map((e: any) => e.position)).toEqual(res.body.map((_: unknown, i: number) => i));
  return res.body.map((e: any) => e.name);
}

beforeAll(async () => {
  t = await startTestApp();
  admin = new TestClient(t.url);
  await admin.login(TEST_ADMIN.email, TEST_ADMIN.password);
  for (const slug of ['envs', 'envs-maint', 'envs-other']) {
    expect((await admin.post('/api/v1/projects', { slug, name: slug })).status).toBe(201);
  }
});
afterAll(async () => {
  await t?.close();
});

describe('environments as admin', () => {
  it('creates at the end by default, lists by position, updates and deletes', async () => {
    const a = await admin.post(envs('envs'), { name: 'staging' });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ name: 'staging', position: 0, protected: false });
    const b = await admin.post(envs('envs'), { name: 'production', protected: true });
    expect(b.body).toMatchObject({ name: 'production', position: 1, protected: true });
    expect(await names(admin, 'envs')).toEqual(['staging', 'production']);

    const renamed = await admin.patch(`${envs('envs')}/${a.body.id}`, { name: 'stage', protected: true });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: a.body.id, name: 'stage', protected: true, position: 0 });

    expect((await admin.delete(`${envs('envs')}/${a.body.id}`)).status).toBe(204);
    expect(await names(admin, 'envs')).toEqual(['production']);
    expect((await admin.delete(`${envs('envs')}/${a.body.id}`)).status).toBe(404);
    expect((await admin.delete(`${envs('envs')}/${b.body.id}`)).status).toBe(204);
    expect(await names(admin, 'envs')).toEqual([]);
  });

  it('inserts at a given position and reorders, keeping positions dense', async () => {
    const id: Record<string, string> = {};
    for (const n of ['dev', 'qa', 'prod']) id[n] = (await admin.post(envs('envs'), { name: n })).body.id;
    expect((await admin.post(envs('envs'), { name: 'sandbox', position: 0 })).body.position).toBe(0);
    expect(await names(admin, 'envs')).toEqual(['sandbox', 'dev', 'qa', 'prod']);
    // A position past the end means "last".
    expect((await admin.post(envs('envs'), { name: 'dr', position: 999 })).body.position).toBe(4);

    const moved = await admin.patch(`${envs('envs')}/${id.prod}`, { position: 1 });
    expect(moved.body.position).toBe(1);
    expect(await names(admin, 'envs')).toEqual(['sandbox', 'prod', 'dev', 'qa', 'dr']);
    await admin.patch(`${envs('envs')}/${id.dev}`, { position: 1000 });
    expect(await names(admin, 'envs')).toEqual(['sandbox', 'prod', 'qa', 'dr', 'dev']);
    // Deleting closes the gap.
    await admin.delete(`${envs('envs')}/${id.prod}`);
    expect(await names(admin, 'envs')).toEqual(['sandbox', 'qa', 'dr', 'dev']);
  });

  it('refuses a duplicate name with 409, on create and on rename', async () => {
    const x = (await admin.post(envs('envs-other'), { name: 'one' })).body;
    await admin.post(envs('envs-other'), { name: 'two' });
    const dup = await admin.post(envs('envs-other'), { name: 'two' });
    expect(dup.status).toBe(409);
    expect(dup.body.message).toBe('an environment named two already exists in this project');
    expect((await admin.patch(`${envs('envs-other')}/${x.id}`, { name: 'two' })).status).toBe(409);
    expect(await names(admin, 'envs-other')).toEqual(['one', 'two']);
  });

  it('rejects hostile names and bad ids with 400 and issues', async () => {
    for (const name of ['$(id)', '../x', '-rf', 'a'.repeat(200), 'a b', '`id`', '']) {
      const res = await admin.post(envs('envs'), { name });
      expect(res.status, name).toBe(400);
      expect(res.body.issues[0].path).toBe('name');
    }
    const env = (await admin.post(envs('envs'), { name: 'hostile-target' })).body;
    expect((await admin.patch(`${envs('envs')}/${env.id}`, { name: '../x' })).body.issues[0].path).toBe('name');
    expect((await admin.patch(`${envs('envs')}/${env.id}`, { position: -1 })).status).toBe(400);
    const badId = await admin.patch(`${envs('envs')}/..%2Fx`, { name: 'ok' });
    expect(badId.status).toBe(400);
    expect(badId.body.message).toBe('envId must be a UUID');
  });

  it('treats an environment of another project as not found', async () => {
    const foreign = (await admin.post(envs('envs-other'), { name: 'foreign' })).body;
    const res = await admin.patch(`${envs('envs')}/${foreign.id}`, { name: 'stolen' });
    expect(res.status).toBe(404);
    expect(res.body.message).toBe(`environment ${foreign.id} not found`);
    expect((await admin.delete(`${envs('envs')}/${foreign.id}`)).status).toBe(404);
    expect(await names(admin, 'envs-other')).toContain('foreign');
  });

  it('refuses to delete an environment that has targets (409 with a clear message)', async () => {
    const env = (await admin.post(envs('envs'), { name: 'busy' })).body;
    const target = await admin.post(`${envs('envs')}/${env.id}/targets`, {
      kind: 'ssh',
      name: 'web-1',
      config: { host: '127.0.0.2', user: 'deploy', baseDir: '/srv/app', appName: 'app' },
    });
    expect(target.status).toBe(201);
    const res = await admin.delete(`${envs('envs')}/${env.id}`);
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: 'environment busy is in use by 1 target; delete its targets first',
    });
    expect(await names(admin, 'envs')).toContain('busy');

    expect((await admin.delete(`/api/v1/projects/envs/targets/${target.body.id}`)).status).toBe(204);
    expect((await admin.delete(`${envs('envs')}/${env.id}`)).status).toBe(204);
  });

  it('refuses to delete an environment that has deployments (409)', async () => {
    const env = (await admin.post(envs('envs'), { name: 'history' })).body;
    const prisma = t.app.get(PrismaService);
    const project = await prisma.project.findUniqueOrThrow({ where: { slug: 'envs' } });
    const artifact = await prisma.artifact.create({
      data: { projectId: project.id, version: '1', kind: 'image', imageRef: 'r/a:1' },
    });
    await prisma.deployment.create({
      data: { projectId: project.id, environmentId: env.id, artifactId: artifact.id, trigger: 'manual' },
    });
    const res = await admin.delete(`${envs('envs')}/${env.id}`);
    expect(res.status).toBe(409);
    expect(res.body.message).toBe(
      'environment history is in use by 1 deployment; environments with deployment history cannot be deleted',
    );
  });
});

describe('environments by role', () => {
  it('lets a maintainer member do full CRUD', async () => {
    const m = await member('env-maint@test.local', 'envs-maint', 'maintainer');
    const e = await m.post(envs('envs-maint'), { name: 'prod' });
    expect(e.status).toBe(201);
    expect((await m.get(envs('envs-maint'))).body).toEqual([e.body]);
    expect((await m.patch(`${envs('envs-maint')}/${e.body.id}`, { name: 'live', protected: true })).body).toMatchObject(
      { name: 'live', protected: true },
    );
    expect((await m.delete(`${envs('envs-maint')}/${e.body.id}`)).status).toBe(204);
    expect((await m.get(envs('envs-maint'))).body).toEqual([]);
  });

  it('lets viewers and deployers list but not change (403)', async () => {
    const existing = (await admin.post(envs('envs-maint'), { name: 'keep' })).body;
    for (const role of ['viewer', 'deployer'] as const) {
      const c = await member(`env-${role}@test.local`, 'envs-maint', role);
      expect((await c.get(envs('envs-maint'))).body.map((e: any) => e.name)).toEqual(['keep']);
      const create = await c.post(envs('envs-maint'), { name: 'nope' });
      expect(create.status).toBe(403);
      expect(create.body).toEqual({
        statusCode: 403,
        error: 'Forbidden',
        message: 'needs the maintainer role in this project',
      });
      expect((await c.patch(`${envs('envs-maint')}/${existing.id}`, { name: 'nope' })).status).toBe(403);
      expect((await c.delete(`${envs('envs-maint')}/${existing.id}`)).status).toBe(403);
    }
    expect(await names(admin, 'envs-maint')).toEqual(['keep']);
  });
});
