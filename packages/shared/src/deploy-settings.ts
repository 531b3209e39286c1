// How an environment deploys (stored as Environment.settings). One schema for the API, the
// dashboard and packages/executors, whose plan type is inferred from it: whatever the API
// stores, the executor can run.
import { z } from 'zod';
import {
  kubernetesReleaseSettingsSchema,
  KUBERNETES_RELEASE_MODES,
  KUBERNETES_ROLLOUT_TIMEOUT_MAX_SECONDS,
} from './kubernetes.js';
import { relativePathSchema, shellCommandSchema, targetNameSchema } from './validators.js';

export const RELOAD_MODES = ['startOrReload', 'reload'] as const;
export const DEPLOY_STRATEGIES = ['release', 'rolling-restart'] as const;
export type DeployStrategy = (typeof DEPLOY_STRATEGIES)[number];
export const DEFAULT_ECOSYSTEM_FILE = 'ecosystem.config.cjs';

const field = {
  /** null = auto: `npm ci --omit=dev` when a lockfile is present, else skip. */
  installCommand: shellCommandSchema.nullable(),
  /** pm2 ecosystem file, relative to the release directory. */
  ecosystemFile: relativePathSchema,
  /** pm2 app name for `pm2 reload <name>`. */
  reloadName: targetNameSchema,
  intervalMs: z.number().int().min(100).max(600_000),
  timeoutMs: z.number().int().min(100).max(600_000),
  attempts: z.number().int().min(1).max(1000),
  keepReleases: z.number().int().min(1).max(100),
  preCommand: shellCommandSchema.nullable(),
  postCommand: shellCommandSchema.nullable(),
  /** Targets per batch: a count or a percentage such as "25%". */
  batchSize: z.union([
    z.number().int().min(1).max(1000),
    z.string().regex(/^([1-9][0-9]?|100)%$/, 'use a count or "NN%"'),
  ]),
  onFailure: z.enum(['stop', 'continue']),
  /**
   * Hosts released at once (a sliding window, like `xargs -P`): a host starts as soon as
   * another finishes, within its batch. Batches stay the health gates.
   */
  parallelism: z.number().int().min(1).max(1000),
  /** Whole-deployment limit; the deployment fails with a timeout after it. */
  timeoutMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  /**
   * SSH targets: `release` uploads and switches to the version; `rolling-restart` reloads the
   * running app one host at a time behind the health gate. Consul targets always restart;
   * Kubernetes targets follow `kubernetes.mode`.
   */
  strategy: z.enum(DEPLOY_STRATEGIES),
  kubernetesMode: z.enum(KUBERNETES_RELEASE_MODES),
  rolloutTimeoutSeconds: z.number().int().min(5).max(KUBERNETES_ROLLOUT_TIMEOUT_MAX_SECONDS),
  /** Wait after a host is healthy again before the next (SSH rolling restart; not after the last). */
  readinessDelaySeconds: z
    .number()
    .min(0, 'readinessDelaySeconds must be 0-120')
    .max(120, 'readinessDelaySeconds must be 0-120'),
  /** A protected environment refuses rolling restarts unless an admin turned this on (audited). */
  allowOnProtected: z.boolean(),
};

export const DEFAULT_DEPLOY_SETTINGS = {
  installCommand: null,
  reload: { mode: 'startOrReload', ecosystemFile: DEFAULT_ECOSYSTEM_FILE },
  health: { intervalMs: 2000, timeoutMs: 5000, attempts: 15 },
  keepReleases: 5,
  preCommand: null,
  postCommand: null,
  batchSize: '100%',
  onFailure: 'stop',
  parallelism: 20,
  timeoutMinutes: 60,
  strategy: 'release',
  kubernetes: { mode: 'image', rolloutTimeoutSeconds: 600 },
  rollingRestart: { readinessDelaySeconds: 10, allowOnProtected: false },
} as const;

const d = DEFAULT_DEPLOY_SETTINGS;

export const reloadSettingsSchema = z.discriminatedUnion('mode', [
  z.object({
    mode: z.literal('startOrReload'),
    ecosystemFile: field.ecosystemFile.default(DEFAULT_ECOSYSTEM_FILE),
  }),
  z.object({ mode: z.literal('reload'), name: field.reloadName }),
]);
export type ReloadSettings = z.infer<typeof reloadSettingsSchema>;

