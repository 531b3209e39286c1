import type { ArtifactView, CreatedApiTokenView, EnvironmentView } from '@wharf/shared';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { errorResponse, installFakeApi, json, type Handler } from '../../test/fake-api';
import { adminMe, artifactView, ENV_RULE_DEFAULTS, project, viewerMe } from '../../test/fixtures';
import { renderApp } from '../../test/render';

const env = (name: string, position: number, isProtected = false): EnvironmentView => ({
  ...ENV_RULE_DEFAULTS,
  id: `env-${name}`,
  name,
  position,
  protected: isProtected,
  createdAt: '2025-01-03T00:00:00.000Z',
});

const artifact = (version: string, extra: Partial<ArtifactView> = {}) =>
  artifactView(version, {
    sizeBytes: 2_500_000,
    commitSha: '0123456789abcdef0123456789abcdef01234567',
    commitMessage: 'Fix checkout\n\nlong body',
    commitAuthor: 'dev',
    uploadedBy: 'ci:gitlab',
    createdAt: new Date(Date.now() - 3_600_000).toISOString(),
    ...extra,
  });

function asMaintainer(routes: Record<string, Handler>) {
  return installFakeApi({
    'GET /api/v1/auth/me': () => json(adminMe),
    'GET /api/v1/projects/shop': () => json(project('maintainer')),
    ...routes,
  });
}

describe('project page', () => {
  it('hides maintainer-only tabs and actions from a viewer', async () => {
    installFakeApi({
      'GET /api/v1/auth/me': () => json(viewerMe),
      'GET /api/v1/projects/shop': () => json(project('viewer')),
      'GET /api/v1/projects/shop/environments': () => json([env('staging', 0)]),
    });
    renderApp('/projects/shop/environments');
    await screen.findByTestId('environment-row-staging');
    expect(screen.queryByTestId('tab-credentials')).not.toBeInTheDocument();
    expect(screen.queryByTestId('tab-tokens')).not.toBeInTheDocument();
    expect(screen.getByTestId('tab-members')).toBeInTheDocument();
    expect(screen.queryByTestId('environment-create-button')).not.toBeInTheDocument();
    expect(screen.queryByTestId('environment-delete')).not.toBeInTheDocument();
  });

  it('says so when the project does not exist or the caller is not a member (404)', async () => {
    installFakeApi({
      'GET /api/v1/auth/me': () => json(viewerMe),
      'GET /api/v1/projects/nope': () => errorResponse(404, 'project not found'),
    });
    renderApp('/projects/nope');
    expect(await screen.findByTestId('project-not-found')).toHaveTextContent('nope');
  });

  it('overview lists environments in position order with a protected badge', async () => {
    asMaintainer({
      'GET /api/v1/projects/shop/environments': () => json([env('production', 1, true), env('staging', 0)]),
      'GET /api/v1/projects/shop/targets': () => json([]),
    });
    renderApp('/projects/shop');
    const list = await screen.findByTestId('overview-environments');
    const items = within(list).getAllByRole('listitem');
    expect(items.map((li) => li.getAttribute('data-testid'))).toEqual([
      'overview-env-staging',
      'overview-env-production',
    ]);
    expect(within(items[1]!).getByTestId('protected-badge')).toBeInTheDocument();
    expect(within(items[0]!).queryByTestId('protected-badge')).not.toBeInTheDocument();
  });
});

