import {
  createNotificationSchema,
  NOTIFICATION_CHANNELS,
  RELEASE_EVENTS,
  SIGNING_CHANNELS,
  updateNotificationSchema,
  type EnvironmentView,
  type NotificationChannel,
  type NotificationSubscriptionView,
  type ReleaseEvent,
} from '@wharf/shared';
import { useState, type FormEvent } from 'react';
import { useCreateNotification, useUpdateNotification } from '../../api/notifications/mutations';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field, TextField } from '../../components/Field';
import { useFieldErrors } from '../../hooks/useFieldErrors';
import { useI18n } from '../../i18n/useI18n';
import type { MessageKey } from '../../i18n/translate';

const FIELDS = ['name', 'channel', 'url', 'secret', 'events', 'environmentId', 'allowPrivateNetwork'] as const;

export const channelLabel = (c: NotificationChannel): MessageKey => `notifications.channel.${c}`;
export const eventLabel = (e: ReleaseEvent | 'test'): MessageKey => `notifications.event.${e}`;

/**
 * Adds a subscription, or edits `subscription`. The URL and secret are write-only: when
 * editing, empty fields keep what is stored. Only administrators see "allow private network".
 */
export function NotificationForm({
  slug,
  environments,
  isAdmin,
  subscription,
  onDone,
}: {
  slug: string;
  environments: EnvironmentView[];
  isAdmin: boolean;
  subscription?: NotificationSubscriptionView;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const create = useCreateNotification(slug);
  const update = useUpdateNotification(slug);
  const mutation = subscription ? update : create;
  const form = useFieldErrors(mutation);
  const [name, setName] = useState(subscription?.name ?? '');
  const [channel, setChannel] = useState<NotificationChannel>(subscription?.channel ?? 'dingtalk');
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [environmentId, setEnvironmentId] = useState(subscription?.environmentId ?? '');
  const [events, setEvents] = useState<ReleaseEvent[]>(
    subscription?.events ?? ['awaiting_approval', 'succeeded', 'failed', 'rolled_back'],
  );
  const [allowPrivate, setAllowPrivate] = useState(subscription?.allowPrivateNetwork ?? false);
  const [enabled, setEnabled] = useState(subscription?.enabled ?? true);
  const signs = SIGNING_CHANNELS.includes(channel);

  const toggle = (e: ReleaseEvent) =>
    setEvents((list) =>
      list.includes(e) ? list.filter((x) => x !== e) : RELEASE_EVENTS.filter((x) => x === e || list.includes(x)),
    );

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const messages = { events: t('notifications.eventsRequired') };
    const common = {
      name: name.trim(),
      events,
      environmentId: environmentId || null,
      enabled,
      ...(isAdmin ? { allowPrivateNetwork: allowPrivate } : {}),
    };
    if (subscription) {
      const body = form.validate(
        updateNotificationSchema,
        { ...common, ...(url.trim() ? { url: url.trim() } : {}), ...(signs && secret ? { secret } : {}) },
        messages,
      );
      if (body) update.mutate({ id: subscription.id, body }, { onSuccess: () => onDone() });
    } else {
      const body = form.validate(
        createNotificationSchema,
        { ...common, channel, url: url.trim(), ...(signs && secret ? { secret } : {}) },
        messages,
      );
      if (body) create.mutate(body, { onSuccess: () => onDone() });
    }
  };

  const secretHint = subscription?.hasSecret
    ? t('notifications.secret.hint.keep')
    : channel === 'dingtalk'
      ? t('notifications.secret.hint.dingtalk')
      : channel === 'feishu'
        ? t('notifications.secret.hint.feishu')
        : t('notifications.secret.hint.webhook');

  return (
    <form className="stack" onSubmit={onSubmit} noValidate data-testid="notification-form">
      <TextField
        id="notification-name"
        name="name"
        label={t('notifications.name')}
        value={name}
        onChange={setName}
        error={form.error('name')}
        autoFocus
        testId="notification-name"
      />
      <Field id="notification-channel" name="channel" label={t('notifications.channel')} error={form.error('channel')}>
        <select
          id="notification-channel"
          value={channel}
          disabled={!!subscription}
          onChange={(e) => setChannel(e.target.value as NotificationChannel)}
          data-testid="notification-channel"
        >
          {NOTIFICATION_CHANNELS.map((c) => (
            <option key={c} value={c}>
              {t(channelLabel(c))}
            </option>
          ))}
        </select>
      </Field>
      <TextField
        id="notification-url"
        name="url"
        type="url"
        label={t('notifications.url')}
        value={url}
        onChange={setUrl}
        error={form.error('url')}
        hint={
          subscription
            ? t('notifications.url.hint.keep', { hint: subscription.urlHint })
            : t('notifications.url.hint.new')
        }
        autoComplete="off"
        mono
        testId="notification-url"
      />
      {signs ? (
        <TextField
          id="notification-secret"
          name="secret"
          type="password"
          label={t('notifications.secret')}
          value={secret}
          onChange={setSecret}
          error={form.error('secret')}
          hint={secretHint}
          autoComplete="new-password"
          mono
          testId="notification-secret"
        />
      ) : (
        <p className="muted small" data-testid="notification-no-secret">
          {t('notifications.secret.none', { channel: t(channelLabel(channel)) })}
        </p>
      )}
      <Field
        id="notification-environment"
        name="environmentId"
        label={t('notifications.environment')}
        error={form.error('environmentId')}
      >
        <select
          id="notification-environment"
          value={environmentId}
          onChange={(e) => setEnvironmentId(e.target.value)}
          data-testid="notification-environment"
        >
          <option value="">{t('notifications.environment.all')}</option>
          {environments.map((env) => (
            <option key={env.id} value={env.id}>
              {env.name}
            </option>
          ))}
        </select>
      </Field>
      <fieldset className="field" data-testid="notification-events">
        <legend>{t('notifications.events')}</legend>
        {RELEASE_EVENTS.map((ev) => (
          <label key={ev} className="checkbox">
            <input
              type="checkbox"
              checked={events.includes(ev)}
              onChange={() => toggle(ev)}
              data-testid={`notification-event-${ev}`}
            />{' '}
            {t(eventLabel(ev))}
          </label>
        ))}
        {form.error('events') && (
          <p className="field-error" data-testid="field-error-events">
            {form.error('events')}
          </p>
        )}
      </fieldset>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={enabled}
          onChange={(e) => setEnabled(e.target.checked)}
          data-testid="notification-enabled"
        />{' '}
        {t('notifications.enabled')}
      </label>
      {isAdmin ? (
        <Field
          id="notification-private"
          name="allowPrivateNetwork"
          label={t('notifications.allowPrivate')}
          hint={t('notifications.allowPrivate.hint')}
          error={form.error('allowPrivateNetwork')}
        >
          <input
            id="notification-private"
            type="checkbox"
            checked={allowPrivate}
            onChange={(e) => setAllowPrivate(e.target.checked)}
            data-testid="notification-private"
          />
        </Field>
      ) : (
        subscription?.allowPrivateNetwork && (
          <p className="alert alert-warn alert-inline" data-testid="notification-private-admin-only">
            {t('notifications.allowPrivate.adminOnly')}
          </p>
        )
      )}
      <div className="form-actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={mutation.isPending}
          data-testid="notification-submit"
        >
          {mutation.isPending ? t('common.saving') : t('common.save')}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
      <ErrorNotice error={mutation.error} fields={FIELDS} testId="notification-error" />
    </form>
  );
}
