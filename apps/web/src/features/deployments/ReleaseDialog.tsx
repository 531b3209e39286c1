import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useCreateDeployment } from '../../api/deployments/mutations';
import { useEnvironmentStatus } from '../../api/deployments/queries';
import { useReleaseCheck } from '../../api/release-rules/queries';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { QueryView } from '../../components/QueryView';
import { useI18n } from '../../i18n/useI18n';
import { useProjectContext } from '../projects/project-context';
import { ChangelogPanel } from './ChangelogPanel';
import { gateOutcome, NO_REASONS, ReleaseGatePanel, type GateReasons } from './ReleaseGatePanel';
import { useReleaseStrategy } from './useReleaseStrategy';
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

  const envs = status.data ?? [];
  const env = envs.find((e) => e.environmentId === envId) ?? envs[0];
  // A rolling restart is named as such: it restarts the running instances instead of uploading.
  const rolling = useReleaseStrategy(slug, env);
  // Promotion, freeze and approvals as the API sees them; a failed check shows nothing (the
  // release itself is checked again).
  const check = useReleaseCheck(slug, env?.environmentId, version);
  const [reasons, setReasons] = useState<GateReasons>(NO_REASONS);
  const gate = gateOutcome(check.data, reasons);

  return (
    <ConfirmDialog
      title={rolling?.rolling ? t('release.rolling.title', { version }) : t('release.title', { version })}
      testId="release"
      confirmLabel={
        env
          ? rolling?.rolling
            ? t('release.rolling.submit', { env: env.environmentName })
            : t('release.submit', { version, env: env.environmentName })
          : t('release.submitShort')
      }
      pendingLabel={t('release.releasing')}
      typedName={env?.protected ? env.environmentName : null}
      ready={!!env && !gate.blocked}
      pending={create.isPending}
      error={create.error}
      onClose={onClose}
      onConfirm={(confirm) => {
        if (!env) return;
        create.mutate(
          {
            environmentId: env.environmentId,
            version,
            ...gate.overrides,
            ...(confirm === undefined ? {} : { confirm }),
          },
          { onSuccess: (d) => void navigate(`${base}/deployments/${encodeURIComponent(d.id)}`) },
        );
      }}
    >
      <QueryView
        query={status}
        isEmpty={(data) => data.length === 0}
        empty={
          <div className="empty" data-testid="release-no-environments">
            <p className="empty-title">{t('environments.empty.title')}</p>
            <Link to={`${base}/environments`}>{t('tab.environments')}</Link>
          </div>
        }
      >
        {() =>
          env && (
            <>
              <div className="field">
                <label htmlFor="release-env">{t('release.environment')}</label>
                <select
                  id="release-env"
                  value={env.environmentId}
                  onChange={(e) => {
                    setEnvId(e.target.value);
                    setReasons(NO_REASONS);
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
              {check.data && (
                <ReleaseGatePanel
                  check={check.data}
                  envName={env.environmentName}
                  version={version}
                  reasons={reasons}
                  onReasons={setReasons}
                />
              )}
              <ChangelogPanel
                slug={slug}
                environmentId={env.environmentId}
                environmentName={env.environmentName}
                version={version}
                mode="release"
              />
              {rolling?.rolling && (
                <div className={`alert ${rolling.refused ? 'alert-warn' : 'alert-info'}`} data-testid="release-rolling">
                  {rolling.refused
                    ? t('release.rolling.refused', { env: env.environmentName })
                    : t('release.rolling.note', { env: env.environmentName })}
                </div>
              )}
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
                <div className="alert alert-warn" data-testid="release-protected">
                  {can('maintainer')
                    ? t('release.protectedNote', { env: env.environmentName })
                    : t('release.protectedDeployer', { env: env.environmentName })}
                </div>
              )}
            </>
          )
        }
      </QueryView>
    </ConfirmDialog>
  );
}
