import type { ArtifactRetentionView, ArtifactView, RetentionPreviewView } from '@wharf/shared';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { errorResponse, installFakeApi, json, type Handler } from '../../test/fake-api';
import { adminMe, artifactView, project, viewerMe } from '../../test/fixtures';
import { renderApp } from '../../test/render';

const artifact = (version: string, extra: Partial<ArtifactView> = {}) =>
  artifactView(version, {
    sizeBytes: 1_048_576,
    uploadedBy: 'token:ci',
    createdAt: new Date(Date.now() - 3_600_000).toISOString(),
    ...extra,
  });

const retention = (extra: Partial<ArtifactRetentionView['settings']> = {}): ArtifactRetentionView => ({
  settings: { keepNewest: null, keepDeployedDays: null, ...extra },
  usage: { liveCount: 2, deletedCount: 1, liveBytes: 3 * 1_048_576, storedBytes: 2 * 1_048_576 },
});

const deletedOld = artifact('1.0.0', {
  deleted: { at: new Date(Date.now() - 7_200_000).toISOString(), by: null, reason: 'retention' },
});

function asRole(role: 'maintainer' | 'deployer' | 'viewer', routes: Record<string, Handler>) {
  return installFakeApi({
    'GET /api/v1/auth/me': () => json(role === 'maintainer' ? adminMe : viewerMe),
    'GET /api/v1/projects/shop': () => json(project(role)),
    'GET /api/v1/projects/shop/artifact-retention': () => json(retention()),
    'GET /api/v1/projects/shop/artifacts': () =>
      json({ items: [artifact('1.2.0'), artifact('1.1.0'), deletedOld], nextCursor: null }),
    ...routes,
  });
}

describe('versions tab: storage and deletion', () => {
  it('shows storage used and marks a deleted version, without actions on it', async () => {
    asRole('maintainer', {});
    renderApp('/projects/shop/versions');
    const row = await screen.findByTestId('artifact-row-1.0.0');
    expect(row).toHaveClass('row-dim');
    expect(within(row).getByTestId('deleted-badge')).toHaveTextContent('deleted');
    expect(within(row).getByTestId('deleted-note')).toHaveTextContent('by the retention policy');
    expect(within(row).queryByTestId('release-button-1.0.0')).not.toBeInTheDocument();
    expect(within(row).queryByTestId('delete-button-1.0.0')).not.toBeInTheDocument();
    expect(within(screen.getByTestId('artifact-row-1.2.0')).queryByTestId('deleted-badge')).not.toBeInTheDocument();

    const summary = await screen.findByTestId('storage-summary');
    expect(within(summary).getByTestId('storage-stored')).toHaveTextContent('2 MB');
    expect(within(summary).getByTestId('storage-dedupe')).toHaveTextContent('3 MB');
    expect(within(summary).getByTestId('storage-counts')).toHaveTextContent('2 versions kept, 1 deleted');
    expect(within(summary).getByTestId('retention-summary')).toHaveTextContent('Retention is off');
  });

  it('lets a maintainer delete a version after confirming, and shows why the server refused one', async () => {
    const { calls } = asRole('maintainer', {
      'DELETE /api/v1/projects/shop/artifacts/1.1.0': () => json(artifact('1.1.0')),
      'DELETE /api/v1/projects/shop/artifacts/1.2.0': () =>
        errorResponse(409, 'version 1.2.0 cannot be deleted: it is the current version of production'),
    });
    renderApp('/projects/shop/versions');
    const row = await screen.findByTestId('artifact-row-1.1.0');
    await userEvent.click(within(row).getByTestId('delete-button-1.1.0'));
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    await userEvent.click(within(row).getByTestId('confirm-yes'));
    await waitFor(() =>
      expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual([
        '/api/v1/projects/shop/artifacts/1.1.0',
      ]),
    );

    const current = screen.getByTestId('artifact-row-1.2.0');
    await userEvent.click(within(current).getByTestId('delete-button-1.2.0'));
    await userEvent.click(within(current).getByTestId('confirm-yes'));
    expect(await screen.findByTestId('delete-error')).toHaveTextContent('current version of production');
  });

  it('offers no delete to deployers or viewers', async () => {
    asRole('deployer', {});
    const { unmount } = renderApp('/projects/shop/versions');
    const row = await screen.findByTestId('artifact-row-1.2.0');
    expect(within(row).getByTestId('release-button-1.2.0')).toBeInTheDocument();
    expect(within(row).queryByTestId('delete-button-1.2.0')).not.toBeInTheDocument();
    unmount();

    asRole('viewer', {});
    renderApp('/projects/shop/versions');
    const viewed = await screen.findByTestId('artifact-row-1.2.0');
    expect(within(viewed).queryByTestId('delete-button-1.2.0')).not.toBeInTheDocument();
    expect(within(viewed).queryByTestId('release-button-1.2.0')).not.toBeInTheDocument();
  });
});

