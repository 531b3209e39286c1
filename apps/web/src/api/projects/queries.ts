import { useQuery } from '@tanstack/react-query';
import type { ProjectView } from '@wharf/shared';
import { api, seg } from '../client';
import { projectKeys } from './keys';

export function useProjects() {
  return useQuery({ queryKey: projectKeys.list(), queryFn: () => api<ProjectView[]>('/projects') });
}

export function useProject(slug: string) {
  return useQuery({
    queryKey: projectKeys.detail(slug),
    queryFn: () => api<ProjectView>(`/projects/${seg(slug)}`),
  });
}
