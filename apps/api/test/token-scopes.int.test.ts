// CI token scopes, by class: every route that accepts project tokens is walked. Reads are open
// to any token of the project; every state-changing token route names a scope, and a token
// without it gets 403 there. Release tokens can be limited to listed non-protected environments.
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { API_TOKEN_SCOPES, type ApiTokenScope } from '@wharf/shared';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_KEY, type AccessRule } from '../src/common/access.decorators.js';
import { TestClient } from './http-client.js';
import { startTestApp, TEST_ADMIN, type TestApp } from './test-env.js';

const P = '/api/v1/projects';
const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';
/** Routes that read their own body stream, with the type they accept. */
const STREAM_ROUTES: Record<string, string> = { 'POST projects/:slug/artifacts/tarball': 'application/gzip' };

interface TokenRoute {
  key: string;
  method: string;
  path: string;
  rule: Extract<AccessRule, { kind: 'project' }>;
}

function tokenRoutes(t: TestApp): TokenRoute[] {
  const reflector = t.app.get(Reflector);
  const scanner = t.app.get(MetadataScanner);
  const out: TokenRoute[] = [];
  for (const wrapper of t.app.get(DiscoveryService).getControllers()) {
    if (!wrapper.instance || !wrapper.metatype) continue;
    const base = (Reflect.getMetadata(PATH_METADATA, wrapper.metatype) as string | undefined) ?? '';
    const proto = Object.getPrototypeOf(wrapper.instance) as Record<string, object>;
    for (const name of scanner.getAllMethodNames(proto)) {
      const handler = proto[name]!;
      const sub = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      if (sub === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number]!;
      const rule = reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [
        handler as never,
        wrapper.metatype,
      ]);
      if (rule?.kind !== 'project' || !rule.allowToken) continue;
      const path = [base, sub]
        .map((p) => p.replace(/^\/|\/$/g, ''))
        .filter(Boolean)
        .join('/');
      out.push({ key: `${method} ${path}`, method, path, rule });
    }
  }
  return out;
}

let t: TestApp;
let admin: TestClient;
const envs: Record<string, string> = {};
let otherProjectEnv: string;

