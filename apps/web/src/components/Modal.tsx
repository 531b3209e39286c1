import { useEffect, useId, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { useI18n } from '../i18n/useI18n';

/** A modal dialog: Escape or the backdrop closes it (unless `busy`), as does the × button. */
export function Modal({
  title,
  onClose,
  children,
  footer,
  busy,
  testId,
}: {
  title: ReactNode;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  busy?: boolean;
  testId?: string;
}) {
  const { t } = useI18n();
  const titleId = useId();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !busy) onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [busy, onClose]);

  return createPortal(
    <div
      className="modal-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget && !busy) onClose();
      }}
    >
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid={testId}>
        <div className="modal-head">
          <h2 id={titleId}>{title}</h2>
          <button
            type="button"
            className="btn btn-small btn-icon"
            aria-label={t('common.close')}
            onClick={onClose}
            disabled={busy}
            data-testid="modal-close"
          >
            ×
          </button>
        </div>
        <div className="modal-body">{children}</div>
        {footer && <div className="modal-foot">{footer}</div>}
      </div>
    </div>,
    document.body,
  );
}
