import type { EnvironmentView, MeView, NotificationSubscriptionView } from '@wharf/shared';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { errorResponse, installFakeApi, json, type Handler } from '../../test/fake-api';
import { adminMe, project, viewerMe } from '../../test/fixtures';
import { renderApp } from '../../test/render';

const PROD_ID = '22222222-2222-4222-8222-222222222222';
const URL_WITH_TOKEN = 'https://open.feishu.cn/open-apis/bot/v2/hook/abc-secret-token';

const env = (id: string, name: string): EnvironmentView =>
  ({ id, name, position: 0, protected: false, createdAt: '2026-11-01T00:00:00.000Z' }) as EnvironmentView;

const maintainerMe: MeView = {
  ...viewerMe,
  email: 'max@example.com',
  memberships: [{ projectId: 'p1', projectSlug: 'shop', role: 'maintainer' }],
};

const sub = (extra: Partial<NotificationSubscriptionView> = {}): NotificationSubscriptionView => ({
  id: 'sub-1',
  name: 'Ops group',
  channel: 'feishu',
  environmentId: PROD_ID,
  environmentName: 'prod',
  urlHint: 'https://open.feishu.cn',
  hasSecret: true,
  events: ['succeeded', 'failed'],
  allowPrivateNetwork: false,
  enabled: true,
  lastSentAt: null,
  lastError: 'the receiver answered 500',
  lastErrorAt: '2026-11-30T10:00:00.000Z',
  createdAt: '2026-11-30T09:00:00.000Z',
  ...extra,
});

function setup(me: MeView, role: 'maintainer' | 'viewer', routes: Record<string, Handler> = {}) {
  return installFakeApi({
    'GET /api/v1/auth/me': () => json(me),
    'GET /api/v1/projects/shop': () => json(project(role)),
    'GET /api/v1/projects/shop/environments': () => json([env(PROD_ID, 'prod')]),
    'GET /api/v1/projects/shop/notifications': () => json([]),
    ...routes,
  });
}

