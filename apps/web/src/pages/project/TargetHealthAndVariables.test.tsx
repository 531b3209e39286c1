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

const web1: TargetView = {
  id: 't1',
  environmentId: 'env-staging',
  name: 'web-1',
  kind: 'ssh',
  config: { host: '127.0.0.2', port: 22, user: 'deploy', baseDir: '/srv/shop', appName: 'shop' },
  credentialId: null,
  hostKey: null,
  createdAt: '2025-01-01T00:00:00Z',
};

function asMaintainer(routes: Record<string, Handler>) {
  return installFakeApi({
    'GET /api/v1/auth/me': () => json(adminMe),
    'GET /api/v1/projects/shop': () => json(project('maintainer')),
    'GET /api/v1/projects/shop/environments': () => json([staging]),
    'GET /api/v1/projects/shop/credentials': () => json([]),
    'POST /api/v1/projects/shop/environments/env-staging/targets': ({ body }) =>
      json({ ...web1, ...(body as object) }, 201),
    ...routes,
  });
}

async function fillSshTarget(): Promise<void> {
  await userEvent.click(await screen.findByTestId('target-create-button'));
  await userEvent.type(screen.getByTestId('target-name'), 'web-1');
  await userEvent.type(screen.getByTestId('target-config-host'), '127.0.0.2');
  await userEvent.type(screen.getByTestId('target-config-user'), 'deploy');
  await userEvent.type(screen.getByTestId('target-config-baseDir'), '/srv/shop');
  await userEvent.type(screen.getByTestId('target-config-appName'), 'shop');
}

describe('target health check', () => {
  it('offers none, HTTP with expected text, or a command, and sends only the chosen kind', async () => {
    const { calls } = asMaintainer({ 'GET /api/v1/projects/shop/targets': () => json([]) });
    renderApp('/projects/shop/targets');
    await fillSshTarget();
    const type = screen.getByTestId('target-config-healthCheck-type');
    expect(
      within(type)
        .getAllByRole('option')
        .map((o) => o.getAttribute('value')),
    ).toEqual(['none', 'http', 'command']);

    await userEvent.selectOptions(type, 'http');
    await userEvent.type(screen.getByTestId('target-config-healthCheck-url'), 'http://127.0.0.1:3000/health');
    await userEvent.type(screen.getByTestId('target-config-healthCheck-expectBody'), '"status":"ok"');
    await userEvent.selectOptions(type, 'command');
    expect(screen.queryByTestId('target-config-healthCheck-url')).not.toBeInTheDocument();
    expect(screen.queryByTestId('target-config-healthCheck-expectBody')).not.toBeInTheDocument();

    // An empty command is refused with the form's own message, before any request.
    await userEvent.click(screen.getByTestId('target-submit'));
    expect(await screen.findByTestId('field-error-config.healthCheck.command')).toHaveTextContent(
      'Enter a command of at most 1000 characters.',
    );
    expect(calls.some((c) => c.method === 'POST')).toBe(false);

    await userEvent.type(screen.getByTestId('target-config-healthCheck-command'), 'test -f server.js');
    await userEvent.click(screen.getByTestId('target-submit'));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    expect((calls.find((c) => c.method === 'POST')?.body as { config: unknown }).config).toEqual({
      host: '127.0.0.2',
      port: 22,
      user: 'deploy',
      baseDir: '/srv/shop',
      appName: 'shop',
      healthCheck: { type: 'command', command: 'test -f server.js' },
    });
  });

  it('sends the expected text with an HTTP check; refusals are localized (zh-CN)', async () => {
    const { calls } = asMaintainer({ 'GET /api/v1/projects/shop/targets': () => json([]) });
    renderApp('/projects/shop/targets', { locale: 'zh-CN' });
    await fillSshTarget();
    await userEvent.clear(screen.getByTestId('target-config-baseDir'));
    await userEvent.type(screen.getByTestId('target-config-baseDir'), '/etc');
    await userEvent.selectOptions(screen.getByTestId('target-config-healthCheck-type'), 'http');
    await userEvent.type(screen.getByTestId('target-config-healthCheck-url'), 'ftp://nope');
    await userEvent.type(screen.getByTestId('target-config-healthCheck-expectBody'), 'x'.repeat(201));
    await userEvent.click(screen.getByTestId('target-submit'));
    expect(await screen.findByTestId('field-error-config.healthCheck.url')).toHaveTextContent(
      '请输入以 http:// 或 https:// 开头的 URL。',
    );
    expect(screen.getByTestId('field-error-config.healthCheck.expectBody')).toHaveTextContent('最多 200 个字符。');
    expect(screen.getByTestId('field-error-config.baseDir')).toHaveTextContent('系统目录');

    await userEvent.clear(screen.getByTestId('target-config-baseDir'));
    await userEvent.type(screen.getByTestId('target-config-baseDir'), '/srv/shop');
    await userEvent.clear(screen.getByTestId('target-config-healthCheck-url'));
    await userEvent.type(screen.getByTestId('target-config-healthCheck-url'), 'http://127.0.0.1:3000/health');
    await userEvent.clear(screen.getByTestId('target-config-healthCheck-expectBody'));
    await userEvent.type(screen.getByTestId('target-config-healthCheck-expectBody'), 'ready');
    await userEvent.click(screen.getByTestId('target-submit'));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    expect(
      (calls.find((c) => c.method === 'POST')?.body as { config: { healthCheck: unknown } }).config.healthCheck,
    ).toEqual({ type: 'http', url: 'http://127.0.0.1:3000/health', expectStatus: 200, expectBody: 'ready' });
  });
});

