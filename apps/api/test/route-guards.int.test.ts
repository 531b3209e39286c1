// Every registered route must declare an access rule; only an explicit list may be public.
// Anonymous calls to every non-public route must be refused. Every state-changing route
// refuses cross-site browser requests and bodies of a type it does not read, and still works
// for its own pages and for clients that are not browsers.
import { RequestMethod } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_KEY, type AccessRule } from '../src/common/access.decorators.js';
import { createProject } from './fixtures.js';
import { startTestApp, TEST_ADMIN, type TestApp } from './test-env.js';

const PUBLIC_ROUTES = new Set([
  'GET /api/health',
  'POST /api/v1/auth/login',
  'GET /cli/wharf.mjs',
  // Authenticated by its own X-Gitlab-Token (test/webhooks-ingest.int.test.ts).
  'POST /api/v1/hooks/gitlab/:slug',
]);
const EXCLUDED_FROM_PREFIX = new Set(['api/health', 'cli/wharf.mjs']);

interface RouteInfo {
  key: string;
  method: string;
  path: string;
  rule: AccessRule | undefined;
}

function listRoutes(t: TestApp): RouteInfo[] {
  const discovery = t.app.get(DiscoveryService);
  const scanner = t.app.get(MetadataScanner);
  const reflector = t.app.get(Reflector);
  const routes: RouteInfo[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as object | undefined;
    if (!instance || !wrapper.metatype) continue;
    const base = (Reflect.getMetadata(PATH_METADATA, wrapper.metatype) as string | undefined) ?? '';
    const proto = Object.getPrototypeOf(instance) as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(proto)) {
      const handler = proto[name] as object;
      const sub = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      if (sub === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number]!;
      let path = [base, sub]
        .map((p) => p.replace(/^\/|\/$/g, ''))
        .filter(Boolean)
        .join('/');
      path = EXCLUDED_FROM_PREFIX.has(path) ? `/${path}` : `/api/v1/${path}`;
      const rule = reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [
        handler as never,
        wrapper.metatype,
      ]);
      routes.push({ key: `${method} ${path}`, method, path, rule });
    }
  }
  return routes;
}

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('route guards', () => {
  it('finds the routes (sanity check of the enumeration itself)', () => {
    const keys = listRoutes(t).map((r) => r.key);
    expect(keys).toContain('POST /api/v1/auth/login');
    expect(keys).toContain('GET /api/v1/auth/me');
    expect(keys.length).toBeGreaterThan(5);
  });

  it('gives every route an access rule, and only the allow-list is public', () => {
    const routes = listRoutes(t);
    const missing = routes.filter((r) => !r.rule).map((r) => r.key);
    expect(missing).toEqual([]);
    const publicRoutes = routes.filter((r) => r.rule?.kind === 'public').map((r) => r.key);
    expect(publicRoutes.filter((k) => !PUBLIC_ROUTES.has(k))).toEqual([]);
  });

  it('refuses anonymous calls to every non-public route', async () => {
    const refused: string[] = [];
    for (const r of listRoutes(t).filter((r) => r.rule?.kind !== 'public')) {
      const path = r.path
        .replace(/:slug/g, 'some-project')
        .replace(/:[A-Za-z]+/g, '00000000-0000-0000-0000-000000000000');
      const res = await fetch(t.url + path, {
        method: r.method,
        headers: { 'content-type': 'application/json' },
        body: r.method === 'GET' ? undefined : '{}',
      });
      if (res.status !== 401) refused.push(`${r.key} -> ${res.status}`);
    }
    expect(refused).toEqual([]);
  });
});

