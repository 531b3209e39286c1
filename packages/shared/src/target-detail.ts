// What a deployment shows per target beyond its state: a Kubernetes workload's rollout
// (replica counts, pods, the image it replaced) or a rolling restart's instances. Written by
// the worker as the executor reports, read by the deployment page.

export interface WorkloadReplicas {
  desired: number;
  updated: number;
  ready: number;
  available: number;
}

export interface WorkloadPodView {
  name: string;
  /** Pending, Running, Succeeded, Failed, Unknown. */
  phase: string;
  ready: boolean;
  /** A waiting or terminated reason (ImagePullBackOff, CrashLoopBackOff, Unschedulable...). */
  reason: string | null;
}

export interface KubernetesTargetDetail {
  kind: 'kubernetes';
  /** `Deployment/web in shop` */
  workload: string;
  /** The container's image before the release: what a failure, cancel or rollback puts back. */
  previousImage: string | null;
  /** What the release set. */
  image: string | null;
  replicas: WorkloadReplicas | null;
  pods: WorkloadPodView[];
  /**
   * Present once a failure, deadline or cancel starts putting the previous image back. While
   * it is `running`, replicas and pods are the restore's own rollout.
   */
  restore?: KubernetesRestoreView;
}

export interface KubernetesRestoreView {
  state: 'running' | 'succeeded' | 'failed';
  message: string;
  /** The image being put back; null when a restart is undone (the previous pod template). */
  image?: string | null;
}

export const INSTANCE_STATES = [
  'pending',
  'restarting',
  'waiting',
  'healthy',
  'failed',
  'skipped',
  'cancelled',
] as const;
export type InstanceStateName = (typeof INSTANCE_STATES)[number];

export interface RestartInstanceView {
  /** `<service id>@<address>:<port>` (Consul) or the host name (SSH). */
  instance: string;
  position: number;
  state: InstanceStateName;
  startedAt: string | null;
  finishedAt: string | null;
  polls: number;
  error: string | null;
}

export interface RollingRestartTargetDetail {
  kind: 'rolling-restart';
  instances: RestartInstanceView[];
}

export type TargetDetail = KubernetesTargetDetail | RollingRestartTargetDetail;
