// Authorization across projects, on every documented project route: a maintainer (signed in)
// and a CI token of project A put project B's ids (environments, targets, credentials,
// deployments, notifications, freeze windows, auto-deploy rules, webhook deliveries, tokens,
// members, versions, variable names) into the path, the query or the body of requests under
// A's slug. No such request may succeed, no answer may carry B's data, and afterwards
// everything an administrator reads of B is exactly as before. New routes and new id fields
// are covered as soon as they are in the OpenAPI document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createToken, createUser, tarGz, type UserFixture } from './fixtures.js';
import { gitlabHeaders, pushPayload, randomSha, sendHook } from './fixtures/gitlab/gitlab-fixtures.js';
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

interface Seed {
  slug: string;
  projectId: string;
  /** Names unique to this project: none may appear in an answer to the other project's users. */
  markers: string[];
  /** Path parameter values, by the path segment before the parameter. */
  path: Record<string, string>;
  /** Body and query values by field name. */
  fields: Record<string, unknown>;
  member: UserFixture;
  /** Write-only values: no answer to anyone may hold them. */
  secrets: string[];
}

let t: TestApp;
let admin: TestClient;
let doc: OpenApiDocument;
let A: Seed;
let B: Seed;
let maintainerA: TestClient;
let tokenA: TestClient;

function ok<T = any>(res: { status: number; body: T }, what: string): T {
  if (res.status >= 300) throw new Error(`${what} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function seed(tag: string, version: string): Promise<Seed> {
  const slug = `xp-${tag}`;
  const m = (s: string) => `${s}-${tag}-mark`;
  const base = `/api/v1/projects/${slug}`;
  const project = ok(await admin.post('/api/v1/projects', { slug, name: m('project') }), 'project');
  const env = ok(await admin.post(`${base}/environments`, { name: m('env') }), 'environment');
  const env2 = ok(await admin.post(`${base}/environments`, { name: m('env2') }), 'environment 2');
  const cred = ok(
    await admin.post(`${base}/credentials`, { name: m('cred'), kind: 'token', value: m('credential-secret') }),
    'credential',
  );
  const target = ok(
    await admin.post(`${base}/environments/${env.id}/targets`, {
      kind: 'ssh',
      name: m('target'),
      config: { host: '127.0.0.1', port: 1, user: 'deploy', baseDir: '/srv/xp', appName: 'app' },
    }),
    'target',
  );
  const envVar = `VAR_${tag.toUpperCase()}`;
  ok(
    await admin.put(`${base}/environments/${env.id}/variables`, {
      name: envVar,
      value: m('env-var-value'),
      secret: true,
    }),
    'var',
  );
  ok(
    await admin.put(`${base}/targets/${target.id}/variables`, {
      name: envVar,
      value: m('target-var-value'),
      secret: true,
    }),
    'target variable',
  );
  const tarball = await tarGz([{ name: 'package.json', body: '{"name":"app"}' }]);
  ok(
    await admin.request('POST', `${base}/artifacts/tarball?version=${version}`, tarball, {
      'content-type': 'application/gzip',
    }),
    'artifact',
  );
  const deployment = ok(await admin.post(`${base}/deployments`, { environmentId: env.id, version }), 'deployment');
  const notification = ok(
    await admin.post(`${base}/notifications`, {
      name: m('notification'),
      channel: 'webhook',
      url: `https://93.184.215.14/${m('url')}`,
      secret: m('signing-secret'),
      events: ['succeeded'],
      environmentId: env.id,
    }),
    'notification',
  );
  const window = ok(
    await admin.post(`${base}/freeze-windows`, {
      kind: 'weekly',
      environmentId: env2.id,
      reason: m('freeze'),
      timeZone: 'UTC',
      startDay: 5,
      startTime: '18:00',
      endDay: 1,
      endTime: '09:00',
    }),
    'freeze window',
  );
  const rule = ok(
    await admin.post(`${base}/environments/${env2.id}/auto-deploy-rules`, { refType: 'branch', pattern: 'main' }),
    'auto-deploy rule',
  );
  const webhook = ok(await admin.post(`${base}/webhook/token`), 'webhook token');
  const hook = await sendHook(
    t.url,
    slug,
    pushPayload({ branch: 'main', sha: randomSha() }),
    gitlabHeaders({ event: 'Push Hook', token: webhook.token }),
  );
  if (hook.status >= 300) throw new Error(`hook failed: ${hook.status}`);
  const deliveries = ok(await admin.get(`${base}/webhook/deliveries`), 'deliveries');
  const token = ok(await admin.post(`${base}/tokens`, { name: m('token') }), 'token');
  const member = await createUser(t, `${m('member')}@test.local`);
  await addMember(t, member.id, project.id, 'deployer');
  ok(
    await admin.put(`${base}/environments/${env2.id}/approval-rule`, {
      approvalsRequired: 1,
      approverUserIds: [member.id],
    }),
    'approval rule',
  );
  return {
    slug,
    projectId: project.id,
    markers: [
      m('project'),
      m('env'),
      m('cred'),
      m('credential-secret'),
      m('target'),
      m('env-var-value'),
      m('target-var-value'),
      m('notification'),
      m('url'),
      m('signing-secret'),
      m('freeze'),
      m('token'),
      m('member'),
      webhook.token as string,
      token.token as string,
      project.id,
    ],
    path: {
      envId: env.id,
      targetId: target.id,
      'credentials/{id}': cred.id,
      'tokens/{id}': token.id,
      'deployments/{id}': deployment.id,
      'notifications/{id}': notification.id,
      'freeze-windows/{windowId}': window.id,
      'auto-deploy-rules/{ruleId}': rule.id,
      'deliveries/{id}': deliveries.items[0].id,
      'artifacts/{version}': version,
      'variables/{name}': envVar,
      userId: member.id,
    },
    fields: {
      environmentId: env.id,
      promoteFromEnvironmentId: env2.id,
      credentialId: cred.id,
      approverUserIds: [member.id],
      environmentIds: [env.id],
      version,
      from: version,
    },
    member,
    secrets: [
      m('credential-secret'),
      m('env-var-value'),
      m('target-var-value'),
      m('url'),
      m('signing-secret'),
      webhook.token as string,
      token.token as string,
    ],
  };
}

