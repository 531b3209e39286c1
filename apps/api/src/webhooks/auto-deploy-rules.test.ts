import { describe, expect, it } from 'vitest';
import { evaluateRules, ruleSubject, summarizeDelivery, whyNoRuleApplies, type RuleRow } from './auto-deploy-rules.js';
import type { GitlabEvent } from './gitlab-payloads.js';

const SHA = 'a'.repeat(40);

function rule(o: Partial<RuleRow> & Pick<RuleRow, 'pattern'>): RuleRow {
  return {
    id: `rule-${o.pattern}-${o.environmentName ?? 'dev'}`,
    environmentId: `env-${o.environmentName ?? 'dev'}`,
    environmentName: 'dev',
    environmentProtected: false,
    refType: 'branch',
    event: 'push',
    waitForArtifactSeconds: 600,
    ...o,
  };
}

function push(
  branch: string,
  sha: string | null = SHA,
): Pick<GitlabEvent, 'kind' | 'refType' | 'refName' | 'sha' | 'details'> {
  return { kind: 'push', refType: 'branch', refName: branch, sha, details: sha ? {} : { deleted: true } };
}

function pipeline(ref: string, status: string, source = 'push', tag = false) {
  return {
    kind: 'pipeline' as const,
    refType: tag ? ('tag' as const) : ('branch' as const),
    refName: ref,
    sha: SHA,
    details: { pipeline: { id: 7, status, source } },
  };
}

describe('evaluateRules', () => {
  it('deploys a push to the exact branch, and nothing for lookalike branches', () => {
    const rules = [rule({ pattern: 'release-dev' })];
    expect(evaluateRules(push('release-dev'), rules, 'Push Hook').decisions).toMatchObject([
      { environmentId: 'env-dev', state: 'waiting', waitForArtifactSeconds: 600 },
    ]);
    for (const branch of ['release-dev-x', 'feature/release-dev', 'release-de', 'RELEASE-DEV']) {
      const r = evaluateRules(push(branch), rules, 'Push Hook');
      expect(r.decisions, branch).toEqual([]);
      expect(r.ignoredBecause).toBe(`no auto-deploy rule for branch ${branch}`);
    }
  });

  it('never matches a branch rule with a tag of the same name, or the reverse', () => {
    const tagEvent = { ...push('v1'), kind: 'tag_push' as const, refType: 'tag' as const };
    expect(evaluateRules(tagEvent, [rule({ pattern: 'v1' })], 'Tag Push Hook').decisions).toEqual([]);
    expect(evaluateRules(push('v1'), [rule({ pattern: 'v*', refType: 'tag' })], 'Push Hook').decisions).toEqual([]);
    expect(evaluateRules(tagEvent, [rule({ pattern: 'v*', refType: 'tag' })], 'Tag Push Hook').decisions).toHaveLength(
      1,
    );
  });

  it('refuses a protected environment whatever its rule says, and still deploys the others', () => {
    const rules = [
      rule({ pattern: 'main', environmentName: 'prod', environmentProtected: true }),
      rule({ pattern: 'main', environmentName: 'dev' }),
    ];
    const r = evaluateRules(push('main'), rules, 'Push Hook');
    expect(r.decisions.map((d) => [d.environmentName, d.state])).toEqual([
      ['dev', 'waiting'],
      ['prod', 'refused'],
    ]);
    expect(r.decisions[1]!.reason).toBe('prod is protected: webhooks never release to it');
  });

  it('pipeline rules deploy only on a successful branch pipeline of that ref', () => {
    const rules = [rule({ pattern: 'main', event: 'pipeline' })];
    expect(evaluateRules(pipeline('main', 'success'), rules, 'Pipeline Hook').decisions[0]!.state).toBe('waiting');
    const running = evaluateRules(pipeline('main', 'running'), rules, 'Pipeline Hook').decisions[0]!;
    expect(running).toMatchObject({ state: 'ignored', reason: 'pipeline #7 is running; deploys when it succeeds' });
    expect(evaluateRules(pipeline('main', 'failed'), rules, 'Pipeline Hook').decisions[0]!.state).toBe('ignored');
    const mr = evaluateRules(pipeline('main', 'success', 'merge_request_event'), rules, 'Pipeline Hook').decisions[0]!;
    expect(mr).toMatchObject({ state: 'ignored', reason: 'merge request pipelines do not deploy' });
    // The push itself waits for the pipeline.
    expect(evaluateRules(push('main'), rules, 'Push Hook').decisions[0]).toMatchObject({
      state: 'ignored',
      reason: `deploys when the pipeline for ${SHA.slice(0, 8)} succeeds`,
    });
  });

  it('push rules ignore pipeline events; a protected pipeline rule is refused only when it would deploy', () => {
    expect(
      evaluateRules(pipeline('main', 'success'), [rule({ pattern: 'main' })], 'Pipeline Hook').decisions[0]!.state,
    ).toBe('ignored');
    const prot = [rule({ pattern: 'main', event: 'pipeline', environmentProtected: true })];
    expect(evaluateRules(pipeline('main', 'running'), prot, 'Pipeline Hook').decisions[0]!.state).toBe('ignored');
    expect(evaluateRules(pipeline('main', 'success'), prot, 'Pipeline Hook').decisions[0]!.state).toBe('refused');
  });

  it('one decision per environment: a deploying rule wins over one that ignores the event', () => {
    const rules = [
      rule({ pattern: 'main', event: 'pipeline' }),
      rule({ pattern: 'main', event: 'push', waitForArtifactSeconds: 5 }),
    ];
    const r = evaluateRules(push('main'), rules, 'Push Hook');
    expect(r.decisions).toHaveLength(1);
    expect(r.decisions[0]).toMatchObject({ state: 'waiting', waitForArtifactSeconds: 5 });
  });

  it('ignores deleted branches and other events', () => {
    expect(evaluateRules(push('main', null), [rule({ pattern: 'main' })], 'Push Hook').ignoredBecause).toBe(
      'branch main was deleted',
    );
    const other = { kind: 'other' as const, refType: null, refName: null, sha: null, details: {} };
    expect(evaluateRules(other, [rule({ pattern: 'main' })], 'Issue Hook').ignoredBecause).toMatch(
      /^Issue Hook does not deploy/,
    );
  });
});

