// The freeze window form's draft and its body for the API (validated by the shared schema).
import { freezeWindowBodySchema, type FreezeWindowBody } from '@wharf/shared';

export interface FreezeDraft {
  kind: 'weekly' | 'once';
  environmentId: string;
  reason: string;
  timeZone: string;
  startDay: string;
  startTime: string;
  endDay: string;
  endTime: string;
  /** datetime-local values, read in the browser's zone. */
  startsAt: string;
  endsAt: string;
  autoDeploy: 'wait' | 'drop';
}

export function emptyFreezeDraft(): FreezeDraft {
  return {
    kind: 'weekly',
    environmentId: '',
    reason: '',
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    startDay: '5',
    startTime: '18:00',
    endDay: '1',
    endTime: '09:00',
    startsAt: '',
    endsAt: '',
    autoDeploy: 'wait',
  };
}

/** The body, or the issues by field path (the shared schema's messages). */
export function freezeBody(d: FreezeDraft): { body: FreezeWindowBody } | { issues: Record<string, string> } {
  const common = {
    environmentId: d.environmentId || null,
    reason: d.reason.trim(),
    timeZone: d.timeZone.trim(),
    autoDeploy: d.autoDeploy,
  };
  const raw =
    d.kind === 'weekly'
      ? {
          kind: 'weekly',
          ...common,
          startDay: Number(d.startDay),
          startTime: d.startTime,
          endDay: Number(d.endDay),
          endTime: d.endTime,
        }
      : { kind: 'once', ...common, startsAt: localToIso(d.startsAt), endsAt: localToIso(d.endsAt) };
  const parsed = freezeWindowBodySchema.safeParse(raw);
  if (parsed.success) return { body: parsed.data };
  const issues: Record<string, string> = {};
  for (const i of parsed.error.issues) issues[i.path.join('.')] ??= i.message;
  return { issues };
}

function localToIso(v: string): string {
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}
