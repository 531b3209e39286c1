import { Link } from 'react-router';
import { EmptyState } from '../components/EmptyState';
import { useI18n } from '../i18n/useI18n';

export function NotFoundPage() {
  const { t } = useI18n();
  return (
    <EmptyState
      testId="not-found"
      title={t('notFound.title')}
      action={
        <Link className="btn" to="/projects">
          {t('notFound.back')}
        </Link>
      }
    >
      {t('notFound.body')}
    </EmptyState>
  );
}
