import type { InstanceStateName, RestartInstanceView, RollingRestartTargetDetail } from '@wharf/shared';
import { Badge, type BadgeTone } from '../../components/Badge';
import { useNow } from '../../hooks/useNow';
import { useI18n } from '../../i18n/useI18n';

const TONE: Record<InstanceStateName, BadgeTone> = {
  pending: 'neutral',
  restarting: 'info',
  waiting: 'info',
  healthy: 'ok',
  failed: 'danger',
  skipped: 'warn',
  cancelled: 'warn',
};

/** States in which the instance is being worked on right now (a running clock). */
const IN_PROGRESS = new Set<InstanceStateName>(['restarting', 'waiting']);

/**
 * A rolling restart's instances, one row each in restart order: state, health polls, when it
 * started and finished, and why it failed or was skipped. Live: the deployment page refetches
 * the detail whenever the deployment's status changes.
 */
export function RestartInstances({
  detail,
  targetName,
  active,
}: {
  detail: RollingRestartTargetDetail;
  targetName: string;
  /** The deployment is still running: empty means "not discovered yet", and clocks tick. */
  active: boolean;
}) {
  const { t, duration, locale } = useI18n();
  const instances = [...detail.instances].sort((a, b) => a.position - b.position);
  const ticking = active && instances.some((i) => IN_PROGRESS.has(i.state));
  const now = useNow(ticking);
  const healthy = instances.filter((i) => i.state === 'healthy').length;
  const clock = new Intl.DateTimeFormat(locale, { timeStyle: 'medium' });
  const time = (iso: string | null) => (iso ? clock.format(new Date(iso)) : '—');
  const took = (i: RestartInstanceView) => {
    if (!i.startedAt) return '—';
    const start = Date.parse(i.startedAt);
    if (i.finishedAt) return duration(Date.parse(i.finishedAt) - start);
    return active ? t('deployment.since', { time: duration(Math.max(0, now - start)) }) : '—';
  };

  return (
    // Inside a host row (a wrapping flex line): take the whole width, under the host's name.
    <div
      className="restart-instances"
      style={{ flexBasis: '100%', marginTop: 6 }}
      data-testid={`restart-instances-${targetName}`}
    >
      <div className="batch-head">
        <span className="strong">{t('restart.instances', { target: targetName })}</span>
        <span className="muted small" data-testid="restart-healthy-count">
          {t('restart.healthyCount', { healthy, total: instances.length })}
        </span>
      </div>
      {instances.length === 0 ? (
        <p className="muted small" style={{ padding: '8px 12px', margin: 0 }} data-testid="restart-instances-empty">
          {active ? t('restart.discovering') : t('restart.noInstances')}
        </p>
      ) : (
        <table className="table" data-testid="restart-instances-table">
          <thead>
            <tr>
              <th>#</th>
              <th>{t('restart.instance')}</th>
              <th>{t('restart.state')}</th>
              <th>{t('restart.polls')}</th>
              <th>{t('deployment.started')}</th>
              <th>{t('deployment.finished')}</th>
              <th>{t('deployment.duration')}</th>
              <th>{t('restart.error')}</th>
            </tr>
          </thead>
          <tbody>
            {instances.map((i) => (
              <tr key={i.instance} data-testid="restart-instance" data-instance={i.instance} data-state={i.state}>
                <td className="muted">{i.position}</td>
                <td className="mono small">{i.instance}</td>
                <td>
                  <Badge tone={TONE[i.state]} testId="restart-instance-state">
                    {IN_PROGRESS.has(i.state) && active && <span className="pulse" aria-hidden="true" />}
                    {t(`instanceState.${i.state}`)}
                  </Badge>
                </td>
                <td data-testid="restart-instance-polls">{i.polls}</td>
                <td className="small">{time(i.startedAt)}</td>
                <td className="small">{time(i.finishedAt)}</td>
                <td className="small">{took(i)}</td>
                <td>
                  {i.error ? (
                    <pre className="host-error" style={{ margin: 0 }} data-testid="restart-instance-error">
                      {i.error}
                    </pre>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