describe('retention settings', () => {
  const preview = (keepNewest: string | null): RetentionPreviewView => ({
    settings: { keepNewest: keepNewest ? Number(keepNewest) : null, keepDeployedDays: null },
    delete:
      keepNewest === '1'
        ? [
            {
              version: '1.1.0',
              kind: 'tarball',
              sizeBytes: 1_048_576,
              createdAt: '2025-01-01T00:00:00.000Z',
              lastDeployedAt: null,
            },
          ]
        : [],
    keptCount: 1,
    protected: [{ version: '0.9.0', reasons: [{ kind: 'rollback', environment: 'production' }] }],
    freedBytes: keepNewest === '1' ? 1_048_576 : 0,
  });

  it('previews what saving deletes, then saves and reports what was deleted', async () => {
    const { calls } = asRole('maintainer', {
      'GET /api/v1/projects/shop/environments': () => json([]),
      'GET /api/v1/projects/shop/artifact-retention/preview': ({ url }) =>
        json(preview(url.searchParams.get('keepNewest'))),
      'PUT /api/v1/projects/shop/artifact-retention': ({ body }) =>
        json({ ...retention(body as ArtifactRetentionView['settings']), deleted: ['1.1.0'] }),
    });
    renderApp('/projects/shop');
    const section = await screen.findByTestId('retention-section');
    expect(await within(section).findByTestId('retention-current')).toHaveTextContent('Retention is off');
    await userEvent.click(within(section).getByTestId('retention-edit-button'));

    await userEvent.type(within(section).getByTestId('retention-keep-newest'), '1');
    expect(await within(section).findByTestId('retention-preview-summary')).toHaveTextContent(
      'Versions to delete: 1, freeing 1 MB',
    );
    expect(within(section).getByTestId('retention-preview-delete')).toHaveTextContent('1.1.0');
    expect(within(section).getByTestId('retention-preview-protected')).toHaveTextContent(
      '0.9.0 production would roll back to it',
    );
    expect(within(section).getByTestId('retention-submit')).toHaveTextContent(/^Save and delete 1 version$/);
    expect(calls.some((c) => c.method === 'PUT')).toBe(false);

    await userEvent.click(within(section).getByTestId('retention-submit'));
    expect(await within(section).findByTestId('retention-saved')).toHaveTextContent('1.1.0');
    expect(calls.filter((c) => c.method === 'PUT').map((c) => c.body)).toEqual([
      { keepNewest: 1, keepDeployedDays: null },
    ]);
  });

  it('refuses an age rule without N before asking the server', async () => {
    const { calls } = asRole('maintainer', {
      'GET /api/v1/projects/shop/environments': () => json([]),
      'GET /api/v1/projects/shop/artifact-retention/preview': () => json(preview(null)),
    });
    renderApp('/projects/shop');
    const section = await screen.findByTestId('retention-section');
    await userEvent.click(await within(section).findByTestId('retention-edit-button'));
    await userEvent.type(within(section).getByTestId('retention-keep-days'), '30');
    await userEvent.click(within(section).getByTestId('retention-submit'));
    expect(await within(section).findByTestId('field-error-keepDeployedDays')).toHaveTextContent('keepNewest');
    expect(calls.some((c) => c.method === 'PUT')).toBe(false);
  });

  it('is read-only for viewers', async () => {
    asRole('viewer', { 'GET /api/v1/projects/shop/environments': () => json([]) });
    renderApp('/projects/shop');
    const section = await screen.findByTestId('retention-section');
    expect(await within(section).findByTestId('retention-current')).toBeInTheDocument();
    expect(within(section).queryByTestId('retention-edit-button')).not.toBeInTheDocument();
  });
});
