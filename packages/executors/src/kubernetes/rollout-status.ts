// When is a rollout done? Exactly what `kubectl rollout status` decides: a port of
// kubectl's DeploymentStatusViewer, StatefulSetStatusViewer and DaemonSetStatusViewer
// (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go), messages included.
import type { KubernetesWorkloadKind, WorkloadReplicas } from '@wharf/shared';
import type { WorkloadObject } from './workload-types.js';

export interface RolloutStatus {
  done: boolean;
  message: string;
  /** The rollout cannot finish (progress deadline exceeded, unsupported strategy). */
  error?: string;
}

export function rolloutStatus(kind: KubernetesWorkloadKind, w: WorkloadObject): RolloutStatus {
  switch (kind) {
    case 'Deployment':
      return deploymentStatus(w);
    case 'StatefulSet':
      return statefulSetStatus(w);
    case 'DaemonSet':
      return daemonSetStatus(w);
  }
}

function deploymentStatus(d: WorkloadObject): RolloutStatus {
  const name = d.metadata?.name ?? '';
  const s = d.status ?? {};
  if ((d.metadata?.generation ?? 0) <= (s.observedGeneration ?? 0)) {
    const cond = s.conditions?.find((c) => c.type === 'Progressing');
    if (cond?.reason === 'ProgressDeadlineExceeded') {
      return { done: false, message: '', error: `deployment "${name}" exceeded its progress deadline` };
    }
    const desired = d.spec?.replicas;
    const updated = s.updatedReplicas ?? 0;
    if (desired !== undefined && updated < desired) {
      return {
        done: false,
        message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${desired} new replicas have been updated...`,
      };
    }
    if ((s.replicas ?? 0) > updated) {
      return {
        done: false,
        message: `Waiting for deployment "${name}" rollout to finish: ${(s.replicas ?? 0) - updated} old replicas are pending termination...`,
      };
    }
    if ((s.availableReplicas ?? 0) < updated) {
      return {
        done: false,
        message: `Waiting for deployment "${name}" rollout to finish: ${s.availableReplicas ?? 0} of ${updated} updated replicas are available...`,
      };
    }
    return { done: true, message: `deployment "${name}" successfully rolled out` };
  }
  return { done: false, message: 'Waiting for deployment spec update to be observed...' };
}

function statefulSetStatus(sts: WorkloadObject): RolloutStatus {
  const s = sts.status ?? {};
  const strategy = sts.spec?.updateStrategy;
  if ((strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') {
    return { done: true, message: '', error: 'rollout status is only available for RollingUpdate strategy type' };
  }
  if (!s.observedGeneration || (sts.metadata?.generation ?? 0) > s.observedGeneration) {
    return { done: false, message: 'Waiting for statefulset spec update to be observed...' };
  }
  const replicas = sts.spec?.replicas;
  if (replicas !== undefined && (s.readyReplicas ?? 0) < replicas) {
    return { done: false, message: `Waiting for ${replicas - (s.readyReplicas ?? 0)} pods to be ready...` };
  }
  if (strategy?.rollingUpdate) {
    const partition = strategy.rollingUpdate.partition;
    if (replicas !== undefined && partition !== undefined && (s.updatedReplicas ?? 0) < replicas - partition) {
      return {
        done: false,
        message: `Waiting for partitioned roll out to finish: ${s.updatedReplicas ?? 0} out of ${replicas - partition} new pods have been updated...`,
      };
    }
    return {
      done: true,
      message: `partitioned roll out complete: ${s.updatedReplicas ?? 0} new pods have been updated...`,
    };
  }
  if (s.updateRevision !== s.currentRevision) {
    return {
      done: false,
      message: `waiting for statefulset rolling update to complete ${s.updatedReplicas ?? 0} pods at revision ${s.updateRevision ?? ''}...`,
    };
  }
  return {
    done: true,
    message: `statefulset rolling update complete ${s.currentReplicas ?? 0} pods at revision ${s.currentRevision ?? ''}...`,
  };
}

function daemonSetStatus(ds: WorkloadObject): RolloutStatus {
  const name = ds.metadata?.name ?? '';
  const s = ds.status ?? {};
  if ((ds.spec?.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') {
    return { done: true, message: '', error: 'rollout status is only available for RollingUpdate strategy type' };
  }
  if ((ds.metadata?.generation ?? 0) <= (s.observedGeneration ?? 0)) {
    const desired = s.desiredNumberScheduled ?? 0;
    if ((s.updatedNumberScheduled ?? 0) < desired) {
      return {
        done: false,
        message: `Waiting for daemon set "${name}" rollout to finish: ${s.updatedNumberScheduled ?? 0} out of ${desired} new pods have been updated...`,
      };
    }
    if ((s.numberAvailable ?? 0) < desired) {
      return {
        done: false,
        message: `Waiting for daemon set "${name}" rollout to finish: ${s.numberAvailable ?? 0} of ${desired} updated pods are available...`,
      };
    }
    return { done: true, message: `daemon set "${name}" successfully rolled out` };
  }
  return { done: false, message: 'Waiting for daemon set spec update to be observed...' };
}

/** Replica counts worth a log line when they change. */
export function replicaSummary(kind: KubernetesWorkloadKind, w: WorkloadObject): string {
  const s = w.status ?? {};
  switch (kind) {
    case 'Deployment': {
      const old = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
      return `${w.spec?.replicas ?? 0} desired, ${s.updatedReplicas ?? 0} updated, ${s.readyReplicas ?? 0} ready, ${s.availableReplicas ?? 0} available${old > 0 ? `, ${old} old` : ''}`;
    }
    case 'StatefulSet':
      return `${w.spec?.replicas ?? 0} desired, ${s.updatedReplicas ?? 0} updated, ${s.readyReplicas ?? 0} ready, ${s.currentReplicas ?? 0} at the current revision`;
    case 'DaemonSet':
      return `${s.desiredNumberScheduled ?? 0} desired, ${s.updatedNumberScheduled ?? 0} updated, ${s.numberReady ?? 0} ready, ${s.numberAvailable ?? 0} available`;
  }
}

/** Desired/updated/ready/available as the deployment page and Test connection show them. */
export function replicaCounts(kind: KubernetesWorkloadKind, w: WorkloadObject): WorkloadReplicas {
  const s = w.status ?? {};
  if (kind === 'DaemonSet') {
    return {
      desired: s.desiredNumberScheduled ?? 0,
      updated: s.updatedNumberScheduled ?? 0,
      ready: s.numberReady ?? 0,
      available: s.numberAvailable ?? 0,
    };
  }
  return {
    desired: w.spec?.replicas ?? 0,
    updated: s.updatedReplicas ?? 0,
    ready: s.readyReplicas ?? 0,
    available: s.availableReplicas ?? s.readyReplicas ?? 0,
  };
}
