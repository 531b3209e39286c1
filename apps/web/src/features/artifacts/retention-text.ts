// Sentences about retention shared by the Versions tab and the retention settings.
import type { ArtifactProtectionView, RetentionSettings } from '@wharf/shared';
import type { I18n } from '../../i18n/i18n-context';

export function retentionSummary(t: I18n['t'], s: RetentionSettings): string {
  if (s.keepNewest === null) return t('retention.off');
  if (s.keepDeployedDays === null) return t('retention.summary', { n: s.keepNewest });
  return t('retention.summaryDays', { n: s.keepNewest, days: s.keepDeployedDays });
}

export function protectionText(t: I18n['t'], r: ArtifactProtectionView): string {
  switch (r.kind) {
    case 'current':
      return t('retention.reason.current', { env: r.environment });
    case 'rollback':
      return t('retention.reason.rollback', { env: r.environment });
    case 'deploying':
      return t('retention.reason.deploying', { env: r.environment });
  }
}
