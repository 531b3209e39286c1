import { describe, expect, it } from 'vitest';
import { copyRows, copySql } from './log-copy.js';

const DEPLOYMENT = '0b8c3f9e-6a7d-4d8e-9f10-1a2b3c4d5e6f';
const TARGET = '11111111-2222-4333-8444-555555555555';
const at = new Date('2026-12-01T08:00:00.123Z');

describe('copyRows', () => {
  it('escapes the text-format delimiters and writes NULL for no target', () => {
    const rows = copyRows(DEPLOYMENT, [
      { seq: 1, targetId: null, stream: 'stdout', at, text: 'a\tb\\c\nd\re \\N' },
      { seq: 2, targetId: TARGET, stream: 'system', at, text: 'ünï 🚀' },
    ]);
    expect(rows).toBe(
      `${DEPLOYMENT}\t1\t\\N\tstdout\t2026-12-01T08:00:00.123Z\ta\\tb\\\\c\\nd\\re \\\\N\n` +
        `${DEPLOYMENT}\t2\t${TARGET}\tsystem\t2026-12-01T08:00:00.123Z\tünï 🚀\n`,
    );
  });

  it('refuses values it would write unquoted', () => {
    const line = { seq: 1, targetId: null, stream: 'stdout' as const, at, text: 'x' };
    expect(() => copyRows("x'; DROP TABLE x; --", [line])).toThrow(/uuid/);
    expect(() => copyRows(DEPLOYMENT, [{ ...line, targetId: 'not\ta-uuid' }])).toThrow(/uuid/);
    expect(() => copyRows(DEPLOYMENT, [{ ...line, stream: 'stdout\tx' as 'stdout' }])).toThrow(/stream/);
    expect(() => copySql({ deploymentId: DEPLOYMENT, lines: [], logBytes: Number.NaN, truncated: false })).toThrow(
      /byte/,
    );
  });
});
