// When a freeze window holds: a pure function of the window and an instant, so the API's gate,
// the auto-deployer and the dashboard all agree. Weekly windows are wall-clock times in the
// window's IANA zone (Fri 18:00 -> Mon 09:00 stays 09:00 across a DST change) and may wrap
// the week; once windows are two instants.

/** The parts of a freeze window that say when it holds. */
export type FreezeSchedule =
  | {
      kind: 'weekly';
      timeZone: string;
      /** 0 = Sunday ... 6 = Saturday. */
      startDay: number;
      /** "HH:MM", 24-hour. */
      startTime: string;
      endDay: number;
      endTime: string;
    }
  | { kind: 'once'; startsAt: Date; endsAt: Date };

export interface FreezeState {
  /** The instant is inside the window. */
  active: boolean;
  /** Active: when this occurrence started. Else: when the next one starts (null: never again). */
  startsAt: Date | null;
  /** Active: when it ends. Else: when the next occurrence ends (null: never again). */
  endsAt: Date | null;
}

const MINUTES_PER_WEEK = 7 * 24 * 60;
const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** Whether `at` is inside the window, and when the current (or next) occurrence starts and ends. */
export function freezeStateAt(schedule: FreezeSchedule, at: Date): FreezeState {
  if (schedule.kind === 'once') {
    const t = at.getTime();
    if (t >= schedule.endsAt.getTime()) return { active: false, startsAt: null, endsAt: null };
    return { active: t >= schedule.startsAt.getTime(), startsAt: schedule.startsAt, endsAt: schedule.endsAt };
  }
  const wall = wallClock(at, schedule.timeZone);
  const now = weekMinute(wall.weekday, wall.hour * 60 + wall.minute);
  const start = weekMinute(schedule.startDay, minutesOf(schedule.startTime));
  const end = weekMinute(schedule.endDay, minutesOf(schedule.endTime));
  const sinceStart = mod(now - start, MINUTES_PER_WEEK);
  const untilEnd = mod(end - now, MINUTES_PER_WEEK);
  const length = mod(end - start, MINUTES_PER_WEEK);
  // Seconds past the minute count as elapsed: the window [start, end) is measured in wall minutes.
  const active = sinceStart < length;
  const wallMs = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  if (active) {
    return {
      active: true,
      startsAt: fromWallClock(wallMs - sinceStart * 60_000, schedule.timeZone),
      endsAt: fromWallClock(wallMs + untilEnd * 60_000, schedule.timeZone),
    };
  }
  const untilStart = mod(start - now, MINUTES_PER_WEEK);
  return {
    active: false,
    startsAt: fromWallClock(wallMs + untilStart * 60_000, schedule.timeZone),
    endsAt: fromWallClock(wallMs + (untilStart + length) * 60_000, schedule.timeZone),
  };
}

/** "Mon 2026-12-07 09:00 Europe/Berlin": an instant as a person in that zone reads it. */
export function formatInZone(at: Date, timeZone: string): string {
  const w = wallClock(at, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${DAY_NAMES[w.weekday]} ${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)} ${timeZone}`;
}

/** "Fri 18:00": a weekly window's day and time. */
export function weeklyPoint(day: number, time: string): string {
  return `${DAY_NAMES[day] ?? '?'} ${time}`;
}

/** True when the runtime knows this IANA zone. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The calendar date and time shown on a wall clock in `timeZone` at `at`. */
function wallClock(at: Date, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(at)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const year = parts.year!;
  const month = parts.month!;
  const day = parts.day!;
  return {
    year,
    month,
    day,
    hour: parts.hour! % 24,
    minute: parts.minute!,
    second: parts.second!,
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
  };
}

/** Offset of `timeZone` from UTC at `at`, in ms (east positive). */
function offsetAt(at: number, timeZone: string): number {
  const w = wallClock(new Date(at), timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - (at - (at % 1000));
}

/**
 * The instant a wall clock in `timeZone` shows `wallMs` (a wall time carried as if UTC). A
 * time skipped by a spring-forward change maps to the instant just after the gap; a time that
 * happens twice (fall back) maps to its first occurrence.
 */
function fromWallClock(wallMs: number, timeZone: string): Date {
  const first = wallMs - offsetAt(wallMs, timeZone);
  const second = wallMs - offsetAt(first, timeZone);
  if (first === second) {
    // Repeated hour: prefer the earlier of the two instants that show this wall time.
    const earlier = wallMs - offsetAt(first - 3_600_000, timeZone);
    if (earlier < first && wallClockMs(earlier, timeZone) === wallMs) return new Date(earlier);
    return new Date(first);
  }
  // Gap or a change between the guesses: take the one that really shows wallMs, else the later.
  if (wallClockMs(second, timeZone) === wallMs) return new Date(second);
  return new Date(Math.max(first, second));
}

function wallClockMs(at: number, timeZone: string): number {
  const w = wallClock(new Date(at), timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

function weekMinute(day: number, minuteOfDay: number): number {
  return day * 24 * 60 + minuteOfDay;
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}
