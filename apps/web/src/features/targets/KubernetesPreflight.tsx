import type {
  HostPreflightView,
  KubernetesPreflightCheckView,
  KubernetesPreflightView,
  KubernetesTargetPreflightView,
} from '@wharf/shared';
import { Badge } from '../../components/Badge';
import { useI18n } from '../../i18n/useI18n';

const STATUS_TONE = { passed: 'ok', failed: 'danger', skipped: 'neutral' } as const;

/** Test connection answers a Kubernetes target with its workload's image and replicas, an SSH target with a host key. */
export function isKubernetesPreflight(
  probe: HostPreflightView | KubernetesTargetPreflightView,
): probe is KubernetesTargetPreflightView {
  return 'currentImage' in probe;
}

/**
 * What "Test connection" found for a Kubernetes target: each check in order (reachable,
 * credential accepted, workload readable, patch allowed, pods/events watchable) with what
 * the API server said, then the workload's current image and replicas.
 */
export function KubernetesPreflight({
  targetName,
  probe,
}: {
  targetName: string;
  /** The API's answer names the workload it checked; the executor's own view does not. */
  probe: KubernetesPreflightView & { workload?: string };
}) {
  const { t } = useI18n();
  const failed: KubernetesPreflightCheckView | undefined = probe.checks.find((c) => c.status === 'failed');
  const r = probe.replicas;
  return (
    <div
      className="probe"
      data-testid={`k8s-preflight-${targetName}`}
      data-ok={probe.ok ? 'true' : 'false'}
      aria-label={t('k8sPreflight.title')}
    >
      <div className={probe.ok ? 'alert alert-info' : 'alert alert-error'} data-testid="k8s-preflight-summary">
        {probe.ok || !failed
          ? t('k8sPreflight.ok')
          : t('k8sPreflight.failedAt', { check: t(`k8sPreflight.check.${failed.name}`) })}
      </div>
      <ul className="check-list" aria-label={t('k8sPreflight.title')}>
        {probe.checks.map((c) => (
          <li key={c.name} data-testid={`k8s-check-${c.name}`} data-status={c.status}>
            <Badge tone={STATUS_TONE[c.status]}>{t(`preflight.status.${c.status}`)}</Badge>
            <span className="strong">{t(`k8sPreflight.check.${c.name}`)}</span>
            <span className={c.status === 'failed' ? 'small' : 'muted small'}>{c.message}</span>
          </li>
        ))}
      </ul>
      <dl className="meta-grid">
        {probe.workload && (
          <div>
            <dt>{t('workload.title')}</dt>
            <dd className="mono" data-testid="k8s-workload">
              {probe.workload}
            </dd>
          </div>
        )}
        <div className="wide">
          <dt>{t('k8sPreflight.currentImage')}</dt>
          <dd className="mono" data-testid="k8s-current-image">
            {probe.currentImage ?? <span className="muted">{t('k8sPreflight.notRead')}</span>}
          </dd>
        </div>
        <div className="wide">
          <dt>{t('k8sPreflight.replicas')}</dt>
          <dd data-testid="k8s-replicas">
            {r ? (
              t('k8sPreflight.replicasText', {
                ready: r.ready,
                desired: r.desired,
                updated: r.updated,
                available: r.available,
              })
            ) : (
              <span className="muted">{t('k8sPreflight.notRead')}</span>
            )}
          </dd>
        </div>
        {probe.serverVersion && (
          <div>
            <dt>{t('k8sPreflight.serverVersion')}</dt>
            <dd className="mono">{probe.serverVersion}</dd>
          </div>
        )}
      </dl>
    </div>
  );
}
