import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { isApiError } from '../../api/client';
import { useCreateDeployment } from '../../api/deployments/mutations';
import { useEnvironmentStatus } from '../../api/deployments/queries';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Modal } from '../../components/Modal';
import { Spinner } from '../../components/Spinner';
import { useI18n } from '../../i18n/useI18n';
import { useProjectContext } from '../projects/project-context';
import { ChangelogPanel } from './ChangelogPanel';
import { ConfirmNameField, confirmMatches } from './ConfirmNameField';
import { VersionChange } from './VersionChange';

/** Release one version to an environment the person picks; opens the deployment page after. */
export function ReleaseDialog({ version, onClose }: { version: string; onClose: () => void }) {
  const { t } = useI18n();
  const { project, can } = useProjectContext();
  const slug = project.slug;
  const base = `/projects/${encodeURIComponent(slug)}`;
  const status = useEnvironmentStatus(slug);
  const create = useCreateDeployment(slug);
  const navigate = useNavigate();
  const [envId, setEnvId] = useState<string | null>(null);
  const [confirm, setConfirm] = useState('');

  const envs = status.data ?? [];
  const env = envs.find((e) => e.environmentId === envId) ?? envs[0];
  const canSubmit = !!env && confirmMatches(env.protected, env.environmentName, confirm) && !create.isPending;
  const confirmError = isApiError(create.error) ? create.error.fieldErrors()['confirm'] : undefined;

  const submit = () => {
    if (!env || !canSubmit) return;
    create.mutate(
      { environmentId: env.environmentId, version, ...(env.protected ? { confirm } : {}) },
      { onSuccess: (d) => void navigate(`${base}/deployments/${encodeURIComponent(d.id)}`) },
    );
  };

  return (
    <Modal
      title={t('release.title', { version })}
      onClose={onClose}
      busy={create.isPending}
      testId="release-dialog"
      footer={
        <>
          <button type="button" className="btn" onClick={onClose} disabled={create.isPending}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className="btn btn-primary"
            disabled={!canSubmit}
            onClick={submit}
            data-testid="release-submit"
          >
            {create.isPending
              ? t('release.releasing')
              : env
                ? t('release.submit', { version, env: env.environmentName })
                : t('release.submitShort')}
          </button>
        </>
      }
    >
      {status.isPending ? (
        <Spinner />
      ) : status.isError ? (
        <ErrorNotice error={status.error} onRetry={() => void status.refetch()} />
      ) : !env ? (
        <div className="empty" data-testid="release-no-environments">
          <p className="empty-title">{t('environments.empty.title')}</p>
          <Link to={`${base}/environments`}>{t('tab.environments')}</Link>
        </div>
      ) : (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <div className="field">
            <label htmlFor="release-env">{t('release.environment')}</label>
            <select
              id="release-env"
              value={env.environmentId}
              onChange={(e) => {
                setEnvId(e.target.value);
                setConfirm('');
                create.reset();
              }}
              data-testid="release-environment"
              autoFocus
            >
              {envs.map((e) => (
                <option key={e.environmentId} value={e.environmentId}>
                  {e.protected ? t('release.envProtected', { name: e.environmentName }) : e.environmentName}
                </option>
              ))}
            </select>
          </div>
          <div className="release-change" data-testid="release-change">
            <span className="muted small">{env.environmentName}</span>
            <VersionChange from={env.current?.version ?? null} to={version} testIdPrefix="release" />
          </div>
          <ChangelogPanel
            slug={slug}
            environmentId={env.environmentId}
            environmentName={env.environmentName}
            version={version}
            mode="release"
          />
          {env.current?.version === version && (
            <p className="muted small" data-testid="release-same-version">
              {t('release.sameVersion', { env: env.environmentName })}
            </p>
          )}
          {env.active && (
            <div className="alert alert-info" data-testid="release-active">
              {t('release.activeNote', { env: env.environmentName, version: env.active.version })}{' '}
              <Link to={`${base}/deployments/${encodeURIComponent(env.active.deploymentId)}`}>
                {t('release.viewActive')}
              </Link>
            </div>
          )}
          {env.protected && (
            <>
              <div className="alert alert-warn" data-testid="release-protected">
                {can('maintainer')
                  ? t('release.protectedNote', { env: env.environmentName })
                  : t('release.protectedDeployer', { env: env.environmentName })}
              </div>
              <ConfirmNameField
                envName={env.environmentName}
                value={confirm}
                onChange={setConfirm}
                error={confirmError}
                testId="release-confirm-input"
              />
            </>
          )}
          <ErrorNotice error={create.error} fields={['confirm']} testId="release-error" />
          {/* Enter in the confirm field submits. */}
          <button type="submit" hidden disabled={!canSubmit} />
        </form>
      )}
    </Modal>
  );
}
