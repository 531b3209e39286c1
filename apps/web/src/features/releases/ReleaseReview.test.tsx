import type { EnvironmentView, ReleaseView } from '@wharf/shared';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { installFakeApi, json } from '../../test/fake-api';
import { adminMe, project } from '../../test/fixtures';
import { renderApp } from '../../test/render';
import { EMPTY_RELEASE_DRAFT, toReleaseFilter } from './ReleaseFilters';

const ENV_ID = '6f1c2b4e-8d3a-4f5b-9c7e-1a2b3c4d5e6f';
const release = (over: Partial<ReleaseView> = {}): ReleaseView => ({
  id: 'd1',
  projectId: 'p1',
  projectSlug: 'shop',
  environmentId: ENV_ID,
  environmentName: 'prod',
  fromVersion: '1.3.0',
  toVersion: '1.4.0',
  fromCommit: 'a'.repeat(40),
  toCommit: 'b'.repeat(40),
  commitCount: 3,
  requester: 'ada@example.com',
  approvers: ['bob@example.com'],
  approvals: [{ user: 'bob@example.com', decision: 'approved', comment: 'ok', at: '2026-12-01T10:01:00.000Z' }],
  trigger: 'manual',
  state: 'succeeded',
  requestedAt: '2026-12-01T10:00:00.000Z',
  startedAt: '2026-12-01T10:02:00.000Z',
  finishedAt: '2026-12-01T10:03:30.000Z',
  durationMs: 90_000,
  error: null,
  promotionOverrideReason: 'hotfix',
  freezeOverrideReason: null,
  logsPrunedAt: null,
  deploymentPath: '/projects/shop/deployments/d1',
  logPath: '/api/v1/projects/shop/deployments/d1/logs/download',
  ...over,
});

const env = { id: ENV_ID, name: 'prod', position: 0, protected: true } as EnvironmentView;

function setup(locale: 'en' | 'zh-CN' = 'en') {
  const api = installFakeApi({
    'GET /api/v1/auth/me': () => json(adminMe),
    'GET /api/v1/projects/shop': () => json(project('viewer')),
    'GET /api/v1/projects/shop/environments': () => json([env]),
    'GET /api/v1/projects/shop/releases': ({ url }) =>
      json({
        items:
          url.searchParams.get('actor') === 'nobody'
            ? []
            : [
                release(),
                release({
                  id: 'd2',
                  state: 'failed',
                  error: 'health check failed',
                  logsPrunedAt: '2026-11-01T00:00:00.000Z',
                  approvers: [],
                  commitCount: null,
                }),
              ],
        nextCursor: null,
      }),
  });
  return { ...api, ...renderApp('/projects/shop/releases', { locale }) };
}

describe('toReleaseFilter', () => {
  it('leaves out empty fields, trims text, keeps only known results and triggers, and sends instants', () => {
    expect(toReleaseFilter(EMPTY_RELEASE_DRAFT)).toEqual(
      Object.fromEntries(Object.keys(toReleaseFilter(EMPTY_RELEASE_DRAFT)).map((k) => [k, undefined])),
    );
    const f = toReleaseFilter({
      ...EMPTY_RELEASE_DRAFT,
      actor: '  bob ',
      state: 'failed',
      trigger: 'rollback',
      version: '1.4.0',
      q: ' outage ',
      from: '2026-12-01T10:00',
    });
    expect(f).toMatchObject({ actor: 'bob', state: 'failed', trigger: 'rollback', version: '1.4.0', q: 'outage' });
    expect(f.from).toBe(new Date('2026-12-01T10:00').toISOString());
    expect(toReleaseFilter({ ...EMPTY_RELEASE_DRAFT, state: 'exploded', trigger: 'cron' })).toMatchObject({
      state: undefined,
      trigger: undefined,
    });
  });
});

describe('Releases page', () => {
  it('lists releases with versions, commits, people, result and links', async () => {
    setup();
    const rows = await screen.findAllByTestId('release-row');
    expect(rows).toHaveLength(2);
    const first = rows[0]!;
    expect(within(first).getByTestId('release-version')).toHaveTextContent('1.3.0→1.4.0');
    expect(within(first).getByTestId('release-version')).toHaveTextContent('Promotion overridden: hotfix');
    expect(within(first).getByTestId('release-commits')).toHaveTextContent('aaaaaaaa..bbbbbbbb');
    expect(within(first).getByTestId('release-commits')).toHaveTextContent('3 commits');
    expect(within(first).getByTestId('release-requester')).toHaveTextContent('ada@example.com');
    expect(within(first).getByTestId('release-approvers')).toHaveTextContent('bob@example.com');
    expect(within(first).getByTestId('release-deployment-link')).toHaveAttribute(
      'href',
      '/projects/shop/deployments/d1',
    );
    expect(within(first).getByTestId('release-log-link')).toHaveAttribute(
      'href',
      '/api/v1/projects/shop/deployments/d1/logs/download',
    );
    // A pruned log says so instead of offering an empty download.
    expect(within(rows[1]!).queryByTestId('release-log-link')).toBeNull();
    expect(within(rows[1]!).getByTestId('release-log-pruned')).toHaveTextContent('Log removed by retention on');
  });

  it('sends every filter, exports the same selection, and says when nothing matches', async () => {
    const { calls } = setup();
    await screen.findAllByTestId('release-row');
    await userEvent.selectOptions(await screen.findByTestId('release-filter-environment'), ENV_ID);
    await userEvent.type(screen.getByTestId('release-filter-actor'), 'nobody');
    await userEvent.selectOptions(screen.getByTestId('release-filter-state'), 'failed');
    await userEvent.selectOptions(screen.getByTestId('release-filter-trigger'), 'webhook');
    await userEvent.type(screen.getByTestId('release-filter-version'), '1.4.0');
    await userEvent.type(screen.getByTestId('release-filter-q'), 'outage');
    await userEvent.click(screen.getByTestId('release-filter-apply'));
    expect(await screen.findByTestId('releases-empty')).toHaveTextContent('No releases match these filters');
    const last = calls.filter((c) => c.path === '/api/v1/projects/shop/releases').at(-1)!;
    const params = new URLSearchParams(last.search);
    expect(Object.fromEntries([...params].filter(([k]) => k !== 'limit'))).toEqual({
      environmentId: ENV_ID,
      actor: 'nobody',
      state: 'failed',
      trigger: 'webhook',
      version: '1.4.0',
      q: 'outage',
    });
    const href = screen.getByTestId('releases-export').getAttribute('href')!;
    expect(href.startsWith('/api/v1/projects/shop/releases/export.csv?')).toBe(true);
    expect(Object.fromEntries(new URLSearchParams(href.split('?')[1]))).toEqual({
      environmentId: ENV_ID,
      actor: 'nobody',
      state: 'failed',
      trigger: 'webhook',
      version: '1.4.0',
      q: 'outage',
    });
  });

  it('speaks Chinese', async () => {
    setup('zh-CN');
    const rows = await screen.findAllByTestId('release-row');
    expect(within(rows[0]!).getByTestId('release-commits')).toHaveTextContent('3 个提交');
    expect(screen.getByRole('columnheader', { name: '审批人' })).toBeInTheDocument();
  });
});
