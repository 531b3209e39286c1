// Every registered route must declare an access rule; only an explicit list may be public.
// Anonymous calls to every non-public route must be refused.
import { RequestMethod } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_KEY, type AccessRule } from '../src/auth/access.decorators.js';
import { startTestApp, type TestApp } from './test-env.js';

const PUBLIC_ROUTES = new Set(['GET /api/health', 'POST /api/v1/auth/login', 'GET /cli/wharf.mjs']);
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
