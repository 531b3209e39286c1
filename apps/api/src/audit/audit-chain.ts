// The tamper-evident audit chain, as pure functions. Each event's hash is an HMAC (key derived
// from WHARF_SECRET_KEY, which the database does not hold) over the previous event's hash and
// the event's own fields. Someone with only database access cannot alter, remove or insert an
// event without breaking the chain at that point, and Verify names the first such event.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { canonicalJson, chainHasher, chainText } from './audit-chain-hasher.js';

export { canonicalJson, chainHasher };

/** The fields an event's hash covers: everything a reader relies on. */
export interface ChainedFields {
  seq: bigint;
  /** A Date, or its toISOString() text already (Verify reads it as text from Postgres). */
  at: Date | string;
  actorUserId: string | null;
  actorTokenId: string | null;
  actorLabel: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  projectId: string | null;
  ip: string | null;
  data: unknown;
}

export function auditChainKey(secretKeyBase64: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secretKeyBase64, 'base64'), '', 'wharf audit chain v1', 32));
}

/** HMAC-SHA256 over the previous event's hash and the event's canonical text (what writers store). */
export function chainHash(key: Buffer, previous: Uint8Array | null, e: ChainedFields): Buffer {
  return createHmac('sha256', key)
    .update(previous ?? Buffer.alloc(0))
    .update(chainText(e))
    .digest();
}

export type ChainProblemKind = 'altered' | 'removed' | 'inserted';

export interface ChainProblem {
  kind: ChainProblemKind;
  /** The event where the chain breaks (for `removed`: the first event after the gap), or null at the end. */
  eventId: string | null;
  seq: string | null;
  message: string;
}

export interface ChainedRow extends ChainedFields {
  id: bigint;
  hash: Uint8Array | null;
}

/**
 * Checks rows given in chain order, batch by batch, carrying the previous hash and seq along.
 * Returns the first problem found, or null.
 */
export class ChainWalker {
  private previous: Uint8Array | null = null;
  private lastSeq = 0n;
  private readonly hash: ReturnType<typeof chainHasher>;
  checked = 0;

  constructor(key: Buffer) {
    this.hash = chainHasher(key);
  }

  /** Continues a walk after the given event (Verify checks ranges of the chain in parallel). */
  resumeAfter(last: { seq: bigint; hash: Uint8Array | null }): this {
    this.lastSeq = last.seq;
    this.previous = last.hash;
    return this;
  }

  check(row: ChainedRow): ChainProblem | null {
    const expectedSeq = this.lastSeq + 1n;
    const at = { eventId: row.id.toString(), seq: row.seq.toString() };
    if (row.seq !== expectedSeq) {
      return {
        kind: 'removed',
        ...at,
        message: `events ${expectedSeq}${row.seq - 1n > expectedSeq ? `–${row.seq - 1n}` : ''} of the chain are missing before event ${row.id}`,
      };
    }
    const expected = this.hash(this.previous, row);
    if (!row.hash || row.hash.length !== expected.length || !timingSafeEqual(row.hash, expected)) {
      return {
        kind: 'altered',
        ...at,
        message: `event ${row.id} (#${row.seq} in the chain, ${row.action}) does not match its hash: it was changed, or written directly into the database`,
      };
    }
    this.previous = row.hash;
    this.lastSeq = row.seq;
    this.checked++;
    return null;
  }

  /** After the last row: the head says how long the chain is and how it ends. */
  end(head: { seq: bigint; hash: Uint8Array | null }): ChainProblem | null {
    if (head.seq > this.lastSeq) {
      return {
        kind: 'removed',
        eventId: null,
        seq: (this.lastSeq + 1n).toString(),
        message: `the last ${head.seq - this.lastSeq} event(s) of the chain (from #${this.lastSeq + 1n}) are missing`,
      };
    }
    const sameEnd =
      head.seq === this.lastSeq &&
      (head.hash === null
        ? this.previous === null
        : this.previous !== null && Buffer.from(head.hash).equals(Buffer.from(this.previous)));
    if (!sameEnd) {
      return {
        kind: 'inserted',
        eventId: null,
        seq: head.seq.toString(),
        message: `the chain goes past its recorded end (#${head.seq}): events were added without Wharf`,
      };
    }
    return null;
  }
}
