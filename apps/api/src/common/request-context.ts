// Who is calling and, on project routes, in which project: set by auth's AccessGuard, read
// by every feature (audit included). It lives here, not in auth/, so features that auth itself
// uses (audit) need nothing from auth.
import type { ApiTokenScope, ProjectRole } from '@wharf/shared';
import type { Request } from 'express';

export interface UserActor {
  type: 'user';
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
}

export interface TokenActor {
  type: 'token';
  id: string;
  prefix: string;
  projectId: string;
  scopes: ApiTokenScope[];
  /** Environments it may release to; empty: every non-protected one. */
  environmentIds: string[];
}

/** Background work (worker, watchdog), labelled for the audit trail. */
export interface SystemActor {
  type: 'system';
  label: string;
}

export type Actor = UserActor | TokenActor | SystemActor | { type: 'anonymous' };

export interface RequestContext {
  actor: Actor;
  ip: string | null;
  /** Set on project routes. */
  project?: { id: string; slug: string; name: string };
  role?: ProjectRole;
}

export type WharfRequest = Request & { wharf?: RequestContext };

/** Label stored in audit events, kept even after the actor is gone. */
export function actorLabel(actor: Actor): string {
  switch (actor.type) {
    case 'user':
      return actor.email;
    case 'token':
      return `token:${actor.prefix}`;
    case 'system':
      return actor.label;
    case 'anonymous':
      return 'anonymous';
  }
}

export function userActor(ctx: RequestContext): UserActor {
  if (ctx.actor.type !== 'user') throw new Error('this route needs a signed-in user');
  return ctx.actor;
}
