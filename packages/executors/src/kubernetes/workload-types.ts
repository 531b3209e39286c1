// The parts of apps/v1 workloads, pods and events the executor reads. Typed reads
// (client-node models) and raw watch objects both have these field names.
import type { KubernetesWorkloadKind } from '@wharf/shared';

export interface WorkloadRef {
  namespace: string;
  kind: KubernetesWorkloadKind;
  name: string;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface ContainerSpec {
  name: string;
  image?: string;
}

export interface WorkloadObject {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    generation?: number;
    resourceVersion?: string;
    annotations?: Record<string, string>;
  };
  spec?: {
    replicas?: number;
    paused?: boolean;
    selector?: {
      matchLabels?: Record<string, string>;
      matchExpressions?: { key: string; operator: string; values?: string[] }[];
    };
    template?: {
      metadata?: { annotations?: Record<string, string>; labels?: Record<string, string> };
      spec?: { containers?: ContainerSpec[] };
    };
    updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } };
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    currentReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
    conditions?: Condition[];
    desiredNumberScheduled?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
    numberReady?: number;
  };
}

export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: object;
  terminated?: { exitCode?: number; reason?: string };
}

export interface PodObject {
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    uid?: string;
    resourceVersion?: string;
    deletionTimestamp?: unknown;
    ownerReferences?: { kind?: string; name?: string }[];
  };
  spec?: { containers?: ContainerSpec[]; nodeName?: string };
  status?: {
    phase?: string;
    conditions?: Condition[];
    containerStatuses?: {
      name: string;
      image?: string;
      ready?: boolean;
      restartCount?: number;
      state?: ContainerState;
      lastState?: ContainerState;
    }[];
  };
}

export interface EventObject {
  metadata?: { uid?: string; name?: string; namespace?: string; resourceVersion?: string };
  involvedObject?: { kind?: string; name?: string };
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
}

export interface ListOf<T> {
  items: T[];
  resourceVersion: string;
}

export const PLURAL: Record<KubernetesWorkloadKind, string> = {
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
};

/** `deployment/web` as kubectl names it. */
export function refLabel(ref: WorkloadRef): string {
  return `${ref.kind.toLowerCase()}/${ref.name}`;
}

/** The workload's spec.selector as a labelSelector query value. */
export function selectorString(w: WorkloadObject): string {
  const sel = w.spec?.selector ?? {};
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const r of sel.matchExpressions ?? []) {
    if (r.operator === 'Exists') parts.push(r.key);
    else if (r.operator === 'DoesNotExist') parts.push(`!${r.key}`);
    else parts.push(`${r.key} ${r.operator.toLowerCase()} (${(r.values ?? []).join(',')})`);
  }
  return parts.join(',');
}

export type LabelSelector = NonNullable<NonNullable<WorkloadObject['spec']>['selector']>;

/** Whether labels match a workload's spec.selector, as the API server decides for a labelSelector. */
export function matchesSelector(sel: LabelSelector, labels: Record<string, string> = {}): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const r of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const inValues = has && (r.values ?? []).includes(labels[r.key]!);
    const ok =
      r.operator === 'In'
        ? inValues
        : r.operator === 'NotIn'
          ? !inValues
          : r.operator === 'Exists'
            ? has
            : r.operator === 'DoesNotExist'
              ? !has
              : false;
    if (!ok) return false;
  }
  return true;
}