function paramValue(s: Seed, segments: string[], i: number, name: string): string | undefined {
  if (name === 'slug') return s.slug;
  return s.path[`${segments[i - 1]}/{${name}}`] ?? s.path[name];
}

/** The path with A's slug and A's values, except `swap` which takes B's value. */
function fillPath(o: Operation, swap?: string): string {
  const segments = o.path.split('/');
  return segments
    .map((seg, i) => {
      const m = /^\{(.+)\}$/.exec(seg);
      if (!m) return seg;
      const from = m[1] === swap ? B : A;
      return encodeURIComponent(paramValue(from, segments, i, m[1]!) ?? 'unknown');
    })
    .join('/');
}

function sampleCtx(s: Seed): SampleContext {
  return {
    byName: {
      ...s.fields,
      timeZone: 'UTC',
      startDay: 5,
      startTime: '18:00',
      endDay: 1,
      endTime: '09:00',
      url: 'https://93.184.215.14/xp',
      channel: 'webhook',
    },
    counter: { n: 0 },
  };
}

function query(o: Operation, s: Seed, only?: string): string {
  const q = new URLSearchParams();
  for (const p of o.op.parameters ?? []) {
    if (p.in !== 'query') continue;
    if (p.name === only) q.set(p.name, String(sample(p.schema ?? {}, p.name, sampleCtx(B))));
    else if (p.required) q.set(p.name, String(sample(p.schema ?? {}, p.name, sampleCtx(s))));
  }
  const text = q.toString();
  return text ? `?${text}` : '';
}

function bodyOf(o: Operation, s: Seed): unknown {
  const schema = o.op.requestBody?.content['application/json']?.schema;
  return schema ? sample(schema, '', sampleCtx(s)) : undefined;
}

interface Probe {
  label: string;
  method: string;
  url: string;
  body?: unknown;
  /** A GET whose B value is a filter: an empty answer is fine, B's data is not. */
  filterOnly?: boolean;
}

const isProjectRoute = (o: Operation) => o.path.startsWith('/api/v1/projects/{slug}');
const STREAM = (o: Operation) => Object.keys(o.op.requestBody?.content ?? {}).some((c) => c !== 'application/json');

