export { runKubernetesRelease, RESTARTED_AT } from './kubernetes.executor.js';
export type { KubernetesReleaseResult, KubernetesTargetResult } from './kubernetes.executor.js';
export {
  validateKubernetesPlan,
  kubernetesReleasePlanSchema,
  kubernetesTargetPlanSchema,
} from './kubernetes-plan.schema.js';
export type {
  KubernetesReleasePlan,
  ValidKubernetesReleasePlan,
  KubernetesTargetPlan,
} from './kubernetes-plan.schema.js';
export { testKubernetesConnection } from './kubernetes-preflight.js';
export type { KubernetesPreflightInput } from './kubernetes-preflight.js';
export { clusterAccessSchema, clusterAccessFromKubeconfig, kubeConfigFor, KubeconfigError } from './cluster-access.js';
export type { ClusterAccess } from './cluster-access.js';
export { KubeApiError } from './kube-api-error.js';
export { rolloutStatus } from './rollout-status.js';
export type { RolloutStatus } from './rollout-status.js';
