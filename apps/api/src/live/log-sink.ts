// The worker's end of the log pipeline, one instance per running deployment.
//
//   write(line)  sync and cheap: seq, mask, cap, and straight into the bytes of the filling
//                batch (LogBatch: COPY rows and stream JSON; no object per line is kept);
//                answers with a LogPause while the backlog is above the high-water mark (the
//                executor stops reading the remote command until it drains below the
//                low-water mark: memory stays bounded)
//   persist      one COPY FROM STDIN per batch (+ Deployment.logBytes/logTruncated in the same
//                transaction), straight through `pg` (storesInFlight at once, counted stored
//                in seq order whichever commits first); a retry uses an idempotent
//                multi-row INSERT (unnest arrays) instead, since COPY has no ON CONFLICT
//   publish      one XADD per batch to `<prefix>:logs:<id>`: id `0-<last seq>`, fields = the
//                columns of its LinesWire (log-line.ts); in order, only AFTER the batch committed
//
// So everything in the Redis stream is already in Postgres: a reader that finds a hole in
// the stream (trimmed, or a crashed writer) can always fill it from the database. Both
// stages retry with backoff and are idempotent (ON CONFLICT DO NOTHING; an XADD id that
// already exists means "already published"), so hiccups neither lose nor duplicate lines.
import type { LoggerService } from '@nestjs/common';
import { createMasker, type LogPause } from '@wharf/executors';
import { LOG_STREAMS, type LogStreamName } from '@wharf/shared';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { isForeignKeyViolation } from '../common/db-errors.js';
import { retry, RetryStoppedError } from '../common/retry.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { BufferPool, LogBatch } from './log-batch.js';
import { LogCopy } from './log-copy.js';
import { logStreamKey, type LogLineInput } from './log-line.js';

export interface LogSinkOptions {
  deploymentId: string;
  /** PrismaService: Prisma for the few reads, its `pg` pool for the batch INSERTs. */
  prisma: PrismaClient & { readonly pool: Pool };
  /** A normal (non-blocking, non-subscriber) ioredis connection; the sink never blocks it. */
  redis: Redis;
  /** WHARF_REDIS_PREFIX */
  prefix: string;
  /** Per-deployment cap (WHARF_LOG_MAX_MB * 1024 * 1024). */
  maxBytes: number;
  /** Credential values and secret variables to mask (again) in every line. */
  secrets: Iterable<string>;
  logger?: Pick<LoggerService, 'warn' | 'error'>;
  /** Lines kept per target after the cap, written by flushTail(). Default 500. */
  tailLinesPerTarget?: number;
  /** Default 100 ms. */
  flushIntervalMs?: number;
  /** Flush without waiting for the interval once this many lines are buffered. Default 1000. */
  flushAtLines?: number;
  /** Most lines in one batch: one COPY, one stream entry. Default 5000. */
  maxBatchLines?: number;
  /**
   * Batches being stored at once, each on its own pooled connection (they complete in any
   * order; lines count as stored, and are published, in seq order). Default 1: with 2,
   * Postgres spent 35-65% more CPU per line and the runs were not faster (both batches
   * FOR KEY SHARE-lock the same Deployment row for the foreign key, and both UPDATE it, so
   * the second waits for the first's commit anyway; measured with 200k lines at load 30-50).
   */
  storesInFlight?: number;
  /**
   * Backpressure: write() answers with a LogPause once this many lines are not yet through
   * (stored, and published unless Redis was given up), or bufferedBytes reaches
   * highWaterBytes; the pause ends below half of both. Defaults 16 000 lines, 8 MiB: about
   * three batches (one being stored, one being published, one filling), which keeps the
   * database busy; a deeper backlog only made lines live long enough to reach V8's old
   * generation (bench/log-stream: worker RSS growth 248 MiB at 40 000 lines).
   */
  highWaterLines?: number;
  highWaterBytes?: number;
  /** About how many of the last lines the Redis stream keeps (XADD MINID ~). Default 50 000. */
  streamMaxLen?: number;
  /** Stream expiry while running (refreshed on every publish) and after close(). */
  streamTtlSeconds?: number;
  closedStreamTtlSeconds?: number;
  /**
   * Once everything is in Postgres, how long close() waits for Redis before giving up on
   * publishing (readers fill from Postgres). Default 10 s.
   */
  closePublishTimeoutMs?: number;
}