export const healthGateSchema = z.object({
  /** Pause between attempts. */
  intervalMs: field.intervalMs.default(d.health.intervalMs),
  /** Per-attempt timeout. */
  timeoutMs: field.timeoutMs.default(d.health.timeoutMs),
  attempts: field.attempts.default(d.health.attempts),
});
export type HealthGateSettings = z.infer<typeof healthGateSchema>;

export const rollingRestartSettingsSchema = z.object({
  readinessDelaySeconds: field.readinessDelaySeconds.default(d.rollingRestart.readinessDelaySeconds),
  allowOnProtected: field.allowOnProtected.default(d.rollingRestart.allowOnProtected),
});
export type RollingRestartSettings = z.infer<typeof rollingRestartSettingsSchema>;

/** Settings as stored and as read: every field has a default (older rows may lack some). */
export const deploySettingsSchema = z.object({
  installCommand: field.installCommand.default(d.installCommand),
  reload: reloadSettingsSchema.default(d.reload),
  health: healthGateSchema.default(d.health),
  keepReleases: field.keepReleases.default(d.keepReleases),
  preCommand: field.preCommand.default(d.preCommand),
  postCommand: field.postCommand.default(d.postCommand),
  batchSize: field.batchSize.default(d.batchSize),
  onFailure: field.onFailure.default(d.onFailure),
  parallelism: field.parallelism.default(d.parallelism),
  timeoutMinutes: field.timeoutMinutes.default(d.timeoutMinutes),
  strategy: field.strategy.default(d.strategy),
  kubernetes: kubernetesReleaseSettingsSchema.default(d.kubernetes),
  rollingRestart: rollingRestartSettingsSchema.default(d.rollingRestart),
});
export type DeploySettings = z.infer<typeof deploySettingsSchema>;

/**
 * PATCH body: a deep partial with no defaults, so only the fields sent change. `null`
 * clears a nullable field. `reload` is flat here (mode plus the fields of either mode);
 * applyDeploySettingsPatch checks that the merged result is a valid mode. Unknown keys are
 * refused, so a typo is an error instead of a silent no-op.
 */
export const updateDeploySettingsSchema = z.strictObject({
  installCommand: field.installCommand.optional(),
  reload: z
    .strictObject({
      mode: z.enum(RELOAD_MODES).optional(),
      ecosystemFile: field.ecosystemFile.optional(),
      name: field.reloadName.optional(),
    })
    .optional(),
  health: z
    .strictObject({
      intervalMs: field.intervalMs.optional(),
      timeoutMs: field.timeoutMs.optional(),
      attempts: field.attempts.optional(),
    })
    .optional(),
  keepReleases: field.keepReleases.optional(),
  preCommand: field.preCommand.optional(),
  postCommand: field.postCommand.optional(),
  batchSize: field.batchSize.optional(),
  onFailure: field.onFailure.optional(),
  parallelism: field.parallelism.optional(),
  timeoutMinutes: field.timeoutMinutes.optional(),
  strategy: field.strategy.optional(),
  kubernetes: z
    .strictObject({
      mode: field.kubernetesMode.optional(),
      rolloutTimeoutSeconds: field.rolloutTimeoutSeconds.optional(),
    })
    .optional(),
  rollingRestart: z
    .strictObject({
      readinessDelaySeconds: field.readinessDelaySeconds.optional(),
      allowOnProtected: field.allowOnProtected.optional(),
    })
    .optional(),
});
export type UpdateDeploySettingsBody = z.infer<typeof updateDeploySettingsSchema>;

/** Every field required, no defaults: what a merged result must be before it is stored. */
const completeDeploySettingsSchema = z.object({
  installCommand: field.installCommand,
  reload: z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('startOrReload'), ecosystemFile: field.ecosystemFile }),
    z.object({ mode: z.literal('reload'), name: field.reloadName }),
  ]),
  health: z.object({ intervalMs: field.intervalMs, timeoutMs: field.timeoutMs, attempts: field.attempts }),
  keepReleases: field.keepReleases,
  preCommand: field.preCommand,
  postCommand: field.postCommand,
  batchSize: field.batchSize,
  onFailure: field.onFailure,
  parallelism: field.parallelism,
  timeoutMinutes: field.timeoutMinutes,
  strategy: field.strategy,
  kubernetes: z.object({ mode: field.kubernetesMode, rolloutTimeoutSeconds: field.rolloutTimeoutSeconds }),
  rollingRestart: z.object({
    readinessDelaySeconds: field.readinessDelaySeconds,
    allowOnProtected: field.allowOnProtected,
  }),
});

