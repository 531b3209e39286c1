import { DEFAULT_DEPLOY_SETTINGS, type DeploySettings, type EnvironmentView } from '@wharf/shared';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { installFakeApi, json } from '../../test/fake-api';
import { adminMe, ENV_RULE_DEFAULTS, project } from '../../test/fixtures';
import { renderApp } from '../../test/render';

const staging: EnvironmentView = {
  ...ENV_RULE_DEFAULTS,
  id: 'env-staging',
  name: 'staging',
  position: 0,
  protected: false,
  createdAt: '2025-01-03T00:00:00.000Z',
};
const settings = structuredClone(DEFAULT_DEPLOY_SETTINGS) as unknown as DeploySettings;
const base = '/api/v1/projects/shop/environments/env-staging';

function setup() {
  const api = installFakeApi({
    'GET /api/v1/auth/me': () => json(adminMe),
    'GET /api/v1/projects/shop': () => json(project('maintainer')),
    'GET /api/v1/projects/shop/environments': () => json([staging]),
    [`GET ${base}/settings`]: () => json(settings),
    [`PATCH ${base}/settings`]: ({ body }) => {
      const k = (body as { kubernetes: DeploySettings['kubernetes'] }).kubernetes;
      return json({ ...settings, kubernetes: k });
    },
    [`GET ${base}/variables`]: () => json([]),
  });
  renderApp('/projects/shop/environments');
  return api;
}

const patches = (calls: { method: string; body: unknown }[]) =>
  calls.filter((c) => c.method === 'PATCH').map((c) => (c.body as Record<string, unknown>).kubernetes);

describe('deploy settings: Kubernetes', () => {
  it('explains the chosen release mode and saves mode and rollout deadline with the settings', async () => {
    const { calls } = setup();
    await userEvent.click(await screen.findByTestId('environment-settings'));
    await screen.findByTestId('settings-kubernetes');
    expect(screen.getByTestId('settings-k8s-mode')).toHaveValue('image');
    expect(screen.getByTestId('settings-k8s-mode-hint')).toHaveTextContent("sets the container's image");
    expect(screen.getByTestId('settings-k8s-rollout-timeout')).toHaveValue(600);

    await userEvent.selectOptions(screen.getByTestId('settings-k8s-mode'), 'restart');
    expect(screen.getByTestId('settings-k8s-mode-hint')).toHaveTextContent('kubectl rollout restart');
    const deadline = screen.getByTestId('settings-k8s-rollout-timeout');
    await userEvent.clear(deadline);
    await userEvent.type(deadline, '120');
    await userEvent.click(screen.getByTestId('settings-submit'));
    await screen.findByTestId('settings-saved');
    expect(patches(calls)).toEqual([{ mode: 'restart', rolloutTimeoutSeconds: 120 }]);
  });

  it('refuses a deadline outside 5 s to 6 h before sending', async () => {
    const { calls } = setup();
    await userEvent.click(await screen.findByTestId('environment-settings'));
    const deadline = await screen.findByTestId('settings-k8s-rollout-timeout');
    for (const bad of ['4', '21601', '']) {
      await userEvent.clear(deadline);
      if (bad) await userEvent.type(deadline, bad);
      await userEvent.click(screen.getByTestId('settings-submit'));
      await waitFor(() =>
        expect(screen.getByTestId('field-error-kubernetes.rolloutTimeoutSeconds')).toHaveTextContent('5 to 21600'),
      );
    }
    expect(patches(calls)).toEqual([]);
  });
});
