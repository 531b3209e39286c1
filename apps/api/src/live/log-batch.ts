// A batch of log lines held as bytes, not as one object per line: each line is written, as it
// arrives, straight into the two forms it will leave the worker in, the COPY text rows for
// Postgres and the column-wise LinesWire for the Redis stream (texts, time deltas, stream
// letters, target runs: the form viewers get, a third of the JSON of line views). The line's
// own strings then die young.
//
// Why: with one object (and a few strings) per line waiting in the backlog, every waiting line
// outlived two scavenges and was promoted to V8's old space, where it stayed as garbage until a
// major GC; at tens of thousands of lines a second that let the worker's heap grow by ~200 MiB
// (bench/log-stream, sampled with the heap profiler: the sink's line objects, the COPY text,
// and ioredis' per-line XADD arguments were most of the promoted bytes). Bytes in a Buffer
// are outside the heap and are reused (BufferPool), so the backlog costs the same memory at
// every rate.
import { STREAM_CODE, type LogLineView, type LogStreamName } from '@wharf/shared';
import { escapeCopyText, UUID } from './log-copy.js';
import { decodeStreamEntry, STREAM_WIRE_FIELDS } from './log-line.js';

const COPY_UNESCAPE = /\\(.)/g;
const COPY_UNESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\' };

/** Free Buffers for batches, so a flood reuses the same memory instead of churning it. */
export class BufferPool {
  private readonly free: Buffer[] = [];
  constructor(
    private readonly keep: number,
    private readonly maxKeptBytes: number,
  ) {}

  /**
   * A free Buffer of at least `minBytes`, or a new one: the largest for a column that may grow
   * big (it then need not grow), the smallest that fits for a small one.
   */
  take(minBytes: number, large = true): Buffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const len = this.free[i]!.length;
      if (len < minBytes) continue;
      if (best < 0 || (large ? len > this.free[best]!.length : len < this.free[best]!.length)) best = i;
    }
    if (best >= 0) return this.free.splice(best, 1)[0]!;
    return Buffer.allocUnsafeSlow(minBytes);
  }

  /** Keeps the largest ones, up to `keep` of at most `maxKeptBytes` each. */
  give(buf: Buffer): void {
    if (buf.length === 0 || buf.length > this.maxKeptBytes) return;
    if (this.free.length < this.keep) {
      this.free.push(buf);
      return;
    }
    let smallest = 0;
    for (let i = 1; i < this.free.length; i++) if (this.free[i]!.length < this.free[smallest]!.length) smallest = i;
    if (this.free[smallest]!.length < buf.length) this.free[smallest] = buf;
  }
}

/** Bytes appended to a pooled Buffer that grows by doubling. */
class ByteSink {
  buf: Buffer;
  length = 0;
  constructor(
    private readonly pool: BufferPool,
    private readonly large = true,
  ) {
    this.buf = pool.take(large ? 64 * 1024 : 16 * 1024, large);
  }

  /** `latin1` for text known to be ASCII (ids, numbers, ISO times): no UTF-8 encoding pass. */
  write(text: string, encoding: 'utf8' | 'latin1' = 'utf8'): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const worst = encoding === 'latin1' ? text.length : text.length * 3;
    if (this.length + worst > this.buf.length) this.grow(this.length + worst);
    this.length += this.buf.write(text, this.length, encoding);
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  release(): void {
    this.pool.give(this.buf);
    this.buf = EMPTY;
    this.length = 0;
  }

  private grow(need: number): void {
    const bigger = this.pool.take(Math.max(need, this.buf.length * 2), this.large);
    this.buf.copy(bigger, 0, 0, this.length);
    this.pool.give(this.buf);
    this.buf = bigger;
  }
}
const EMPTY = Buffer.alloc(0);

/** One line's fields for the retry INSERT (read back from the COPY rows). */
export interface BatchRows {
  seqs: number[];
  targets: (string | null)[];
  streams: string[];
  ats: string[];
  texts: string[];
}

export class LogBatch {
  firstSeq = 0;
  lastSeq = 0;
  lines = 0;
  /** Log bytes of the lines (text + newline, as Deployment.logBytes counts them). */
  bytes = 0;
  /** Deployment.logBytes once this batch is stored (absolute: a retry is idempotent). Set by seal(). */
  logBytes = 0;
  truncated = false;
  /** Set by the first attempt to store it: a retry must not COPY (no ON CONFLICT there). */
  attempted = false;
  private readonly copy: ByteSink;
  /** The stream entry's columns (a LinesWire without its deploymentId; see streamFields()). */
  private readonly texts: ByteSink;
  private readonly ats: ByteSink;
  private readonly streams: ByteSink;
  private readonly targets: (number | string | null)[] = [];
  private lastTarget: string | null | undefined = undefined;
  private lastMs = 0;
  private sealed = false;

