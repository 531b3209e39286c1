// The freeze window form's draft and its body for the API (validated by the shared schema).
import { freezeWindowBodySchema, type FreezeWindowBody, type FreezeWindowView } from '@wharf/shared';

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

/** A stored window as the form edits it (one-off times shown in the browser's zone). */
export function draftFromWindow(w: FreezeWindowView): FreezeDraft {
  const empty = emptyFreezeDraft();
  return {
    ...empty,
    kind: w.kind,
    environmentId: w.environmentId ?? '',
    reason: w.reason,
    timeZone: w.timeZone,
    autoDeploy: w.autoDeploy,
    ...(w.kind === 'weekly'
      ? {
          startDay: String(w.startDay ?? empty.startDay),
          startTime: w.startTime ?? empty.startTime,
          endDay: String(w.endDay ?? empty.endDay),
          endTime: w.endTime ?? empty.endTime,
        }
      : { startsAt: isoToLocal(w.startsAt), endsAt: isoToLocal(w.endsAt) }),
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

/** An instant as a datetime-local value (YYYY-MM-DDTHH:MM) in the browser's zone. */
function isoToLocal(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
