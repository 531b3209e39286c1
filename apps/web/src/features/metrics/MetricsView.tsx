// The metrics page: period, grouping and environment pickers, the four headline numbers for the
// production scope (or the chosen environment), the charts, and one row per environment.
import type { DeliveryMetrics, EnvironmentView, ProjectMetricsView } from '@wharf/shared';
import { useMemo, useState } from 'react';
import { useEnvironments } from '../../api/environments/queries';
import { useProjectMetrics } from '../../api/metrics/queries';
import { EmptyState } from '../../components/EmptyState';
import { QueryView } from '../../components/QueryView';
import { formatNumber, formatPercent } from '../../i18n/format';
import { useI18n } from '../../i18n/useI18n';
import { MetricsCharts } from './MetricsCharts';

const PERIODS = [7, 30, 90, 365] as const;
type Period = (typeof PERIODS)[number];
const DAY_MS = 86_400_000;

/** The period ends at the next UTC midnight, so its buckets are whole UTC days. */
function periodOf(days: Period): { from: string; to: string } {
  const now = new Date();
  const to = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return { from: new Date(to - days * DAY_MS).toISOString(), to: new Date(to).toISOString() };
}

export function MetricsView({ slug }: { slug: string }) {
  const { t } = useI18n();
  const [period, setPeriod] = useState<Period>(30);
  const [bucket, setBucket] = useState<'day' | 'week'>('day');
  const [environmentId, setEnvironmentId] = useState('');
  const range = useMemo(() => periodOf(period), [period]);
  const environments = useEnvironments(slug);
  const metrics = useProjectMetrics(slug, { ...range, bucket, environmentId: environmentId || undefined });
  return (
    <div data-testid="metrics-page">
      <p className="muted small">{t('metrics.intro')}</p>
      <div className="filters">
        <label>
          {t('metrics.period')}{' '}
          <select
            data-testid="metrics-period"
            value={period}
            onChange={(e) => setPeriod(Number(e.target.value) as Period)}
          >
            {PERIODS.map((p) => (
              <option key={p} value={p}>
                {t(`metrics.period.${p}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('metrics.bucket')}{' '}
          <select
            data-testid="metrics-bucket"
            value={bucket}
            onChange={(e) => setBucket(e.target.value === 'week' ? 'week' : 'day')}
          >
            <option value="day">{t('metrics.bucket.day')}</option>
            <option value="week">{t('metrics.bucket.week')}</option>
          </select>
        </label>
        <label>
          {t('metrics.environment')}{' '}
          <select
            data-testid="metrics-environment"
            value={environmentId}
            onChange={(e) => setEnvironmentId(e.target.value)}
          >
            <option value="">{t('metrics.environment.production')}</option>
            {(environments.data ?? []).map((env: EnvironmentView) => (
              <option key={env.id} value={env.id}>
                {env.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <QueryView
        query={metrics}
        isEmpty={(m) => m.environments.every((e) => e.releases === 0)}
        empty={
          <EmptyState testId="metrics-empty" title={t('metrics.empty.title')}>
            {t('metrics.empty.body')}
          </EmptyState>
        }
      >
        {(m) => <MetricsBody metrics={m} />}
      </QueryView>
    </div>
  );
}

function MetricsBody({ metrics: m }: { metrics: ProjectMetricsView }) {
  const { t } = useI18n();
  const names = m.environments.filter((e) => m.scope.environmentIds.includes(e.environmentId)).map((e) => e.name);
  const scope =
    m.scope.kind === 'environment'
      ? t('metrics.scope.environment', { name: names[0] ?? '' })
      : m.scope.kind === 'protected'
        ? t('metrics.scope.protected', { names: names.join(', ') })
        : t('metrics.scope.all');
  return (
    <>
      <p className="small" data-testid="metrics-scope">
        {scope}
      </p>
      <Headline metrics={m.headline} />
      <MetricsCharts series={m.series} />
      <EnvironmentTable metrics={m} />
    </>
  );
}

function useMetricText() {
  const { t, locale, duration } = useI18n();
  const none = t('metrics.none');
  return {
    seconds: (s: number | null) => (s === null ? none : duration(s * 1000)),
    percent: (r: number | null) => (r === null ? none : formatPercent(locale, r)),
    perDay: (n: number) => formatNumber(locale, n, 2),
    count: (n: number) => formatNumber(locale, n, 0),
  };
}

function Stat({
  label,
  value,
  detail,
  testId,
}: {
  label: string;
  value: string;
  detail: React.ReactNode;
  testId: string;
}) {
  return (
    <div className="card metrics-stat" data-testid={testId}>
      <div className="muted small">{label}</div>
      <div className="metrics-stat-value" data-testid={`${testId}-value`}>
        {value}
      </div>
      <div className="muted small">{detail}</div>
    </div>
  );
}

function Headline({ metrics: h }: { metrics: DeliveryMetrics }) {
  const { t } = useI18n();
  const f = useMetricText();
  return (
    <div className="metrics-stats">
      <Stat
        testId="metrics-frequency"
        label={t('metrics.frequency')}
        value={t('metrics.frequency.value', { perDay: f.perDay(h.deploymentsPerDay) })}
        detail={t('metrics.frequency.detail', { count: f.count(h.deployments) })}
      />
      <Stat
        testId="metrics-lead-time"
        label={t('metrics.leadTime')}
        value={f.seconds(h.leadTimeMedianSeconds)}
        detail={
          <>
            {t('metrics.leadTime.detail', {
              p90: f.seconds(h.leadTimeP90Seconds),
              samples: f.count(h.leadTimeSamples),
            })}
            {h.leadTimeFromArtifact > 0 && (
              <div data-testid="metrics-lead-time-from-artifact">
                {t('metrics.leadTime.fromArtifact', { count: f.count(h.leadTimeFromArtifact) })}
              </div>
            )}
          </>
        }
      />
      <Stat
        testId="metrics-failure-rate"
        label={t('metrics.failureRate')}
        value={f.percent(h.changeFailureRate)}
        detail={t('metrics.failureRate.detail', {
          failed: f.count(h.failed),
          rolledBack: f.count(h.rolledBack),
          releases: f.count(h.releases),
        })}
      />
      <Stat
        testId="metrics-restore"
        label={t('metrics.restore')}
        value={f.seconds(h.timeToRestoreMedianSeconds)}
        detail={
          <>
            {t('metrics.restore.detail', { count: f.count(h.restores) })}
            {h.unrestored > 0 && <div>{t('metrics.restore.unrestored', { count: f.count(h.unrestored) })}</div>}
          </>
        }
      />
    </div>
  );
}

function EnvironmentTable({ metrics: m }: { metrics: ProjectMetricsView }) {
  const { t } = useI18n();
  const f = useMetricText();
  return (
    <table className="table" data-testid="metrics-environments">
      <thead>
        <tr>
          <th>{t('metrics.table.environment')}</th>
          <th>{t('metrics.table.frequency')}</th>
          <th>{t('metrics.table.leadTime')}</th>
          <th>{t('metrics.table.failureRate')}</th>
          <th>{t('metrics.table.restore')}</th>
        </tr>
      </thead>
      <tbody>
        {m.environments.map((e) => (
          <tr key={e.environmentId} data-testid={`metrics-env-${e.name}`}>
            <td>{e.name}</td>
            <td>{f.perDay(e.deploymentsPerDay)}</td>
            <td>{f.seconds(e.leadTimeMedianSeconds)}</td>
            <td>{f.percent(e.changeFailureRate)}</td>
            <td>{f.seconds(e.timeToRestoreMedianSeconds)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
