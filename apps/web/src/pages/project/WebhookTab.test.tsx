import type {
  AutoDeployRuleView,
  ChangelogView,
  CreatedApiTokenView,
  EnvironmentView,
  WebhookDeliveryView,
  WebhookSettingsView,
} from '@wharf/shared';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { installFakeApi, json, type Handler } from '../../test/fake-api';
import { adminMe, ENV_RULE_DEFAULTS, project, viewerMe } from '../../test/fixtures';
import { renderApp } from '../../test/render';

const DEV_ID = '11111111-1111-4111-8111-111111111111';
const PROD_ID = '22222222-2222-4222-8222-222222222222';
const TOKEN = 'wharf_hook_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';

const settings = (configured: boolean): WebhookSettingsView => ({
  configured,
  path: '/api/v1/hooks/gitlab/shop',
  url: 'https://wharf.example/api/v1/hooks/gitlab/shop',
  tokenPrefix: configured ? 'wharf_hook_A' : null,
  createdAt: configured ? '2026-11-30T10:00:00.000Z' : null,
  rotatedAt: null,
  lastDeliveryAt: null,
});

const envs: EnvironmentView[] = [
  {
    ...ENV_RULE_DEFAULTS,
    id: DEV_ID,
    name: 'dev',
    position: 0,
    protected: false,
    createdAt: '2026-11-01T00:00:00.000Z',
  },
  {
    ...ENV_RULE_DEFAULTS,
    id: PROD_ID,
    name: 'prod',
    position: 1,
    protected: true,
    createdAt: '2026-11-01T00:00:00.000Z',
  },
];

const rule: AutoDeployRuleView = {
  id: 'rule-1',
  environmentId: DEV_ID,
  environmentName: 'dev',
  environmentProtected: false,
  refType: 'branch',
  pattern: 'dev',
  event: 'push',
  waitForArtifactSeconds: 1800,
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
};

const delivery = (extra: Partial<WebhookDeliveryView>): WebhookDeliveryView => ({
  id: 'del-1',
  receivedAt: '2026-11-30T10:00:00.000Z',
  processedAt: '2026-11-30T10:00:01.000Z',
  event: 'Push Hook',
  kind: 'push',
  ref: 'refs/heads/dev',
  sha: 'a'.repeat(40),
  actor: 'Ada',
  idempotencyKey: 'k1',
  eventUuid: null,
  outcome: 'deployed',
  reason: null,
  deploymentId: 'dep-1',
  environments: [
    {
      environmentId: DEV_ID,
      environmentName: 'dev',
      state: 'deployed',
      reason: 'released aaaaaaaa',
      sha: 'a'.repeat(40),
      deploymentId: 'dep-1',
      expiresAt: null,
    },
  ],
  ...extra,
});

function setup(role: 'maintainer' | 'viewer', routes: Record<string, Handler> = {}) {
  return installFakeApi({
    'GET /api/v1/auth/me': () => json(role === 'maintainer' ? adminMe : viewerMe),
    'GET /api/v1/projects/shop': () => json(project(role)),
    'GET /api/v1/projects/shop/environments': () => json(envs),
    'GET /api/v1/projects/shop/auto-deploy-rules': () => json([rule]),
    'GET /api/v1/projects/shop/webhook': () => json(settings(false)),
    'GET /api/v1/projects/shop/webhook/deliveries': () => json({ items: [], nextCursor: null }),
    ...routes,
  });
}

