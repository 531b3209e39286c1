// Reads the whole audit chain for Verify, in order, in large keyset batches straight through
// pg (no ORM row mapping: a million rows must walk in seconds). The next batch is already being
// read while the caller hashes the current one.
import type pg from 'pg';
import type { ChainedRow } from './audit-chain.js';

const BATCH = 10_000;

interface RawRow {
  id: string;
  seq: string;
  at: string;
  actorUserId: string | null;
  actorTokenId: string | null;
  actorLabel: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  projectId: string | null;
  ip: string | null;
  data: unknown;
  hash: Buffer | null;
}

// `at` comes back as the exact text toISOString() gives (the column is UTC, millisecond precision).
const SQL = `
  SELECT "id"::text AS "id", "chainSeq"::text AS "seq",
         to_char("at", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "at",
         "actorUserId"::text AS "actorUserId", "actorTokenId"::text AS "actorTokenId", "actorLabel", "action",
         "subjectType", "subjectId", "projectId"::text AS "projectId", "ip", "data", "chainHash" AS "hash"
    FROM "AuditEvent" WHERE "chainSeq" > $1 ORDER BY "chainSeq" ASC LIMIT ${BATCH}`;

function fetchAfter(pool: pg.Pool, after: string): Promise<RawRow[]> {
  return pool.query<RawRow>(SQL, [after]).then((r) => r.rows);
}

/** Every chained event, in chain order, batch by batch. */
export async function* readChain(pool: pg.Pool): AsyncGenerator<ChainedRow[]> {
  let pending: Promise<RawRow[]> | null = fetchAfter(pool, '0');
  while (pending) {
    const raw: RawRow[] = await pending;
    // Ask for the next batch before handing this one over, so Postgres and the hashing overlap.
    pending = raw.length === BATCH ? fetchAfter(pool, raw[raw.length - 1]!.seq) : null;
    // If the consumer stops early, the prefetched batch must not end as an unhandled rejection.
    pending?.catch(() => undefined);
    yield raw.map((r) => ({ ...r, id: BigInt(r.id), seq: BigInt(r.seq) }));
  }
}
