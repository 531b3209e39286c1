// Delivery metrics on a seeded release history whose answers were worked out by hand (see the
// table in each test). Deployments, artifacts and commits are written with Prisma directly:
// the metrics read only those rows. One app boot for the file.
import type { DeliveryMetrics, ProjectMetricsView } from '@wharf/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentState, DeploymentTrigger } from '../src/generated/prisma/client.js';
import { PrismaService } from '../src/prisma/prisma.service.js';
import { createProject, memberClient, type ProjectFixture } from './fixtures.js';
import type { TestClient } from './http-client.js';
import { startTestApp, type TestApp } from './test-env.js';

let t: TestApp;
let project: ProjectFixture;
let viewer: TestClient;
let prodId: string;
let stagingId: string;

const H = 3600;
const at = (s: string) => new Date(`2026-03-${s}Z`);

beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t);
  viewer = (await memberClient(t, project.id, 'viewer')).client;
  const db = t.app.get(PrismaService);
  const prod = await db.environment.create({
    data: { projectId: project.id, name: 'prod', protected: true, position: 1 },
  });
  const staging = await db.environment.create({ data: { projectId: project.id, name: 'staging', position: 0 } });
  prodId = prod.id;
  stagingId = staging.id;

  const full = (n: number) => n.toString(16).padEnd(40, 'a');
  await db.commit.createMany({
    data: [
      { projectId: project.id, sha: full(1), title: 'c1', authoredAt: at('02T08:00:00') },
      { projectId: project.id, sha: full(2), title: 'c2', authoredAt: at('02T22:00:00') },
      { projectId: project.id, sha: full(4), title: 'c4', authoredAt: at('04T12:00:00') },
      { projectId: project.id, sha: full(5), title: 'c5', authoredAt: at('08T10:00:00') },
    ],
  });
  const artifact = async (version: string, commitSha: string | null, createdAt = at('01T00:00:00')) =>
    (await db.artifact.create({ data: { projectId: project.id, version, kind: 'tarball', commitSha, createdAt } })).id;
  const v0 = await artifact('0.9.0', null);
  const v1 = await artifact('1.0.0', full(1));
  const v2 = await artifact('1.1.0', full(2));
  const v3 = await artifact('1.2.0', 'deadbee'); // a commit Wharf never saw: stands in with createdAt, never released OK
  const v4 = await artifact('1.3.0', full(4));
  // A short sha: found by prefix among the project's commits.
  const v5 = await artifact('1.4.0', full(5).slice(0, 8));
  // No commit at all: lead time from the push (createdAt).
  const v6 = await artifact('1.5.0', null, at('10T09:30:00'));

  const deploy = (
    environmentId: string,
    artifactId: string,
    state: DeploymentState,
    finishedAt: Date | null,
    trigger: DeploymentTrigger = 'manual',
  ) =>
    db.deployment.create({
      data: {
        projectId: project.id,
        environmentId,
        artifactId,
        state,
        trigger,
        finishedAt,
        createdAt: finishedAt ?? at('01T00:00:00'),
      },
    });
  // prod                               finished            lead time (s)   notes
  await deploy(prodId, v0, 'succeeded', at('01T12:00:00')); //  —               before the period
  await deploy(prodId, v1, 'succeeded', at('02T10:00:00')); //  2 h  = 7200
  await deploy(prodId, v2, 'succeeded', at('03T10:00:00')); //  12 h = 43200
  await deploy(prodId, v3, 'failed', at('04T10:00:00')); //     —               outage 1 begins
  await deploy(prodId, v3, 'failed', at('04T11:00:00')); //     —               same outage
  await deploy(prodId, v4, 'succeeded', at('04T14:00:00')); //  2 h = 7200      restores outage 1: 4 h
  await deploy(prodId, v5, 'succeeded', at('09T10:00:00')); //  24 h = 86400    rolled back by the next
  await deploy(prodId, v4, 'succeeded', at('09T12:00:00'), 'rollback'); // not measured (rollback)
  await deploy(prodId, v5, 'failed', at('10T10:00:00')); //     —               outage 2 begins
  await deploy(prodId, v6, 'succeeded', at('10T10:30:00'), 'webhook'); // 1 h from push; restores outage 2: 30 min
  await deploy(prodId, v6, 'cancelled', at('11T10:00:00')); //  not a release
  await deploy(prodId, v6, 'rejected', at('11T11:00:00')); //   not a release
  await deploy(prodId, v6, 'expired', at('11T12:00:00')); //    not a release
  await deploy(prodId, v6, 'awaiting_approval', null); //        not a release (yet)
  await deploy(prodId, v5, 'failed', at('15T20:00:00')); //     —               outage 3 begins
  await deploy(prodId, v6, 'succeeded', at('16T02:00:00'), 'cli'); // after the period; restores outage 3: 6 h
  // staging
  await deploy(stagingId, v1, 'succeeded', at('05T10:00:00')); // 74 h = 266400
  await deploy(stagingId, v2, 'failed', at('06T10:00:00')); //   outage, never restored
});
afterAll(async () => {
  await t?.close();
});

