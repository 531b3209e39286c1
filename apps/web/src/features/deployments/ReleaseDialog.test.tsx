import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { errorResponse, installFakeApi, json, type Handler } from '../../test/fake-api';
import { fakeLiveFactory } from '../../test/fake-live';
import {
  adminMe,
  artifactView,
  DEPLOYMENT_ID,
  deploymentView,
  envStatus,
  project,
  viewerMe,
} from '../../test/fixtures';
import { renderApp } from '../../test/render';

const artifact = (version: string) => artifactView(version);

const statuses = [
  envStatus('staging', {
    current: { version: '1.3.0', deploymentId: 'd-s', finishedAt: '2025-06-01T11:00:00.000Z', actor: 'ci' },
  }),
  envStatus('production', {
    protected: true,
    current: { version: '1.2.0', deploymentId: 'd-p', finishedAt: '2025-05-30T11:00:00.000Z', actor: 'ada' },
  }),
];

function setup(role: 'maintainer' | 'deployer' | 'viewer', routes: Record<string, Handler> = {}) {
  const api = installFakeApi({
    'GET /api/v1/auth/me': () => json(role === 'maintainer' ? adminMe : viewerMe),
    'GET /api/v1/projects/shop': () => json(project(role)),
    'GET /api/v1/projects/shop/artifacts': () =>
      json({ items: [artifact('1.3.0'), artifact('1.2.0')], nextCursor: null }),
    'GET /api/v1/projects/shop/environment-status': () => json(statuses),
    [`GET /api/v1/projects/shop/deployments/${DEPLOYMENT_ID}`]: () => json(deploymentView({ state: 'queued' })),
    ...routes,
  });
  const live = fakeLiveFactory();
  const view = renderApp('/projects/shop/versions', { live: live.factory });
  return { ...api, ...view, live };
}

async function openDialog(version: string) {
  await userEvent.click(await screen.findByTestId(`release-button-${version}`));
  const dialog = await screen.findByTestId('release-dialog');
  await within(dialog).findByTestId('release-environment');
  return dialog;
}

describe('release dialog', () => {
  it('on a protected environment keeps Release disabled until the environment name is typed exactly', async () => {
    const { calls, router } = setup('maintainer', {
      'POST /api/v1/projects/shop/deployments': () => json(deploymentView({ state: 'queued' }), 201),
    });
    const dialog = await openDialog('1.3.0');
    await userEvent.selectOptions(within(dialog).getByTestId('release-environment'), 'env-production');
    expect(within(dialog).getByTestId('release-from')).toHaveTextContent('1.2.0');
    expect(within(dialog).getByTestId('release-to')).toHaveTextContent('1.3.0');
    const submit = within(dialog).getByTestId('release-submit');
    const input = within(dialog).getByTestId('release-confirm-input');
    expect(submit).toBeDisabled();
    await userEvent.type(input, 'Production');
    expect(submit).toBeDisabled();
    await userEvent.clear(input);
    await userEvent.type(input, 'productio');
    expect(submit).toBeDisabled();
    // Enter in the field must not get around the gate either.
    await userEvent.type(input, '{Enter}');
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
    await userEvent.type(input, 'n');
    expect(submit).toBeEnabled();
    await userEvent.click(submit);
    await screen.findByTestId('deployment-page');
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      environmentId: 'env-production',
      version: '1.3.0',
      confirm: 'production',
    });
    expect(router.state.location.pathname).toBe(`/projects/shop/deployments/${DEPLOYMENT_ID}`);
  });

  it('on an unprotected environment needs no typed confirmation and shows from → to', async () => {
    const { calls } = setup('deployer', {
      'POST /api/v1/projects/shop/deployments': () => json(deploymentView({ state: 'queued' }), 201),
    });
    const dialog = await openDialog('1.2.0');
    expect((within(dialog).getByTestId('release-environment') as HTMLSelectElement).value).toBe('env-staging');
    expect(within(dialog).queryByTestId('release-confirm-input')).not.toBeInTheDocument();
    expect(within(dialog).getByTestId('release-from')).toHaveTextContent('1.3.0');
    expect(within(dialog).getByTestId('release-to')).toHaveTextContent('1.2.0');
    await userEvent.click(within(dialog).getByTestId('release-submit'));
    await screen.findByTestId('deployment-page');
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ environmentId: 'env-staging', version: '1.2.0' });
  });

  it('resets the typed name when the environment changes', async () => {
    setup('maintainer');
    const dialog = await openDialog('1.3.0');
    const select = within(dialog).getByTestId('release-environment');
    await userEvent.selectOptions(select, 'env-production');
    await userEvent.type(within(dialog).getByTestId('release-confirm-input'), 'production');
    expect(within(dialog).getByTestId('release-submit')).toBeEnabled();
    await userEvent.selectOptions(select, 'env-staging');
    await userEvent.selectOptions(select, 'env-production');
    expect(within(dialog).getByTestId('release-confirm-input')).toHaveValue('');
    expect(within(dialog).getByTestId('release-submit')).toBeDisabled();
  });

  it('shows API refusals inline and stays open: no targets, and 403 for a deployer on a protected environment', async () => {
    setup('deployer', {
      'POST /api/v1/projects/shop/deployments': ({ body }) =>
        (body as { environmentId: string }).environmentId === 'env-staging'
          ? errorResponse(400, 'environment staging has no targets; add one before releasing')
          : errorResponse(403, 'production is protected: releasing to it needs the maintainer role'),
    });
    const dialog = await openDialog('1.3.0');
    await userEvent.click(within(dialog).getByTestId('release-submit'));
    expect(await within(dialog).findByTestId('release-error')).toHaveTextContent('environment staging has no targets');

    await userEvent.selectOptions(within(dialog).getByTestId('release-environment'), 'env-production');
    expect(within(dialog).queryByTestId('release-error')).not.toBeInTheDocument();
    expect(within(dialog).getByTestId('release-protected')).toHaveTextContent('needs the maintainer role');
    await userEvent.type(within(dialog).getByTestId('release-confirm-input'), 'production');
    await userEvent.click(within(dialog).getByTestId('release-submit'));
    const err = await within(dialog).findByTestId('release-error');
    expect(err).toHaveTextContent('Not allowed.');
    expect(err).toHaveTextContent('releasing to it needs the maintainer role');
    expect(screen.getByTestId('release-dialog')).toBeInTheDocument();
  });

  it('shows the API’s confirm issue next to the field', async () => {
    setup('maintainer', {
      'POST /api/v1/projects/shop/deployments': () =>
        errorResponse(400, 'production is protected: type its name to confirm', [
          { path: 'confirm', message: 'type "production" to confirm' },
        ]),
    });
    const dialog = await openDialog('1.3.0');
    await userEvent.selectOptions(within(dialog).getByTestId('release-environment'), 'env-production');
    await userEvent.type(within(dialog).getByTestId('release-confirm-input'), 'production');
    await userEvent.click(within(dialog).getByTestId('release-submit'));
    expect(await within(dialog).findByTestId('field-error-confirm')).toHaveTextContent('type "production" to confirm');
  });

  it('closes with Escape', async () => {
    setup('maintainer');
    await openDialog('1.3.0');
    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByTestId('release-dialog')).not.toBeInTheDocument());
  });

  it('has no Release buttons for viewers', async () => {
    setup('viewer');
    await screen.findByTestId('artifact-row-1.3.0');
    expect(screen.queryByTestId('release-button-1.3.0')).not.toBeInTheDocument();
  });
});
