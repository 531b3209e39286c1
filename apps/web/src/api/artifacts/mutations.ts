import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ArtifactView, RetentionSettings, RetentionUpdateView } from '@wharf/shared';
import { api, seg } from '../client';
import { artifactKeys } from './keys';

/** Deletes a version (maintainers): the list, storage used and previews all change. */
export function useDeleteArtifact(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (version: string) =>
      api<ArtifactView>(`/projects/${seg(slug)}/artifacts/${seg(version)}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: artifactKeys.all(slug) }),
  });
}

/** Saves retention settings; the server applies them at once and says what it deleted. */
export function useUpdateRetention(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RetentionSettings) =>
      api<RetentionUpdateView>(`/projects/${seg(slug)}/artifact-retention`, { method: 'PUT', body }),
    onSuccess: (view) => {
      qc.setQueryData(artifactKeys.retention(slug), { settings: view.settings, usage: view.usage });
      return qc.invalidateQueries({ queryKey: artifactKeys.all(slug) });
    },
  });
}