  constructor(
    private readonly deploymentId: string,
    pool: BufferPool,
  ) {
    // Written unquoted into every COPY row.
    if (!UUID.test(deploymentId)) throw new Error('deploymentId is not a uuid');
    this.copy = new ByteSink(pool);
    this.texts = new ByteSink(pool);
    this.ats = new ByteSink(pool, false);
    this.streams = new ByteSink(pool, false);
    this.texts.write('[', 'latin1');
    this.ats.write('[', 'latin1');
  }

  /** Appends one line; `targetId`, `stream` and `atIso` (the ISO form of `atMs`) checked by the caller. */
  add(
    seq: number,
    targetId: string | null,
    stream: LogStreamName,
    atMs: number,
    atIso: string,
    text: string,
    size: number,
  ): void {
    if (this.sealed) throw new Error('LogBatch: add after seal');
    const first = this.lines === 0;
    if (first) this.firstSeq = seq;
    else if (seq !== this.lastSeq + 1) throw new Error('LogBatch: seqs must be consecutive');
    const copyText = escapeCopyText(text);
    // Prisma keeps DateTime as UTC in timestamp-without-zone columns; the ISO zone is dropped.
    this.copy.write(`${this.deploymentId}\t${seq}\t${targetId ?? '\\N'}\t${stream}\t${atIso}\t`, 'latin1');
    this.copy.write(copyText);
    this.copy.write('\n', 'latin1');
    // Column-wise, as LinesWire: text, ms delta, stream letter, target runs.
    if (!first) this.texts.write(',', 'latin1');
    this.texts.write(JSON.stringify(text));
    this.ats.write(first ? String(atMs) : `,${atMs - this.lastMs}`, 'latin1');
    this.lastMs = atMs;
    this.streams.write(STREAM_CODE[stream], 'latin1');
    if (!first && targetId === this.lastTarget) (this.targets[this.targets.length - 2] as number)++;
    else this.targets.push(1, targetId);
    this.lastTarget = targetId;
    this.lastSeq = seq;
    this.lines++;
    this.bytes += size;
  }

  seal(logBytes: number, truncated: boolean): this {
    if (!this.sealed) {
      this.texts.write(']', 'latin1');
      this.ats.write(']', 'latin1');
    }
    this.sealed = true;
    this.logBytes = logBytes;
    this.truncated = truncated;
    return this;
  }

  /** COPY text-format rows, one per line. */
  copyRows(): Buffer {
    return this.copy.bytes();
  }

  /**
   * The stream entry's field/value pairs (after seal()): the LinesWire columns, each its own
   * field, so they go to Redis without being joined into one more buffer. See
   * `decodeStreamEntry()` in log-line.ts.
   */
  streamFields(): (string | Buffer)[] {
    return [
      STREAM_WIRE_FIELDS.seq,
      String(this.firstSeq),
      STREAM_WIRE_FIELDS.text,
      this.texts.bytes(),
      STREAM_WIRE_FIELDS.at,
      this.ats.bytes(),
      STREAM_WIRE_FIELDS.stream,
      this.streams.bytes(),
      STREAM_WIRE_FIELDS.targets,
      JSON.stringify(this.targets),
    ];
  }

  /** The lines' fields again, for the idempotent INSERT of a retry (a rare path). */
  rows(): BatchRows {
    const out: BatchRows = { seqs: [], targets: [], streams: [], ats: [], texts: [] };
    const text = this.copy.bytes().toString('utf8');
    let start = 0;
    while (start < text.length) {
      const end = text.indexOf('\n', start);
      const cols = text.slice(start, end).split('\t');
      start = end + 1;
      out.seqs.push(Number(cols[1]));
      out.targets.push(cols[2] === '\\N' ? null : cols[2]!);
      out.streams.push(cols[3]!);
      out.ats.push(cols[4]!);
      out.texts.push(cols[5]!.replace(COPY_UNESCAPE, (_, c: string) => COPY_UNESCAPES[c] ?? c));
    }
    return out;
  }

  /** Lines as views, read back from the stream fields (tests). */
  views(): LogLineView[] {
    const fields = this.streamFields().map((f) => (typeof f === 'string' ? f : f.toString('utf8')));
    return decodeStreamEntry(fields) ?? [];
  }

  /** Gives the Buffers back to the pool; the batch is unusable afterwards. */
  release(): void {
    this.copy.release();
    this.texts.release();
    this.ats.release();
    this.streams.release();
  }
}