export interface SettingsIssue {
  path: string;
  message: string;
}

export type SettingsPatchResult =
  { success: true; data: DeploySettings; changed: string[] } | { success: false; issues: SettingsIssue[] };

const RELOAD_FIELDS: Record<(typeof RELOAD_MODES)[number], readonly string[]> = {
  startOrReload: ['ecosystemFile'],
  reload: ['name'],
};

/**
 * Merges a validated patch into the current settings: nested objects field by field, other
 * values replaced. Switching reload mode keeps nothing of the old mode and never fills in a
 * default: the fields the new mode needs must be sent, or the result is refused.
 */
export function applyDeploySettingsPatch(
  current: DeploySettings,
  patch: UpdateDeploySettingsBody,
): SettingsPatchResult {
  const issues: SettingsIssue[] = [];
  const {
    reload: reloadPatch,
    health: healthPatch,
    kubernetes: kubernetesPatch,
    rollingRestart: rollingRestartPatch,
    ...flat
  } = patch;
  const merged: Record<string, unknown> = { ...current, ...stripUndefined(flat) };
  if (healthPatch) merged.health = { ...current.health, ...stripUndefined(healthPatch) };
  if (kubernetesPatch) merged.kubernetes = { ...current.kubernetes, ...stripUndefined(kubernetesPatch) };
  if (rollingRestartPatch) {
    merged.rollingRestart = { ...current.rollingRestart, ...stripUndefined(rollingRestartPatch) };
  }
  if (reloadPatch) {
    const mode = reloadPatch.mode ?? current.reload.mode;
    const kept = mode === current.reload.mode ? current.reload : { mode };
    const next = { ...kept, ...stripUndefined(reloadPatch), mode };
    for (const key of Object.keys(stripUndefined(reloadPatch))) {
      const owner = RELOAD_MODES.find((m) => RELOAD_FIELDS[m].includes(key));
      if (owner && owner !== mode) {
        issues.push({ path: `reload.${key}`, message: `only applies when reload.mode is "${owner}"` });
      }
    }
    for (const key of RELOAD_FIELDS[mode]) {
      if (!(key in next)) issues.push({ path: `reload.${key}`, message: `required when reload.mode is "${mode}"` });
    }
    merged.reload = next;
  }
  if (issues.length) return { success: false, issues };
  const r = completeDeploySettingsSchema.safeParse(merged);
  if (!r.success) {
    return { success: false, issues: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
  }
  return { success: true, data: r.data, changed: changedPaths(current, r.data) };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Dotted paths of the leaves that differ (for the audit trail). */
function changedPaths(a: unknown, b: unknown, prefix = ''): string[] {
  const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object';
  if (!isObj(a) || !isObj(b)) return Object.is(a, b) ? [] : [prefix];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((k) => changedPaths(a[k], b[k], prefix ? `${prefix}.${k}` : k));
}

/**
 * Stored settings for display and as the base of a PATCH. Rows written before a rule was
 * tightened may hold a value the schema now refuses; such a field reads as its default so
 * the settings can still be shown and fixed (releases refuse them: see the plan builder).
 */
export function readDeploySettings(stored: unknown): DeploySettings {
  const full = deploySettingsSchema.safeParse(stored ?? {});
  if (full.success) return full.data;
  const raw = stored !== null && typeof stored === 'object' ? (stored as Record<string, unknown>) : {};
  const shape = deploySettingsSchema.shape;
  const fields = Object.fromEntries(
    Object.keys(shape).map((k) => {
      const r = shape[k as keyof typeof shape].safeParse(raw[k]);
      return [k, r.success ? r.data : undefined];
    }),
  );
  return deploySettingsSchema.parse(fields);
}
