import { useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/useI18n';

/**
 * Two-step destructive action without a browser dialog (which e2e tests would have to
 * intercept): first click asks, "confirm-yes" runs it.
 */
export function ConfirmButton({
  children,
  question,
  onConfirm,
  pending,
  disabled,
  testId,
}: {
  children: ReactNode;
  question: ReactNode;
  onConfirm: () => void;
  pending?: boolean;
  disabled?: boolean;
  testId?: string;
}) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button
        type="button"
        className="btn btn-small btn-danger-ghost"
        data-testid={testId}
        disabled={disabled || pending}
        onClick={() => setAsking(true)}
      >
        {pending ? t('common.working') : children}
      </button>
    );
  }
  return (
    <span className="confirm" role="group">
      <span className="confirm-q">{question}</span>
      <button
        type="button"
        className="btn btn-small btn-danger"
        data-testid="confirm-yes"
        disabled={pending}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {t('common.yes')}
      </button>
      <button type="button" className="btn btn-small" data-testid="confirm-no" onClick={() => setAsking(false)}>
        {t('common.cancel')}
      </button>
    </span>
  );
}
