import type { DeploymentView } from '@wharf/shared';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { isApiError } from '../../api/client';
import { useRetryDeployment } from '../../api/deployments/mutations';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Modal } from '../../components/Modal';
import { useI18n } from '../../i18n/useI18n';
import { ConfirmNameField, confirmMatches } from './ConfirmNameField';
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
  const [confirm, setConfirm] = useState('');
  const env = deployment.environmentName;
  const hosts = deployment.targets.filter((x) => x.state !== 'succeeded' && x.targetId !== null);
  const canSubmit = confirmMatches(isProtected, env, confirm) && !retry.isPending;
  const confirmError = isApiError(retry.error) ? retry.error.fieldErrors()['confirm'] : undefined;

  const submit = () => {
    if (!canSubmit) return;
    retry.mutate(
      { id: deployment.id, ...(isProtected ? { confirm } : {}) },
      {
        onSuccess: (d) =>
          void navigate(`/projects/${encodeURIComponent(slug)}/deployments/${encodeURIComponent(d.id)}`),
      },
    );
  };

  return (
    <Modal
      title={t('retry.title', { version: deployment.version, env })}
      onClose={onClose}
      busy={retry.isPending}
      testId="retry-dialog"
      footer={
        <>
          <button type="button" className="btn" onClick={onClose} disabled={retry.isPending}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className="btn btn-primary"
            disabled={!canSubmit}
            onClick={submit}
            data-testid="retry-submit"
          >
            {retry.isPending ? t('common.working') : t('retry.submit', { count: hosts.length })}
          </button>
        </>
      }
    >
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
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
        {isProtected && (
          <ConfirmNameField
            envName={env}
            value={confirm}
            onChange={setConfirm}
            error={confirmError}
            testId="retry-confirm-input"
          />
        )}
        <ErrorNotice error={retry.error} fields={['confirm']} testId="retry-error" />
        <button type="submit" hidden disabled={!canSubmit} />
      </form>
    </Modal>
  );
}
