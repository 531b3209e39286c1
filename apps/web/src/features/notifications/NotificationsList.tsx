import type { EnvironmentView, NotificationSubscriptionView, NotificationTestView } from '@wharf/shared';
import { useState } from 'react';
import { Link } from 'react-router';
import { useDeleteNotification, useTestNotification } from '../../api/notifications/mutations';
import { useNotificationDeliveries } from '../../api/notifications/queries';
import { Badge } from '../../components/Badge';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Spinner } from '../../components/Spinner';
import { TimeAgo } from '../../components/TimeAgo';
import { useI18n } from '../../i18n/useI18n';
import type { MessageKey } from '../../i18n/translate';
import { channelLabel, eventLabel, NotificationForm } from './NotificationForm';

/** One row per subscription: where it goes, what it hears, how its last sends went. */
export function NotificationsList({
  slug,
  subscriptions,
  environments,
  canEdit,
  isAdmin,
}: {
  slug: string;
  subscriptions: NotificationSubscriptionView[];
  environments: EnvironmentView[];
  canEdit: boolean;
  isAdmin: boolean;
}) {
  return (
    <ul className="stack" data-testid="notifications">
      {subscriptions.map((s) => (
        <NotificationItem
          key={s.id}
          slug={slug}
          sub={s}
          environments={environments}
          canEdit={canEdit}
          isAdmin={isAdmin}
        />
      ))}
    </ul>
  );
}

function NotificationItem({
  slug,
  sub,
  environments,
  canEdit,
  isAdmin,
}: {
  slug: string;
  sub: NotificationSubscriptionView;
  environments: EnvironmentView[];
  canEdit: boolean;
  isAdmin: boolean;
}) {
  const { t } = useI18n();
  const [editing, setEditing] = useState(false);
  const [showDeliveries, setShowDeliveries] = useState(false);
  const [result, setResult] = useState<NotificationTestView | null>(null);
  const test = useTestNotification(slug);
  const remove = useDeleteNotification(slug);

  if (editing) {
    return (
      <li className="card">
        <NotificationForm
          slug={slug}
          environments={environments}
          isAdmin={isAdmin}
          subscription={sub}
          onDone={() => setEditing(false)}
        />
      </li>
    );
  }
  return (
    <li className="card" data-testid="notification" data-name={sub.name}>
      <div className="section-head">
        <div>
          <strong data-testid="notification-title">{sub.name}</strong> <Badge>{t(channelLabel(sub.channel))}</Badge>{' '}
          {!sub.enabled && <Badge tone="warn">{t('notifications.disabled')}</Badge>}{' '}
          {sub.allowPrivateNetwork && <Badge tone="warn">{t('notifications.privateBadge')}</Badge>}
          <div className="muted small mono" data-testid="notification-url-hint">
            {sub.urlHint}
          </div>
        </div>
        {canEdit && (
          <div className="section-actions">
            <button
              type="button"
              className="btn btn-small"
              disabled={test.isPending}
              data-testid="notification-test"
              onClick={() => test.mutate(sub.id, { onSuccess: setResult })}
            >
              {test.isPending ? t('notifications.testing') : t('notifications.test')}
            </button>
            <button
              type="button"
              className="btn btn-small"
              data-testid="notification-edit"
              onClick={() => setEditing(true)}
            >
              {t('common.edit')}
            </button>
            <ConfirmButton
              testId="notification-delete"
              question={t('notifications.deleteConfirm')}
              pending={remove.isPending}
              onConfirm={() => remove.mutate(sub.id)}
            >
              {t('common.delete')}
            </ConfirmButton>
          </div>
        )}
      </div>
      <dl className="meta-grid">
        <div>
          <dt>{t('notifications.environment')}</dt>
          <dd data-testid="notification-environment-name">
            {sub.environmentName ?? t('notifications.environment.all')}
          </dd>
        </div>
        <div className="wide">
          <dt>{t('notifications.events')}</dt>
          <dd data-testid="notification-events-list">{sub.events.map((e) => t(eventLabel(e))).join(', ')}</dd>
        </div>
        <div>
          <dt>{t('notifications.lastSent')}</dt>
          <dd data-testid="notification-last-sent">
            {sub.lastSentAt ? <TimeAgo iso={sub.lastSentAt} /> : t('notifications.never')}
          </dd>
        </div>
        {sub.lastError && (
          <div className="wide">
            <dt>{t('notifications.lastError')}</dt>
            <dd data-testid="notification-last-error">
              <Badge tone="danger">{sub.lastError}</Badge> <TimeAgo iso={sub.lastErrorAt} />
            </dd>
          </div>
        )}
      </dl>
      {result && (
        <p
          className={`alert alert-inline ${result.ok ? 'alert-info' : 'alert-error'}`}
          data-testid="notification-test-result"
        >
          {result.ok
            ? t('notifications.test.ok', { status: String(result.status), ms: String(result.durationMs) })
            : t('notifications.test.failed', { error: result.error ?? '' })}
        </p>
      )}
      <ErrorNotice error={test.error ?? remove.error} testId="notification-action-error" />
      <button
        type="button"
        className="btn btn-small btn-link"
        data-testid="notification-deliveries-toggle"
        onClick={() => setShowDeliveries((v) => !v)}
      >
        {t('notifications.deliveries')}
      </button>
      {showDeliveries && <Deliveries slug={slug} id={sub.id} />}
    </li>
  );
}

function Deliveries({ slug, id }: { slug: string; id: string }) {
  const { t } = useI18n();
  const deliveries = useNotificationDeliveries(slug, id);
  if (deliveries.isPending) return <Spinner />;
  if (deliveries.isError) return <ErrorNotice error={deliveries.error} onRetry={() => void deliveries.refetch()} />;
  if (deliveries.data.length === 0) return <p className="muted small">{t('notifications.deliveries.empty')}</p>;
  return (
    <table className="table" data-testid="notification-deliveries">
      <thead>
        <tr>
          <th>{t('notifications.delivery.at')}</th>
          <th>{t('notifications.delivery.event')}</th>
          <th>{t('notifications.delivery.state')}</th>
          <th>{t('notifications.delivery.attempts')}</th>
          <th>{t('notifications.delivery.error')}</th>
        </tr>
      </thead>
      <tbody>
        {deliveries.data.map((d) => (
          <tr key={d.id} data-testid="notification-delivery">
            <td>
              {d.deploymentId ? (
                <Link to={`/projects/${encodeURIComponent(slug)}/deployments/${d.deploymentId}`}>
                  <TimeAgo iso={d.createdAt} />
                </Link>
              ) : (
                <TimeAgo iso={d.createdAt} />
              )}
            </td>
            <td>{t(eventLabel(d.event as Parameters<typeof eventLabel>[0]))}</td>
            <td>
              <Badge tone={d.state === 'sent' ? 'ok' : d.state === 'failed' ? 'danger' : 'neutral'}>
                {t(`notifications.deliveryState.${d.state}` as MessageKey)}
              </Badge>
            </td>
            <td>{d.attempts}</td>
            <td className="small">{d.lastError ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
