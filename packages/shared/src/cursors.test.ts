import { describe, expect, it } from 'vitest';
import { encodeTimeIdCursor, idCursorSchema, parseTimeIdCursor, timeIdCursorSchema } from './cursors.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const ID = '0b6f4a53-3c1e-4d8e-9a57-2f0c1d2e3f40';

describe('time + id cursors', () => {
  it('round-trip, in the format the API has always handed out', () => {
    const c = { createdAt: new Date('2026-11-30T12:34:56.789Z'), id: ID };
    const s = encodeTimeIdCursor(c);
    expect(s).toBe(b64(`2026-11-30T12:34:56.789Z|${ID}`));
    expect(parseTimeIdCursor(s)).toEqual(c);
    expect(timeIdCursorSchema.parse(s)).toEqual(c);
  });

  it('refuse anything the API could not have made', () => {
    for (const bad of [
      '',
      'garbage!',
      b64(`2026-11-30T12:34:56.789Z|not-a-uuid`),
      b64(`2026-11-30T12:34:56.789Z|${ID}|extra`),
      b64(`2026-13-30T12:34:56.789Z|${ID}`),
      b64(`-271821-04-20T00:00:00.000Z|${ID}`),
      b64(`+275760-09-13T00:00:00.000Z|${ID}`),
      b64(`2026-11-30|${ID}`),
      b64(`\u0000|\u0000`),
      b64(`2026-11-30T12:34:56.789Z|${ID.toUpperCase()}`),
      'QQ',
      'Q',
    ]) {
      expect(parseTimeIdCursor(bad), bad).toBeNull();
      const issues = timeIdCursorSchema.safeParse(bad).error?.issues ?? [];
      expect(issues.length, bad).toBeGreaterThan(0);
    }
    expect(timeIdCursorSchema.safeParse('A'.repeat(201)).success).toBe(false);
  });
});

describe('id cursors', () => {
  it('accept ids up to the int8 maximum', () => {
    expect(idCursorSchema.parse('1')).toBe(1n);
    expect(idCursorSchema.parse('9223372036854775807')).toBe(9223372036854775807n);
  });

  it('refuse anything above int8, signed, padded or not a number', () => {
    for (const bad of ['9223372036854775808', '99999999999999999999', '-1', '01', '1.5', '1e3', '', 'abc', ' 1']) {
      expect(idCursorSchema.safeParse(bad).success, bad).toBe(false);
    }
  });
});
