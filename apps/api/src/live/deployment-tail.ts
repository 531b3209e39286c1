// One reader of a deployment's Redis stream per api instance, shared by every local socket
// watching that deployment. It produces the deployment's lines as one contiguous, ordered
// sequence: whatever the stream lacks (trimmed, expired, or lines a crashed worker stored but
// never published) is read from Postgres, which holds everything the stream holds.
import type { LoggerService } from '@nestjs/common';
import type { LogLineView } from '@wharf/shared';
import type { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { retry } from '../common/retry.js';
import { decodeStreamEntry, seqOfStreamId } from './log-line.js';
import { BACKFILL_PAGE, type LogStoreService } from './log-store.service.js';

// Entries per read: a batch entry holds up to 5,000 lines, so a tail that fell behind reads at
// most ~50,000 lines (a few MB) at once, not the whole stream.
const READ_COUNT = 10;
/** Lines per delivery (one socket.io packet): a run is handed on once it holds this many. */
const MAX_RUN = 5000;
const BLOCK_MS = 15_000;

type StreamReply = [key: string, entries: [id: string, fields: string[]][]][] | null;

export class DeploymentTail {
  /** Every seq up to this one has been handed to `deliver`, in order. */
  lastSeq = 0;
  readonly ready: Promise<void>;
  /** Aborted by stop(): ends a backoff delay at once. */
  private readonly stopping = new AbortController();
  private lock: Promise<void> = Promise.resolve();
  private readonly conn: Redis;

  constructor(
    readonly deploymentId: string,
    private readonly streamKey: string,
    /** A dedicated connection: XREAD BLOCK holds it for seconds at a time. */
    connect: () => Redis,
    private readonly store: LogStoreService,
    private readonly deliver: (lines: LogLineView[]) => void,
    private readonly logger?: Pick<LoggerService, 'warn'>,
  ) {
    this.conn = connect();
    this.ready = this.init();
    void this.ready.then(() => this.loop());
  }

  get running(): boolean {
    return !this.stopped;
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  stop(): void {
    this.stopping.abort();
    this.conn.disconnect();
  }

  /** Delivers whatever Postgres has beyond lastSeq (e.g. after a status change). */
  catchUpFromDb(): Promise<void> {
    return this.exclusive(() => this.fillFromDb(Number.POSITIVE_INFINITY));
  }

  /** Starts after what Postgres holds now; later lines arrive through the stream. */
  private async init(): Promise<void> {
    try {
      this.lastSeq = await retry(() => this.store.maxSeq(this.deploymentId), {
        signal: this.stopping.signal,
        onRetry: (err, attempt) => {
          if (attempt % 20 === 1)
            this.logger?.warn(`live tail of ${this.deploymentId} cannot start yet: ${String(err)}`, 'DeploymentTail');
        },
      });
    } catch {
      // Only stop() ends the retries: a stopped tail has nothing to start.
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let reply: StreamReply;
      try {
        reply = await retry(() => this.read(), {
          signal: this.stopping.signal,
          onRetry: (err, attempt) => {
            if (attempt % 20 === 1)
              this.logger?.warn(`live tail of ${this.deploymentId}: ${String(err)}`, 'DeploymentTail');
          },
        });
      } catch {
        return; // stop(): the connection was closed on purpose
      }
      if (this.stopped) return;
      const entries = reply?.[0]?.[1];
      if (!entries?.length) continue;
      try {
        await this.exclusive(() => this.advance(entries));
      } catch (err) {
        // Postgres hiccup while filling a hole: the next read starts from lastSeq again.
        this.logger?.warn(`live tail of ${this.deploymentId}: ${String(err)}`, 'DeploymentTail');
        await sleep(500);
      }
    }
  }

  private async read(): Promise<StreamReply> {
    return (await this.conn.xread(
      'COUNT',
      READ_COUNT,
      'BLOCK',
      BLOCK_MS,
      'STREAMS',
      this.streamKey,
      `0-${this.lastSeq}`,
    )) as StreamReply;
  }

  private async advance(entries: [string, string[]][]): Promise<void> {
    let run: LogLineView[] = [];
    for (const [id, fields] of entries) {
      const entryLast = seqOfStreamId(id);
      if (!(entryLast > this.lastSeq + run.length)) continue;
      const lines = decodeStreamEntry(fields);
      if (!lines || lines.length === 0 || lines[lines.length - 1]!.seq !== entryLast) {
        // Unreadable: Postgres holds the same lines.
        this.flushRun(run);
        run = [];
        await this.fillFromDb(entryLast);
        if (this.stopped) return;
        continue;
      }
      for (const line of lines) {
        const next = this.lastSeq + run.length + 1;
        const seq = line.seq;
        if (!(seq >= next)) continue; // already delivered (or not a number)
        if (seq > next) {
          // A hole before this line: deliver what we have, then fill it from Postgres.
          this.flushRun(run);
          run = [];
          await this.fillFromDb(seq - 1);
          if (this.stopped) return;
          if (!(seq > this.lastSeq)) continue;
        }
        run.push(line);
      }
      if (run.length >= MAX_RUN) {
        this.flushRun(run);
        run = [];
      }
    }
    this.flushRun(run);
  }

  private flushRun(run: LogLineView[]): void {
    if (run.length === 0 || this.stopped) return;
    this.lastSeq = run[run.length - 1]!.seq;
    this.deliver(run);
  }

  /** Delivers lastSeq+1 .. untilSeq from Postgres, page by page. */
  private async fillFromDb(untilSeq: number): Promise<void> {
    while (!this.stopped && this.lastSeq < untilSeq) {
      const page = await this.store.page(
        this.deploymentId,
        this.lastSeq,
        BACKFILL_PAGE,
        Number.isFinite(untilSeq) ? untilSeq : undefined,
      );
      if (this.stopped || page.length === 0) return;
      this.flushRun(page);
      if (page.length < BACKFILL_PAGE) return;
    }
  }

  private exclusive(fn: () => Promise<void>): Promise<void> {
    const run = this.lock.then(fn);
    this.lock = run.catch(() => undefined);
    return run;
  }
}
