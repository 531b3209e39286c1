import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreateProjectBody, ProjectView, UpdateProjectBody } from '@wharf/shared';
import { api, seg } from '../client';
import { projectKeys } from './keys';

export function useCreateProject() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateProjectBody) => api<ProjectView>('/projects', { method: 'POST', body }),
    onSuccess: (project) => {
      qc.setQueryData(projectKeys.detail(project.slug), project);
      return qc.invalidateQueries({ queryKey: projectKeys.list() });
    },
  });
}

export function useUpdateProject(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateProjectBody) => api<ProjectView>(`/projects/${seg(slug)}`, { method: 'PATCH', body }),
    onSuccess: (project) => {
      qc.setQueryData(projectKeys.detail(slug), project);
      return qc.invalidateQueries({ queryKey: projectKeys.list() });
    },
  });
}
