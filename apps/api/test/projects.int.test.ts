// Projects and members over real HTTP against a fresh database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../src/prisma/prisma.service.js';
import { TestClient } from './http-client.js';
import { startTestApp, TEST_ADMIN, type TestApp } from './test-env.js';

let t: TestApp;
let admin: TestClient;
const PASSWORD = 'member-password-123';

async function signedIn(email: string, password = PASSWORD): Promise<TestClient> {
  const c = new TestClient(t.url);
  await c.login(email, password);
  return c;
}

/** A new non-admin user, optionally a member of `slug` with `role`; returns a signed-in client. */
async function user(
  email: string,
  slug?: string,
  role?: 'viewer' | 'deployer' | 'maintainer',
): Promise<TestClient & { id: string }> {
  const created = await admin.post('/api/v1/users', { email, name: email.split('@')[0], password: PASSWORD });
  expect(created.status).toBe(201);
  if (slug && role) expect((await admin.put(`/api/v1/projects/${slug}/members`, { email, role })).status).toBe(200);
  return Object.assign(await signedIn(email), { id: created.body.id as string });
}

beforeAll(async () => {
  t = await startTestApp();
  admin = await signedIn(TEST_ADMIN.email, TEST_ADMIN.password);
});
afterAll(async () => {
  await t?.close();
});

describe('projects as admin', () => {
  it('creates, lists, reads, updates and deletes a project', async () => {
    const created = await admin.post('/api/v1/projects', { slug: 'shop', name: 'Shop', description: 'the shop' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ slug: 'shop', name: 'Shop', description: 'the shop', role: 'maintainer' });
    expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(created.body.createdAt).toISOString()).toBe(created.body.createdAt);

    expect((await admin.get('/api/v1/projects')).body.map((p: any) => p.slug)).toContain('shop');
    expect((await admin.get('/api/v1/projects/shop')).body).toEqual(created.body);

    const updated = await admin.patch('/api/v1/projects/shop', { name: 'Shop 2', description: '' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ slug: 'shop', name: 'Shop 2', description: '' });
    expect((await admin.get('/api/v1/projects/shop')).body.name).toBe('Shop 2');

    expect((await admin.delete('/api/v1/projects/shop')).status).toBe(204);
    expect((await admin.get('/api/v1/projects/shop')).status).toBe(404);
    expect((await admin.get('/api/v1/projects')).body.map((p: any) => p.slug)).not.toContain('shop');
  });

  it('refuses a duplicate slug with 409', async () => {
    expect((await admin.post('/api/v1/projects', { slug: 'dup', name: 'Dup' })).status).toBe(201);
    const again = await admin.post('/api/v1/projects', { slug: 'dup', name: 'Dup again' });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe('a project with slug dup already exists');
  });

  it('rejects hostile slugs with 400 and issues', async () => {
    for (const slug of ['$(id)', '../x', '-rf', 'a'.repeat(200), 'Upper', 'a b', 'x;rm', '']) {
      const res = await admin.post('/api/v1/projects', { slug, name: 'x' });
      expect(res.status, slug).toBe(400);
      expect(res.body.issues[0].path).toBe('slug');
    }
    expect((await admin.get('/api/v1/projects')).body.map((p: any) => p.slug)).not.toContain('-rf');
  });

  it('deletes a project with environments, targets, credentials and tokens', async () => {
    await admin.post('/api/v1/projects', { slug: 'full', name: 'Full' });
    const env = (await admin.post('/api/v1/projects/full/environments', { name: 'prod' })).body;
    const cred = (
      await admin.post('/api/v1/projects/full/credentials', { name: 'k', kind: 'token', value: 'secret-token-value' })
    ).body;
    const target = await admin.post(`/api/v1/projects/full/environments/${env.id}/targets`, {
      kind: 'consul',
      name: 'svc',
      config: { consulUrl: 'http://127.0.0.1:8500', service: 'web' },
      credentialId: cred.id,
    });
    expect(target.status).toBe(201);
    expect((await admin.post('/api/v1/projects/full/tokens', { name: 'ci' })).status).toBe(201);
    expect((await admin.delete('/api/v1/projects/full')).status).toBe(204);
    const prisma = t.app.get(PrismaService);
    expect(await prisma.target.count({ where: { id: target.body.id } })).toBe(0);
    expect(await prisma.credential.count({ where: { id: cred.id } })).toBe(0);
  });

  it('refuses to delete a project that has deployments (409)', async () => {
    const p = (await admin.post('/api/v1/projects', { slug: 'deployed', name: 'Deployed' })).body;
    const env = (await admin.post('/api/v1/projects/deployed/environments', { name: 'prod' })).body;
    const prisma = t.app.get(PrismaService);
    const artifact = await prisma.artifact.create({
      data: { projectId: p.id, version: '1.0.0', kind: 'image', imageRef: 'r/app:1' },
    });
    await prisma.deployment.create({
      data: { projectId: p.id, environmentId: env.id, artifactId: artifact.id, trigger: 'manual', state: 'succeeded' },
    });
    const res = await admin.delete('/api/v1/projects/deployed');
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
    expect(res.body.message).toBe(
      'project deployed has 1 deployment; projects with deployment history cannot be deleted',
    );
    expect((await admin.get('/api/v1/projects/deployed')).status).toBe(200);
  });
});

