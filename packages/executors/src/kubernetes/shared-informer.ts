// One list + watch of a collection shared by every workload of a release that needs it, in
// the style of client-go's shared informers: the objects are kept in a cache, each
// subscriber gets the cache as its starting list (filtered to what concerns it) and then the
// events that concern it. A release of N workloads in one namespace then watches the
// namespace's pods and events once, not N times. The watch itself (resume after a drop,
// relist after 410 Gone, 5xx backoff) is ResilientWatch's.
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError } from './kube-api-error.js';
import { ResilientWatch, type StreamingListSupport, type WatchEventType } from './resilient-watch.js';
import type { ListOf } from './workload-types.js';

export interface InformerSubscriber<T> {
  /** The starting list (relist false), and the whole list again after a 410 Gone (relist true). */
  onList(items: T[], relist: boolean): void;
  onEvent(type: WatchEventType, obj: T): void;
  onNotice?(text: string): void;
  /** The shared watch gave up (an error retrying does not fix, e.g. 403). */
  onFatal?(err: KubeApiError): void;
}

export interface SharedInformerOptions<T> {
  kc: KubeConfig;
  path: string;
  query?: Record<string, string>;
  what: string;
  list: () => Promise<ListOf<T>>;
  streaming?: StreamingListSupport;
}

type Keyed = { metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string } };

interface Subscription<T> {
  filter: (o: T) => boolean;
  subscriber: InformerSubscriber<T>;
}

export class SharedInformer<T extends Keyed> {
  private readonly cache = new Map<string, T>();
  private readonly subs = new Set<Subscription<T>>();
  private readonly watch: ResilientWatch<T>;
  private started: Promise<void> | undefined;
  private fatal: KubeApiError | undefined;

  constructor(private readonly opts: SharedInformerOptions<T>) {
    this.watch = new ResilientWatch<T>({
      kc: opts.kc,
      path: opts.path,
      query: opts.query,
      what: opts.what,
      list: opts.list,
      streaming: opts.streaming,
      handlers: {
        onList: (items, relist) => {
          this.cache.clear();
          for (const o of items) this.cache.set(keyOf(o), o);
          if (relist) for (const s of this.subs) s.subscriber.onList(items.filter(s.filter), true);
        },
        onEvent: (type, o) => {
          if (type === 'DELETED') this.cache.delete(keyOf(o));
          else this.cache.set(keyOf(o), o);
          for (const s of this.subs) if (s.filter(o)) s.subscriber.onEvent(type, o);
        },
        onNotice: (text) => {
          for (const s of this.subs) s.subscriber.onNotice?.(text);
        },
        onFatal: (err) => {
          this.fatal = err;
          for (const s of [...this.subs]) s.subscriber.onFatal?.(err);
        },
      },
    });
  }

  /** Requests made and reconnects, for tests and logs. */
  get stats(): ResilientWatch<T>['stats'] {
    return this.watch.stats;
  }

  /**
   * Starts the shared watch if it is not running, then hands the subscriber the cached
   * objects it wants and every later event it wants. Rejects if the watch cannot start or has
   * given up. The returned function unsubscribes. With `startFrom` (a resourceVersion the
   * subscriber read the object at), a watch not yet running starts there instead of listing:
   * the cache then holds only what the watch brings, and the subscriber has its own starting
   * object. A 410 Gone still lists.
   */
  async subscribe(
    filter: (o: T) => boolean,
    subscriber: InformerSubscriber<T>,
    startFrom?: string,
  ): Promise<() => void> {
    await this.ensureStarted(startFrom);
    if (this.fatal) throw this.fatal;
    const sub: Subscription<T> = { filter, subscriber };
    subscriber.onList([...this.cache.values()].filter(filter), false);
    this.subs.add(sub);
    return () => void this.subs.delete(sub);
  }

  stop(): void {
    this.subs.clear();
    this.watch.stop();
  }

  private ensureStarted(startFrom: string | undefined): Promise<void> {
    if (!this.started) {
      this.started = startFrom ? Promise.resolve(this.watch.startFrom(startFrom)) : this.watch.start();
      // A first list that failed is tried again by the next subscriber (a later batch).
      this.started.catch(() => (this.started = undefined));
    }
    return this.started;
  }
}

function keyOf(o: Keyed): string {
  return o.metadata?.uid ?? `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}