async function newToken(body: Record<string, unknown>): Promise<string> {
  const res = await admin.post(`${P}/scoped/tokens`, { name: 'ci', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.token as string;
}

/** Calls a token route as `token`, with the body type it reads; returns status and message. */
async function call(r: TokenRoute, token: string): Promise<{ status: number; message: string }> {
  const path = r.path
    .replace(':slug', 'scoped')
    .replace(':version', '1.0.0')
    .replace(/:[A-Za-z]+/g, NO_SUCH_ID);
  const stream = STREAM_ROUTES[r.key];
  const query = stream ? '?version=9.9.9' : '';
  const res = await fetch(`${t.url}/api/v1/${path}${query}`, {
    method: r.method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(r.method === 'GET' ? {} : { 'content-type': stream ?? 'application/json' }),
    },
    body: r.method === 'GET' ? undefined : stream ? new Uint8Array() : '{}',
  });
  const text = await res.text();
  let message = text;
  try {
    message = String((JSON.parse(text) as { message?: unknown }).message ?? text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, message };
}

beforeAll(async () => {
  t = await startTestApp();
  admin = new TestClient(t.url);
  await admin.login(TEST_ADMIN.email, TEST_ADMIN.password);
  for (const slug of ['scoped', 'scoped-other']) expect((await admin.post(P, { slug, name: slug })).status).toBe(201);
  for (const [name, isProtected] of [
    ['dev', false],
    ['qa', false],
    ['prod', true],
  ] as const) {
    const res = await admin.post(`${P}/scoped/environments`, { name, protected: isProtected });
    expect(res.status).toBe(201);
    envs[name] = res.body.id as string;
  }
  otherProjectEnv = (await admin.post(`${P}/scoped-other/environments`, { name: 'dev' })).body.id as string;
});

afterAll(async () => {
  await t?.close();
});

describe('scopes on every token route', () => {
  it('finds the token routes, and every state-changing one names a scope', () => {
    const routes = tokenRoutes(t);
    const keys = routes.map((r) => r.key);
    expect(keys).toContain('POST projects/:slug/deployments');
    expect(keys).toContain('POST projects/:slug/artifacts/tarball');
    expect(keys).toContain('GET projects/:slug/deployments/:id/logs');
    expect(keys).toContain('GET projects/:slug/environment-status');
    const unscopedWrites = routes.filter((r) => r.method !== 'GET' && r.rule.tokenScope === null).map((r) => r.key);
    expect(unscopedWrites).toEqual([]);
  });

  it('refuses (403) a token lacking the route scope, and lets a token holding it through', async () => {
    const onlyScope = Object.fromEntries(
      await Promise.all(API_TOKEN_SCOPES.map(async (s) => [s, await newToken({ scopes: [s] })] as const)),
    ) as Record<ApiTokenScope, string>;
    const wrong: string[] = [];
    for (const r of tokenRoutes(t).filter((x) => x.rule.tokenScope !== null)) {
      const needed = r.rule.tokenScope!;
      for (const scope of API_TOKEN_SCOPES) {
        const res = await call(r, onlyScope[scope]);
        if (scope === needed) {
          if (res.status === 401 || res.status === 403)
            wrong.push(`${r.key} with ${scope}: ${res.status} ${res.message}`);
        } else if (res.status !== 403 || res.message !== `this token lacks the ${needed} scope`) {
          wrong.push(`${r.key} with only ${scope}: ${res.status} ${res.message}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('lets every token of the project read (each single-scope token, on every GET token route)', async () => {
    const tokens = await Promise.all(API_TOKEN_SCOPES.map((s) => newToken({ scopes: [s] })));
    const refused: string[] = [];
    for (const r of tokenRoutes(t).filter((x) => x.rule.tokenScope === null)) {
      expect(r.method, r.key).toBe('GET');
      for (const token of tokens) {
        const res = await call(r, token);
        if (res.status === 401 || res.status === 403 || /^project .* not found$/.test(res.message)) {
          refused.push(`${r.key}: ${res.status} ${res.message}`);
        }
      }
    }
    expect(refused).toEqual([]);
  });
});

describe('token creation', () => {
  it('stores and shows scopes and environments; an audit event names them', async () => {
    const res = await admin.post(`${P}/scoped/tokens`, {
      name: 'dev-release',
      scopes: ['release'],
      environmentIds: [envs.dev],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ scopes: ['release'], environmentIds: [envs.dev] });
    const listed = (await admin.get(`${P}/scoped/tokens`)).body.find((x: { id: string }) => x.id === res.body.id);
    expect(listed).toMatchObject({ scopes: ['release'], environmentIds: [envs.dev] });
    const event = (await admin.get(`${P}/scoped/audit?action=token.created`)).body.items.find(
      (e: { subjectId: string }) => e.subjectId === res.body.id,
    );
    expect(event.data).toMatchObject({ scopes: ['release'], environmentIds: [envs.dev] });
  });

  it('refuses protected, unknown and foreign environments, and empty, unknown or repeated scopes', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ environmentIds: [envs.prod] }, 'environmentIds.0'],
      [{ environmentIds: [envs.dev, NO_SUCH_ID] }, 'environmentIds.1'],
      [{ environmentIds: [otherProjectEnv] }, 'environmentIds.0'],
      [{ environmentIds: [envs.dev, envs.dev] }, 'environmentIds'],
      [{ environmentIds: ['dev'] }, 'environmentIds.0'],
      [{ scopes: [] }, 'scopes'],
      [{ scopes: ['admin'] }, 'scopes.0'],
      [{ scopes: ['release', 'release'] }, 'scopes'],
    ];
    for (const [body, path] of cases) {
      const res = await admin.post(`${P}/scoped/tokens`, { name: 'bad', ...body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(
        res.body.issues.map((i: { path: string }) => i.path),
        JSON.stringify(body),
      ).toContain(path);
    }
    const protectedMessage = (await admin.post(`${P}/scoped/tokens`, { name: 'bad', environmentIds: [envs.prod] })).body
      .message;
    expect(protectedMessage).toBe('prod is protected: CI tokens never release there');
    // Nothing half-created.
    expect((await admin.get(`${P}/scoped/tokens`)).body.filter((x: { name: string }) => x.name === 'bad')).toEqual([]);
  });

  it('gives tokens that predate scopes push + release to every non-protected environment', async () => {
    // Inserted the way the table looked before: no scopes or environment columns named.
    const db = new pg.Client({ connectionString: t.db.url });
    await db.connect();
    try {
      const { newApiToken } = await import('../src/auth/tokens.js');
      const { token, prefix, hash } = newApiToken();
      const project = (await db.query<{ id: string }>('SELECT id FROM "Project" WHERE slug = $1', ['scoped'])).rows[0]!;
      await db.query(
        'INSERT INTO "ApiToken" (id, "projectId", name, prefix, "tokenHash") VALUES (gen_random_uuid(), $1, $2, $3, $4)',
        [project.id, 'old-ci', prefix, hash],
      );
      const listed = (await admin.get(`${P}/scoped/tokens`)).body.find((x: { name: string }) => x.name === 'old-ci');
      expect(listed).toMatchObject({ scopes: ['artifacts:push', 'release'], environmentIds: [] });
      const ci = new TestClient(t.url, token);
      // Through the guard on both writes: the answers are about the missing version, not the token.
      for (const envId of [envs.dev, envs.qa]) {
        const release = await ci.post(`${P}/scoped/deployments`, { environmentId: envId, version: '1.0.0' });
        expect(release.status).toBe(404);
        expect(release.body.message).toBe('version 1.0.0 not found in this project');
      }
      const image = await ci.post(`${P}/scoped/artifacts/image`, { version: 'x', image: 'registry.example/x' });
      expect(image.status).toBe(400);
    } finally {
      await db.end();
    }
  });
});

describe('release limited to listed environments', () => {
  it('releases only to the listed environments, never to a protected one', async () => {
    const devOnly = new TestClient(t.url, await newToken({ scopes: ['release'], environmentIds: [envs.dev] }));
    const anyEnv = new TestClient(t.url, await newToken({ scopes: ['release'] }));
    const release = (c: TestClient, env: string) =>
      c.post(`${P}/scoped/deployments`, { environmentId: envs[env], version: '1.0.0' });

    const refused = await release(devOnly, 'qa');
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('this token may not release to qa');
    // dev passes every access check and fails only on the (missing) version.
    expect((await release(devOnly, 'dev')).body.message).toBe('version 1.0.0 not found in this project');
    expect((await release(anyEnv, 'qa')).body.message).toBe('version 1.0.0 not found in this project');
    for (const c of [devOnly, anyEnv]) {
      const prod = await release(c, 'prod');
      expect(prod.status).toBe(403);
      expect(prod.body.message).toBe('prod is protected: releasing to it needs the maintainer role');
    }
  });

  it('keeps a limited token limited after its environment is deleted (the list never widens)', async () => {
    const gone = (await admin.post(`${P}/scoped/environments`, { name: 'temp' })).body.id as string;
    const token = await newToken({ scopes: ['release'], environmentIds: [gone] });
    expect((await admin.delete(`${P}/scoped/environments/${gone}`)).status).toBe(204);
    const res = await new TestClient(t.url, token).post(`${P}/scoped/deployments`, {
      environmentId: envs.dev,
      version: '1.0.0',
    });
    expect(res.status).toBe(403);
    expect(res.body.message).toBe('this token may not release to dev');
  });
});
