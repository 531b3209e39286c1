import { useCopy } from '../hooks/useCopy';
import { useI18n } from '../i18n/useI18n';

export function CopyButton({ text, testId, label }: { text: string; testId?: string; label?: string }) {
  const { t } = useI18n();
  const { copy, copied, failed } = useCopy();
  return (
    <button type="button" className="btn btn-small" data-testid={testId} onClick={() => void copy(text)}>
      {copied ? t('common.copied') : failed ? t('common.copyFailed') : (label ?? t('common.copy'))}
    </button>
  );
}
