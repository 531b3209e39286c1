// Per-kind form fields for a target's config, mirroring packages/shared targets.ts.
// Values are kept as strings keyed by config path ("healthCheck.url") and turned into the
// config object on submit, then validated by the shared schema.
import type { TargetKind } from '@wharf/shared';
import type { MessageKey } from '../../i18n/translate';
import { CONSUL_FIELDS } from './consul-fields';
import { KUBERNETES_FIELDS } from './kubernetes-fields';

export interface TargetFieldDef {
  /** Path inside `config`, dotted. */
  path: string;
  label: MessageKey;
  hint?: MessageKey;
  /** `lines`: a list, edited one item per line (Consul agents). */
  type?: 'text' | 'number' | 'select' | 'lines';
  options?: readonly { value: string; label: MessageKey }[];
  placeholder?: string;
  initial: string;
  /** Blank means "use the schema default" (the key is left out). */
  optional?: boolean;
  showIf?: (values: Record<string, string>) => boolean;
  /** Localized message shown instead of the schema's (English) one when the value is refused. */
  invalid?: MessageKey;
}

const httpCheck = (v: Record<string, string>) => v['healthCheck.type'] === 'http';
const commandCheck = (v: Record<string, string>) => v['healthCheck.type'] === 'command';

export const TARGET_FIELDS: Record<TargetKind, TargetFieldDef[]> = {
  ssh: [
    { path: 'host', label: 'target.host', placeholder: '10.0.0.12', initial: '' },
    { path: 'port', label: 'target.port', type: 'number', initial: '22', optional: true },
    { path: 'user', label: 'target.user', placeholder: 'deploy', initial: '' },
    {
      path: 'baseDir',
      label: 'target.baseDir',
      hint: 'target.baseDirHint',
      placeholder: '/srv/my-app',
      initial: '',
      invalid: 'target.baseDirInvalid',
    },
    { path: 'appName', label: 'target.appName', hint: 'target.appNameHint', placeholder: 'my-app', initial: '' },
    {
      path: 'healthCheck.type',
      label: 'target.healthCheck',
      type: 'select',
      options: [
        { value: 'none', label: 'target.healthNone' },
        { value: 'http', label: 'target.healthHttp' },
        { value: 'command', label: 'target.healthCommand' },
      ],
      initial: 'none',
    },
    {
      path: 'healthCheck.url',
      label: 'target.healthUrl',
      hint: 'target.healthUrlHint',
      placeholder: 'http://127.0.0.1:3000/health',
      initial: '',
      showIf: httpCheck,
      invalid: 'target.healthUrlInvalid',
    },
    {
      path: 'healthCheck.expectStatus',
      label: 'target.expectStatus',
      type: 'number',
      initial: '200',
      optional: true,
      showIf: httpCheck,
      invalid: 'target.expectStatusInvalid',
    },
    {
      path: 'healthCheck.expectBody',
      label: 'target.expectBody',
      hint: 'target.expectBodyHint',
      placeholder: '"status":"ok"',
      initial: '',
      optional: true,
      showIf: httpCheck,
      invalid: 'target.expectBodyInvalid',
    },
    {
      path: 'healthCheck.command',
      label: 'target.healthCommandField',
      hint: 'target.healthCommandHint',
      placeholder: 'curl -fsS http://127.0.0.1:3000/ready',
      initial: '',
      showIf: commandCheck,
      invalid: 'target.healthCommandInvalid',
    },
  ],
  kubernetes: KUBERNETES_FIELDS,
  consul: CONSUL_FIELDS,
};

function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (next === null || typeof next !== 'object') cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1] as string] = value;
}

/** Form values for a kind, from an existing config or the defaults. */
export function initialValues(kind: TargetKind, config?: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of TARGET_FIELDS[kind]) {
    const v = config ? getPath(config, f.path) : undefined;
    out[f.path] = v === undefined || v === null ? f.initial : Array.isArray(v) ? v.join('\n') : String(v);
  }
  return out;
}

export function visibleFields(kind: TargetKind, values: Record<string, string>): TargetFieldDef[] {
  return TARGET_FIELDS[kind].filter((f) => !f.showIf || f.showIf(values));
}

/** Builds the config object the shared schema validates; hidden fields are left out. */
export function buildConfig(kind: TargetKind, values: Record<string, string>): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const f of visibleFields(kind, values)) {
    const raw = (values[f.path] ?? '').trim();
    if (raw === '' && f.optional) continue;
    const lines = () => raw.split('\n').flatMap((l) => (l.trim() ? [l.trim()] : []));
    setPath(config, f.path, f.type === 'number' && raw !== '' ? Number(raw) : f.type === 'lines' ? lines() : raw);
  }
  return config;
}

/** One-line summary of where a target points. */
export function targetSummary(kind: TargetKind, config: Record<string, unknown>): string {
  const s = (p: string) => {
    const v = getPath(config, p);
    return v === undefined || v === null ? '' : String(v);
  };
  switch (kind) {
    case 'ssh':
      return `${s('user')}@${s('host')}:${s('port') || '22'} ${s('baseDir')}`;
    case 'kubernetes':
      // Older targets may lack `kind`: the schema's default is a Deployment.
      return `${s('kind') || 'Deployment'} ${s('namespace')}/${s('deployment')} (${s('container')})`;
    case 'consul':
      return `${s('service')} @ ${s('consulUrl')}`;
  }
}
