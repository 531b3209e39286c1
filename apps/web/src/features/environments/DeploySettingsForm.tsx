import { updateDeploySettingsSchema, type DeploySettings } from '@wharf/shared';
import { useState, type FormEvent } from 'react';
import { useUpdateDeploySettings } from '../../api/deploy-config/mutations';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field, TextField } from '../../components/Field';
import { useFieldErrors } from '../../hooks/useFieldErrors';
import { useI18n } from '../../i18n/useI18n';
import { fromKubernetesDraft, KUBERNETES_SETTINGS_FIELDS, toKubernetesDraft } from './kubernetes-draft';
import { KubernetesSettingsSection } from './KubernetesSettingsSection';
import { fromRollingRestartDraft, ROLLING_RESTART_FIELDS, toRollingRestartDraft } from './rolling-restart-draft';
import { RollingRestartSettingsSection } from './RollingRestartSettingsSection';
import { fromDraft, toDraft, type SettingsDraft } from './settings-draft';

const FIELDS = [
  'installCommand',
  'reload',
  'reload.mode',
  'reload.ecosystemFile',
  'reload.name',
  'health.intervalMs',
  'health.timeoutMs',
  'health.attempts',
  'keepReleases',
  'preCommand',
  'postCommand',
  'batchSize',
  'parallelism',
  'onFailure',
  'timeoutMinutes',
  ...ROLLING_RESTART_FIELDS,
  ...KUBERNETES_SETTINGS_FIELDS,
];