describe('cross-site requests and body types, on every state-changing route', () => {
  /** The route's media types: application/json unless it reads its own stream. */
  const STREAM_ROUTES: Record<string, string> = {
    'POST /api/v1/projects/:slug/artifacts/tarball': 'application/gzip',
  };
  let adminCookie: string;
  let slug: string;
  let origin: string;

  beforeAll(async () => {
    origin = t.config.WHARF_PUBLIC_URL;
    slug = (await createProject(t)).slug;
    adminCookie = await signIn();
  });

  async function signIn(): Promise<string> {
    const res = await fetch(`${t.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify(TEST_ADMIN),
    });
    expect(res.status).toBe(200);
    return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  }

  function stateChanging(): RouteInfo[] {
    return listRoutes(t).filter((r) => r.method !== 'GET');
  }

  /** As the signed-in admin, so that only the policy can be the reason for a refusal. */
  async function call(
    r: RouteInfo,
    headers: Record<string, string>,
    body: string | Uint8Array | undefined,
    cookie = adminCookie,
  ): Promise<{ status: number; message: string }> {
    const path = r.path
      .replace(/:slug/g, slug)
      .replace(/:version/g, '9.9.9')
      .replace(/:name/g, 'NO_SUCH_VARIABLE')
      .replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');
    const query = r.key in STREAM_ROUTES ? '?version=9.9.9' : '';
    const res = await fetch(t.url + path + query, { method: r.method, headers: { cookie, ...headers }, body });
    const text = await res.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      /* not JSON */
    }
    return { status: res.status, message };
  }

  function json(r: RouteInfo): Record<string, string> {
    return { 'content-type': STREAM_ROUTES[r.key] ?? 'application/json' };
  }

  it('finds the state-changing routes, including the stream upload', () => {
    const keys = stateChanging().map((r) => r.key);
    expect(keys.length).toBeGreaterThan(10);
    for (const key of Object.keys(STREAM_ROUTES)) expect(keys).toContain(key);
  });

  it('refuses a foreign Origin with 403 on every one', async () => {
    const port = new URL(origin).port;
    const foreign = [
      'http://evil.example',
      // Same host, another port: same-site, so a SameSite=Lax cookie would be sent.
      `http://127.0.0.1:${Number(port) + 1}`,
      `https://127.0.0.1:${port}`,
      'null',
    ];
    const wrong: string[] = [];
    for (const r of stateChanging()) {
      for (const o of foreign) {
        const res = await call(r, { ...json(r), origin: o }, r.key in STREAM_ROUTES ? undefined : '{}');
        if (res.status !== 403 || !/^cross-site request refused/.test(res.message))
          wrong.push(`${r.key} Origin ${o} -> ${res.status} ${res.message}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('refuses Sec-Fetch-Site cross-site and same-site with 403 on every one', async () => {
    const wrong: string[] = [];
    for (const r of stateChanging()) {
      for (const site of ['cross-site', 'same-site']) {
        const res = await call(r, { ...json(r), 'sec-fetch-site': site }, r.key in STREAM_ROUTES ? undefined : '{}');
        if (res.status !== 403 || !res.message.includes(`Sec-Fetch-Site: ${site}`))
          wrong.push(`${r.key} ${site} -> ${res.status} ${res.message}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('refuses text/plain, form, multipart and missing Content-Types with 415 on every one, even from its own origin', async () => {
    const bodies: [string, Record<string, string>, string | Uint8Array][] = [
      ['text/plain', { 'content-type': 'text/plain;charset=UTF-8' }, '{"confirm":"x"}'],
      ['form', { 'content-type': 'application/x-www-form-urlencoded' }, 'confirm=x'],
      ['multipart', { 'content-type': 'multipart/form-data; boundary=b' }, '--b\r\n\r\nx\r\n--b--\r\n'],
      // fetch() sends a byte body without any Content-Type, cross-site and without a preflight.
      ['none', {}, new TextEncoder().encode('{}')],
      ['none, no body', {}, new Uint8Array(0)],
    ];
    const wrong: string[] = [];
    for (const r of stateChanging()) {
      const expected = STREAM_ROUTES[r.key] ?? 'application/json';
      for (const [label, headers, body] of bodies) {
        const res = await call(r, { ...headers, origin, 'sec-fetch-site': 'same-origin' }, body);
        if (res.status !== 415 || !res.message.startsWith(`Content-Type must be ${expected}`))
          wrong.push(`${r.key} ${label} -> ${res.status} ${res.message}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('lets its own pages (right Origin, same-origin, the right type) and non-browser clients reach every handler', async () => {
    const reached: string[] = [];
    const wrong: string[] = [];
    const routes = stateChanging();
    // Signing out ends the session the other calls use: last, with a session of its own.
    const last = routes.filter((r) => r.key === 'POST /api/v1/auth/logout');
    for (const r of [...routes.filter((x) => !last.includes(x)), ...last]) {
      const cookie = last.includes(r) ? await signIn() : adminCookie;
      const body = r.key in STREAM_ROUTES ? new Uint8Array(0) : '{}';
      for (const browser of [true, false]) {
        const headers = browser ? { ...json(r), origin, 'sec-fetch-site': 'same-origin' } : json(r);
        const res = await call(r, headers, body, cookie);
        // Whatever the handler says (400 for the empty body, 404 for the made-up ids, 2xx),
        // it must not be the policy, the guard or a crash that answered. (A public route that
        // checks its own credentials, like a webhook, may answer 401 itself.)
        const refusals = r.rule?.kind === 'public' ? [403, 415] : [401, 403, 415];
        if (refusals.includes(res.status) || res.status >= 500) {
          wrong.push(`${r.key} ${browser ? 'browser' : 'cli'} -> ${res.status} ${res.message}`);
        } else if (browser) reached.push(r.key);
        if (last.includes(r)) break; // one sign-out per session
      }
    }
    expect(wrong).toEqual([]);
    expect(reached.length).toBe(routes.length);
  });

  it('documents the accepted body type of every state-changing operation in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${t.url}/api/docs-json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content?: Record<string, unknown> } }>>;
    };
    const wrong: string[] = [];
    for (const r of stateChanging()) {
      const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
      const op = doc.paths[path]?.[r.method.toLowerCase()];
      const types = Object.keys(op?.requestBody?.content ?? {});
      const expected = STREAM_ROUTES[r.key] ?? 'application/json';
      if (!types.includes(expected)) wrong.push(`${r.key}: ${types.join(', ') || 'no request body'}`);
    }
    expect(wrong).toEqual([]);
  });

  it('accepts the other loopback spellings of a loopback public address', async () => {
    const port = new URL(origin).port;
    for (const o of [`http://localhost:${port}`, `http://[::1]:${port}`, `http://127.0.0.1:${port}`]) {
      const res = await fetch(`${t.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: o, 'sec-fetch-site': 'same-origin' },
        body: JSON.stringify({ email: TEST_ADMIN.email, password: 'not-the-password-1' }),
      });
      expect(res.status, o).toBe(401);
    }
  });

  it('leaves safe methods alone: a cross-site GET is answered (CORS keeps its body from the page)', async () => {
    const res = await fetch(`${t.url}/api/v1/auth/me`, {
      headers: { cookie: adminCookie, origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
