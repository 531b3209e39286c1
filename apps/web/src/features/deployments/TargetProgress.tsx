import type { DeploymentTargetView, DeploymentView } from '@wharf/shared';
import { isActiveState } from '../../api/deployments/queries';
import { useNow } from '../../hooks/useNow';
import { useI18n } from '../../i18n/useI18n';
import { TargetStateIcon } from './DeploymentStateBadge';
import { RestartInstances } from './RestartInstances';
import { targetNoun } from './target-noun';
import { WorkloadProgress } from './WorkloadProgress';

const PROGRESS_TEXT = {
  hosts: 'deployment.progressText',
  workloads: 'deployment.progressText.workloads',
  services: 'deployment.progressText.services',
} as const;

const DONE = new Set<DeploymentTargetView['state']>(['succeeded', 'failed', 'skipped', 'cancelled']);

function groupByBatch(targets: DeploymentTargetView[]): [number, DeploymentTargetView[]][] {
  const groups = new Map<number, DeploymentTargetView[]>();
  for (const t of targets) {
    const g = groups.get(t.batch);
    if (g) g.push(t);
    else groups.set(t.batch, [t]);
  }
  // Batches are numbered from 1; 0 means "not placed in a batch yet" and goes last.
  return [...groups.entries()].sort((a, b) => (a[0] || Infinity) - (b[0] || Infinity));
}

/** Overall bar, then each batch with its hosts (workloads, services), their state, timing and error. */
export function TargetProgress({ deployment }: { deployment: DeploymentView }) {
  const { t, duration } = useI18n();
  const targets = deployment.targets;
  const succeeded = targets.filter((x) => x.state === 'succeeded').length;
  const failed = targets.filter((x) => x.state === 'failed').length;
  const stopped = targets.filter((x) => x.state === 'skipped' || x.state === 'cancelled').length;
  const running = targets.filter((x) => x.state === 'running').length;
  const now = useNow(isActiveState(deployment.state));
  const share = (n: number) => `${targets.length ? (n / targets.length) * 100 : 0}%`;
  const done = targets.filter((x) => DONE.has(x.state)).length;
  const pct = targets.length === 0 ? 0 : Math.round((done / targets.length) * 100);

  return (
    <div className="target-progress" data-testid="target-progress">
      <div className="progress-summary">
        <div
          className="progress-bar"
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={targets.length}
          aria-valuenow={done}
          aria-label={t('deployment.progress')}
        >
          <span className="progress-ok" style={{ width: share(succeeded) }} />
          <span className="progress-failed" style={{ width: share(failed) }} />
          <span className="progress-stopped" style={{ width: share(stopped) }} />
          <span className="progress-running" style={{ width: share(running) }} />
        </div>
        <span className="muted small" data-testid="progress-text">
          {t(PROGRESS_TEXT[targetNoun(deployment.strategy)], { done, total: targets.length, pct })}
        </span>
      </div>
      {groupByBatch(targets).map(([batch, members]) => (
        <div className="batch" key={batch} data-testid={`batch-${batch}`}>
          <div className="batch-head">
            <span className="strong">
              {batch === 0 ? t('deployment.unbatched') : t('deployment.batch', { n: batch })}
            </span>
            <span className="muted small">
              {t('deployment.batchDone', {
                done: members.filter((m) => m.state === 'succeeded').length,
                total: members.length,
              })}
            </span>
          </div>
          <ul className="host-list">
            {members.map((m) => (
              <li
                key={`${m.targetId ?? ''}:${m.targetName}`}
                className={`host host-${m.state}`}
                data-testid={`host-${m.targetName}`}
                data-state={m.state}
              >
                <TargetStateIcon state={m.state} />
                <span className="mono strong host-name">{m.targetName}</span>
                <span className="muted small">{t(`targetState.${m.state}`)}</span>
                {m.startedAt && (
                  <span className="muted small host-time">
                    {m.finishedAt
                      ? duration(Date.parse(m.finishedAt) - Date.parse(m.startedAt))
                      : t('deployment.since', { time: duration(now - Date.parse(m.startedAt)) })}
                  </span>
                )}
                {m.error && (
                  <pre className="host-error" data-testid="host-error">
                    {m.error}
                  </pre>
                )}
                {m.detail?.kind === 'kubernetes' && (
                  <WorkloadProgress detail={m.detail} targetName={m.targetName} targetState={m.state} />
                )}
                {m.detail?.kind === 'rolling-restart' && (
                  <RestartInstances
                    detail={m.detail}
                    targetName={m.targetName}
                    active={isActiveState(deployment.state)}
                  />
                )}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}
