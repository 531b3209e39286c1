import { EmptyState } from '../../components/EmptyState';
import { useI18n } from '../../i18n/useI18n';

export function MaintainersOnly() {
  const { t } = useI18n();
  return (
    <EmptyState testId="maintainers-only" title={t('project.maintainersOnly.title')}>
      {t('project.maintainersOnly.body')}
    </EmptyState>
  );
}
