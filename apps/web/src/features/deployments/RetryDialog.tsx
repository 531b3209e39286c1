import type { DeploymentView, ReleaseCheckView } from '@wharf/shared';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useRetryDeployment } from '../../api/deployments/mutations';
import { useReleaseCheck } from '../../api/release-rules/queries';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { useI18n } from '../../i18n/useI18n';
import { TargetStateIcon } from './DeploymentStateBadge';
import { gateOutcome, NO_REASONS, ReleaseGatePanel, type GateReasons } from './ReleaseGatePanel';

/** Retries the hosts of a failed or cancelled deployment that did not succeed, as a new deployment. */
export function RetryDialog({
  deployment,
  isProtected,
  onClose,
}: {
  deployment: DeploymentView;
  isProtected: boolean;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const slug = deployment.projectSlug;
  const retry = useRetryDeployment(slug);
  const navigate = useNavigate();
  const env = deployment.environmentName;
  const hosts = deployment.targets.filter((x) => x.state !== 'succeeded' && x.targetId !== null);
  // A retry is the same version, already let through: only a freeze (and approvals) apply to it.
  const check = useReleaseCheck(slug, deployment.environmentId, deployment.version);
  const view: ReleaseCheckView | undefined = check.data && {
    ...check.data,
    promotion: { ...check.data.promotion, required: false },
  };
  const [reasons, setReasons] = useState<GateReasons>(NO_REASONS);
  const gate = gateOutcome(view, reasons);

  return (
    <ConfirmDialog
      title={t('retry.title', { version: deployment.version, env })}
      testId="retry"
      confirmLabel={t('retry.submit', { count: hosts.length })}
      typedName={isProtected ? env : null}
      ready={!gate.blocked}
      pending={retry.isPending}
      error={retry.error}
      onClose={onClose}
      onConfirm={(confirm) =>
        retry.mutate(
          { id: deployment.id, ...gate.overrides, ...(confirm === undefined ? {} : { confirm }) },
          {
            onSuccess: (d) =>
              void navigate(`/projects/${encodeURIComponent(slug)}/deployments/${encodeURIComponent(d.id)}`),
          },
        )
      }
    >
      <p>{t('retry.explain', { version: deployment.version })}</p>
      {view && (
        <ReleaseGatePanel
          check={view}
          envName={env}
          version={deployment.version}
          reasons={reasons}
          onReasons={setReasons}
          testIdPrefix="retry"
        />
      )}
      {hosts.length === 0 ? (
        <p className="muted">{t('retry.none')}</p>
      ) : (
        <ul className="host-list" data-testid="retry-hosts">
          {hosts.map((h) => (
            <li key={h.targetId} className="host">
              <TargetStateIcon state={h.state} />
              <span className="mono strong">{h.targetName}</span>
            </li>
          ))}
        </ul>
      )}
    </ConfirmDialog>
  );
}
