// Walks the OpenAPI document and sends hostile values to every path parameter, query
// parameter and body field of every operation, signed in as an administrator with real
// fixtures behind the ids so the handlers really run. No answer may be a 5xx, and text the
// API cannot store (NUL, unpaired UTF-16 surrogates) must get a 400 naming the field.
// New routes are covered as soon as they are in the document.
import { startSshHosts, type TestHosts } from '@wharf/test-hosts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, createUser, addMember, tarGz } from './fixtures.js';
import { TestClient } from './http-client.js';
import {
  fieldPaths,
  operations,
  sample,
  withField,
  type OpenApiDocument,
  type Operation,
  type SampleContext,
} from './openapi-samples.js';
import { startTestApp, TEST_ADMIN, type TestApp } from './test-env.js';

/** Values that must be refused with a 400 naming the field wherever text is read. */
const UNSTORABLE_TEXT = ['fuzz\u0000value', 'fuzz\ud800value'];

function deepArray(depth: number): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/** Wrong types, out-of-range numbers and odd shapes: any 4xx is fine, a 5xx is not. */
const HOSTILE_JSON: unknown[] = [
  'x'.repeat(100_000),
  -1,
  2 ** 31,
  1e308,
  true,
  null,
  { nested: { deeper: ['x'] } },
  deepArray(40),
];

/** Raw (already URL-encoded) path segments. */
const HOSTILE_PATH = [
  'fuzz%00',
  '%ED%A0%80',
  '%E0%A4%A',
  'x'.repeat(4000),
  '99999999999999999999',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '..%2F..%2Fetc',
  '%20',
];

/** Raw (already URL-encoded) query values. */
const HOSTILE_QUERY = [
  '',
  'a%00b',
  '%ED%A0%80',
  '%',
  'x'.repeat(4000),
  '-1',
  '1e400',
  '2147483648',
  '9223372036854775808',
  Buffer.from('2020-01-01T00:00:00.000Z|not-a-uuid').toString('base64url'),
  Buffer.from('-271821-04-20T00:00:00.000Z|00000000-0000-4000-8000-000000000000').toString('base64url'),
  Buffer.from('\u0000|\u0000').toString('base64url'),
];

interface Outcome {
  status: number;
  body: any;
}

let t: TestApp;
let hosts: TestHosts;
let admin: TestClient;
let doc: OpenApiDocument;
const ctx: SampleContext = { byName: {}, counter: { n: 0 } };
/** Fixture id for a path parameter, by the path segment before it (or its own name). */
const pathValues: Record<string, string> = {};

function isUnstorable(v: unknown): boolean {
  return typeof v === 'string' && UNSTORABLE_TEXT.includes(v);
}

const isAuthRefusal = (status: number) => status === 401 || status === 403;

/**
 * A 400 whose issues name the field; or, on a route that refuses even the valid baseline
 * request for want of a credential this test does not hold (a webhook token), that refusal.
 */
function refusedNamingField(res: Outcome, field: string, baselineStatus: number): boolean {
  if (isAuthRefusal(res.status) && isAuthRefusal(baselineStatus)) return true;
  const issues = (res.body?.issues ?? []) as { path: string }[];
  return res.status === 400 && issues.some((i) => i.path === field);
}

function fillPath(o: Operation, override?: { name: string; raw: string }): string {
  const segments = o.path.split('/');
  return segments
    .map((seg, i) => {
      const m = /^\{(.+)\}$/.exec(seg);
      if (!m) return seg;
      const name = m[1]!;
      if (override?.name === name) return override.raw;
      const value = pathValues[`${segments[i - 1]}/{${name}}`] ?? pathValues[name] ?? 'fuzz';
      return encodeURIComponent(value);
    })
    .join('/');
}

function jsonBodySchema(o: Operation) {
  return o.op.requestBody?.content['application/json']?.schema;
}

function binaryBody(o: Operation): string | undefined {
  const types = Object.keys(o.op.requestBody?.content ?? {});
  return types.find((ty) => ty !== 'application/json');
}

function baselineQuery(o: Operation): Record<string, string> {
  const q: Record<string, string> = {};
  for (const p of o.op.parameters ?? []) {
    if (p.in !== 'query' || !p.required) continue;
    q[p.name] = String(sample(p.schema ?? {}, p.name, ctx));
  }
  return q;
}

let tarball: Buffer;

interface SendOptions {
  path?: string;
  query?: string;
  body?: unknown;
  rawBody?: string;
}

async function send(o: Operation, opts: SendOptions = {}): Promise<Outcome> {
  const path = opts.path ?? fillPath(o);
  const query = opts.query ?? new URLSearchParams(baselineQuery(o)).toString();
  const url = `${path}${query ? `?${query}` : ''}`;
  const binary = binaryBody(o);
  if (binary) {
    return admin.request(o.method, url, tarball, { 'content-type': binary });
  }
  const schema = jsonBodySchema(o);
  const body = 'body' in opts ? opts.body : schema ? sample(schema, '', ctx) : undefined;
  const raw = opts.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
  if (raw === undefined) return admin.request(o.method, url);
  return admin.request(o.method, url, raw, { 'content-type': 'application/json' });
}

