import type { DeliveryMetrics, EnvironmentView, ProjectMetricsView } from '@wharf/shared';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { installFakeApi, json } from '../../test/fake-api';
import { project, viewerMe } from '../../test/fixtures';
import { renderApp } from '../../test/render';

const env = (name: string, isProtected: boolean): EnvironmentView =>
  ({
    id: `env-${name}`,
    name,
    position: isProtected ? 1 : 0,
    protected: isProtected,
    createdAt: '2026-01-01T00:00:00.000Z',
  }) as EnvironmentView;

const H = 3600;
const headline: DeliveryMetrics = {
  deployments: 6,
  deploymentsPerDay: 6 / 14,
  releases: 10,
  failed: 4,
  rolledBack: 1,
  changeFailureRate: 0.5,
  leadTimeMedianSeconds: 2 * H,
  leadTimeP90Seconds: 19.2 * H,
  leadTimeSamples: 5,
  leadTimeFromArtifact: 1,
  timeToRestoreMedianSeconds: 4 * H,
  restores: 3,
  unrestored: 0,
};
const empty: DeliveryMetrics = {
  ...headline,
  deployments: 0,
  deploymentsPerDay: 0,
  releases: 0,
  failed: 0,
  rolledBack: 0,
  changeFailureRate: null,
  leadTimeMedianSeconds: null,
  leadTimeP90Seconds: null,
  leadTimeSamples: 0,
  leadTimeFromArtifact: 0,
  timeToRestoreMedianSeconds: null,
  restores: 0,
};

function view(h: DeliveryMetrics): ProjectMetricsView {
  return {
    from: '2026-03-02T00:00:00.000Z',
    to: '2026-03-04T00:00:00.000Z',
    bucket: 'day',
    scope: { kind: 'protected', environmentIds: ['env-prod'] },
    headline: h,
    series: [
      {
        start: '2026-03-02T00:00:00.000Z',
        deployments: 2,
        releases: 3,
        failed: 1,
        rolledBack: 0,
        changeFailureRate: 1 / 3,
        leadTimeMedianSeconds: 2 * H,
      },
      {
        start: '2026-03-03T00:00:00.000Z',
        deployments: 0,
        releases: 0,
        failed: 0,
        rolledBack: 0,
        changeFailureRate: null,
        leadTimeMedianSeconds: null,
      },
    ],
    environments: [
      { environmentId: 'env-staging', name: 'staging', protected: false, ...empty },
      { environmentId: 'env-prod', name: 'prod', protected: true, ...h },
    ],
  };
}

function fakeApi(metrics: ProjectMetricsView, seen: URL[] = []) {
  installFakeApi({
    'GET /api/v1/auth/me': () => json(viewerMe),
    'GET /api/v1/projects/shop': () => json(project('viewer')),
    'GET /api/v1/projects/shop/environments': () => json([env('staging', false), env('prod', true)]),
    'GET /api/v1/projects/shop/metrics': ({ url }) => {
      seen.push(url);
      return json(metrics);
    },
  });
}

describe('metrics tab', () => {
  it('shows the four headline numbers, the charts and a row per environment (English)', async () => {
    const seen: URL[] = [];
    fakeApi(view(headline), seen);
    renderApp('/projects/shop/metrics');
    expect(await screen.findByTestId('metrics-frequency-value')).toHaveTextContent('0.43 per day');
    expect(screen.getByTestId('metrics-frequency')).toHaveTextContent('6 successful releases');
    expect(screen.getByTestId('metrics-lead-time-value')).toHaveTextContent('2h 0m');
    expect(screen.getByTestId('metrics-lead-time-from-artifact')).toHaveTextContent('1 measured from the version push');
    expect(screen.getByTestId('metrics-failure-rate-value')).toHaveTextContent('50%');
    expect(screen.getByTestId('metrics-failure-rate')).toHaveTextContent('4 failed, 1 rolled back, of 10 releases');
    expect(screen.getByTestId('metrics-restore-value')).toHaveTextContent('4h 0m');
    expect(screen.getByTestId('metrics-scope')).toHaveTextContent('protected environments (prod)');
    for (const chart of ['frequency', 'lead-time', 'failure-rate']) {
      expect(screen.getByTestId(`metrics-chart-${chart}`)).toBeInTheDocument();
    }
    expect(screen.getByTestId('metrics-env-staging')).toHaveTextContent('—');
    // The period ends at a UTC midnight and spans 30 days by default; day buckets.
    const first = seen[0]!;
    expect(first.searchParams.get('bucket')).toBe('day');
    const from = new Date(first.searchParams.get('from')!);
    const to = new Date(first.searchParams.get('to')!);
    expect(to.getUTCHours()).toBe(0);
    expect((to.getTime() - from.getTime()) / 86_400_000).toBe(30);

    await userEvent.selectOptions(screen.getByTestId('metrics-environment'), 'env-staging');
    await userEvent.selectOptions(screen.getByTestId('metrics-bucket'), 'week');
    await waitFor(() => {
      const last = seen.at(-1)!;
      expect(last.searchParams.get('environmentId')).toBe('env-staging');
      expect(last.searchParams.get('bucket')).toBe('week');
    });
  }, 60_000);

  it('speaks Chinese, with Chinese number and duration formats', async () => {
    fakeApi(view(headline));
    renderApp('/projects/shop/metrics', { locale: 'zh-CN' });
    expect(await screen.findByTestId('metrics-frequency-value')).toHaveTextContent('每天 0.43 次');
    expect(screen.getByTestId('metrics-failure-rate')).toHaveTextContent('10 次发布中 4 次失败，1 次被回滚');
    expect(screen.getByTestId('metrics-lead-time-value')).toHaveTextContent('2小时');
    expect(screen.getByTestId('tab-metrics')).toHaveTextContent('交付指标');
  });

  it('says so when the period has no releases', async () => {
    fakeApi({ ...view(empty), environments: view(empty).environments.map((e) => ({ ...e, ...empty })) });
    renderApp('/projects/shop/metrics');
    expect(await screen.findByTestId('metrics-empty')).toHaveTextContent('No releases in this period');
    expect(screen.queryByTestId('metrics-frequency')).not.toBeInTheDocument();
  });
});
