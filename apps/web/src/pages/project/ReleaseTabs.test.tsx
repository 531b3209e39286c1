import type {
  DeploySettings,
  EnvironmentView,
  HostPreflightView,
  PreflightCheckView,
  TargetView,
  VariableView,
} from '@wharf/shared';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { errorResponse, installFakeApi, json, type Handler } from '../../test/fake-api';
import { fakeLiveFactory } from '../../test/fake-live';
import {
  adminMe,
  ENV_RULE_DEFAULTS,
  DEPLOYMENT_ID,
  deploymentView,
  envStatus,
  project,
  viewerMe,
} from '../../test/fixtures';
import { renderApp } from '../../test/render';

const env = (name: string, position: number, isProtected = false): EnvironmentView => ({
  ...ENV_RULE_DEFAULTS,
  id: `env-${name}`,
  name,
  position,
  protected: isProtected,
  createdAt: '2025-01-03T00:00:00.000Z',
});

function as(
  role: 'maintainer' | 'deployer' | 'viewer',
  routes: Record<string, Handler>,
  opts: { admin?: boolean } = {},
) {
  return installFakeApi({
    'GET /api/v1/auth/me': () => json((opts.admin ?? role === 'maintainer') ? adminMe : viewerMe),
    'GET /api/v1/projects/shop': () => json(project(role)),
    ...routes,
  });
}

