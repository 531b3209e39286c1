import type { DeploymentView } from '@wharf/shared';
import { useNavigate } from 'react-router';
import { useRetryDeployment } from '../../api/deployments/mutations';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { useI18n } from '../../i18n/useI18n';
import { TargetStateIcon } from './DeploymentStateBadge';

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

  return (
    <ConfirmDialog
      title={t('retry.title', { version: deployment.version, env })}
      testId="retry"
      confirmLabel={t('retry.submit', { count: hosts.length })}
      typedName={isProtected ? env : null}
      pending={retry.isPending}
      error={retry.error}
      onClose={onClose}
      onConfirm={(confirm) =>
        retry.mutate(
          { id: deployment.id, ...(confirm === undefined ? {} : { confirm }) },
          {
            onSuccess: (d) =>
              void navigate(`/projects/${encodeURIComponent(slug)}/deployments/${encodeURIComponent(d.id)}`),
          },
        )
      }
    >
      <p>{t('retry.explain', { version: deployment.version })}</p>
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
