// Artifact retention and deletion against the real app: real Postgres, real files under
// WHARF_DATA_DIR, a second worker context (its own connection pool) for concurrent sweeps.
// Deployment states (current, rollback target, running) are written as rows: what decides
// protection is the deployment history in Postgres, and releases go through the real API.
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type {
  ArtifactRetentionView,
  ArtifactView,
  DeploymentView,
  Page,
  RetentionPreviewView,
  RetentionUpdateView,
} from '@wharf/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactRetention } from '../src/artifacts/artifact-retention.service.js';
import { JsonLogger } from '../src/common/json-logger.js';
import { PrismaService } from '../src/prisma/prisma.service.js';
import { RetentionSweeper } from '../src/worker/retention-sweeper.service.js';
import { WorkerModule } from '../src/worker/worker.module.js';
import {
  createProject,
  createToken,
  eventually,
  memberClient,
  type ProjectFixture,
  sha256Hex,
  tarGz,
} from './fixtures.js';
import { TestClient } from './http-client.js';
import { startTestApp, TEST_ADMIN, type TestApp } from './test-env.js';

const DAY = 24 * 60 * 60 * 1000;

let t: TestApp;
let prisma: PrismaService;
let admin: TestClient;
/** A second worker: its own Nest context and Postgres pool; its queue consumer is not started. */
let otherWorker: INestApplicationContext;

beforeAll(async () => {
  t = await startTestApp();
  prisma = t.app.get(PrismaService);
  admin = new TestClient(t.url);
  await admin.login(TEST_ADMIN.email, TEST_ADMIN.password);
  otherWorker = await NestFactory.createApplicationContext(
    WorkerModule.forRoot({ ...t.config, WHARF_RETENTION_SWEEP_SECONDS: 1 }, new JsonLogger('error')),
    { logger: false },
  );
});
afterAll(async () => {
  await otherWorker?.close();
  await t?.close();
});

interface Scene {
  project: ProjectFixture;
  ci: TestClient;
  base: string;
  push(version: string, body?: Buffer): Promise<ArtifactView>;
  env(name: string): Promise<string>;
  deployment(
    envId: string,
    version: string,
    state: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled',
    at?: { createdDaysAgo?: number; finishedDaysAgo?: number },
  ): Promise<string>;
  fileOf(version: string): Promise<string>;
}

async function scene(): Promise<Scene> {
  const project = await createProject(t);
  const token = await createToken(t, project.id);
  const ci = new TestClient(t.url, token.token);
  const base = `/api/v1/projects/${project.slug}`;
  const s: Scene = {
    project,
    ci,
    base,
    async push(version, body) {
      const tgz = body ?? (await tarball());
      const res = await ci.request<ArtifactView>(
        'POST',
        `${base}/artifacts/tarball?version=${version}&sha256=${sha256Hex(tgz)}`,
        tgz,
        { 'content-type': 'application/gzip' },
      );
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    },
    async env(name) {
      const env = await prisma.environment.create({ data: { projectId: project.id, name } });
      await prisma.target.create({
        data: { projectId: project.id, environmentId: env.id, name: `${name}-host`, kind: 'ssh', config: {} },
      });
      return env.id;
    },
    async deployment(envId, version, state, at = {}) {
      const artifact = await prisma.artifact.findUniqueOrThrow({
        where: { projectId_version: { projectId: project.id, version } },
      });
      const created = new Date(Date.now() - (at.createdDaysAgo ?? 0) * DAY);
      const finished =
        state === 'queued' || state === 'running'
          ? null
          : new Date(Date.now() - (at.finishedDaysAgo ?? at.createdDaysAgo ?? 0) * DAY);
      const target = await prisma.target.findFirstOrThrow({ where: { environmentId: envId } });
      const targetState = state === 'queued' ? 'pending' : state;
      const d = await prisma.deployment.create({
        data: {
          targets: { create: [{ targetId: target.id, targetName: target.name, state: targetState }] },
          projectId: project.id,
          environmentId: envId,
          artifactId: artifact.id,
          trigger: 'manual',
          state,
          createdAt: created,
          startedAt: created,
          finishedAt: finished,
          heartbeatAt: state === 'running' ? new Date() : null,
        },
      });
      return d.id;
    },
    async fileOf(version) {
      const a = await prisma.artifact.findUniqueOrThrow({
        where: { projectId_version: { projectId: project.id, version } },
      });
      return join(t.dataDir, 'artifacts', a.storageKey!);
    },
  };
  return s;
}

