// A batch of log lines held as bytes, not as one object per line: each line is written, as it
// arrives, straight into the two forms it will leave the worker in, the COPY text rows for
// Postgres and the JSON array of line views for the Redis stream. The line's own strings then
// die young.
//
// Why: with one object (and a few strings) per line waiting in the backlog, every waiting line
// outlived two scavenges and was promoted to V8's old space, where it stayed as garbage until a
// major GC; at tens of thousands of lines a second that let the worker's heap grow by ~200 MiB
// (bench/log-stream, sampled with the heap profiler: the sink's line objects, the COPY text,
// and ioredis' per-line XADD arguments were most of the promoted bytes). Bytes in a Buffer
// are outside the heap and are reused (BufferPool), so the backlog costs the same memory at
// every rate.
import type { LogLineView, LogStreamName } from '@wharf/shared';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Backslash, newline, carriage return and tab are COPY's text-format delimiters. */
const COPY_SPECIAL = /[\\\n\r\t]/;
const COPY_SPECIAL_ALL = /[\\\n\r\t]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const COPY_UNESCAPE = /\\(.)/g;
const COPY_UNESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\' };

/** Free Buffers for batches, so a flood reuses the same memory instead of churning it. */
export class BufferPool {
  private readonly free: Buffer[] = [];
  constructor(
    private readonly keep: number,
    private readonly maxKeptBytes: number,
  ) {}

  /** The largest free Buffer (a batch that starts big does not grow), or a new one. */
  take(minBytes: number): Buffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      if (this.free[i]!.length >= minBytes && (best < 0 || this.free[i]!.length > this.free[best]!.length)) best = i;
    }
    if (best >= 0) return this.free.splice(best, 1)[0]!;
    return Buffer.allocUnsafeSlow(Math.max(minBytes, 64 * 1024));
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
  constructor(private readonly pool: BufferPool) {
    this.buf = pool.take(64 * 1024);
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
    const bigger = this.pool.take(Math.max(need, this.buf.length * 2));
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
  private readonly json: ByteSink;
  private sealed = false;

  constructor(
    private readonly deploymentId: string,
    pool: BufferPool,
  ) {
    // Written unquoted into every COPY row.
    if (!UUID.test(deploymentId)) throw new Error('deploymentId is not a uuid');
    this.copy = new ByteSink(pool);
    this.json = new ByteSink(pool);
    this.json.write('[', 'latin1');
  }

  /**
   * Appends one line. `targetJson` is the target id as JSON (`null` or `"<uuid>"`), `targetId`
   * the bare uuid or null; both checked by the caller, like `stream` and `atIso`.
   */
  add(
    seq: number,
    targetId: string | null,
    targetJson: string,
    stream: LogStreamName,
    atIso: string,
    text: string,
    size: number,
  ): void {
    if (this.sealed) throw new Error('LogBatch: add after seal');
    if (this.lines === 0) this.firstSeq = seq;
    const copyText = COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIAL_ALL, (c) => COPY_ESCAPES[c]!) : text;
    // Prisma keeps DateTime as UTC in timestamp-without-zone columns; the ISO zone is dropped.
    this.copy.write(`${this.deploymentId}\t${seq}\t${targetId ?? '\\N'}\t${stream}\t${atIso}\t`, 'latin1');
    this.copy.write(copyText);
    this.copy.write('\n', 'latin1');
    // Exactly JSON.stringify(LogLineView), written out.
    this.json.write(
      `${this.lines === 0 ? '' : ','}{"seq":${seq},"targetId":${targetJson},"stream":"${stream}","at":"${atIso}","text":`,
      'latin1',
    );
    this.json.write(JSON.stringify(text));
    this.json.write('}', 'latin1');
    this.lastSeq = seq;
    this.lines++;
    this.bytes += size;
  }

  seal(logBytes: number, truncated: boolean): this {
    if (!this.sealed) this.json.write(']', 'latin1');
    this.sealed = true;
    this.logBytes = logBytes;
    this.truncated = truncated;
    return this;
  }

  /** COPY text-format rows, one per line. */
  copyRows(): Buffer {
    return this.copy.bytes();
  }

  /** JSON array of the lines' LogLineView, as the stream entry holds it (after seal()). */
  streamJson(): Buffer {
    return this.json.bytes();
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

  /** Lines as views (tests and the retry path read them back). */
  views(): LogLineView[] {
    return JSON.parse(this.json.bytes().toString('utf8')) as LogLineView[];
  }

  /** Gives the Buffers back to the pool; the batch is unusable afterwards. */
  release(): void {
    this.copy.release();
    this.json.release();
  }
}
