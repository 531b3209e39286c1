// The "Strategy / Rolling restart" part of deploy settings <-> the strings the form edits. The
// delay stays a string until submit; updateDeploySettingsSchema then refuses a bad one by path
// (rollingRestart.readinessDelaySeconds), exactly as the API would.
import type { DeploySettings, DeployStrategy } from '@wharf/shared';

export interface RollingRestartDraft {
  strategy: DeployStrategy;
  readinessDelaySeconds: string;
  allowOnProtected: boolean;
  /** Only an admin may change the switch: it is sent only when someone actually flipped it. */
  allowTouched: boolean;
}

export function toRollingRestartDraft(s: DeploySettings): RollingRestartDraft {
  return {
    strategy: s.strategy,
    readinessDelaySeconds: String(s.rollingRestart.readinessDelaySeconds),
    allowOnProtected: s.rollingRestart.allowOnProtected,
    allowTouched: false,
  };
}

/** A number as a number (decimals allowed, as the schema allows); anything else as typed, to be refused. */
function seconds(v: string): number | string {
  const s = v.trim();
  if (s === '') return Number.NaN;
  return /^\d+(\.\d+)?$/.test(s) ? Number(s) : s;
}

/** This section's part of the PATCH body, before schema validation. */
export function fromRollingRestartDraft(d: RollingRestartDraft): Record<string, unknown> {
  return {
    strategy: d.strategy,
    rollingRestart: {
      readinessDelaySeconds: seconds(d.readinessDelaySeconds),
      ...(d.allowTouched ? { allowOnProtected: d.allowOnProtected } : {}),
    },
  };
}

/** Issue paths this section shows (for the form's "other errors" notice). */
export const ROLLING_RESTART_FIELDS = [
  'strategy',
  'rollingRestart',
  'rollingRestart.readinessDelaySeconds',
  'rollingRestart.allowOnProtected',
];
