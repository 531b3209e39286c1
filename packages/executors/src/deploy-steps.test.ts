import { describe, expect, it } from 'vitest';
import { parsePm2Jlist, releasePaths } from './deploy-steps.js';

describe('releasePaths', () => {
  it('derives every path from the base dir and version', () => {
    expect(releasePaths('/srv/app/', 'v2')).toEqual({
      base: '/srv/app',
      releases: '/srv/app/releases',
      release: '/srv/app/releases/v2',
      current: '/srv/app/current',
      // Wharf's markers live beside the releases, where no tarball entry can reach.
      state: '/srv/app/.wharf',
      owned: '/srv/app/.wharf/v2.owned',
      complete: '/srv/app/.wharf/v2.complete',
    });
  });
});

describe('parsePm2Jlist', () => {
  it('finds the JSON line among other output', () => {
    const out = 'some warning\n[{"name":"web","pm2_env":{"status":"online"}}]\n';
    expect(parsePm2Jlist(out)).toEqual([{ name: 'web', pm2_env: { status: 'online' } }]);
  });

  it('fails clearly without leaking the output', () => {
    expect(() => parsePm2Jlist('nothing here')).toThrow(/no process list/);
    expect(() => parsePm2Jlist('[{"name": "web", SECRET')).toThrow(/not valid JSON/);
    try {
      parsePm2Jlist('[{"name": "web", SECRET');
    } catch (err) {
      expect((err as Error).message).not.toContain('SECRET');
    }
  });
});
