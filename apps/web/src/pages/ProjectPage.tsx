import { NavLink, Outlet, useParams } from 'react-router';
import { isApiError } from '../api/client';
import { useProject } from '../api/projects/queries';
import { EmptyState } from '../components/EmptyState';
import { ErrorNotice } from '../components/ErrorNotice';
import { PageHeader } from '../components/PageHeader';
import { RoleBadge } from '../components/RoleBadge';
import { Spinner } from '../components/Spinner';
import { makeProjectContext } from '../features/projects/project-context';
import { useI18n } from '../i18n/useI18n';
import type { MessageKey } from '../i18n/translate';
import type { ProjectRole } from '@wharf/shared';

const TABS: { path: string; label: MessageKey; role: ProjectRole; testId?: string }[] = [
  { path: '', label: 'tab.overview', role: 'viewer' },
  { path: 'versions', label: 'tab.versions', role: 'viewer' },
  { path: 'deployments', label: 'tab.deployments', role: 'viewer', testId: 'deployments-tab' },
  { path: 'releases', label: 'tab.releases', role: 'viewer' },
  { path: 'metrics', label: 'tab.metrics', role: 'viewer' },
  { path: 'environments', label: 'tab.environments', role: 'viewer' },
  { path: 'targets', label: 'tab.targets', role: 'viewer' },
  { path: 'credentials', label: 'tab.credentials', role: 'maintainer' },
  { path: 'tokens', label: 'tab.tokens', role: 'maintainer' },
  { path: 'webhook', label: 'tab.webhook', role: 'viewer' },
  { path: 'notifications', label: 'tab.notifications', role: 'viewer' },
  { path: 'members', label: 'tab.members', role: 'viewer' },
  { path: 'audit', label: 'tab.audit', role: 'viewer' },
];

export function ProjectPage() {
  const { t } = useI18n();
  const slug = useParams().slug ?? '';
  const project = useProject(slug);

  if (project.isPending) return <Spinner />;
  if (project.isError) {
    if (isApiError(project.error) && project.error.statusCode === 404) {
      return (
        <EmptyState testId="project-not-found" title={t('project.notFound.title')}>
          {t('project.notFound.body', { slug })}
        </EmptyState>
      );
    }
    return <ErrorNotice error={project.error} onRetry={() => void project.refetch()} />;
  }
  const ctx = makeProjectContext(project.data);
  const base = `/projects/${encodeURIComponent(slug)}`;

  return (
    <>
      <PageHeader
        title={
          <span className="title-with-badge">
            <span data-testid="project-title">{project.data.name}</span>
            <RoleBadge role={project.data.role} />
          </span>
        }
        subtitle={<span className="mono">{project.data.slug}</span>}
      />
      <nav className="tabs" data-testid="project-tabs">
        {TABS.filter((tab) => ctx.can(tab.role)).map((tab) => (
          <NavLink
            key={tab.path}
            to={tab.path ? `${base}/${tab.path}` : base}
            end={tab.path === ''}
            className={({ isActive }) => `tab${isActive ? ' tab-active' : ''}`}
            data-testid={tab.testId ?? `tab-${tab.path || 'overview'}`}
          >
            {t(tab.label)}
          </NavLink>
        ))}
      </nav>
      <div className="tab-body">
        <Outlet context={ctx} />
      </div>
    </>
  );
}
