// Every route declares who may call it. The global AccessGuard (auth/access.guard.ts) refuses
// any route that declares nothing, so a forgotten decorator fails closed. The declarations
// live here so that declaring a rule never makes a feature depend on auth/.
import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { ApiTokenScope, ProjectRole } from '@wharf/shared';
import type { RequestContext, WharfRequest } from './request-context.js';

export const ACCESS_KEY = 'wharf:access';

export type AccessRule =
  | { kind: 'public' }
  | { kind: 'user' }
  | { kind: 'admin' }
  /**
   * Needs `role` in the project named by the `:slug` route param. `tokenScope`: what a CI
   * token must hold on a token route (null: reading, which any token of the project may do).
   */
  | { kind: 'project'; role: ProjectRole; allowToken: boolean; tokenScope: ApiTokenScope | null };

/** No authentication: health, login, and endpoints that verify their own token. */
export const Public = () => SetMetadata(ACCESS_KEY, { kind: 'public' } satisfies AccessRule);
/** Any signed-in user. */
export const SignedIn = () => SetMetadata(ACCESS_KEY, { kind: 'user' } satisfies AccessRule);
/** Global administrators only. */
export const AdminOnly = () => SetMetadata(ACCESS_KEY, { kind: 'admin' } satisfies AccessRule);
/** A project member with at least `role`; non-members get 404. */
export const ProjectAccess = (role: ProjectRole) =>
  SetMetadata(ACCESS_KEY, { kind: 'project', role, allowToken: false, tokenScope: null } satisfies AccessRule);
/**
 * Like ProjectAccess, but a CI token of this project is accepted too (acts as deployer).
 * Reads (viewer) are open to every token of the project; anything more names the scope a
 * token needs, so a state-changing token route cannot be declared without one.
 */
export function ProjectOrTokenAccess(role: 'viewer'): ReturnType<typeof SetMetadata>;
export function ProjectOrTokenAccess(role: ProjectRole, tokenScope: ApiTokenScope): ReturnType<typeof SetMetadata>;
export function ProjectOrTokenAccess(role: ProjectRole, tokenScope: ApiTokenScope | null = null) {
  return SetMetadata(ACCESS_KEY, { kind: 'project', role, allowToken: true, tokenScope } satisfies AccessRule);
}

/** The authenticated caller and, on project routes, the resolved project and role. */
export const Ctx = createParamDecorator((_data: unknown, ctx: ExecutionContext): RequestContext => {
  const req = ctx.switchToHttp().getRequest<WharfRequest>();
  if (!req.wharf) throw new Error('request context missing: route has no access rule');
  return req.wharf;
});
