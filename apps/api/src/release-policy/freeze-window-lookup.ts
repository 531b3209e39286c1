// Which freeze window holds an environment at an instant: its own windows and its project's
// project-wide ones. When several hold, the one ending last is named (it is what the person
// waits for).
import {
  formatInZone,
  freezeStateAt,
  type ActiveFreezeView,
  type FreezeAutoDeploy,
  type FreezeSchedule,
} from '@wharf/shared';
import type { FreezeWindow, Prisma } from '../generated/prisma/client.js';

type Db = Pick<Prisma.TransactionClient, 'freezeWindow'>;

export interface ActiveFreeze {
  window: FreezeWindow;
  endsAt: Date;
}

export function scheduleOf(w: FreezeWindow): FreezeSchedule {
  if (w.kind === 'once') return { kind: 'once', startsAt: w.startsAt!, endsAt: w.endsAt! };
  return {
    kind: 'weekly',
    timeZone: w.timeZone,
    startDay: w.startDay!,
    startTime: w.startTime!,
    endDay: w.endDay!,
    endTime: w.endTime!,
  };
}

export async function activeFreeze(
  db: Db,
  projectId: string,
  environmentId: string,
  at: Date,
): Promise<ActiveFreeze | null> {
  const windows = await db.freezeWindow.findMany({
    where: { projectId, OR: [{ environmentId }, { environmentId: null }] },
    orderBy: { createdAt: 'asc' },
  });
  let found: ActiveFreeze | null = null;
  for (const window of windows) {
    const state = freezeStateAt(scheduleOf(window), at);
    if (!state.active || !state.endsAt) continue;
    if (!found || state.endsAt > found.endsAt) found = { window, endsAt: state.endsAt };
  }
  return found;
}

export function toActiveFreezeView(f: ActiveFreeze): ActiveFreezeView {
  return {
    id: f.window.id,
    reason: f.window.reason,
    environmentId: f.window.environmentId,
    timeZone: f.window.timeZone,
    endsAt: f.endsAt.toISOString(),
    endsAtLocal: formatInZone(f.endsAt, f.window.timeZone),
    autoDeploy: f.window.autoDeploy as FreezeAutoDeploy,
  };
}

/** 'freeze "Weekend" (project-wide) until Mon 2026-12-07 09:00 Europe/Berlin' */
export function describeFreeze(f: ActiveFreeze): string {
  const scope = f.window.environmentId ? '' : ' (project-wide)';
  return `freeze window "${f.window.reason}"${scope} until ${formatInZone(f.endsAt, f.window.timeZone)}`;
}
