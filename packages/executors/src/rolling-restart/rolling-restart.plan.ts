// The rolling-restart plan: the Consul target config the API validated (packages/shared),
// plus what exists only at run time: ids, the decrypted ACL token and the environment's
// restart secret. Whatever the API accepted, this executor runs.
import { consulTargetConfigSchema, deploySettingsSchema, targetNameSchema, versionSchema } from '@wharf/shared';
import { z } from 'zod';
import { PlanValidationError } from '../errors.js';

export const consulRestartTargetPlanSchema = consulTargetConfigSchema.extend({
  id: z.string().min(1),
  name: targetNameSchema,
  /** Decrypted ACL token (a credential of kind token); null when Consul runs without ACLs. */
  aclToken: z.string().min(1).nullable().default(null),
});

export const rollingRestartPlanSchema = z.object({
  deploymentId: z.string().min(1),
  /** The version being rolled out (the instances fetch it themselves when they start). */
  version: versionSchema,
  targets: z
    .array(consulRestartTargetPlanSchema)
    .min(1)
    .refine((ts) => new Set(ts.map((t) => t.id)).size === ts.length, 'target ids must be unique'),
  /** The environment's restart secret, sent as `Authorization: Bearer` to each instance. */
  restartSecret: z.string().min(16, 'restartSecret must be at least 16 characters'),
  settings: deploySettingsSchema.pick({ onFailure: true }).extend({
    /** Per HTTP call to Consul or an instance. Default 5 s. */
    requestTimeoutMs: z.number().int().min(100).max(60_000).default(5000),
  }),
});

export type RollingRestartPlan = z.input<typeof rollingRestartPlanSchema>;
export type ValidRollingRestartPlan = z.output<typeof rollingRestartPlanSchema>;
export type ValidConsulRestartTarget = z.output<typeof consulRestartTargetPlanSchema>;

export function validateRollingRestartPlan(plan: RollingRestartPlan): ValidRollingRestartPlan {
  const r = rollingRestartPlanSchema.safeParse(plan);
  if (!r.success) {
    throw new PlanValidationError(r.error.issues.map((i) => `${i.path.join('.') || '(plan)'}: ${i.message}`));
  }
  return r.data;
}
