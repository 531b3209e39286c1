// Delivery metrics from the release records, computed by Postgres in one statement.
//
// Definitions (also in the README, "Delivery metrics"). All times are UTC.
// - A *release* is a deployment that finished as `succeeded` or `failed`. Cancelled, rejected
//   and expired deployments (and ones still queued, running or awaiting approval) are not
//   releases: nothing changed in the environment, or nothing has yet. A release belongs to the
//   period [from, to) in which it finished (`finishedAt`).
// - *Deployment frequency*: successful releases in the period (rollbacks included: they are
//   deployments too), per chart bucket and per day (÷ the period's length in days).
// - *Lead time for changes*: for each successful release that is not a rollback, finishedAt
//   minus the authoredAt of the version's commit (Commit row of the project whose sha equals
//   the artifact's commitSha, or starts with it when the artifact names a short sha). When the
//   commit or its time is unknown, the artifact's createdAt (when the version was pushed)
//   stands in, and `leadTimeFromArtifact` counts those. Median and p90 are percentile_cont
//   (linear interpolation between the nearest ranks). Rollbacks are left out: they bring an
//   old version back, and its commit's age says nothing about how fast changes ship.
// - *Change failure rate*: (failed releases + rolled-back releases) ÷ releases. A succeeded
//   release is *rolled back* when the next release in the same environment has trigger
//   `rollback` (that next release may finish after the period).
// - *Time to restore*: an outage begins with a failed release whose previous release in the
//   environment did not fail (a run of failures is one outage). It ends with the next
//   successful release in that environment (any trigger, possibly after the period). The
//   median is over outages that began in the period and have ended; `unrestored` counts the
//   others.
import { Injectable, NotFoundException } from '@nestjs/common';
import type {
  DeliveryMetrics,
  EnvironmentMetricsView,
  MetricsBucketPoint,
  MetricsQuery,
  ProjectMetricsView,
} from '@wharf/shared';
import { PrismaService } from '../prisma/prisma.service.js';

const DAY_SECONDS = 86_400;

/** One aggregate row: `kind` says which grouping set it belongs to. */
interface AggregateRow {
  kind: 'environment' | 'headline' | 'bucket';
  env: string | null;
  bucket: Date | null;
  deployments: number;
  releases: number;
  failed: number;
  rolled_back: number;
  lt_p50: number | null;
  lt_p90: number | null;
  lt_samples: number;
  lt_from_artifact: number;
  ttr_p50: number | null;
  restores: number;
  unrestored: number;
}

interface EnvironmentRow {
  id: string;
  name: string;
  protected: boolean;
}

@Injectable()
export class MetricsService {
  constructor(private readonly prisma: PrismaService) {}

  async forProject(projectId: string, q: MetricsQuery): Promise<ProjectMetricsView> {
    const all: EnvironmentRow[] = await this.prisma.environment.findMany({
      where: { projectId },
      orderBy: [{ position: 'asc' }, { name: 'asc' }],
      select: { id: true, name: true, protected: true },
    });
    let envs = all;
    let scope: ProjectMetricsView['scope'];
    if (q.environmentId) {
      envs = all.filter((e) => e.id === q.environmentId);
      if (envs.length === 0) throw new NotFoundException('environmentId: no such environment in this project');
      scope = { kind: 'environment', environmentIds: [q.environmentId] };
    } else {
      const prod = all.filter((e) => e.protected).map((e) => e.id);
      scope = prod.length
        ? { kind: 'protected', environmentIds: prod }
        : { kind: 'all', environmentIds: all.map((e) => e.id) };
    }
    const rows = envs.length
      ? await this.aggregate(
          envs.map((e) => e.id),
          scope.environmentIds,
          q,
        )
      : [];
    const days = (q.to.getTime() - q.from.getTime()) / 1000 / DAY_SECONDS;
    const byEnv = new Map(rows.filter((r) => r.kind === 'environment').map((r) => [r.env!, r]));
    const headline = rows.find((r) => r.kind === 'headline');
    const buckets = new Map(rows.filter((r) => r.kind === 'bucket').map((r) => [r.bucket!.getTime(), r]));
    const environments: EnvironmentMetricsView[] = envs.map((e) => ({
      environmentId: e.id,
      name: e.name,
      protected: e.protected,
      ...toMetrics(byEnv.get(e.id), days),
    }));
    return {
      from: q.from.toISOString(),
      to: q.to.toISOString(),
      bucket: q.bucket,
      scope,
      headline: toMetrics(headline, days),
      series: bucketStarts(q.from, q.to, q.bucket).map((start) => toPoint(start, buckets.get(start.getTime()))),
      environments,
    };
  }

