// Readable audit events in the dashboard's language: the action as a phrase (the details come
// from auditDetailPairs in @wharf/shared), and where the subject lives in the dashboard.
import type { AuditEventView } from '@wharf/shared';
import { en } from '../../i18n/en';
import type { MessageKey } from '../../i18n/translate';

/** The i18n key of an action's phrase, or null for an action without one (shown as its code). */
export function actionKey(action: string): MessageKey | null {
  const key = `auditEvent.${action}`;
  return key in en ? (key as MessageKey) : null;
}

/** Dashboard path of the event's subject, when it has a page; `slug` is the subject's project. */
export function subjectPath(e: Pick<AuditEventView, 'subjectType' | 'subjectId'>, slug: string | null): string | null {
  if (!slug) return null;
  const base = `/projects/${encodeURIComponent(slug)}`;
  switch (e.subjectType) {
    case 'deployment':
      return e.subjectId ? `${base}/deployments/${encodeURIComponent(e.subjectId)}` : `${base}/deployments`;
    case 'project':
      return base;
    case 'environment':
    case 'freeze_window':
    case 'variable':
    case 'auto_deploy_rule':
      return `${base}/environments`;
    case 'target':
    case 'target_variable':
      return `${base}/targets`;
    case 'credential':
      return `${base}/credentials`;
    case 'token':
      return `${base}/tokens`;
    case 'artifact':
      return `${base}/versions`;
    case 'member':
    case 'user':
      return `${base}/members`;
    case 'webhook':
      return `${base}/webhook`;
    case 'notification':
      return `${base}/notifications`;
    default:
      return null;
  }
}
