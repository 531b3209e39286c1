// The lead-time chart's unit: hours, unless every median in the series is shorter (then
// minutes, or seconds), so a period of quick releases is not drawn on an axis of zeros.
import type { MetricsBucketPoint } from '@wharf/shared';

export type LeadTimeUnit = 'hours' | 'minutes' | 'seconds';

export function leadTimeScale(series: Pick<MetricsBucketPoint, 'leadTimeMedianSeconds'>[]): {
  unit: LeadTimeUnit;
  secondsPerUnit: number;
} {
  const longest = Math.max(0, ...series.map((p) => p.leadTimeMedianSeconds ?? 0));
  if (longest === 0 || longest >= 3600) return { unit: 'hours', secondsPerUnit: 3600 };
  if (longest >= 60) return { unit: 'minutes', secondsPerUnit: 60 };
  return { unit: 'seconds', secondsPerUnit: 1 };
}
