// Project CI tokens over real HTTP: shown once, stored hashed, honoured only on routes that
// accept tokens and only for their own project, dead once revoked.
import { createHash } from 'node:crypto';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_KEY, type AccessRule } from '../src/common/access.decorators.js';
import { TestClient } from './http-client.js';
import { startTestApp, TEST_ADMIN, type TestApp } from './test-env.js';

const P = '/api/v1/projects';
const PASSWORD = 'member-password-123';

let t: TestApp;
let admin: TestClient;
/** A GET route under /projects/:slug that accepts project tokens, e.g. the artifact list. */
let tokenRoute: string | null = null;

/** Token-accepting GET routes with no parameter other than :slug, artifacts first. */
function findTokenRoute(): string | null {
  const reflector = t.app.get(Reflector);
  const scanner = t.app.get(MetadataScanner);
  const found: string[] = [];
  for (const wrapper of t.app.get(DiscoveryService).getControllers()) {
    if (!wrapper.instance || !wrapper.metatype) continue;
    const base = (Reflect.getMetadata(PATH_METADATA, wrapper.metatype) as string | undefined) ?? '';
    const proto = Object.getPrototypeOf(wrapper.instance) as Record<string, object>;
    for (const name of scanner.getAllMethodNames(proto)) {
      const handler = proto[name]!;
      const sub = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      if (sub === undefined || RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number] !== 'GET')
        continue;
      const rule = reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [
        handler as never,
        wrapper.metatype,
      ]);
      const path = [base, sub]
        .map((p) => p.replace(/^\/|\/$/g, ''))
        .filter(Boolean)
        .join('/');
      if (rule?.kind === 'project' && rule.allowToken && /^projects\/:slug\/[a-z-]+$/.test(path)) found.push(path);
    }
  }
  found.sort((a, b) => Number(b.endsWith('/artifacts')) - Number(a.endsWith('/artifacts')));
  return found[0] ? `/api/v1/${found[0]}` : null;
}
const tokenUrl = (slug: string) => tokenRoute!.replace(':slug', slug);

async function member(email: string, role: 'viewer' | 'deployer' | 'maintainer'): Promise<TestClient> {
  expect((await admin.post('/api/v1/users', { email, name: 'someone', password: PASSWORD })).status).toBe(201);
  expect((await admin.put(`${P}/tok/members`, { email, role })).status).toBe(200);
  const c = new TestClient(t.url);
  await c.login(email, PASSWORD);
  return c;
}

beforeAll(async () => {
  t = await startTestApp();
  admin = new TestClient(t.url);
  await admin.login(TEST_ADMIN.email, TEST_ADMIN.password);
  for (const slug of ['tok', 'tok-other']) expect((await admin.post(P, { slug, name: slug })).status).toBe(201);
  tokenRoute = findTokenRoute();
});
afterAll(async () => {
  await t?.close();
});

