import { describe, expect, it } from 'vitest';
import { auditChainKey, canonicalJson, chainHash, ChainWalker, type ChainedFields } from './audit-chain.js';

const key = auditChainKey(Buffer.alloc(32, 7).toString('base64'));
const event = (seq: bigint, over: Partial<ChainedFields> = {}): ChainedFields => ({
  seq,
  at: new Date('2026-12-01T00:00:00.000Z'),
  actorUserId: null,
  actorTokenId: null,
  actorLabel: 'a@b.c',
  action: 'deployment.requested',
  subjectType: 'deployment',
  subjectId: 'd1',
  projectId: null,
  ip: '127.0.0.1',
  data: { b: 1, a: [1, { y: 2, x: null }] },
  ...over,
});

describe('audit chain', () => {
  it('reads object keys in one order, whatever order they were written in', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 4, e: 5 }] } })).toBe(
      '{"a":{"c":[3,{"e":5,"f":4}],"d":2},"b":1}',
    );
    expect(chainHash(key, null, event(1n, { data: { a: 1, b: 2 } }))).toEqual(
      chainHash(key, null, event(1n, { data: { b: 2, a: 1 } })),
    );
  });

  it('changes the hash when any field, the previous hash or the key changes', () => {
    const base = chainHash(key, null, event(1n));
    expect(chainHash(key, Buffer.alloc(32), event(1n))).not.toEqual(base);
    expect(chainHash(auditChainKey(Buffer.alloc(32, 8).toString('base64')), null, event(1n))).not.toEqual(base);
    for (const over of [
      { seq: 2n },
      { at: new Date('2026-12-01T00:00:00.001Z') },
      { actorLabel: 'x' },
      { action: 'x' },
      { subjectId: null },
      { ip: null },
      { data: { b: 1 } },
    ] satisfies Partial<ChainedFields>[]) {
      expect(
        chainHash(key, null, event(1n, over)),
        JSON.stringify(over, (_, v) => (typeof v === 'bigint' ? `${v}` : v)),
      ).not.toEqual(base);
    }
  });

  it('walks a chain and names the first break', () => {
    const rows = [1n, 2n, 3n].reduce<{ id: bigint; hash: Buffer; e: ChainedFields }[]>((acc, seq) => {
      const e = event(seq);
      acc.push({ id: seq + 100n, e, hash: chainHash(key, acc.at(-1)?.hash ?? null, e) });
      return acc;
    }, []);
    const walk = (list: typeof rows) => {
      const w = new ChainWalker(key);
      for (const r of list) {
        const p = w.check({ ...r.e, id: r.id, hash: r.hash });
        if (p) return p;
      }
      return w.end({ seq: 3n, hash: rows[2]!.hash });
    };
    expect(walk(rows)).toBeNull();
    expect(walk([rows[0]!, rows[2]!])).toMatchObject({ kind: 'removed', eventId: '103' });
    expect(walk(rows.slice(0, 2))).toMatchObject({ kind: 'removed', eventId: null, seq: '3' });
    expect(walk([rows[0]!, { ...rows[1]!, e: event(2n, { actorLabel: 'mallory' }) }, rows[2]!])).toMatchObject({
      kind: 'altered',
      seq: '2',
    });
  });
});
