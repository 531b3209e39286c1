// Follows one rollout to its end: watches the workload (kubectl's rule decides "done"),
// its pods and the namespace's events (for the log), until the rollout is done, fails
// (progress deadline), runs past Wharf's deadline, or is cancelled.
//
// Two steps, so no pod is missed: prepare() lists pods and events before the workload is
// patched (what exists then is "old"), follow() runs after the patch.
import type { KubeApiError } from './kube-api-error.js';
import { ResilientWatch } from './resilient-watch.js';
import type { RolloutDetail } from './rollout-detail.js';
import { RolloutReporter, type Emit } from './rollout-reporter.js';
import { rolloutStatus } from './rollout-status.js';
import { WARNINGS, type WorkloadClient } from './workload-client.js';
import type { EventObject, PodObject, WorkloadObject } from './workload-types.js';

export type RolloutOutcome =
  | { kind: 'done'; message: string; workload: WorkloadObject }
  | { kind: 'failed'; code: string; message: string }
  | { kind: 'timeout'; message: string }
  | { kind: 'cancelled'; message: string };

export interface FollowOptions {
  /** Only a status whose observedGeneration is this or later counts (the one the patch made). */
  minGeneration: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * The workload as the patch (or read) returned it: the watch starts from its
   * resourceVersion instead of listing first, one request less. A 410 Gone still lists.
   */
  from?: WorkloadObject;
}

export class RolloutWatch {
  private readonly reporter: RolloutReporter;
  private readonly podWatch: ResilientWatch<PodObject>;
  private readonly eventWatch: ResilientWatch<EventObject>;

  constructor(
    private readonly client: WorkloadClient,
    /** The workload's pod selector (labelSelector syntax). */
    selector: string,
    private readonly emit: Emit,
    /** Receives the workload and its pods too, for the deployment page. */
    private readonly detail?: RolloutDetail,
  ) {
    this.reporter = new RolloutReporter(client, emit);
    const notice = (text: string) => emit('system', text);
    this.podWatch = new ResilientWatch<PodObject>({
      kc: client.kc,
      path: client.podsPath,
      query: { labelSelector: selector },
      what: `pods of ${client.label}`,
      list: () => client.listPods(selector),
      handlers: {
        onList: (items, relist) => {
          this.reporter.podsListed(items, relist);
          this.detail?.podsListed(items);
        },
        onEvent: (type, p) => {
          this.reporter.pod(type, p);
          this.detail?.pod(type, p);
        },
        onNotice: notice,
        onFatal: (err) => notice(`pods are no longer watched: ${err.message}`),
      },
    });
    this.eventWatch = new ResilientWatch<EventObject>({
      kc: client.kc,
      path: client.eventsPath,
      query: { fieldSelector: WARNINGS },
      what: `events in namespace ${client.ref.namespace}`,
      list: () => client.listEvents(),
      handlers: {
        onList: (items, relist) => this.reporter.eventsListed(items, relist),
        onEvent: (type, e) => this.reporter.event(type, e),
        onNotice: notice,
        onFatal: (err) => notice(`events are no longer watched: ${err.message}`),
      },
    });
  }

  /** Lists pods and events (the baseline) and starts watching them. Never throws. */
  async prepare(): Promise<void> {
    const notice = (text: string) => this.emit('system', text);
    await Promise.all([
      this.podWatch.start().catch((err: Error) => notice(`pods cannot be watched: ${err.message}`)),
      this.eventWatch.start().catch((err: Error) => notice(`events cannot be watched: ${err.message}`)),
    ]);
  }

  /** Watches the workload until its rollout ends one way or another; then stops every watch. */
  async follow(o: FollowOptions): Promise<RolloutOutcome> {
    const { client } = this;
    let settle!: (r: RolloutOutcome) => void;
    const outcome = new Promise<RolloutOutcome>((resolve) => (settle = resolve));
    let finished = false;
    const finish = (r: RolloutOutcome) => {
      if (finished) return;
      finished = true;
      settle(r);
    };
    let lastMessage = '';
    const evaluate = (w: WorkloadObject) => {
      if (finished) return;
      // Until the controller has observed the patched generation, the status still counts the
      // old template: "3 updated, 3 ready" would read as the new rollout done.
      if ((w.status?.observedGeneration ?? 0) < o.minGeneration) {
        this.reporter.awaitingObservation(o.minGeneration);
        this.detail?.awaitingObservation();
        return;
      }
      this.detail?.workload(w);
      this.reporter.workload(w);
      const s = rolloutStatus(client.ref.kind, w);
      if (s.error) return finish({ kind: 'failed', code: 'rollout_failed', message: s.error });
      if (s.done) return finish({ kind: 'done', message: s.message, workload: w });
      lastMessage = s.message;
    };
    const fromVersion = o.from?.metadata?.resourceVersion;
    let seed = o.from && fromVersion ? { items: [o.from], resourceVersion: fromVersion } : undefined;
    const workloadWatch = new ResilientWatch<WorkloadObject>({
      kc: client.kc,
      path: client.collectionPath,
      query: { fieldSelector: `metadata.name=${client.ref.name}` },
      what: client.label,
      list: () => {
        const first = seed;
        seed = undefined;
        return first ? Promise.resolve(first) : client.list();
      },
      handlers: {
        onList: (items) => {
          if (items.length === 0)
            finish({ kind: 'failed', code: 'not_found', message: `${client.label} no longer exists` });
          for (const w of items) evaluate(w);
        },
        onEvent: (type, w) => {
          if (type === 'DELETED')
            finish({ kind: 'failed', code: 'not_found', message: `${client.label} was deleted during the rollout` });
          else evaluate(w);
        },
        onNotice: (text) => this.emit('system', text),
        onFatal: (err: KubeApiError) => finish({ kind: 'failed', code: err.code, message: err.message }),
      },
    });

    const timer = setTimeout(() => {
      const where = lastMessage ? ` (${lastMessage.replace(/\.\.\.$/, '')})` : '';
      finish({ kind: 'timeout', message: `rollout did not finish within ${Math.round(o.timeoutMs / 1000)} s${where}` });
    }, o.timeoutMs);
    const onAbort = () => finish({ kind: 'cancelled', message: 'cancelled during the rollout' });
    if (o.signal?.aborted) onAbort();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await workloadWatch
        .start()
        .catch((err: KubeApiError) => finish({ kind: 'failed', code: err.code, message: err.message }));
      return await outcome;
    } finally {
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      workloadWatch.stop();
      await this.stop();
    }
  }

  /** Stops the pod and event watches and lets pending crash-log reads finish. */
  async stop(): Promise<void> {
    this.podWatch.stop();
    this.eventWatch.stop();
    await this.reporter.flush();
  }
}
