// @ts-check
// A Verify worker thread (started by audit-chain-verifier.ts): checks whole ranges of the audit
// chain, each read through its own pg connection in keyset batches (the next batch is read
// while this one is hashed). An event's expected hash needs only the stored hash of the event
// before it, so ranges check independently: the range's first event is linked to the stored
// event just before the range. Plain JavaScript, see audit-chain-hasher.js for why.
import { timingSafeEqual } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { chainHasher } from './audit-chain-hasher.js';

/** @typedef {import('./audit-chain-verifier.js').RangeTask} RangeTask */
/** @typedef {import('./audit-chain-verifier.js').RangeResult} RangeResult */
/** @typedef {import('./audit-chain-verifier.js').RawChainRow} RawChainRow */

const { databaseUrl, key, batch } = /** @type {{ databaseUrl: string; key: Uint8Array; batch: number }} */ (workerData);
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);

// `at` comes back as the exact text toISOString() gives (the column is UTC, millisecond precision).
const ROWS_SQL = `
  SELECT "id"::text AS "id", "chainSeq"::text AS "seq",
         to_char("at", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "at",
         "actorUserId"::text AS "actorUserId", "actorTokenId"::text AS "actorTokenId", "actorLabel", "action",
         "subjectType", "subjectId", "projectId"::text AS "projectId", "ip", "data", "chainHash" AS "hash"
    FROM "AuditEvent" WHERE "chainSeq" >= $1 AND "chainSeq" <= $2 ORDER BY "chainSeq" ASC LIMIT ${batch}`;
const BEFORE_SQL = `
  SELECT "chainSeq"::text AS "seq", "chainHash" AS "hash"
    FROM "AuditEvent" WHERE "chainSeq" < $1 ORDER BY "chainSeq" DESC LIMIT 1`;
const MAX_SEQ = 9223372036854775807n;

const client = new pg.Client({ connectionString: databaseUrl });
// A dropped connection fails the query in flight (reported as this range's error); pg also
// emits 'error', which without a listener would end the thread with an uncaught exception.
client.on('error', () => {});
const connected = client.connect();
const hashOf = chainHasher(key);

/**
 * @param {string} from
 * @param {string} to
 * @returns {Promise<RawChainRow[]>}
 */
const rowsFrom = (from, to) => client.query(ROWS_SQL, [from, to]).then((r) => r.rows);

/**
 * @param {RangeTask} task
 * @returns {Promise<RangeResult>}
 */
async function checkRange(task) {
  await connected;
  // The walk state before the range: the stored event just before it (none: the chain's start).
  const before = (await client.query(BEFORE_SQL, [task.from])).rows[0];
  let lastSeq = before ? BigInt(before.seq) : 0n;
  /** @type {Uint8Array | null} */
  let previous = before ? before.hash : null;
  const start = { seq: lastSeq.toString(), hash: previous };
  let checked = 0;
  /** @type {Promise<RawChainRow[]> | null} */
  let pending = rowsFrom(task.from, task.to);
  while (pending) {
    /** @type {RawChainRow[]} */
    const rows = await pending;
    const last = rows[rows.length - 1];
    const next = last ? BigInt(last.seq) + 1n : 0n;
    pending = rows.length === batch && next <= MAX_SEQ ? rowsFrom(next.toString(), task.to) : null;
    // If this batch fails, the prefetched one must not end as an unhandled rejection.
    pending?.catch(() => undefined);
    for (const row of rows) {
      const seq = BigInt(row.seq);
      const stored = row.hash;
      // The row as read (seq as text: the same digits bigint's toString gives).
      const expected = stored && seq === lastSeq + 1n ? hashOf(previous, row) : null;
      const ok = !!stored && !!expected && stored.length === expected.length && timingSafeEqual(stored, expected);
      if (!ok) {
        await pending?.catch(() => undefined);
        return { index: task.index, checked, failure: { row, before: { seq: lastSeq.toString(), hash: previous } } };
      }
      lastSeq = seq;
      previous = row.hash;
      checked++;
    }
  }
  return { index: task.index, checked, end: checked ? { seq: lastSeq.toString(), hash: previous } : start };
}

port.on('message', (/** @type {RangeTask | 'stop'} */ msg) => {
  if (msg === 'stop') {
    void client.end().finally(() => port.close());
    return;
  }
  checkRange(msg).then(
    (result) => port.postMessage(result),
    (err) => port.postMessage({ index: msg.index, error: err instanceof Error ? err.message : String(err) }),
  );
});
