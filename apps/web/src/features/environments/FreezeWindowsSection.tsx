// A project's freeze windows: which hold now and which come next, a form to add a weekly or
// one-off window (for one environment or the whole project), edit and delete. Maintainers
// edit; everyone else reads.
import { formatInZone, weeklyPoint, type FreezeWindowView } from '@wharf/shared';
import { useState } from 'react';
import { useDeleteFreezeWindow } from '../../api/release-rules/mutations';
import { useFreezeWindows } from '../../api/release-rules/queries';
import { Badge } from '../../components/Badge';
import { ConfirmButton } from '../../components/ConfirmButton';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { QueryView } from '../../components/QueryView';
import { Section } from '../../components/Section';
import { useI18n } from '../../i18n/useI18n';
import { FreezeWindowForm } from './FreezeWindowForm';

export function FreezeWindowsSection({ slug, canEdit }: { slug: string; canEdit: boolean }) {
  const { t } = useI18n();
  const windows = useFreezeWindows(slug);
  const remove = useDeleteFreezeWindow(slug);
  /** One form at a time: 'new', or the id of the window being edited. */
  const [editing, setEditing] = useState<string | null>(null);
  const toggle = (what: string) => setEditing(editing === what ? null : what);
  const edited = windows.data?.find((w) => w.id === editing);
  return (
    <Section
      title={t('freeze.title')}
      testId="freeze-windows"
      actions={
        canEdit && (
          <button type="button" className="btn btn-small" onClick={() => toggle('new')} data-testid="freeze-add">
            {t('freeze.add')}
          </button>
        )
      }
    >
      <p className="muted small">{t('freeze.hint')}</p>
      {editing === 'new' && <FreezeWindowForm slug={slug} onDone={() => setEditing(null)} />}
      {edited && <FreezeWindowForm key={edited.id} slug={slug} window={edited} onDone={() => setEditing(null)} />}
      <QueryView
        query={windows}
        isEmpty={(d) => d.length === 0}
        empty={
          <EmptyState testId="freeze-empty" title={t('freeze.empty.title')}>
            {t('freeze.empty.body')}
          </EmptyState>
        }
      >
        {(data) => (
          <table className="table" data-testid="freeze-table">
            <thead>
              <tr>
                <th>{t('freeze.reason')}</th>
                <th>{t('freeze.scope')}</th>
                <th>{t('freeze.when')}</th>
                <th>{t('freeze.autoDeploy')}</th>
                <th>{t('freeze.status')}</th>
                {canEdit && <th className="actions-col">{t('common.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {data.map((w) => (
                <tr key={w.id} data-testid={`freeze-row-${w.id}`}>
                  <td className="strong">{w.reason}</td>
                  <td>{w.environmentName ?? <span className="muted">{t('freeze.wholeProject')}</span>}</td>
                  <td className="small">{schedule(w)}</td>
                  <td>{t(`freeze.autoDeploy.${w.autoDeploy}`)}</td>
                  <td>
                    <FreezeStatus w={w} />
                  </td>
                  {canEdit && (
                    <td className="actions-col">
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() => toggle(w.id)}
                        data-testid="freeze-edit"
                      >
                        {t('common.edit')}
                      </button>{' '}
                      <ConfirmButton
                        testId="freeze-delete"
                        question={t('freeze.deleteConfirm', { reason: w.reason })}
                        pending={remove.isPending && remove.variables === w.id}
                        onConfirm={() => remove.mutate(w.id)}
                      >
                        {t('common.delete')}
                      </ConfirmButton>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
      <ErrorNotice error={remove.error} testId="freeze-delete-error" />
    </Section>
  );
}

function schedule(w: FreezeWindowView): string {
  if (w.kind === 'weekly') {
    return `${weeklyPoint(w.startDay ?? 0, w.startTime ?? '')} → ${weeklyPoint(w.endDay ?? 0, w.endTime ?? '')} (${w.timeZone})`;
  }
  return `${formatInZone(new Date(w.startsAt!), w.timeZone)} → ${formatInZone(new Date(w.endsAt!), w.timeZone)}`;
}

function FreezeStatus({ w }: { w: FreezeWindowView }) {
  const { t } = useI18n();
  const { active, currentStart, currentEnd } = w.status;
  if (active && currentEnd) {
    return (
      <Badge tone="warn" testId="freeze-status-active">
        {t('freeze.status.active', { end: formatInZone(new Date(currentEnd), w.timeZone) })}
      </Badge>
    );
  }
  if (currentStart) {
    return (
      <Badge tone="info" testId="freeze-status-upcoming">
        {t('freeze.status.upcoming', { start: formatInZone(new Date(currentStart), w.timeZone) })}
      </Badge>
    );
  }
  return (
    <Badge tone="neutral" testId="freeze-status-over">
      {t('freeze.status.over')}
    </Badge>
  );
}
