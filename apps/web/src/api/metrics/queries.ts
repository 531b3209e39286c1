import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ProjectMetricsView } from '@wharf/shared';
import { api, seg } from '../client';
import { metricsKeys, type MetricsParams } from './keys';

/** Delivery metrics of a project over a period (the previous answer stays while a new period loads). */
export function useProjectMetrics(slug: string, params: MetricsParams) {
  return useQuery({
    queryKey: metricsKeys.project(slug, params),
    queryFn: ({ signal }) =>
      api<ProjectMetricsView>(`/projects/${seg(slug)}/metrics`, { query: { ...params }, signal }),
    placeholderData: keepPreviousData,
  });
}
