// The simulator's kube-controller-manager and kubelet in one loop: Deployments roll
// ReplicaSets (maxSurge / maxUnavailable, revisions, progress deadline), ReplicaSets,
// StatefulSets and DaemonSets keep their pods, and pods walk through their phases on a
// timer. What an image does (start fine, never get ready, crash-loop, fail to pull, not
// schedule) is scripted per image, so tests can stage every rollout outcome.
import type {
  Condition,
  ContainerStatus,
  DaemonSet,
  Deployment,
  KubeEvent,
  KubeObject,
  OwnerReference,
  Pod,
  PodTemplateSpec,
  ReplicaSet,
  StatefulSet,
} from './k8s-types.js';
import { nowIso, type ObjectStore } from './store.js';
import {
  CONTROLLER_REVISION_HASH,
  equalIgnoreHash,
  POD_TEMPLATE_HASH,
  randomSuffix,
  resolveFenceposts,
  REVISION_ANNOTATION,
  scaledValue,
  templateHash,
} from './workload-math.js';

/** What a container running this image does. Unknown images behave as `ok`. */
export type ImageBehavior =
  | { kind: 'ok'; logLines?: string[] }
  | { kind: 'never-ready'; logLines?: string[] }
  | { kind: 'crash-loop'; logLines: string[]; exitCode?: number }
  | { kind: 'pull-error' }
  | { kind: 'unschedulable' };

export interface SimTiming {
  /** Controller loop period. */
  tickMs: number;
  /** Scheduled → container started (image pull, create). */
  podStartMs: number;
  /** Started → Ready (readiness probe passes). */
  podReadyMs: number;
  /** Deleted → gone (graceful termination). */
  podTerminateMs: number;
  /** How long a crash-looping container runs, and how long its back-off lasts. */
  crashLoopMs: number;
}

export const DEFAULT_TIMING: SimTiming = {
  tickMs: 40,
  podStartMs: 150,
  podReadyMs: 150,
  podTerminateMs: 100,
  crashLoopMs: 150,
};

type Stage = 'creating' | 'pull-error' | 'pull-backoff' | 'running' | 'crashed';

interface ContainerRuntime {
  image: string;
  behavior: ImageBehavior;
  stage: Stage;
  since: number;
  ready: boolean;
  restarts: number;
  startedAt?: string;
  lastTerminated?: { exitCode: number; startedAt: string; finishedAt: string };
  currentLog: string[];
  previousLog: string[] | null;
  lastWarnAt: number;
}

interface PodRuntime {
  createdAt: number;
  node: string;
  containers: Map<string, ContainerRuntime>;
  terminatingSince?: number;
}

const DEPLOYMENT_SKIPPED_ANNOTATIONS = new Set([
  REVISION_ANNOTATION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'kubectl.kubernetes.io/last-applied-configuration',
]);

