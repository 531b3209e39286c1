// A list + watch that keeps going, the way client-go's reflector does: list, then watch
// from the list's resourceVersion; when the watch ends (a dropped connection, a server
// timeout) watch again from the last version seen; on 410 Gone (history compacted) list
// again and continue from there; on 5xx or no answer, back off and retry.
// Where the API server supports streaming lists (`sendInitialEvents`, the WatchList feature:
// on by default in 1.32 and 1.34+, off in 1.33), the list and the watch are one request: the
// watch starts with the current objects and a bookmark marking their end. A server that
// refuses it (400/422) is remembered, and the watch lists first as before.
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { CancelledError } from '../errors.js';
import { KubeApiError, toKubeApiError } from './kube-api-error.js';
import { sleep } from './kube-retry.js';
import type { ListOf } from './workload-types.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchHandlers<T> {
  /** A full list: the first one, and every re-list after 410 Gone. */
  onList(items: T[], relist: boolean): void;
  onEvent(type: WatchEventType, obj: T): void;
  /** Something a person may want to know (a re-list, a retry); not for normal reconnects. */
  onNotice?(text: string): void;
  /** The watch gave up (an error that retrying does not fix, e.g. 403). */
  onFatal?(err: KubeApiError): void;
}

/** Whether the cluster accepts streaming lists; shared by the watches of one cluster. */
export interface StreamingListSupport {
  supported?: boolean;
}

/** The annotation of the bookmark that ends a streaming list's initial objects. */
export const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

export interface ResilientWatchOptions<T> {
  kc: KubeConfig;
  path: string;
  query?: Record<string, string>;
  what: string;
  list: () => Promise<ListOf<T>>;
  handlers: WatchHandlers<T>;
  /** Server-side timeout of one watch request; it is then resumed. Default 60 s. */
  timeoutSeconds?: number;
  /** Try a streaming list (one request) before list + watch. */
  streaming?: StreamingListSupport;
}

type WithVersion = { metadata?: { resourceVersion?: string; annotations?: Record<string, string> } };

/** A streaming list waiting for its initial objects to end. */
interface InitialSync<T> {
  relist: boolean;
  items: T[];
  resolve(): void;
  reject(err: unknown): void;
}

export class ResilientWatch<T extends WithVersion> {
  private rv = '';
  private stopped = false;
  private controller: AbortController | undefined;
  private failures = 0;
  private readonly stop$ = new AbortController();
  /** Times the watch was resumed after ending, and re-listed after 410 (for tests and logs). */
  readonly stats = { resumes: 0, relists: 0, retries: 0 };

  constructor(private readonly opts: ResilientWatchOptions<T>) {}

  /** Lists, then watches in the background. Rejects only if the first list fails. */
  async start(): Promise<void> {
    if (await this.streamWithRetry(false)) return;
    await this.list(false);
    this.connect();
  }

  /** Starts watching from a resourceVersion already known (no list); a 410 lists. */
  startFrom(resourceVersion: string): void {
    this.rv = resourceVersion;
    this.connect();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stop$.abort();
    this.controller?.abort();
  }

  private async list(relist: boolean): Promise<void> {
    const l = await this.opts.list();
    this.rv = l.resourceVersion;
    if (!this.stopped) this.opts.handlers.onList(l.items, relist);
  }

