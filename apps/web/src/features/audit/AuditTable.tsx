import { auditDetailPairs, type AuditEventView } from '@wharf/shared';
import { Link } from 'react-router';
import { DateTime } from '../../components/TimeAgo';
import { useI18n } from '../../i18n/useI18n';
import { actionKey, subjectPath } from './audit-text';

/** `slugOf` maps an event's project id to its slug, for links to the subject. */
export function AuditTable({
  events,
  slugOf,
}: {
  events: AuditEventView[];
  slugOf: (projectId: string | null) => string | null;
}) {
  const { t } = useI18n();
  return (
    <div className="table-scroll">
      <table className="table" data-testid="audit-table">
        <thead>
          <tr>
            <th>{t('audit.at')}</th>
            <th>{t('audit.actor')}</th>
            <th>{t('audit.event')}</th>
            <th>{t('audit.subject')}</th>
            <th>{t('audit.ip')}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => {
            const key = actionKey(e.action);
            const path = subjectPath(e, slugOf(e.projectId));
            const subject = (
              <>
                {e.subjectType}
                {e.subjectId && (
                  <span className="mono muted" title={e.subjectId}>
                    {' '}
                    {e.subjectId.slice(0, 8)}
                  </span>
                )}
              </>
            );
            return (
              <tr key={e.id} data-testid="audit-row" data-action={e.action}>
                <td className="nowrap">
                  <DateTime iso={e.at} />
                </td>
                <td className="truncate">{e.actor}</td>
                <td>
                  <div data-testid="audit-summary">{key ? t(key) : <code>{e.action}</code>}</div>
                  <div className="small muted">
                    {auditDetailPairs(e.data).map((d) => (
                      <span key={d.key} className="audit-detail">
                        {d.key} <span className="mono">{d.value}</span>{' '}
                      </span>
                    ))}
                    {key && <code className="muted">{e.action}</code>}
                  </div>
                </td>
                <td className="small">
                  {path ? (
                    <Link to={path} data-testid="audit-subject-link">
                      {subject}
                    </Link>
                  ) : (
                    subject
                  )}
                </td>
                <td className="mono small">{e.ip ?? '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
