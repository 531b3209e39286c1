import { WEBHOOK_OUTCOMES, type AutoDeployState, type WebhookDeliveryView, type WebhookOutcome } from '@wharf/shared';
import { useState } from 'react';
import { Link } from 'react-router';
import { useDeliveries } from '../../api/webhooks/queries';
import { Badge, type BadgeTone } from '../../components/Badge';
import { EmptyState } from '../../components/EmptyState';
import { QueryView } from '../../components/QueryView';
import { LoadMore } from '../../components/LoadMore';
import { TimeAgo } from '../../components/TimeAgo';
import { useI18n } from '../../i18n/useI18n';
import type { MessageKey } from '../../i18n/translate';

const OUTCOME_TONE: Record<WebhookOutcome, BadgeTone> = {
  pending: 'info',
  waiting: 'info',
  deployed: 'ok',
  ignored: 'neutral',
  superseded: 'neutral',
  expired: 'warn',
  failed: 'danger',
  rejected: 'danger',
  frozen: 'info',
};

const STATE_TONE: Record<AutoDeployState, BadgeTone> = {
  waiting: 'info',
  deployed: 'ok',
  superseded: 'neutral',
  ignored: 'neutral',
  expired: 'warn',
  failed: 'danger',
  refused: 'danger',
  frozen: 'info',
};

/** Every delivery GitLab made, newest first: what it was, what became of it and why. */
export function DeliveriesTable({ slug }: { slug: string }) {
  const { t } = useI18n();
  const [outcome, setOutcome] = useState<WebhookOutcome | null>(null);
  const deliveries = useDeliveries(slug, outcome);
  const items = deliveries.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <div className="stack-tight" data-testid="deliveries">
      <div className="filters">
        <label className="small" htmlFor="delivery-outcome">
          {t('deliveries.outcome')}
        </label>{' '}
        <select
          id="delivery-outcome"
          value={outcome ?? ''}
          data-testid="delivery-outcome-filter"
          onChange={(e) => setOutcome(e.target.value === '' ? null : (e.target.value as WebhookOutcome))}
        >
          <option value="">{t('deliveries.all')}</option>
          {WEBHOOK_OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {t(`deliveries.outcome.${o}` as MessageKey)}
            </option>
          ))}
        </select>
      </div>
      <QueryView
        query={deliveries}
        isEmpty={() => items.length === 0}
        empty={
          <EmptyState testId="deliveries-empty" title={t('deliveries.empty.title')}>
            {t('deliveries.empty.body')}
          </EmptyState>
        }
      >
        {() => (
          <table className="table" data-testid="deliveries-table">
            <thead>
              <tr>
                <th>{t('deliveries.received')}</th>
                <th>{t('deliveries.event')}</th>
                <th>{t('deliveries.ref')}</th>
                <th>{t('deliveries.sha')}</th>
                <th>{t('deliveries.outcome')}</th>
                <th>{t('deliveries.why')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <DeliveryRow key={d.id} slug={slug} delivery={d} />
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
      <LoadMore
        hasNextPage={deliveries.hasNextPage}
        isFetchingNextPage={deliveries.isFetchingNextPage}
        fetchNextPage={deliveries.fetchNextPage}
        testId="deliveries-more"
      />
    </div>
  );
}

function DeliveryRow({ slug, delivery: d }: { slug: string; delivery: WebhookDeliveryView }) {
  const { t } = useI18n();
  const deploymentLink = (id: string) => `/projects/${encodeURIComponent(slug)}/deployments/${encodeURIComponent(id)}`;
  return (
    <tr data-testid="delivery-row" data-delivery-id={d.id} data-outcome={d.outcome}>
      <td>
        <TimeAgo iso={d.receivedAt} />
      </td>
      <td>
        <span data-testid="delivery-event">{d.event}</span>
        {d.actor && <div className="muted small">{d.actor}</div>}
      </td>
      <td className="mono" data-testid="delivery-ref">
        {d.ref ?? '—'}
      </td>
      <td className="mono" data-testid="delivery-sha" title={d.sha ?? undefined}>
        {d.sha ? d.sha.slice(0, 8) : '—'}
      </td>
      <td>
        <Badge tone={OUTCOME_TONE[d.outcome]} testId="delivery-outcome">
          {t(`deliveries.outcome.${d.outcome}` as MessageKey)}
        </Badge>
      </td>
      <td>
        {d.reason && <div data-testid="delivery-reason">{d.reason}</div>}
        {d.environments.length > 0 && (
          <ul className="delivery-envs small">
            {d.environments.map((e) => (
              <li key={e.environmentId} data-testid="delivery-env" data-env={e.environmentName} data-state={e.state}>
                <strong>{e.environmentName}</strong>{' '}
                <Badge tone={STATE_TONE[e.state]}>{t(`deliveries.state.${e.state}` as MessageKey)}</Badge>{' '}
                <span className="muted">{e.reason}</span>
                {e.state === 'waiting' && e.expiresAt && (
                  <span className="muted">
                    {' '}
                    ({t('deliveries.waitsUntil')} <TimeAgo iso={e.expiresAt} />)
                  </span>
                )}
                {e.deploymentId && (
                  <>
                    {' '}
                    <Link to={deploymentLink(e.deploymentId)} data-testid="delivery-deployment-link">
                      {t('deliveries.viewDeployment')}
                    </Link>
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}
