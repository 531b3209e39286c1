// The three charts of the metrics page (recharts): successful releases per bucket, median lead
// time per bucket (in hours, minutes or seconds: see lead-time-scale.ts), change failure rate
// per bucket. Bucket labels are UTC days. Lines have dots, so a lone bucket still shows.
import type { MetricsBucketPoint } from '@wharf/shared';
import { Bar, BarChart, CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { formatNumber, formatPercent, formatUtcDay } from '../../i18n/format';
import { useI18n } from '../../i18n/useI18n';
import { leadTimeScale } from './lead-time-scale';

const HEIGHT = 220;

function ChartCard({ title, testId, children }: { title: string; testId: string; children: React.ReactNode }) {
  return (
    <figure className="card metrics-chart" data-testid={testId}>
      <figcaption className="small">{title}</figcaption>
      {children}
    </figure>
  );
}

export function MetricsCharts({ series }: { series: MetricsBucketPoint[] }) {
  const { t, locale } = useI18n();
  const day = (iso: string) => formatUtcDay(locale, iso);
  const lead = leadTimeScale(series);
  const leadUnit = t(`metrics.chart.${lead.unit}`);
  const leadTitle = t('metrics.chart.leadTime', { unit: leadUnit });
  const data = series.map((p) => ({
    start: p.start,
    deployments: p.deployments,
    leadTime: p.leadTimeMedianSeconds === null ? null : p.leadTimeMedianSeconds / lead.secondsPerUnit,
    failureRate: p.changeFailureRate,
  }));
  return (
    <div className="metrics-charts">
      <ChartCard title={t('metrics.chart.frequency')} testId="metrics-chart-frequency">
        <BarChart data={data} responsive width="100%" height={HEIGHT}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="start" tickFormatter={day} minTickGap={16} />
          <YAxis allowDecimals={false} width={32} />
          <Tooltip
            labelFormatter={(v) => day(String(v))}
            formatter={(v) => [String(v), t('metrics.chart.frequency')]}
          />
          <Bar dataKey="deployments" fill="#2f6fde" isAnimationActive={false} />
        </BarChart>
      </ChartCard>
      <ChartCard title={leadTitle} testId="metrics-chart-lead-time">
        <LineChart data={data} responsive width="100%" height={HEIGHT}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="start" tickFormatter={day} minTickGap={16} />
          <YAxis width={40} tickFormatter={(v: number) => formatNumber(locale, v, 1)} />
          <Tooltip
            labelFormatter={(v) => day(String(v))}
            formatter={(v) => [`${formatNumber(locale, Number(v), 1)} ${leadUnit}`, leadTitle]}
          />
          <Line dataKey="leadTime" stroke="#8a4fd1" connectNulls dot={{ r: 2 }} isAnimationActive={false} />
        </LineChart>
      </ChartCard>
      <ChartCard title={t('metrics.chart.failureRate')} testId="metrics-chart-failure-rate">
        <LineChart data={data} responsive width="100%" height={HEIGHT}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="start" tickFormatter={day} minTickGap={16} />
          <YAxis width={44} domain={[0, 1]} tickFormatter={(v: number) => formatPercent(locale, v)} />
          <Tooltip
            labelFormatter={(v) => day(String(v))}
            formatter={(v) => [formatPercent(locale, Number(v)), t('metrics.chart.failureRate')]}
          />
          <Line dataKey="failureRate" stroke="#d1453b" connectNulls dot={{ r: 2 }} isAnimationActive={false} />
        </LineChart>
      </ChartCard>
    </div>
  );
}
