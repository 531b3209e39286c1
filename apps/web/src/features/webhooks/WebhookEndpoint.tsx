import type { CreatedWebhookTokenView, WebhookSettingsView } from '@wharf/shared';
import { useState } from 'react';
import { useRemoveWebhook, useRotateWebhookToken } from '../../api/webhooks/mutations';
import { Badge } from '../../components/Badge';
import { ConfirmButton } from '../../components/ConfirmButton';
import { CopyButton } from '../../components/CopyButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { TimeAgo } from '../../components/TimeAgo';
import { useI18n } from '../../i18n/useI18n';

/**
 * The project's GitLab endpoint: the URL to paste into GitLab, the secret token's state, and
 * (maintainers) generating, rotating or removing it. A new token is shown once, here only.
 */
export function WebhookEndpoint({
  slug,
  settings,
  canManage,
}: {
  slug: string;
  settings: WebhookSettingsView;
  canManage: boolean;
}) {
  const { t } = useI18n();
  const rotate = useRotateWebhookToken(slug);
  const remove = useRemoveWebhook(slug);
  const [created, setCreated] = useState<CreatedWebhookTokenView | null>(null);

  const generate = () =>
    rotate.mutate(undefined, {
      onSuccess: (view) => setCreated(view),
    });

  return (
    <div className="stack" data-testid="webhook-endpoint">
      <div className="field">
        <label>{t('webhook.url')}</label>
        <div className="webhook-url">
          <code data-testid="webhook-url">{settings.url}</code>
          <CopyButton text={settings.url} testId="webhook-url-copy" />
        </div>
        <p className="field-hint">{t('webhook.urlHint')}</p>
      </div>

      <div className="field">
        <label>{t('webhook.secret')}</label>
        {settings.configured ? (
          <p data-testid="webhook-configured">
            <Badge tone="ok">{t('webhook.active')}</Badge> <span className="mono">{settings.tokenPrefix}…</span>{' '}
            <span className="muted small">
              {settings.rotatedAt ? t('webhook.rotatedAt') : t('webhook.createdAt')}{' '}
              <TimeAgo iso={settings.rotatedAt ?? settings.createdAt} />
              {' · '}
              {t('webhook.lastDelivery')}{' '}
              {settings.lastDeliveryAt ? <TimeAgo iso={settings.lastDeliveryAt} /> : t('webhook.never')}
            </span>
          </p>
        ) : (
          <p className="muted" data-testid="webhook-not-configured">
            {t('webhook.notConfigured')}
          </p>
        )}
      </div>

      {created && (
        <div className="card token-once" data-testid="webhook-token-created">
          <h3>{t('webhook.createdTitle')}</h3>
          <div className="alert alert-warn" role="alert">
            {t('webhook.onceWarning')}
          </div>
          <div className="secret-row">
            <code className="secret" data-testid="webhook-token-value">
              {created.token}
            </code>
            <CopyButton text={created.token} testId="webhook-token-copy" />
          </div>
          <div className="form-actions">
            <button
              type="button"
              className="btn btn-primary"
              data-testid="webhook-token-dismiss"
              onClick={() => setCreated(null)}
            >
              {t('tokens.saved')}
            </button>
          </div>
        </div>
      )}

      {canManage ? (
        <div className="form-actions">
          {settings.configured ? (
            <ConfirmButton
              testId="webhook-rotate"
              question={t('webhook.rotateConfirm')}
              pending={rotate.isPending}
              onConfirm={generate}
            >
              {t('webhook.rotate')}
            </ConfirmButton>
          ) : (
            <button
              type="button"
              className="btn btn-primary"
              data-testid="webhook-generate"
              disabled={rotate.isPending}
              onClick={generate}
            >
              {rotate.isPending ? t('common.working') : t('webhook.generate')}
            </button>
          )}
          {settings.configured && (
            <ConfirmButton
              testId="webhook-remove"
              question={t('webhook.removeConfirm')}
              pending={remove.isPending}
              onConfirm={() => remove.mutate(undefined, { onSuccess: () => setCreated(null) })}
            >
              {t('webhook.remove')}
            </ConfirmButton>
          )}
        </div>
      ) : (
        <p className="muted small">{t('webhook.maintainersManage')}</p>
      )}
      <ErrorNotice error={rotate.error ?? remove.error} testId="webhook-error" />

      <details className="gitlab-steps" data-testid="gitlab-steps" open={!settings.configured || created !== null}>
        <summary>{t('webhook.steps.title')}</summary>
        <ol>
          <li>{t('webhook.steps.open')}</li>
          <li>{t('webhook.steps.url')}</li>
          <li>{t('webhook.steps.token')}</li>
          <li>{t('webhook.steps.triggers')}</li>
          <li>{t('webhook.steps.save')}</li>
        </ol>
      </details>
    </div>
  );
}
