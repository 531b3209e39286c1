// What the deployment page shows per workload while it rolls out: the image it replaced and
// the one it gets, replica counts, the workload's pods (phase, ready, why one waits) and the
// restore when one ran. Fed by the same watches as the log; sent at most every
// `intervalMs` (a rollout of many pods changes many times a second), the last state always.
import type { KubernetesTargetDetail, KubernetesWorkloadKind, WorkloadPodView } from '@wharf/shared';
import type { WatchEventType } from './resilient-watch.js';
import { replicaCounts } from './rollout-status.js';
import type { PodObject, WorkloadObject } from './workload-types.js';

/** Four updates a second per workload at most. */
export const DETAIL_INTERVAL_MS = 250;
/** A DaemonSet on a large cluster has a pod per node; the page needs a sample, not all. */
const MAX_PODS = 100;

/** Where the rollout detail goes (the executor's `onTargetDetail`, bound to one target). */
export type DetailSink = (detail: KubernetesTargetDetail) => void;

/** The pod as the page shows it: phase, ready, and the reason it waits or stopped. */
export function podView(p: PodObject): WorkloadPodView {
  const statuses = p.status?.containerStatuses ?? [];
  const sched = p.status?.conditions?.find((c) => c.type === 'PodScheduled');
  const waiting = statuses.find((c) => c.state?.waiting?.reason)?.state?.waiting?.reason;
  const terminated = statuses.find((c) => c.state?.terminated?.reason)?.state?.terminated?.reason;
  const reason = p.metadata?.deletionTimestamp
    ? 'Terminating'
    : sched?.status === 'False'
      ? (sched.reason ?? 'Unschedulable')
      : (waiting ?? terminated ?? null);
  return {
    name: p.metadata?.name ?? '',
    phase: p.status?.phase ?? 'Pending',
    ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    reason,
  };
}

export class RolloutDetail {
  private readonly detail: KubernetesTargetDetail;
  private readonly pods = new Map<string, WorkloadPodView>();
  /** Pods being deleted: shown while the rollout runs, not in the final picture. */
  private readonly terminating = new Set<string>();
  private lastSent = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastJson = '';
  private closed = false;

  constructor(
    private readonly kind: KubernetesWorkloadKind,
    workload: string,
    private readonly sink: DetailSink,
    private readonly intervalMs = DETAIL_INTERVAL_MS,
  ) {
    this.detail = { kind: 'kubernetes', workload, previousImage: null, image: null, replicas: null, pods: [] };
  }

  /** What was read before the release changed anything: the image to put back, the counts now. */
  begin(previousImage: string | null, w: WorkloadObject): void {
    this.detail.previousImage = previousImage;
    this.detail.replicas = replicaCounts(this.kind, w);
    this.changed();
  }

  images(previousImage: string | null, image: string | null): void {
    this.detail.previousImage = previousImage;
    this.detail.image = image;
    this.changed();
  }

  workload(w: WorkloadObject): void {
    this.detail.replicas = replicaCounts(this.kind, w);
    this.changed();
  }

  /** The patch is not observed yet: the counts read so far describe the old template. */
  awaitingObservation(): void {
    this.detail.replicas = null;
    this.changed();
  }

  /** A list is the whole set of the workload's pods (first list, or a relist after a gap). */
  podsListed(items: PodObject[]): void {
    this.pods.clear();
    this.terminating.clear();
    for (const p of items) this.keep(p);
    this.changed();
  }

  pod(type: WatchEventType, p: PodObject): void {
    const name = p.metadata?.name;
    if (!name) return;
    if (type === 'DELETED') {
      this.pods.delete(name);
      this.terminating.delete(name);
    } else this.keep(p);
    this.changed();
  }

  private keep(p: PodObject): void {
    const name = p.metadata?.name;
    if (!name) return;
    this.pods.set(name, podView(p));
    if (p.metadata?.deletionTimestamp) this.terminating.add(name);
    else this.terminating.delete(name);
  }

  /**
   * A restore begins: from here the counts and pods are its rollout's (reset until its own
   * patch is observed and its own pod list arrives).
   */
  restoreStarted(image: string | null): void {
    this.detail.restore = {
      state: 'running',
      message: image ? `restoring previous image ${image}` : 'restoring the previous pod template',
      image,
    };
    this.detail.replicas = null;
    this.changed();
  }

  /** How the restore ended. */
  restore(restore: { state: 'succeeded' | 'failed'; message: string }): void {
    this.detail.restore = { ...restore, image: this.detail.restore?.image ?? null };
    this.changed();
  }

  /** Sends the final state now; a watch event arriving after it changes nothing. */
  close(): void {
    this.closed = true;
    this.flush();
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.send();
  }

  private changed(): void {
    if (this.timer || this.closed) return;
    const wait = this.lastSent + this.intervalMs - Date.now();
    if (wait <= 0) this.send();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  private send(): void {
    // By name, so the page's list stays put while pods change.
    // The final picture is the replicas that stay: an old pod still terminating is not one of them.
    const pods = [...this.pods.values()]
      .filter((p) => !(this.closed && this.terminating.has(p.name)))
      .sort((a, b) => a.name.localeCompare(b.name))
      .slice(0, MAX_PODS);
    const detail: KubernetesTargetDetail = { ...this.detail, pods };
    // Nothing the page shows changed (a pod's resourceVersion moved, say): no write.
    const json = JSON.stringify(detail);
    if (json === this.lastJson) return;
    this.lastJson = json;
    this.lastSent = Date.now();
    this.sink(detail);
  }
}