describe('overview: what each environment runs', () => {
  const routes = (extra: Record<string, Handler> = {}) => ({
    'GET /api/v1/projects/shop/environments': () => json([env('staging', 0), env('production', 1, true)]),
    'GET /api/v1/projects/shop/targets': () => json([]),
    'GET /api/v1/projects/shop/environment-status': () =>
      json([
        envStatus('staging', {
          current: {
            version: '1.3.0',
            deploymentId: 'd-s',
            finishedAt: new Date(Date.now() - 3_600_000).toISOString(),
            actor: 'ci:gitlab',
          },
          active: { deploymentId: DEPLOYMENT_ID, version: '1.4.0', state: 'running' },
        }),
        envStatus('production', {
          protected: true,
          current: {
            version: '1.2.0',
            deploymentId: 'd-p',
            finishedAt: new Date(Date.now() - 86_400_000).toISOString(),
            actor: 'ada@example.com',
          },
        }),
      ]),
    ...extra,
  });

  it('shows the current version, when and by whom, and an in-progress badge linking to the deployment', async () => {
    as('maintainer', routes());
    renderApp('/projects/shop', { live: fakeLiveFactory().factory });
    expect(await screen.findByTestId('env-current-staging')).toHaveTextContent('1.3.0');
    expect(screen.getByTestId('env-current-production')).toHaveTextContent('1.2.0');
    expect(screen.getByTestId('env-deployed-staging')).toHaveTextContent('Deployed 1 hour ago by ci:gitlab');
    const active = screen.getByTestId('env-active-staging');
    expect(active).toHaveTextContent('Deploying 1.4.0');
    expect(active).toHaveAttribute('href', `/projects/shop/deployments/${DEPLOYMENT_ID}`);
    expect(screen.queryByTestId('env-active-production')).not.toBeInTheDocument();
    expect(screen.getByTestId('env-history-production')).toHaveAttribute(
      'href',
      '/projects/shop/deployments?env=env-production',
    );
  });

  it('rolls back a protected environment only after its name is typed, then opens the new deployment', async () => {
    const { calls } = as(
      'maintainer',
      routes({
        'GET /api/v1/projects/shop/deployments': () =>
          json({
            items: [
              deploymentView({ id: 'd-p', version: '1.2.0', state: 'succeeded' }),
              deploymentView({ id: 'd-p0', version: '1.2.0', state: 'succeeded' }),
              deploymentView({ id: 'd-p1', version: '1.1.0', state: 'succeeded' }),
            ],
            nextCursor: null,
          }),
        'POST /api/v1/projects/shop/environments/env-production/rollback': () =>
          json(
            deploymentView({ trigger: 'rollback', state: 'queued', version: '1.1.0', previousVersion: '1.2.0' }),
            201,
          ),
        [`GET /api/v1/projects/shop/deployments/${DEPLOYMENT_ID}`]: () =>
          json(deploymentView({ trigger: 'rollback', state: 'queued', version: '1.1.0', previousVersion: '1.2.0' })),
      }),
    );
    const { router } = renderApp('/projects/shop', { live: fakeLiveFactory().factory });
    await userEvent.click(await screen.findByTestId('rollback-production'));
    const dialog = await screen.findByTestId('rollback-dialog');
    expect(within(dialog).getByTestId('rollback-from')).toHaveTextContent('1.2.0');
    await waitFor(() => expect(within(dialog).getByTestId('rollback-to')).toHaveTextContent('1.1.0'));
    const submit = within(dialog).getByTestId('rollback-submit');
    expect(submit).toBeDisabled();
    await userEvent.type(within(dialog).getByTestId('rollback-confirm-input'), 'staging');
    expect(submit).toBeDisabled();
    await userEvent.clear(within(dialog).getByTestId('rollback-confirm-input'));
    await userEvent.type(within(dialog).getByTestId('rollback-confirm-input'), 'production');
    await userEvent.click(submit);
    await waitFor(() => expect(router.state.location.pathname).toBe(`/projects/shop/deployments/${DEPLOYMENT_ID}`));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ confirm: 'production' });
    expect(await screen.findByTestId('deployment-trigger')).toHaveTextContent('rollback');
  });

  it('shows why a rollback was refused', async () => {
    as(
      'deployer',
      routes({
        'GET /api/v1/projects/shop/deployments': () => json({ items: [], nextCursor: null }),
        'POST /api/v1/projects/shop/environments/env-staging/rollback': () =>
          errorResponse(409, 'environment staging has no earlier successful version to roll back to'),
      }),
    );
    renderApp('/projects/shop', { live: fakeLiveFactory().factory });
    await userEvent.click(await screen.findByTestId('rollback-staging'));
    const dialog = await screen.findByTestId('rollback-dialog');
    expect(within(dialog).queryByTestId('rollback-confirm-input')).not.toBeInTheDocument();
    expect(await within(dialog).findByTestId('rollback-no-previous')).toBeInTheDocument();
    await userEvent.click(within(dialog).getByTestId('rollback-submit'));
    expect(await within(dialog).findByTestId('rollback-error')).toHaveTextContent('no earlier successful version');
  });

  it('has no roll back buttons for viewers, and says when nothing is deployed', async () => {
    as('viewer', {
      'GET /api/v1/projects/shop/environments': () => json([env('staging', 0)]),
      'GET /api/v1/projects/shop/targets': () => json([]),
      'GET /api/v1/projects/shop/environment-status': () => json([envStatus('staging')]),
    });
    renderApp('/projects/shop');
    expect(await screen.findByTestId('env-current-staging')).toHaveTextContent('Nothing deployed yet');
    expect(screen.queryByTestId('rollback-staging')).not.toBeInTheDocument();
  });
});

