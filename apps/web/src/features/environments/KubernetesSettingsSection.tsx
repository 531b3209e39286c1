import { KUBERNETES_RELEASE_MODES } from '@wharf/shared';
import { Field, TextField } from '../../components/Field';
import { useI18n } from '../../i18n/useI18n';
import type { KubernetesDraft } from './kubernetes-draft';

interface Props {
  /** Prefix for element ids, unique per form. */
  idp: string;
  draft: KubernetesDraft;
  onChange: (draft: KubernetesDraft) => void;
  /** The form's error for an issue path (client-side schema or API). */
  error: (path: string) => string | undefined;
  readOnly: boolean;
}

/** How releases reach this environment's Kubernetes workloads: set the image or restart the pods, and the rollout deadline. */
export function KubernetesSettingsSection({ idp, draft, onChange, error, readOnly }: Props) {
  const { t } = useI18n();
  const set = (patch: Partial<KubernetesDraft>) => onChange({ ...draft, ...patch });
  const timeoutError = error('kubernetes.rolloutTimeoutSeconds');

  return (
    <fieldset className="fieldset" data-testid="settings-kubernetes">
      <legend>{t('k8sSettings.title')}</legend>
      <p className="muted small">{t('k8sSettings.appliesTo')}</p>
      <div className="form-grid">
        <Field
          id={`${idp}-k8sMode`}
          name="kubernetes.mode"
          label={t('k8sSettings.mode')}
          error={error('kubernetes.mode')}
          hint={<span data-testid="settings-k8s-mode-hint">{t(`k8sSettings.modeHint.${draft.mode}`)}</span>}
        >
          <select
            id={`${idp}-k8sMode`}
            value={draft.mode}
            onChange={(e) => {
              const next = KUBERNETES_RELEASE_MODES.find((m) => m === e.target.value);
              if (next) set({ mode: next });
            }}
            disabled={readOnly}
            data-testid="settings-k8s-mode"
          >
            {KUBERNETES_RELEASE_MODES.map((m) => (
              <option key={m} value={m}>
                {t(`k8sSettings.mode.${m}`)}
              </option>
            ))}
          </select>
        </Field>
        <TextField
          id={`${idp}-k8sRolloutTimeout`}
          name="kubernetes.rolloutTimeoutSeconds"
          label={t('k8sSettings.rolloutTimeout')}
          value={draft.rolloutTimeoutSeconds}
          onChange={(v) => set({ rolloutTimeoutSeconds: v })}
          // The schema's message is English; the hint already states the range in the user's language.
          error={timeoutError ? t('k8sSettings.rolloutTimeoutHint') : undefined}
          hint={t('k8sSettings.rolloutTimeoutHint')}
          type="number"
          mono
          disabled={readOnly}
          testId="settings-k8s-rollout-timeout"
        />
      </div>
    </fieldset>
  );
}
