// Freeze windows: periods in which releases to an environment (or a whole project) are refused.
// When a window holds is computed by freeze-window-time.ts.
import { z } from 'zod';
import { isValidTimeZone } from './freeze-window-time.js';
import { safeText } from './validators.js';

export const FREEZE_KINDS = ['weekly', 'once'] as const;
export type FreezeKind = (typeof FREEZE_KINDS)[number];
/** What a webhook auto-deploy does during the window: wait for its end, or be dropped. */
export const FREEZE_AUTO_DEPLOY = ['wait', 'drop'] as const;
export type FreezeAutoDeploy = (typeof FREEZE_AUTO_DEPLOY)[number];

export const timeZoneSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .refine(isValidTimeZone, 'not a known IANA time zone, e.g. Europe/Berlin or Asia/Shanghai');

const dayOfWeek = z.number().int().min(0, '0 = Sunday ... 6 = Saturday').max(6, '0 = Sunday ... 6 = Saturday');
const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time as HH:MM, 00:00 to 23:59');

const common = {
  /** Null (or absent): every environment of the project. */
  environmentId: z.uuid().nullable().default(null),
  reason: safeText(200, { min: 1 }),
  autoDeploy: z.enum(FREEZE_AUTO_DEPLOY).default('wait'),
};

const weeklySchema = z
  .object({
    kind: z.literal('weekly'),
    ...common,
    timeZone: timeZoneSchema,
    startDay: dayOfWeek,
    startTime: timeOfDay,
    endDay: dayOfWeek,
    endTime: timeOfDay,
  })
  .refine((w) => w.startDay !== w.endDay || w.startTime !== w.endTime, {
    message: 'the window must end at another time than it starts',
    path: ['endTime'],
  });

const onceSchema = z
  .object({
    kind: z.literal('once'),
    ...common,
    /** Only for showing the times; the window is the two instants. */
    timeZone: timeZoneSchema.default('UTC'),
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }),
  })
  .refine((w) => new Date(w.endsAt).getTime() > new Date(w.startsAt).getTime(), {
    message: 'must be after startsAt',
    path: ['endsAt'],
  });

/** Create or replace a window (PUT sends the whole window again). */
export const freezeWindowBodySchema = z.discriminatedUnion('kind', [weeklySchema, onceSchema]);
export type FreezeWindowBody = z.infer<typeof freezeWindowBodySchema>;

export interface FreezeWindowView {
  id: string;
  environmentId: string | null;
  /** Null for a project-wide window. */
  environmentName: string | null;
  kind: FreezeKind;
  reason: string;
  timeZone: string;
  startDay: number | null;
  startTime: string | null;
  endDay: number | null;
  endTime: string | null;
  startsAt: string | null;
  endsAt: string | null;
  autoDeploy: FreezeAutoDeploy;
  createdAt: string;
  /** Computed now: whether it holds, and when the current (or next) occurrence starts and ends. */
  status: { active: boolean; currentStart: string | null; currentEnd: string | null };
}

/** An active window as the release check and refusals describe it. */
export interface ActiveFreezeView {
  id: string;
  reason: string;
  environmentId: string | null;
  timeZone: string;
  endsAt: string;
  /** The end as read in the window's zone, e.g. "Mon 2026-12-07 09:00 Europe/Berlin". */
  endsAtLocal: string;
  autoDeploy: FreezeAutoDeploy;
}