describe('versions tab', () => {
  it('shows a push command and a .gitlab-ci.yml snippet when empty', async () => {
    asMaintainer({ 'GET /api/v1/projects/shop/artifacts': () => json({ items: [], nextCursor: null }) });
    renderApp('/projects/shop/versions');
    await screen.findByTestId('versions-empty');
    expect(screen.getByTestId('push-command')).toHaveTextContent('wharf.mjs artifact push build.tgz --project shop');
    expect(screen.getByTestId('gitlab-ci-snippet')).toHaveTextContent('$CI_COMMIT_SHORT_SHA');
    expect(screen.getByTestId('push-command-copy')).toBeInTheDocument();
  });

  it('lists versions newest first and pages with the cursor', async () => {
    const { calls } = asMaintainer({
      'GET /api/v1/projects/shop/artifacts': ({ url }) =>
        url.searchParams.get('cursor') === 'c2'
          ? json({ items: [artifact('1.0.0')], nextCursor: null })
          : json({ items: [artifact('1.2.0', { hasNodeModules: true }), artifact('1.1.0')], nextCursor: 'c2' }),
    });
    renderApp('/projects/shop/versions');
    const row = await screen.findByTestId('artifact-row-1.2.0');
    expect(within(row).getByTestId('node-modules-badge')).toBeInTheDocument();
    expect(row).toHaveTextContent('abababababab');
    expect(row).toHaveTextContent('01234567');
    expect(row).toHaveTextContent('Fix checkout');
    expect(row).not.toHaveTextContent('long body');
    expect(row).toHaveTextContent('2.4 MB');
    expect(
      within(screen.getByTestId('artifact-row-1.1.0')).queryByTestId('node-modules-badge'),
    ).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId('load-more'));
    await screen.findByTestId('artifact-row-1.0.0');
    expect(screen.queryByTestId('load-more')).not.toBeInTheDocument();
    const versions = screen.getAllByTestId('artifact-version').map((e) => e.textContent);
    expect(versions).toEqual(['1.2.0', '1.1.0', '1.0.0']);
    expect(
      calls.filter((c) => c.path.endsWith('/artifacts')).map((c) => new URLSearchParams(c.search).get('cursor')),
    ).toEqual([null, 'c2']);
  });
});

describe('environments tab', () => {
  it('shows the API message when a delete is refused', async () => {
    asMaintainer({
      'GET /api/v1/projects/shop/environments': () => json([env('staging', 0)]),
      'DELETE /api/v1/projects/shop/environments/env-staging': () =>
        errorResponse(409, 'environment "staging" is in use by 2 targets'),
    });
    renderApp('/projects/shop/environments');
    const row = await screen.findByTestId('environment-row-staging');
    await userEvent.click(within(row).getByTestId('environment-delete'));
    await userEvent.click(within(row).getByTestId('confirm-yes'));
    expect(await within(row).findByTestId('delete-error')).toHaveTextContent(
      'environment "staging" is in use by 2 targets',
    );
  });

  it('moves an environment with one PATCH of its new position', async () => {
    let envs = [env('staging', 0), env('production', 1)];
    const { calls } = asMaintainer({
      'GET /api/v1/projects/shop/environments': () => json(envs),
      // The API's semantics: move to the index, shift the others, keep positions dense.
      'PATCH /api/v1/projects/shop/environments/env-production': ({ body }) => {
        const moved = envs.find((e) => e.name === 'production')!;
        const others = envs.filter((e) => e !== moved);
        others.splice((body as { position: number }).position, 0, moved);
        envs = others.map((e, position) => ({ ...e, position }));
        return json(envs.find((e) => e.name === 'production'));
      },
    });
    renderApp('/projects/shop/environments');
    const row = await screen.findByTestId('environment-row-production');
    expect(within(row).getByTestId('environment-down')).toBeDisabled();
    await userEvent.click(within(row).getByTestId('environment-up'));
    await waitFor(() => {
      const names = screen.getAllByTestId(/^environment-row-/).map((r) => r.getAttribute('data-testid'));
      expect(names).toEqual(['environment-row-production', 'environment-row-staging']);
    });
    expect(calls.filter((c) => c.method === 'PATCH').map((c) => [c.path.split('/').pop(), c.body])).toEqual([
      ['env-production', { position: 0 }],
    ]);
  });
});

