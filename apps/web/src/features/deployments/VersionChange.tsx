import { useI18n } from '../../i18n/useI18n';

/** "1.2.0 → 1.3.0", with a placeholder when nothing ran before. */
export function VersionChange({
  from,
  to,
  testIdPrefix,
}: {
  from: string | null;
  to: string | null;
  testIdPrefix?: string;
}) {
  const { t } = useI18n();
  return (
    <span className="version-change">
      <span className={from ? 'mono' : 'muted'} data-testid={testIdPrefix ? `${testIdPrefix}-from` : undefined}>
        {from ?? t('release.nothingYet')}
      </span>
      <span className="arrow" aria-label={t('release.to')}>
        →
      </span>
      <span className={to ? 'mono strong' : 'muted'} data-testid={testIdPrefix ? `${testIdPrefix}-to` : undefined}>
        {to ?? t('release.previousVersion')}
      </span>
    </span>
  );
}