describe('deployments tab', () => {
  it('lists history, filters through the URL and the API, and pages with the cursor', async () => {
    const { calls } = as('viewer', {
      'GET /api/v1/projects/shop/environments': () => json([env('staging', 0), env('production', 1, true)]),
      'GET /api/v1/projects/shop/deployments': ({ url }) => {
        const p = url.searchParams;
        if (p.get('state') === 'cancelled') return json({ items: [], nextCursor: null });
        if (p.get('cursor') === 'c2')
          return json({
            items: [deploymentView({ id: 'd-3', version: '1.0.0', state: 'succeeded' })],
            nextCursor: null,
          });
        return json({
          items: [
            deploymentView({ id: 'd-1', state: 'failed', trigger: 'cli' }),
            deploymentView({
              id: 'd-2',
              version: '1.2.0',
              previousVersion: null,
              state: 'succeeded',
              trigger: 'rollback',
            }),
          ],
          nextCursor: 'c2',
        });
      },
    });
    const { router } = renderApp('/projects/shop/deployments');
    const row = await screen.findByTestId('deployment-row-d-1');
    expect(row).toHaveTextContent('failed');
    expect(row).toHaveTextContent('1.2.0');
    expect(row).toHaveTextContent('1.3.0');
    expect(row).toHaveTextContent('CLI');
    expect(within(row).getAllByRole('link')[0]).toHaveAttribute('href', '/projects/shop/deployments/d-1');
    expect(screen.getByTestId('deployment-row-d-2')).toHaveTextContent('nothing deployed yet');
    await userEvent.click(screen.getByTestId('load-more'));
    await screen.findByTestId('deployment-row-d-3');

    await userEvent.selectOptions(screen.getByTestId('filter-environment'), 'env-production');
    await userEvent.selectOptions(screen.getByTestId('filter-trigger'), 'rollback');
    await userEvent.type(screen.getByTestId('filter-version'), '1.2.0{Enter}');
    await waitFor(() =>
      expect(router.state.location.search).toBe('?env=env-production&trigger=rollback&version=1.2.0'),
    );
    const last = calls.filter((c) => c.path.endsWith('/deployments')).at(-1)!;
    expect(Object.fromEntries(new URLSearchParams(last.search))).toEqual({
      environmentId: 'env-production',
      trigger: 'rollback',
      version: '1.2.0',
      limit: '25',
    });

    await userEvent.selectOptions(screen.getByTestId('filter-state'), 'cancelled');
    expect(await screen.findByTestId('deployments-empty-filtered')).toBeInTheDocument();
    await userEvent.click(screen.getByTestId('filter-clear'));
    await screen.findByTestId('deployment-row-d-1');
    expect(router.state.location.search).toBe('');
  });

  it('refuses a malformed version filter before asking the API', async () => {
    const { calls } = as('viewer', {
      'GET /api/v1/projects/shop/environments': () => json([]),
      'GET /api/v1/projects/shop/deployments': () => json({ items: [], nextCursor: null }),
    });
    renderApp('/projects/shop/deployments');
    expect(await screen.findByTestId('deployments-empty')).toBeInTheDocument();
    const before = calls.length;
    await userEvent.type(screen.getByTestId('filter-version'), 'bad version;rm{Enter}');
    expect(await screen.findByTestId('field-error-version')).toBeInTheDocument();
    expect(calls.slice(before).filter((c) => c.path.endsWith('/deployments'))).toEqual([]);
  });

  it('is reachable from the project tabs', async () => {
    as('viewer', {
      'GET /api/v1/projects/shop/environments': () => json([]),
      'GET /api/v1/projects/shop/targets': () => json([]),
      'GET /api/v1/projects/shop/environment-status': () => json([]),
      'GET /api/v1/projects/shop/deployments': () => json({ items: [], nextCursor: null }),
    });
    const { router } = renderApp('/projects/shop');
    await userEvent.click(await screen.findByTestId('deployments-tab'));
    expect(await screen.findByTestId('deployments-empty')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/projects/shop/deployments');
  });
});

describe('targets: host keys', () => {
  const FP = 'SHA256:' + 'A'.repeat(43);
  const OTHER_FP = 'SHA256:' + 'B'.repeat(43);
  const target = (name: string, hostKey: TargetView['hostKey']): TargetView => ({
    id: `t-${name}`,
    environmentId: 'env-staging',
    name,
    kind: 'ssh',
    config: { host: '127.0.0.2', port: 22, user: 'deploy', baseDir: '/srv/app', appName: 'app' },
    credentialId: null,
    hostKey,
    createdAt: '2025-01-03T00:00:00.000Z',
  });
  const checks = (statuses: string, failure = 'it failed'): PreflightCheckView[] =>
    (['reachable', 'host_key', 'login', 'commands', 'base_dir'] as const).map((name, i) => {
      const status = ({ p: 'passed', f: 'failed', s: 'skipped' } as const)[statuses[i] as 'p' | 'f' | 's'];
      return { name, status, message: status === 'failed' ? failure : `${name} ${status}` };
    });
  const probe = (id: string, pinned: string | null, over: Partial<HostPreflightView> = {}): HostPreflightView => ({
    targetId: id,
    host: '127.0.0.2',
    port: 22,
    ok: pinned === FP,
    checks: checks(pinned === FP ? 'ppppp' : 'pfsss'),
    fingerprint: FP,
    keyType: 'ssh-ed25519',
    pinned,
    matches: pinned === null ? null : pinned === FP,
    ...over,
  });

  function setup(admin: boolean, targets: TargetView[], extra: Record<string, Handler> = {}) {
    return as(
      'maintainer',
      {
        'GET /api/v1/projects/shop/environments': () => json([env('staging', 0)]),
        'GET /api/v1/projects/shop/credentials': () => json([]),
        'GET /api/v1/projects/shop/targets': () => json(targets),
        ...extra,
      },
      { admin },
    );
  }

  it('shows the pinned fingerprint or a "not approved" warning per row', async () => {
    setup(false, [target('web1', { fingerprint: FP, approvedAt: '2025-01-04T00:00:00.000Z' }), target('web2', null)]);
    renderApp('/projects/shop/targets');
    expect(await screen.findByTestId('host-key-web1')).toHaveTextContent(FP);
    expect(screen.getByTestId('host-key-web2')).toHaveTextContent('host key not approved');
  });

  it('tests the connection and lets an admin approve the offered key', async () => {
    let targets = [target('web2', null)];
    const { calls } = setup(true, targets, {
      'GET /api/v1/projects/shop/targets': () => json(targets),
      'POST /api/v1/projects/shop/targets/t-web2/test-connection': () =>
        json(probe('t-web2', targets[0]!.hostKey?.fingerprint ?? null)),
      'PUT /api/v1/projects/shop/targets/t-web2/host-key': ({ body }) => {
        targets = [
          target('web2', {
            fingerprint: (body as { fingerprint: string }).fingerprint,
            approvedAt: '2025-06-01T00:00:00.000Z',
          }),
        ];
        return json(targets[0]);
      },
    });
    renderApp('/projects/shop/targets');
    await userEvent.click(await screen.findByTestId('test-connection-web2'));
    const result = await screen.findByTestId('host-key-probe-web2');
    expect(within(result).getByTestId('probe-fingerprint')).toHaveTextContent(FP);
    expect(within(result).getByTestId('probe-key-type')).toHaveTextContent('ssh-ed25519');
    expect(within(result).getByTestId('probe-pinned')).toHaveTextContent('none yet');
    expect(within(result).getByTestId('probe-matches')).toHaveAttribute('data-matches', 'none');
    await userEvent.click(within(result).getByTestId('approve-host-key-web2'));
    await waitFor(() => expect(screen.getByTestId('host-key-web2')).toHaveTextContent(FP));
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({ fingerprint: FP });
    expect(within(screen.getByTestId('host-key-probe-web2')).getByTestId('probe-matches')).toHaveAttribute(
      'data-matches',
      'true',
    );
    expect(screen.queryByTestId('approve-host-key-web2')).not.toBeInTheDocument();
    // Approving runs the preflight again: now the login and host checks run and pass.
    await waitFor(() =>
      expect(within(screen.getByTestId('host-key-probe-web2')).getByTestId('preflight')).toHaveAttribute(
        'data-ok',
        'true',
      ),
    );
    expect(calls.filter((c) => c.method === 'POST' && c.path.endsWith('/test-connection'))).toHaveLength(2);
  });

  it('warns about a changed key, and non-admins cannot approve', async () => {
    setup(false, [target('web1', { fingerprint: OTHER_FP, approvedAt: '2025-01-04T00:00:00.000Z' })], {
      'POST /api/v1/projects/shop/targets/t-web1/test-connection': () => json(probe('t-web1', OTHER_FP)),
    });
    renderApp('/projects/shop/targets');
    await userEvent.click(await screen.findByTestId('test-connection-web1'));
    const result = await screen.findByTestId('host-key-probe-web1');
    expect(within(result).getByTestId('probe-matches')).toHaveAttribute('data-matches', 'false');
    expect(within(result).getByTestId('probe-matches')).toHaveTextContent('different key');
    expect(within(result).queryByTestId('approve-host-key-web1')).not.toBeInTheDocument();
    expect(within(result).getByTestId('approve-admins-only')).toBeInTheDocument();
  });

  it('lists every preflight check; the failing one says why', async () => {
    const failure = 'authentication as deploy on 127.0.0.2:22 failed: the server rejected the key';
    setup(false, [target('web1', { fingerprint: FP, approvedAt: '2025-01-04T00:00:00.000Z' })], {
      'POST /api/v1/projects/shop/targets/t-web1/test-connection': () =>
        json(probe('t-web1', FP, { ok: false, checks: checks('ppfss', failure) })),
    });
    renderApp('/projects/shop/targets');
    await userEvent.click(await screen.findByTestId('test-connection-web1'));
    const result = await screen.findByTestId('host-key-probe-web1');
    expect(within(result).getByTestId('preflight')).toHaveAttribute('data-ok', 'false');
    expect(within(result).getByTestId('preflight-summary')).toHaveTextContent(
      'A release to this host would fail at: Login with the credential.',
    );
    const status = (name: string) => within(result).getByTestId(`preflight-check-${name}`);
    expect(status('reachable')).toHaveAttribute('data-status', 'passed');
    expect(status('host_key')).toHaveAttribute('data-status', 'passed');
    expect(status('login')).toHaveAttribute('data-status', 'failed');
    expect(status('login')).toHaveTextContent(failure);
    expect(status('commands')).toHaveAttribute('data-status', 'skipped');
    expect(status('commands')).toHaveTextContent('not tried');
    expect(within(result).getByTestId('probe-matches')).toHaveAttribute('data-matches', 'true');
  });

  it('all checks passed', async () => {
    setup(false, [target('web1', { fingerprint: FP, approvedAt: '2025-01-04T00:00:00.000Z' })], {
      'POST /api/v1/projects/shop/targets/t-web1/test-connection': () => json(probe('t-web1', FP)),
    });
    renderApp('/projects/shop/targets');
    await userEvent.click(await screen.findByTestId('test-connection-web1'));
    const result = await screen.findByTestId('host-key-probe-web1');
    expect(within(result).getByTestId('preflight')).toHaveAttribute('data-ok', 'true');
    expect(within(result).getByTestId('preflight-summary')).toHaveTextContent('Every check passed');
  });

  it('an unreachable host: the failed check, no key to approve', async () => {
    setup(true, [target('web1', null)], {
      'POST /api/v1/projects/shop/targets/t-web1/test-connection': () =>
        json(
          probe('t-web1', null, {
            checks: checks('fssss', 'cannot open a TCP connection to 127.0.0.2:22: ECONNREFUSED'),
            fingerprint: null,
            keyType: null,
          }),
        ),
    });
    renderApp('/projects/shop/targets');
    await userEvent.click(await screen.findByTestId('test-connection-web1'));
    const result = await screen.findByTestId('host-key-probe-web1');
    expect(within(result).getByTestId('preflight-summary')).toHaveTextContent('fail at: Reachable (TCP)');
    expect(within(result).getByTestId('preflight-check-reachable')).toHaveTextContent('ECONNREFUSED');
    expect(within(result).queryByTestId('probe-fingerprint')).not.toBeInTheDocument();
    expect(within(result).queryByTestId('approve-host-key-web1')).not.toBeInTheDocument();
  });

  it('shows an error answer', async () => {
    setup(true, [target('web1', null)], {
      'POST /api/v1/projects/shop/targets/t-web1/test-connection': () =>
        errorResponse(502, 'cannot reach 127.0.0.2:22'),
    });
    renderApp('/projects/shop/targets');
    await userEvent.click(await screen.findByTestId('test-connection-web1'));
    expect(await screen.findByTestId('test-connection-error-web1')).toHaveTextContent('cannot reach 127.0.0.2:22');
  });
});

describe('environment deploy settings and variables', () => {
  const settings: DeploySettings = {
    installCommand: null,
    reload: { mode: 'startOrReload', ecosystemFile: 'ecosystem.config.cjs' },
    health: { intervalMs: 2000, timeoutMs: 5000, attempts: 15 },
    keepReleases: 5,
    preCommand: null,
    postCommand: null,
    batchSize: 1,
    onFailure: 'stop',
    parallelism: 20,
    timeoutMinutes: 60,
    strategy: 'release',
    kubernetes: { mode: 'image', rolloutTimeoutSeconds: 600 },
    rollingRestart: { readinessDelaySeconds: 10, allowOnProtected: false },
  };
  const variable = (name: string, secret: boolean, value: string | null): VariableView => ({
    id: `v-${name}`,
    name,
    secret,
    value,
    updatedAt: '2025-06-01T00:00:00.000Z',
  });
  const base = '/api/v1/projects/shop/environments/env-production';

  function setup(extra: Record<string, Handler> = {}) {
    const api = as('maintainer', {
      'GET /api/v1/projects/shop/environments': () => json([env('production', 0, true)]),
      [`GET ${base}/settings`]: () => json(settings),
      [`PATCH ${base}/settings`]: ({ body }) => json({ ...settings, ...(body as object) }),
      [`GET ${base}/variables`]: () =>
        json([variable('NODE_ENV', false, 'production'), variable('DATABASE_URL', true, null)]),
      ...extra,
    });
    renderApp('/projects/shop/environments');
    return api;
  }

  async function openPanel() {
    await userEvent.click(await screen.findByTestId('environment-settings'));
    return screen.findByTestId('settings-form');
  }

  it('edits deploy settings and sends them with one PATCH', async () => {
    const { calls } = setup();
    await openPanel();
    expect(screen.getByTestId('settings-ecosystem-file')).toHaveValue('ecosystem.config.cjs');
    await userEvent.selectOptions(screen.getByTestId('settings-reload-mode'), 'reload');
    await userEvent.type(screen.getByTestId('settings-reload-name'), 'shop-api');
    await userEvent.clear(screen.getByTestId('settings-batch-size'));
    await userEvent.type(screen.getByTestId('settings-batch-size'), '25%');
    await userEvent.selectOptions(screen.getByTestId('settings-on-failure'), 'continue');
    await userEvent.type(screen.getByTestId('settings-pre-command'), 'npm run migrate');
    await userEvent.clear(screen.getByTestId('settings-health-attempts'));
    await userEvent.type(screen.getByTestId('settings-health-attempts'), '30');
    await userEvent.clear(screen.getByTestId('settings-parallelism'));
    await userEvent.type(screen.getByTestId('settings-parallelism'), '8');
    await userEvent.click(screen.getByTestId('settings-submit'));
    expect(await screen.findByTestId('settings-saved')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({
      installCommand: null,
      reload: { mode: 'reload', name: 'shop-api' },
      health: { intervalMs: 2000, timeoutMs: 5000, attempts: 30 },
      keepReleases: 5,
      preCommand: 'npm run migrate',
      postCommand: null,
      batchSize: '25%',
      parallelism: 8,
      onFailure: 'continue',
      timeoutMinutes: 60,
      strategy: 'release',
      rollingRestart: { readinessDelaySeconds: 10 },
      kubernetes: { mode: 'image', rolloutTimeoutSeconds: 600 },
    });
  });

  it('shows schema errors by field before sending', async () => {
    const { calls } = setup();
    await openPanel();
    await userEvent.clear(screen.getByTestId('settings-batch-size'));
    await userEvent.type(screen.getByTestId('settings-batch-size'), '150%');
    await userEvent.clear(screen.getByTestId('settings-health-interval'));
    await userEvent.type(screen.getByTestId('settings-health-interval'), '5');
    await userEvent.clear(screen.getByTestId('settings-parallelism'));
    await userEvent.type(screen.getByTestId('settings-parallelism'), '0');
    await userEvent.click(screen.getByTestId('settings-submit'));
    expect(await screen.findByTestId('field-error-batchSize')).toBeInTheDocument();
    expect(screen.getByTestId('field-error-parallelism')).toBeInTheDocument();
    expect(screen.getByTestId('field-error-health.intervalMs')).toBeInTheDocument();
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false);
  });

  it('lists variables with secrets masked, and replaces a secret without ever showing it', async () => {
    const { calls } = setup({
      [`PUT ${base}/variables`]: ({ body }) => json(variable((body as { name: string }).name, true, null)),
    });
    await openPanel();
    const secretRow = await screen.findByTestId('variable-row-DATABASE_URL');
    expect(within(secretRow).getByTestId('variable-value')).toHaveTextContent('••••••••');
    expect(within(screen.getByTestId('variable-row-NODE_ENV')).getByTestId('variable-value')).toHaveTextContent(
      'production',
    );
    await userEvent.click(within(secretRow).getByTestId('variable-replace'));
    const form = within(screen.getByTestId('variable-row-DATABASE_URL')).getByTestId('variable-form');
    expect(within(form).getByTestId('variable-name')).toHaveValue('DATABASE_URL');
    expect(within(form).getByTestId('variable-name')).toBeDisabled();
    expect(within(form).getByTestId('variable-value-input')).toHaveValue('');
    expect(within(form).getByTestId('variable-value-input')).toHaveAttribute('type', 'password');
    await userEvent.type(within(form).getByTestId('variable-value-input'), 'postgres://new');
    await userEvent.click(within(form).getByTestId('variable-submit'));
    await waitFor(() =>
      expect(
        within(screen.getByTestId('variable-row-DATABASE_URL')).queryByTestId('variable-form'),
      ).not.toBeInTheDocument(),
    );
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({
      name: 'DATABASE_URL',
      value: 'postgres://new',
      secret: true,
    });
  });

  it('adds a variable and deletes one', async () => {
    const { calls } = setup({
      [`PUT ${base}/variables`]: ({ body }) => json(variable((body as { name: string }).name, false, 'x')),
      [`DELETE ${base}/variables/NODE_ENV`]: () => new Response(null, { status: 204 }),
    });
    await openPanel();
    await userEvent.click(await screen.findByTestId('variable-create-button'));
    await userEvent.type(screen.getByTestId('variable-name'), '1BAD');
    await userEvent.click(screen.getByTestId('variable-submit'));
    expect(await screen.findByTestId('field-error-name')).toHaveTextContent('not starting with a digit');
    await userEvent.clear(screen.getByTestId('variable-name'));
    await userEvent.type(screen.getByTestId('variable-name'), 'LOG_LEVEL');
    await userEvent.type(screen.getByTestId('variable-value-input'), 'debug');
    await userEvent.click(screen.getByTestId('variable-submit'));
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({ name: 'LOG_LEVEL', value: 'debug', secret: false }),
    );
    const row = screen.getByTestId('variable-row-NODE_ENV');
    await userEvent.click(within(row).getByTestId('variable-delete'));
    await userEvent.click(within(row).getByTestId('confirm-yes'));
    await waitFor(() =>
      expect(calls.some((c) => c.method === 'DELETE' && c.path.endsWith('/variables/NODE_ENV'))).toBe(true),
    );
  });
});