describe('projects as a member', () => {
  let maint: TestClient & { id: string };
  beforeAll(async () => {
    await admin.post('/api/v1/projects', { slug: 'team', name: 'Team' });
    await admin.post('/api/v1/projects', { slug: 'other', name: 'Other' });
    maint = await user('maint@test.local', 'team', 'maintainer');
  });

  it('lists only the projects the caller belongs to, with their role', async () => {
    const viewer = await user('lister@test.local', 'other', 'viewer');
    expect(
      (await admin.put('/api/v1/projects/team/members', { email: 'lister@test.local', role: 'deployer' })).status,
    ).toBe(200);
    const res = await viewer.get('/api/v1/projects');
    expect(res.status).toBe(200);
    expect(res.body.map((p: any) => [p.slug, p.role])).toEqual([
      ['other', 'viewer'],
      ['team', 'deployer'],
    ]);
    expect((await maint.get('/api/v1/projects')).body.map((p: any) => [p.slug, p.role])).toEqual([
      ['team', 'maintainer'],
    ]);
  });

  it('lets a maintainer read and update, but not create or delete projects', async () => {
    expect((await maint.get('/api/v1/projects/team')).body).toMatchObject({ slug: 'team', role: 'maintainer' });
    const upd = await maint.patch('/api/v1/projects/team', { description: 'by maint' });
    expect(upd.status).toBe(200);
    expect(upd.body.description).toBe('by maint');
    const create = await maint.post('/api/v1/projects', { slug: 'mine', name: 'Mine' });
    expect(create.status).toBe(403);
    const del = await maint.delete('/api/v1/projects/team');
    expect(del.status).toBe(403);
    expect(del.body.message).toBe('only administrators can delete projects');
  });

  it('lets a viewer read but not update', async () => {
    const viewer = await user('team-viewer@test.local', 'team', 'viewer');
    expect((await viewer.get('/api/v1/projects/team')).body.role).toBe('viewer');
    expect((await viewer.patch('/api/v1/projects/team', { name: 'nope' })).status).toBe(403);
    expect((await viewer.get('/api/v1/projects/team/members')).status).toBe(200);
    expect(
      (await viewer.put('/api/v1/projects/team/members', { email: 'team-viewer@test.local', role: 'maintainer' }))
        .status,
    ).toBe(403);
  });

  it('manages members as a maintainer: add by email, change role, list, remove', async () => {
    const bob = await user('bob@test.local');
    expect((await bob.get('/api/v1/projects/team')).status).toBe(404);

    const added = await maint.put('/api/v1/projects/team/members', { email: 'BOB@test.local', role: 'viewer' });
    expect(added.status).toBe(200);
    expect(added.body).toEqual({ userId: bob.id, email: 'bob@test.local', name: 'bob', role: 'viewer' });
    expect((await bob.get('/api/v1/projects/team')).body.role).toBe('viewer');

    expect(
      (await maint.put('/api/v1/projects/team/members', { email: 'bob@test.local', role: 'deployer' })).body.role,
    ).toBe('deployer');
    const list = await maint.get('/api/v1/projects/team/members');
    expect(list.body.filter((m: any) => m.email === 'bob@test.local')).toEqual([
      { userId: bob.id, email: 'bob@test.local', name: 'bob', role: 'deployer' },
    ]);

    expect((await maint.delete(`/api/v1/projects/team/members/${bob.id}`)).status).toBe(204);
    expect((await bob.get('/api/v1/projects/team')).status).toBe(404);
    const again = await maint.delete(`/api/v1/projects/team/members/${bob.id}`);
    expect(again.status).toBe(404);
    expect(again.body.message).toBe(`user ${bob.id} is not a member of this project`);
  });

  it('refuses unknown emails, bad roles and bad user ids', async () => {
    const unknown = await maint.put('/api/v1/projects/team/members', { email: 'nobody@test.local', role: 'viewer' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/no user with email nobody@test.local/);
    expect((await maint.put('/api/v1/projects/team/members', { email: 'bob@test.local', role: 'owner' })).status).toBe(
      400,
    );
    const badId = await maint.delete('/api/v1/projects/team/members/not-a-uuid');
    expect(badId.status).toBe(400);
    expect(badId.body.message).toBe('userId must be a UUID');
  });
});

describe('non-members', () => {
  it('get the same 404 for an existing project as for a missing one, on every sub-resource', async () => {
    await admin.post('/api/v1/projects', { slug: 'secret-proj', name: 'Secret' });
    const outsider = await user('outsider@test.local');
    const paths = ['', '/members', '/environments', '/targets', '/credentials', '/tokens'];
    const before: unknown[] = [];
    for (const p of paths) {
      const res = await outsider.get(`/api/v1/projects/secret-proj${p}`);
      expect(res.status, p).toBe(404);
      expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'project secret-proj not found' });
      before.push(res.body);
    }
    for (const [method, p] of [
      ['PATCH', ''],
      ['POST', '/environments'],
      ['POST', '/credentials'],
      ['POST', '/tokens'],
      ['DELETE', ''],
    ] as const) {
      expect(
        (await outsider.request(method, `/api/v1/projects/secret-proj${p}`, { name: 'x' })).status,
        `${method} ${p}`,
      ).toBe(404);
    }
    // Now the project is really gone: the answers must not change at all.
    expect((await admin.delete('/api/v1/projects/secret-proj')).status).toBe(204);
    for (const [i, p] of paths.entries()) {
      const res = await outsider.get(`/api/v1/projects/secret-proj${p}`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(before[i]);
    }
    expect((await outsider.get('/api/v1/projects')).body).toEqual([]);
  });
});