describe('webhook tab', () => {
  it('shows the URL to paste into GitLab, and a generated token once', async () => {
    let configured = false;
    const api = setup('maintainer', {
      'GET /api/v1/projects/shop/webhook': () => json(settings(configured)),
      'POST /api/v1/projects/shop/webhook/token': () => {
        configured = true;
        return json({ ...settings(true), token: TOKEN }, 201);
      },
    });
    renderApp('/projects/shop/webhook');
    expect(await screen.findByTestId('webhook-url')).toHaveTextContent(
      'https://wharf.example/api/v1/hooks/gitlab/shop',
    );
    expect(screen.getByTestId('webhook-not-configured')).toBeInTheDocument();
    expect(screen.getByTestId('gitlab-steps')).toHaveTextContent('Settings → Webhooks → Add new webhook');
    await userEvent.click(screen.getByTestId('webhook-generate'));
    expect(await screen.findByTestId('webhook-token-value')).toHaveTextContent(TOKEN);
    expect(await screen.findByTestId('webhook-configured')).toHaveTextContent('wharf_hook_A…');
    const post = api.calls.find((c) => c.method === 'POST');
    expect(post?.headers['Content-Type']).toBe('application/json');
    await userEvent.click(screen.getByTestId('webhook-token-dismiss'));
    expect(document.body).not.toHaveTextContent(TOKEN);
    // Rotating asks first: the old token stops working at once.
    await userEvent.click(screen.getByTestId('webhook-rotate'));
    expect(screen.getByTestId('confirm-yes')).toBeInTheDocument();
  });

  it('lists deliveries with outcome, reason in words and a link to the deployment', async () => {
    setup('viewer', {
      'GET /api/v1/projects/shop/webhook/deliveries': ({ url }) =>
        json({
          items:
            url.searchParams.get('outcome') === 'ignored'
              ? [
                  delivery({
                    id: 'del-2',
                    ref: 'refs/heads/feature-x',
                    outcome: 'ignored',
                    reason: 'no auto-deploy rule matches branch feature-x',
                    deploymentId: null,
                    environments: [],
                  }),
                ]
              : [delivery({})],
          nextCursor: null,
        }),
    });
    renderApp('/projects/shop/webhook');
    const row = await screen.findByTestId('delivery-row');
    expect(within(row).getByTestId('delivery-event')).toHaveTextContent('Push Hook');
    expect(within(row).getByTestId('delivery-ref')).toHaveTextContent('refs/heads/dev');
    expect(within(row).getByTestId('delivery-sha')).toHaveTextContent('aaaaaaaa');
    expect(within(row).getByTestId('delivery-outcome')).toHaveTextContent('deployed');
    expect(within(row).getByTestId('delivery-env')).toHaveTextContent('dev deployed released aaaaaaaa');
    expect(within(row).getByTestId('delivery-deployment-link')).toHaveAttribute(
      'href',
      '/projects/shop/deployments/dep-1',
    );
    await userEvent.selectOptions(screen.getByTestId('delivery-outcome-filter'), 'ignored');
    await waitFor(() =>
      expect(screen.getByTestId('delivery-reason')).toHaveTextContent('no auto-deploy rule matches branch feature-x'),
    );
    // Viewers see the endpoint but cannot change it.
    expect(screen.queryByTestId('webhook-generate')).not.toBeInTheDocument();
    expect(screen.queryByTestId('rule-add')).not.toBeInTheDocument();
  });

  it('edits auto-deploy rules; a protected environment says plainly it never auto-deploys', async () => {
    const api = setup('maintainer', {
      [`POST /api/v1/projects/shop/environments/${DEV_ID}/auto-deploy-rules`]: ({ body }) =>
        json({ ...rule, id: 'rule-2', ...(body as object) }, 201),
    });
    renderApp('/projects/shop/webhook');
    const prod = await screen.findByTestId('rules-env-prod');
    expect(within(prod).getByTestId('rules-protected')).toHaveTextContent('prod is protected: it never auto-deploys');
    expect(within(prod).queryByTestId('rule-add')).not.toBeInTheDocument();
    const dev = screen.getByTestId('rules-env-dev');
    expect(within(dev).getByTestId('rule')).toHaveTextContent('Branch dev on push, waiting up to 30 min');

    await userEvent.click(within(dev).getByTestId('rule-add'));
    await userEvent.selectOptions(within(dev).getByTestId('rule-ref-type'), 'branch');
    await userEvent.type(within(dev).getByTestId('rule-pattern'), 'feature/*');
    await userEvent.click(within(dev).getByTestId('rule-submit'));
    // The shared rule refuses patterns on branches before anything is sent.
    expect(await within(dev).findByTestId('field-error-pattern')).toHaveTextContent('patterns with "*" are for tags');
    expect(api.calls.filter((c) => c.method === 'POST')).toHaveLength(0);

    await userEvent.selectOptions(within(dev).getByTestId('rule-ref-type'), 'tag');
    await userEvent.clear(within(dev).getByTestId('rule-pattern'));
    await userEvent.type(within(dev).getByTestId('rule-pattern'), 'v*');
    await userEvent.selectOptions(within(dev).getByTestId('rule-event'), 'pipeline');
    await userEvent.clear(within(dev).getByTestId('rule-wait'));
    await userEvent.type(within(dev).getByTestId('rule-wait'), '5');
    await userEvent.click(within(dev).getByTestId('rule-submit'));
    await waitFor(() => expect(api.calls.filter((c) => c.method === 'POST')).toHaveLength(1));
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({
      refType: 'tag',
      pattern: 'v*',
      event: 'pipeline',
      waitForArtifactSeconds: 300,
    });
  });
});

