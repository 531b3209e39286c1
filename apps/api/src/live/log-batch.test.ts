import { describe, expect, it } from 'vitest';
import { BufferPool, LogBatch } from './log-batch.js';
import { copyRows } from './log-copy.js';
import { encodeLines } from '@wharf/shared';
import { toLineView, type SequencedLine } from './log-line.js';

const DEPLOYMENT = '0b8c3f9e-6a7d-4d8e-9f10-1a2b3c4d5e6f';
const TARGET = '11111111-2222-4333-8444-555555555555';
const at = new Date('2026-12-01T08:00:00.123Z');
const AWKWARD = ['plain', '', 'a\tb\\c\nd\re \\N', 'quotes " \' \\', 'ünïcødé 日本語 🚀', '\u0001\u001f\u2028'];

function batchOf(lines: SequencedLine[], pool = new BufferPool(2, 1 << 20)): LogBatch {
  const b = new LogBatch(DEPLOYMENT, pool);
  for (const l of lines) {
    b.add(l.seq, l.targetId, l.stream, l.at.getTime(), l.at.toISOString(), l.text, Buffer.byteLength(l.text) + 1);
  }
  return b.seal(123, false);
}

describe('LogBatch', () => {
  const lines: SequencedLine[] = AWKWARD.map((text, i) => ({
    seq: 10 + i,
    targetId: i % 2 ? TARGET : null,
    stream: i % 3 ? 'stdout' : 'stderr',
    at,
    text,
  }));

  it('writes the same COPY rows as the per-line encoder and the wire columns of encodeLines()', () => {
    const b = batchOf(lines);
    expect(b.copyRows().toString('utf8')).toBe(copyRows(DEPLOYMENT, lines));
    const fields = b.streamFields().map((f) => (typeof f === 'string' ? f : f.toString('utf8')));
    const [wire] = encodeLines(DEPLOYMENT, lines.map(toLineView));
    expect(fields).toEqual([
      'q',
      String(wire!.seq),
      't',
      JSON.stringify(wire!.text),
      'a',
      JSON.stringify(wire!.at),
      's',
      wire!.stream,
      'g',
      JSON.stringify(wire!.targets),
    ]);
    expect(b.views()).toEqual(lines.map(toLineView));
    expect([b.firstSeq, b.lastSeq, b.lines]).toEqual([10, 15, 6]);
    expect(b.bytes).toBe(lines.reduce((a, l) => a + Buffer.byteLength(l.text) + 1, 0));
  });

  it('reads its rows back for the retry INSERT', () => {
    const r = batchOf(lines).rows();
    expect(r.seqs).toEqual(lines.map((l) => l.seq));
    expect(r.targets).toEqual(lines.map((l) => l.targetId));
    expect(r.streams).toEqual(lines.map((l) => l.stream));
    expect(r.ats).toEqual(lines.map(() => at.toISOString()));
    expect(r.texts).toEqual(AWKWARD);
  });

  it('grows past its first buffer and reuses pooled buffers once released', () => {
    const pool = new BufferPool(16, 1 << 24);
    const long = 'x'.repeat(1000);
    const many = Array.from({ length: 500 }, (_, i) => ({
      seq: i + 1,
      targetId: null,
      stream: 'stdout' as const,
      at,
      text: `${i} ${long}`,
    }));
    const b = batchOf(many, pool);
    expect(b.views().map((l) => l.seq)).toEqual(many.map((l) => l.seq));
    const used = b.copyRows().buffer;
    b.release();
    const again = batchOf(many.slice(0, 10), pool);
    expect(again.copyRows().buffer).toBe(used);
  });

  it('refuses seqs that are not consecutive', () => {
    const b = batchOf(lines.slice(0, 1));
    const c = new LogBatch(DEPLOYMENT, new BufferPool(1, 1));
    c.add(1, null, 'stdout', 0, at.toISOString(), 'a', 2);
    expect(() => c.add(3, null, 'stdout', 0, at.toISOString(), 'b', 2)).toThrow(/consecutive/);
    expect(b.lines).toBe(1);
  });

  it('refuses a deployment id it would write unquoted', () => {
    expect(() => new LogBatch("x'; DROP TABLE x; --", new BufferPool(1, 1))).toThrow(/uuid/);
  });
});
