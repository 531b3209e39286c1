// The executor's plan, composed from the schemas the API validates with (packages/shared:
// deploy settings, SSH target config, variables) plus only what exists at run time: ids,
// the decrypted credential, the pinned host key and the artifact file. So whatever the API
// accepted, the executor runs; and it checks again before touching any host.
import {
  deploySettingsSchema,
  sha256Schema,
  sshFingerprintSchema,
  sshTargetConfigSchema,
  targetNameSchema,
  variableMapSchema,
  versionSchema,
} from '@wharf/shared';
import { z } from 'zod';
import { PlanValidationError } from './errors.js';

export const sshTargetPlanSchema = sshTargetConfigSchema.extend({
  id: z.string().min(1),
  name: targetNameSchema,
  /** `SHA256:...` host key fingerprint approved for this target. */
  pinnedHostKey: sshFingerprintSchema,
  credential: z.object({ privateKey: z.string().min(1), passphrase: z.string().optional() }),
  /** This target's overrides of the environment variables (plain, then secret). */
  env: variableMapSchema.default({}),
  secretEnv: variableMapSchema.default({}),
});

export const sshDeploySettingsSchema = deploySettingsSchema.omit({ timeoutMinutes: true }).extend({
  /** Plain variables, visible in logs if a command prints them. */
  env: variableMapSchema,
  /** Secret variables: delivered via stdin, masked in every log line. */
  secretEnv: variableMapSchema,
  timeouts: z
    .object({
      /** TCP + SSH handshake + auth. Default 15 s. */
      connectMs: z.number().int().min(1).optional(),
      /** Any single remote command (install included). Default 10 min. */
      commandMs: z.number().int().min(1).optional(),
      /** Whole per-target run; the target fails with a timeout after this. Default none. */
      targetMs: z.number().int().min(1).optional(),
    })
    .optional(),
});

export const sshDeployPlanSchema = z.object({
  deploymentId: z.string().min(1),
  version: versionSchema,
  artifact: z.object({ path: z.string().min(1), sha256: sha256Schema }),
  targets: z
    .array(sshTargetPlanSchema)
    .min(1)
    .refine((ts) => new Set(ts.map((t) => t.id)).size === ts.length, 'target ids must be unique'),
  settings: sshDeploySettingsSchema,
});

/** Checks a plan and returns it with every default of the shared schemas filled in. */
export function validatePlan(plan: z.input<typeof sshDeployPlanSchema>): z.output<typeof sshDeployPlanSchema> {
  const r = sshDeployPlanSchema.safeParse(plan);
  if (!r.success) {
    throw new PlanValidationError(r.error.issues.map((i) => `${i.path.join('.') || '(plan)'}: ${i.message}`));
  }
  return r.data;
}
