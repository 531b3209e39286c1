// The watches one release shares: per cluster credential and namespace, one watch of the
// namespace's pods, one of its Warning events and one per workload kind, however many of the
// release's workloads live there. Each workload's rollout tracker subscribes to them and
// filters (pods by the workload's selector, the workload by name). They run until the
// release ends: a later batch, or a restore, reuses them instead of listing again.
import { createHash } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubernetesWorkloadKind } from '@wharf/shared';
import type { StreamingListSupport } from './resilient-watch.js';
import { SharedInformer } from './shared-informer.js';
import { WARNINGS, WorkloadClient } from './workload-client.js';
import type { EventObject, PodObject, WorkloadObject } from './workload-types.js';

export class NamespaceWatches {
  readonly pods: SharedInformer<PodObject>;
  readonly events: SharedInformer<EventObject>;
  private readonly workloads = new Map<KubernetesWorkloadKind, SharedInformer<WorkloadObject>>();

  constructor(
    private readonly kc: KubeConfig,
    private readonly namespace: string,
    private readonly streaming: StreamingListSupport,
  ) {
    // Any workload of the namespace will do to reach its pods and events.
    const client = new WorkloadClient(kc, { namespace, kind: 'Deployment', name: '' });
    this.pods = new SharedInformer<PodObject>({
      kc,
      path: client.podsPath,
      what: `pods in namespace ${namespace}`,
      list: () => client.listPods(),
      streaming,
    });
    this.events = new SharedInformer<EventObject>({
      kc,
      path: client.eventsPath,
      query: { fieldSelector: WARNINGS },
      what: `events in namespace ${namespace}`,
      list: () => client.listEvents(),
      streaming,
    });
  }

  /** The namespace's workloads of one kind; started from a tracker's own read (no list). */
  workloadsOf(kind: KubernetesWorkloadKind): SharedInformer<WorkloadObject> {
    let informer = this.workloads.get(kind);
    if (!informer) {
      const client = new WorkloadClient(this.kc, { namespace: this.namespace, kind, name: '' });
      informer = new SharedInformer<WorkloadObject>({
        kc: this.kc,
        path: client.collectionPath,
        what: `${kind.toLowerCase()}s in namespace ${this.namespace}`,
        list: () => client.listAll(),
      });
      this.workloads.set(kind, informer);
    }
    return informer;
  }

  stop(): void {
    this.pods.stop();
    this.events.stop();
    for (const w of this.workloads.values()) w.stop();
  }
}

interface Cluster {
  kc: KubeConfig;
  streaming: StreamingListSupport;
}

export class ReleaseWatches {
  private readonly clusters = new Map<string, Cluster>();
  private readonly namespaces = new Map<string, NamespaceWatches>();

  /**
   * One KubeConfig (and so one connection pool) per credential for the whole release. The
   * key is a hash of the cluster access, so two credentials of one cluster never share.
   */
  cluster(access: unknown, make: () => KubeConfig): { key: string; kc: KubeConfig } {
    const key = createHash('sha256').update(JSON.stringify(access)).digest('hex');
    let c = this.clusters.get(key);
    if (!c) {
      c = { kc: make(), streaming: {} };
      this.clusters.set(key, c);
    }
    return { key, kc: c.kc };
  }

  /** The shared watches of a namespace, seen through a cluster credential from cluster(). */
  namespace(clusterKey: string, namespace: string): NamespaceWatches {
    const c = this.clusters.get(clusterKey);
    if (!c) throw new Error('ReleaseWatches.namespace: unknown cluster');
    const key = `${clusterKey}/${namespace}`;
    let w = this.namespaces.get(key);
    if (!w) {
      w = new NamespaceWatches(c.kc, namespace, c.streaming);
      this.namespaces.set(key, w);
    }
    return w;
  }

  stop(): void {
    for (const w of this.namespaces.values()) w.stop();
    this.namespaces.clear();
  }
}
