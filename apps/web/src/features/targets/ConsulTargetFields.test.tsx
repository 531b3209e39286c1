import type { EnvironmentView, TargetView, VariableView } from '@wharf/shared';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { installFakeApi, json, type Handler } from '../../test/fake-api';
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
const VARS = 'GET /api/v1/projects/shop/environments/env-staging/variables';
const secretVar: VariableView = {
  id: 'v1',
  name: 'WHARF_RESTART_SECRET',
  secret: true,
  value: null,
  updatedAt: '2025-06-01T00:00:00.000Z',
};

function setup(routes: Record<string, Handler> = {}) {
  const api = installFakeApi({
    'GET /api/v1/auth/me': () => json(adminMe),
    'GET /api/v1/projects/shop': () => json(project('maintainer')),
    'GET /api/v1/projects/shop/environments': () => json([staging]),
    'GET /api/v1/projects/shop/credentials': () => json([]),
    'GET /api/v1/projects/shop/targets': () => json([]),
    [VARS]: () => json([]),
    'POST /api/v1/projects/shop/environments/env-staging/targets': ({ body }) =>
      json(
        {
          id: 't1',
          environmentId: 'env-staging',
          hostKey: null,
          createdAt: '2025-01-01T00:00:00Z',
          ...(body as object),
        },
        201,
      ),
    ...routes,
  });
  renderApp('/projects/shop/targets');
  return api;
}

async function newConsulTarget() {
  await userEvent.click(await screen.findByTestId('target-create-button'));
  await userEvent.selectOptions(screen.getByTestId('target-kind'), 'consul');
  await userEvent.type(screen.getByTestId('target-name'), 'shop-consul');
}

const field = (path: string) => screen.getByTestId(`target-config-${path}`);
const replace = async (path: string, text: string) => {
  await userEvent.clear(field(path));
  if (text) await userEvent.type(field(path), text);
};
const posts = (calls: { method: string; body: unknown }[]) => calls.filter((c) => c.method === 'POST');

describe('Consul target form', () => {
  it('refuses what the shared schema refuses, in the form’s own words, before any request', async () => {
    const { calls } = setup();
    await newConsulTarget();
    await userEvent.type(field('consulUrl'), 'consul.internal:8500');
    await userEvent.type(field('agents'), 'http://127.0.0.1:8501{enter}ftp://127.0.0.1:8502');
    await userEvent.type(field('service'), 'my app');
    await userEvent.type(field('tag'), '-canary');
    await replace('healthPath', 'health');
    await replace('maxPolls', '0');
    await replace('readinessDelaySeconds', '121');
    await replace('pollIntervalMs', '50');
    await userEvent.type(field('minHealthy'), '-1');
    await userEvent.click(screen.getByTestId('target-submit'));

    const error = (path: string) => screen.findByTestId(`field-error-config.${path}`);
    expect(await error('consulUrl')).toHaveTextContent('Enter an http:// or https:// URL.');
    expect(await error('agents')).toHaveTextContent('Enter at most 8 http:// or https:// URLs, one per line.');
    expect(await error('service')).toHaveTextContent('Use the Consul service name');
    expect(await error('tag')).toHaveTextContent('Use 1–128 letters, digits or . _ : = / -');
    expect(await error('healthPath')).toHaveTextContent('Use a path starting with "/"');
    expect(await error('maxPolls')).toHaveTextContent('Enter a whole number from 1 to 1000.');
    expect(await error('readinessDelaySeconds')).toHaveTextContent('Enter a number of seconds from 0 to 120.');
    expect(await error('pollIntervalMs')).toHaveTextContent('Enter a whole number from 100 to 600000.');
    expect(await error('minHealthy')).toHaveTextContent('Enter a whole number from 0 to 1000, or leave it empty.');
    expect(screen.queryByTestId('field-error-config.restartPath')).not.toBeInTheDocument();
    expect(posts(calls)).toEqual([]);
  });

  it('sends the config the schema accepts: agents as a list, blanks as defaults', async () => {
    const { calls } = setup();
    await newConsulTarget();
    await userEvent.type(field('consulUrl'), 'http://127.0.0.1:8500');
    // Blank lines and surrounding spaces are not agents.
    await userEvent.type(field('agents'), '  http://127.0.0.1:8501 {enter}{enter}http://127.0.0.1:8502');
    await userEvent.type(field('service'), 'shop');
    await userEvent.type(field('datacenter'), 'dc1');
    await replace('readinessDelaySeconds', '0');
    await replace('pollIntervalMs', '200');
    await userEvent.click(screen.getByTestId('target-submit'));
    await waitFor(() => expect(posts(calls)).toHaveLength(1));
    expect(posts(calls)[0]!.body).toEqual({
      kind: 'consul',
      name: 'shop-consul',
      credentialId: null,
      config: {
        consulUrl: 'http://127.0.0.1:8500',
        agents: ['http://127.0.0.1:8501', 'http://127.0.0.1:8502'],
        service: 'shop',
        datacenter: 'dc1',
        restartPath: '/-/restart',
        healthPath: '/health',
        minHealthy: null,
        pollIntervalMs: 200,
        maxPolls: 12,
        readinessDelaySeconds: 0,
      },
    });
  });

  it('says when the environment lacks its restart secret, and links to where it is set', async () => {
    setup();
    await newConsulTarget();
    const notice = await screen.findByTestId('consul-restart-secret');
    await waitFor(() => expect(notice).toHaveAttribute('data-state', 'missing'));
    expect(notice).toHaveTextContent('WHARF_RESTART_SECRET (at least 16 characters)');
    expect(within(notice).getByTestId('consul-restart-secret-link')).toHaveAttribute(
      'href',
      '/projects/shop/environments',
    );
  });

  it('shows an existing target’s agents one per line, and that the secret is set', async () => {
    const target: TargetView = {
      id: 't1',
      environmentId: 'env-staging',
      name: 'shop-consul',
      kind: 'consul',
      config: {
        consulUrl: 'http://127.0.0.1:8500',
        agents: ['http://127.0.0.1:8501', 'http://127.0.0.1:8502'],
        service: 'shop',
        restartPath: '/-/restart',
        healthPath: '/health',
        minHealthy: 2,
        pollIntervalMs: 10000,
        maxPolls: 12,
        readinessDelaySeconds: 10,
      },
      credentialId: null,
      hostKey: null,
      createdAt: '2025-01-01T00:00:00Z',
    };
    setup({ 'GET /api/v1/projects/shop/targets': () => json([target]), [VARS]: () => json([secretVar]) });
    await userEvent.click(await screen.findByTestId('target-edit'));
    expect(field('agents')).toHaveValue('http://127.0.0.1:8501\nhttp://127.0.0.1:8502');
    expect(field('minHealthy')).toHaveValue(2);
    const notice = screen.getByTestId('consul-restart-secret');
    await waitFor(() => expect(notice).toHaveAttribute('data-state', 'set'));
    expect(within(notice).queryByTestId('consul-restart-secret-link')).not.toBeInTheDocument();
  });
});
