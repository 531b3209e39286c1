import { useState } from 'react';
import { Link } from 'react-router';
import { useDeleteArtifact } from '../../api/artifacts/mutations';
import { useArtifacts } from '../../api/artifacts/queries';
import { CodeBlock } from '../../components/CodeBlock';
import { ConfirmButton } from '../../components/ConfirmButton';
import { EmptyState } from '../../components/EmptyState';
import { QueryView } from '../../components/QueryView';
import { ErrorNotice } from '../../components/ErrorNotice';
import { LoadMore } from '../../components/LoadMore';
import { ArtifactsTable } from '../../features/artifacts/ArtifactsTable';
import { StorageSummary } from '../../features/artifacts/StorageSummary';
import { gitlabCiSnippet, pushCommand } from '../../features/artifacts/push-snippets';
import { ReleaseDialog } from '../../features/deployments/ReleaseDialog';
import { useProjectContext } from '../../features/projects/project-context';
import { useI18n } from '../../i18n/useI18n';

export function VersionsTab() {
  const { t } = useI18n();
  const { project, can } = useProjectContext();
  const artifacts = useArtifacts(project.slug);
  const [releasing, setReleasing] = useState<string | null>(null);
  const remove = useDeleteArtifact(project.slug);

  return (
    <QueryView
      query={artifacts}
      keepDataOnError
      isEmpty={(data) => data.pages.every((p) => p.items.length === 0)}
      empty={
        <EmptyState testId="versions-empty" title={t('artifacts.empty.title')}>
          <p>{t('artifacts.empty.body')}</p>
          {can('maintainer') && (
            <p>
              <Link to={`/projects/${encodeURIComponent(project.slug)}/tokens`}>{t('artifacts.empty.tokenLink')}</Link>
            </p>
          )}
          <CodeBlock
            caption={t('artifacts.empty.shell')}
            code={pushCommand(window.location.origin, project.slug)}
            testId="push-command"
          />
          <CodeBlock
            caption={t('artifacts.empty.gitlab')}
            code={gitlabCiSnippet(project.slug)}
            testId="gitlab-ci-snippet"
          />
        </EmptyState>
      }
    >
      {(data) => (
        <>
          <StorageSummary slug={project.slug} />
          <ErrorNotice error={remove.error} testId="delete-error" />
          <ArtifactsTable
            artifacts={data.pages.flatMap((p) => p.items)}
            actions={
              can('deployer')
                ? (a) =>
                    a.deleted ? null : (
                      <span className="row-actions">
                        <button
                          type="button"
                          className="btn btn-small btn-primary"
                          onClick={() => setReleasing(a.version)}
                          data-testid={`release-button-${a.version}`}
                        >
                          {t('release.button')}
                        </button>
                        {can('maintainer') && (
                          <ConfirmButton
                            question={t('artifacts.deleteConfirm', { version: a.version })}
                            onConfirm={() => remove.mutate(a.version)}
                            pending={remove.isPending && remove.variables === a.version}
                            testId={`delete-button-${a.version}`}
                          >
                            {t('common.delete')}
                          </ConfirmButton>
                        )}
                      </span>
                    )
                : undefined
            }
          />
          {releasing && <ReleaseDialog version={releasing} onClose={() => setReleasing(null)} />}
          <LoadMore
            hasNextPage={artifacts.hasNextPage}
            isFetchingNextPage={artifacts.isFetchingNextPage}
            fetchNextPage={() => artifacts.fetchNextPage()}
          />
          {artifacts.isError && <ErrorNotice error={artifacts.error} onRetry={() => void artifacts.fetchNextPage()} />}
        </>
      )}
    </QueryView>
  );
}
