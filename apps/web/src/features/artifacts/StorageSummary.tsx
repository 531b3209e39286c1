import { Link } from 'react-router';
import { useArtifactRetention } from '../../api/artifacts/queries';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useI18n } from '../../i18n/useI18n';
import { retentionSummary } from './retention-text';

/** One line above the versions: disk used, versions kept and deleted, the retention rule. */
export function StorageSummary({ slug }: { slug: string }) {
  const { t, bytes } = useI18n();
  const retention = useArtifactRetention(slug);
  if (retention.isPending) return null;
  if (retention.isError) return <ErrorNotice error={retention.error} testId="storage-error" />;
  const { usage, settings } = retention.data;
  return (
    <div className="storage-summary" data-testid="storage-summary">
      <span>
        <span className="muted">{t('storage.stored')}</span>{' '}
        <strong data-testid="storage-stored">{bytes(usage.storedBytes)}</strong>
        {usage.liveBytes !== usage.storedBytes && (
          <span className="muted small" data-testid="storage-dedupe">
            {' '}
            {t('storage.dedupe', { bytes: bytes(usage.liveBytes) })}
          </span>
        )}
      </span>
      <span data-testid="storage-counts">
        {t('storage.counts', { live: usage.liveCount, deleted: usage.deletedCount })}
      </span>
      <span data-testid="retention-summary">
        {retentionSummary(t, settings)}{' '}
        <Link to={`/projects/${encodeURIComponent(slug)}#retention`}>{t('retention.settingsLink')}</Link>
      </span>
    </div>
  );
}
