import { DEFAULT_DEPLOY_SETTINGS, type DeploySettings, type TargetKind, type TargetView } from '@wharf/shared';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { installFakeApi, json, type Handler } from '../../test/fake-api';
import { adminMe, artifactView, envStatus, project } from '../../test/fixtures';
import { renderApp } from '../../test/render';

const artifact = artifactView('1.3.0');

const settingsWith = (patch: Partial<DeploySettings> = {}): DeploySettings => ({
  ...(structuredClone(DEFAULT_DEPLOY_SETTINGS) as unknown as DeploySettings),
  ...patch,
});

const target = (envId: string, kind: TargetKind): TargetView => ({
  id: `t-${envId}`,
  environmentId: envId,
  name: `${kind}-1`,
  kind,
  config: {},
  credentialId: null,
  hostKey: null,
  createdAt: '2025-01-01T00:00:00Z',
});

/** staging: a Consul target; production (protected): SSH with the given settings. */
function setup(envs: Record<'staging' | 'production', { kind: TargetKind; settings: DeploySettings }>) {
  const routes: Record<string, Handler> = {
    'GET /api/v1/auth/me': () => json(adminMe),
    'GET /api/v1/projects/shop': () => json(project('maintainer')),
    'GET /api/v1/projects/shop/artifacts': () => json({ items: [artifact], nextCursor: null }),
    'GET /api/v1/projects/shop/environment-status': () =>
      json([envStatus('staging'), envStatus('production', { protected: true })]),
    'GET /api/v1/projects/shop/targets': ({ url }) => {
      const envId = url.searchParams.get('environmentId');
      const name = envId === 'env-staging' ? 'staging' : 'production';
      return json([target(envId ?? '', envs[name].kind)]);
    },
  };
  for (const name of ['staging', 'production'] as const) {
    routes[`GET /api/v1/projects/shop/environments/env-${name}/settings`] = () => json(envs[name].settings);
  }
  installFakeApi(routes);
  renderApp('/projects/shop/versions');
}

async function openDialog() {
  await userEvent.click(await screen.findByTestId('release-button-1.3.0'));
  const dialog = await screen.findByTestId('release-dialog');
  await within(dialog).findByTestId('release-environment');
  return dialog;
}

describe('release dialog: rolling restart', () => {
  it('names a release to Consul targets a rolling restart, and an SSH release a release', async () => {
    setup({
      staging: { kind: 'consul', settings: settingsWith() },
      production: { kind: 'ssh', settings: settingsWith() },
    });
    const dialog = await openDialog();
    expect(await within(dialog).findByTestId('release-rolling')).toHaveTextContent(
      'staging releases by rolling restart',
    );
    expect(within(dialog).getByTestId('release-submit')).toHaveTextContent('Rolling restart of staging');
    expect(within(dialog).getByRole('heading')).toHaveTextContent('Rolling restart (1.3.0)');

    await userEvent.selectOptions(within(dialog).getByTestId('release-environment'), 'env-production');
    await waitFor(() =>
      expect(within(dialog).getByTestId('release-submit')).toHaveTextContent('Release 1.3.0 to production'),
    );
    expect(within(dialog).queryByTestId('release-rolling')).not.toBeInTheDocument();
  });

  it('warns that a protected environment refuses a rolling restart unless an admin allowed it', async () => {
    setup({
      staging: { kind: 'consul', settings: settingsWith() },
      production: { kind: 'ssh', settings: settingsWith({ strategy: 'rolling-restart' }) },
    });
    const dialog = await openDialog();
    await userEvent.selectOptions(within(dialog).getByTestId('release-environment'), 'env-production');
    const note = await within(dialog).findByTestId('release-rolling');
    await waitFor(() => expect(note).toHaveTextContent('production is protected and does not allow rolling restarts'));
    expect(note).toHaveClass('alert-warn');
    expect(within(dialog).getByTestId('release-submit')).toHaveTextContent('Rolling restart of production');
  });
});
