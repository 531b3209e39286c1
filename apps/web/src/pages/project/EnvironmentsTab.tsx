import { useState } from 'react';
import { useDeleteEnvironment, useMoveEnvironment } from '../../api/environments/mutations';
import { useEnvironments } from '../../api/environments/queries';
import { Badge } from '../../components/Badge';
import { DeleteRowActions } from '../../components/DeleteRowActions';
import { EmptyState } from '../../components/EmptyState';
import { QueryView } from '../../components/QueryView';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { TimeAgo } from '../../components/TimeAgo';
import { EnvironmentForm } from '../../features/environments/EnvironmentForm';
import { EnvironmentSettingsPanel } from '../../features/environments/EnvironmentSettingsPanel';
import { FreezeWindowsSection } from '../../features/environments/FreezeWindowsSection';
import { useProjectContext } from '../../features/projects/project-context';
import { useI18n } from '../../i18n/useI18n';

export function EnvironmentsTab() {
  const { t } = useI18n();
  const { project, can } = useProjectContext();
  const slug = project.slug;
  const envs = useEnvironments(slug);
  const remove = useDeleteEnvironment(slug);
  const move = useMoveEnvironment(slug);
  const [creating, setCreating] = useState(false);
  const [editingId, setEditingId] = useState<string | null>(null);
  const [settingsId, setSettingsId] = useState<string | null>(null);
  const canEdit = can('maintainer');
  const settingsEnv = envs.data?.find((e) => e.id === settingsId);

  return (
    <Section
      title={t('tab.environments')}
      actions={
        canEdit &&
        !creating && (
          <button
            type="button"
            className="btn btn-primary"
            data-testid="environment-create-button"
            onClick={() => setCreating(true)}
          >
            {t('environments.new')}
          </button>
        )
      }
    >
      {creating && <EnvironmentForm slug={slug} onDone={() => setCreating(false)} />}
      <ErrorNotice error={move.error} testId="reorder-error" />
      <QueryView
        query={envs}
        isEmpty={(data) => data.length === 0}
        empty={
          <EmptyState testId="environments-empty" title={t('environments.empty.title')}>
            {canEdit ? t('environments.empty.body') : t('environments.empty.viewer')}
          </EmptyState>
        }
      >
        {(data) => (
          <table className="table" data-testid="environments-table">
            <thead>
              <tr>
                <th className="narrow">#</th>
                <th>{t('field.name')}</th>
                <th>{t('environments.protected')}</th>
                <th>{t('field.created')}</th>
                {canEdit && <th className="actions-col">{t('common.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {data.map((env, i) =>
                editingId === env.id ? (
                  <tr key={env.id} data-testid={`environment-row-${env.name}`}>
                    <td colSpan={canEdit ? 5 : 4}>
                      <EnvironmentForm slug={slug} env={env} onDone={() => setEditingId(null)} />
                    </td>
                  </tr>
                ) : (
                  <tr key={env.id} data-testid={`environment-row-${env.name}`}>
                    <td className="muted narrow">{i + 1}</td>
                    <td className="mono strong">
                      {env.name}
                      {env.promoteFromId && (
                        <span className="muted small" data-testid="environment-promoted-from">
                          {' '}
                          {t('promotion.from', {
                            source: data.find((e) => e.id === env.promoteFromId)?.name ?? '?',
                          })}
                        </span>
                      )}
                    </td>
                    <td>
                      {env.protected ? (
                        <Badge tone="warn" testId="protected-badge">
                          {t('environments.protected')}
                        </Badge>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td>
                      <TimeAgo iso={env.createdAt} />
                    </td>
                    {canEdit && (
                      <td className="actions-col">
                        <DeleteRowActions
                          rowKey={env.id}
                          remove={remove}
                          question={t('environments.deleteConfirm', { name: env.name })}
                          testId="environment-delete"
                        >
                          <button
                            type="button"
                            className="btn btn-small btn-icon"
                            aria-label={t('environments.moveUp')}
                            title={t('environments.moveUp')}
                            data-testid="environment-up"
                            disabled={i === 0 || move.isPending}
                            onClick={() => move.mutate({ id: env.id, position: i - 1 })}
                          >
                            ↑
                          </button>
                          <button
                            type="button"
                            className="btn btn-small btn-icon"
                            aria-label={t('environments.moveDown')}
                            title={t('environments.moveDown')}
                            data-testid="environment-down"
                            disabled={i === data.length - 1 || move.isPending}
                            onClick={() => move.mutate({ id: env.id, position: i + 1 })}
                          >
                            ↓
                          </button>
                          <button
                            type="button"
                            className={`btn btn-small${settingsId === env.id ? ' btn-toggle-on' : ''}`}
                            aria-pressed={settingsId === env.id}
                            data-testid="environment-settings"
                            onClick={() => setSettingsId(settingsId === env.id ? null : env.id)}
                          >
                            {t('settings.button')}
                          </button>
                          <button
                            type="button"
                            className="btn btn-small"
                            data-testid="environment-edit"
                            onClick={() => setEditingId(env.id)}
                          >
                            {t('common.edit')}
                          </button>
                        </DeleteRowActions>
                      </td>
                    )}
                  </tr>
                ),
              )}
            </tbody>
          </table>
        )}
      </QueryView>
      {canEdit && settingsEnv && (
        <EnvironmentSettingsPanel
          key={settingsEnv.id}
          slug={slug}
          env={settingsEnv}
          onClose={() => setSettingsId(null)}
        />
      )}
      <FreezeWindowsSection slug={slug} canEdit={canEdit} />
    </Section>
  );
}
