import { describe, expect, it } from 'vitest';
import { isRollingRestart, primaryKind, rollingRestartRefusal, strategyFor } from './release-strategy.js';

describe('release strategy', () => {
  it('follows the target kind, and the SSH strategy setting', () => {
    expect(strategyFor('ssh', { strategy: 'release' })).toBe('ssh-release');
    expect(strategyFor('ssh', { strategy: 'rolling-restart' })).toBe('ssh-rolling-restart');
    expect(strategyFor('kubernetes', { strategy: 'rolling-restart' })).toBe('kubernetes-release');
    expect(strategyFor('consul', { strategy: 'release' })).toBe('consul-rolling-restart');
    expect(isRollingRestart('consul-rolling-restart')).toBe(true);
    expect(isRollingRestart('kubernetes-release')).toBe(false);
  });

  it('takes the kind most targets have; ties go to ssh, then kubernetes', () => {
    expect(primaryKind([])).toBeNull();
    expect(primaryKind(['consul', 'kubernetes', 'kubernetes'])).toBe('kubernetes');
    expect(primaryKind(['consul', 'ssh'])).toBe('ssh');
    expect(primaryKind(['consul', 'kubernetes'])).toBe('kubernetes');
  });

  it('refuses rolling restarts on a protected environment unless allowed', () => {
    const allowed = { rollingRestart: { readinessDelaySeconds: 10, allowOnProtected: true } };
    const refused = { rollingRestart: { readinessDelaySeconds: 10, allowOnProtected: false } };
    expect(rollingRestartRefusal({ name: 'prod', protected: true }, refused)).toMatch(/prod is protected/);
    expect(rollingRestartRefusal({ name: 'prod', protected: true }, allowed)).toBeNull();
    expect(rollingRestartRefusal({ name: 'dev', protected: false }, refused)).toBeNull();
  });
});