describe('notifications tab', () => {
  it('shows an empty state; viewers cannot add', async () => {
    setup(viewerMe, 'viewer');
    renderApp('/projects/shop/notifications');
    expect(await screen.findByTestId('notifications-empty')).toHaveTextContent('No notifications yet');
    expect(screen.queryByTestId('notification-add')).not.toBeInTheDocument();
  });

  it('a maintainer adds a signed Feishu notification for one environment; the form checks events first', async () => {
    let list: NotificationSubscriptionView[] = [];
    const api = setup(maintainerMe, 'maintainer', {
      'GET /api/v1/projects/shop/notifications': () => json(list),
      'POST /api/v1/projects/shop/notifications': ({ body }) => {
        list = [sub({ name: (body as { name: string }).name, lastError: null, lastErrorAt: null })];
        return json(list[0], 201);
      },
    });
    renderApp('/projects/shop/notifications');
    await userEvent.click(await screen.findByTestId('notification-add'));
    // Only administrators may allow private networks.
    expect(screen.queryByTestId('notification-private')).not.toBeInTheDocument();
    await userEvent.type(screen.getByTestId('notification-name'), 'Ops group');
    await userEvent.selectOptions(screen.getByTestId('notification-channel'), 'wecom');
    expect(screen.getByTestId('notification-no-secret')).toHaveTextContent('WeCom carries its key in the URL');
    await userEvent.selectOptions(screen.getByTestId('notification-channel'), 'feishu');
    await userEvent.type(screen.getByTestId('notification-url'), URL_WITH_TOKEN);
    await userEvent.type(screen.getByTestId('notification-secret'), 'sign-secret');
    await userEvent.selectOptions(screen.getByTestId('notification-environment'), PROD_ID);
    for (const e of ['awaiting_approval', 'succeeded', 'failed', 'rolled_back']) {
      await userEvent.click(screen.getByTestId(`notification-event-${e}`));
    }
    await userEvent.click(screen.getByTestId('notification-submit'));
    expect(await screen.findByTestId('field-error-events')).toHaveTextContent('Choose at least one event');
    expect(api.calls.filter((c) => c.method === 'POST')).toHaveLength(0);

    await userEvent.click(screen.getByTestId('notification-event-failed'));
    await userEvent.click(screen.getByTestId('notification-event-requested'));
    await userEvent.click(screen.getByTestId('notification-submit'));
    await waitFor(() => expect(api.calls.filter((c) => c.method === 'POST')).toHaveLength(1));
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({
      name: 'Ops group',
      channel: 'feishu',
      url: URL_WITH_TOKEN,
      secret: 'sign-secret',
      environmentId: PROD_ID,
      events: ['requested', 'failed'],
      enabled: true,
    });
    const item = await screen.findByTestId('notification');
    expect(within(item).getByTestId('notification-url-hint')).toHaveTextContent('https://open.feishu.cn');
    expect(document.body).not.toHaveTextContent('abc-secret-token');
  });

  it('an admin may allow private networks; the API refusal is shown on the URL field', async () => {
    const api = setup(adminMe, 'maintainer', {
      'POST /api/v1/projects/shop/notifications': () =>
        errorResponse(400, 'url: 127.0.0.1 is a loopback address', [
          { path: 'url', message: '127.0.0.1:9 is a loopback address (127.0.0.1)' },
        ]),
    });
    renderApp('/projects/shop/notifications');
    await userEvent.click(await screen.findByTestId('notification-add'));
    await userEvent.type(screen.getByTestId('notification-name'), 'Internal');
    await userEvent.selectOptions(screen.getByTestId('notification-channel'), 'webhook');
    await userEvent.type(screen.getByTestId('notification-url'), 'http://127.0.0.1:9/hook');
    await userEvent.click(screen.getByTestId('notification-submit'));
    expect(await screen.findByTestId('field-error-url')).toHaveTextContent('loopback address');
    await userEvent.click(screen.getByTestId('notification-private'));
    await userEvent.click(screen.getByTestId('notification-submit'));
    await waitFor(() => expect(api.calls.filter((c) => c.method === 'POST')).toHaveLength(2));
    expect(api.calls.filter((c) => c.method === 'POST')[1]?.body).toMatchObject({ allowPrivateNetwork: true });
  });

  it('lists the last error, sends a test and shows recent deliveries', async () => {
    setup(maintainerMe, 'maintainer', {
      'GET /api/v1/projects/shop/notifications': () => json([sub()]),
      'POST /api/v1/projects/shop/notifications/sub-1/test': () =>
        json({ ok: false, status: null, error: 'could not reach open.feishu.cn: timeout', durationMs: 1000 }),
      'GET /api/v1/projects/shop/notifications/sub-1/deliveries': () =>
        json([
          {
            id: 'd1',
            event: 'failed',
            deploymentId: 'dep-1',
            state: 'failed',
            attempts: 6,
            lastError: 'the receiver answered 500',
            createdAt: '2026-11-30T10:00:00.000Z',
            sentAt: null,
          },
        ]),
    });
    renderApp('/projects/shop/notifications');
    const item = await screen.findByTestId('notification');
    expect(within(item).getByTestId('notification-environment-name')).toHaveTextContent('prod');
    expect(within(item).getByTestId('notification-events-list')).toHaveTextContent('Succeeded, Failed');
    expect(within(item).getByTestId('notification-last-error')).toHaveTextContent('the receiver answered 500');
    expect(within(item).getByTestId('notification-last-sent')).toHaveTextContent('never');
    await userEvent.click(within(item).getByTestId('notification-test'));
    expect(await within(item).findByTestId('notification-test-result')).toHaveTextContent(
      'Not delivered: could not reach open.feishu.cn: timeout',
    );
    await userEvent.click(within(item).getByTestId('notification-deliveries-toggle'));
    const row = await within(item).findByTestId('notification-delivery');
    expect(row).toHaveTextContent('Failed');
    expect(row).toHaveTextContent('6');
  });
});
