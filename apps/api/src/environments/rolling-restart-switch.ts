// Rolling-restart rules on environment settings. The protected-environment switch for rolling restarts (deploy settings
// `rollingRestart.allowOnProtected`): only a global admin may change it, and every change is
// audited with its own action so it stands out from ordinary settings edits.
import { BadRequestException, ForbiddenException } from '@nestjs/common';
import { RESTART_SECRET_MIN_LENGTH, RESTART_SECRET_VARIABLE, type DeploySettings } from '@wharf/shared';
import type { AuditEntry } from '../audit/audit.service.js';
import type { Actor } from '../common/request-context.js';

export const ROLLING_RESTART_SWITCH_PATH = 'rollingRestart.allowOnProtected';

/**
 * Refuses a non-admin whose patch would change the switch. Sending the current value back
 * (a dashboard saving the whole form) changes nothing and passes.
 */
export function assertMayChangeRollingRestartSwitch(actor: Actor, changed: string[]): void {
  if (!changed.includes(ROLLING_RESTART_SWITCH_PATH)) return;
  if (actor.type === 'user' && actor.isAdmin) return;
  throw new ForbiddenException(
    `only an administrator can change ${ROLLING_RESTART_SWITCH_PATH} (rolling restarts on a protected environment)`,
  );
}

/** The audit entry for a change of the switch, or null when the patch left it alone. */
export function rollingRestartSwitchAudit(
  env: { id: string; name: string; protected: boolean },
  projectId: string,
  changed: string[],
  next: DeploySettings,
): AuditEntry | null {
  if (!changed.includes(ROLLING_RESTART_SWITCH_PATH)) return null;
  const allowed = next.rollingRestart.allowOnProtected;
  return {
    action: allowed ? 'environment.rolling_restart_allowed' : 'environment.rolling_restart_disallowed',
    subjectType: 'environment',
    subjectId: env.id,
    projectId,
    data: { environment: env.name, protected: env.protected, allowOnProtected: allowed },
  };
}

/**
 * The restart secret variable must be long enough for the service kit to accept it, and
 * secret so it is never shown back.
 */
export function assertValidRestartSecretVariable(body: { name: string; value: string; secret: boolean }): void {
  if (body.name !== RESTART_SECRET_VARIABLE) return;
  const issue = !body.secret
    ? { path: 'secret', message: `${RESTART_SECRET_VARIABLE} must be a secret variable` }
    : body.value.length < RESTART_SECRET_MIN_LENGTH
      ? {
          path: 'value',
          message: `${RESTART_SECRET_VARIABLE} must be at least ${RESTART_SECRET_MIN_LENGTH} characters`,
        }
      : null;
  if (issue) throw new BadRequestException({ message: `${issue.path}: ${issue.message}`, issues: [issue] });
}