export interface LogSinkStats {
  /** Highest seq handed out so far (0 = none). */
  lastSeq: number;
  /** Highest seq committed to Postgres. */
  persistedSeq: number;
  /** Highest seq in the Redis stream. */
  publishedSeq: number;
  /** Lines waiting for Postgres. */
  bufferedLines: number;
  bufferedBytes: number;
  /** Stored bytes of text, as in Deployment.logBytes. */
  logBytes: number;
  truncated: boolean;
  /** Lines dropped by the cap (including ones later written by flushTail). */
  droppedLines: number;
  /** Time spent storing (summed over concurrent stores) and in XADD pipelines, for tuning. */
  persistMs: number;
  publishMs: number;
  /** Backpressure: how often write() asked the source to pause, and for how long in all. */
  pauses: number;
  pausedMs: number;
  /** Most lines ever not yet through at once (bounded by highWaterLines + one read chunk). */
  peakBacklogLines: number;
}

interface DroppedLine {
  targetId: string | null;
  stream: LogStreamName;
  at: Date;
  atIso: string;
  text: string;
  size: number;
}

/** Last `capacity` dropped lines of one target, plus how many were dropped in all. */
class TailRing {
  private readonly items: DroppedLine[] = [];
  private start = 0;
  dropped = 0;
  constructor(private readonly capacity: number) {}

