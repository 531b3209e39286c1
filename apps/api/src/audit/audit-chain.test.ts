import { describe, expect, it } from 'vitest';
import {
  auditChainKey,
  canonicalJson,
  chainHash,
  chainHasher,
  ChainWalker,
  type ChainedFields,
} from './audit-chain.js';
import { chainRanges } from './audit-chain-verifier.js';

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

  it('gives the hashes chains were written with (pinned: existing chains must still verify)', () => {
    const e = event(42n, {
      actorTokenId: 'tok',
      actorLabel: 'Zoë "q" <a@b.c>',
      data: { z: [1, { y: 'ü', x: null, é: true }], a: 'line\nbreak', B: 1.5, _: {} },
    });
    expect(chainHash(key, null, e).toString('hex')).toBe(
      'c0ce535f498e0c688526bbebdf1f405ca8bcdcae8417321c09b6afa864ce0adf',
    );
    expect(chainHash(key, Buffer.alloc(32, 1), e).toString('hex')).toBe(
      '66bd23761b1c554d5e93f554365eff60d56fc5651f0d295225b4cbb578f58122',
    );
  });

  it("Verify's fast hasher gives exactly chainHash, for any previous hash and any size of event", () => {
    const fast = chainHasher(key);
    const big = { text: 'ẞ'.repeat(20_000), list: Array.from({ length: 500 }, (_, i) => ({ i, s: `é${i}` })) };
    const previous = [null, Buffer.alloc(32, 9), Buffer.alloc(0), Buffer.alloc(70, 3)];
    for (const prev of previous) {
      for (const e of [event(1n), event(7n, { data: big, subjectId: null }), event(3n, { data: [] }), event(2n)]) {
        expect(fast(prev, e)).toEqual(chainHash(key, prev, e));
      }
    }
  });

  it('cuts the chain into ranges that cover every position, in order', () => {
    const min = '-9223372036854775808';
    const max = '9223372036854775807';
    expect(chainRanges(0n, 10)).toEqual([{ index: 0, from: min, to: max }]);
    expect(chainRanges(10n, 10)).toEqual([{ index: 0, from: min, to: max }]);
    expect(chainRanges(25n, 10)).toEqual([
      { index: 0, from: min, to: '10' },
      { index: 1, from: '11', to: '20' },
      { index: 2, from: '21', to: max },
    ]);
  });

  it('resumes a walk after a given event, as if it had walked up to it', () => {
    const e1 = event(1n);
    const h1 = chainHash(key, null, e1);
    const e2 = event(2n, { actorLabel: 'b' });
    const h2 = chainHash(key, h1, e2);
    const resumed = new ChainWalker(key).resumeAfter({ seq: 1n, hash: h1 });
    expect(resumed.check({ ...e2, id: 2n, hash: h2 })).toBeNull();
    expect(resumed.end({ seq: 2n, hash: h2 })).toBeNull();
    expect(new ChainWalker(key).resumeAfter({ seq: 1n, hash: h1 }).check({ ...e2, id: 2n, hash: h1 })).toMatchObject({
      kind: 'altered',
      seq: '2',
    });
  });
});