async function tarball(label = randomBytes(6).toString('hex')): Promise<Buffer> {
  return tarGz([
    { name: 'package/', type: 'directory' },
    { name: 'package/index.js', body: `console.log(${JSON.stringify(label)})\n` },
  ]);
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

async function listAll(s: Scene): Promise<ArtifactView[]> {
  const res = await admin.get<Page<ArtifactView>>(`${s.base}/artifacts?limit=200`);
  expect(res.status).toBe(200);
  return res.body.items;
}

async function deletedVersions(s: Scene): Promise<string[]> {
  return (await listAll(s))
    .filter((a) => a.deleted)
    .map((a) => a.version)
    .sort();
}

async function deletionAudits(projectId: string) {
  return prisma.auditEvent.findMany({ where: { projectId, action: 'artifact.deleted' }, orderBy: { id: 'asc' } });
}

/** v1 … v8 pushed oldest first. prod: v1 then v2 succeeded (current v2, rollback target v1);
 *  stage: v3 running; v4 deployed (failed) 2 days ago; v5 deployed 30 days ago. */
async function historyScene() {
  const s = await scene();
  for (let i = 1; i <= 8; i++) await s.push(`v${i}`);
  const prod = await s.env('prod');
  const stage = await s.env('stage');
  const dev = await s.env('dev');
  await s.deployment(prod, 'v1', 'succeeded', { createdDaysAgo: 40 });
  await s.deployment(prod, 'v2', 'succeeded', { createdDaysAgo: 35 });
  await s.deployment(stage, 'v3', 'running', { createdDaysAgo: 0 });
  await s.deployment(dev, 'v4', 'failed', { createdDaysAgo: 2 });
  await s.deployment(dev, 'v5', 'failed', { createdDaysAgo: 30 });
  return { s, prod, stage, dev };
}

describe('retention', () => {
  it('keeps the newest N, versions deployed in the last M days, and whatever an environment runs, deploys or would roll back to', async () => {
    const { s } = await historyScene();

    const preview = await admin.get<RetentionPreviewView>(
      `${s.base}/artifact-retention/preview?keepNewest=2&keepDeployedDays=7`,
    );
    expect(preview.status).toBe(200);
    expect(preview.body.delete.map((d) => d.version)).toEqual(['v6', 'v5']);
    expect(preview.body.keptCount).toBe(6);
    expect(preview.body.protected).toEqual(
      expect.arrayContaining([
        { version: 'v2', reasons: [{ kind: 'current', environment: 'prod' }] },
        { version: 'v1', reasons: [{ kind: 'rollback', environment: 'prod' }] },
        { version: 'v3', reasons: [{ kind: 'deploying', environment: 'stage' }] },
      ]),
    );
    const sizes = await Promise.all(['v5', 'v6'].map(async (v) => (await stat(await s.fileOf(v))).size));
    expect(preview.body.freedBytes).toBe(sizes[0]! + sizes[1]!);
    // A preview changes nothing.
    expect(await deletedVersions(s)).toEqual([]);

    const files = Object.fromEntries(
      await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(async (i) => [`v${i}`, await s.fileOf(`v${i}`)] as const)),
    );
    const put = await admin.put<RetentionUpdateView>(`${s.base}/artifact-retention`, {
      keepNewest: 2,
      keepDeployedDays: 7,
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.deleted).toEqual(['v6', 'v5']);
    expect(put.body.settings).toEqual({ keepNewest: 2, keepDeployedDays: 7 });
    expect(put.body.usage).toMatchObject({ liveCount: 6, deletedCount: 2 });

    expect(await deletedVersions(s)).toEqual(['v5', 'v6']);
    for (const v of ['v5', 'v6']) expect(await exists(files[v]!), v).toBe(false);
    for (const v of ['v1', 'v2', 'v3', 'v4', 'v7', 'v8']) expect(await exists(files[v]!), v).toBe(true);

    const listed = (await listAll(s)).find((a) => a.version === 'v5')!;
    expect(listed.deleted).toMatchObject({ reason: 'retention', by: null });
    const audits = await deletionAudits(s.project.id);
    expect(audits.map((a) => [a.actorLabel, (a.data as { version: string; reason: string }).version])).toEqual([
      ['retention', 'v6'],
      ['retention', 'v5'],
    ]);
    expect(audits[0]!.data).toMatchObject({ reason: 'retention', settings: { keepNewest: 2, keepDeployedDays: 7 } });
    const settingsAudit = await prisma.auditEvent.findFirst({
      where: { projectId: s.project.id, action: 'project.retention_updated' },
    });
    expect(settingsAudit?.data).toMatchObject({
      from: { keepNewest: null, keepDeployedDays: null },
      to: { keepNewest: 2, keepDeployedDays: 7 },
    });

    // History still names the deleted version.
    const history = await admin.get<Page<DeploymentView>>(`${s.base}/deployments?version=v5`);
    expect(history.status).toBe(200);
    expect(history.body.items.map((d) => d.version)).toEqual(['v5']);

    // Sweeping again is a no-op.
    expect(await t.app.get(ArtifactRetention).sweepProject(s.project.id, { wait: true })).toEqual([]);
    expect(await deletionAudits(s.project.id)).toHaveLength(2);
  });

  it('protects exactly the version Roll back picks', async () => {
    const s = await scene();
    for (const v of ['a', 'b', 'c', 'd']) await s.push(v);
    const prod = await s.env('prod');
    await s.deployment(prod, 'a', 'succeeded', { createdDaysAgo: 9 });
    await s.deployment(prod, 'b', 'succeeded', { createdDaysAgo: 8 });
    await s.deployment(prod, 'c', 'succeeded', { createdDaysAgo: 7 });
    await s.deployment(prod, 'c', 'succeeded', { createdDaysAgo: 6 }); // a redeploy of the current version
    await s.deployment(prod, 'd', 'failed', { createdDaysAgo: 5 });

    const preview = await admin.get<RetentionPreviewView>(`${s.base}/artifact-retention/preview?keepNewest=1`);
    expect(preview.body.delete.map((d) => d.version)).toEqual(['a']);
    expect(preview.body.protected).toEqual([
      { version: 'c', reasons: [{ kind: 'current', environment: 'prod' }] },
      { version: 'b', reasons: [{ kind: 'rollback', environment: 'prod' }] },
    ]);
    const rollback = await admin.post<DeploymentView>(`${s.base}/environments/${prod}/rollback`, {});
    expect(rollback.status, JSON.stringify(rollback.body)).toBe(201);
    expect(rollback.body.version).toBe('b');
  });

  it('is off unless keepNewest is set; settings are validated and need the maintainer role', async () => {
    const s = await scene();
    const view = await admin.get<ArtifactRetentionView>(`${s.base}/artifact-retention`);
    expect(view.status).toBe(200);
    expect(view.body.settings).toEqual({ keepNewest: null, keepDeployedDays: null });

    for (const bad of [
      { keepNewest: 0, keepDeployedDays: null },
      { keepNewest: 1.5, keepDeployedDays: null },
      { keepNewest: '3', keepDeployedDays: null },
      { keepNewest: null, keepDeployedDays: 5 },
      { keepNewest: 3, keepDeployedDays: 0 },
      { keepNewest: 3 },
      { keepNewest: 3, keepDeployedDays: null, extra: true },
      { keepNewest: 100_000, keepDeployedDays: null },
    ]) {
      const res = await admin.put(`${s.base}/artifact-retention`, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    for (const q of ['keepNewest=0', 'keepNewest=x', 'keepDeployedDays=3', 'keepNewest=2&keepDeployedDays=-1']) {
      const res = await admin.get(`${s.base}/artifact-retention/preview?${q}`);
      expect(res.status, q).toBe(400);
    }
    expect((await admin.get(`${s.base}/artifact-retention`)).body.settings).toEqual({
      keepNewest: null,
      keepDeployedDays: null,
    });
  });
});

describe('manual delete', () => {
  it('is refused with the reason for the current version, the rollback target and a deploying version', async () => {
    const { s } = await historyScene();
    const cases: [string, RegExp][] = [
      ['v2', /current version of prod/],
      ['v1', /prod would roll back to it/],
      ['v3', /being deployed to stage/],
    ];
    for (const [version, reason] of cases) {
      const res = await admin.delete<{ message: string }>(`${s.base}/artifacts/${version}`);
      expect(res.status, version).toBe(409);
      expect(res.body.message).toMatch(reason);
      expect(await exists(await s.fileOf(version))).toBe(true);
    }
    // A queued deployment protects too.
    const qa = await s.env('qa');
    await s.deployment(qa, 'v6', 'queued');
    const queued = await admin.delete<{ message: string }>(`${s.base}/artifacts/v6`);
    expect(queued.status).toBe(409);
    expect(queued.body.message).toMatch(/being deployed to qa/);
    expect(await deletedVersions(s)).toEqual([]);
    expect(await deletionAudits(s.project.id)).toEqual([]);
  });

  it('deletes an unprotected version: file gone, record kept with who and when, name taken, no release, no download', async () => {
    const { s, dev } = await historyScene();
    const failedOfV5 = await prisma.deployment.findFirstOrThrow({
      where: { environmentId: dev, artifact: { version: 'v5' } },
    });
    const file = await s.fileOf('v5');
    const res = await admin.delete<ArtifactView>(`${s.base}/artifacts/v5`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.version).toBe('v5');
    expect(res.body.deleted).toMatchObject({ reason: 'manual', by: TEST_ADMIN.email });
    expect(await exists(file)).toBe(false);

    const audits = await deletionAudits(s.project.id);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorLabel: TEST_ADMIN.email, subjectType: 'artifact' });
    expect(audits[0]!.data).toMatchObject({ version: 'v5', reason: 'manual' });

    const one = await admin.get<ArtifactView>(`${s.base}/artifacts/v5`);
    expect(one.status).toBe(200);
    expect(one.body.deleted?.reason).toBe('manual');

    const again = await admin.delete<{ message: string }>(`${s.base}/artifacts/v5`);
    expect(again.status).toBe(410);

    const repush = await s.ci.request<{ message: string }>(
      'POST',
      `${s.base}/artifacts/tarball?version=v5`,
      await tarball(),
      { 'content-type': 'application/gzip' },
    );
    expect(repush.status).toBe(409);
    expect(repush.body.message).toMatch(/was deleted.*never reused/);
    const repushImage = await s.ci.post(`${s.base}/artifacts/image`, { version: 'v5', image: 'registry.local/app:5' });
    expect(repushImage.status).toBe(409);

    const release = await admin.post<{ message: string }>(`${s.base}/deployments`, {
      environmentId: dev,
      version: 'v5',
    });
    expect(release.status).toBe(410);
    expect(release.body.message).toMatch(/v5 was deleted by a maintainer/);
    const retry = await admin.post(`${s.base}/deployments/${failedOfV5.id}/retry`, {});
    expect(retry.status).toBe(410);

    const download = await admin.get(`${s.base}/artifacts/v5/download`);
    expect(download.status).toBe(410);
    const tokenDownload = await s.ci.get(`${s.base}/artifacts/v5/download`);
    expect(tokenDownload.status).toBe(410);

    expect(await prisma.deployment.count({ where: { artifact: { version: 'v5', projectId: s.project.id } } })).toBe(1);
  });

  it('removes a file only when no live version shares its content', async () => {
    const s = await scene();
    const same = await tarball('shared');
    const a = await s.push('same-a', same);
    await s.push('same-b', same);
    await s.push('other');
    const file = await s.fileOf('same-a');
    expect(await s.fileOf('same-b')).toBe(file);

    const usage = (await admin.get<ArtifactRetentionView>(`${s.base}/artifact-retention`)).body.usage;
    expect(usage.liveCount).toBe(3);
    expect(usage.liveBytes).toBe(2 * a.sizeBytes! + (await stat(await s.fileOf('other'))).size);
    expect(usage.storedBytes).toBe(usage.liveBytes - a.sizeBytes!);

    // The preview counts only bytes that would really be freed.
    const preview = await admin.get<RetentionPreviewView>(`${s.base}/artifact-retention/preview?keepNewest=2`);
    expect(preview.body.delete.map((d) => d.version)).toEqual(['same-a']);
    expect(preview.body.freedBytes).toBe(0);

    expect((await admin.delete(`${s.base}/artifacts/same-a`)).status).toBe(200);
    expect(await exists(file)).toBe(true);
    const download = await admin.get(`${s.base}/artifacts/same-b/download`);
    expect(download.status).toBe(200);

    expect((await admin.delete(`${s.base}/artifacts/same-b`)).status).toBe(200);
    expect(await exists(file)).toBe(false);
    const after = (await admin.get<ArtifactRetentionView>(`${s.base}/artifact-retention`)).body.usage;
    expect(after).toMatchObject({ liveCount: 1, deletedCount: 2 });
    expect(after.storedBytes).toBe(after.liveBytes);

    // A new version with the same content gets its file back.
    await s.push('same-c', same);
    expect(await exists(file)).toBe(true);
    expect((await admin.get(`${s.base}/artifacts/same-c/download`)).status).toBe(200);
  });

  it('a file left behind by an interrupted delete is removed by the next sweep', async () => {
    const s = await scene();
    await s.push('keep');
    await s.push('gone');
    const file = await s.fileOf('gone');
    // As if the process stopped between marking the row and removing the file.
    await prisma.artifact.update({
      where: { projectId_version: { projectId: s.project.id, version: 'gone' } },
      data: { deletedAt: new Date(), deleteReason: 'manual' },
    });
    expect(await exists(file)).toBe(true);
    await otherWorker.get(ArtifactRetention).sweepAll();
    expect(await exists(file)).toBe(false);
    expect(await exists(await s.fileOf('keep'))).toBe(true);
  });
});

describe('races', () => {
  it('a release and a delete of the same version never both succeed', async () => {
    const s = await scene();
    const versions = Array.from({ length: 12 }, (_, i) => `r${i}`);
    for (const v of versions) await s.push(v);
    const envs = await Promise.all(versions.map((v) => s.env(`env-${v}`)));
    const outcomes = await Promise.all(
      versions.map(async (v, i) => {
        const [release, del] = await Promise.all([
          admin.post(`${s.base}/deployments`, { environmentId: envs[i], version: v }),
          admin.delete<{ message: string }>(`${s.base}/artifacts/${v}`),
        ]);
        return { v, release: release.status, del: del.status, message: del.body.message };
      }),
    );
    for (const o of outcomes) {
      const ok = (o.release === 201 && o.del === 409) || (o.release === 410 && o.del === 200);
      expect(ok, JSON.stringify(o)).toBe(true);
      if (o.release === 201) expect(o.message).toMatch(/being deployed/);
    }
    // Every released version still has its file; every deleted one has none.
    for (const o of outcomes) expect(await exists(await s.fileOf(o.v)), o.v).toBe(o.release === 201);
  });

  it('a push of the same content while its last live version is deleted keeps its file', async () => {
    const s = await scene();
    const rounds = Array.from({ length: 10 }, (_, i) => i);
    const contents = await Promise.all(rounds.map((i) => tarball(`content-${i}`)));
    for (const i of rounds) await s.push(`c${i}-old`, contents[i]);
    await Promise.all(
      rounds.map(async (i) => {
        const [del] = await Promise.all([
          admin.delete(`${s.base}/artifacts/c${i}-old`),
          s.push(`c${i}-new`, contents[i]),
        ]);
        expect(del.status).toBe(200);
      }),
    );
    for (const i of rounds) {
      expect(await exists(await s.fileOf(`c${i}-new`)), `c${i}-new`).toBe(true);
      expect((await admin.get(`${s.base}/artifacts/c${i}-new/download`)).status).toBe(200);
    }
  });

  it('two workers sweeping at once delete each version once', async () => {
    const s = await scene();
    for (let i = 0; i < 15; i++) await s.push(`s${String(i).padStart(2, '0')}`);
    await prisma.project.update({ where: { id: s.project.id }, data: { retentionKeepNewest: 3 } });
    const here = t.app.get(ArtifactRetention);
    const there = otherWorker.get(ArtifactRetention);
    const results = await Promise.all([
      here.sweepProject(s.project.id, { wait: false }),
      there.sweepProject(s.project.id, { wait: false }),
      here.sweepProject(s.project.id, { wait: true }),
      there.sweepProject(s.project.id, { wait: true }),
    ]);
    const all = results.flatMap((r) => r ?? []);
    expect(all.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `s${String(i).padStart(2, '0')}`));
    const audits = await deletionAudits(s.project.id);
    expect(audits).toHaveLength(12);
    expect(new Set(audits.map((a) => a.subjectId)).size).toBe(12);
  });

  it('the worker sweeps on its own schedule', async () => {
    const s = await scene();
    for (const v of ['w1', 'w2', 'w3']) await s.push(v);
    const file = await s.fileOf('w1');
    await prisma.project.update({ where: { id: s.project.id }, data: { retentionKeepNewest: 2 } });
    otherWorker.get(RetentionSweeper).start();
    expect(await eventually(async () => (await deletedVersions(s)).includes('w1'), 15_000)).toBe(true);
    expect(await deletedVersions(s)).toEqual(['w1']);
    expect(await exists(file)).toBe(false);
  });
});

