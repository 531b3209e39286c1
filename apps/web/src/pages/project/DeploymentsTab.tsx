import {
  DEPLOYMENT_STATES,
  DEPLOYMENT_TRIGGERS,
  versionSchema,
  type DeploymentState,
  type DeploymentTrigger,
} from '@wharf/shared';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { DeploymentFilters } from '../../api/deployments/keys';
import { useDeployments } from '../../api/deployments/queries';
import { useEnvironments } from '../../api/environments/queries';
import { EmptyState } from '../../components/EmptyState';
import { QueryView } from '../../components/QueryView';
import { ErrorNotice } from '../../components/ErrorNotice';
import { LoadMore } from '../../components/LoadMore';
import { Section } from '../../components/Section';
import { DeploymentsTable } from '../../features/deployments/DeploymentsTable';
import { useProjectContext } from '../../features/projects/project-context';
import { useI18n } from '../../i18n/useI18n';

const oneOf = <T extends string>(values: readonly T[], v: string | null): T | undefined =>
  v !== null && (values as readonly string[]).includes(v) ? (v as T) : undefined;

/** History: filters live in the URL (?env=&state=&trigger=&version=) so they can be linked. */
export function DeploymentsTab() {
  const { t } = useI18n();
  const { project } = useProjectContext();
  const slug = project.slug;
  const [params, setParams] = useSearchParams();
  const envs = useEnvironments(slug);
  const filters: DeploymentFilters = {
    environmentId: params.get('env') || undefined,
    state: oneOf<DeploymentState>(DEPLOYMENT_STATES, params.get('state')),
    trigger: oneOf<DeploymentTrigger>(DEPLOYMENT_TRIGGERS, params.get('trigger')),
    version: params.get('version') || undefined,
  };
  const filtered = Object.values(filters).some(Boolean);
  const deployments = useDeployments(slug, filters);
  const [versionDraft, setVersionDraft] = useState(filters.version ?? '');
  const [versionError, setVersionError] = useState<string | null>(null);

  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const onVersion = (e: FormEvent) => {
    e.preventDefault();
    const v = versionDraft.trim();
    if (v) {
      const parsed = versionSchema.safeParse(v);
      if (!parsed.success) {
        setVersionError(parsed.error.issues[0]?.message ?? t('error.unknown'));
        return;
      }
    }
    setVersionError(null);
    setFilter('version', v);
  };
  const clear = () => {
    setVersionDraft('');
    setVersionError(null);
    setParams(new URLSearchParams(), { replace: true });
  };

  const items = deployments.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Section title={t('deployments.title')}>
      <div className="filters" data-testid="deployment-filters">
        <select
          aria-label={t('deployment.environment')}
          value={filters.environmentId ?? ''}
          onChange={(e) => setFilter('env', e.target.value)}
          data-testid="filter-environment"
        >
          <option value="">{t('deployments.allEnvironments')}</option>
          {envs.data?.map((env) => (
            <option key={env.id} value={env.id}>
              {env.name}
            </option>
          ))}
        </select>
        <select
          aria-label={t('deployment.state')}
          value={filters.state ?? ''}
          onChange={(e) => setFilter('state', e.target.value)}
          data-testid="filter-state"
        >
          <option value="">{t('deployments.allStates')}</option>
          {DEPLOYMENT_STATES.map((s) => (
            <option key={s} value={s}>
              {t(`deploymentState.${s}`)}
            </option>
          ))}
        </select>
        <select
          aria-label={t('deployment.trigger')}
          value={filters.trigger ?? ''}
          onChange={(e) => setFilter('trigger', e.target.value)}
          data-testid="filter-trigger"
        >
          <option value="">{t('deployments.allTriggers')}</option>
          {DEPLOYMENT_TRIGGERS.map((s) => (
            <option key={s} value={s}>
              {t(`trigger.${s}`)}
            </option>
          ))}
        </select>
        <form className="inline-filter" onSubmit={onVersion} role="search">
          <input
            className="mono"
            aria-label={t('deployment.version')}
            placeholder={t('deployments.versionFilter')}
            value={versionDraft}
            onChange={(e) => setVersionDraft(e.target.value)}
            aria-invalid={versionError ? true : undefined}
            data-testid="filter-version"
          />
          <button type="submit" className="btn btn-small">
            {t('audit.filter')}
          </button>
        </form>
        {filtered && (
          <button type="button" className="btn btn-small" onClick={clear} data-testid="filter-clear">
            {t('deployments.clearFilters')}
          </button>
        )}
        {deployments.isFetching && !deployments.isPending && <span className="spinner" aria-hidden="true" />}
      </div>
      {versionError && (
        <p className="field-error" data-testid="field-error-version">
          {versionError}
        </p>
      )}
      <QueryView
        query={deployments}
        keepDataOnError
        isEmpty={() => items.length === 0}
        empty={
          filtered ? (
            <EmptyState
              testId="deployments-empty-filtered"
              title={t('deployments.emptyFiltered.title')}
              action={
                <button type="button" className="btn" onClick={clear}>
                  {t('deployments.clearFilters')}
                </button>
              }
            >
              {t('deployments.emptyFiltered.body')}
            </EmptyState>
          ) : (
            <EmptyState
              testId="deployments-empty"
              title={t('deployments.empty.title')}
              action={
                <Link className="btn" to={`/projects/${encodeURIComponent(slug)}/versions`}>
                  {t('tab.versions')}
                </Link>
              }
            >
              {t('deployments.empty.body')}
            </EmptyState>
          )
        }
      >
        {() => (
          <>
            <DeploymentsTable deployments={items} showEnvironment={!filters.environmentId} />
            <LoadMore
              hasNextPage={deployments.hasNextPage}
              isFetchingNextPage={deployments.isFetchingNextPage}
              fetchNextPage={() => deployments.fetchNextPage()}
            />
            {deployments.isFetchNextPageError && (
              <ErrorNotice error={deployments.error} onRetry={() => void deployments.fetchNextPage()} />
            )}
          </>
        )}
      </QueryView>
    </Section>
  );
}
