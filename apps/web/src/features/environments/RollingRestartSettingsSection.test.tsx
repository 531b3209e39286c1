import { DEFAULT_DEPLOY_SETTINGS, type DeploySettings, type EnvironmentView } from '@wharf/shared';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { installFakeApi, json } from '../../test/fake-api';
import { adminMe, ENV_RULE_DEFAULTS, project } from '../../test/fixtures';
import { renderApp } from '../../test/render';

const production: EnvironmentView = {
  ...ENV_RULE_DEFAULTS,
  id: 'env-production',
  name: 'production',
  position: 0,
  protected: true,
  createdAt: '2025-01-03T00:00:00.000Z',
};
const settings = structuredClone(DEFAULT_DEPLOY_SETTINGS) as unknown as DeploySettings;
const base = '/api/v1/projects/shop/environments/env-production';
// A project maintainer who is not a global admin.
const maintainerMe = { ...adminMe, isAdmin: false };

function setup(me: typeof adminMe) {
  const api = installFakeApi({
    'GET /api/v1/auth/me': () => json(me),
    'GET /api/v1/projects/shop': () => json(project('maintainer')),
    'GET /api/v1/projects/shop/environments': () => json([production]),
    [`GET ${base}/settings`]: () => json(settings),
    [`PATCH ${base}/settings`]: () => json(settings),
    [`GET ${base}/variables`]: () => json([]),
  });
  renderApp('/projects/shop/environments');
  return api;
}

async function openSection() {
  await userEvent.click(await screen.findByTestId('environment-settings'));
  return screen.findByTestId('settings-rolling-restart');
}

const patches = (calls: { method: string; body: unknown }[]) =>
  calls.filter((c) => c.method === 'PATCH').map((c) => c.body as Record<string, unknown>);

describe('deploy settings: strategy and rolling restart', () => {
  it('refuses a readiness wait outside 0-120 s before sending, then saves the strategy with the settings', async () => {
    const { calls } = setup(adminMe);
    await openSection();
    expect(screen.getByTestId('settings-strategy')).toHaveValue('release');
    expect(screen.getByTestId('settings-readiness-delay')).toHaveValue(10);
    await userEvent.selectOptions(screen.getByTestId('settings-strategy'), 'rolling-restart');
    const delay = screen.getByTestId('settings-readiness-delay');
    await userEvent.clear(delay);
    await userEvent.type(delay, '121');
    await userEvent.click(screen.getByTestId('settings-submit'));
    expect(await screen.findByTestId('field-error-rollingRestart.readinessDelaySeconds')).toHaveTextContent(
      'Enter a number of seconds from 0 to 120.',
    );
    await userEvent.clear(delay);
    await userEvent.click(screen.getByTestId('settings-submit'));
    expect(screen.getByTestId('field-error-rollingRestart.readinessDelaySeconds')).toBeInTheDocument();
    expect(patches(calls)).toEqual([]);

    await userEvent.type(delay, '2.5');
    await userEvent.click(screen.getByTestId('settings-submit'));
    expect(await screen.findByTestId('settings-saved')).toBeInTheDocument();
    expect(patches(calls)).toHaveLength(1);
    // The admin did not touch the protected switch: it is not sent.
    expect(patches(calls)[0]).toMatchObject({
      strategy: 'rolling-restart',
      rollingRestart: { readinessDelaySeconds: 2.5 },
    });
    expect(patches(calls)[0]!.rollingRestart).not.toHaveProperty('allowOnProtected');
  });

  it('lets an admin allow rolling restarts on a protected environment, with a warning', async () => {
    const { calls } = setup(adminMe);
    await openSection();
    const warning = screen.getByTestId('settings-protected-warning');
    expect(warning).toHaveTextContent('production is protected: rolling restarts');
    expect(warning).toHaveAttribute('data-allowed', 'false');
    const toggle = screen.getByTestId('settings-allow-on-protected');
    expect(toggle).toBeEnabled();
    await userEvent.click(toggle);
    expect(screen.getByTestId('settings-protected-warning')).toHaveAttribute('data-allowed', 'true');
    expect(screen.getByTestId('settings-protected-warning')).toHaveTextContent('restarts every live instance');
    await userEvent.click(screen.getByTestId('settings-submit'));
    await waitFor(() => expect(patches(calls)).toHaveLength(1));
    expect(patches(calls)[0]!.rollingRestart).toEqual({ readinessDelaySeconds: 10, allowOnProtected: true });
  });

  it('shows a maintainer who is not an admin the switch, but not to change', async () => {
    const { calls } = setup(maintainerMe);
    await openSection();
    expect(screen.getByTestId('settings-allow-on-protected')).toBeDisabled();
    expect(screen.getByTestId('settings-rolling-restart')).toHaveTextContent('Only an administrator can change this.');
    await userEvent.click(screen.getByTestId('settings-submit'));
    await waitFor(() => expect(patches(calls)).toHaveLength(1));
    expect(patches(calls)[0]!.rollingRestart).toEqual({ readinessDelaySeconds: 10 });
  });
});
