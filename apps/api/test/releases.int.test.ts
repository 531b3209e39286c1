// Release review and log retention. Release records are seeded straight into Postgres (no real
// release is needed to read them back): every filter narrows to exactly the rows it should,
// approvers and override reasons show, admins list across projects and others get 403, the
// CSV export of 100,000 rows streams in bounded memory and holds what the JSON list holds,
// and the log sweep keeps or removes logs as each environment's retention says.
import { encodeTimeIdCursor, type ReleaseView } from '@wharf/shared';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../src/prisma/prisma.service.js';
import { LogRetention } from '../src/releases/log-retention.service.js';
import { createProject, createUser, memberClient, type ProjectFixture } from './fixtures.js';
import { TestClient } from './http-client.js';
import { startTestApp, TEST_ADMIN, type TestApp } from './test-env.js';

const DAY = 24 * 60 * 60 * 1000;
let t: TestApp;
let prisma: PrismaService;
let admin: TestClient;
let a: ProjectFixture;
let b: ProjectFixture;
const env: Record<string, string> = {};
const dep: Record<string, string> = {};

async function artifact(projectId: string, version: string, commitSha: string | null) {
  return prisma.artifact.create({ data: { projectId, version, kind: 'tarball', commitSha } });
}

beforeAll(async () => {
  t = await startTestApp();
  prisma = t.app.get(PrismaService);
  admin = new TestClient(t.url);
  await admin.login(TEST_ADMIN.email, TEST_ADMIN.password);
  a = await createProject(t, 'rel-a');
  b = await createProject(t, 'rel-b');
  for (const [key, projectId, name, prot] of [
    ['prod', a.id, 'prod', true],
    ['staging', a.id, 'staging', false],
    ['bProd', b.id, 'prod', false],
  ] as const) {
    env[key] = (await prisma.environment.create({ data: { projectId, name, protected: prot } })).id;
  }
  // Known commits c1 <- c2 <- c3: 1.0.0 is c1, 1.1.0 is c3 (recorded abbreviated, as CI may).
  const c = (n: number) => `${String(n).repeat(40)}`;
  for (const [sha, parentSha] of [
    [c(1), null],
    [c(2), c(1)],
    [c(3), c(2)],
  ] as const) {
    await prisma.commit.create({ data: { projectId: a.id, sha, parentSha, title: `commit ${sha.slice(0, 4)}` } });
  }
  const v100 = await artifact(a.id, '1.0.0', c(1));
  const v110 = await artifact(a.id, '1.1.0', c(3).slice(0, 8));
  const vb = await artifact(b.id, '2.0.0', null);
  const at = (iso: string, minutes = 0) => new Date(new Date(iso).getTime() + minutes * 60_000);
  const bob = await createUser(t, 'bob@test.local');
  const erin = await createUser(t, 'erin@test.local');
  const d1 = await prisma.deployment.create({
    data: {
      projectId: a.id,
      environmentId: env.prod!,
      artifactId: v110.id,
      previousArtifactId: v100.id,
      trigger: 'manual',
      state: 'succeeded',
      actorLabel: 'alice@test.local',
      promotionOverrideReason: 'hotfix for the outage',
      approvalsRequired: 1,
      createdAt: at('2026-11-01T10:00:00Z'),
      startedAt: at('2026-11-01T10:00:00Z', 5),
      finishedAt: at('2026-11-01T10:00:00Z', 7),
      approvals: {
        create: { userId: bob.id, userLabel: bob.email, decision: 'approved', comment: 'looks good' },
      },
    },
  });
  const d2 = await prisma.deployment.create({
    data: {
      projectId: a.id,
      environmentId: env.staging!,
      artifactId: v100.id,
      trigger: 'webhook',
      state: 'failed',
      actorLabel: 'webhook',
      error: 'health check timed out',
      createdAt: at('2026-11-05T10:00:00Z'),
      startedAt: at('2026-11-05T10:00:00Z'),
      finishedAt: at('2026-11-05T10:00:00Z', 1),
    },
  });
  const d3 = await prisma.deployment.create({
    data: {
      projectId: a.id,
      environmentId: env.prod!,
      artifactId: v100.id,
      previousArtifactId: v110.id,
      trigger: 'rollback',
      state: 'rejected',
      actorLabel: 'carol@test.local',
      freezeOverrideReason: 'incident during the freeze',
      createdAt: at('2026-11-10T10:00:00Z'),
      approvals: {
        create: { userId: erin.id, userLabel: erin.email, decision: 'rejected', comment: 'not now' },
      },
    },
  });
  const d4 = await prisma.deployment.create({
    data: {
      projectId: b.id,
      environmentId: env.bProd!,
      artifactId: vb.id,
      trigger: 'cli',
      state: 'succeeded',
      actorLabel: 'token:wharf_abc',
      createdAt: at('2026-11-07T10:00:00Z'),
    },
  });
  Object.assign(dep, { d1: d1.id, d2: d2.id, d3: d3.id, d4: d4.id });
}, 60_000);