describe('access', () => {
  it('deleting a version needs the maintainer role; non-members get 404; tokens cannot delete', async () => {
    const s = await scene();
    await s.push('x1');
    for (const role of ['viewer', 'deployer'] as const) {
      const { client } = await memberClient(t, s.project.id, role);
      expect((await client.delete(`${s.base}/artifacts/x1`)).status, role).toBe(403);
    }
    const { client: stranger } = await memberClient(t, s.project.id, null);
    expect((await stranger.delete(`${s.base}/artifacts/x1`)).status).toBe(404);
    expect((await s.ci.delete(`${s.base}/artifacts/x1`)).status).toBe(401);
    expect(await deletedVersions(s)).toEqual([]);

    const { client: maintainer } = await memberClient(t, s.project.id, 'maintainer');
    expect((await maintainer.delete(`${s.base}/artifacts/x1`)).status).toBe(200);
    expect((await maintainer.delete(`${s.base}/artifacts/nope`)).status).toBe(404);
  });

  it('retention routes: viewers read, maintainers change, non-members get 404 on every one', async () => {
    const s = await scene();
    const body = { keepNewest: 5, keepDeployedDays: null };
    const routes: { method: 'GET' | 'PUT' | 'DELETE'; path: string; body?: unknown; role: 'viewer' | 'maintainer' }[] =
      [
        { method: 'GET', path: `${s.base}/artifact-retention`, role: 'viewer' },
        { method: 'GET', path: `${s.base}/artifact-retention/preview?keepNewest=1`, role: 'viewer' },
        { method: 'PUT', path: `${s.base}/artifact-retention`, body, role: 'maintainer' },
        { method: 'DELETE', path: `${s.base}/artifacts/none`, role: 'maintainer' },
      ];
    const { client: stranger } = await memberClient(t, s.project.id, null);
    const { client: viewer } = await memberClient(t, s.project.id, 'viewer');
    const { client: deployer } = await memberClient(t, s.project.id, 'deployer');
    for (const r of routes) {
      expect((await stranger.request(r.method, r.path, r.body)).status, `stranger ${r.method} ${r.path}`).toBe(404);
      const allowed = r.role === 'viewer';
      for (const [name, c] of [
        ['viewer', viewer],
        ['deployer', deployer],
      ] as const) {
        const status = (await c.request(r.method, r.path, r.body)).status;
        if (allowed) expect(status, `${name} ${r.method} ${r.path}`).toBe(200);
        else expect(status, `${name} ${r.method} ${r.path}`).toBe(403);
      }
      expect((await s.ci.request(r.method, r.path, r.body)).status, `token ${r.method} ${r.path}`).toBe(401);
    }
    expect((await admin.get(`${s.base}/artifact-retention`)).body.settings).toEqual({
      keepNewest: null,
      keepDeployedDays: null,
    });
  });
});
