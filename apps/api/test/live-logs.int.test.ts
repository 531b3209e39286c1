// REST fallback for logs: pages after a seq, and the full log as text/plain.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogSink } from '../src/live/log-sink.js';
import { PrismaService } from '../src/prisma/prisma.service.js';
import {
  addMember,
  createDeployment,
  createFixture,
  expectDense,
  fetchAs,
  signedInUser,
  type Fixture,
} from './live-helpers.js';
import { startTestApp, type TestApp } from './test-env.js';

let t: TestApp;
let f: Fixture;
let other: Fixture;
let redis: Redis;
let viewer: string;
let outsider: string;
let deploymentId: string;
const N = 12_345;

beforeAll(async () => {
  t = await startTestApp();
  f = await createFixture(t);
  other = await createFixture(t);
  redis = new Redis(t.config.REDIS_URL);
  const v = await signedInUser(t);
  await addMember(t, v.userId, f.projectId, 'viewer');
  viewer = v.cookie;
  const o = await signedInUser(t);
  await addMember(t, o.userId, other.projectId, 'maintainer');
  outsider = o.cookie;

  deploymentId = await createDeployment(t, f);
  const sink = await new LogSink({
    deploymentId,
    prisma: t.app.get(PrismaService),
    redis,
    prefix: t.config.WHARF_REDIS_PREFIX,
    maxBytes: 50 * 1024 * 1024,
    secrets: ['s3cr3t-value'],
  }).open();
  sink.write({ targetId: null, stream: 'system', text: 'Releasing 1.0.0' });
  for (let i = 2; i < N; i++)
    sink.write({ targetId: f.targetId, stream: i % 2 ? 'stderr' : 'stdout', text: `out ${i}` });
  sink.write({ targetId: f.targetId, stream: 'stdout', text: 'token=s3cr3t-value' });
  await sink.close();
});

afterAll(async () => {
  redis?.disconnect();
  await t?.close();
});

const logsPath = (slug: string, id: string) => `/api/v1/projects/${slug}/deployments/${id}/logs`;

describe('log routes', () => {
  it('pages lines after a seq', async () => {
    const res = await fetchAs(t, viewer, `${logsPath(f.slug, deploymentId)}?afterSeq=10&limit=5`);
    expect(res.status).toBe(200);
    const lines = (await res.json()) as { seq: number; at: string }[];
    expect(expectDense(lines as never, 11, 15)).toBeNull();
    expect(lines[0]).toEqual({
      seq: 11,
      targetId: f.targetId,
      stream: 'stderr',
      at: expect.stringMatching(/Z$/),
      text: 'out 11',
    });

    const all = [];
    for (let after = 0; ;) {
      const page = (await (
        await fetchAs(t, viewer, `${logsPath(f.slug, deploymentId)}?afterSeq=${after}&limit=10000`)
      ).json()) as { seq: number }[];
      if (page.length === 0) break;
      all.push(...page);
      after = page.at(-1)!.seq;
    }
    expect(expectDense(all as never, 1, N)).toBeNull();
  });

  it('validates the query', async () => {
    const res = await fetchAs(t, viewer, `${logsPath(f.slug, deploymentId)}?limit=0`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/limit/);
    expect((await fetchAs(t, viewer, logsPath(f.slug, 'nope'))).status).toBe(400);
  });

  it('downloads the whole log as text with time, target and stream', async () => {
    const res = await fetchAs(t, viewer, `${logsPath(f.slug, deploymentId)}/download`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="deployment-${deploymentId}.log"`);
    const lines = (await res.text()).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(N);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[-\] system: Releasing 1\.0\.0$/);
    expect(lines[1]).toMatch(/Z \[web-1\] stdout: out 2$/);
    expect(lines[2]).toMatch(/Z \[web-1\] stderr: out 3$/);
    expect(lines[N - 1]).toMatch(/Z \[web-1\] stdout: token=\*\*\*\*\*\*$/);
  });

  it('answers 404 to non-members and for a deployment of another project', async () => {
    expect((await fetchAs(t, outsider, logsPath(f.slug, deploymentId))).status).toBe(404);
    expect((await fetchAs(t, outsider, `${logsPath(f.slug, deploymentId)}/download`)).status).toBe(404);
    // The outsider's own project does not reach a foreign deployment by id.
    expect((await fetchAs(t, outsider, logsPath(other.slug, deploymentId))).status).toBe(404);
    expect((await fetchAs(t, outsider, `${logsPath(other.slug, deploymentId)}/download`)).status).toBe(404);
    expect((await fetch(t.url + logsPath(f.slug, deploymentId))).status).toBe(401);
  });
});