interface Probe {
  label: string;
  request: SendOptions;
  /** When set, the answer must be a 400 whose issues name this field. */
  field?: string;
}

/** Probes run in parallel per operation; a few at a time keeps the two CPU cores shared. */
const CONCURRENCY = 4;

async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function probesFor(o: Operation): Probe[] {
  const probes: Probe[] = [{ label: 'baseline', request: {} }];
  for (const p of (o.op.parameters ?? []).filter((p) => p.in === 'path')) {
    for (const raw of HOSTILE_PATH) {
      probes.push({
        label: `path ${p.name}=${raw.slice(0, 40)}`,
        request: { path: fillPath(o, { name: p.name, raw }) },
        field: raw.includes('%00') ? p.name : undefined,
      });
    }
  }
  for (const p of (o.op.parameters ?? []).filter((p) => p.in === 'query')) {
    const others = new URLSearchParams(baselineQuery(o));
    others.delete(p.name);
    const prefix = others.size ? `${others.toString()}&` : '';
    for (const raw of HOSTILE_QUERY) {
      probes.push({
        label: `query ${p.name}=${raw.slice(0, 40)}`,
        request: { query: `${prefix}${encodeURIComponent(p.name)}=${raw}` },
        field: raw.includes('%00') ? p.name : undefined,
      });
    }
    // Repeated and bracketed keys (arrays and objects in some query parsers).
    for (const shape of [`${p.name}=a&${p.name}=b`, `${p.name}[]=a`, `${p.name}[k]=a`]) {
      probes.push({ label: `query ${shape}`, request: { query: `${prefix}${shape}` } });
    }
  }
  const schema = jsonBodySchema(o);
  if (!schema) return probes;
  const base = sample(schema, '', ctx);
  for (const f of fieldPaths(schema)) {
    for (const value of [...UNSTORABLE_TEXT, ...HOSTILE_JSON]) {
      probes.push({
        label: `body ${f.name}=${JSON.stringify(value).slice(0, 40)}`,
        request: { body: withField(base, f.keys, value) },
        field: isUnstorable(value) ? f.name : undefined,
      });
    }
  }
  for (const whole of [null, [], 'x', 1, {}]) {
    probes.push({ label: `body ${JSON.stringify(whole)}`, request: { body: whole } });
  }
  const deep = 100_000; // still inside the 256 kB body limit
  probes.push({ label: `body nested ${deep} deep`, request: { rawBody: `${'['.repeat(deep)}${']'.repeat(deep)}` } });
  probes.push({ label: 'body with a NUL in a key', request: { body: { ...(base as object), 'k\u0000': 'v' } } });
  probes.push({ label: 'body not JSON', request: { rawBody: '{"a":' } });
  return probes;
}

/** Order that keeps fixtures alive: deletions after everything else, the project last. */
function runOrder(ops: Operation[]): Operation[] {
  const rank = (o: Operation) => {
    if (o.key === 'POST /api/v1/auth/logout') return 3;
    if (o.method === 'DELETE' && o.path === '/api/v1/projects/{slug}') return 2;
    return o.method === 'DELETE' ? 1 : 0;
  };
  return [...ops].sort((a, b) => rank(a) - rank(b));
}