async function metrics(query: string): Promise<ProjectMetricsView> {
  const res = await viewer.get<ProjectMetricsView>(`/api/v1/projects/${project.slug}/metrics?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const TWO_WEEKS = 'from=2026-03-02T00:00:00Z&to=2026-03-16T00:00:00Z';

describe('delivery metrics', () => {
  it('computes the four metrics of the production environment over a period', async () => {
    const m = await metrics(TWO_WEEKS);
    expect(m.scope).toEqual({ kind: 'protected', environmentIds: [prodId] });
    expect(m.headline).toEqual<DeliveryMetrics>({
      deployments: 6, // 02, 03, 04 14:00, 09 10:00, 09 12:00 (rollback), 10 10:30
      deploymentsPerDay: 6 / 14,
      releases: 10, // + 4 failed; cancelled, rejected, expired and awaiting are not releases
      failed: 4,
      rolledBack: 1,
      changeFailureRate: 0.5, // (4 + 1) / 10
      leadTimeMedianSeconds: 2 * H, // of 1 h, 2 h, 2 h, 12 h, 24 h
      leadTimeP90Seconds: 12 * H + 0.6 * (24 * H - 12 * H), // rank 0.9 × 4 = 3.6
      leadTimeSamples: 5,
      leadTimeFromArtifact: 1,
      timeToRestoreMedianSeconds: 4 * H, // of 30 min, 4 h, 6 h
      restores: 3,
      unrestored: 0,
    });
    const staging = m.environments.find((e) => e.environmentId === stagingId)!;
    expect(staging).toMatchObject({
      name: 'staging',
      protected: false,
      deployments: 1,
      releases: 2,
      failed: 1,
      changeFailureRate: 0.5,
      leadTimeMedianSeconds: 74 * H,
      leadTimeFromArtifact: 0,
      timeToRestoreMedianSeconds: null,
      restores: 0,
      unrestored: 1,
    });
    expect(m.environments.map((e) => e.name)).toEqual(['staging', 'prod']);
    expect(m.environments.find((e) => e.environmentId === prodId)).toMatchObject(m.headline);
  });

  it('buckets by UTC day and by ISO week, with empty buckets filled in', async () => {
    const days = await metrics(`${TWO_WEEKS}&bucket=day`);
    expect(days.series).toHaveLength(14);
    expect(days.series[0]!.start).toBe('2026-03-02T00:00:00.000Z');
    expect(days.series.map((p) => p.deployments)).toEqual([1, 1, 1, 0, 0, 0, 0, 2, 1, 0, 0, 0, 0, 0]);
    expect(days.series[2]).toEqual({
      start: '2026-03-04T00:00:00.000Z',
      deployments: 1,
      releases: 3,
      failed: 2,
      rolledBack: 0,
      changeFailureRate: 2 / 3,
      leadTimeMedianSeconds: 2 * H,
    });
    expect(days.series[7]).toMatchObject({ rolledBack: 1, changeFailureRate: 0.5, leadTimeMedianSeconds: 24 * H });
    expect(days.series[13]).toMatchObject({
      releases: 1,
      failed: 1,
      changeFailureRate: 1,
      leadTimeMedianSeconds: null,
    });
    expect(days.series[4]).toMatchObject({ releases: 0, changeFailureRate: null });

    const weeks = await metrics(`${TWO_WEEKS}&bucket=week`);
    expect(weeks.series.map((p) => [p.start, p.deployments, p.releases, p.failed, p.rolledBack])).toEqual([
      ['2026-03-02T00:00:00.000Z', 3, 5, 2, 0],
      ['2026-03-09T00:00:00.000Z', 3, 5, 2, 1],
    ]);
  });

  it('reads the period in UTC whatever offset the client writes', async () => {
    const shanghai = await metrics('from=2026-03-02T08:00:00%2B08:00&to=2026-03-16T08:00:00%2B08:00');
    const utc = await metrics(TWO_WEEKS);
    expect(shanghai.headline).toEqual(utc.headline);
    expect(shanghai.from).toBe('2026-03-02T00:00:00.000Z');
    expect(shanghai.series.map((p) => p.start)).toEqual(utc.series.map((p) => p.start));
  });

  it('filters by period: only releases finished inside it, outages that began inside it', async () => {
    const second = await metrics('from=2026-03-09T00:00:00Z&to=2026-03-16T00:00:00Z');
    expect(second.headline).toMatchObject({
      deployments: 3,
      releases: 5,
      failed: 2,
      rolledBack: 1,
      changeFailureRate: 0.6,
      timeToRestoreMedianSeconds: (0.5 * H + 6 * H) / 2,
      restores: 2,
    });
    // Only the second failure of outage 1 is inside: that outage began before, so nothing is measured.
    const inside = await metrics('from=2026-03-04T10:30:00Z&to=2026-03-04T12:00:00Z');
    expect(inside.headline).toMatchObject({ releases: 1, failed: 1, restores: 0, unrestored: 0 });
    // A release right on `to` belongs to the next period, one right on `from` to this one.
    const edge = await metrics('from=2026-03-02T10:00:00Z&to=2026-03-03T10:00:00Z');
    expect(edge.headline).toMatchObject({ deployments: 1, leadTimeMedianSeconds: 2 * H });
  });

  it('filters by environment: the headline and the list cover the chosen one', async () => {
    const m = await metrics(`${TWO_WEEKS}&environmentId=${stagingId}`);
    expect(m.scope).toEqual({ kind: 'environment', environmentIds: [stagingId] });
    expect(m.environments.map((e) => e.environmentId)).toEqual([stagingId]);
    expect(m.headline).toMatchObject({ deployments: 1, releases: 2, leadTimeMedianSeconds: 74 * H, unrestored: 1 });
    expect(m.series.reduce((n, p) => n + p.releases, 0)).toBe(2);
  });

  it('answers an empty period with zeros and nulls', async () => {
    const m = await metrics('from=2025-01-01T00:00:00Z&to=2025-01-08T00:00:00Z&bucket=week');
    expect(m.headline).toMatchObject({
      deployments: 0,
      releases: 0,
      changeFailureRate: null,
      leadTimeMedianSeconds: null,
    });
    expect(m.series.every((p) => p.releases === 0)).toBe(true);
  });

  it('refuses a bad period or an environment of another project, naming the field', async () => {
    const base = `/api/v1/projects/${project.slug}/metrics`;
    const backwards = await viewer.get(`${base}?from=2026-03-16T00:00:00Z&to=2026-03-02T00:00:00Z`);
    expect(backwards.status).toBe(400);
    expect(JSON.stringify(backwards.body)).toContain('from');
    const badBucket = await viewer.get(`${base}?bucket=hour`);
    expect(badBucket.status).toBe(400);
    expect(JSON.stringify(badBucket.body)).toContain('bucket');
    const other = await createProject(t);
    const env = await t.app
      .get(PrismaService)
      .environment.create({ data: { projectId: other.id, name: 'prod', protected: true } });
    const foreign = await viewer.get(`${base}?environmentId=${env.id}`);
    expect(foreign.status).toBe(404);
    expect(JSON.stringify(foreign.body)).toContain('environmentId');
    const outsider = (await memberClient(t, project.id, null)).client;
    expect((await outsider.get(base)).status).toBe(404);
  });
});
