// The Kubernetes executor's plan, composed from the schemas the API validates with
// (@wharf/shared: workload, release image, release settings, batch size / on failure) plus
// what exists only at run time: ids and the decrypted cluster access.
import {
  deploySettingsSchema,
  kubernetesReleaseSettingsSchema,
  kubernetesWorkloadSchema,
  releaseImageSchema,
  targetNameSchema,
  versionSchema,
} from '@wharf/shared';
import { z } from 'zod';
import { PlanValidationError } from '../errors.js';
import { clusterAccessSchema } from './cluster-access.js';

export const kubernetesTargetPlanSchema = z.object({
  id: z.string().min(1),
  name: targetNameSchema,
  workload: kubernetesWorkloadSchema,
  /** Built by the worker from the target's credential (see clusterAccessFromKubeconfig). */
  cluster: clusterAccessSchema,
});

export const kubernetesReleasePlanSchema = z
  .object({
    deploymentId: z.string().min(1),
    version: versionSchema,
    /** The version's image; not used in restart mode. */
    image: releaseImageSchema.optional(),
    targets: z
      .array(kubernetesTargetPlanSchema)
      .min(1)
      .refine((ts) => new Set(ts.map((t) => t.id)).size === ts.length, 'target ids must be unique'),
    settings: z.object({
      batchSize: deploySettingsSchema.shape.batchSize,
      onFailure: deploySettingsSchema.shape.onFailure,
      kubernetes: kubernetesReleaseSettingsSchema.prefault({}),
    }),
  })
  .refine((p) => p.settings.kubernetes.mode === 'restart' || p.image !== undefined, {
    message: 'image is required unless settings.kubernetes.mode is "restart"',
    path: ['image'],
  });

export type KubernetesReleasePlan = z.input<typeof kubernetesReleasePlanSchema>;
export type ValidKubernetesReleasePlan = z.output<typeof kubernetesReleasePlanSchema>;
export type KubernetesTargetPlan = z.output<typeof kubernetesTargetPlanSchema>;

/** Checks a plan and fills in the shared schemas' defaults; never echoes a credential. */
export function validateKubernetesPlan(plan: KubernetesReleasePlan): ValidKubernetesReleasePlan {
  const r = kubernetesReleasePlanSchema.safeParse(plan);
  if (!r.success) {
    throw new PlanValidationError(r.error.issues.map((i) => `${i.path.join('.') || '(plan)'}: ${i.message}`));
  }
  return r.data;
}
