// Kubernetes releases: which workload a target rolls out, how an environment releases to
// Kubernetes, and what "Test connection" checks. The executor's plan is composed from these.
import { z } from 'zod';
import { imageDigestSchema, imageReferenceSchema, splitImageReference } from './validators.js';

export const KUBERNETES_WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'] as const;
export const kubernetesWorkloadKindSchema = z.enum(KUBERNETES_WORKLOAD_KINDS);
export type KubernetesWorkloadKind = z.infer<typeof kubernetesWorkloadKindSchema>;

const dnsLabel = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const dnsSubdomain = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** An image repository without tag or digest: registry.example.com/group/app */
export const imageRepositorySchema = z
  .string()
  .max(255)
  .regex(
    /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/,
    'imageRepository must look like registry.example.com/group/app (no tag)',
  );

/** The one container of one workload a Kubernetes target releases to. */
export const kubernetesWorkloadSchema = z.object({
  namespace: z.string().regex(dnsLabel, 'namespace must be a DNS label'),
  kind: kubernetesWorkloadKindSchema.default('Deployment'),
  name: z.string().regex(dnsSubdomain, 'workload name must be a DNS subdomain'),
  container: z.string().regex(dnsLabel, 'container must be a DNS label'),
  /** When set, a release refuses images from any other repository. */
  imageRepository: imageRepositorySchema.optional(),
});
export type KubernetesWorkload = z.infer<typeof kubernetesWorkloadSchema>;

/**
 * A version's image: `repo:tag`, and its digest when the registry reported one; an image
 * registered by digest alone is `repo` plus the digest.
 */
export const releaseImageSchema = z
  .object({
    ref: imageReferenceSchema.refine((r) => !r.includes('@'), 'ref holds no digest: it goes in digest'),
    digest: imageDigestSchema.optional(),
  })
  .refine((i) => i.digest !== undefined || splitImageReference(i.ref).tag !== undefined, {
    message: 'an image without a tag needs a digest',
    path: ['ref'],
  });
export type ReleaseImage = z.infer<typeof releaseImageSchema>;

/** The repository part of `repo:tag` or `repo@sha256:...` (a registry port stays). */
export function imageRepositoryOf(image: string): string {
  const noDigest = image.split('@')[0]!;
  const lastSlash = noDigest.lastIndexOf('/');
  const colon = noDigest.indexOf(':', lastSlash + 1);
  return colon === -1 ? noDigest : noDigest.slice(0, colon);
}

/** What a release sets: pinned by digest when there is one, else the tag. */
export function imageToDeploy(image: ReleaseImage): string {
  return image.digest ? `${imageRepositoryOf(image.ref)}@${image.digest}` : image.ref;
}

/**
 * `image`: set the container's image to the version's image. `restart`: keep the image
 * (a moving tag such as `:dev` with imagePullPolicy Always) and restart the pods the way
 * `kubectl rollout restart` does.
 */
export const KUBERNETES_RELEASE_MODES = ['image', 'restart'] as const;
export const KUBERNETES_ROLLOUT_TIMEOUT_MAX_SECONDS = 6 * 3600;

export const kubernetesReleaseSettingsSchema = z.object({
  mode: z.enum(KUBERNETES_RELEASE_MODES).default('image'),
  /** Wharf's own deadline per workload rollout (restores included); the Deployment's progressDeadlineSeconds also ends it. */
  rolloutTimeoutSeconds: z.number().int().min(5).max(KUBERNETES_ROLLOUT_TIMEOUT_MAX_SECONDS).default(600),
});
export type KubernetesReleaseSettings = z.infer<typeof kubernetesReleaseSettingsSchema>;

/** "Test connection" of a Kubernetes target: the checks, in order. */
export const KUBERNETES_PREFLIGHT_CHECKS = ['reachable', 'authenticated', 'workload', 'patch', 'observe'] as const;
export type KubernetesPreflightCheckName = (typeof KUBERNETES_PREFLIGHT_CHECKS)[number];

export interface KubernetesPreflightCheckView {
  name: KubernetesPreflightCheckName;
  status: 'passed' | 'failed' | 'skipped';
  /** What was found, in English; names the missing permission (never a secret). */
  message: string;
}

export interface KubernetesPreflightView {
  ok: boolean;
  checks: KubernetesPreflightCheckView[];
  /** The container's image and the workload's replica counts now; null when it could not be read. */
  currentImage: string | null;
  replicas: { desired: number; ready: number; updated: number; available: number } | null;
  serverVersion: string | null;
}

/** "Test connection" of a Kubernetes target, as the API answers it. */
export interface KubernetesTargetPreflightView extends KubernetesPreflightView {
  targetId: string;
  /** `Deployment/web in shop` */
  workload: string;
}
