// Postgres unreachable (a restart, a failover): every API route answers 503 "try again"
// rather than a 500 (the CLI download, which needs no database, keeps working), walked over
// the whole OpenAPI document; all is well once it is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from './http-client.js';
import { startTcpProxy, throughPort, type TcpProxy } from './fault-tools.js';
import { startTestApp, TEST_ADMIN, type TestApp } from './test-env.js';

const UNAVAILABLE = {
  statusCode: 503,
  error: 'Service Unavailable',
  message: 'the database is unavailable; try again shortly',
};
/** Served without the database: they keep working through the outage. */
const NO_DATABASE = new Set(['/cli/wharf.mjs']);
const SAMPLE_PARAMS: Record<string, string> = { slug: 'no-such-project', version: '1.0.0' };

let t: TestApp;
let proxy: TcpProxy;
const pgTarget = { host: '127.0.0.1', port: 5432 };

beforeAll(async () => {
  proxy = await startTcpProxy(pgTarget);
  t = await startTestApp({}, { databaseUrl: (url) => throughPort(url, proxy.port) });
});

afterAll(async () => {
  await proxy?.up();
  await t?.close();
  await proxy?.close();
});

/** Every GET path of the API, with sample values for its parameters. */
async function getRoutes(client: TestClient): Promise<string[]> {
  const doc = (await client.get<{ paths: Record<string, Record<string, unknown>> }>('/api/docs-json')).body;
  return Object.entries(doc.paths)
    .filter(([, ops]) => 'get' in ops)
    .map(([path]) =>
      path.replace(/\{(\w+)\}/g, (_, name: string) => SAMPLE_PARAMS[name] ?? '00000000-0000-4000-8000-000000000000'),
    );
}

describe('database unavailable', () => {
  it('every route that needs the database answers 503 while it is away, and works again after', async () => {
    const admin = new TestClient(t.url);
    await admin.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const routes = await getRoutes(admin);
    expect(routes.length).toBeGreaterThan(20);
    for (const path of NO_DATABASE) expect(routes).toContain(path);

    await proxy.down();
    try {
      const answers: string[] = [];
      for (const path of routes) {
        const res = await admin.get(path);
        if (NO_DATABASE.has(path)) {
          if (res.status !== 200) answers.push(`GET ${path} -> ${res.status}`);
        } else if (path === '/api/health') {
          // Health reports the outage in its own words (also a 503).
          expect(res.status).toBe(503);
          expect(res.body).toMatchObject({ status: 'degraded', database: 'down' });
        } else if (res.status !== 503 || JSON.stringify(res.body) !== JSON.stringify(UNAVAILABLE)) {
          answers.push(`GET ${path} -> ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`);
        }
      }
      const login = await new TestClient(t.url).post('/api/v1/auth/login', TEST_ADMIN);
      if (login.status !== 503) answers.push(`POST /api/v1/auth/login -> ${login.status}`);
      const create = await admin.post('/api/v1/projects', { slug: 'while-down', name: 'x' });
      if (create.status !== 503) answers.push(`POST /api/v1/projects -> ${create.status}`);
      expect(answers).toEqual([]);
    } finally {
      await proxy.up();
    }

    expect((await admin.get('/api/v1/projects')).status).toBe(200);
    expect((await admin.post('/api/v1/projects', { slug: 'after-outage', name: 'x' })).status).toBe(201);
  });
});