describe('targets tab', () => {
  it('shows the fields of the chosen kind and sends a schema-valid body', async () => {
    const { calls } = asMaintainer({
      'GET /api/v1/projects/shop/environments': () => json([env('staging', 0)]),
      'GET /api/v1/projects/shop/targets': () => json([]),
      'GET /api/v1/projects/shop/credentials': () =>
        json([
          {
            id: '6f1c1c1e-8a51-4c8e-9d5e-3f2a1b0c9d8e',
            name: 'kube',
            kind: 'kubeconfig',
            fingerprint: 'SHA256:x',
            allowedOrigins: [],
            createdAt: '2025-01-01T00:00:00Z',
            rotatedAt: null,
          },
        ]),
      'POST /api/v1/projects/shop/environments/env-staging/targets': ({ body }) =>
        json(
          {
            id: 't1',
            environmentId: 'env-staging',
            credentialId: null,
            createdAt: '2025-01-01T00:00:00Z',
            ...(body as object),
          },
          201,
        ),
    });
    renderApp('/projects/shop/targets');
    await userEvent.click(await screen.findByTestId('target-create-button'));
    expect(screen.getByTestId('target-config-host')).toBeInTheDocument();
    expect(screen.queryByTestId('target-config-healthCheck-url')).not.toBeInTheDocument();
    await userEvent.selectOptions(screen.getByTestId('target-config-healthCheck-type'), 'http');
    expect(screen.getByTestId('target-config-healthCheck-url')).toBeInTheDocument();

    await userEvent.selectOptions(screen.getByTestId('target-kind'), 'kubernetes');
    expect(screen.queryByTestId('target-config-host')).not.toBeInTheDocument();
    await userEvent.type(screen.getByTestId('target-name'), 'k8s-main');
    await userEvent.type(screen.getByTestId('target-config-apiUrl'), 'ftp://nope');
    await userEvent.type(screen.getByTestId('target-config-namespace'), 'shop');
    await userEvent.type(screen.getByTestId('target-config-deployment'), 'shop-web');
    await userEvent.type(screen.getByTestId('target-config-container'), 'web');
    await userEvent.click(screen.getByTestId('target-submit'));
    expect(await screen.findByTestId('field-error-config.apiUrl')).toHaveTextContent(
      'Enter an https:// (or http://) URL.',
    );

    await userEvent.clear(screen.getByTestId('target-config-apiUrl'));
    await userEvent.type(screen.getByTestId('target-config-apiUrl'), 'https://k8s.example.com:6443');
    await userEvent.selectOptions(screen.getByTestId('target-credential'), 'kube (kubeconfig)');
    await userEvent.click(screen.getByTestId('target-submit'));
    await waitFor(() => expect(screen.queryByTestId('target-form')).not.toBeInTheDocument());
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      kind: 'kubernetes',
      name: 'k8s-main',
      config: {
        kind: 'Deployment',
        apiUrl: 'https://k8s.example.com:6443',
        namespace: 'shop',
        deployment: 'shop-web',
        container: 'web',
      },
      credentialId: '6f1c1c1e-8a51-4c8e-9d5e-3f2a1b0c9d8e',
    });
  });

  it('maps API issues on nested config paths to their fields', async () => {
    asMaintainer({
      'GET /api/v1/projects/shop/environments': () => json([env('staging', 0)]),
      'GET /api/v1/projects/shop/targets': () => json([]),
      'GET /api/v1/projects/shop/credentials': () => json([]),
      'POST /api/v1/projects/shop/environments/env-staging/targets': () =>
        errorResponse(400, 'validation failed', [{ path: 'config.baseDir', message: 'base dir is not writable' }]),
    });
    renderApp('/projects/shop/targets');
    await userEvent.click(await screen.findByTestId('target-create-button'));
    await userEvent.type(screen.getByTestId('target-name'), 'web-1');
    await userEvent.type(screen.getByTestId('target-config-host'), '127.0.0.2');
    await userEvent.type(screen.getByTestId('target-config-user'), 'deploy');
    await userEvent.type(screen.getByTestId('target-config-baseDir'), '/srv/shop');
    await userEvent.type(screen.getByTestId('target-config-appName'), 'shop');
    await userEvent.click(screen.getByTestId('target-submit'));
    expect(await screen.findByTestId('field-error-config.baseDir')).toHaveTextContent('base dir is not writable');
  });
});

