import { useI18n } from '../i18n/useI18n';

export function Spinner({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <span className="spinner-wrap" role="status" data-testid="loading">
      <span className="spinner" aria-hidden="true" />
      <span className="muted">{label ?? t('common.loading')}</span>
    </span>
  );
}