describe('token scopes', () => {
  it('creates a release-only token limited to a non-protected environment', async () => {
    const created: CreatedApiTokenView = {
      id: 'tok1',
      name: 'deploy-dev',
      prefix: 'wharf_AbCdEf',
      scopes: ['release'],
      environmentIds: [DEV_ID],
      createdAt: '2026-11-30T00:00:00Z',
      lastUsedAt: null,
      revokedAt: null,
      token: 'wharf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789ab',
    };
    let list: Omit<CreatedApiTokenView, 'token'>[] = [];
    const api = setup('maintainer', {
      'GET /api/v1/projects/shop/tokens': () => json(list),
      'POST /api/v1/projects/shop/tokens': () => {
        const { token: _token, ...view } = created;
        list = [view];
        return json(created, 201);
      },
    });
    renderApp('/projects/shop/tokens');
    await userEvent.click(await screen.findByTestId('token-create-button'));
    await userEvent.type(screen.getByTestId('token-name'), 'deploy-dev');
    await userEvent.click(screen.getByTestId('token-scope-artifacts:push'));
    expect(await screen.findByTestId('token-env-prod')).toBeDisabled();
    await userEvent.click(screen.getByTestId('token-env-dev'));
    await userEvent.click(screen.getByTestId('token-submit'));
    await screen.findByTestId('token-value');
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({
      name: 'deploy-dev',
      scopes: ['release'],
      environmentIds: [DEV_ID],
    });
    expect(await screen.findByTestId('token-scopes')).toHaveTextContent('Release to dev');
  });

  it('refuses a token with no scope before sending', async () => {
    const api = setup('maintainer', { 'GET /api/v1/projects/shop/tokens': () => json([]) });
    renderApp('/projects/shop/tokens');
    await userEvent.click(await screen.findByTestId('token-create-button'));
    await userEvent.type(screen.getByTestId('token-name'), 'nothing');
    await userEvent.click(screen.getByTestId('token-scope-artifacts:push'));
    await userEvent.click(screen.getByTestId('token-scope-release'));
    await userEvent.click(screen.getByTestId('token-submit'));
    expect(await screen.findByTestId('field-error-scopes')).toHaveTextContent('Choose at least one.');
    expect(api.calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });
});

describe('changelog', () => {
  const changelog = (extra: Partial<ChangelogView>): ChangelogView => ({
    environmentId: DEV_ID,
    running: { version: '1.4.0', commitSha: 'b'.repeat(40) },
    target: { version: '1.2.0', commitSha: 'c'.repeat(40) },
    direction: 'rollback',
    commits: Array.from({ length: 11 }, (_, i) => ({
      sha: `${i}`.padStart(40, 'f'),
      title: `change ${11 - i}`,
      authorName: 'Ada',
      authoredAt: '2026-11-30T09:00:00.000Z',
      url: `https://gitlab.example/shop/-/commit/${`${i}`.padStart(40, 'f')}`,
    })),
    complete: true,
    ...extra,
  });

  it('on the deployment page: what it changed since its previous version, a rollback said plainly', async () => {
    const { deploymentView, DEPLOYMENT_ID } = await import('../../test/fixtures');
    const { fakeLiveFactory } = await import('../../test/fake-live');
    const api = setup('viewer', {
      'GET /api/v1/projects/shop/environment-status': () => json([]),
      [`GET /api/v1/projects/shop/deployments/${DEPLOYMENT_ID}`]: () =>
        json(deploymentView({ environmentId: DEV_ID, version: '1.2.0', previousVersion: '1.4.0' })),
      'GET /api/v1/projects/shop/changelog': () => json(changelog({})),
    });
    renderApp(`/projects/shop/deployments/${DEPLOYMENT_ID}`, { live: fakeLiveFactory().factory });
    const panel = await screen.findByTestId('changelog');
    expect(panel).toHaveAttribute('data-direction', 'rollback');
    expect(within(panel).getByTestId('changelog-rollback')).toHaveTextContent(
      'This is a rollback. 1.2.0 is older than 1.4.0',
    );
    expect(within(panel).getByTestId('changelog-from')).toHaveTextContent('1.4.0');
    expect(within(panel).getAllByTestId('changelog-commit')).toHaveLength(8);
    const first = within(panel).getAllByTestId('changelog-commit')[0]!;
    expect(first).toHaveTextContent('change 11');
    expect(within(first).getByRole('link')).toHaveAttribute(
      'href',
      expect.stringMatching(/^https:\/\/gitlab\.example\//),
    );
    await userEvent.click(within(panel).getByTestId('changelog-more'));
    expect(within(panel).getAllByTestId('changelog-commit')).toHaveLength(11);
    const asked = api.calls.find((c) => c.path === '/api/v1/projects/shop/changelog');
    expect(new URLSearchParams(asked?.search).get('from')).toBe('1.4.0');
    expect(new URLSearchParams(asked?.search).get('version')).toBe('1.2.0');
  });
  it('renders commit titles and authors from payloads as text and links only http(s) commit URLs', async () => {
    const { deploymentView, DEPLOYMENT_ID } = await import('../../test/fixtures');
    const { fakeLiveFactory } = await import('../../test/fake-live');
    const hostile = [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      ' javascript:alert(1)',
      'data:text/html,<b>x</b>',
      '//evil.example/c',
    ];
    const commits = [...hostile, 'https://gitlab.example/shop/-/commit/ok'].map((url, i) => ({
      sha: `${i}`.padStart(40, 'e'),
      title: `<img src=x onerror="alert(1)"> \u202Egnp.exe ${i}`,
      authorName: '<script>alert(2)</script>',
      authoredAt: null,
      url,
    }));
    setup('viewer', {
      'GET /api/v1/projects/shop/environment-status': () => json([]),
      [`GET /api/v1/projects/shop/deployments/${DEPLOYMENT_ID}`]: () =>
        json(deploymentView({ environmentId: DEV_ID, version: '1.4.0', previousVersion: '1.2.0' })),
      'GET /api/v1/projects/shop/changelog': () => json(changelog({ direction: 'forward', commits })),
    });
    renderApp(`/projects/shop/deployments/${DEPLOYMENT_ID}`, { live: fakeLiveFactory().factory });
    const panel = await screen.findByTestId('changelog');
    const rows = within(panel).getAllByTestId('changelog-commit');
    expect(rows).toHaveLength(commits.length);
    expect(panel.querySelectorAll('img, script')).toHaveLength(0);
    expect(rows[0]).toHaveTextContent('<img src=x onerror="alert(1)">');
    expect(within(rows[0]!).getByTestId('changelog-commit-author')).toHaveTextContent('<script>alert(2)</script>');
    const links = within(panel).getAllByRole('link');
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://gitlab.example/shop/-/commit/ok']);
    expect(links[0]).toHaveAttribute('rel', expect.stringContaining('noopener'));
  });
});
