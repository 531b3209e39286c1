import { projectKeys } from '../projects/keys';

export interface MetricsParams {
  environmentId?: string;
  from: string;
  to: string;
  bucket: 'day' | 'week';
}

export const metricsKeys = {
  project: (slug: string, params: MetricsParams) => [...projectKeys.scope(slug), 'metrics', params] as const,
};
