import { useState } from 'react';
import { useMe } from '../../api/auth/queries';
import { useEnvironments } from '../../api/environments/queries';
import { useNotifications } from '../../api/notifications/queries';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { Spinner } from '../../components/Spinner';
import { NotificationForm } from '../../features/notifications/NotificationForm';
import { NotificationsList } from '../../features/notifications/NotificationsList';
import { useProjectContext } from '../../features/projects/project-context';
import { useI18n } from '../../i18n/useI18n';

/** /projects/:slug/notifications — where release events are sent, and how sending went. */
export function NotificationsTab() {
  const { t } = useI18n();
  const { project, can } = useProjectContext();
  const me = useMe();
  const subs = useNotifications(project.slug);
  const envs = useEnvironments(project.slug);
  const [adding, setAdding] = useState(false);
  const canEdit = can('maintainer');
  const isAdmin = me.data?.isAdmin ?? false;

  const addButton = canEdit && !adding && (
    <button type="button" className="btn btn-primary" data-testid="notification-add" onClick={() => setAdding(true)}>
      {t('notifications.add')}
    </button>
  );

  let body;
  if (subs.isPending || envs.isPending) body = <Spinner />;
  else if (subs.isError) body = <ErrorNotice error={subs.error} onRetry={() => void subs.refetch()} />;
  else if (envs.isError) body = <ErrorNotice error={envs.error} onRetry={() => void envs.refetch()} />;
  else
    body = (
      <>
        {adding && (
          <div className="card">
            <NotificationForm
              slug={project.slug}
              environments={envs.data}
              isAdmin={isAdmin}
              onDone={() => setAdding(false)}
            />
          </div>
        )}
        {subs.data.length === 0 && !adding ? (
          <EmptyState
            testId="notifications-empty"
            title={t('notifications.empty.title')}
            action={addButton || undefined}
          >
            {t('notifications.empty.body')}
          </EmptyState>
        ) : (
          <NotificationsList
            slug={project.slug}
            subscriptions={subs.data}
            environments={envs.data}
            canEdit={canEdit}
            isAdmin={isAdmin}
          />
        )}
      </>
    );

  return (
    <div className="stack" data-testid="notifications-tab">
      <Section
        title={t('notifications.title')}
        actions={subs.data && subs.data.length > 0 ? addButton : undefined}
        testId="notifications-section"
      >
        <p className="muted">{t('notifications.help')}</p>
        {body}
      </Section>
    </div>
  );
}
