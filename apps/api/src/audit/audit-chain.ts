// The tamper-evident audit chain, as pure functions. Each event's hash is an HMAC (key derived
// from WHARF_SECRET_KEY, which the database does not hold) over the previous event's hash and
// the event's own fields. Someone with only database access cannot alter, remove or insert an
// event without breaking the chain at that point, and Verify names the first such event.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

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

/** JSON with object keys sorted, so the same value always gives the same text (jsonb reorders keys). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function chainHash(key: Buffer, previous: Uint8Array | null, e: ChainedFields): Buffer {
  const fields = [
    e.seq.toString(),
    typeof e.at === 'string' ? e.at : e.at.toISOString(),
    e.actorUserId,
    e.actorTokenId,
    e.actorLabel,
    e.action,
    e.subjectType,
    e.subjectId,
    e.projectId,
    e.ip,
    canonicalJson(e.data),
  ];
  return createHmac('sha256', key)
    .update(previous ?? Buffer.alloc(0))
    .update(canonicalJson(fields))
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
  checked = 0;

  constructor(private readonly key: Buffer) {}

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
    const expected = chainHash(this.key, this.previous, row);
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
