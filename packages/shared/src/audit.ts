// Audit review: the filters the audit pages and the CSV export share, and one readable
// sentence per event (instead of raw JSON) for the dashboard and the export.
import { z } from 'zod';
import { idCursorSchema } from './cursors.js';
import { safeText } from './validators.js';

export const auditFilterSchema = z.object({
  /** Exact action (`deployment.failed`), or a family ending in a dot (`deployment.`). */
  action: safeText(100).optional(),
  /** Part of the actor's label (email, token name, system). */
  actor: safeText(200).optional(),
  subjectType: z
    .string()
    .regex(/^[a-z_]{1,40}$/, 'subjectType is a word such as deployment or target')
    .optional(),
  subjectId: safeText(100).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** Free text over action, actor, subject and the event's details. */
  q: safeText(100).optional(),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

export const auditQuerySchema = auditFilterSchema.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Audit events are keyed by an int8 id: the cursor is the previous page's last id. */
  cursor: idCursorSchema.optional(),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

interface DescribedEvent {
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  data: Record<string, unknown>;
}

const VERBS: Record<string, string> = {
  'auth.login': 'signed in',
  'auth.login_failed': 'failed to sign in',
  'user.created': 'created user',
  'user.password_changed': 'changed their password',
  'user.password_change_failed': 'failed to change their password',
  'user.password_reset': 'reset the password of user',
  'project.created': 'created project',
  'project.updated': 'updated project',
  'project.deleted': 'deleted project',
  'project.retention_updated': 'changed artifact retention of project',
  'member.upserted': 'set a member role in project',
  'member.removed': 'removed a member from project',
  'environment.created': 'created environment',
  'environment.updated': 'updated environment',
  'environment.deleted': 'deleted environment',
  'environment.settings_updated': 'changed deploy settings of environment',
  'environment.rolling_restart_allowed': 'allowed rolling restarts on protected environment',
  'environment.rolling_restart_disallowed': 'disallowed rolling restarts on protected environment',
  'target.created': 'created target',
  'target.updated': 'updated target',
  'target.deleted': 'deleted target',
  'credential.created': 'created credential',
  'credential.rotated': 'rotated credential',
  'credential.deleted': 'deleted credential',
  'variable.set': 'set variable',
  'variable.deleted': 'deleted variable',
  'target_variable.set': 'set target variable',
  'target_variable.deleted': 'deleted target variable',
  'token.created': 'created CI token',
  'token.revoked': 'revoked CI token',
  'artifact.pushed': 'pushed version',
  'artifact.deleted': 'deleted version',
  'host_key.approved': 'approved the host key of target',
  'host_key.rejected': 'refused a changed host key of target',
  'deployment.requested': 'requested a release',
  'deployment.rollback_requested': 'requested a rollback',
  'deployment.started': 'started deployment',
  'deployment.succeeded': 'finished deployment (succeeded)',
  'deployment.failed': 'finished deployment (failed)',
  'deployment.cancelled': 'finished deployment (cancelled)',
  'deployment.cancel_requested': 'asked to cancel deployment',
  'deployment.withdrawn': 'withdrew a release waiting for approval',
  'deployment.logs_pruned': 'removed release logs past their retention',
  'environment.log_retention_updated': 'changed log retention of environment',
  'auto_deploy_rule.created': 'created an auto-deploy rule',
  'auto_deploy_rule.updated': 'updated an auto-deploy rule',
  'auto_deploy_rule.deleted': 'deleted an auto-deploy rule',
  'webhook.removed': 'removed the GitLab webhook',
  'environment.promotion_rule_set': 'set the promotion rule of environment',
  'freeze_window.created': 'added a freeze window',
  'freeze_window.updated': 'changed a freeze window',
  'freeze_window.deleted': 'deleted a freeze window',
  'deployment.promotion_overridden': 'overrode the promotion rule for a release',
  'deployment.freeze_overridden': 'released during a freeze window',
  'notification.created': 'added a release notification',
  'notification.updated': 'changed a release notification',
  'notification.deleted': 'deleted a release notification',
};

/** Detail fields worth naming, in the order they read well. */
const DETAIL_KEYS = ['name', 'email', 'slug', 'environment', 'version', 'trigger', 'role', 'kind', 'error', 'changed'];

/** The details of an event that matter to a reader, as "key value" pairs (long values cut). */
export function auditDetailPairs(data: Record<string, unknown>): { key: string; value: string }[] {
  return DETAIL_KEYS.flatMap((key) => {
    const v = data[key];
    if (v === null || v === undefined || v === '' || (typeof v === 'object' && !Array.isArray(v))) return [];
    const value = Array.isArray(v) ? v.map(String).join(', ') : String(v);
    return [{ key, value: value.length > 120 ? `${value.slice(0, 117)}...` : value }];
  });
}

/** "alice@x.io requested a release (environment prod, version 1.4.2)" */
export function describeAuditEvent(e: DescribedEvent): string {
  const verb = VERBS[e.action] ?? `${e.action.replace(/[._]/g, ' ')} on ${e.subjectType}`;
  const details = auditDetailPairs(e.data).map((d) => `${d.key} ${d.value}`);
  return `${e.actor} ${verb}${details.length ? ` (${details.join(', ')})` : ''}`;
}
