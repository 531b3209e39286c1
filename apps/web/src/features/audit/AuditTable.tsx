import type { AuditEventView } from '@wharf/shared';
import { DateTime } from '../../components/TimeAgo';
import { useI18n } from '../../i18n/useI18n';

function compact(data: Record<string, unknown>): string {
  const s = JSON.stringify(data);
  return s === '{}' ? '' : s;
}

export function AuditTable({ events }: { events: AuditEventView[] }) {
  const { t } = useI18n();
  return (
    <div className="table-scroll">
      <table className="table" data-testid="audit-table">
        <thead>
          <tr>
            <th>{t('audit.at')}</th>
            <th>{t('audit.actor')}</th>
            <th>{t('audit.action')}</th>
            <th>{t('audit.subject')}</th>
            <th>{t('audit.ip')}</th>
            <th>{t('audit.details')}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => {
            const details = compact(e.data);
            return (
              <tr key={e.id} data-testid="audit-row" data-action={e.action}>
                <td className="nowrap">
                  <DateTime iso={e.at} />
                </td>
                <td className="truncate">{e.actor}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td className="small">
                  {e.subjectType}
                  {e.subjectId && (
                    <span className="mono muted" title={e.subjectId}>
                      {' '}
                      {e.subjectId.slice(0, 8)}
                    </span>
                  )}
                </td>
                <td className="mono small">{e.ip ?? '—'}</td>
                <td className="mono small truncate" title={details}>
                  {details || '—'}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
