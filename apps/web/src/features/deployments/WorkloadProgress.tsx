import type { DeploymentTargetState, KubernetesTargetDetail, WorkloadPodView, WorkloadReplicas } from '@wharf/shared';
import { Badge, type BadgeTone } from '../../components/Badge';
import { useI18n } from '../../i18n/useI18n';
import './workload-progress.css';

/** Reasons that mean a pod will not become ready by waiting: shown in red. */
const FAILING_REASONS = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'Unschedulable',
  'OOMKilled',
  'Error',
  'Evicted',
]);

export function podReasonTone(reason: string): BadgeTone {
  return FAILING_REASONS.has(reason) ? 'danger' : 'warn';
}

const COUNTS = ['updated', 'ready', 'available'] as const;

/** The executor's "previous image X restored and rolled out": the title says all of it but X. */
const RESTORED = /^previous (?:image (\S+)|pod template) restored and rolled out\.?$/i;

/** What a restore's message adds to its title: the image put back, or the message itself when it says more. */
export function restoreNote(message: string): string {
  const m = RESTORED.exec(message.trim());
  return m ? (m[1] ?? '') : message;
}

/** The way `kubectl rollout status` reads the counts: every desired replica updated, ready and available. */
export function isRolledOut(r: WorkloadReplicas | null): boolean {
  return r !== null && r.updated === r.desired && r.ready === r.desired && r.available === r.desired;
}

/**
 * One Kubernetes workload of a deployment: the image it replaced and the one it got, its
 * updated/ready/available replicas against the desired count, its pods with phase, readiness
 * and why they wait, and whether a restore put the previous image back.
 */
export function WorkloadProgress({
  detail,
  targetName,
  targetState,
}: {
  detail: KubernetesTargetDetail;
  targetName: string;
  targetState: DeploymentTargetState;
}) {
  const { t } = useI18n();
  // Right after the patch the workload's status can still describe the old template (its
  // controller has not observed the change yet): only a finished target is called rolled out.
  const done = targetState !== 'pending' && targetState !== 'running' && isRolledOut(detail.replicas);
  return (
    <div
      className="workload"
      data-testid={`workload-${targetName}`}
      data-rolled-out={done ? 'true' : 'false'}
      aria-label={t('workload.title')}
    >
      <div className="workload-head">
        <span className="mono strong" data-testid="workload-name">
          {detail.workload}
        </span>
        {done && <Badge tone="ok">{t('workload.done')}</Badge>}
      </div>
      <ImageChange previous={detail.previousImage} image={detail.image} />
      {detail.restore?.state === 'running' && <RestoreUnderWay image={detail.restore.image ?? null} />}
      <ReplicaBars replicas={detail.replicas} />
      {detail.restore && detail.restore.state !== 'running' && (
        <div
          className={detail.restore.state === 'succeeded' ? 'alert alert-warn' : 'alert alert-error'}
          data-testid="workload-restore"
          data-state={detail.restore.state}
        >
          <strong>{t(`workload.restore.${detail.restore.state}`)}</strong>
          {restoreNote(detail.restore.message) && (
            <span className="small" data-testid="workload-restore-note">
              {' '}
              — {restoreNote(detail.restore.message)}
            </span>
          )}
        </div>
      )}
      <Pods pods={detail.pods} />
    </div>
  );
}

/** The failed rollout is being undone: the counts and pods below are the restore's rollout. */
function RestoreUnderWay({ image }: { image: string | null }) {
  const { t } = useI18n();
  return (
    <div className="alert alert-info" role="status" data-testid="workload-restoring">
      <strong>{image ? t('workload.restore.running') : t('workload.restore.runningTemplate')}</strong>
      {image && (
        <span className="mono small" data-testid="workload-restoring-image">
          {' '}
          {image}
        </span>
      )}
      <div className="small muted">{t('workload.restore.runningHint')}</div>
    </div>
  );
}

function ImageChange({ previous, image }: { previous: string | null; image: string | null }) {
  const { t } = useI18n();
  return (
    <div className="workload-images" aria-label={t('workload.imageChange')}>
      <span className="muted small">{t('workload.image')}</span>
      {previous !== image && (
        <>
          <span className="mono small workload-old-image" data-testid="workload-previous-image">
            {previous ?? <span className="muted">{t('workload.noPreviousImage')}</span>}
          </span>
          <span aria-hidden="true">→</span>
        </>
      )}
      <span className="mono small strong" data-testid="workload-image">
        {image ?? <span className="muted">{t('workload.notSetYet')}</span>}
      </span>
    </div>
  );
}

function ReplicaBars({ replicas }: { replicas: WorkloadReplicas | null }) {
  const { t } = useI18n();
  if (!replicas) {
    return (
      <p className="muted small" data-testid="workload-no-replicas">
        {t('workload.noReplicas')}
      </p>
    );
  }
  const { desired } = replicas;
  return (
    <div className="workload-replicas" aria-label={t('workload.replicas')}>
      <span className="muted small" data-testid="workload-desired">
        {t('workload.desired', { n: desired })}
      </span>
      {COUNTS.map((key) => {
        const n = replicas[key];
        const share = desired > 0 ? Math.min(100, (n / desired) * 100) : n > 0 ? 100 : 0;
        return (
          <div className="replica-row" key={key} data-testid={`workload-${key}`} data-value={n}>
            <span className="small replica-label">{t(`workload.count.${key}`)}</span>
            <div
              className="progress-bar"
              role="progressbar"
              aria-label={t(`workload.count.${key}`)}
              aria-valuemin={0}
              aria-valuemax={desired}
              aria-valuenow={n}
            >
              <span className={n >= desired ? 'progress-ok' : 'progress-running'} style={{ width: `${share}%` }} />
            </div>
            <span className="small mono replica-count">{t('workload.countText', { n, desired })}</span>
          </div>
        );
      })}
    </div>
  );
}

function Pods({ pods }: { pods: WorkloadPodView[] }) {
  const { t } = useI18n();
  if (pods.length === 0) {
    return (
      <p className="muted small" data-testid="workload-no-pods">
        {t('workload.noPods')}
      </p>
    );
  }
  return (
    <table className="table workload-pods" aria-label={t('workload.pods')}>
      <thead>
        <tr>
          <th>{t('workload.pod.name')}</th>
          <th>{t('workload.pod.phase')}</th>
          <th>{t('workload.pod.ready')}</th>
          <th>{t('workload.pod.reason')}</th>
        </tr>
      </thead>
      <tbody>
        {pods.map((p) => (
          <tr key={p.name} data-testid={`pod-${p.name}`} data-phase={p.phase} data-ready={p.ready ? 'true' : 'false'}>
            <td className="mono small">{p.name}</td>
            <td className="small">{p.phase}</td>
            <td>
              <Badge tone={p.ready ? 'ok' : 'neutral'}>
                {p.ready ? t('workload.pod.isReady') : t('workload.pod.notReady')}
              </Badge>
            </td>
            <td data-testid="pod-reason">
              {p.reason ? <Badge tone={podReasonTone(p.reason)}>{p.reason}</Badge> : <span className="muted">—</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
