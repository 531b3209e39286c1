import { useState } from 'react';
import { useArtifactRetention } from '../../api/artifacts/queries';
import { QueryView } from '../../components/QueryView';
import { Section } from '../../components/Section';
import { useI18n } from '../../i18n/useI18n';
import { retentionSummary } from './retention-text';
import { RetentionSettingsForm } from './RetentionSettingsForm';

/** Project settings: how many versions to keep. Maintainers edit; everyone reads. */
export function RetentionSection({ slug, canEdit }: { slug: string; canEdit: boolean }) {
  const { t, bytes } = useI18n();
  const retention = useArtifactRetention(slug);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<string[] | null>(null);

  return (
    <Section
      title={<span id="retention">{t('retention.title')}</span>}
      testId="retention-section"
      actions={
        canEdit &&
        !editing &&
        retention.isSuccess && (
          <button
            type="button"
            className="btn btn-small"
            data-testid="retention-edit-button"
            onClick={() => {
              setSaved(null);
              setEditing(true);
            }}
          >
            {t('common.edit')}
          </button>
        )
      }
    >
      <QueryView query={retention}>
        {(data) =>
          editing ? (
            <RetentionSettingsForm
              slug={slug}
              current={data.settings}
              onSaved={(deleted) => {
                setSaved(deleted);
                setEditing(false);
              }}
              onCancel={() => setEditing(false)}
            />
          ) : (
            <>
              <p data-testid="retention-current">{retentionSummary(t, data.settings)}</p>
              <p className="muted small">
                {t('retention.always')}{' '}
                {t('retention.usage', {
                  bytes: bytes(data.usage.storedBytes),
                  count: data.usage.liveCount,
                })}
              </p>
              {saved && (
                <div className="alert alert-info" role="status" data-testid="retention-saved">
                  {saved.length > 0
                    ? t('retention.saved', { count: saved.length, versions: saved.join(', ') })
                    : t('retention.savedNone')}
                </div>
              )}
            </>
          )
        }
      </QueryView>
    </Section>
  );
}