  /**
   * Per environment, for the headline scope, and per bucket of the headline scope: one scan
   * of the environments' releases from `from` on (index environmentId, finishedAt), plus the
   * one release just before `from` per environment, so an outage running into the period is
   * seen as having begun before it.
   */
  private aggregate(envIds: string[], headlineIds: string[], q: MetricsQuery): Promise<AggregateRow[]> {
    return this.prisma.$queryRaw<AggregateRow[]>`
      WITH rel AS (
        SELECT d."id", d."environmentId" AS env, d."state"::text AS state, d."trigger"::text AS trig,
               d."finishedAt" AS fin, d."artifactId" AS artifact
          FROM "Deployment" d
         WHERE d."environmentId" = ANY(${envIds}::uuid[]) AND d."state" IN ('succeeded', 'failed')
           AND d."finishedAt" >= ${q.from}
        UNION ALL
        SELECT b.* FROM unnest(${envIds}::uuid[]) AS e(id) CROSS JOIN LATERAL (
          SELECT d."id", d."environmentId", d."state"::text, d."trigger"::text, d."finishedAt", d."artifactId"
            FROM "Deployment" d
           WHERE d."environmentId" = e.id AND d."state" IN ('succeeded', 'failed') AND d."finishedAt" < ${q.from}
           ORDER BY d."finishedAt" DESC LIMIT 1) b
      ), ordered AS (
        SELECT r.*,
               lag(r.state) OVER w AS prev_state,
               lead(r.trig) OVER w AS next_trig,
               min(r.fin) FILTER (WHERE r.state = 'succeeded') OVER (
                 PARTITION BY r.env ORDER BY r.fin DESC, r.id DESC
                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS next_success
          FROM rel r
        WINDOW w AS (PARTITION BY r.env ORDER BY r.fin, r.id)
      ), period AS (
        SELECT o.*,
               o.env = ANY(${headlineIds}::uuid[]) AS headline,
               date_trunc(${q.bucket}::text, o.fin) AS bucket,
               (o.state = 'succeeded' AND o.next_trig = 'rollback') AS rolled_back,
               (o.state = 'failed' AND o.prev_state IS DISTINCT FROM 'failed') AS outage
          FROM ordered o
         WHERE o.fin >= ${q.from} AND o.fin < ${q.to}
      ), versions AS MATERIALIZED (
        -- When each released version's commit was written: looked up once per version, not
        -- once per release (a year of releases ships the same few hundred versions again and again;
        -- MATERIALIZED: computed once, whatever the row estimates make of the join).
        SELECT a."id", coalesce(c_exact.at, c_prefix.at) AS commit_at, a."createdAt" AS pushed_at
          FROM (SELECT DISTINCT p.artifact FROM period p WHERE p.state = 'succeeded' AND p.trig <> 'rollback') v
          JOIN "Artifact" a ON a."id" = v.artifact
          LEFT JOIN LATERAL (
            SELECT c."authoredAt" AS at FROM "Commit" c
             WHERE c."projectId" = a."projectId" AND c."sha" = a."commitSha") c_exact ON true
          LEFT JOIN LATERAL (
            SELECT c."authoredAt" AS at FROM "Commit" c
             WHERE length(a."commitSha") BETWEEN 7 AND 39
               AND c."projectId" = a."projectId" AND c."sha" LIKE a."commitSha" || '%'
               AND c."authoredAt" IS NOT NULL
             ORDER BY c."sha" LIMIT 1) c_prefix ON c_exact.at IS NULL
      ), measured AS (
        SELECT p.*,
               CASE WHEN p.state = 'succeeded' AND p.trig <> 'rollback' THEN
                 greatest(0, extract(epoch FROM p.fin - coalesce(v.commit_at, v.pushed_at)))::float8
               END AS lead_secs,
               (p.state = 'succeeded' AND p.trig <> 'rollback' AND v.commit_at IS NULL) AS lead_from_artifact,
               CASE WHEN p.outage AND p.next_success IS NOT NULL THEN
                 extract(epoch FROM p.next_success - p.fin)::float8
               END AS restore_secs
          FROM period p
          LEFT JOIN versions v ON v."id" = p.artifact
      )
      SELECT CASE WHEN GROUPING(m.env) = 0 THEN 'environment'
                  WHEN GROUPING(m.bucket) = 1 THEN 'headline' ELSE 'bucket' END AS kind,
             m.env::text AS env, m.bucket,
             count(*) FILTER (WHERE m.state = 'succeeded')::int AS deployments,
             count(*)::int AS releases,
             count(*) FILTER (WHERE m.state = 'failed')::int AS failed,
             count(*) FILTER (WHERE m.rolled_back)::int AS rolled_back,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY m.lead_secs) AS lt_p50,
             percentile_cont(0.9) WITHIN GROUP (ORDER BY m.lead_secs) AS lt_p90,
             count(m.lead_secs)::int AS lt_samples,
             count(*) FILTER (WHERE m.lead_from_artifact)::int AS lt_from_artifact,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY m.restore_secs) AS ttr_p50,
             count(m.restore_secs)::int AS restores,
             count(*) FILTER (WHERE m.outage AND m.next_success IS NULL)::int AS unrestored
        FROM measured m
       GROUP BY GROUPING SETS ((m.env), (m.headline), (m.headline, m.bucket))
      HAVING GROUPING(m.env) = 0 OR m.headline`;
  }
}

