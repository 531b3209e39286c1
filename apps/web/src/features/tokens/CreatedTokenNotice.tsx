import type { CreatedApiTokenView } from '@wharf/shared';
import { CopyButton } from '../../components/CopyButton';
import { useI18n } from '../../i18n/useI18n';

/** Shows a freshly created token once. Nothing else keeps the value. */
export function CreatedTokenNotice({ token, onDismiss }: { token: CreatedApiTokenView; onDismiss: () => void }) {
  const { t } = useI18n();
  return (
    <div className="card token-once" data-testid="token-created">
      <h3>{t('tokens.createdTitle', { name: token.name })}</h3>
      <div className="alert alert-warn" role="alert">
        {t('tokens.onceWarning')}
      </div>
      <div className="secret-row">
        <code className="secret" data-testid="token-value">
          {token.token}
        </code>
        <CopyButton text={token.token} testId="token-copy" />
      </div>
      <p className="muted small">{t('tokens.usage')}</p>
      <div className="form-actions">
        <button type="button" className="btn btn-primary" data-testid="token-dismiss" onClick={onDismiss}>
          {t('tokens.saved')}
        </button>
      </div>
    </div>
  );
}