describe('tokens tab', () => {
  it('shows a new token once, then only its prefix', async () => {
    const created: CreatedApiTokenView = {
      id: 'tok1',
      name: 'gitlab-ci',
      prefix: 'wharf_AbCdEf',
      scopes: ['artifacts:push', 'release'],
      environmentIds: [],
      createdAt: '2025-01-01T00:00:00Z',
      lastUsedAt: null,
      revokedAt: null,
      token: 'wharf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789ab',
    };
    let list: Omit<CreatedApiTokenView, 'token'>[] = [];
    asMaintainer({
      'GET /api/v1/projects/shop/tokens': () => json(list),
      'POST /api/v1/projects/shop/tokens': () => {
        const { token: _token, ...view } = created;
        list = [view];
        return json(created, 201);
      },
    });
    renderApp('/projects/shop/tokens');
    await screen.findByTestId('tokens-empty');
    await userEvent.click(screen.getByTestId('token-create-button'));
    await userEvent.type(screen.getByTestId('token-name'), 'gitlab-ci');
    await userEvent.click(screen.getByTestId('token-submit'));
    expect(await screen.findByTestId('token-value')).toHaveTextContent(created.token);
    expect(screen.getByTestId('token-copy')).toBeInTheDocument();
    const row = await screen.findByTestId('token-row-gitlab-ci');
    expect(row).toHaveTextContent('wharf_AbCdEf');
    expect(row).not.toHaveTextContent(created.token);
    await userEvent.click(screen.getByTestId('token-dismiss'));
    expect(screen.queryByTestId('token-value')).not.toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(created.token);
  });
});

describe('language', () => {
  it('switches to Chinese from the header and remembers it', async () => {
    installFakeApi({
      'GET /api/v1/auth/me': () => json(adminMe),
      'GET /api/v1/projects': () => json([]),
    });
    renderApp('/projects');
    expect(await screen.findByTestId('projects-empty')).toHaveTextContent('No projects yet');
    await userEvent.selectOptions(screen.getByTestId('language-switcher'), 'zh-CN');
    expect(screen.getByTestId('projects-empty')).toHaveTextContent('还没有项目');
    expect(localStorage.getItem('wharf.locale')).toBe('zh-CN');
    expect(document.documentElement.lang).toBe('zh-CN');
  });
});

describe('credentials tab', () => {
  const tokenView = {
    id: '0b6f3c9e-2d4a-4f1b-8e7c-5a9d1c3b7e20',
    name: 'consul-acl',
    kind: 'token' as const,
    fingerprint: 'sha256:0123456789abcdef',
    allowedOrigins: ['http://consul-a.local:8500'],
    createdAt: '2025-01-01T00:00:00Z',
    rotatedAt: null,
  };

  it('a token lists where it may be sent: one origin per line, checked before sending, shown in the list', async () => {
    const { calls } = asMaintainer({
      'GET /api/v1/projects/shop/credentials': () => json([tokenView]),
      'POST /api/v1/projects/shop/credentials': ({ body }) => json({ ...tokenView, ...(body as object) }, 201),
    });
    renderApp('/projects/shop/credentials');
    expect(await screen.findByTestId('credential-origins')).toHaveTextContent(
      'sent only to http://consul-a.local:8500',
    );

    await userEvent.click(screen.getByTestId('credential-create-button'));
    // Only token credentials take origins.
    expect(screen.queryByLabelText('May be sent to')).not.toBeInTheDocument();
    await userEvent.selectOptions(screen.getByTestId('credential-kind'), 'token');
    await userEvent.type(screen.getByTestId('credential-name'), 'consul-b');
    await userEvent.type(screen.getByTestId('credential-value'), 'acl-token');
    const origins = screen.getByLabelText('May be sent to');
    await userEvent.type(origins, 'http://consul-b.local:8500{enter}{enter}https://consul-c.local/v1');
    await userEvent.click(screen.getByTestId('credential-submit'));
    expect(await screen.findByTestId('field-error-allowedOrigins')).toHaveTextContent('must be an origin');
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);

    await userEvent.clear(origins);
    await userEvent.type(origins, ' http://consul-b.local:8500 {enter}{enter}https://Consul-C.local:443');
    await userEvent.click(screen.getByTestId('credential-submit'));
    await waitFor(() => expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      name: 'consul-b',
      kind: 'token',
      value: 'acl-token',
      allowedOrigins: ['http://consul-b.local:8500', 'https://consul-c.local'],
    });
  });
});