describe('target variables', () => {
  it('edits a target’s own overrides under the target, secrets write-only', async () => {
    let vars: VariableView[] = [];
    const { calls } = asMaintainer({
      'GET /api/v1/projects/shop/targets': () => json([web1]),
      'GET /api/v1/projects/shop/targets/t1/variables': () => json(vars),
      'PUT /api/v1/projects/shop/targets/t1/variables': ({ body }) => {
        const b = body as { name: string; value: string; secret: boolean };
        const v = {
          id: `v-${b.name}`,
          name: b.name,
          secret: b.secret,
          value: b.secret ? null : b.value,
          updatedAt: '',
        };
        vars = [...vars.filter((x) => x.name !== b.name), v];
        return json(v);
      },
    });
    renderApp('/projects/shop/targets');
    await userEvent.click(await screen.findByTestId('target-variables-web-1'));
    const editor = await screen.findByTestId('target-variables');
    expect(within(editor).getByRole('heading')).toHaveTextContent('Variables for web-1');
    expect(await within(editor).findByTestId('variables-empty')).toHaveTextContent('No overrides');

    await userEvent.click(within(editor).getByTestId('variable-create-button'));
    await userEvent.type(within(editor).getByTestId('variable-name'), 'PORT');
    await userEvent.type(within(editor).getByTestId('variable-value-input'), '4001');
    await userEvent.click(within(editor).getByTestId('variable-submit'));
    expect(await within(editor).findByTestId('variable-row-PORT')).toHaveTextContent('4001');

    await userEvent.click(within(editor).getByTestId('variable-create-button'));
    await userEvent.type(within(editor).getByTestId('variable-name'), 'TOKEN');
    await userEvent.type(within(editor).getByTestId('variable-value-input'), 'per-host-secret');
    await userEvent.click(within(editor).getByTestId('variable-secret'));
    await userEvent.click(within(editor).getByTestId('variable-submit'));
    expect(await within(editor).findByTestId('variable-row-TOKEN')).not.toHaveTextContent('per-host-secret');

    const puts = calls.filter((c) => c.method === 'PUT');
    expect(puts.map((c) => [c.path, c.body])).toEqual([
      ['/api/v1/projects/shop/targets/t1/variables', { name: 'PORT', value: '4001', secret: false }],
      ['/api/v1/projects/shop/targets/t1/variables', { name: 'TOKEN', value: 'per-host-secret', secret: true }],
    ]);
    expect(calls.some((c) => c.path.includes('/environments/env-staging/variables'))).toBe(false);
  });
});
