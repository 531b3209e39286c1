// @ts-check
// The audit chain's hash, in plain JavaScript: Verify runs it in worker threads, which load
// this file as it is (from src/ under the tests, from dist/ in production; a worker thread
// cannot load TypeScript). audit-chain.ts re-exports it with types; this is the only copy.
// Each event's hash is HMAC-SHA256(key, previous hash || canonical text of the event's fields).
import { hash } from 'node:crypto';

/**
 * JSON with object keys sorted, so the same value always gives the same text (jsonb reorders
 * keys). Keys sort by UTF-16 code units (Array#sort's default, the same as `<` on strings).
 * @param {unknown} value
 * @returns {string}
 */
export function canonicalJson(value) {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const record = /** @type {Record<string, unknown>} */ (value);
  let out = '{';
  let first = true;
  for (const k of Object.keys(record).sort()) {
    const v = record[k];
    if (v === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(k)}:${canonicalJson(v)}`;
    first = false;
  }
  return `${out}}`;
}

/**
 * The text an event's hash covers: its fields in a fixed order, as a JSON array. Every element
 * is a string or null, so JSON.stringify gives exactly what canonicalJson would.
 * @param {{ seq: bigint | string; at: Date | string; actorUserId: string | null; actorTokenId: string | null;
 *   actorLabel: string; action: string; subjectType: string; subjectId: string | null;
 *   projectId: string | null; ip: string | null; data: unknown }} e
 * @returns {string}
 */
export function chainText(e) {
  return JSON.stringify([
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
  ]);
}

const BLOCK = 64;

/**
 * A fast chain hasher for one key: HMAC-SHA256 computed from its definition with one-shot
 * hashes into reused buffers (createHmac per event costs about twice as much: Verify hashes a
 * million events). Not safe to share between concurrent callers (it reuses its buffers), so
 * each thread makes its own. Gives exactly createHmac('sha256', key) over the same bytes.
 * @param {Uint8Array} key at most 64 bytes (the chain key is 32)
 * @returns {(previous: Uint8Array | null, e: Parameters<typeof chainText>[0]) => Buffer}
 */
export function chainHasher(key) {
  if (key.length > BLOCK) throw new Error('the audit chain key must be at most 64 bytes');
  const pad = (/** @type {number} */ byte) =>
    Buffer.from(Array.from({ length: BLOCK }, (_, i) => byte ^ (key[i] ?? 0)));
  const inner = pad(0x36);
  const outer = Buffer.alloc(BLOCK + 32);
  pad(0x5c).copy(outer, 0);
  let buf = Buffer.alloc(16_384);
  inner.copy(buf, 0);
  return (previous, e) => {
    const text = chainText(e);
    const start = BLOCK + (previous ? previous.length : 0);
    // Worst case 3 bytes per UTF-16 unit; grow before writing (write() would truncate).
    if (start + text.length * 3 > buf.length) {
      const bigger = Buffer.alloc(Math.max(buf.length * 2, start + text.length * 3));
      inner.copy(bigger, 0);
      buf = bigger;
    }
    if (previous) buf.set(previous, BLOCK);
    const n = buf.write(text, start, 'utf8');
    outer.set(hash('sha256', buf.subarray(0, start + n), 'buffer'), BLOCK);
    return hash('sha256', outer, 'buffer');
  };
}
