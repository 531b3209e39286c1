// A list + watch that keeps going, the way client-go's reflector does: list, then watch
// from the list's resourceVersion; when the watch ends (a dropped connection, a server
// timeout) watch again from the last version seen; on 410 Gone (history compacted) list
// again and continue from there; on 5xx or no answer, back off and retry.
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

export interface ResilientWatchOptions<T> {
  kc: KubeConfig;
  path: string;
  query?: Record<string, string>;
  what: string;
  list: () => Promise<ListOf<T>>;
  handlers: WatchHandlers<T>;
  /** Server-side timeout of one watch request; it is then resumed. Default 60 s. */
  timeoutSeconds?: number;
}

type WithVersion = { metadata?: { resourceVersion?: string } };

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
    await this.list(false);
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

  private connect(): void {
    if (this.stopped) return;
    let expired = false;
    let errorEvent: KubeApiError | undefined;
    let sawEvent = false;
    const watch = new Watch(this.opts.kc);
    watch
      .watch(
        this.opts.path,
        {
          ...this.opts.query,
          resourceVersion: this.rv,
          allowWatchBookmarks: true,
          timeoutSeconds: this.opts.timeoutSeconds ?? 60,
        },
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
          if (type === 'BOOKMARK') return;
          if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') this.opts.handlers.onEvent(type, o);
        },
        (err: unknown) => void this.ended(err, expired, errorEvent, sawEvent),
      )
      .then(
        (c) => {
          this.controller = c;
          if (this.stopped) c.abort();
        },
        (err: unknown) => void this.ended(err, false, undefined, false),
      );
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
