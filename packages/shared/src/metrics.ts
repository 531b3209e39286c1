// Delivery metrics (deployment frequency, lead time for changes, change failure rate, time to
// restore) per project and environment, over a period. The definitions live with the SQL in
// apps/api/src/metrics/metrics.service.ts and in the README ("Delivery metrics").
import { z } from 'zod';

const DAY_MS = 86_400_000;
/** Longest period one request may ask for: two years of day buckets is ~730 points. */
export const METRICS_MAX_DAYS = 731;
export const METRICS_DEFAULT_DAYS = 30;

export const metricsBucketSchema = z.enum(['day', 'week']);
export type MetricsBucket = z.infer<typeof metricsBucketSchema>;

export const metricsQuerySchema = z
  .object({
    /** One environment: the per-environment list and the headline numbers cover only it. */
    environmentId: z.uuid('environmentId must be a UUID').optional(),
    /** Start of the period (inclusive). Default: 30 days before `to`. */
    from: z.iso.datetime({ offset: true }).optional(),
    /** End of the period (exclusive). Default: now. */
    to: z.iso.datetime({ offset: true }).optional(),
    /** Chart buckets, in UTC: calendar days, or ISO weeks starting on Monday. */
    bucket: metricsBucketSchema.default('day'),
  })
  .transform((q, ctx) => {
    const to = q.to ? new Date(q.to) : new Date();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - METRICS_DEFAULT_DAYS * DAY_MS);
    if (from.getTime() >= to.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'from must be before to' });
      return z.NEVER;
    }
    if (to.getTime() - from.getTime() > METRICS_MAX_DAYS * DAY_MS) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: `the period may be at most ${METRICS_MAX_DAYS} days` });
      return z.NEVER;
    }
    return { environmentId: q.environmentId, from, to, bucket: q.bucket };
  });
export type MetricsQuery = z.output<typeof metricsQuerySchema>;

/** The four numbers, for one environment or for the headline scope. Durations in seconds. */
export interface DeliveryMetrics {
  /** Successful releases finished in the period (rollbacks included: they are deployments too). */
  deployments: number;
  /** deployments ÷ the period's length in days. */
  deploymentsPerDay: number;
  /** Releases finished in the period: succeeded + failed (cancelled, rejected, expired are not releases). */
  releases: number;
  failed: number;
  /** Succeeded releases whose next release in the same environment was a rollback. */
  rolledBack: number;
  /** (failed + rolledBack) ÷ releases; null without releases. */
  changeFailureRate: number | null;
  /** Commit → finished, over successful non-rollback releases; null when there are none. */
  leadTimeMedianSeconds: number | null;
  leadTimeP90Seconds: number | null;
  /** Releases measured for lead time. */
  leadTimeSamples: number;
  /** Of those, how many had no known commit time and were measured from the version's push. */
  leadTimeFromArtifact: number;
  /** Failure → next success in the environment, over outages that began in the period. */
  timeToRestoreMedianSeconds: number | null;
  /** Outages measured (restored ones). */
  restores: number;
  /** Outages that began in the period and had no successful release afterwards (yet). */
  unrestored: number;
}

export interface MetricsBucketPoint {
  /** Start of the bucket, UTC (the first one may start before the period). */
  start: string;
  deployments: number;
  releases: number;
  failed: number;
  rolledBack: number;
  changeFailureRate: number | null;
  leadTimeMedianSeconds: number | null;
}

export interface EnvironmentMetricsView extends DeliveryMetrics {
  environmentId: string;
  name: string;
  protected: boolean;
}

export interface ProjectMetricsView {
  from: string;
  to: string;
  bucket: MetricsBucket;
  /**
   * What the headline numbers and the chart cover: the chosen environment, else the protected
   * (production-like) environments, else every environment when none is protected.
   */
  scope: { kind: 'environment' | 'protected' | 'all'; environmentIds: string[] };
  headline: DeliveryMetrics;
  series: MetricsBucketPoint[];
  environments: EnvironmentMetricsView[];
}
