import type { ReactNode } from 'react';
import { useMe } from '../api/auth/queries';
import { useI18n } from '../i18n/useI18n';
import { EmptyState } from './EmptyState';

/** Admin pages: non-admins get a notice instead of a request that would 403. */
export function RequireAdmin({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const me = useMe().data;
  if (!me?.isAdmin) {
    return (
      <EmptyState testId="admins-only" title={t('admin.only.title')}>
        {t('admin.only.body')}
      </EmptyState>
    );
  }
  return <>{children}</>;
}
