// The Releases filters: environment (or project, across projects), person, result, trigger,
// time range, version and free text. Applied on submit, so typing does not refetch.
import {
  DEPLOYMENT_STATES,
  DEPLOYMENT_TRIGGERS,
  type AdminReleaseFilter,
  type DeploymentState,
  type DeploymentTrigger,
} from '@wharf/shared';
import { localToIso, optionalText, TimeRangeAndButtons, useFilterDraft } from '../../components/FilterForm';
import { useI18n } from '../../i18n/useI18n';

export interface ReleaseDraft {
  environmentId: string;
  project: string;
  actor: string;
  state: string;
  trigger: string;
  from: string;
  to: string;
  version: string;
  q: string;
}

export const EMPTY_RELEASE_DRAFT: ReleaseDraft = {
  environmentId: '',
  project: '',
  actor: '',
  state: '',
  trigger: '',
  from: '',
  to: '',
  version: '',
  q: '',
};

/** The query the API gets: empty fields left out, text trimmed, times as instants. */
export function toReleaseFilter(d: ReleaseDraft): AdminReleaseFilter {
  return {
    environmentId: optionalText(d.environmentId),
    project: optionalText(d.project),
    actor: optionalText(d.actor),
    state: DEPLOYMENT_STATES.find((s) => s === d.state),
    trigger: DEPLOYMENT_TRIGGERS.find((s) => s === d.trigger),
    from: localToIso(d.from),
    to: localToIso(d.to),
    version: optionalText(d.version),
    q: optionalText(d.q),
  };
}

export function ReleaseFilters({
  environments,
  projects,
  onApply,
}: {
  /** A project's page: its environments to pick from. */
  environments?: { id: string; name: string }[];
  /** The admin page: projects (slugs) to pick from. */
  projects?: { slug: string; name: string }[];
  onApply: (filter: AdminReleaseFilter) => void;
}) {
  const { t } = useI18n();
  const { field, submit, reset } = useFilterDraft(EMPTY_RELEASE_DRAFT, toReleaseFilter, onApply);
  return (
    <form className="audit-filters" onSubmit={submit} role="search" data-testid="release-filters">
      <input
        aria-label={t('releases.filter.q')}
        placeholder={t('releases.filter.q')}
        data-testid="release-filter-q"
        {...field('q')}
      />
      {projects && (
        <select aria-label={t('releases.project')} data-testid="release-filter-project" {...field('project')}>
          <option value="">{t('releases.filter.anyProject')}</option>
          {projects.map((p) => (
            <option key={p.slug} value={p.slug}>
              {p.name}
            </option>
          ))}
        </select>
      )}
      {environments && (
        <select
          aria-label={t('releases.environment')}
          data-testid="release-filter-environment"
          {...field('environmentId')}
        >
          <option value="">{t('releases.filter.anyEnvironment')}</option>
          {environments.map((e) => (
            <option key={e.id} value={e.id}>
              {e.name}
            </option>
          ))}
        </select>
      )}
      <input
        aria-label={t('releases.filter.person')}
        placeholder={t('releases.filter.person')}
        data-testid="release-filter-actor"
        {...field('actor')}
      />
      <select aria-label={t('releases.result')} data-testid="release-filter-state" {...field('state')}>
        <option value="">{t('releases.filter.anyResult')}</option>
        {DEPLOYMENT_STATES.map((s: DeploymentState) => (
          <option key={s} value={s}>
            {t(`deploymentState.${s}`)}
          </option>
        ))}
      </select>
      <select aria-label={t('releases.trigger')} data-testid="release-filter-trigger" {...field('trigger')}>
        <option value="">{t('releases.filter.anyTrigger')}</option>
        {DEPLOYMENT_TRIGGERS.map((s: DeploymentTrigger) => (
          <option key={s} value={s}>
            {t(`trigger.${s}`)}
          </option>
        ))}
      </select>
      <input
        aria-label={t('releases.version')}
        placeholder={t('releases.version')}
        className="mono"
        data-testid="release-filter-version"
        {...field('version')}
      />
      <TimeRangeAndButtons testIdPrefix="release-filter" from={field('from')} to={field('to')} onReset={reset} />
    </form>
  );
}
