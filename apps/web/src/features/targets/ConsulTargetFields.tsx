import { RESTART_SECRET_MIN_LENGTH, RESTART_SECRET_VARIABLE } from '@wharf/shared';
import { Link } from 'react-router';
import { seg } from '../../api/client';
import { useVariables } from '../../api/variables/queries';
import { TextField } from '../../components/Field';
import { useI18n } from '../../i18n/useI18n';
import { CONSUL_FIELDS, hasAgentLineError } from './consul-fields';

interface Props {
  /** Prefix for element ids, unique per form. */
  idp: string;
  slug: string;
  environmentId: string;
  values: Record<string, string>;
  onChange: (path: string, value: string) => void;
  /** The error shown under a config field (client-side schema or API issue), by config path. */
  error: (path: string) => string | undefined;
}

/**
 * The config of a Consul target (rolling restart): where Consul answers, which service's
 * instances to restart and how, and how patiently. Below: whether the environment has the
 * restart secret every release needs.
 */
export function ConsulTargetFields({ idp, slug, environmentId, values, onChange, error }: Props) {
  const { t } = useI18n();
  return (
    <>
      {CONSUL_FIELDS.map((f) => {
        const value = values[f.path] ?? '';
        const lines = f.type === 'lines';
        // A refused agent line is reported by index; the localized rule replaces zod's text.
        const fieldError = lines && hasAgentLineError(error, value) ? t('consulTarget.agentsInvalid') : error(f.path);
        return (
          <TextField
            key={f.path}
            id={`${idp}-${f.path}`}
            name={`config.${f.path}`}
            label={t(f.label)}
            value={value}
            onChange={(v) => onChange(f.path, v)}
            error={fieldError}
            hint={f.hint ? t(f.hint) : undefined}
            placeholder={f.placeholder}
            type={f.type === 'number' ? 'number' : 'text'}
            multiline={lines}
            rows={lines ? 2 : undefined}
            mono
            testId={`target-config-${f.path}`}
          />
        );
      })}
      <RestartSecretNotice slug={slug} environmentId={environmentId} />
    </>
  );
}

/** Every Consul release sends the environment's restart secret; say whether it is there. */
function RestartSecretNotice({ slug, environmentId }: { slug: string; environmentId: string }) {
  const { t } = useI18n();
  const vars = useVariables(slug, { kind: 'environment', envId: environmentId });
  const found = vars.data?.find((v) => v.name === RESTART_SECRET_VARIABLE);
  const name = RESTART_SECRET_VARIABLE;
  const min = RESTART_SECRET_MIN_LENGTH;
  const state = vars.isPending || vars.isError ? 'unknown' : found ? (found.secret ? 'set' : 'plain') : 'missing';
  const text =
    state === 'set'
      ? t('consulTarget.secretSet', { name })
      : state === 'plain'
        ? t('consulTarget.secretPlain', { name })
        : state === 'missing'
          ? t('consulTarget.secretMissing', { name, min })
          : t('consulTarget.secretNeeded', { name, min });
  return (
    <div
      className={`alert ${state === 'set' ? 'alert-info' : 'alert-warn'}`}
      style={{ gridColumn: '1 / -1', marginBottom: 12 }}
      data-testid="consul-restart-secret"
      data-state={state}
    >
      {text}{' '}
      {state !== 'set' && (
        <Link to={`/projects/${seg(slug)}/environments`} data-testid="consul-restart-secret-link">
          {t('consulTarget.secretLink')}
        </Link>
      )}
    </div>
  );
}
