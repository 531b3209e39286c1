// Deploy settings <-> the strings a form edits. Numbers stay strings until submit so a
// half-typed value is not lost; the shared zod schema then reports bad ones by path
// (health.intervalMs, reload.name, ...), exactly as the API would.
import type { DeploySettings } from '@wharf/shared';

export interface SettingsDraft {
  installCommand: string;
  reloadMode: 'startOrReload' | 'reload';
  ecosystemFile: string;
  reloadName: string;
  intervalMs: string;
  timeoutMs: string;
  attempts: string;
  keepReleases: string;
  preCommand: string;
  postCommand: string;
  batchSize: string;
  parallelism: string;
  onFailure: 'stop' | 'continue';
  timeoutMinutes: string;
}

export function toDraft(s: DeploySettings): SettingsDraft {
  return {
    installCommand: s.installCommand ?? '',
    reloadMode: s.reload.mode,
    ecosystemFile: s.reload.mode === 'startOrReload' ? s.reload.ecosystemFile : 'ecosystem.config.cjs',
    reloadName: s.reload.mode === 'reload' ? s.reload.name : '',
    intervalMs: String(s.health.intervalMs),
    timeoutMs: String(s.health.timeoutMs),
    attempts: String(s.health.attempts),
    keepReleases: String(s.keepReleases),
    preCommand: s.preCommand ?? '',
    postCommand: s.postCommand ?? '',
    batchSize: String(s.batchSize),
    parallelism: String(s.parallelism),
    onFailure: s.onFailure,
    timeoutMinutes: String(s.timeoutMinutes),
  };
}

/** A whole number as a number; anything else as given, for the schema to refuse. */
const num = (v: string): number | string => (/^\s*\d+\s*$/.test(v) ? Number(v) : v.trim() === '' ? Number.NaN : v);
/** '' means "not set" (null) for optional commands. */
const optional = (v: string): string | null => (v.trim() === '' ? null : v);

/** The PATCH body (every field), before schema validation. */
export function fromDraft(d: SettingsDraft): Record<string, unknown> {
  const batch = d.batchSize.trim();
  return {
    installCommand: optional(d.installCommand),
    reload:
      d.reloadMode === 'reload'
        ? { mode: 'reload', name: d.reloadName.trim() }
        : { mode: 'startOrReload', ecosystemFile: d.ecosystemFile.trim() },
    health: { intervalMs: num(d.intervalMs), timeoutMs: num(d.timeoutMs), attempts: num(d.attempts) },
    keepReleases: num(d.keepReleases),
    preCommand: optional(d.preCommand),
    postCommand: optional(d.postCommand),
    batchSize: /^\d+$/.test(batch) ? Number(batch) : batch,
    parallelism: num(d.parallelism),
    onFailure: d.onFailure,
    timeoutMinutes: num(d.timeoutMinutes),
  };
}