describe('tokens as admin', () => {
  it('creates a token shown once, lists it without the value, revokes it idempotently', async () => {
    const created = await admin.post(`${P}/tok/tokens`, { name: 'gitlab-ci' });
    expect(created.status).toBe(201);
    const token: string = created.body.token;
    expect(token).toMatch(/^wharf_[0-9A-Za-z]{40}$/);
    expect(created.body).toMatchObject({
      name: 'gitlab-ci',
      prefix: token.slice(0, 12),
      lastUsedAt: null,
      revokedAt: null,
    });

    const list = await admin.get(`${P}/tok/tokens`);
    expect(list.status).toBe(200);
    const { token: _shownOnce, ...view } = created.body;
    expect(list.body).toEqual([view]);
    expect(Object.keys(list.body[0]).sort()).toEqual([
      'createdAt',
      'environmentIds',
      'id',
      'lastUsedAt',
      'name',
      'prefix',
      'revokedAt',
      'scopes',
    ]);
    // Created without a choice: what every token could do before scopes existed.
    expect(list.body[0]).toMatchObject({ scopes: ['artifacts:push', 'release'], environmentIds: [] });
    expect(JSON.stringify(list.body)).not.toContain(token);

    expect((await admin.delete(`${P}/tok/tokens/${created.body.id}`)).status).toBe(204);
    const after = (await admin.get(`${P}/tok/tokens`)).body[0];
    expect(after.id).toBe(created.body.id);
    expect(after.revokedAt).not.toBeNull();
    // Revoking again changes nothing.
    expect((await admin.delete(`${P}/tok/tokens/${created.body.id}`)).status).toBe(204);
    expect((await admin.get(`${P}/tok/tokens`)).body[0].revokedAt).toBe(after.revokedAt);
    const events = (await admin.get(`${P}/tok/audit?action=token.revoked`)).body.items;
    expect(events.filter((e: any) => e.subjectId === created.body.id)).toHaveLength(1);
  });

  it('stores only a sha256 of the token', async () => {
    const { token, id } = (await admin.post(`${P}/tok/tokens`, { name: 'hashed' })).body;
    const db = new pg.Client({ connectionString: t.db.url });
    await db.connect();
    try {
      const row = (
        await db.query<{ json: string; tokenHash: string }>(
          'SELECT row_to_json(a)::text AS json, a."tokenHash" FROM "ApiToken" a WHERE id = $1',
          [id],
        )
      ).rows[0]!;
      expect(row.tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
      expect(row.json).not.toContain(token);
      const audit = (await db.query<{ json: string }>('SELECT row_to_json(e)::text AS json FROM "AuditEvent" e')).rows;
      for (const e of audit) expect(e.json).not.toContain(token);
    } finally {
      await db.end();
    }
  });

  it('validates names and ids, and keeps tokens inside their project', async () => {
    expect((await admin.post(`${P}/tok/tokens`, { name: '' })).status).toBe(400);
    expect((await admin.post(`${P}/tok/tokens`, { name: 'x'.repeat(81) })).body.issues[0].path).toBe('name');
    expect((await admin.delete(`${P}/tok/tokens/nope`)).status).toBe(400);
    const theirs = (await admin.post(`${P}/tok-other/tokens`, { name: 'theirs' })).body;
    expect((await admin.delete(`${P}/tok/tokens/${theirs.id}`)).status).toBe(404);
    expect((await admin.get(`${P}/tok-other/tokens`)).body[0].revokedAt).toBeNull();
  });
});

describe('tokens as credentials', () => {
  it('are refused (401) on routes that need a signed-in user, even in their own project', async () => {
    const { token } = (await admin.post(`${P}/tok/tokens`, { name: 'session-only' })).body;
    const ci = new TestClient(t.url, token);
    for (const path of [
      `${P}/tok`,
      `${P}/tok/tokens`,
      `${P}/tok/environments`,
      `${P}/tok/credentials`,
      `${P}`,
      '/api/v1/auth/me',
    ]) {
      const res = await ci.get(path);
      expect(res.status, path).toBe(401);
    }
    expect((await ci.post(`${P}/tok/tokens`, { name: 'self-replicating' })).status).toBe(401);
  });

  it('has a route that accepts project tokens to test them on (artifacts list preferred)', () => {
    // The artifact list is the contract's token route; the deployment list also accepts tokens
    // and goes through the same guard path, so either exercises token authentication.
    expect(tokenRoute, 'no GET /projects/:slug/<resource> route accepts project tokens').toMatch(
      /^\/api\/v1\/projects\/:slug\/(artifacts|deployments)$/,
    );
  });

  it('work on a token route of their own project, record lastUsedAt, 404 elsewhere, 401 once revoked', async () => {
    const created = (await admin.post(`${P}/tok/tokens`, { name: 'ci' })).body;
    const ci = new TestClient(t.url, created.token);

    const ok = await ci.get(tokenUrl('tok'));
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const listed = (await admin.get(`${P}/tok/tokens`)).body.find((x: any) => x.id === created.id);
    expect(listed.lastUsedAt).not.toBeNull();

    const other = await ci.get(tokenUrl('tok-other'));
    // Same answer as for a project that does not exist at all.
    expect(other.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'project tok-other not found' });
    expect((await ci.get(tokenUrl('no-such-project'))).body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'project no-such-project not found',
    });

    // A made-up token of the right shape is refused too.
    expect((await new TestClient(t.url, `wharf_${'A'.repeat(40)}`).get(tokenUrl('tok'))).status).toBe(401);

    expect((await admin.delete(`${P}/tok/tokens/${created.id}`)).status).toBe(204);
    const revoked = await ci.get(tokenUrl('tok'));
    expect(revoked.status).toBe(401);
    expect(revoked.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'invalid token' });
  });
});

describe('tokens by role', () => {
  it('lets a maintainer member create, list and revoke', async () => {
    const m = await member('tok-maint@test.local', 'maintainer');
    const c = await m.post(`${P}/tok/tokens`, { name: 'maint-ci' });
    expect(c.status).toBe(201);
    expect((await m.get(`${P}/tok/tokens`)).body.map((x: any) => x.name)).toContain('maint-ci');
    expect((await m.delete(`${P}/tok/tokens/${c.body.id}`)).status).toBe(204);
    expect((await m.get(`${P}/tok/tokens`)).body.find((x: any) => x.id === c.body.id).revokedAt).not.toBeNull();
    const event = (await admin.get(`${P}/tok/audit?action=token.created`)).body.items.find(
      (e: any) => e.subjectId === c.body.id,
    );
    expect(event).toMatchObject({ actor: 'tok-maint@test.local', data: { name: 'maint-ci', prefix: c.body.prefix } });
  });

  it('refuses viewers and deployers (403)', async () => {
    const some = (await admin.post(`${P}/tok/tokens`, { name: 'keep' })).body;
    for (const role of ['viewer', 'deployer'] as const) {
      const low = await member(`tok-${role}@test.local`, role);
      expect((await low.get(`${P}/tok/tokens`)).status).toBe(403);
      expect((await low.post(`${P}/tok/tokens`, { name: 'x' })).status).toBe(403);
      expect((await low.delete(`${P}/tok/tokens/${some.id}`)).status).toBe(403);
    }
    expect((await admin.get(`${P}/tok/tokens`)).body.find((x: any) => x.id === some.id).revokedAt).toBeNull();
  });
});
