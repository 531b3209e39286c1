import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMe } from '../api/auth/queries';
import { useProjects } from '../api/projects/queries';
import { EmptyState } from '../components/EmptyState';
import { QueryView } from '../components/QueryView';
import { PageHeader } from '../components/PageHeader';
import { RoleBadge } from '../components/RoleBadge';
import { TimeAgo } from '../components/TimeAgo';
import { CreateProjectForm } from '../features/projects/CreateProjectForm';
import { useI18n } from '../i18n/useI18n';

export function ProjectsPage() {
  const { t } = useI18n();
  const isAdmin = useMe().data?.isAdmin ?? false;
  const projects = useProjects();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);

  return (
    <>
      <PageHeader
        title={t('projects.title')}
        actions={
          isAdmin &&
          !creating && (
            <button
              type="button"
              className="btn btn-primary"
              data-testid="project-create-button"
              onClick={() => setCreating(true)}
            >
              {t('projects.new')}
            </button>
          )
        }
      />
      {creating && (
        <CreateProjectForm
          onCancel={() => setCreating(false)}
          onCreated={(p) => void navigate(`/projects/${encodeURIComponent(p.slug)}`)}
        />
      )}
      <QueryView
        query={projects}
        isEmpty={(data) => data.length === 0}
        empty={
          <EmptyState testId="projects-empty" title={t('projects.empty.title')}>
            {isAdmin ? t('projects.empty.admin') : t('projects.empty.member')}
          </EmptyState>
        }
      >
        {(data) => (
          <table className="table" data-testid="projects-table">
            <thead>
              <tr>
                <th>{t('field.name')}</th>
                <th>{t('field.slug')}</th>
                <th>{t('field.description')}</th>
                <th>{t('projects.yourRole')}</th>
                <th>{t('field.created')}</th>
              </tr>
            </thead>
            <tbody>
              {data.map((p) => (
                <tr key={p.id} data-testid={`project-row-${p.slug}`}>
                  <td>
                    <Link to={`/projects/${encodeURIComponent(p.slug)}`} className="strong-link">
                      {p.name}
                    </Link>
                  </td>
                  <td className="mono">{p.slug}</td>
                  <td className="truncate muted" title={p.description}>
                    {p.description || '—'}
                  </td>
                  <td>
                    <RoleBadge role={p.role} />
                  </td>
                  <td>
                    <TimeAgo iso={p.createdAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
    </>
  );
}