function ownerRef(o: KubeObject): OwnerReference {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata.name,
    uid: o.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

function controlledBy(o: KubeObject, owner: KubeObject): boolean {
  return (o.metadata.ownerReferences ?? []).some((r) => r.controller && r.uid === owner.metadata.uid);
}

function revisionOf(o: KubeObject): number {
  const v = Number(o.metadata.annotations?.[REVISION_ANNOTATION] ?? '0');
  return Number.isFinite(v) ? v : 0;
}

function isTerminating(p: Pod): boolean {
  return p.metadata.deletionTimestamp !== undefined;
}

function podReady(p: Pod): boolean {
  return (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function podRunningAndReady(p: Pod): boolean {
  return p.status.phase === 'Running' && podReady(p) && !isTerminating(p);
}

function byCreation<T extends KubeObject>(a: T, b: T): number {
  return (
    a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp) ||
    a.metadata.name.localeCompare(b.metadata.name)
  );
}

export class SimController {
  private readonly pods = new Map<string, PodRuntime>();
  private timer: NodeJS.Timeout | undefined;
  private nodeCursor = 0;
  /** Per deployment uid: when it last made progress (for progressDeadlineSeconds). */
  private readonly lastProgress = new Map<string, number>();
  /** Event name by (object, type, reason, message), so a repeat raises its count. */
  private readonly eventNames = new Map<string, string>();

  constructor(
    private readonly store: ObjectStore,
    private readonly opts: { timing: SimTiming; nodes: string[]; behaviorOf: (image: string) => ImageBehavior },
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), this.opts.timing.tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One pass of every controller. Public so a test can drive time by hand. */
  tick(): void {
    const now = Date.now();
    // Read-only snapshots (peek): the sync functions write only through the store.
    for (const d of this.store.peek<Deployment>('deployments')) this.syncDeployment(d, now);
    for (const rs of this.store.peek<ReplicaSet>('replicasets')) this.syncReplicaSet(rs);
    for (const s of this.store.peek<StatefulSet>('statefulsets')) this.syncStatefulSet(s);
    for (const ds of this.store.peek<DaemonSet>('daemonsets')) this.syncDaemonSet(ds);
    this.collectOrphans();
    for (const p of this.store.peek<Pod>('pods')) this.syncPod(p, now);
    for (const rs of this.store.peek<ReplicaSet>('replicasets')) this.syncReplicaSetStatus(rs);
    for (const d of this.store.peek<Deployment>('deployments')) this.syncDeploymentStatus(d, now);
    for (const s of this.store.peek<StatefulSet>('statefulsets')) this.syncStatefulSetStatus(s);
    for (const ds of this.store.peek<DaemonSet>('daemonsets')) this.syncDaemonSetStatus(ds);
  }

  // --- events ------------------------------------------------------------------------

  /** Records an Event like client-go's recorder: repeats of one message raise `count`. */
  recordEvent(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string): void {
    const ns = obj.metadata.namespace ?? 'default';
    const key = `${obj.metadata.uid}\u0000${type}\u0000${reason}\u0000${message}`;
    const known = this.eventNames.get(key);
    const existing = known ? this.store.get<KubeEvent>('events', ns, known) : undefined;
    const ts = nowIso();
    if (existing) {
      existing.count += 1;
      existing.lastTimestamp = ts;
      this.store.update('events', existing);
      return;
    }
    const name = `${obj.metadata.name}.${Date.now().toString(16)}${randomSuffix(4)}`;
    const ev: KubeEvent = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: ns, uid: '', resourceVersion: '', creationTimestamp: '' },
      involvedObject: {
        kind: obj.kind,
        namespace: ns,
        name: obj.metadata.name,
        uid: obj.metadata.uid,
        apiVersion: obj.apiVersion,
      },
      reason,
      message,
      source: { component },
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: '',
    };
    this.store.create('events', ev);
    this.eventNames.set(key, name);
  }

  // --- Deployments ---------------------------------------------------------------------

  private ownedReplicaSets(d: Deployment): ReplicaSet[] {
    return this.store
      .peek<ReplicaSet>('replicasets', d.metadata.namespace)
      .filter((rs) => controlledBy(rs, d))
      .map((rs) => structuredClone(rs))
      .sort(byCreation);
  }

  private syncDeployment(d: Deployment, now: number): void {
    if (d.metadata.deletionTimestamp) return;
    const all = this.ownedReplicaSets(d);
    let newRS = all.find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
    const old = all.filter((rs) => rs !== newRS);
    const maxOldRevision = Math.max(0, ...old.map(revisionOf));
    const desired = d.spec.replicas ?? 1;
    if (d.spec.paused) return;

    if (!newRS) {
      const hash = templateHash(d.spec.template);
      const template = structuredClone(d.spec.template);
      template.metadata = {
        ...template.metadata,
        labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH]: hash },
      };
      const annotations = this.annotationsForReplicaSet(d, maxOldRevision + 1, desired);
      newRS = this.store.create<ReplicaSet>('replicasets', {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${d.metadata.name}-${hash}`,
          namespace: d.metadata.namespace,
          uid: '',
          resourceVersion: '',
          creationTimestamp: '',
          labels: { ...d.spec.template.metadata?.labels, [POD_TEMPLATE_HASH]: hash },
          annotations,
          ownerReferences: [ownerRef(d)],
        },
        spec: {
          replicas: 0,
          minReadySeconds: d.spec.minReadySeconds ?? 0,
          selector: {
            ...d.spec.selector,
            matchLabels: { ...d.spec.selector.matchLabels, [POD_TEMPLATE_HASH]: hash },
          },
          template,
        },
        status: { replicas: 0 },
      });
      this.setProgressing(d, 'NewReplicaSetCreated', `Created new replica set "${newRS.metadata.name}"`, now);
    } else if (revisionOf(newRS) <= maxOldRevision) {
      // Rolling back to an older template: its ReplicaSet becomes the newest revision.
      const rs = newRS;
      const history = [rs.metadata.annotations?.['deployment.kubernetes.io/revision-history'], String(revisionOf(rs))]
        .filter((x) => x)
        .join(',');
      rs.metadata.annotations = {
        ...this.annotationsForReplicaSet(d, maxOldRevision + 1, desired),
        'deployment.kubernetes.io/revision-history': history,
      };
      newRS = this.store.update('replicasets', rs);
      this.setProgressing(d, 'FoundNewReplicaSet', `Found new replica set "${rs.metadata.name}"`, now);
    }

    const revision = String(revisionOf(newRS));
    if (d.metadata.annotations?.[REVISION_ANNOTATION] !== revision) {
      const fresh = this.store.get<Deployment>('deployments', d.metadata.namespace, d.metadata.name);
      if (fresh) {
        fresh.metadata.annotations = { ...fresh.metadata.annotations, [REVISION_ANNOTATION]: revision };
        this.store.update('deployments', fresh);
      }
    }

    if (d.spec.strategy?.type === 'Recreate') {
      this.rolloutRecreate(d, newRS, old, desired);
    } else {
      this.rolloutRolling(d, newRS, old, desired);
    }
    this.cleanupOldReplicaSets(d, old);
  }

  private annotationsForReplicaSet(d: Deployment, revision: number, desired: number): Record<string, string> {
    const { maxSurge } = resolveFenceposts(d.spec.strategy?.rollingUpdate, desired);
    const copied = Object.fromEntries(
      Object.entries(d.metadata.annotations ?? {}).filter(([k]) => !DEPLOYMENT_SKIPPED_ANNOTATIONS.has(k)),
    );
    return {
      ...copied,
      'deployment.kubernetes.io/desired-replicas': String(desired),
      'deployment.kubernetes.io/max-replicas': String(desired + maxSurge),
      [REVISION_ANNOTATION]: String(revision),
    };
  }

  private scaleReplicaSet(d: Deployment, rs: ReplicaSet, to: number): void {
    const from = rs.spec.replicas ?? 0;
    if (from === to) return;
    const fresh = this.store.get<ReplicaSet>('replicasets', rs.metadata.namespace, rs.metadata.name);
    if (!fresh) return;
    fresh.spec.replicas = to;
    this.store.update('replicasets', fresh);
    rs.spec.replicas = to;
    this.recordEvent(
      d,
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${to > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${to}`,
      'deployment-controller',
    );
  }

  private rolloutRolling(d: Deployment, newRS: ReplicaSet, old: ReplicaSet[], desired: number): void {
    const { maxSurge, maxUnavailable } = resolveFenceposts(d.spec.strategy?.rollingUpdate, desired);
    const specSum = (list: ReplicaSet[]) => list.reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0);
    // NewRSNewReplicas
    const newReplicas = newRS.spec.replicas ?? 0;
    if (newReplicas > desired) this.scaleReplicaSet(d, newRS, desired);
    else if (newReplicas < desired) {
      const current = specSum([newRS, ...old]);
      const maxTotal = desired + maxSurge;
      if (current < maxTotal) {
        this.scaleReplicaSet(d, newRS, newReplicas + Math.min(maxTotal - current, desired - newReplicas));
      }
    }
    // reconcileOldReplicaSets
    if (specSum(old) === 0) return;
    const minAvailable = desired - maxUnavailable;
    const newUnavailable = (newRS.spec.replicas ?? 0) - (newRS.status?.availableReplicas ?? 0);
    const maxScaledDown = specSum([newRS, ...old]) - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return;
    // cleanupUnhealthyReplicas: old pods that are not available go first, without waiting.
    let cleaned = 0;
    for (const rs of old) {
      if (cleaned >= maxScaledDown) break;
      const replicas = rs.spec.replicas ?? 0;
      const available = rs.status?.availableReplicas ?? 0;
      if (replicas === 0 || available >= replicas) continue;
      const n = Math.min(maxScaledDown - cleaned, replicas - available);
      this.scaleReplicaSet(d, rs, replicas - n);
      cleaned += n;
    }
    // scaleDownOldReplicaSetsForRollingUpdate
    const available = [newRS, ...old].reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0);
    if (available <= minAvailable) return;
    let toScale = available - minAvailable;
    for (const rs of old) {
      if (toScale <= 0) break;
      const replicas = rs.spec.replicas ?? 0;
      if (replicas === 0) continue;
      const n = Math.min(replicas, toScale);
      this.scaleReplicaSet(d, rs, replicas - n);
      toScale -= n;
    }
  }

  private rolloutRecreate(d: Deployment, newRS: ReplicaSet, old: ReplicaSet[], desired: number): void {
    for (const rs of old) if ((rs.spec.replicas ?? 0) > 0) this.scaleReplicaSet(d, rs, 0);
    const oldPodsLeft = this.store
      .list<Pod>('pods', d.metadata.namespace)
      .some((p) => old.some((rs) => controlledBy(p, rs)));
    if (!oldPodsLeft) this.scaleReplicaSet(d, newRS, desired);
  }

  private cleanupOldReplicaSets(d: Deployment, old: ReplicaSet[]): void {
    const limit = d.spec.revisionHistoryLimit ?? 10;
    const idle = old
      .filter((rs) => (rs.spec.replicas ?? 0) === 0 && (rs.status?.replicas ?? 0) === 0)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
      this.store.delete('replicasets', rs.metadata.namespace, rs.metadata.name);
    }
  }

  private setProgressing(d: Deployment, reason: string, message: string, now: number): void {
    this.lastProgress.set(d.metadata.uid, now);
    const fresh = this.store.get<Deployment>('deployments', d.metadata.namespace, d.metadata.name);
    if (!fresh) return;
    fresh.status = {
      ...fresh.status,
      conditions: upsertCondition(fresh.status?.conditions, 'Progressing', 'True', reason, message),
    };
    this.store.update('deployments', fresh);
  }

  private syncDeploymentStatus(d: Deployment, now: number): void {
    const all = this.ownedReplicaSets(d);
    const newRS = all.find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
    const desired = d.spec.replicas ?? 1;
    const sum = (f: (rs: ReplicaSet) => number) => all.reduce((n, rs) => n + f(rs), 0);
    const replicas = sum((rs) => rs.status?.replicas ?? 0);
    const updated = newRS?.status?.replicas ?? 0;
    const ready = sum((rs) => rs.status?.readyReplicas ?? 0);
    const available = sum((rs) => rs.status?.availableReplicas ?? 0);
    const specTotal = sum((rs) => rs.spec.replicas ?? 0);
    const prev = d.status ?? {};
    const { maxUnavailable } = resolveFenceposts(d.spec.strategy?.rollingUpdate, desired);

    let conditions = prev.conditions ?? [];
    conditions = upsertCondition(
      conditions,
      'Available',
      available >= desired - maxUnavailable ? 'True' : 'False',
      available >= desired - maxUnavailable ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
      available >= desired - maxUnavailable
        ? 'Deployment has minimum availability.'
        : 'Deployment does not have minimum availability.',
    );

    const rsName = newRS?.metadata.name ?? d.metadata.name;
    const complete =
      newRS !== undefined && updated === desired && replicas === updated && available === updated && !d.spec.paused;
    const oldReplicas = replicas - updated;
    const prevOld = (prev.replicas ?? 0) - (prev.updatedReplicas ?? 0);
    const progressed =
      updated > (prev.updatedReplicas ?? 0) ||
      oldReplicas < prevOld ||
      ready > (prev.readyReplicas ?? 0) ||
      available > (prev.availableReplicas ?? 0);
    const progressing = conditions.find((c) => c.type === 'Progressing');
    if (complete) {
      conditions = upsertCondition(
        conditions,
        'Progressing',
        'True',
        'NewReplicaSetAvailable',
        `ReplicaSet "${rsName}" has successfully progressed.`,
      );
      this.lastProgress.set(d.metadata.uid, now);
    } else if (progressed) {
      conditions = upsertCondition(
        conditions,
        'Progressing',
        'True',
        'ReplicaSetUpdated',
        `ReplicaSet "${rsName}" is progressing.`,
      );
      this.lastProgress.set(d.metadata.uid, now);
    } else if (
      d.spec.progressDeadlineSeconds !== undefined &&
      progressing?.reason !== 'ProgressDeadlineExceeded' &&
      now - (this.lastProgress.get(d.metadata.uid) ?? now) > d.spec.progressDeadlineSeconds * 1000
    ) {
      conditions = upsertCondition(
        conditions,
        'Progressing',
        'False',
        'ProgressDeadlineExceeded',
        `ReplicaSet "${rsName}" has timed out progressing.`,
      );
    }
    if (!this.lastProgress.has(d.metadata.uid)) this.lastProgress.set(d.metadata.uid, now);

    const status: Deployment['status'] = {
      observedGeneration: d.metadata.generation,
      replicas,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: available,
      ...(specTotal - available > 0 ? { unavailableReplicas: specTotal - available } : {}),
      conditions,
    };
    // Zero counts are left out, as the API server's omitempty does.
    if (status.readyReplicas === 0) delete status.readyReplicas;
    if (status.availableReplicas === 0) delete status.availableReplicas;
    if (status.updatedReplicas === 0) delete status.updatedReplicas;
    if (status.replicas === 0) delete status.replicas;
    this.writeStatus('deployments', d, status);
  }

  /** Stores a new status, only when it differs (no copies, no watch event otherwise). */
  private writeStatus(resource: string, o: KubeObject, status: unknown): void {
    if (JSON.stringify(o.status) === JSON.stringify(status)) return;
    const fresh = this.store.get<KubeObject>(resource, o.metadata.namespace, o.metadata.name);
    // Only what this pass saw: a spec change that came in meanwhile is observed next tick.
    if (!fresh || fresh.metadata.generation !== o.metadata.generation) return;
    fresh.status = status;
    this.store.update(resource, fresh);
  }

  // --- ReplicaSets ---------------------------------------------------------------------

  private ownedPods(owner: KubeObject): Pod[] {
    return this.store.peek<Pod>('pods', owner.metadata.namespace).filter((p) => controlledBy(p, owner));
  }

  private syncReplicaSet(rs: ReplicaSet): void {
    const active = this.ownedPods(rs).filter((p) => !isTerminating(p));
    const want = rs.spec.replicas ?? 1;
    if (active.length < want) {
      for (let i = active.length; i < want; i++) {
        const pod = this.createPod(rs, `${rs.metadata.name}-${randomSuffix()}`, rs.spec.template, {});
        this.recordEvent(
          rs,
          'Normal',
          'SuccessfulCreate',
          `Created pod: ${pod.metadata.name}`,
          'replicaset-controller',
        );
      }
    } else if (active.length > want) {
      // Pods that are not ready go first, then the newest (controller.ActivePods ranking).
      const ranked = [...active].sort(
        (a, b) =>
          Number(podReady(a)) - Number(podReady(b)) ||
          b.metadata.creationTimestamp.localeCompare(a.metadata.creationTimestamp),
      );
      for (const p of ranked.slice(0, active.length - want)) {
        this.deletePod(p.metadata.namespace!, p.metadata.name);
        this.recordEvent(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, 'replicaset-controller');
      }
    }
  }

  private syncReplicaSetStatus(rs: ReplicaSet): void {
    const active = this.ownedPods(rs).filter((p) => !isTerminating(p));
    const ready = active.filter(podReady).length;
    this.writeStatus('replicasets', rs, {
      replicas: active.length,
      fullyLabeledReplicas: active.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation ?? 1,
    });
  }

  // --- StatefulSets --------------------------------------------------------------------

  private syncStatefulSet(s: StatefulSet): void {
    const replicas = s.spec.replicas ?? 1;
    const updateRevision = `${s.metadata.name}-${templateHash(s.spec.template, CONTROLLER_REVISION_HASH)}`;
    const pods = this.ownedPods(s);
    const byOrdinal = new Map(pods.map((p) => [Number(p.metadata.name.slice(s.metadata.name.length + 1)), p]));
    const parallel = s.spec.podManagementPolicy === 'Parallel';
    // Create missing pods in order; OrderedReady waits for each to be Running and Ready.
    for (let i = 0; i < replicas; i++) {
      const p = byOrdinal.get(i);
      if (!p) {
        const name = `${s.metadata.name}-${i}`;
        this.createPod(s, name, s.spec.template, {
          [CONTROLLER_REVISION_HASH]: updateRevision,
          'statefulset.kubernetes.io/pod-name': name,
          'apps.kubernetes.io/pod-index': String(i),
        });
        this.recordEvent(
          s,
          'Normal',
          'SuccessfulCreate',
          `create Pod ${name} in StatefulSet ${s.metadata.name} successful`,
          'statefulset-controller',
        );
        if (!parallel) return;
        continue;
      }
      if (!parallel && !podRunningAndReady(p) && p.metadata.labels?.[CONTROLLER_REVISION_HASH] === updateRevision)
        return;
    }
    // Scale down from the highest ordinal.
    for (const [i, p] of byOrdinal) {
      if (i >= replicas && !isTerminating(p)) {
        this.deletePod(p.metadata.namespace!, p.metadata.name);
        this.recordEvent(
          s,
          'Normal',
          'SuccessfulDelete',
          `delete Pod ${p.metadata.name} in StatefulSet ${s.metadata.name} successful`,
          'statefulset-controller',
        );
        return;
      }
    }
    if (s.spec.updateStrategy?.type === 'OnDelete') return;
    const partition = s.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
    if (pods.some(isTerminating)) return;
    // Rolling update: the highest ordinal not at the update revision is replaced, one at a
    // time, once every other pod is healthy. (A real StatefulSet with OrderedReady also
    // waits on an unhealthy pod of a bad revision; the simulator replaces it, which is what
    // deleting that pod by hand does on a real cluster.)
    for (let i = replicas - 1; i >= partition; i--) {
      const p = byOrdinal.get(i);
      if (!p || p.metadata.labels?.[CONTROLLER_REVISION_HASH] === updateRevision) continue;
      const othersHealthy = [...byOrdinal].every(([j, q]) => j === i || j >= replicas || podRunningAndReady(q));
      if (!othersHealthy) return;
      this.deletePod(p.metadata.namespace!, p.metadata.name);
      this.recordEvent(
        s,
        'Normal',
        'SuccessfulDelete',
        `delete Pod ${p.metadata.name} in StatefulSet ${s.metadata.name} successful`,
        'statefulset-controller',
      );
      return;
    }
  }

  private syncStatefulSetStatus(s: StatefulSet): void {
    const replicas = s.spec.replicas ?? 1;
    const updateRevision = `${s.metadata.name}-${templateHash(s.spec.template, CONTROLLER_REVISION_HASH)}`;
    const pods = this.ownedPods(s).filter((p) => !isTerminating(p));
    const prevCurrent = s.status?.currentRevision ?? updateRevision;
    const updated = pods.filter((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH] === updateRevision).length;
    const ready = pods.filter(podReady).length;
    const done = updated === replicas && pods.length === replicas && ready === replicas;
    const currentRevision = done ? updateRevision : prevCurrent;
    this.writeStatus('statefulsets', s, {
      observedGeneration: s.metadata.generation ?? 1,
      replicas: pods.length,
      readyReplicas: ready,
      availableReplicas: ready,
      currentReplicas: pods.filter((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH] === currentRevision).length,
      updatedReplicas: updated,
      currentRevision,
      updateRevision,
      collisionCount: 0,
    });
  }

  // --- DaemonSets ----------------------------------------------------------------------

  private syncDaemonSet(ds: DaemonSet): void {
    const hash = templateHash(ds.spec.template, CONTROLLER_REVISION_HASH);
    const pods = this.ownedPods(ds);
    const nodes = this.opts.nodes;
    for (const node of nodes) {
      if (!pods.some((p) => p.spec.nodeName === node)) {
        const pod = this.createPod(
          ds,
          `${ds.metadata.name}-${randomSuffix()}`,
          ds.spec.template,
          { [CONTROLLER_REVISION_HASH]: hash },
          node,
        );
        this.recordEvent(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, 'daemonset-controller');
      }
    }
    if (ds.spec.updateStrategy?.type === 'OnDelete') return;
    const maxUnavailable = Math.max(
      1,
      scaledValue(ds.spec.updateStrategy?.rollingUpdate?.maxUnavailable, nodes.length, true, '1'),
    );
    const active = pods.filter((p) => !isTerminating(p));
    let unavailable = nodes.length - active.filter(podReady).length;
    const outdated = active.filter((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH] !== hash);
    // Outdated pods that are not available go first and do not count against the budget.
    for (const p of outdated.filter((q) => !podReady(q))) this.deleteDaemonPod(ds, p);
    for (const p of outdated.filter(podReady)) {
      if (unavailable >= maxUnavailable) break;
      this.deleteDaemonPod(ds, p);
      unavailable++;
    }
  }

  private deleteDaemonPod(ds: DaemonSet, p: Pod): void {
    this.deletePod(p.metadata.namespace!, p.metadata.name);
    this.recordEvent(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, 'daemonset-controller');
  }

  private syncDaemonSetStatus(ds: DaemonSet): void {
    const hash = templateHash(ds.spec.template, CONTROLLER_REVISION_HASH);
    const pods = this.ownedPods(ds).filter((p) => !isTerminating(p));
    const desired = this.opts.nodes.length;
    const ready = pods.filter(podReady).length;
    this.writeStatus('daemonsets', ds, {
      currentNumberScheduled: new Set(pods.map((p) => p.spec.nodeName)).size,
      numberMisscheduled: 0,
      desiredNumberScheduled: desired,
      numberReady: ready,
      observedGeneration: ds.metadata.generation ?? 1,
      updatedNumberScheduled: pods.filter((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH] === hash).length,
      numberAvailable: ready,
      ...(desired - ready > 0 ? { numberUnavailable: desired - ready } : {}),
    });
  }

  // --- garbage collection ----------------------------------------------------------------

  private collectOrphans(): void {
    const exists = (ref: OwnerReference, ns: string | undefined): boolean => {
      const resource = {
        Deployment: 'deployments',
        ReplicaSet: 'replicasets',
        StatefulSet: 'statefulsets',
        DaemonSet: 'daemonsets',
      }[ref.kind];
      if (!resource) return true;
      return this.store.peekOne(resource, ns, ref.name)?.metadata.uid === ref.uid;
    };
    for (const rs of this.store.peek<ReplicaSet>('replicasets')) {
      const ref = rs.metadata.ownerReferences?.find((r) => r.controller);
      if (ref && !exists(ref, rs.metadata.namespace))
        this.store.delete('replicasets', rs.metadata.namespace, rs.metadata.name);
    }
    for (const p of this.store.peek<Pod>('pods')) {
      const ref = p.metadata.ownerReferences?.find((r) => r.controller);
      if (ref && !isTerminating(p) && !exists(ref, p.metadata.namespace))
        this.deletePod(p.metadata.namespace!, p.metadata.name);
    }
  }

  // --- Pods (the kubelet part) -------------------------------------------------------------

  private createPod(
    owner: KubeObject,
    name: string,
    template: PodTemplateSpec,
    extraLabels: Record<string, string>,
    node?: string,
  ): Pod {
    const nodeName = node ?? this.opts.nodes[this.nodeCursor++ % this.opts.nodes.length]!;
    const spec = structuredClone(template.spec);
    const unschedulable = spec.containers.some((c) => this.opts.behaviorOf(c.image ?? '').kind === 'unschedulable');
    if (!unschedulable) spec.nodeName = nodeName;
    const pod = this.store.create<Pod>('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: owner.metadata.namespace,
        uid: '',
        resourceVersion: '',
        creationTimestamp: '',
        labels: { ...template.metadata?.labels, ...extraLabels },
        ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
        ownerReferences: [ownerRef(owner)],
      },
      spec,
      status: { phase: 'Pending', qosClass: 'BestEffort' },
    });
    const runtime: PodRuntime = { createdAt: Date.now(), node: nodeName, containers: new Map() };
    for (const c of spec.containers) {
      const image = c.image ?? '';
      runtime.containers.set(c.name, {
        image,
        behavior: this.opts.behaviorOf(image),
        stage: 'creating',
        since: Date.now(),
        ready: false,
        restarts: 0,
        currentLog: [],
        previousLog: null,
        lastWarnAt: 0,
      });
    }
    this.pods.set(pod.metadata.uid, runtime);
    if (unschedulable) {
      this.recordEvent(
        pod,
        'Warning',
        'FailedScheduling',
        `0/${this.opts.nodes.length} nodes are available: ${this.opts.nodes.length} Insufficient cpu. preemption: 0/${this.opts.nodes.length} nodes are available: ${this.opts.nodes.length} No preemption victims found for incoming pod.`,
        'default-scheduler',
      );
    } else {
      this.recordEvent(
        pod,
        'Normal',
        'Scheduled',
        `Successfully assigned ${pod.metadata.namespace}/${name} to ${nodeName}`,
        'default-scheduler',
      );
    }
    return pod;
  }

  /** Starts graceful deletion (what DELETE on a pod does); the pod goes after podTerminateMs. */
  deletePod(namespace: string, name: string): Pod | undefined {
    const p = this.store.get<Pod>('pods', namespace, name);
    if (!p) return undefined;
    if (isTerminating(p)) return p;
    p.metadata.deletionTimestamp = nowIso();
    (p.metadata as unknown as Record<string, unknown>).deletionGracePeriodSeconds = 30;
    const rt = this.pods.get(p.metadata.uid);
    if (rt) rt.terminatingSince = Date.now();
    for (const c of p.spec.containers) {
      if (rt?.containers.get(c.name)?.stage === 'running') {
        this.recordEvent(p, 'Normal', 'Killing', `Stopping container ${c.name}`, 'kubelet');
      }
    }
    return this.store.update('pods', p);
  }

  /** Log lines of a container (`previous`: of its last terminated run), or undefined if none. */
  podLog(pod: Pod, container: string, previous: boolean): string[] | undefined {
    const c = this.pods.get(pod.metadata.uid)?.containers.get(container);
    if (!c) return undefined;
    if (previous) return c.previousLog ?? undefined;
    return c.stage === 'running' || c.stage === 'crashed' ? c.currentLog : undefined;
  }

  private syncPod(p: Pod, now: number): void {
    const rt = this.pods.get(p.metadata.uid);
    if (!rt) return;
    const t = this.opts.timing;
    if (rt.terminatingSince !== undefined) {
      if (now - rt.terminatingSince >= t.podTerminateMs) {
        this.store.delete('pods', p.metadata.namespace, p.metadata.name);
        this.pods.delete(p.metadata.uid);
      }
      return;
    }
    const unschedulable = p.spec.nodeName === undefined;
    for (const c of rt.containers.values()) {
      if (unschedulable) break;
      this.stepContainer(p, c, now);
    }
    this.writePodStatus(p, rt, unschedulable);
  }

  private stepContainer(p: Pod, c: ContainerRuntime, now: number): void {
    const t = this.opts.timing;
    // Looked up on every step, so a test can change what an image does while pods run it.
    c.behavior = this.opts.behaviorOf(c.image);
    const b = c.behavior;
    const name = [...(this.pods.get(p.metadata.uid)?.containers.entries() ?? [])].find(([, v]) => v === c)?.[0] ?? '';
    const elapsed = now - c.since;
    switch (c.stage) {
      case 'creating':
        if (elapsed < t.podStartMs) return;
        this.recordEvent(p, 'Normal', 'Pulling', `Pulling image "${c.image}"`, 'kubelet');
        if (b.kind === 'pull-error') {
          c.stage = 'pull-error';
          c.since = now;
          this.recordEvent(
            p,
            'Warning',
            'Failed',
            `Failed to pull image "${c.image}": rpc error: code = NotFound desc = failed to pull and unpack image "${c.image}": not found`,
            'kubelet',
          );
          this.recordEvent(p, 'Warning', 'Failed', 'Error: ErrImagePull', 'kubelet');
          return;
        }
        this.recordEvent(p, 'Normal', 'Pulled', `Successfully pulled image "${c.image}"`, 'kubelet');
        this.startContainer(p, c, name, now);
        return;
      case 'pull-error':
        if (elapsed < t.podStartMs) return;
        c.stage = 'pull-backoff';
        c.since = now;
        this.recordEvent(p, 'Normal', 'BackOff', `Back-off pulling image "${c.image}"`, 'kubelet');
        this.recordEvent(p, 'Warning', 'Failed', 'Error: ImagePullBackOff', 'kubelet');
        return;
      case 'pull-backoff':
        if (b.kind !== 'pull-error') this.startContainer(p, c, name, now);
        return;
      case 'running':
        if (b.kind === 'ok' && !c.ready && elapsed >= t.podReadyMs) c.ready = true;
        if (b.kind === 'never-ready' && elapsed >= t.podReadyMs && now - c.lastWarnAt >= 1000) {
          c.lastWarnAt = now;
          this.recordEvent(
            p,
            'Warning',
            'Unhealthy',
            'Readiness probe failed: HTTP probe failed with statuscode: 503',
            'kubelet',
          );
        }
        if (b.kind === 'crash-loop' && elapsed >= t.crashLoopMs) {
          c.stage = 'crashed';
          c.since = now;
          c.restarts += 1;
          c.lastTerminated = { exitCode: b.exitCode ?? 1, startedAt: c.startedAt ?? nowIso(), finishedAt: nowIso() };
          c.previousLog = c.currentLog;
          this.recordEvent(
            p,
            'Warning',
            'BackOff',
            `Back-off restarting failed container ${name} in pod ${p.metadata.name}_${p.metadata.namespace}(${p.metadata.uid})`,
            'kubelet',
          );
        }
        return;
      case 'crashed':
        if (elapsed >= t.crashLoopMs) this.startContainer(p, c, name, now);
        return;
    }
  }

  private startContainer(p: Pod, c: ContainerRuntime, name: string, now: number): void {
    c.stage = 'running';
    c.since = now;
    c.startedAt = nowIso();
    const b = c.behavior;
    c.currentLog = 'logLines' in b && b.logLines ? [...b.logLines] : [`${name}: listening on :8080 (${c.image})`];
    this.recordEvent(p, 'Normal', 'Created', `Created container ${name}`, 'kubelet');
    this.recordEvent(p, 'Normal', 'Started', `Started container ${name}`, 'kubelet');
  }

  private writePodStatus(p: Pod, rt: PodRuntime, unschedulable: boolean): void {
    const statuses: ContainerStatus[] = [];
    let allStarted = true;
    let allReady = true;
    for (const [name, c] of rt.containers) {
      const base = {
        name,
        image: c.image,
        imageID:
          c.stage === 'running' || c.stage === 'crashed' ? `${c.image.split('@')[0]}@sha256:${'0'.repeat(64)}` : '',
        ready: c.ready,
        restartCount: c.restarts,
        started: c.stage === 'running',
        lastState: c.lastTerminated ? { terminated: { ...c.lastTerminated, reason: 'Error' } } : {},
        ...(c.stage === 'running' || c.stage === 'crashed'
          ? { containerID: `containerd://${p.metadata.uid.replace(/-/g, '')}` }
          : {}),
      };
      let state: ContainerStatus['state'];
      switch (c.stage) {
        case 'creating':
          state = { waiting: { reason: 'ContainerCreating' } };
          break;
        case 'pull-error':
          state = {
            waiting: { reason: 'ErrImagePull', message: `failed to pull and unpack image "${c.image}": not found` },
          };
          break;
        case 'pull-backoff':
          state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` } };
          break;
        case 'running':
          state = { running: { startedAt: c.startedAt ?? nowIso() } };
          break;
        case 'crashed':
          state = {
            waiting: {
              reason: 'CrashLoopBackOff',
              message: `back-off 10s restarting failed container=${name} pod=${p.metadata.name}_${p.metadata.namespace}(${p.metadata.uid})`,
            },
          };
          break;
      }
      if (c.stage !== 'running' && c.stage !== 'crashed') allStarted = false;
      if (!c.ready) allReady = false;
      statuses.push({ ...base, state });
    }
    if (p.metadata.deletionTimestamp) return;
    const ts = p.metadata.creationTimestamp;
    let conditions: Condition[] | undefined = p.status.conditions;
    let status: Pod['status'];
    if (unschedulable) {
      conditions = upsertCondition(
        conditions,
        'PodScheduled',
        'False',
        'Unschedulable',
        `0/${this.opts.nodes.length} nodes are available: ${this.opts.nodes.length} Insufficient cpu.`,
        ts,
      );
      status = { phase: 'Pending', conditions, qosClass: 'BestEffort' };
    } else {
      const ready = allStarted && allReady;
      conditions = upsertCondition(
        conditions,
        'PodReadyToStartContainers',
        allStarted ? 'True' : 'False',
        undefined,
        undefined,
        ts,
      );
      conditions = upsertCondition(conditions, 'Initialized', 'True', undefined, undefined, ts);
      conditions = upsertCondition(
        conditions,
        'Ready',
        ready ? 'True' : 'False',
        ready ? undefined : 'ContainersNotReady',
        ready
          ? undefined
          : `containers with unready status: [${statuses
              .filter((s) => !s.ready)
              .map((s) => s.name)
              .join(' ')}]`,
        ts,
      );
      conditions = upsertCondition(
        conditions,
        'ContainersReady',
        ready ? 'True' : 'False',
        ready ? undefined : 'ContainersNotReady',
        ready
          ? undefined
          : `containers with unready status: [${statuses
              .filter((s) => !s.ready)
              .map((s) => s.name)
              .join(' ')}]`,
        ts,
      );
      conditions = upsertCondition(conditions, 'PodScheduled', 'True', undefined, undefined, ts);
      status = {
        phase: allStarted ? 'Running' : 'Pending',
        conditions,
        hostIP: '127.0.0.1',
        ...(allStarted ? { podIP: '127.0.0.1' } : {}),
        startTime: ts,
        containerStatuses: statuses,
        qosClass: 'BestEffort',
      };
    }
    this.writeStatus('pods', p, status);
  }
}

/** Sets a condition; its transition time moves only when the status changes. */
function upsertCondition(
  list: Condition[] | undefined,
  type: string,
  status: Condition['status'],
  reason?: string,
  message?: string,
  transitionAt?: string,
): Condition[] {
  const out = [...(list ?? [])];
  const i = out.findIndex((c) => c.type === type);
  const prev = i >= 0 ? out[i] : undefined;
  const ts = nowIso();
  const isWorkload = reason !== undefined && transitionAt === undefined;
  const next: Condition = {
    type,
    status,
    ...(isWorkload
      ? {
          lastUpdateTime:
            prev?.status === status && prev.reason === reason && prev.message === message
              ? (prev.lastUpdateTime ?? ts)
              : ts,
        }
      : {}),
    ...(transitionAt === undefined ? {} : { lastProbeTime: null }),
    lastTransitionTime:
      prev?.status === status
        ? (prev.lastTransitionTime ?? transitionAt ?? ts)
        : transitionAt && !prev
          ? transitionAt
          : ts,
    ...(reason !== undefined ? { reason } : {}),
    ...(message !== undefined ? { message } : {}),
  };
  if (i >= 0) out[i] = next;
  else out.push(next);
  return out;
}
