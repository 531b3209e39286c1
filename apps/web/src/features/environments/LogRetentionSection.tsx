// How long finished releases' logs stay readable in this environment: the default (forever
// when protected, else 90 days), forever, or a number of days. The release record stays forever.
import { DEFAULT_LOG_RETENTION_DAYS, logRetentionSchema, type EnvironmentView } from '@wharf/shared';
import { useState, type FormEvent } from 'react';
import { useSetLogRetention } from '../../api/environments/log-retention';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field, TextField } from '../../components/Field';
import { useI18n } from '../../i18n/useI18n';

export type RetentionMode = 'default' | 'forever' | 'days';

export function retentionMode(days: number | null): RetentionMode {
  if (days === null) return 'default';
  return days === 0 ? 'forever' : 'days';
}

/** The body for the API, or null when the days field is not a valid number of days. */
export function retentionBody(mode: RetentionMode, days: string): { days: number | null } | null {
  if (mode === 'default') return { days: null };
  if (mode === 'forever') return { days: 0 };
  const n = Number(days.trim());
  const parsed = logRetentionSchema.safeParse({ days: days.trim() === '' ? NaN : n });
  return parsed.success && parsed.data.days !== 0 ? parsed.data : null;
}

export function LogRetentionSection({ slug, env }: { slug: string; env: EnvironmentView }) {
  const { t } = useI18n();
  const [mode, setMode] = useState<RetentionMode>(retentionMode(env.logRetentionDays));
  const [days, setDays] = useState(
    env.logRetentionDays ? String(env.logRetentionDays) : String(DEFAULT_LOG_RETENTION_DAYS),
  );
  const [invalid, setInvalid] = useState(false);
  const [saved, setSaved] = useState(false);
  const save = useSetLogRetention(slug, env.id);
  const idp = `log-retention-${env.id}`;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const body = retentionBody(mode, days);
    setInvalid(body === null);
    if (body) save.mutate(body, { onSuccess: () => setSaved(true) });
  };
  const effective = env.protected ? t('logRetention.defaultProtected') : t('logRetention.defaultOther');
  return (
    <form onSubmit={submit}>
      <fieldset className="fieldset" data-testid="settings-log-retention">
        <legend>{t('logRetention.title')}</legend>
        <p className="muted small">{t('logRetention.hint')}</p>
        <div className="form-grid">
          <Field id={`${idp}-mode`} name="mode" label={t('logRetention.mode')}>
            <select
              id={`${idp}-mode`}
              value={mode}
              onChange={(e) => setMode(e.target.value as RetentionMode)}
              data-testid="log-retention-mode"
            >
              <option value="default">{t('logRetention.mode.default', { effective })}</option>
              <option value="forever">{t('logRetention.mode.forever')}</option>
              <option value="days">{t('logRetention.mode.days')}</option>
            </select>
          </Field>
          {mode === 'days' && (
            <TextField
              id={`${idp}-days`}
              name="days"
              label={t('logRetention.days')}
              value={days}
              onChange={setDays}
              type="number"
              mono
              hint={t('logRetention.daysHint')}
              error={invalid ? t('logRetention.daysHint') : undefined}
              testId="log-retention-days"
            />
          )}
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-small" disabled={save.isPending} data-testid="log-retention-save">
            {save.isPending ? t('common.saving') : t('common.save')}
          </button>
          {saved && (
            <span className="saved-note" role="status" data-testid="log-retention-saved">
              {t('logRetention.saved')}
            </span>
          )}
        </div>
        <ErrorNotice error={save.error} testId="log-retention-error" />
      </fieldset>
    </form>
  );
}
