// Verify over the whole audit chain on every core: the chain is cut into ranges of positions,
// worker threads (audit-verify-worker.js) each read and hash whole ranges through their own
// connection, and the answer is taken in chain order: the first range that breaks names the
// problem, exactly as one walk from the start would (ChainWalker builds its report).
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ChainWalker, type ChainedRow, type ChainProblem } from './audit-chain.js';

/** A chained row as the worker reads it: ids and positions as text, `at` as its ISO text. */
export type RawChainRow = Omit<ChainedRow, 'id' | 'seq' | 'at'> & { id: string; seq: string; at: string };

/** Chain positions `from`..`to`, both included (int8 text). */
export interface RangeTask {
  index: number;
  from: string;
  to: string;
}

interface WalkState {
  seq: string;
  hash: Uint8Array | null;
}

export type RangeResult =
  | { index: number; checked: number; end: WalkState }
  | { index: number; checked: number; failure: { row: RawChainRow; before: WalkState } }
  | { index: number; error: string };

export interface ChainVerifyOptions {
  databaseUrl: string;
  key: Buffer;
  /** The chain head: the ranges cover 1..head.seq, the first and the last open-ended. */
  head: { seq: bigint; hash: Uint8Array | null };
  /** Positions per range (default 25,000). */
  rangeSize?: number;
  /** Rows per read (default 5,000). */
  batch?: number;
  /** Worker threads (default: one per core). */
  workers?: number;
}

export interface ChainVerifyOutcome {
  checked: number;
  problem: ChainProblem | null;
}

const MIN_SEQ = -9223372036854775808n;
const MAX_SEQ = 9223372036854775807n;
const WORKER_URL = new URL('./audit-verify-worker.js', import.meta.url);

/** Ranges of positions covering every possible chainSeq, in chain order. */
export function chainRanges(headSeq: bigint, size: number): RangeTask[] {
  const step = BigInt(size);
  const count = headSeq > 0n ? Number((headSeq + step - 1n) / step) : 1;
  return Array.from({ length: count }, (_, i) => ({
    index: i,
    from: (i === 0 ? MIN_SEQ : BigInt(i) * step + 1n).toString(),
    to: (i === count - 1 ? MAX_SEQ : BigInt(i + 1) * step).toString(),
  }));
}

function toChainedRow(r: RawChainRow) {
  return { ...r, id: BigInt(r.id), seq: BigInt(r.seq) };
}

/** Walks the chain's ranges in parallel; returns what one walk in order would have found. */
export async function verifyChainInParallel(opts: ChainVerifyOptions): Promise<ChainVerifyOutcome> {
  const tasks = chainRanges(opts.head.seq, opts.rangeSize ?? 25_000);
  const results = await runRanges(opts, tasks);
  let checked = 0;
  for (const r of results) {
    if ('error' in r) throw new Error(`audit verify worker failed: ${r.error}`);
    if ('failure' in r) {
      const { row, before } = r.failure;
      const walker = new ChainWalker(opts.key).resumeAfter({ seq: BigInt(before.seq), hash: before.hash });
      const problem = walker.check(toChainedRow(row));
      // The worker and the walker hash the same way; if they ever disagree, say so loudly.
      if (!problem) throw new Error(`audit verify: event ${row.id} failed in a worker but not in the walker`);
      return { checked: checked + r.checked, problem };
    }
    checked += r.checked;
  }
  const last = results.at(-1);
  const end = last && 'end' in last ? last.end : { seq: '0', hash: null };
  const walker = new ChainWalker(opts.key).resumeAfter({ seq: BigInt(end.seq), hash: end.hash });
  return { checked, problem: walker.end(opts.head) };
}

/**
 * Hands the ranges out to the workers in order, one at a time each; once a range has failed,
 * the ones after it are not started. Returns the results of the ranges up to the first that
 * failed, in chain order.
 */
async function runRanges(opts: ChainVerifyOptions, tasks: RangeTask[]): Promise<RangeResult[]> {
  const count = Math.max(1, Math.min(opts.workers ?? availableParallelism(), tasks.length));
  const workerData = { databaseUrl: opts.databaseUrl, key: new Uint8Array(opts.key), batch: opts.batch ?? 5_000 };
  const workers = Array.from({ length: count }, () => new Worker(WORKER_URL, { workerData }));
  // Listened for from the start: a worker that fails to start has exited before `finally`.
  const exits = workers.map((w) => new Promise<void>((resolve) => w.once('exit', () => resolve())));
  const results: RangeResult[] = [];
  let next = 0;
  let stopAt = tasks.length;
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const give = () => {
              if (next >= stopAt) return resolve();
              worker.postMessage(tasks[next++]);
            };
            worker.on('message', (r: RangeResult) => {
              results[r.index] = r;
              if (!('end' in r)) stopAt = Math.min(stopAt, r.index + 1);
              give();
            });
            worker.once('error', reject);
            worker.once('exit', (code) => reject(new Error(`audit verify worker stopped (exit code ${code})`)));
            give();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w, i) => stop(w, exits[i]!)));
  }
  return results.slice(0, stopAt);
}

/** Lets a worker close its connection, then makes sure it is gone. */
async function stop(worker: Worker, exited: Promise<void>): Promise<void> {
  worker.postMessage('stop');
  const timer = setTimeout(() => void worker.terminate(), 5_000);
  await exited;
  clearTimeout(timer);
}
