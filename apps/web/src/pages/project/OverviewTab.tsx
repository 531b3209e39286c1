import { useState } from 'react';
import { Link } from 'react-router';
import { useEnvironmentStatus } from '../../api/deployments/queries';
import { useEnvironments } from '../../api/environments/queries';
import { useTargets } from '../../api/targets/queries';
import { Badge } from '../../components/Badge';
import { EmptyState } from '../../components/EmptyState';
import { QueryView } from '../../components/QueryView';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { RetentionSection } from '../../features/artifacts/RetentionSection';
import { EnvironmentStatusCard } from '../../features/deployments/EnvironmentStatusCard';
import { EditProjectForm } from '../../features/projects/EditProjectForm';
import { useProjectContext } from '../../features/projects/project-context';
import { useI18n } from '../../i18n/useI18n';

export function OverviewTab() {
  const { t, locale } = useI18n();
  const { project, can } = useProjectContext();
  const envs = useEnvironments(project.slug);
  const targets = useTargets(project.slug);
  const status = useEnvironmentStatus(project.slug);
  const [editing, setEditing] = useState(false);
  const base = `/projects/${encodeURIComponent(project.slug)}`;

  const targetCount = (envId: string) => targets.data?.filter((x) => x.environmentId === envId).length;

  return (
    <div className="stack">
      <Section title={t('overview.environments')}>
        <QueryView
          query={envs}
          isEmpty={(data) => data.length === 0}
          empty={
            <EmptyState
              testId="overview-empty"
              title={t('environments.empty.title')}
              action={
                can('maintainer') && (
                  <Link className="btn btn-primary" to={`${base}/environments`}>
                    {t('environments.new')}
                  </Link>
                )
              }
            >
              {t('environments.empty.body')}
            </EmptyState>
          }
        >
          {(data) => (
            <>
              {status.isError && (
                <ErrorNotice error={status.error} onRetry={() => void status.refetch()} testId="status-error" />
              )}
              <ol className="env-pipeline" data-testid="overview-environments">
                {data.map((env) => {
                  const count = targetCount(env.id);
                  return (
                    <li key={env.id} className="env-card" data-testid={`overview-env-${env.name}`}>
                      <div className="env-card-head">
                        <span className="env-name">{env.name}</span>
                        {env.protected && (
                          <Badge tone="warn" testId="protected-badge">
                            {t('environments.protected')}
                          </Badge>
                        )}
                      </div>
                      <EnvironmentStatusCard
                        envName={env.name}
                        status={status.data?.find((s) => s.environmentId === env.id)}
                        statusPending={status.isPending}
                      />
                      <div className="env-card-foot">
                        <Link to={`${base}/targets?env=${encodeURIComponent(env.id)}`}>
                          {count === undefined
                            ? t('tab.targets')
                            : t(
                                new Intl.PluralRules(locale).select(count) === 'one'
                                  ? 'overview.targetCount.one'
                                  : 'overview.targetCount.other',
                                { count },
                              )}
                        </Link>
                        <Link
                          to={`${base}/deployments?env=${encodeURIComponent(env.id)}`}
                          data-testid={`env-history-${env.name}`}
                        >
                          {t('overview.history')}
                        </Link>
                      </div>
                    </li>
                  );
                })}
              </ol>
            </>
          )}
        </QueryView>
      </Section>
      <Section
        title={t('overview.about')}
        actions={
          can('maintainer') &&
          !editing && (
            <button
              type="button"
              className="btn btn-small"
              data-testid="project-edit-button"
              onClick={() => setEditing(true)}
            >
              {t('common.edit')}
            </button>
          )
        }
      >
        {editing ? (
          <EditProjectForm project={project} onDone={() => setEditing(false)} />
        ) : (
          <p className={project.description ? 'prewrap' : 'muted'} data-testid="project-description-text">
            {project.description || t('overview.noDescription')}
          </p>
        )}
      </Section>
      <RetentionSection slug={project.slug} canEdit={can('maintainer')} />
    </div>
  );
}
