import { useState, type ReactNode } from 'react';
import { isApiError } from '../api/client';
import { ConfirmNameField, confirmMatches } from './ConfirmNameField';
import { useI18n } from '../i18n/useI18n';
import { ErrorNotice } from './ErrorNotice';
import { Modal } from './Modal';

/**
 * A modal that asks before an action: the caller's content, an optional typed confirmation
 * (protected environments), the action's error, and cancel / confirm buttons.
 * Test ids: `<testId>-dialog`, `-submit`, `-confirm-input`, `-error`.
 */
export function ConfirmDialog({
  title,
  testId,
  children,
  confirmLabel,
  pendingLabel,
  variant = 'primary',
  typedName = null,
  ready = true,
  pending,
  error,
  onConfirm,
  onClose,
}: {
  title: ReactNode;
  testId: string;
  children: ReactNode;
  confirmLabel: ReactNode;
  pendingLabel?: ReactNode;
  variant?: 'primary' | 'danger';
  /** The name the person must type before confirming; null when no typing is asked. */
  typedName?: string | null;
  /** False while the content is not ready to confirm (still loading, nothing chosen). */
  ready?: boolean;
  pending: boolean;
  error: unknown;
  /** Receives the typed name when one was asked for. */
  onConfirm: (typed: string | undefined) => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  // Typing belongs to the name it was typed for: any change of name (even away and back) starts empty.
  const [typed, setTyped] = useState({ name: typedName, value: '' });
  if (typed.name !== typedName) setTyped({ name: typedName, value: '' });
  const value = typed.name === typedName ? typed.value : '';
  const canSubmit = ready && !pending && confirmMatches(typedName !== null, typedName ?? '', value);
  const confirmError = isApiError(error) ? error.fieldErrors()['confirm'] : undefined;

  const submit = () => {
    if (canSubmit) onConfirm(typedName === null ? undefined : value);
  };

  return (
    <Modal
      title={title}
      onClose={onClose}
      busy={pending}
      testId={`${testId}-dialog`}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose} disabled={pending}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className={`btn btn-${variant}`}
            disabled={!canSubmit}
            onClick={submit}
            data-testid={`${testId}-submit`}
          >
            {pending ? (pendingLabel ?? t('common.working')) : confirmLabel}
          </button>
        </>
      }
    >
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        {children}
        {typedName !== null && (
          <ConfirmNameField
            envName={typedName}
            value={value}
            onChange={(v) => setTyped({ name: typedName, value: v })}
            error={confirmError}
            testId={`${testId}-confirm-input`}
          />
        )}
        <ErrorNotice error={error} fields={['confirm']} testId={`${testId}-error`} />
        {/* Enter in the confirm field submits. */}
        <button type="submit" hidden disabled={!canSubmit} />
      </form>
    </Modal>
  );
}
