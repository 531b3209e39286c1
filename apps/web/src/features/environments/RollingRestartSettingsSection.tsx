import { DEPLOY_STRATEGIES, READINESS_DELAY_MAX_SECONDS } from '@wharf/shared';
import { useMe } from '../../api/auth/queries';
import { useEnvironments } from '../../api/environments/queries';
import { CheckboxField, Field, TextField } from '../../components/Field';
import { useI18n } from '../../i18n/useI18n';
import type { RollingRestartDraft } from './rolling-restart-draft';

interface Props {
  /** Prefix for element ids, unique per form. */
  idp: string;
  slug: string;
  envId: string;
  draft: RollingRestartDraft;
  onChange: (draft: RollingRestartDraft) => void;
  /** The form's error for an issue path (client-side schema or API). */
  error: (path: string) => string | undefined;
  readOnly: boolean;
}

/**
 * How SSH targets release (upload and switch, or restart in place one host at a time), the
 * readiness wait between hosts, and the admin-only switch that lets rolling restarts run on a
 * protected environment.
 */
export function RollingRestartSettingsSection({ idp, slug, envId, draft, onChange, error, readOnly }: Props) {
  const { t } = useI18n();
  const isAdmin = useMe().data?.isAdmin === true;
  const env = useEnvironments(slug).data?.find((e) => e.id === envId);
  const set = (patch: Partial<RollingRestartDraft>) => onChange({ ...draft, ...patch });
  const delayError = error('rollingRestart.readinessDelaySeconds');
  const switchError = error('rollingRestart.allowOnProtected');

  return (
    <fieldset className="fieldset" data-testid="settings-rolling-restart">
      <legend>{t('rollingRestart.legend')}</legend>
      <div className="form-grid">
        <Field
          id={`${idp}-strategy`}
          name="strategy"
          label={t('rollingRestart.strategy')}
          error={error('strategy')}
          hint={t(`rollingRestart.strategy.${draft.strategy}.hint`)}
        >
          <select
            id={`${idp}-strategy`}
            value={draft.strategy}
            onChange={(e) => {
              const next = DEPLOY_STRATEGIES.find((s) => s === e.target.value);
              if (next) set({ strategy: next });
            }}
            disabled={readOnly}
            data-testid="settings-strategy"
          >
            {DEPLOY_STRATEGIES.map((s) => (
              <option key={s} value={s}>
                {t(`rollingRestart.strategy.${s}`)}
              </option>
            ))}
          </select>
        </Field>
        <TextField
          id={`${idp}-readinessDelay`}
          name="rollingRestart.readinessDelaySeconds"
          label={t('rollingRestart.readinessDelay')}
          value={draft.readinessDelaySeconds}
          onChange={(v) => set({ readinessDelaySeconds: v })}
          // The schema's message is English; the rule is simple enough to say in the user's language.
          error={
            delayError ? t('rollingRestart.readinessDelayInvalid', { max: READINESS_DELAY_MAX_SECONDS }) : undefined
          }
          hint={t('rollingRestart.readinessDelayHint', { max: READINESS_DELAY_MAX_SECONDS })}
          type="number"
          mono
          disabled={readOnly}
          testId="settings-readiness-delay"
        />
      </div>
      <p className="muted small" data-testid="settings-strategy-scope">
        {t('rollingRestart.scope')}
      </p>
      <CheckboxField
        id={`${idp}-allowOnProtected`}
        name="rollingRestart.allowOnProtected"
        label={t('rollingRestart.protected')}
        text={t('rollingRestart.protectedSwitch')}
        checked={draft.allowOnProtected}
        onChange={(allowOnProtected) => set({ allowOnProtected, allowTouched: true })}
        disabled={readOnly || !isAdmin}
        error={switchError}
        hint={isAdmin ? t('rollingRestart.protectedHint') : t('rollingRestart.protectedAdminOnly')}
        testId="settings-allow-on-protected"
      />
      {env?.protected && (
        <div
          className="alert alert-warn"
          style={{ marginBottom: 12 }}
          data-testid="settings-protected-warning"
          data-allowed={draft.allowOnProtected}
        >
          {draft.allowOnProtected
            ? t('rollingRestart.protectedAllowedWarning', { env: env.name })
            : t('rollingRestart.protectedRefusedNote', { env: env.name })}
        </div>
      )}
      {!env?.protected && draft.allowOnProtected && isAdmin && (
        <div className="alert alert-warn" style={{ marginBottom: 12 }} data-testid="settings-protected-warning">
          {t('rollingRestart.protectedLaterWarning')}
        </div>
      )}
    </fieldset>
  );
}
