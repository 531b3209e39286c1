// REST fallback for logs: pages after a seq, and the full log as text/plain.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  createDeployment,
  createFixture,
  expectDense,
  fetchAs,
  signedInUser,
  testLogSink,
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
  const sink = await testLogSink(t, redis, deploymentId, { secrets: ['s3cr3t-value'] }).open();
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

  it('opens at the tail and pages backwards to the first line', async () => {
    const base = logsPath(f.slug, deploymentId);
    const tail = (await (await fetchAs(t, viewer, `${base}?before=end&limit=1000`)).json()) as { seq: number }[];
    expect(expectDense(tail as never, N - 999, N)).toBeNull();
    const all = [...tail];
    for (let before = tail[0]!.seq; before > 1;) {
      const res = await fetchAs(t, viewer, `${base}?before=${before}&limit=5000`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as { seq: number }[];
      expect(page.at(-1)!.seq).toBe(before - 1);
      all.unshift(...page);
      before = page[0]!.seq;
    }
    expect(expectDense(all as never, 1, N)).toBeNull();
    // Bounded on both sides: afterSeq < seq < before.
    const mid = (await (await fetchAs(t, viewer, `${base}?afterSeq=100&before=200&limit=10`)).json()) as {
      seq: number;
    }[];
    expect(mid.map((l) => l.seq)).toEqual([190, 191, 192, 193, 194, 195, 196, 197, 198, 199]);
    expect((await fetchAs(t, viewer, `${base}?before=0`)).status).toBe(400);
    const bad = await fetchAs(t, viewer, `${base}?before=last`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/before/);
  });

  it('searches the stored log on the server, case-insensitively and literally, with paging', async () => {
    const base = `${logsPath(f.slug, deploymentId)}/search`;
    type Result = { lines: { seq: number; text: string; at: string }[]; nextAfterSeq: number | null };
    // "out 1234" matches out 1234 and out 12340..12344 (N = 12,345).
    const first = (await (await fetchAs(t, viewer, `${base}?q=OUT%201234&limit=4`)).json()) as Result;
    expect(first.lines.map((l) => l.seq)).toEqual([1234, 12340, 12341, 12342]);
    expect(first.lines[0]!.at).toMatch(/Z$/);
    expect(first.nextAfterSeq).toBe(12342);
    const second = (await (
      await fetchAs(t, viewer, `${base}?q=out%201234&limit=4&afterSeq=${first.nextAfterSeq}`)
    ).json()) as Result;
    expect(second.lines.map((l) => l.seq)).toEqual([12343, 12344]);
    expect(second.nextAfterSeq).toBeNull();
    // % and _ are taken literally, and secrets stay masked in what search returns.
    expect(((await (await fetchAs(t, viewer, `${base}?q=%25`)).json()) as Result).lines).toEqual([]);
    expect(((await (await fetchAs(t, viewer, `${base}?q=s3cr3t`)).json()) as Result).lines).toEqual([]);
    const masked = (await (await fetchAs(t, viewer, `${base}?q=token%3D`)).json()) as Result;
    expect(masked.lines.map((l) => l.text)).toEqual(['token=******']);
    const empty = await fetchAs(t, viewer, `${base}?q=%20`);
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { message: string }).message).toMatch(/q/);
    expect((await fetchAs(t, outsider, `${base}?q=out`)).status).toBe(404);
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
