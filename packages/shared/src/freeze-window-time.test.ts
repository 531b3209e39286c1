import { describe, expect, it } from 'vitest';
import { formatInZone, freezeStateAt, isValidTimeZone, type FreezeSchedule } from './freeze-window-time.js';
import { freezeWindowBodySchema } from './freeze-windows.js';

const weekend = (timeZone: string): FreezeSchedule => ({
  kind: 'weekly',
  timeZone,
  startDay: 5, // Friday
  startTime: '18:00',
  endDay: 1, // Monday
  endTime: '09:00',
});

const at = (iso: string) => new Date(iso);

describe('freezeStateAt, weekly', () => {
  it('holds over the weekend, wrapping the week, and ends on Monday 09:00 in its zone', () => {
    // Shanghai is UTC+8 all year: Sat 2026-12-05 12:00 local = 04:00Z.
    const s = freezeStateAt(weekend('Asia/Shanghai'), at('2026-12-05T04:00:00Z'));
    expect(s.active).toBe(true);
    expect(s.startsAt?.toISOString()).toBe('2026-12-04T10:00:00.000Z'); // Fri 18:00 +08
    expect(s.endsAt?.toISOString()).toBe('2026-12-07T01:00:00.000Z'); // Mon 09:00 +08
  });

  it('holds on Sunday (inside the wrap) and not on Wednesday', () => {
    expect(freezeStateAt(weekend('UTC'), at('2026-12-06T23:59:00Z')).active).toBe(true);
    const wed = freezeStateAt(weekend('UTC'), at('2026-12-09T12:00:00Z'));
    expect(wed.active).toBe(false);
    expect(wed.startsAt?.toISOString()).toBe('2026-12-11T18:00:00.000Z');
    expect(wed.endsAt?.toISOString()).toBe('2026-12-14T09:00:00.000Z');
  });

  it('starts at its start minute and is over at its end minute', () => {
    expect(freezeStateAt(weekend('UTC'), at('2026-12-04T17:59:59Z')).active).toBe(false);
    expect(freezeStateAt(weekend('UTC'), at('2026-12-04T18:00:00Z')).active).toBe(true);
    expect(freezeStateAt(weekend('UTC'), at('2026-12-07T08:59:59Z')).active).toBe(true);
    expect(freezeStateAt(weekend('UTC'), at('2026-12-07T09:00:00Z')).active).toBe(false);
  });

  it('a window inside one week (Tue 10:00 -> Tue 12:00) does not wrap', () => {
    const w: FreezeSchedule = {
      kind: 'weekly',
      timeZone: 'UTC',
      startDay: 2,
      startTime: '10:00',
      endDay: 2,
      endTime: '12:00',
    };
    expect(freezeStateAt(w, at('2026-12-08T11:00:00Z')).active).toBe(true); // Tuesday
    expect(freezeStateAt(w, at('2026-12-09T11:00:00Z')).active).toBe(false); // Wednesday
  });

  it('keeps wall-clock times across the spring DST change (Europe/Berlin, 2026-03-29)', () => {
    // Fri 2026-03-27 18:00 CET (+01) -> Mon 2026-03-30 09:00 CEST (+02): the weekend is an hour short.
    const s = freezeStateAt(weekend('Europe/Berlin'), at('2026-03-28T12:00:00Z'));
    expect(s.active).toBe(true);
    expect(s.startsAt?.toISOString()).toBe('2026-03-27T17:00:00.000Z');
    expect(s.endsAt?.toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(formatInZone(s.endsAt!, 'Europe/Berlin')).toBe('Mon 2026-03-30 09:00 Europe/Berlin');
  });

  it('keeps wall-clock times across the autumn DST change (America/New_York, 2026-11-01)', () => {
    // Fri 2026-10-30 18:00 EDT (-04) -> Mon 2026-11-02 09:00 EST (-05).
    const s = freezeStateAt(weekend('America/New_York'), at('2026-11-01T12:00:00Z'));
    expect(s.active).toBe(true);
    expect(s.startsAt?.toISOString()).toBe('2026-10-30T22:00:00.000Z');
    expect(s.endsAt?.toISOString()).toBe('2026-11-02T14:00:00.000Z');
  });

  it('reads the day in the window zone, not in UTC', () => {
    // Mon 2026-12-07 00:30Z is still Sunday 19:30 in New York (frozen) but Monday 08:30 in Shanghai (frozen too),
    // and Mon 01:30Z is Mon 09:30 in Shanghai: over there, not in New York.
    expect(freezeStateAt(weekend('America/New_York'), at('2026-12-07T01:30:00Z')).active).toBe(true);
    expect(freezeStateAt(weekend('Asia/Shanghai'), at('2026-12-07T01:30:00Z')).active).toBe(false);
  });
});

describe('freezeStateAt, once', () => {
  const once: FreezeSchedule = {
    kind: 'once',
    startsAt: at('2026-12-24T00:00:00Z'),
    endsAt: at('2026-12-27T00:00:00Z'),
  };
  it('is upcoming before, active inside, and over after', () => {
    expect(freezeStateAt(once, at('2026-12-23T23:59:59Z'))).toMatchObject({ active: false, startsAt: once.startsAt });
    expect(freezeStateAt(once, at('2026-12-24T00:00:00Z'))).toMatchObject({ active: true, endsAt: once.endsAt });
    expect(freezeStateAt(once, at('2026-12-27T00:00:00Z'))).toEqual({ active: false, startsAt: null, endsAt: null });
  });
});

describe('freeze window body', () => {
  const base = { reason: 'Weekend', startDay: 5, startTime: '18:00', endDay: 1, endTime: '09:00' };
  it('takes a weekly window that wraps the week, in a known zone', () => {
    const r = freezeWindowBodySchema.safeParse({ kind: 'weekly', timeZone: 'Europe/Berlin', ...base });
    expect(r.success).toBe(true);
    expect(r.data).toMatchObject({ environmentId: null, autoDeploy: 'wait' });
  });
  it('refuses an unknown zone, a bad time and an empty window, naming the field', () => {
    const zone = freezeWindowBodySchema.safeParse({ kind: 'weekly', timeZone: 'Mars/Olympus', ...base });
    expect(zone.error?.issues[0]?.path).toEqual(['timeZone']);
    const time = freezeWindowBodySchema.safeParse({ kind: 'weekly', timeZone: 'UTC', ...base, endTime: '24:00' });
    expect(time.error?.issues[0]?.path).toEqual(['endTime']);
    const empty = freezeWindowBodySchema.safeParse({
      kind: 'weekly',
      timeZone: 'UTC',
      ...base,
      endDay: 5,
      endTime: '18:00',
    });
    expect(empty.error?.issues[0]?.path).toEqual(['endTime']);
  });
  it('refuses a once window that ends before it starts', () => {
    const r = freezeWindowBodySchema.safeParse({
      kind: 'once',
      reason: 'Release day',
      startsAt: '2026-12-24T10:00:00Z',
      endsAt: '2026-12-24T09:00:00Z',
    });
    expect(r.error?.issues[0]?.path).toEqual(['endsAt']);
  });
  it('knows IANA zones through Intl', () => {
    expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
    expect(isValidTimeZone('Nowhere/Land')).toBe(false);
  });
});