function probes(o: Operation): Probe[] {
  const out: Probe[] = [];
  const pathParams = (o.op.parameters ?? []).filter((p) => p.in === 'path' && p.name !== 'slug');
  for (const p of pathParams) {
    out.push({
      label: `path ${p.name}`,
      method: o.method,
      url: fillPath(o, p.name) + query(o, A),
      body: bodyOf(o, A),
    });
  }
  for (const p of (o.op.parameters ?? []).filter((p) => p.in === 'query' && p.name in B.fields)) {
    out.push({
      label: `query ${p.name}`,
      method: o.method,
      url: fillPath(o) + query(o, A, p.name),
      filterOnly: o.method === 'GET',
    });
  }
  const schema = o.op.requestBody?.content['application/json']?.schema;
  if (schema) {
    for (const f of fieldPaths(schema)) {
      const name = f.keys[f.keys.length - 1]!;
      if (!(name in B.fields) || name === 'version' || name === 'from') continue;
      out.push({
        label: `body ${f.name}`,
        method: o.method,
        url: fillPath(o) + query(o, A),
        body: withField(bodyOf(o, A), f.keys, B.fields[name]),
      });
    }
  }
  return out;
}

/** Everything an administrator reads of B through the documented GET routes. */
async function snapshotB(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const o of operations(doc).filter((op) => op.method === 'GET' && isProjectRoute(op))) {
    const segments = o.path.split('/');
    const url = segments
      .map((seg, i) => {
        const m = /^\{(.+)\}$/.exec(seg);
        return m ? encodeURIComponent(paramValue(B, segments, i, m[1]!) ?? 'unknown') : seg;
      })
      .join('/');
    const res = await admin.get(url + query(o, B));
    // Freeze windows' `status` and metric buckets depend on the clock, not on the data.
    out[o.key] =
      `${res.status} ${JSON.stringify(res.body, (k, v) => (k === 'status' || k === 'series' || k === 'from' || k === 'to' ? undefined : v))}`;
  }
  return out;
}

beforeAll(async () => {
  t = await startTestApp();
  admin = new TestClient(t.url);
  await admin.login(TEST_ADMIN.email, TEST_ADMIN.password);
  doc = (await admin.get<OpenApiDocument>('/api/docs-json')).body;
  A = await seed('a', '1.0.0');
  B = await seed('b', '2.0.0');
  const m = await createUser(t);
  await addMember(t, m.id, A.projectId, 'maintainer');
  maintainerA = new TestClient(t.url);
  await maintainerA.login(m.email, m.password);
  tokenA = new TestClient(t.url, (await createToken(t, A.projectId)).token);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe("project A's maintainer and CI token, with project B's ids", () => {
  it('walks every project route (sanity check of the walk itself)', () => {
    const ops = operations(doc).filter(isProjectRoute);
    const all = ops.flatMap(probes);
    expect(ops.length).toBeGreaterThan(60);
    expect(all.length).toBeGreaterThan(70);
    for (const label of ['path envId', 'path targetId', 'path id', 'body environmentId', 'body credentialId'])
      expect(all.map((p) => p.label)).toContain(label);
  });

  it('never succeed, never see B’s data, and leave B unchanged', async () => {
    const before = await snapshotB();
    const wrong: string[] = [];
    let sent = 0;
    // Deletions last, so that a wrong one cannot hide what the others would have done.
    const ops = operations(doc)
      .filter((o) => isProjectRoute(o) && !STREAM(o))
      .sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
    for (const o of ops) {
      for (const p of probes(o)) {
        for (const [who, client] of [
          ['maintainer', maintainerA],
          ['token', tokenA],
        ] as const) {
          const res = await client.request(p.method, p.url, p.body);
          sent++;
          const text = JSON.stringify(res.body) ?? '';
          const leaked = B.markers.filter((mk) => text.includes(mk));
          const succeeded = res.status < 400 && !p.filterOnly;
          if (succeeded || leaked.length || res.status >= 500)
            wrong.push(`${who} ${o.key} ${p.label} -> ${res.status} ${leaked.join(',')} ${text.slice(0, 200)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(sent).toBeGreaterThan(140);
    expect(await snapshotB()).toEqual(before);
  }, 300_000);
});

describe('write-only secrets', () => {
  it('appear in no answer to an administrator: project and global reads, lists, CSV exports, audit', async () => {
    const answers = await snapshotB();
    for (const o of operations(doc).filter((op) => op.method === 'GET' && !isProjectRoute(op))) {
      if (o.path.includes('{')) continue;
      const res = await admin.get(o.path + query(o, B));
      answers[o.key] = `${res.status} ${JSON.stringify(res.body)}`;
    }
    const leaks: string[] = [];
    for (const [key, text] of Object.entries(answers)) {
      for (const s of B.secrets) if (text.includes(s)) leaks.push(`${key} holds ${s}`);
    }
    expect(Object.keys(answers).length).toBeGreaterThan(30);
    expect(leaks).toEqual([]);
  });
});