/** How one environment deploys. Saves every field with one PATCH. */
export function DeploySettingsForm({
  slug,
  envId,
  settings,
  readOnly,
}: {
  slug: string;
  envId: string;
  settings: DeploySettings;
  readOnly: boolean;
}) {
  const { t } = useI18n();
  const update = useUpdateDeploySettings(slug, envId);
  const form = useFieldErrors(update);
  const [draft, setDraft] = useState<SettingsDraft>(() => toDraft(settings));
  const [saved, setSaved] = useState(false);
  const [rolling, setRolling] = useState(() => toRollingRestartDraft(settings));
  const [kubernetes, setKubernetes] = useState(() => toKubernetesDraft(settings));
  const set =
    <K extends keyof SettingsDraft>(key: K) =>
    (value: SettingsDraft[K]) => {
      setSaved(false);
      setDraft((d) => ({ ...d, [key]: value }));
    };
  const idp = `settings-${envId}`;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const body = form.validate(updateDeploySettingsSchema, {
      ...fromDraft(draft),
      ...fromRollingRestartDraft(rolling),
      ...fromKubernetesDraft(kubernetes),
    });
    if (body)
      update.mutate(body, {
        onSuccess: (s) => {
          setDraft(toDraft(s));
          setRolling(toRollingRestartDraft(s));
          setKubernetes(toKubernetesDraft(s));
          setSaved(true);
        },
      });
  };

  const text = (
    key: keyof SettingsDraft,
    path: string,
    label: string,
    opts: { hint?: string; placeholder?: string; testId: string; type?: 'text' | 'number' },
  ) => (
    <TextField
      id={`${idp}-${key}`}
      name={path}
      label={label}
      value={draft[key]}
      onChange={set(key) as (v: string) => void}
      error={form.error(path)}
      hint={opts.hint}
      placeholder={opts.placeholder}
      type={opts.type}
      mono
      disabled={readOnly}
      testId={opts.testId}
    />
  );

  return (
    <form className="form" onSubmit={onSubmit} noValidate data-testid="settings-form">
      <fieldset className="fieldset">
        <legend>{t('settings.release')}</legend>
        <div className="form-grid">
          {text('installCommand', 'installCommand', t('settings.installCommand'), {
            hint: t('settings.installCommandHint'),
            placeholder: 'npm ci --omit=dev',
            testId: 'settings-install-command',
          })}
          <Field
            id={`${idp}-reloadMode`}
            name="reload.mode"
            label={t('settings.reloadMode')}
            error={form.error('reload.mode')}
          >
            <select
              id={`${idp}-reloadMode`}
              value={draft.reloadMode}
              onChange={(e) => set('reloadMode')(e.target.value as SettingsDraft['reloadMode'])}
              disabled={readOnly}
              data-testid="settings-reload-mode"
            >
              <option value="startOrReload">{t('settings.reload.startOrReload')}</option>
              <option value="reload">{t('settings.reload.reload')}</option>
            </select>
          </Field>
          {draft.reloadMode === 'startOrReload'
            ? text('ecosystemFile', 'reload.ecosystemFile', t('settings.ecosystemFile'), {
                hint: t('settings.ecosystemFileHint'),
                testId: 'settings-ecosystem-file',
              })
            : text('reloadName', 'reload.name', t('settings.reloadName'), {
                hint: t('settings.reloadNameHint'),
                testId: 'settings-reload-name',
              })}
          {text('keepReleases', 'keepReleases', t('settings.keepReleases'), {
            hint: t('settings.keepReleasesHint'),
            testId: 'settings-keep-releases',
            type: 'number',
          })}
          {text('preCommand', 'preCommand', t('settings.preCommand'), {
            hint: t('settings.preCommandHint'),
            testId: 'settings-pre-command',
          })}
          {text('postCommand', 'postCommand', t('settings.postCommand'), {
            hint: t('settings.postCommandHint'),
            testId: 'settings-post-command',
          })}
        </div>
      </fieldset>
      <fieldset className="fieldset">
        <legend>{t('settings.health')}</legend>
        <div className="form-grid">
          {text('intervalMs', 'health.intervalMs', t('settings.intervalMs'), {
            testId: 'settings-health-interval',
            type: 'number',
          })}
          {text('timeoutMs', 'health.timeoutMs', t('settings.timeoutMs'), {
            testId: 'settings-health-timeout',
            type: 'number',
          })}
          {text('attempts', 'health.attempts', t('settings.attempts'), {
            testId: 'settings-health-attempts',
            type: 'number',
          })}
        </div>
      </fieldset>
      <fieldset className="fieldset">
        <legend>{t('settings.rollout')}</legend>
        <div className="form-grid">
          {text('batchSize', 'batchSize', t('settings.batchSize'), {
            hint: t('settings.batchSizeHint'),
            placeholder: '1 / 25%',
            testId: 'settings-batch-size',
          })}
          {text('parallelism', 'parallelism', t('settings.parallelism'), {
            hint: t('settings.parallelismHint'),
            testId: 'settings-parallelism',
            type: 'number',
          })}
          <Field
            id={`${idp}-onFailure`}
            name="onFailure"
            label={t('settings.onFailure')}
            error={form.error('onFailure')}
          >
            <select
              id={`${idp}-onFailure`}
              value={draft.onFailure}
              onChange={(e) => set('onFailure')(e.target.value as SettingsDraft['onFailure'])}
              disabled={readOnly}
              data-testid="settings-on-failure"
            >
              <option value="stop">{t('settings.onFailure.stop')}</option>
              <option value="continue">{t('settings.onFailure.continue')}</option>
            </select>
          </Field>
          {text('timeoutMinutes', 'timeoutMinutes', t('settings.timeoutMinutes'), {
            hint: t('settings.timeoutMinutesHint'),
            testId: 'settings-timeout-minutes',
            type: 'number',
          })}
        </div>
      </fieldset>
      <RollingRestartSettingsSection
        idp={idp}
        slug={slug}
        envId={envId}
        draft={rolling}
        onChange={(d) => {
          setSaved(false);
          setRolling(d);
        }}
        error={form.error}
        readOnly={readOnly}
      />
      <KubernetesSettingsSection
        idp={idp}
        draft={kubernetes}
        onChange={(d) => {
          setSaved(false);
          setKubernetes(d);
        }}
        error={form.error}
        readOnly={readOnly}
      />
      <ErrorNotice error={update.error} fields={FIELDS} testId="form-error" />
      {!readOnly && (
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={update.isPending} data-testid="settings-submit">
            {update.isPending ? t('common.saving') : t('settings.save')}
          </button>
          {saved && (
            <span className="saved-note" role="status" data-testid="settings-saved">
              {t('settings.saved')}
            </span>
          )}
        </div>
      )}
    </form>
  );
}
