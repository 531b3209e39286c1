import type { UserView } from '@wharf/shared';
import { useState } from 'react';
import { Link } from 'react-router';
import { useMe } from '../../api/auth/queries';
import { useUsers } from '../../api/users/queries';
import { Badge } from '../../components/Badge';
import { EmptyState } from '../../components/EmptyState';
import { QueryView } from '../../components/QueryView';
import { PageHeader } from '../../components/PageHeader';
import { TimeAgo } from '../../components/TimeAgo';
import { CreateUserForm } from '../../features/users/CreateUserForm';
import { ResetPasswordDialog } from '../../features/users/ResetPasswordDialog';
import { useI18n } from '../../i18n/useI18n';

export function UsersPage() {
  const { t } = useI18n();
  const users = useUsers();
  const me = useMe().data;
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<UserView | null>(null);

  return (
    <>
      <PageHeader
        title={t('users.title')}
        subtitle={t('users.subtitle')}
        actions={
          !creating && (
            <button
              type="button"
              className="btn btn-primary"
              data-testid="user-create-button"
              onClick={() => setCreating(true)}
            >
              {t('users.new')}
            </button>
          )
        }
      />
      {creating && <CreateUserForm onDone={() => setCreating(false)} />}
      <QueryView
        query={users}
        isEmpty={(data) => data.length === 0}
        empty={
          <EmptyState testId="users-empty" title={t('users.empty.title')}>
            {t('users.empty.body')}
          </EmptyState>
        }
      >
        {(data) => (
          <table className="table" data-testid="users-table">
            <thead>
              <tr>
                <th>{t('field.name')}</th>
                <th>{t('field.email')}</th>
                <th>{t('users.admin')}</th>
                <th>{t('field.created')}</th>
                <th>{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {data.map((u) => (
                <tr key={u.id} data-testid={`user-row-${u.email}`}>
                  <td className="strong">{u.name}</td>
                  <td>{u.email}</td>
                  <td>{u.isAdmin ? <Badge tone="info">{t('user.admin')}</Badge> : <span className="muted">—</span>}</td>
                  <td>
                    <TimeAgo iso={u.createdAt} />
                  </td>
                  <td>
                    {u.id === me?.id ? (
                      <Link to="/account/password" className="btn btn-small" data-testid="user-change-own-password">
                        {t('header.changePassword')}
                      </Link>
                    ) : (
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() => setResetting(u)}
                        data-testid={`user-reset-${u.email}`}
                      >
                        {t('users.reset.action')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
      {resetting && <ResetPasswordDialog user={resetting} onClose={() => setResetting(null)} />}
    </>
  );
}