function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

function toMetrics(r: AggregateRow | undefined, days: number): DeliveryMetrics {
  const deployments = r?.deployments ?? 0;
  const releases = r?.releases ?? 0;
  const failed = r?.failed ?? 0;
  const rolledBack = r?.rolled_back ?? 0;
  return {
    deployments,
    deploymentsPerDay: deployments / days,
    releases,
    failed,
    rolledBack,
    changeFailureRate: ratio(failed + rolledBack, releases),
    leadTimeMedianSeconds: r?.lt_p50 ?? null,
    leadTimeP90Seconds: r?.lt_p90 ?? null,
    leadTimeSamples: r?.lt_samples ?? 0,
    leadTimeFromArtifact: r?.lt_from_artifact ?? 0,
    timeToRestoreMedianSeconds: r?.ttr_p50 ?? null,
    restores: r?.restores ?? 0,
    unrestored: r?.unrestored ?? 0,
  };
}

function toPoint(start: Date, r: AggregateRow | undefined): MetricsBucketPoint {
  const releases = r?.releases ?? 0;
  const failed = r?.failed ?? 0;
  const rolledBack = r?.rolled_back ?? 0;
  return {
    start: start.toISOString(),
    deployments: r?.deployments ?? 0,
    releases,
    failed,
    rolledBack,
    changeFailureRate: ratio(failed + rolledBack, releases),
    leadTimeMedianSeconds: r?.lt_p50 ?? null,
  };
}

/** Every bucket start from the one holding `from` to the last one before `to`, in UTC (weeks start on Monday). */
export function bucketStarts(from: Date, to: Date, bucket: 'day' | 'week'): Date[] {
  const first = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  if (bucket === 'week') first.setUTCDate(first.getUTCDate() - ((first.getUTCDay() + 6) % 7));
  const step = bucket === 'week' ? 7 : 1;
  const out: Date[] = [];
  for (const d = first; d < to; d.setUTCDate(d.getUTCDate() + step)) out.push(new Date(d));
  return out;
}
