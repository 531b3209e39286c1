// The Releases filters: environment (or project, across projects), person, result, trigger,
// time range, version and free text. Applied on submit, so typing does not refetch.
import {
  DEPLOYMENT_STATES,
  DEPLOYMENT_TRIGGERS,
  type AdminReleaseFilter,
  type DeploymentState,
  type DeploymentTrigger,
} from '@wharf/shared';
import { useState, type FormEvent } from 'react';
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

/** `datetime-local` values are local time without a zone; the API wants an ISO instant. */
function toIso(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** The query the API gets: empty fields left out, text trimmed, times as instants. */
export function toReleaseFilter(d: ReleaseDraft): AdminReleaseFilter {
  const text = (s: string) => s.trim() || undefined;
  return {
    environmentId: text(d.environmentId),
    project: text(d.project),
    actor: text(d.actor),
    state: DEPLOYMENT_STATES.find((s) => s === d.state),
    trigger: DEPLOYMENT_TRIGGERS.find((s) => s === d.trigger),
    from: toIso(d.from),
    to: toIso(d.to),
    version: text(d.version),
    q: text(d.q),
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
  const [draft, setDraft] = useState<ReleaseDraft>(EMPTY_RELEASE_DRAFT);
  const field = (name: keyof ReleaseDraft) => ({
    value: draft[name],
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [name]: e.target.value }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(toReleaseFilter(draft));
  };
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
      <label className="small">
        {t('audit.filter.from')} <input type="datetime-local" data-testid="release-filter-from" {...field('from')} />
      </label>
      <label className="small">
        {t('audit.filter.to')} <input type="datetime-local" data-testid="release-filter-to" {...field('to')} />
      </label>
      <button type="submit" className="btn btn-small" data-testid="release-filter-apply">
        {t('audit.filter')}
      </button>
      <button
        type="button"
        className="btn btn-small btn-ghost"
        onClick={() => {
          setDraft(EMPTY_RELEASE_DRAFT);
          onApply({});
        }}
      >
        {t('audit.filter.reset')}
      </button>
    </form>
  );
}
