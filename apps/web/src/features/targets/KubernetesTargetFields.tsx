import type { CredentialView } from '@wharf/shared';
import { Field, TextField } from '../../components/Field';
import { useI18n } from '../../i18n/useI18n';
import { KUBERNETES_FIELDS } from './kubernetes-fields';

interface Props {
  /** Prefix for element ids, unique per form. */
  idp: string;
  values: Record<string, string>;
  onChange: (path: string, value: string) => void;
  /** The error shown under a config field (client-side schema or API issue), by config path. */
  error: (path: string) => string | undefined;
  /** Every credential of the project; undefined while loading. */
  credentials: CredentialView[] | undefined;
}

/**
 * The config of a Kubernetes target: which workload (kind, namespace, name), which of its
 * containers gets the image, the image repository releases must come from, and the API
 * server the kubeconfig credential points at.
 */
export function KubernetesTargetFields({ idp, values, onChange, error, credentials }: Props) {
  const { t } = useI18n();
  const noKubeconfig = credentials !== undefined && !credentials.some((c) => c.kind === 'kubeconfig');

  return (
    <>
      {KUBERNETES_FIELDS.map((f) => {
        const id = `${idp}-${f.path}`;
        const testId = `target-config-${f.path}`;
        const value = values[f.path] ?? '';
        if (f.type === 'select') {
          return (
            <Field
              key={f.path}
              id={id}
              name={`config.${f.path}`}
              label={t(f.label)}
              error={error(f.path)}
              hint={f.hint ? t(f.hint) : undefined}
            >
              <select id={id} value={value} data-testid={testId} onChange={(e) => onChange(f.path, e.target.value)}>
                {(f.options ?? []).map((o) => (
                  <option key={o.value} value={o.value}>
                    {t(o.label)}
                  </option>
                ))}
              </select>
            </Field>
          );
        }
        return (
          <TextField
            key={f.path}
            id={id}
            name={`config.${f.path}`}
            label={t(f.label)}
            value={value}
            onChange={(v) => onChange(f.path, v)}
            error={error(f.path)}
            hint={f.hint ? t(f.hint) : undefined}
            placeholder={f.placeholder}
            mono
            testId={testId}
          />
        );
      })}
      {noKubeconfig && (
        // Spans the whole grid row: a note about the form, not one of its fields.
        <p className="alert alert-warn" style={{ gridColumn: '1 / -1' }} data-testid="k8s-no-kubeconfig">
          {t('k8sTarget.noKubeconfig')}
        </p>
      )}
    </>
  );
}