  push(line: DroppedLine): void {
    this.dropped++;
    if (this.items.length < this.capacity) {
      this.items.push(line);
    } else {
      this.items[this.start] = line;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  lines(): DroppedLine[] {
    return [...this.items.slice(this.start), ...this.items.slice(0, this.start)];
  }
}

const STREAM_SET = new Set<string>(LOG_STREAMS);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BUFFER_WARN_LINES = 200_000;

// One statement: the batch and the deployment's byte count commit together. Straight through
// pg with five unnest() arrays: measured 1.3-2x faster than one json_to_recordset parameter
// (and Prisma's query compiler is out of the path altogether).
const INSERT_SQL = `
WITH ins AS (
  INSERT INTO "DeploymentLog" ("deploymentId", "seq", "targetId", "stream", "at", "text")
  SELECT $1::uuid, u.s, u.t, u.k::"LogStream", u.a, u.x
  FROM unnest($2::int[], $3::uuid[], $4::text[], $5::timestamp(3)[], $6::text[]) AS u(s, t, k, a, x)
  ON CONFLICT DO NOTHING
  RETURNING 1
)
UPDATE "Deployment"
SET "logBytes" = GREATEST("logBytes", $7::bigint), "logTruncated" = "logTruncated" OR $8::boolean
WHERE "id" = $1::uuid`;

// An XADD id at or below the stream's top was published by an earlier attempt: not an error.
const ALREADY_PUBLISHED = /equal or smaller/;

export class LogSink {
  readonly deploymentId: string;
  private readonly prisma: PrismaClient & { readonly pool: Pool };
  private readonly redis: Redis;
  private readonly streamKey: string;
  private readonly maxBytes: number;
  private readonly mask: (text: string) => string;
  private readonly logger: Pick<LoggerService, 'warn' | 'error'> | undefined;
  private readonly tailCapacity: number;
  private readonly flushIntervalMs: number;
  private readonly flushAtLines: number;
  private readonly maxBatchLines: number;
  private readonly storesInFlight: number;
  private readonly streamMaxLen: number;
  private readonly streamTtl: number;
  private readonly closedStreamTtl: number;
  private readonly closePublishTimeoutMs: number;
  private readonly highWaterLines: number;
  private readonly highWaterBytes: number;

  private opened = false;
  private closing: Promise<void> | null = null;
  /** The deployment row is gone: nothing can be stored any more. */
  private gone = false;
  private nextSeq = 1;
  private logBytes = 0;
  private truncated = false;
  /** Seq of the truncation marker (0 when the log was already truncated at open). */
  private markerSeq: number | null = null;
  private droppedLines = 0;
  private readonly tails = new Map<string | null, TailRing>();

  /** The batch lines are being written into, and full ones waiting to be stored, oldest first. */
  private filling: LogBatch | null = null;
  private readonly full: LogBatch[] = [];
  /** Four columns per batch, a few batches at once. */
  private readonly pool = new BufferPool(24, 8 * 1024 * 1024);
  private bufferedLines = 0;
  private bufferedBytes = 0;
  private persistedBytes = 0;
  private persistedSeq = 0;
  private publishedSeq = 0;
  private readonly publishQueue: LogBatch[] = [];
  /** Batches being stored, oldest first; `stored` once committed. */
  private readonly storing: { batch: LogBatch; stored: boolean }[] = [];
  private publishing = false;
  private kickScheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private waiters: { seq: number; stage: 'persisted' | 'published'; resolve: () => void }[] = [];
  private publishAbandoned = false;
  private persistMs = 0;
  private publishMs = 0;
  private warnedBuffer = false;
  private warnedAfterClose = false;
  /** The pause handed to writers while above the high-water mark (one for all of them). */
  private pause: { value: LogPause; release: () => void; since: number } | null = null;
  private pauses = 0;
  private pausedMs = 0;
  private peakBacklog = 0;
  /** The time of the last line written: lines of the same millisecond share it. */
  private clock: { ms: number; at: Date; iso: string } = { ms: -1, at: new Date(0), iso: '' };
  /** The last target id written, and checked: a flood comes from one target at a time. */
  private target: { raw: string | null; id: string | null } = { raw: null, id: null };

  constructor(opts: LogSinkOptions) {
    this.deploymentId = opts.deploymentId;
    this.prisma = opts.prisma;
    this.redis = opts.redis;
    this.streamKey = logStreamKey(opts.prefix, opts.deploymentId);
    this.maxBytes = opts.maxBytes;
    this.mask = createMasker(opts.secrets);
    this.logger = opts.logger;
    this.tailCapacity = opts.tailLinesPerTarget ?? 500;
    this.flushIntervalMs = opts.flushIntervalMs ?? 100;
    this.flushAtLines = opts.flushAtLines ?? 1000;
    this.maxBatchLines = opts.maxBatchLines ?? 5000;
    this.storesInFlight = Math.max(1, opts.storesInFlight ?? 1);
    this.streamMaxLen = opts.streamMaxLen ?? 50_000;
    this.streamTtl = opts.streamTtlSeconds ?? 24 * 3600;
    this.closedStreamTtl = opts.closedStreamTtlSeconds ?? 3600;
    this.closePublishTimeoutMs = opts.closePublishTimeoutMs ?? 10_000;
    this.highWaterLines = opts.highWaterLines ?? 16_000;
    this.highWaterBytes = opts.highWaterBytes ?? 8 * 1024 * 1024;
  }

  /** Loads where the log stands (a resumed deployment continues its seq) and starts flushing. */
  async open(): Promise<this> {
    if (this.opened) return this;
    const row = await this.prisma.deployment.findUnique({
      where: { id: this.deploymentId },
      select: { logBytes: true, logTruncated: true },
    });
    if (!row) throw new Error(`deployment ${this.deploymentId} not found`);
    const agg = await this.prisma.deploymentLog.aggregate({
      where: { deploymentId: this.deploymentId },
      _max: { seq: true },
    });
    const maxSeq = agg._max.seq ?? 0;
    this.nextSeq = maxSeq + 1;
    this.persistedSeq = maxSeq;
    // Lines already in Postgres count as published: a reader fills stream holes from there.
    this.publishedSeq = maxSeq;
    this.logBytes = Number(row.logBytes);
    this.persistedBytes = this.logBytes;
    this.truncated = row.logTruncated;
    if (this.truncated) this.markerSeq = 0;
    this.opened = true;
    this.timer = setInterval(() => this.kick(), this.flushIntervalMs);
    this.timer.unref();
    return this;
  }

  /**
   * Sync and cheap; safe to call from an executor's log callback. The line is always taken;
   * a LogPause answer asks the source to stop reading until `resumed` (backpressure).
   */
  write(line: LogLineInput): LogPause | undefined {
    if (!this.opened) throw new Error('LogSink.open() must finish before write()');
    if (this.closing || this.gone) {
      if (!this.warnedAfterClose) {
        this.warnedAfterClose = true;
        this.logger?.warn(`log line for deployment ${this.deploymentId} after the sink closed; dropped`, 'LogSink');
      }
      return undefined;
    }
    const text = this.clean(line.text);
    const size = Buffer.byteLength(text, 'utf8') + 1; // +1: the newline it takes in a download
    const stream: LogStreamName = STREAM_SET.has(line.stream) ? line.stream : 'stdout';
    const targetId = this.checkedTarget(line.targetId);
    const { at, iso: atIso } = this.now();
    if (!this.truncated) {
      if (this.logBytes + size <= this.maxBytes) {
        this.enqueue({ targetId, stream, at, atIso, text, size });
        return this.pressure();
      }
      this.truncate();
    }
    this.droppedLines++;
    let ring = this.tails.get(targetId);
    if (!ring) {
      ring = new TailRing(this.tailCapacity);
      this.tails.set(targetId, ring);
    }
    ring.push({ targetId, stream, at, atIso, text, size });
    return this.pressure();
  }

  /** A uuid target id as is, anything else as null; the last one is remembered. */
  private checkedTarget(raw: string | null): string | null {
    if (raw === this.target.raw) return this.target.id;
    const id = raw !== null && UUID.test(raw) ? raw : null;
    this.target = { raw, id };
    return id;
  }

  /**
   * One Date and one ISO string per millisecond, not per line: a burst of output is
   * thousands of lines per ms, and each Date and string is garbage for the collector.
   */
  private now(): { at: Date; iso: string } {
    const ms = Date.now();
    if (ms !== this.clock.ms) {
      const at = new Date(ms);
      this.clock = { ms, at, iso: at.toISOString() };
    }
    return this.clock;
  }

  /** Lines handed out but not yet through: stored, and published unless Redis was given up. */
  private backlog(): number {
    return this.nextSeq - 1 - (this.publishAbandoned ? this.persistedSeq : this.publishedSeq);
  }

  private pressure(): LogPause | undefined {
    if (this.pause) return this.pause.value;
    const backlog = this.backlog();
    if (backlog > this.peakBacklog) this.peakBacklog = backlog;
    if (this.gone || (backlog < this.highWaterLines && this.bufferedBytes < this.highWaterBytes)) return undefined;
    let release!: () => void;
    const resumed = new Promise<void>((resolve) => (release = resolve));
    this.pause = { value: { resumed }, release, since: performance.now() };
    this.pauses++;
    this.kick();
    return this.pause.value;
  }

  /** Ends the pause once the backlog is below half the high-water marks (or nothing can drain). */
  private relieve(): void {
    const p = this.pause;
    if (!p) return;
    const drained = this.backlog() <= this.highWaterLines / 2 && this.bufferedBytes <= this.highWaterBytes / 2;
    if (!drained && !this.gone) return;
    this.pause = null;
    this.pausedMs += performance.now() - p.since;
    p.release();
  }

  /**
   * After the cap, a failed target's last lines must still be readable: writes the lines the
   * cap dropped for this target (at most tailLinesPerTarget, after an "omitted" marker), even
   * beyond the cap. Returns how many lines it wrote. A no-op before the cap is reached.
   */
  flushTail(targetId: string | null): number {
    const ring = this.tails.get(targetId);
    if (!ring || ring.dropped === 0 || this.closing || this.gone) return 0;
    this.tails.delete(targetId);
    const lines = ring.lines();
    const omitted = ring.dropped - lines.length;
    let written = 0;
    if (omitted > 0) {
      const text = `… ${omitted} lines omitted …`;
      const first = lines[0] ?? this.now();
      this.enqueue({
        targetId,
        stream: 'system',
        at: first.at,
        atIso: 'atIso' in first ? first.atIso : first.iso,
        text,
        size: Buffer.byteLength(text) + 1,
      });
      written++;
    }
    for (const l of lines) this.enqueue(l);
    this.kick();
    return written + lines.length;
  }

  /** Resolves once every line written before the call is in Postgres and in the stream. */
  drained(): Promise<void> {
    return this.reached('published');
  }

  private reached(stage: 'persisted' | 'published'): Promise<void> {
    const seq = this.nextSeq - 1;
    if (this.isReached(stage, seq)) return Promise.resolve();
    this.kick();
    return new Promise((resolve) => this.waiters.push({ seq, stage, resolve }));
  }

  private isReached(stage: 'persisted' | 'published', seq: number): boolean {
    if (this.gone) return true;
    if (stage === 'persisted') return this.persistedSeq >= seq;
    return this.publishedSeq >= seq || (this.publishAbandoned && this.persistedSeq >= seq);
  }

  /** Flushes everything, stops the timer and lets the stream expire (readers then use Postgres). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      // Postgres is the source of truth: wait for it as long as it takes.
      await this.reached('persisted');
      // Redis only feeds live viewers, and they fill holes from Postgres: bounded wait.
      if (!(await withinMs(this.drained(), this.closePublishTimeoutMs))) {
        this.logger?.warn(
          `gave up publishing the last log lines of deployment ${this.deploymentId}: Redis is unreachable; viewers read them from Postgres`,
          'LogSink',
        );
        this.publishAbandoned = true;
        this.publishQueue.length = 0;
        this.resolveWaiters();
      }
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
      const expired = this.redis.expire(this.streamKey, this.closedStreamTtl).then(
        () => true,
        (err: unknown) => {
          this.logger?.warn(`could not shorten the log stream expiry: ${errorMessage(err)}`, 'LogSink');
          return true;
        },
      );
      // The running TTL set on every publish still cleans the stream up.
      await withinMs(expired, this.closePublishTimeoutMs);
    })();
    return this.closing;
  }

  stats(): LogSinkStats {
    return {
      lastSeq: this.nextSeq - 1,
      persistedSeq: this.persistedSeq,
      publishedSeq: this.publishedSeq,
      bufferedLines: this.bufferedLines,
      bufferedBytes: this.bufferedBytes,
      logBytes: this.logBytes,
      truncated: this.truncated,
      droppedLines: this.droppedLines,
      persistMs: Math.round(this.persistMs),
      publishMs: Math.round(this.publishMs),
      pauses: this.pauses,
      pausedMs: Math.round(this.pausedMs + (this.pause ? performance.now() - this.pause.since : 0)),
      peakBacklogLines: this.peakBacklog,
    };
  }

  private clean(text: string): string {
    // Postgres text holds neither NUL nor lone surrogates; such a line would fail its batch
    // forever.
    let t = text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
    const u = t as unknown as WellFormed;
    if (!u.isWellFormed()) t = u.toWellFormed();
    return this.mask(t);
  }

  private truncate(): void {
    this.truncated = true;
    const mb = Math.round((this.maxBytes / (1024 * 1024)) * 100) / 100;
    const text =
      `… log truncated: it reached the ${mb} MB limit (WHARF_LOG_MAX_MB); further lines are dropped, ` +
      `except the last ${this.tailCapacity} lines of each failed target …`;
    this.markerSeq = this.nextSeq;
    const { at, iso: atIso } = this.now();
    this.enqueue({ targetId: null, stream: 'system', at, atIso, text, size: Buffer.byteLength(text) + 1 });
  }

  private enqueue(l: DroppedLine): void {
    const batch = (this.filling ??= new LogBatch(this.deploymentId, this.pool));
    batch.add(this.nextSeq++, l.targetId, l.stream, l.at.getTime(), l.atIso, l.text, l.size);
    if (batch.lines >= this.maxBatchLines) this.full.push(this.sealFilling()!);
    this.logBytes += l.size;
    this.bufferedBytes += l.size;
    const pending = ++this.bufferedLines;
    if (pending >= BUFFER_WARN_LINES && !this.warnedBuffer) {
      this.warnedBuffer = true;
      this.logger?.warn(
        `log buffer of deployment ${this.deploymentId} holds ${pending} lines: Postgres is slow`,
        'LogSink',
      );
    }
    if (pending >= this.flushAtLines && !this.kickScheduled && this.storing.length < this.storesInFlight) {
      // Not now: write() stays sync and cheap; the flush starts once the caller yields.
      this.kickScheduled = true;
      setImmediate(() => {
        this.kickScheduled = false;
        this.kick();
      });
    }
  }

  /** Closes the filling batch (batches are sealed in seq order, so logBytes adds up in order). */
  private sealFilling(): LogBatch | null {
    const b = this.filling;
    if (!b) return null;
    this.filling = null;
    this.persistedBytes += b.bytes;
    // logTruncated is stored with the batch that holds the marker and every later one.
    return b.seal(this.persistedBytes, this.markerSeq !== null && b.lastSeq >= this.markerSeq);
  }

  private takeBatch(): LogBatch | null {
    const b = this.full.shift() ?? this.sealFilling();
    if (!b) return null;
    this.bufferedLines -= b.lines;
    this.bufferedBytes -= b.bytes;
    return b;
  }

  private kick(): void {
    if (!this.opened || this.gone) return;
    this.startStores();
    if (!this.publishing && this.publishQueue.length > 0) void this.publishLoop();
  }

  /** Starts storing buffered batches while fewer than storesInFlight are under way. */
  private startStores(): void {
    while (this.storing.length < this.storesInFlight && !this.gone) {
      const batch = this.takeBatch();
      if (!batch) return;
      const slot = { batch, stored: false };
      this.storing.push(slot);
      void this.persist(slot);
    }
  }

  private async persist(slot: { batch: LogBatch; stored: boolean }): Promise<void> {
    const b = slot.batch;
    const started = performance.now();
    const ok = await this.keepTrying('store log lines', () => this.store(b));
    this.persistMs += performance.now() - started;
    if (!ok || this.gone) return;
    slot.stored = true;
    // A later batch may commit first: lines count as stored (and go to Redis) in seq order.
    while (this.storing[0]?.stored) {
      const done = this.storing.shift()!.batch;
      this.persistedSeq = done.lastSeq;
      if (!this.publishAbandoned) this.publishQueue.push(done);
      else done.release();
    }
    this.resolveWaiters();
    if (!this.publishing && this.publishQueue.length > 0) void this.publishLoop();
    this.startStores();
  }

  private async publishLoop(): Promise<void> {
    this.publishing = true;
    try {
      for (
        let b = this.publishQueue.shift();
        b && !this.gone && !this.publishAbandoned;
        b = this.publishQueue.shift()
      ) {
        const batch = b;
        const started = performance.now();
        const ok = await this.keepTrying(
          'publish log lines',
          () => this.xadd(batch),
          () => this.publishAbandoned,
        );
        this.publishMs += performance.now() - started;
        if (!ok) return;
        this.publishedSeq = batch.lastSeq;
        batch.release();
        this.resolveWaiters();
      }
    } finally {
      this.publishing = false;
    }
  }

  /** COPY on the first attempt; an idempotent INSERT on a retry (the COPY may have committed). */
  private async store(b: LogBatch): Promise<void> {
    if (b.attempted) return this.insert(b);
    b.attempted = true;
    return this.copy(b);
  }

  private async copy(b: LogBatch): Promise<void> {
    const client = await this.prisma.pool.connect();
    let broken: Error | undefined;
    try {
      const copy = client.query(
        new LogCopy({
          deploymentId: this.deploymentId,
          lines: b.copyRows(),
          logBytes: b.logBytes,
          truncated: b.truncated,
        }),
      );
      const r = await copy.done;
      if (!r.deploymentUpdated) throw new DeploymentGoneError();
    } catch (err) {
      // A connection that failed mid-COPY is not reused: its protocol state is unknown.
      if (!(err instanceof DeploymentGoneError) && !isDatabaseError(err)) broken = err as Error;
      throw err;
    } finally {
      client.release(broken);
    }
  }

  private async insert(b: LogBatch): Promise<void> {
    const r = b.rows();
    const res = await this.prisma.pool.query(INSERT_SQL, [
      this.deploymentId,
      r.seqs,
      r.targets,
      r.streams,
      r.ats,
      r.texts,
      String(b.logBytes),
      b.truncated,
    ]);
    if (res.rowCount === 0) throw new DeploymentGoneError();
  }

  private async xadd(b: LogBatch): Promise<void> {
    const results = await this.redis
      .pipeline()
      .xadd(
        this.streamKey,
        'MINID',
        '~',
        `0-${Math.max(0, b.lastSeq - this.streamMaxLen)}`,
        `0-${b.lastSeq}`,
        ...b.streamFields(),
      )
      .expire(this.streamKey, this.streamTtl)
      .exec();
    if (!results) throw new Error('redis pipeline aborted');
    for (const [err] of results) if (err && !ALREADY_PUBLISHED.test(err.message)) throw err;
  }

  /** Runs `fn` until it succeeds; false when the deployment row disappeared or `until()`. */
  private async keepTrying(what: string, fn: () => Promise<void>, until?: () => boolean): Promise<boolean> {
    try {
      await retry(fn, {
        ...(until ? { until } : {}),
        shouldRetry: (err) => !isGone(err),
        onRetry: (err, attempt) => {
          if (attempt % 10 !== 1) return;
          this.logger?.warn(
            `could not ${what} of deployment ${this.deploymentId} (attempt ${attempt}), retrying: ${errorMessage(err)}`,
            'LogSink',
          );
        },
      });
      return true;
    } catch (err) {
      if (isGone(err)) this.markGone();
      else if (!(err instanceof RetryStoppedError)) throw err;
      return false;
    }
  }

  private markGone(): void {
    if (this.gone) return;
    this.gone = true;
    this.logger?.error(
      `deployment ${this.deploymentId} no longer exists; its log lines are dropped`,
      undefined,
      'LogSink',
    );
    this.filling = null;
    this.full.length = 0;
    this.bufferedLines = 0;
    this.storing.length = 0;
    this.publishQueue.length = 0;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
    this.relieve();
  }

  private resolveWaiters(): void {
    this.relieve();
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (this.isReached(w.stage, w.seq)) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }
}

/** ES2024 string methods (Node 20 has them; the project's lib is ES2023). */
interface WellFormed {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

class DeploymentGoneError extends Error {
  constructor() {
    super('deployment row is gone');
  }
}

function isGone(err: unknown): boolean {
  return err instanceof DeploymentGoneError || isForeignKeyViolation(err, 'DeploymentLog_deploymentId_fkey');
}

/** An error Postgres answered with (pg's DatabaseError): the connection is still in a known state. */
function isDatabaseError(err: unknown): boolean {
  const e = err as { severity?: unknown; code?: unknown } | null;
  return typeof e === 'object' && e !== null && typeof e.severity === 'string' && typeof e.code === 'string';
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** True if `p` settled within `ms`. */
async function withinMs(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
