import { retentionSettingsSchema, type RetentionSettings } from '@wharf/shared';
import { useState, type FormEvent } from 'react';
import { useUpdateRetention } from '../../api/artifacts/mutations';
import { useRetentionPreview } from '../../api/artifacts/queries';
import { ErrorNotice } from '../../components/ErrorNotice';
import { TextField } from '../../components/Field';
import { Spinner } from '../../components/Spinner';
import { useFieldErrors } from '../../hooks/useFieldErrors';
import { useI18n } from '../../i18n/useI18n';
import { protectionText } from './retention-text';

/** Listed by name in the preview; beyond this, a count. */
const PREVIEW_NAMES = 30;

/** Empty → null (rule off); anything else must parse as a whole number (the schema says so). */
function toCount(text: string): number | null {
  const s = text.trim();
  return s === '' ? null : Number(s);
}

/**
 * Retention settings with a live preview of what saving would delete: the server applies
 * new settings at once, so the preview is the confirmation.
 */
export function RetentionSettingsForm({
  slug,
  current,
  onSaved,
  onCancel,
}: {
  slug: string;
  current: RetentionSettings;
  onSaved: (deleted: string[]) => void;
  onCancel: () => void;
}) {
  const { t, bytes, locale } = useI18n();
  const update = useUpdateRetention(slug);
  const form = useFieldErrors(update);
  const [keepNewest, setKeepNewest] = useState(current.keepNewest?.toString() ?? '');
  const [keepDays, setKeepDays] = useState(current.keepDeployedDays?.toString() ?? '');
  const input = { keepNewest: toCount(keepNewest), keepDeployedDays: toCount(keepDays) };
  const parsed = retentionSettingsSchema.safeParse(input);
  const preview = useRetentionPreview(slug, parsed.success ? parsed.data : null);
  const doomed = parsed.success ? (preview.data?.delete ?? []) : [];

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const body = form.validate(retentionSettingsSchema, input);
    if (body) update.mutate(body, { onSuccess: (view) => onSaved(view.deleted) });
  };

  return (
    <form className="form" onSubmit={onSubmit} noValidate data-testid="retention-form">
      <div className="form-grid">
        <TextField
          id="retention-keep-newest"
          name="keepNewest"
          label={t('retention.keepNewest')}
          hint={t('retention.keepNewestHint')}
          type="number"
          value={keepNewest}
          onChange={setKeepNewest}
          error={form.error('keepNewest')}
          testId="retention-keep-newest"
        />
        <TextField
          id="retention-keep-days"
          name="keepDeployedDays"
          label={t('retention.keepDeployedDays')}
          hint={t('retention.keepDeployedDaysHint')}
          type="number"
          value={keepDays}
          onChange={setKeepDays}
          error={form.error('keepDeployedDays')}
          testId="retention-keep-days"
        />
      </div>
      <p className="muted small">{t('retention.always')}</p>

      <div className="retention-preview" data-testid="retention-preview" aria-live="polite">
        <h3>{t('retention.preview.title')}</h3>
        {!parsed.success ? null : preview.isPending ? (
          <Spinner />
        ) : preview.isError ? (
          <ErrorNotice error={preview.error} testId="retention-preview-error" />
        ) : doomed.length === 0 ? (
          <p data-testid="retention-preview-none">{t('retention.preview.none')}</p>
        ) : (
          <>
            <p data-testid="retention-preview-summary">
              {t('retention.preview.some', { count: doomed.length, bytes: bytes(preview.data.freedBytes) })}
            </p>
            <ul className="retention-list mono" data-testid="retention-preview-delete">
              {doomed.slice(0, PREVIEW_NAMES).map((v) => (
                <li key={v.version}>{v.version}</li>
              ))}
              {doomed.length > PREVIEW_NAMES && (
                <li className="muted">{t('retention.preview.more', { count: doomed.length - PREVIEW_NAMES })}</li>
              )}
            </ul>
          </>
        )}
        {parsed.success && preview.data && preview.data.protected.length > 0 && (
          <>
            <p className="muted">{t('retention.preview.protected')}</p>
            <ul className="retention-list" data-testid="retention-preview-protected">
              {preview.data.protected.map((p) => (
                <li key={p.version}>
                  <span className="mono">{p.version}</span>{' '}
                  <span className="muted">{p.reasons.map((r) => protectionText(t, r)).join(', ')}</span>
                </li>
              ))}
            </ul>
          </>
        )}
      </div>

      <ErrorNotice error={update.error} fields={['keepNewest', 'keepDeployedDays']} testId="form-error" />
      <div className="form-actions">
        <button
          type="submit"
          className={doomed.length > 0 ? 'btn btn-danger' : 'btn btn-primary'}
          disabled={update.isPending}
          data-testid="retention-submit"
        >
          {update.isPending
            ? t('common.saving')
            : doomed.length > 0
              ? t(
                  new Intl.PluralRules(locale).select(doomed.length) === 'one'
                    ? 'retention.saveAndDelete.one'
                    : 'retention.saveAndDelete.other',
                  { count: doomed.length },
                )
              : t('common.save')}
        </button>
        <button type="button" className="btn" onClick={onCancel} disabled={update.isPending}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
