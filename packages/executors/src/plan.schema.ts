// Defense in depth: the API validates inputs at the edge, and the executor checks the plan
// again with the same shared patterns before touching any host.
import {
  absolutePathSchema,
  envVarNameSchema,
  healthCheckSchema,
  hostSchema,
  sha256Schema,
  targetNameSchema,
  versionSchema,
} from '@wharf/shared';
import { z } from 'zod';
import { PlanValidationError } from './errors.js';
import type { SshDeployPlan } from './types.js';

const fingerprintSchema = z
  .string()
  .regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/, 'pinnedHostKey must be an OpenSSH SHA256 fingerprint (SHA256:...)');

const healthSchema = z.union([healthCheckSchema, z.object({ type: z.literal('command'), command: z.string().min(1) })]);

const targetSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  host: hostSchema,
  port: z.number().int().min(1).max(65535),
  user: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'user must be a valid unix user name'),
  baseDir: absolutePathSchema.refine((p) => p !== '/', 'baseDir must not be /'),
  appName: targetNameSchema,
  pinnedHostKey: fingerprintSchema,
  credential: z.object({ privateKey: z.string().min(1), passphrase: z.string().optional() }),
  healthCheck: healthSchema,
});

const envSchema = z.record(
  envVarNameSchema,
  z.string().refine((v) => !v.includes('\0'), 'values must not contain NUL'),
);

export const sshDeployPlanSchema = z.object({
  deploymentId: z.string().min(1),
  version: versionSchema,
  artifact: z.object({ path: z.string().min(1), sha256: sha256Schema }),
  targets: z.array(targetSchema).min(1),
  settings: z.object({
    installCommand: z.string().nullable(),
    env: envSchema,
    secretEnv: envSchema,
    reload: z.discriminatedUnion('mode', [
      z.object({
        mode: z.literal('startOrReload'),
        ecosystemFile: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9._/-]*$/, 'ecosystemFile must be a relative path'),
      }),
      z.object({ mode: z.literal('reload'), name: targetNameSchema }),
    ]),
    health: z.object({
      intervalMs: z.number().int().min(0),
      timeoutMs: z.number().int().min(1),
      attempts: z.number().int().min(1),
    }),
    keepReleases: z.number().int().min(1).optional(),
    preCommand: z.string().nullable().optional(),
    postCommand: z.string().nullable().optional(),
    batchSize: z.union([
      z.number().int().min(1),
      z.string().regex(/^(100|[1-9][0-9]?)%$/, "batchSize must be a count or '1%'..'100%'"),
    ]),
    onFailure: z.enum(['stop', 'continue']),
    timeouts: z
      .object({
        connectMs: z.number().int().min(1).optional(),
        commandMs: z.number().int().min(1).optional(),
        targetMs: z.number().int().min(1).optional(),
      })
      .optional(),
  }),
});

export function validatePlan(plan: SshDeployPlan): void {
  const r = sshDeployPlanSchema.safeParse(plan);
  const issues = r.success ? [] : r.error.issues.map((i) => `${i.path.join('.') || '(plan)'}: ${i.message}`);
  if (new Set(plan.targets.map((t) => t.id)).size !== plan.targets.length) issues.push('targets: ids must be unique');
  if (plan.settings.reload.mode === 'startOrReload' && plan.settings.reload.ecosystemFile.split('/').includes('..')) {
    issues.push('settings.reload.ecosystemFile: must not contain ".."');
  }
  if (issues.length) throw new PlanValidationError(issues);
}
