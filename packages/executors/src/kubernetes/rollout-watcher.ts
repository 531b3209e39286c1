// Follows one rollout to its end: watches the workload (kubectl's rule decides "done"),
// its pods and the namespace's events (for the log), until the rollout is done, fails
// (progress deadline), runs past Wharf's deadline, or is cancelled.
//
// The watches are the release's shared ones (release-watches.ts): this tracker subscribes
// to them and sees only its workload, its pods and the events about them.
// Two steps, so no pod is missed: prepare() subscribes before the workload is patched (the
// pods that exist then are "old"), follow() runs after the patch.
import type { KubeApiError } from './kube-api-error.js';
import type { NamespaceWatches } from './release-watches.js';
import type { RolloutDetail } from './rollout-detail.js';
import { RolloutReporter, type Emit } from './rollout-reporter.js';
import { rolloutStatus } from './rollout-status.js';
import type { WorkloadClient } from './workload-client.js';
import { matchesSelector, type WorkloadObject } from './workload-types.js';

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
  /** The workload as the patch (or read) returned it: judged first, before any event. */
  from?: WorkloadObject;
}

export class RolloutWatch {
  private readonly reporter: RolloutReporter;
  private readonly unsubscribe: (() => void)[] = [];
  /** Until follow() runs: the workload's latest state the watch brought, and a fatal error. */
  private latest: WorkloadObject | undefined;
  private workloadError: KubeApiError | undefined;
  /** Set by follow(): where the workload's events go. */
  private onWorkload:
    ((type: 'list' | 'event' | 'deleted' | 'fatal', w?: WorkloadObject, err?: KubeApiError) => void) | undefined;

  constructor(
    private readonly client: WorkloadClient,
    /** The workload as read before the change: its pod selector and resourceVersion. */
    private readonly workload: WorkloadObject,
    private readonly watches: NamespaceWatches,
    private readonly emit: Emit,
    /** Receives the workload and its pods too, for the deployment page. */
    private readonly detail?: RolloutDetail,
  ) {
    this.reporter = new RolloutReporter(client, emit);
  }

  /**
   * Subscribes to the namespace's pods and events (what exists now is the baseline) and to
   * the workload's watch. Never throws: a watch that cannot start is said in the log (and a
   * workload watch that cannot, fails follow()).
   */
  async prepare(): Promise<void> {
    const notice = (text: string) => this.emit('system', text);
    const selector = this.workload.spec?.selector ?? {};
    const name = this.client.ref.name;
    const subscribe = async (what: string, s: () => Promise<() => void>) => {
      try {
        this.unsubscribe.push(await s());
      } catch (err) {
        notice(`${what} cannot be watched: ${(err as Error).message}`);
      }
    };
    await Promise.all([
      subscribe('pods', () =>
        this.watches.pods.subscribe((p) => matchesSelector(selector, p.metadata?.labels), {
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
        }),
      ),
      subscribe('events', () =>
        this.watches.events.subscribe(() => true, {
          onList: (items, relist) => this.reporter.eventsListed(items, relist),
          onEvent: (type, e) => this.reporter.event(type, e),
          onNotice: notice,
          onFatal: (err) => notice(`events are no longer watched: ${err.message}`),
        }),
      ),
      this.watches
        .workloadsOf(this.client.ref.kind)
        .subscribe(
          (w) => w.metadata?.name === name,
          {
            onList: (items, relist) => {
              if (!relist) {
                // The shared watch's cache: newer than our read if the watch already saw a change.
                if (items[0]) this.workloadSeen('event', items[0]);
                return;
              }
              if (items.length === 0) this.workloadSeen('list');
              for (const w of items) this.workloadSeen('list', w);
            },
            onEvent: (type, w) => this.workloadSeen(type === 'DELETED' ? 'deleted' : 'event', w),
            onNotice: notice,
            onFatal: (err) => this.workloadSeen('fatal', undefined, err),
          },
          this.workload.metadata?.resourceVersion,
        )
        .then(
          (u) => void this.unsubscribe.push(u),
          (err: KubeApiError) => (this.workloadError = err),
        ),
    ]);
  }

  private workloadSeen(type: 'list' | 'event' | 'deleted' | 'fatal', w?: WorkloadObject, err?: KubeApiError): void {
    if (this.onWorkload) return this.onWorkload(type, w, err);
    if (type === 'fatal') this.workloadError = err;
    else if (w && type !== 'deleted') this.latest = w;
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

    const timer = setTimeout(() => {
      const where = lastMessage ? ` (${lastMessage.replace(/\.\.\.$/, '')})` : '';
      finish({ kind: 'timeout', message: `rollout did not finish within ${Math.round(o.timeoutMs / 1000)} s${where}` });
    }, o.timeoutMs);
    const onAbort = () => finish({ kind: 'cancelled', message: 'cancelled during the rollout' });
    if (o.signal?.aborted) onAbort();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (this.workloadError) {
        const err = this.workloadError;
        finish({ kind: 'failed', code: err.code, message: err.message });
      }
      if (o.from) evaluate(o.from);
      const latest = this.latest;
      this.latest = undefined;
      if (latest) evaluate(latest);
      this.onWorkload = (type, w, err) => {
        if (type === 'fatal') finish({ kind: 'failed', code: err!.code, message: err!.message });
        else if (type === 'deleted')
          finish({ kind: 'failed', code: 'not_found', message: `${client.label} was deleted during the rollout` });
        else if (!w) finish({ kind: 'failed', code: 'not_found', message: `${client.label} no longer exists` });
        else evaluate(w);
      };
      return await outcome;
    } finally {
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      await this.stop();
    }
  }

  /** Unsubscribes from the shared watches and lets pending crash-log reads finish. */
  async stop(): Promise<void> {
    this.onWorkload = () => undefined;
    for (const u of this.unsubscribe.splice(0)) u();
    await this.reporter.flush();
  }
}
