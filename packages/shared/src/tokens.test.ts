import { describe, expect, it } from 'vitest';
import { createApiTokenSchema } from './dto.js';
import { tokenHasScope, tokenMayReleaseTo } from './tokens.js';

const ENV_A = '11111111-1111-4111-8111-111111111111';
const ENV_B = '22222222-2222-4222-8222-222222222222';

describe('CI token scopes', () => {
  it('defaults a new token to what tokens could always do: push + release anywhere non-protected', () => {
    expect(createApiTokenSchema.parse({ name: 'ci' })).toEqual({
      name: 'ci',
      scopes: ['artifacts:push', 'release'],
      environmentIds: [],
    });
  });

  it('refuses no scope, unknown scopes and repeats', () => {
    for (const scopes of [[], ['admin'], ['release', 'release']]) {
      expect(createApiTokenSchema.safeParse({ name: 'ci', scopes }).success, JSON.stringify(scopes)).toBe(false);
    }
    expect(createApiTokenSchema.safeParse({ name: 'ci', environmentIds: [ENV_A, ENV_A] }).success).toBe(false);
    expect(createApiTokenSchema.safeParse({ name: 'ci', environmentIds: ['dev'] }).success).toBe(false);
  });

  it('checks scopes and environment lists', () => {
    expect(tokenHasScope(['release'], 'release')).toBe(true);
    expect(tokenHasScope(['release'], 'artifacts:push')).toBe(false);
    expect(tokenMayReleaseTo([], ENV_A)).toBe(true);
    expect(tokenMayReleaseTo([ENV_A], ENV_A)).toBe(true);
    expect(tokenMayReleaseTo([ENV_A], ENV_B)).toBe(false);
  });
});
