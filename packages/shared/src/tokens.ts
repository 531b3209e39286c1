// Project CI tokens: what a token may do. Reading the project's artifacts, deployments,
// logs and status needs no scope (every token of the project may read); each state-changing
// route that accepts tokens names the one scope it needs.
import { z } from 'zod';

/** artifacts:push: push tarballs and register images. release: request a release. */
export const API_TOKEN_SCOPES = ['artifacts:push', 'release'] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];
export const apiTokenScopeSchema = z.enum(API_TOKEN_SCOPES);

/** What tokens created before scopes existed, and tokens created without a choice, may do. */
export const DEFAULT_API_TOKEN_SCOPES: readonly ApiTokenScope[] = ['artifacts:push', 'release'];

/** Scopes of a new token: at least one, each once. */
export const apiTokenScopesSchema = z
  .array(apiTokenScopeSchema)
  .min(1, 'choose at least one scope')
  .max(API_TOKEN_SCOPES.length)
  .refine((s) => new Set(s).size === s.length, 'each scope once');

/**
 * Environments a token may release to (ids of non-protected environments of its project).
 * Empty: every non-protected environment. Protected environments never accept a token.
 */
export const apiTokenEnvironmentIdsSchema = z
  .array(z.uuid('environment ids must be UUIDs'))
  .max(100)
  .refine((ids) => new Set(ids).size === ids.length, 'each environment once');

export function isApiTokenScope(s: string): s is ApiTokenScope {
  return (API_TOKEN_SCOPES as readonly string[]).includes(s);
}

/** Does a token with these scopes hold `needed`? */
export function tokenHasScope(scopes: readonly string[], needed: ApiTokenScope): boolean {
  return scopes.includes(needed);
}

/** May a token limited to `allowed` (empty: all) release to this environment? Protection is checked apart. */
export function tokenMayReleaseTo(allowed: readonly string[], environmentId: string): boolean {
  return allowed.length === 0 || allowed.includes(environmentId);
}
