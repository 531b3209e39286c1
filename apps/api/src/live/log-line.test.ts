import { encodeLines } from '@wharf/shared';
import { describe, expect, it } from 'vitest';
import { decodeStreamEntry, encodeStreamLine, STREAM_FIELD, toLineView, type SequencedLine } from './log-line.js';

const AWKWARD = [
  'plain',
  '',
  'quotes " \' and \\ backslash',
  'tab\there\nnewline\r',
  'ünïcødé 日本語 🚀',
  '\u0001\u001f\u2028',
];

describe('encodeStreamLine', () => {
  it('writes exactly what JSON.stringify of the line view writes', () => {
    const at = new Date('2026-12-01T08:00:00.123Z');
    for (const text of AWKWARD) {
      for (const targetId of [null, '0b8c3f9e-6a7d-4d8e-9f10-1a2b3c4d5e6f']) {
        const l: SequencedLine = { seq: 42, targetId, stream: 'stderr', at, text };
        expect(encodeStreamLine(l)).toBe(JSON.stringify(toLineView(l)));
        expect(encodeStreamLine(l, at.toISOString())).toBe(JSON.stringify(toLineView(l)));
        expect(decodeStreamEntry([STREAM_FIELD, encodeStreamLine(l)])).toEqual([toLineView(l)]);
      }
    }
  });
});

describe('decodeStreamEntry', () => {
  const at = new Date('2026-12-01T08:00:00.123Z');
  const lines: SequencedLine[] = AWKWARD.map((text, i) => ({ seq: 7 + i, targetId: null, stream: 'stdout', at, text }));

  it('reads a batch entry written column-wise', () => {
    const [w] = encodeLines('d', lines.map(toLineView));
    const fields = [
      'q',
      String(w!.seq),
      't',
      JSON.stringify(w!.text),
      'a',
      JSON.stringify(w!.at),
      's',
      w!.stream,
      'g',
      JSON.stringify(w!.targets),
    ];
    expect(decodeStreamEntry(fields)).toEqual(lines.map(toLineView));
    // Columns of different lengths: unreadable, so the reader fills from Postgres.
    expect(decodeStreamEntry([...fields.slice(0, 6), 's', 'o', ...fields.slice(8)])).toBeNull();
  });

  it('still reads the entries of older workers', () => {
    expect(decodeStreamEntry(['b', JSON.stringify(lines.map(toLineView))])).toEqual(lines.map(toLineView));
    expect(decodeStreamEntry(['x', 'y'])).toBeNull();
  });
});