describe('summarizeDelivery', () => {
  it('reports the most hopeful state, with every environment in words', () => {
    expect(
      summarizeDelivery([
        { environmentName: 'dev', state: 'deployed', reason: 'released 1.2' },
        { environmentName: 'prod', state: 'refused', reason: 'protected' },
      ]),
    ).toEqual({ outcome: 'deployed', reason: 'dev: released 1.2; prod: protected' });
    expect(summarizeDelivery([{ environmentName: 'dev', state: 'waiting', reason: 'w' }]).outcome).toBe('waiting');
    expect(summarizeDelivery([{ environmentName: 'dev', state: 'superseded', reason: 's' }]).outcome).toBe(
      'superseded',
    );
    expect(summarizeDelivery([{ environmentName: 'dev', state: 'expired', reason: 'e' }]).outcome).toBe('expired');
    expect(summarizeDelivery([{ environmentName: 'dev', state: 'refused', reason: 'r' }]).outcome).toBe('ignored');
    expect(
      summarizeDelivery([
        { environmentName: 'a', state: 'failed', reason: 'f' },
        { environmentName: 'b', state: 'superseded', reason: 's' },
      ]).outcome,
    ).toBe('failed');
  });
});

describe('whyNoRuleApplies (what the endpoint settles without the worker)', () => {
  it('agrees with evaluateRules whatever else the rules say (protected, pipeline-only)', () => {
    const rules = [
      rule({ pattern: 'main', environmentProtected: true }),
      rule({ pattern: 'release-dev', event: 'pipeline', environmentName: 'qa' }),
      rule({ refType: 'tag', pattern: 'v*' }),
    ];
    const refs = rules.map(({ refType, pattern }) => ({ refType, pattern }));
    const subjects = [
      push('main'),
      push('main-x'),
      push('release-dev'),
      push('release-dev', null),
      push('feature/release-dev'),
      pipeline('release-dev', 'success'),
      pipeline('v1', 'success', 'push', true),
      ruleSubject({ kind: 'tag_push', ref: 'refs/tags/v1.2', sha: SHA, details: {} }),
      ruleSubject({ kind: 'tag_push', ref: 'refs/tags/x1', sha: SHA, details: {} }),
      ruleSubject({ kind: 'other', ref: null, sha: null, details: {} }),
    ];
    for (const s of subjects) {
      expect(whyNoRuleApplies(s, refs, 'Push Hook'), JSON.stringify(s)).toBe(
        evaluateRules(s, rules, 'Push Hook').ignoredBecause,
      );
    }
    expect(whyNoRuleApplies(push('main-x'), refs, 'Push Hook')).toBe('no auto-deploy rule for branch main-x');
    expect(whyNoRuleApplies(push('main'), refs, 'Push Hook')).toBeNull();
  });

  it('reads a stored delivery as the endpoint reads the payload', () => {
    expect(ruleSubject({ kind: 'push', ref: 'refs/heads/feature/a', sha: SHA, details: {} })).toMatchObject({
      refType: 'branch',
      refName: 'feature/a',
    });
    expect(ruleSubject({ kind: 'pipeline', ref: 'refs/tags/v1', sha: SHA, details: {} })).toMatchObject({
      refType: 'tag',
      refName: 'v1',
    });
  });
});
