import { useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { isApiError } from '../../api/client';
import { logDownloadUrl } from '../../api/deployments/mutations';
import { isActiveState, useDeployment, useEnvironmentStatus } from '../../api/deployments/queries';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { Spinner } from '../../components/Spinner';
import { useMe } from '../../api/auth/queries';
import { ApprovalPanel } from '../../features/deployments/ApprovalPanel';
import { ChangelogPanel } from '../../features/deployments/ChangelogPanel';
import { DeploymentHeader } from '../../features/deployments/DeploymentHeader';
import { LogViewer } from '../../features/deployments/LogViewer';
import { TargetProgress } from '../../features/deployments/TargetProgress';
import { targetNoun } from '../../features/deployments/target-noun';
import { useDeploymentLive } from '../../features/deployments/useDeploymentLive';
import { useProjectContext } from '../../features/projects/project-context';
import { useI18n } from '../../i18n/useI18n';

const TARGETS_TITLE = {
  hosts: 'deployment.targets',
  workloads: 'deployment.targets.workloads',
  services: 'deployment.targets.services',
} as const;

/** /projects/:slug/deployments/:id — keyed by id so another deployment starts a fresh log. */
export function DeploymentPage() {
  const id = useParams().id ?? '';
  return <DeploymentDetail key={id} id={id} />;
}

function DeploymentDetail({ id }: { id: string }) {
  const { t } = useI18n();
  const { project } = useProjectContext();
  const slug = project.slug;
  const live = useDeploymentLive(slug, id);
  const deployment = useDeployment(slug, id, { poll: live.state.kind !== 'live' });
  const status = useEnvironmentStatus(slug);
  const me = useMe().data;
  const d = deployment.data;
  const targetNames = useMemo(
    () => new Map((d?.targets ?? []).flatMap((x) => (x.targetId ? [[x.targetId, x.targetName] as const] : []))),
    [d?.targets],
  );

  if (deployment.isPending) return <Spinner />;
  if (deployment.isError) {
    if (isApiError(deployment.error) && (deployment.error.statusCode === 404 || deployment.error.statusCode === 400)) {
      return (
        <EmptyState
          testId="deployment-not-found"
          title={t('deployment.notFound')}
          action={
            <Link className="btn" to={`/projects/${encodeURIComponent(slug)}/deployments`}>
              {t('tab.deployments')}
            </Link>
          }
        />
      );
    }
    return <ErrorNotice error={deployment.error} onRetry={() => void deployment.refetch()} />;
  }
  const dv = deployment.data;
  const envStatus = status.data?.find((s) => s.environmentId === dv.environmentId);

  return (
    <div className="stack" data-testid="deployment-page" data-deployment-id={dv.id}>
      <div className="breadcrumbs small">
        <Link to={`/projects/${encodeURIComponent(slug)}/deployments`}>{t('tab.deployments')}</Link>
        <span className="muted"> / </span>
        <span className="mono muted">{dv.id.slice(0, 8)}</span>
      </div>
      <DeploymentHeader deployment={dv} envStatus={envStatus} isProtected={envStatus?.protected ?? false} />
      {dv.approval && (
        <Section title={t('approval.title')} testId="deployment-approval">
          <ApprovalPanel slug={slug} deployment={dv} me={me} role={project.role} />
        </Section>
      )}
      <Section title={t('changelog.title')} testId="deployment-changes">
        <ChangelogPanel
          slug={slug}
          environmentId={dv.environmentId}
          environmentName={dv.environmentName}
          version={dv.version}
          from={dv.previousVersion}
          mode="deployment"
        />
      </Section>
      <Section title={t(TARGETS_TITLE[targetNoun(dv.strategy)])}>
        {dv.targets.length === 0 ? (
          <p className="muted">{t('deployment.noTargets')}</p>
        ) : (
          <TargetProgress deployment={dv} />
        )}
      </Section>
      <Section title={t('log.title')}>
        <LogViewer
          buffer={live.buffer}
          targetNames={targetNames}
          downloadUrl={logDownloadUrl(slug, dv.id)}
          live={live.state}
          onRetryLive={live.retry}
          active={isActiveState(dv.state)}
          truncated={dv.logTruncated}
          history={live.history}
          prunedAt={dv.logsPrunedAt}
        />
      </Section>
    </div>
  );
}
