import type { ChangelogView, CommitView } from '@wharf/shared';
import { useState, type ReactNode } from 'react';
import { useChangelog } from '../../api/changelog/queries';
import { Spinner } from '../../components/Spinner';
import { TimeAgo } from '../../components/TimeAgo';
import { useI18n } from '../../i18n/useI18n';
import { VersionChange } from './VersionChange';

/** Commits shown before "N more". */
const FIRST_COMMITS = 8;

/**
 * What a release changes in commits: for the Release dialog (against what the environment runs
 * now) or for a deployment's page (`from` its previous version). Says plainly when the target is
 * older than what runs (a rollback): the listed commits are then the ones it takes away.
 */
export function ChangelogPanel({
  slug,
  environmentId,
  environmentName,
  version,
  from,
  mode,
}: {
  slug: string;
  environmentId: string;
  environmentName: string;
  version: string;
  /** A deployment's previous version; undefined: what the environment runs now. */
  from?: string | null;
  mode: 'release' | 'deployment';
}) {
  const { t } = useI18n();
  // A deployment without a previous version was the environment's first: nothing to compare.
  const firstDeployment = mode === 'deployment' && !from;
  const changelog = useChangelog(slug, firstDeployment ? null : environmentId, version, { from });

  if (firstDeployment) {
    return (
      <div className="changelog" data-testid="changelog" data-direction="first">
        <p className="muted small">{t('changelog.firstDeployment', { env: environmentName })}</p>
      </div>
    );
  }
  if (changelog.isPending) return <Spinner />;
  // Releasing does not depend on the changelog: say it is unavailable and carry on.
  if (changelog.isError) {
    return (
      <div className="changelog" data-testid="changelog" data-direction="error">
        <p className="muted small">{t('changelog.unavailable')}</p>
      </div>
    );
  }
  return <ChangelogBody view={changelog.data} environmentName={environmentName} mode={mode} />;
}

function ChangelogBody({
  view,
  environmentName,
  mode,
}: {
  view: ChangelogView;
  environmentName: string;
  mode: 'release' | 'deployment';
}) {
  const { t } = useI18n();
  const [expanded, setExpanded] = useState(false);
  const from = view.running?.version ?? null;
  const to = view.target.version;
  const count = view.commits.length;
  const shown = expanded ? view.commits : view.commits.slice(0, FIRST_COMMITS);
  const vars = { from: from ?? '', to, env: environmentName, count };

  let summary: ReactNode;
  switch (view.direction) {
    case 'rollback':
      summary = (
        <div className="alert alert-warn" role="alert" data-testid="changelog-rollback">
          <strong>{t('changelog.rollbackTitle')}</strong>{' '}
          {mode === 'release' ? t('changelog.rollbackRelease', vars) : t('changelog.rollbackDeployment', vars)}
        </div>
      );
      break;
    case 'forward':
      summary = (
        <p className="small" data-testid="changelog-summary">
          {from === null
            ? t('changelog.first', vars)
            : count === 0
              ? t('changelog.forwardNoCommits', vars)
              : t(count === 1 ? 'changelog.forward.one' : 'changelog.forward.other', vars)}
        </p>
      );
      break;
    case 'same':
      summary = (
        <p className="muted small" data-testid="changelog-summary">
          {t('changelog.same', vars)}
        </p>
      );
      break;
    case 'unknown':
      summary = (
        <p className="muted small" data-testid="changelog-summary">
          {t('changelog.unknown', vars)}
        </p>
      );
      break;
  }

  return (
    <div className="changelog stack-tight" data-testid="changelog" data-direction={view.direction}>
      {/* The Release dialog shows the versions above already. */}
      {mode === 'deployment' && (
        <div className="changelog-head">
          <VersionChange from={from} to={to} testIdPrefix="changelog" />
        </div>
      )}
      {summary}
      {count > 0 && (
        <ul className="commit-list" data-testid="changelog-commits">
          {shown.map((c) => (
            <CommitRow key={c.sha} commit={c} />
          ))}
        </ul>
      )}
      {count > shown.length && (
        <button
          type="button"
          className="btn btn-small btn-link"
          data-testid="changelog-more"
          onClick={() => setExpanded(true)}
        >
          {t('changelog.more', { count: count - shown.length })}
        </button>
      )}
      {!view.complete && count > 0 && <p className="muted small">{t('changelog.incomplete')}</p>}
    </div>
  );
}

function CommitRow({ commit }: { commit: CommitView }) {
  const short = commit.sha.slice(0, 8);
  return (
    <li className="commit" data-testid="changelog-commit" data-sha={commit.sha}>
      <span className="commit-title">{commit.title}</span>
      <span className="commit-meta muted small">
        {commit.authorName && <span data-testid="changelog-commit-author">{commit.authorName}</span>}
        {commit.url && /^https?:\/\//.test(commit.url) ? (
          <a className="mono" href={commit.url} target="_blank" rel="noreferrer noopener">
            {short}
          </a>
        ) : (
          <span className="mono">{short}</span>
        )}
        <TimeAgo iso={commit.authoredAt} />
      </span>
    </li>
  );
}