beforeAll(async () => {
  t = await startTestApp();
  hosts = await startSshHosts({ count: 1, baseAddress: '127.0.0.90' });
  admin = new TestClient(t.url);
  await admin.login(TEST_ADMIN.email, TEST_ADMIN.password);
  doc = (await admin.get<OpenApiDocument>('/api/docs-json')).body;

  const slug = 'fuzz';
  const ok = <T>(res: { status: number; body: T }): T => {
    if (res.status >= 300) throw new Error(`fixture failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const project = ok(await admin.post<{ id: string }>('/api/v1/projects', { slug, name: 'Fuzz' }));
  const env = ok(await admin.post<{ id: string }>(`/api/v1/projects/${slug}/environments`, { name: 'qa' }));
  const cred = ok(
    await admin.post<{ id: string }>(`/api/v1/projects/${slug}/credentials`, {
      name: 'deploy-key',
      kind: 'ssh_key',
      value: hosts.clientPrivateKey,
    }),
  );
  const h = hosts.hosts[0]!;
  const target = ok(
    await admin.post<{ id: string }>(`/api/v1/projects/${slug}/environments/${env.id}/targets`, {
      kind: 'ssh',
      name: 'host-1',
      credentialId: cred.id,
      config: { host: h.address, port: h.port, user: 'root', baseDir: h.baseDir, appName: 'fuzz' },
    }),
  );
  ok(await admin.put(`/api/v1/projects/${slug}/environments/${env.id}/variables`, { name: 'FUZZ_VAR', value: 'v' }));
  const token = await createToken(t, project.id);
  const member = await createUser(t);
  await addMember(t, member.id, project.id, 'viewer');
  tarball = await tarGz([{ name: 'package.json', body: '{"name":"fuzz"}' }]);
  ok(
    await admin.request('POST', `/api/v1/projects/${slug}/artifacts/tarball?version=1.0.0`, tarball, {
      'content-type': 'application/gzip',
    }),
  );
  const deployment = ok(
    await admin.post<{ id: string }>(`/api/v1/projects/${slug}/deployments`, {
      environmentId: env.id,
      version: '1.0.0',
    }),
  );

  Object.assign(pathValues, {
    slug,
    envId: env.id,
    targetId: target.id,
    userId: member.id,
    'credentials/{id}': cred.id,
    'tokens/{id}': token.id,
    'deployments/{id}': deployment.id,
    'artifacts/{version}': '1.0.0',
    'variables/{name}': 'FUZZ_VAR',
    'users/{id}': member.id,
  });
  Object.assign(ctx.byName, {
    environmentId: env.id,
    credentialId: cred.id,
    email: member.email,
    version: '1.0.0',
    // Freeze windows: values the generator cannot derive from a pattern or a refinement.
    timeZone: 'Asia/Shanghai',
    startDay: 5,
    startTime: '18:00',
    endDay: 1,
    endTime: '09:00',
  });
}, 120_000);

afterAll(async () => {
  await hosts?.stop();
  await t?.close();
});

describe('hostile input on every documented operation', () => {
  it('the document lists the routes (sanity check of the walk itself)', () => {
    const keys = operations(doc).map((o) => o.key);
    expect(keys).toContain('POST /api/v1/projects/{slug}/credentials');
    expect(keys).toContain('GET /api/v1/projects/{slug}/deployments');
    expect(keys.length).toBeGreaterThan(40);
  });

  it('answers no 5xx to hostile values in the headers the API reads', async () => {
    const failures: string[] = [];
    const hostile: Record<string, string>[] = [
      { cookie: 'wharf_session=%00' },
      { cookie: `wharf_session=${'x'.repeat(4000)}` },
      { authorization: `Bearer wharf_${'x'.repeat(4000)}` },
      { authorization: 'Bearer wharf_\u00ff\u00fe' },
      { authorization: 'Basic Og==' },
      { 'x-content-length': '99999999999999999999999' },
      { 'x-forwarded-for': '999.999.999.999, ::ffff:nope' },
      { 'user-agent': '\u00ff'.repeat(8000) },
    ];
    // Reads only: this runs before the walk and must change nothing. Every access rule (public,
    // signed in, administrator, project member or CI token) has GET routes.
    for (const o of operations(doc).filter((op) => op.method === 'GET')) {
      const url = `${fillPath(o)}?${new URLSearchParams(baselineQuery(o)).toString()}`;
      await eachLimited(hostile, CONCURRENCY, async (headers) => {
        // Credentials replace the session; other headers go with the administrator's session.
        const res =
          'cookie' in headers || 'authorization' in headers
            ? await fetch(`${t.url}${url}`, {
                method: o.method,
                headers: { 'content-type': 'application/json', ...headers },
              })
            : await admin.request(o.method, url, undefined, { 'content-type': 'application/json', ...headers });
        if (res.status >= 500) failures.push(`${o.key} ${Object.keys(headers)[0]} -> ${res.status}`);
      });
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('refuses a malformed cursor on every paginated route with a 400 naming cursor', async () => {
    const paginated = operations(doc).filter((o) => (o.op.parameters ?? []).some((p) => p.name === 'cursor'));
    expect(paginated.length).toBeGreaterThanOrEqual(4);
    const malformed = [
      'garbage!',
      Buffer.from('2020-01-01T00:00:00.000Z|not-a-uuid').toString('base64url'),
      Buffer.from('-271821-04-20T00:00:00.000Z|00000000-0000-4000-8000-000000000000').toString('base64url'),
      '9223372036854775808',
      '-1',
    ];
    const wrong: string[] = [];
    for (const o of paginated) {
      for (const cursor of malformed) {
        const res = await send(o, { query: `cursor=${cursor}` });
        if (!refusedNamingField(res, 'cursor', 200)) wrong.push(`${o.key} cursor=${cursor} -> ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers no 5xx, and a 400 naming the field for text it cannot store', async () => {
    const failures: string[] = [];
    const succeeded: string[] = [];
    let requests = 0;
    for (const o of runOrder(operations(doc))) {
      // The baseline first (it may create what later probes touch), then the hostile probes.
      const [baseline, ...rest] = probesFor(o);
      const base = await send(o, baseline!.request);
      requests++;
      if (base.status >= 500) failures.push(`${o.key} baseline -> ${base.status}`);
      if (base.status < 300) succeeded.push(o.key);
      await eachLimited(rest, CONCURRENCY, async (p) => {
        const res = await send(o, p.request);
        requests++;
        if (res.status >= 500 || (p.field !== undefined && !refusedNamingField(res, p.field, base.status))) {
          failures.push(`${o.key} ${p.label} -> ${res.status} ${String(JSON.stringify(res.body)).slice(0, 200)}`);
        }
      });
    }
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(1000);
    // The walk is only worth something if the handlers ran: most valid requests succeed.
    expect(succeeded.length).toBeGreaterThan(operations(doc).length / 2);
  }, 300_000);
});
