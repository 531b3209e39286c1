import type { EnvironmentStatusView } from '@wharf/shared';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { isApiError } from '../../api/client';
import { useRollback } from '../../api/deployments/mutations';
import { useRollbackTarget } from '../../api/deployments/queries';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Modal } from '../../components/Modal';
import { useI18n } from '../../i18n/useI18n';
import { useProjectContext } from '../projects/project-context';
import { ConfirmNameField, confirmMatches } from './ConfirmNameField';
import { VersionChange } from './VersionChange';

/** "Roll back" for one environment: the button (deployers and up) and its dialog. */
export function RollbackButton({
  env,
  className = 'btn btn-small',
}: {
  env: EnvironmentStatusView;
  className?: string;
}) {
  const { t } = useI18n();
  const { can } = useProjectContext();
  const [open, setOpen] = useState(false);
  if (!can('deployer')) return null;
  return (
    <>
      <button
        type="button"
        className={className}
        disabled={!env.current}
        title={env.current ? undefined : t('rollback.nothing')}
        onClick={() => setOpen(true)}
        data-testid={`rollback-${env.environmentName}`}
      >
        {t('rollback.button')}
      </button>
      {open && <RollbackDialog env={env} onClose={() => setOpen(false)} />}
    </>
  );
}

function RollbackDialog({ env, onClose }: { env: EnvironmentStatusView; onClose: () => void }) {
  const { t } = useI18n();
  const { project, can } = useProjectContext();
  const slug = project.slug;
  const rollback = useRollback(slug);
  const navigate = useNavigate();
  const [confirm, setConfirm] = useState('');
  const current = env.current?.version ?? null;
  const target = useRollbackTarget(slug, env.environmentId, current, true);
  const canSubmit = confirmMatches(env.protected, env.environmentName, confirm) && !rollback.isPending;
  const confirmError = isApiError(rollback.error) ? rollback.error.fieldErrors()['confirm'] : undefined;

  const submit = () => {
    if (!canSubmit) return;
    rollback.mutate(
      { environmentId: env.environmentId, ...(env.protected ? { confirm } : {}) },
      {
        onSuccess: (d) =>
          void navigate(`/projects/${encodeURIComponent(slug)}/deployments/${encodeURIComponent(d.id)}`),
      },
    );
  };

  return (
    <Modal
      title={t('rollback.title', { env: env.environmentName })}
      onClose={onClose}
      busy={rollback.isPending}
      testId="rollback-dialog"
      footer={
        <>
          <button type="button" className="btn" onClick={onClose} disabled={rollback.isPending}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className="btn btn-danger"
            disabled={!canSubmit}
            onClick={submit}
            data-testid="rollback-submit"
          >
            {rollback.isPending ? t('common.working') : t('rollback.submit', { env: env.environmentName })}
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
        <p>{t('rollback.explain')}</p>
        <div className="release-change" data-testid="rollback-change">
          <span className="muted small">{env.environmentName}</span>
          <VersionChange from={current} to={target.data ?? null} testIdPrefix="rollback" />
        </div>
        {target.isSuccess && target.data === null && (
          <div className="alert alert-warn" data-testid="rollback-no-previous">
            {t('rollback.noPrevious', { env: env.environmentName })}
          </div>
        )}
        {env.protected && (
          <>
            <div className="alert alert-warn">
              {can('maintainer')
                ? t('release.protectedNote', { env: env.environmentName })
                : t('release.protectedDeployer', { env: env.environmentName })}
            </div>
            <ConfirmNameField
              envName={env.environmentName}
              value={confirm}
              onChange={setConfirm}
              error={confirmError}
              testId="rollback-confirm-input"
            />
          </>
        )}
        <ErrorNotice error={rollback.error} fields={['confirm']} testId="rollback-error" />
        <button type="submit" hidden disabled={!canSubmit} />
      </form>
    </Modal>
  );
}
