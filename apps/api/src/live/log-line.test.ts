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