afterAll(async () => {
  await t?.close();
});

/** A session cookie for raw fetches that read a response as a stream. */
async function adminCookie(): Promise<string> {
  const res = await fetch(`${t.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(TEST_ADMIN),
  });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

async function ids(client: TestClient, path: string): Promise<string[]> {
  const res = await client.get(path);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body.items as ReleaseView[]).map((r) => r.id);
}

describe('releases list', () => {
  it('shows each release with versions, commit range, requester, approvers, reasons and links', async () => {
    const res = await admin.get('/api/v1/projects/rel-a/releases');
    expect(res.status).toBe(200);
    const items = res.body.items as ReleaseView[];
    expect(items.map((r) => r.id)).toEqual([dep.d3, dep.d2, dep.d1]);
    const d1 = items.find((r) => r.id === dep.d1)!;
    expect(d1).toMatchObject({
      projectSlug: 'rel-a',
      environmentName: 'prod',
      fromVersion: '1.0.0',
      toVersion: '1.1.0',
      fromCommit: '1'.repeat(40),
      toCommit: '33333333',
      commitCount: 2,
      requester: 'alice@test.local',
      approvers: ['bob@test.local'],
      trigger: 'manual',
      state: 'succeeded',
      durationMs: 2 * 60_000,
      promotionOverrideReason: 'hotfix for the outage',
      freezeOverrideReason: null,
      deploymentPath: `/projects/rel-a/deployments/${dep.d1}`,
      logPath: `/api/v1/projects/rel-a/deployments/${dep.d1}/logs/download`,
    });
    expect(d1.approvals).toEqual([expect.objectContaining({ user: 'bob@test.local', comment: 'looks good' })]);
    const d3 = items.find((r) => r.id === dep.d3)!;
    // A rollback takes commits away; a rejection is a decision but not an approval.
    expect(d3).toMatchObject({ commitCount: -2, approvers: [], freezeOverrideReason: 'incident during the freeze' });
    expect(d3.approvals[0]).toMatchObject({ user: 'erin@test.local', decision: 'rejected' });
    const d2 = items.find((r) => r.id === dep.d2)!;
    expect(d2).toMatchObject({ fromVersion: null, commitCount: null, error: 'health check timed out' });
  });

  it('narrows by every filter', async () => {
    const q = (s: string) => ids(admin, `/api/v1/projects/rel-a/releases?${s}`);
    expect(await q(`environmentId=${env.staging}`)).toEqual([dep.d2]);
    expect(await q(`environmentId=${env.prod}`)).toEqual([dep.d3, dep.d1]);
    expect(await q('state=failed')).toEqual([dep.d2]);
    expect(await q('trigger=rollback')).toEqual([dep.d3]);
    expect(await q('trigger=webhook')).toEqual([dep.d2]);
    expect(await q('from=2026-11-04T00:00:00Z&to=2026-11-06T00:00:00Z')).toEqual([dep.d2]);
    expect(await q('from=2026-11-05T10:00:00Z')).toEqual([dep.d3, dep.d2]);
    expect(await q('to=2026-11-05T10:00:00Z')).toEqual([dep.d1]);
    expect(await q('version=1.1.0')).toEqual([dep.d3, dep.d1]);
    expect(await q('version=9.9.9')).toEqual([]);
    // A person: the requester, or someone who approved or rejected.
    expect(await q('actor=alice')).toEqual([dep.d1]);
    expect(await q('actor=BOB@test')).toEqual([dep.d1]);
    expect(await q('actor=erin')).toEqual([dep.d3]);
    // Free text: the error, the override reasons, the approval comments.
    expect(await q('q=timed%20out')).toEqual([dep.d2]);
    expect(await q('q=OUTAGE')).toEqual([dep.d1]);
    expect(await q('q=during%20the%20freeze')).toEqual([dep.d3]);
    expect(await q('q=looks%20good')).toEqual([dep.d1]);
    expect(await q('q=not%20now')).toEqual([dep.d3]);
    expect(await q(`environmentId=${env.prod}&actor=carol&q=freeze`)).toEqual([dep.d3]);
    expect(await q(`environmentId=${env.prod}&actor=alice&q=freeze`)).toEqual([]);
  });

  it('pages with a cursor and refuses bad filters naming the field', async () => {
    const first = await admin.get('/api/v1/projects/rel-a/releases?limit=2');
    expect((first.body.items as ReleaseView[]).map((r) => r.id)).toEqual([dep.d3, dep.d2]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await admin.get(`/api/v1/projects/rel-a/releases?limit=2&cursor=${first.body.nextCursor}`);
    expect((second.body.items as ReleaseView[]).map((r) => r.id)).toEqual([dep.d1]);
    expect(second.body.nextCursor).toBeNull();
    for (const [query, field] of [
      ['state=done', 'state'],
      ['trigger=cron', 'trigger'],
      ['environmentId=prod', 'environmentId'],
      ['from=yesterday', 'from'],
      ['cursor=abc', 'cursor'],
    ]) {
      const res = await admin.get(`/api/v1/projects/rel-a/releases?${query}`);
      expect(res.status, query).toBe(400);
      expect(JSON.stringify(res.body), query).toContain(field);
    }
  });

  it('lists across projects for admins only, with a project filter', async () => {
    expect(await ids(admin, '/api/v1/releases')).toEqual([dep.d3, dep.d4, dep.d2, dep.d1]);
    expect(await ids(admin, '/api/v1/releases?project=rel-b')).toEqual([dep.d4]);
    expect(await ids(admin, '/api/v1/releases?project=rel-a&trigger=manual')).toEqual([dep.d1]);
    expect((await admin.get('/api/v1/releases?project=nope')).status).toBe(404);
    const { client: viewer } = await memberClient(t, a.id, 'viewer');
    expect(await ids(viewer, '/api/v1/projects/rel-a/releases')).toEqual([dep.d3, dep.d2, dep.d1]);
    expect((await viewer.get('/api/v1/releases')).status).toBe(403);
    expect((await viewer.get('/api/v1/releases/export.csv')).status).toBe(403);
    // Not a member of rel-b: the project does not exist for them.
    expect((await viewer.get('/api/v1/projects/rel-b/releases')).status).toBe(404);
  });

  it('exports the same rows as CSV', async () => {
    const res = await fetch(`${t.url}/api/v1/projects/rel-a/releases/export.csv?actor=bob`, {
      headers: { cookie: await adminCookie() },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^id,project,environment,from version,to version/);
    expect(lines[1]).toContain(dep.d1);
    expect(lines[1]).toContain('bob@test.local');
    expect(lines[1]).toContain('hotfix for the outage');
    expect(lines[1]).toContain('bob@test.local (approved): looks good');
  });
});

describe('log retention', () => {
  const lines = (deploymentId: string) => prisma.deploymentLog.count({ where: { deploymentId } });

  it('is set per environment by maintainers (audited, validated) and shown in the environment view', async () => {
    const { client: maint } = await memberClient(t, a.id, 'maintainer');
    const { client: deployer } = await memberClient(t, a.id, 'deployer');
    const path = `/api/v1/projects/rel-a/environments/${env.staging}/log-retention`;
    const res = await maint.put(path, { days: 30 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ environmentId: env.staging, days: 30, effectiveDays: 30 });
    expect((await maint.put(path, { days: null })).body).toMatchObject({ days: null, effectiveDays: 90 });
    const prodRes = await maint.put(`/api/v1/projects/rel-a/environments/${env.prod}/log-retention`, { days: null });
    expect(prodRes.body).toMatchObject({ days: null, effectiveDays: null });
    expect((await deployer.put(path, { days: 5 })).status).toBe(403);
    for (const days of [-1, 1.5, 'ten']) {
      const bad = await maint.put(path, { days });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).toContain('days');
    }
    expect(
      (await maint.put(`/api/v1/projects/rel-a/environments/${env.bProd}/log-retention`, { days: 1 })).status,
    ).toBe(404);
    const envs = await maint.get('/api/v1/projects/rel-a/environments');
    expect(envs.body.find((e: { id: string }) => e.id === env.staging)).toMatchObject({ logRetentionDays: null });
    const events = await prisma.auditEvent.findMany({
      where: { action: 'environment.log_retention_updated' },
      orderBy: { id: 'asc' },
    });
    expect(events).toHaveLength(3);
    expect(events[0]!.data).toMatchObject({ changes: { logRetentionDays: { from: null, to: 30 } } });
  });

  it('keeps protected logs and 0 forever, prunes the default 90 days and N days, never a running release', async () => {
    const p = await createProject(t);
    const art = await artifact(p.id, '1.0.0', null);
    const mkEnv = async (name: string, prot: boolean, logRetentionDays: number | null) =>
      (await prisma.environment.create({ data: { projectId: p.id, name, protected: prot, logRetentionDays } })).id;
    const envs = {
      prod: await mkEnv('prod', true, null),
      dev: await mkEnv('dev', false, null),
      forever: await mkEnv('forever', false, 0),
      week: await mkEnv('week', false, 7),
    };
    const now = Date.now();
    const mk = async (environmentId: string, daysAgo: number, state: 'succeeded' | 'failed' | 'running') => {
      const finished = new Date(now - daysAgo * DAY);
      const d = await prisma.deployment.create({
        data: {
          projectId: p.id,
          environmentId,
          artifactId: art.id,
          trigger: 'manual',
          state,
          createdAt: new Date(finished.getTime() - 60_000),
          startedAt: new Date(finished.getTime() - 60_000),
          finishedAt: state === 'running' ? null : finished,
        },
      });
      await prisma.deploymentLog.createMany({
        data: [1, 2, 3].map((seq) => ({ deploymentId: d.id, seq, stream: 'stdout' as const, text: `line ${seq}` })),
      });
      return d.id;
    };
    const kept = {
      protectedOld: await mk(envs.prod, 400, 'succeeded'),
      defaultYoung: await mk(envs.dev, 89, 'failed'),
      foreverOld: await mk(envs.forever, 1000, 'succeeded'),
      weekYoung: await mk(envs.week, 6, 'succeeded'),
      running: await mk(envs.dev, 200, 'running'),
    };
    const pruned = {
      defaultOld: await mk(envs.dev, 91, 'succeeded'),
      weekOld: await mk(envs.week, 8, 'failed'),
    };
    const before = await prisma.auditEvent.count({ where: { action: 'deployment.logs_pruned' } });

    const result = await t.app.get(LogRetention).sweep();
    expect(result).toEqual({ deployments: 2, lines: 6 });
    for (const [name, id] of Object.entries(kept)) {
      expect(await lines(id), name).toBe(3);
      expect((await prisma.deployment.findUniqueOrThrow({ where: { id } })).logsPrunedAt, name).toBeNull();
    }
    for (const [name, id] of Object.entries(pruned)) {
      expect(await lines(id), name).toBe(0);
      // The release record stays, marked.
      const d = await prisma.deployment.findUniqueOrThrow({ where: { id } });
      expect(d.logsPrunedAt, name).toBeInstanceOf(Date);
    }
    const events = await prisma.auditEvent.findMany({ where: { action: 'deployment.logs_pruned' } });
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)!.data).toMatchObject({ deployments: 2, lines: 6 });
    // Nothing more to remove: no second event.
    expect(await t.app.get(LogRetention).sweep()).toEqual({ deployments: 0, lines: 0 });
    expect(await prisma.auditEvent.count({ where: { action: 'deployment.logs_pruned' } })).toBe(before + 1);

    // The log download and the deployment say why the log is empty.
    const slug = (await prisma.project.findUniqueOrThrow({ where: { id: p.id } })).slug;
    const dl = await admin.get(`/api/v1/projects/${slug}/deployments/${pruned.defaultOld}/logs/download`);
    expect(dl.status).toBe(200);
    expect(dl.body).toMatch(/^log removed by retention on \d{4}-\d{2}-\d{2}T/);
    const view = await admin.get(`/api/v1/projects/${slug}/deployments/${pruned.defaultOld}`);
    expect(view.body.logsPrunedAt).toEqual(expect.any(String));
    const rel = await admin.get(`/api/v1/projects/${slug}/releases?environmentId=${envs.dev}`);
    expect((rel.body.items as ReleaseView[]).map((r) => [r.id, r.logsPrunedAt !== null])).toEqual(
      expect.arrayContaining([
        [pruned.defaultOld, true],
        [kept.defaultYoung, false],
      ]),
    );
  });
});

describe('CSV export of 100,000 releases', () => {
  const ROWS = 100_000;
  it('streams in bounded memory and holds what the JSON list holds', async () => {
    const p = await createProject(t, 'rel-big');
    const e = await prisma.environment.create({ data: { projectId: p.id, name: 'prod', protected: true } });
    const art = await artifact(p.id, '3.0.0', null);
    const prev = await artifact(p.id, '2.9.0', null);
    // One INSERT ... SELECT: rows a second apart, a formula-looking error every 1000th.
    await prisma.$executeRaw`
      INSERT INTO "Deployment" ("id", "projectId", "environmentId", "artifactId", "previousArtifactId", "trigger",
                                "state", "actorLabel", "error", "createdAt", "startedAt", "finishedAt")
      SELECT gen_random_uuid(), ${p.id}::uuid, ${e.id}::uuid, ${art.id}::uuid, ${prev.id}::uuid,
             (ARRAY['manual','cli','webhook','rollback'])[1 + i % 4]::"DeploymentTrigger",
             (ARRAY['succeeded','failed','cancelled'])[1 + i % 3]::"DeploymentState",
             'user' || (i % 50) || '@test.local',
             CASE WHEN i % 1000 = 0 THEN '=HYPERLINK("http://x")' WHEN i % 3 = 1 THEN 'failed at step ' || i END,
             now() - make_interval(secs => i), now() - make_interval(secs => i), now() - make_interval(secs => i) + interval '42 seconds'
        FROM generate_series(1, ${ROWS}) AS i`;

    // Warm-up export so lazily loaded code and pools are not counted as growth.
    await (
      await fetch(`${t.url}/api/v1/releases/export.csv?project=rel-big&state=failed&actor=user7@`, {
        headers: { cookie: await adminCookie() },
      })
    ).text();
    // Live heap (after a full collection) every 10,000 rows read, and RSS all along: an export
    // that built its rows or its file before sending would hold them while the rows arrive.
    setFlagsFromString('--expose_gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage();
    let peakRss = before.rss;
    let peakHeap = before.heapUsed;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 10);
    const started = Date.now();
    const res = await fetch(`${t.url}/api/v1/projects/rel-big/releases/export.csv`, {
      headers: { cookie: await adminCookie() },
    });
    expect(res.status).toBe(200);
    // Read as a stream, keeping only a few rows: the test must not hold the file either.
    const SAMPLE = 54_321;
    let rows = 0;
    let bytes = 0;
    let rest = '';
    let header = '';
    let firstRow = '';
    let sampled = '';
    let beforeSampled = '';
    let formulaRows = 0;
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      const text = rest + decoder.decode(chunk, { stream: true });
      const parts = text.split('\r\n');
      rest = parts.pop()!;
      for (const line of parts) {
        if (!header) {
          header = line;
          continue;
        }
        rows++;
        if (rows % 10_000 === 0) {
          gc();
          peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
        }
        if (rows === 1) firstRow = line;
        if (rows === SAMPLE - 1) beforeSampled = line;
        if (rows === SAMPLE) sampled = line;
        if (line.includes(`"'=HYPERLINK(""http://x"")"`)) formulaRows++;
        if (line.includes(',=')) throw new Error(`unguarded formula: ${line}`);
      }
    }
    clearInterval(sampler);
    const seconds = (Date.now() - started) / 1000;
    const MiB = 1024 * 1024;
    console.log(
      `releases CSV: ${rows} rows, ${(bytes / MiB).toFixed(1)} MiB in ${seconds.toFixed(1)} s; ` +
        `rss +${((peakRss - before.rss) / MiB).toFixed(1)} MiB, heap +${((peakHeap - before.heapUsed) / MiB).toFixed(1)} MiB`,
    );
    expect(rest).toBe('');
    expect(rows).toBe(ROWS);
    expect(formulaRows).toBe(ROWS / 1000);
    // The file is over 20 MiB, and 100,000 release objects are far more; a streamed export
    // holds one batch of 1000 (a few MiB) at a time.
    expect(bytes).toBeGreaterThan(20 * MiB);
    expect(peakHeap - before.heapUsed).toBeLessThan(32 * MiB);
    expect(peakRss - before.rss).toBeLessThan(200 * MiB);

    // The first row is the JSON list's first; the sampled one is what the list returns after
    // the row before it (the same keyset the export walks).
    const list = await admin.get('/api/v1/projects/rel-big/releases?limit=1');
    const newest = list.body.items[0] as ReleaseView;
    expect(firstRow.startsWith(`${newest.id},rel-big,prod,2.9.0,3.0.0,`)).toBe(true);
    const prevRow = await prisma.deployment.findUniqueOrThrow({ where: { id: beforeSampled.split(',')[0]! } });
    const cursor = encodeTimeIdCursor({ createdAt: prevRow.createdAt, id: prevRow.id });
    const page = await admin.get(`/api/v1/projects/rel-big/releases?limit=1&cursor=${cursor}`);
    const r = page.body.items[0] as ReleaseView;
    const cells = sampled.split(',');
    expect(cells[0]).toBe(r.id);
    expect(cells.slice(1, 5)).toEqual([r.projectSlug, r.environmentName, r.fromVersion, r.toVersion]);
    expect(cells[8]).toBe(r.requester);
    expect([cells[10], cells[11], cells[12]]).toEqual([r.trigger, r.state, r.requestedAt]);
    expect(cells[15]).toBe('42');
    expect(sampled).toContain(r.deploymentPath);
  }, 240_000);
});