  private connect(initial?: InitialSync<T>): void {
    if (this.stopped) {
      initial?.reject(new CancelledError());
      return;
    }
    let expired = false;
    let errorEvent: KubeApiError | undefined;
    let sawEvent = false;
    let pending = initial;
    const watch = new Watch(this.opts.kc);
    const base = { ...this.opts.query, allowWatchBookmarks: true, timeoutSeconds: this.opts.timeoutSeconds ?? 60 };
    // A streaming list asks for the state "not older than" the moment the request is served.
    const query = initial
      ? { ...base, sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan' }
      : { ...base, resourceVersion: this.rv };
    const done = (err: unknown, expiredNow: boolean, failure: KubeApiError | undefined, saw: boolean) => {
      if (pending) {
        // Ended before its initial objects did: the caller retries or falls back to a list.
        const p = pending;
        pending = undefined;
        p.reject(failure ?? err ?? new KubeApiError('unreachable', 0, `watching ${this.opts.what}: ended early`));
        return;
      }
      void this.ended(err, expiredNow, failure, saw);
    };
    watch
      .watch(
        this.opts.path,
        query,
        (type: string, obj: unknown) => {
          if (this.stopped) return;
          if (type === 'ERROR') {
            const status = obj as { code?: number; message?: string };
            if (status.code === 410) expired = true;
            else errorEvent = toKubeApiError({ code: status.code ?? 500, body: obj }, `watching ${this.opts.what}`);
            return;
          }
          const o = obj as T;
          const rv = o.metadata?.resourceVersion;
          if (rv) this.rv = rv;
          sawEvent = true;
          this.failures = 0;
          if (pending) {
            if (type === 'BOOKMARK' && o.metadata?.annotations?.[INITIAL_EVENTS_END] === 'true') {
              const p = pending;
              pending = undefined;
              this.opts.handlers.onList(p.items, p.relist);
              p.resolve();
            } else if (type === 'ADDED') pending.items.push(o);
            return;
          }
          if (type === 'BOOKMARK') return;
          if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') this.opts.handlers.onEvent(type, o);
        },
        (err: unknown) => done(err, expired, errorEvent, sawEvent),
      )
      .then(
        (c) => {
          this.controller = c;
          if (this.stopped) c.abort();
        },
        (err: unknown) => done(err, false, undefined, false),
      );
  }

  /**
   * The list and the watch as one streaming request. True once its initial objects arrived
   * (the watch then goes on); false if the server does not stream lists (the caller lists).
   */
  private async streamWithRetry(relist: boolean): Promise<boolean> {
    const support = this.opts.streaming;
    if (!support || support.supported === false) return false;
    for (let attempt = 1; ; attempt++) {
      try {
        await new Promise<void>((resolve, reject) => this.connect({ relist, items: [], resolve, reject }));
        support.supported = true;
        return true;
      } catch (e) {
        if (e instanceof CancelledError) throw e;
        const err = toKubeApiError(e, `watching ${this.opts.what}`);
        // 400/422: the server does not know sendInitialEvents (or has the WatchList feature off).
        if (err.status === 400 || err.status === 422) {
          support.supported = false;
          return false;
        }
        if (!err.transient || attempt >= 8) throw err;
        this.stats.retries++;
        const delay = Math.min(3000, 200 * 2 ** (attempt - 1));
        this.opts.handlers.onNotice?.(`${err.message}; retry ${attempt} in ${delay} ms`);
        await sleep(delay, this.stop$.signal);
      }
    }
  }

  private async ended(
    err: unknown,
    expired: boolean,
    errorEvent: KubeApiError | undefined,
    sawEvent: boolean,
  ): Promise<void> {
    if (this.stopped) return;
    try {
      const failure = errorEvent ?? (err ? toKubeApiError(err, `watching ${this.opts.what}`) : undefined);
      if (expired || failure?.status === 410) {
        this.stats.relists++;
        this.opts.handlers.onNotice?.(`watch of ${this.opts.what} expired (410 Gone); listing again`);
        if (await this.streamWithRetry(true)) return;
        await this.relistWithRetry();
      } else if (failure) {
        if (!failure.transient) {
          this.opts.handlers.onFatal?.(failure);
          this.stop();
          return;
        }
        this.failures++;
        this.stats.retries++;
        const delay = Math.min(3000, 200 * 2 ** Math.min(this.failures - 1, 4));
        this.opts.handlers.onNotice?.(`${failure.message}; watching again in ${delay} ms`);
        await sleep(delay, this.stop$.signal);
      } else {
        // A clean end: the server's timeout or a dropped connection. Resume from the last
        // version seen; pause a little if it keeps ending without news.
        this.stats.resumes++;
        if (!sawEvent) {
          this.failures++;
          await sleep(Math.min(1000, 50 * this.failures), this.stop$.signal);
        }
      }
      this.connect();
    } catch (e) {
      if (e instanceof CancelledError || this.stopped) return;
      this.opts.handlers.onFatal?.(toKubeApiError(e, `watching ${this.opts.what}`));
      this.stop();
    }
  }

  private async relistWithRetry(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.list(true);
        return;
      } catch (e) {
        const err = toKubeApiError(e, `listing ${this.opts.what}`);
        if (!err.transient || attempt >= 8) throw err;
        await sleep(Math.min(3000, 200 * 2 ** (attempt - 1)), this.stop$.signal);
      }
    }
  }
}
