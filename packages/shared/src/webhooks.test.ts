import { describe, expect, it } from 'vitest';
import {
  createAutoDeployRuleSchema,
  refMatchesPattern,
  rulePatternProblem,
  updateAutoDeployRuleSchema,
} from './webhooks.js';

describe('refMatchesPattern', () => {
  it('matches a branch exactly, never a prefix, suffix or path lookalike', () => {
    expect(refMatchesPattern('branch', 'release-dev', 'release-dev')).toBe(true);
    for (const other of [
      'release-dev-x',
      'feature/release-dev',
      'release-de',
      'Release-dev',
      'release-dev/x',
      ' release-dev',
    ]) {
      expect(refMatchesPattern('branch', 'release-dev', other), other).toBe(false);
    }
  });

  it('treats regex metacharacters in a branch or tag literally', () => {
    expect(refMatchesPattern('branch', 'v1.2', 'v1x2')).toBe(false);
    expect(refMatchesPattern('tag', 'v1.2', 'v1x2')).toBe(false);
    expect(refMatchesPattern('tag', 'v1.2', 'v1.2')).toBe(true);
  });

  it('anchors tag patterns; * spans anything but "/"', () => {
    expect(refMatchesPattern('tag', 'v*', 'v1.4.0')).toBe(true);
    expect(refMatchesPattern('tag', 'v*', 'v')).toBe(true);
    expect(refMatchesPattern('tag', 'v*', 'xv1')).toBe(false);
    expect(refMatchesPattern('tag', 'v*', 'v1/hotfix')).toBe(false);
    expect(refMatchesPattern('tag', 'release-*-rc', 'release-2-rc')).toBe(true);
    expect(refMatchesPattern('tag', 'release-*-rc', 'release-2-rc1')).toBe(false);
    expect(refMatchesPattern('tag', 'staging', 'staging-2')).toBe(false);
  });
});

describe('rule patterns', () => {
  it('refuses wildcards in branch rules and full ref names', () => {
    expect(rulePatternProblem('branch', 'release-*')).toMatch(/exact branch/);
    expect(rulePatternProblem('branch', 'refs/heads/main')).toMatch(/without refs/);
    expect(rulePatternProblem('tag', 'refs/tags/v*')).toMatch(/without refs/);
  });

  it('refuses what is not a git ref', () => {
    for (const bad of ['a..b', '-x', 'main/', 'x.lock', 'has space', 'semi;colon']) {
      expect(rulePatternProblem('branch', bad), bad).not.toBeNull();
    }
    expect(rulePatternProblem('tag', 'v*.*')).toBeNull();
    expect(rulePatternProblem('branch', 'feature/login')).toBeNull();
  });

  it('checks the pattern in create and update bodies, with defaults', () => {
    const ok = createAutoDeployRuleSchema.parse({ refType: 'branch', pattern: 'main' });
    expect(ok).toEqual({ refType: 'branch', pattern: 'main', event: 'push', waitForArtifactSeconds: 1800 });
    const bad = createAutoDeployRuleSchema.safeParse({ refType: 'branch', pattern: 'rel*' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['pattern']);
    expect(updateAutoDeployRuleSchema.safeParse({ refType: 'branch', pattern: 'a*' }).success).toBe(false);
    expect(updateAutoDeployRuleSchema.parse({ pattern: 'a*' })).toEqual({ pattern: 'a*' });
    expect(
      createAutoDeployRuleSchema.safeParse({ refType: 'tag', pattern: 'v*', waitForArtifactSeconds: -1 }).success,
    ).toBe(false);
  });
});
