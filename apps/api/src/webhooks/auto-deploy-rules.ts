// Which environments a GitLab event releases to, decided from the project's rules alone (pure:
// no database, no clock). A protected environment is refused whatever its rule says.
import {
  refMatchesPattern,
  type AutoDeployEvent,
  type AutoDeployRefType,
  type AutoDeployState,
  type WebhookEventKind,
  type WebhookOutcome,
} from '@wharf/shared';
import type { DeliveryDetails, GitlabEvent } from './gitlab-payloads.js';

export interface RuleRow {
  id: string;
  environmentId: string;
  environmentName: string;
  environmentProtected: boolean;
  refType: AutoDeployRefType;
  pattern: string;
  event: AutoDeployEvent;
  waitForArtifactSeconds: number;
}

export interface EnvironmentDecision {
  environmentId: string;
  environmentName: string;
  ruleId: string;
  /** waiting: release the artifact built from the commit once it is there. */
  state: Extract<AutoDeployState, 'waiting' | 'refused' | 'ignored'>;
  reason: string;
  waitForArtifactSeconds: number;
}

export interface RuleEvaluation {
  /** One per environment that has a rule for this ref. */
  decisions: EnvironmentDecision[];
  /** Why nothing applies at all (then `decisions` is empty). */
  ignoredBecause: string | null;
}

const rank: Record<EnvironmentDecision['state'], number> = { waiting: 2, refused: 1, ignored: 0 };

/** What of a rule decides whether it has a say about a ref at all. */
export type RuleRef = Pick<RuleRow, 'refType' | 'pattern'>;

type RuleSubject = Pick<GitlabEvent, 'kind' | 'refType' | 'refName' | 'sha' | 'details'>;

/**
 * What the rules look at, from a delivery as stored (the worker reads it back; the endpoint
 * derives it the same way, so both decide alike).
 */
export function ruleSubject(d: {
  kind: WebhookEventKind;
  ref: string | null;
  sha: string | null;
  details: DeliveryDetails;
}): RuleSubject {
  const refType = d.kind === 'push' ? 'branch' : d.kind === 'tag_push' ? 'tag' : refTypeOf(d.ref);
  const refName = d.ref?.replace(/^refs\/(heads|tags)\//, '') ?? null;
  return { kind: d.kind, refType, refName, sha: d.sha, details: d.details };
}

function refTypeOf(ref: string | null): 'branch' | 'tag' | null {
  if (ref?.startsWith('refs/heads/')) return 'branch';
  if (ref?.startsWith('refs/tags/')) return 'tag';
  return null;
}

/**
 * Why no environment has a say about this event (null: at least one rule applies). Depends only
 * on the rules' ref types and patterns, so the endpoint can settle such deliveries itself.
 */
export function whyNoRuleApplies(event: RuleSubject, rules: RuleRef[], eventName: string): string | null {
  if (event.kind === 'other')
    return `${eventName || 'this event'} does not deploy; Wharf uses push, tag push and pipeline events`;
  if (!event.refType || !event.refName) return 'the payload names no branch or tag';
  const what = `${event.refType} ${event.refName}`;
  if (!rules.some((r) => matches(r, event))) return `no auto-deploy rule for ${what}`;
  if (event.details.deleted || !event.sha) return `${what} was deleted`;
  return null;
}

function matches(rule: RuleRef, event: RuleSubject): boolean {
  return rule.refType === event.refType && refMatchesPattern(rule.refType, rule.pattern, event.refName!);
}

export function evaluateRules(event: RuleSubject, rules: RuleRow[], eventName: string): RuleEvaluation {
  const ignoredBecause = whyNoRuleApplies(event, rules, eventName);
  if (ignoredBecause) return none(ignoredBecause);
  const matching = rules.filter((r) => matches(r, event));

  const byEnvironment = new Map<string, EnvironmentDecision>();
  for (const rule of matching) {
    const d = decide(event, rule, event.sha!);
    const best = byEnvironment.get(rule.environmentId);
    if (
      !best ||
      rank[d.state] > rank[best.state] ||
      (d.state === best.state && d.waitForArtifactSeconds > best.waitForArtifactSeconds)
    )
      byEnvironment.set(rule.environmentId, d);
  }
  const decisions = [...byEnvironment.values()].sort((a, b) => a.environmentName.localeCompare(b.environmentName));
  return { decisions, ignoredBecause: null };
}

function decide(event: Pick<GitlabEvent, 'kind' | 'details'>, rule: RuleRow, sha: string): EnvironmentDecision {
  const base = {
    environmentId: rule.environmentId,
    environmentName: rule.environmentName,
    ruleId: rule.id,
    waitForArtifactSeconds: rule.waitForArtifactSeconds,
  };
  const ignored = (reason: string): EnvironmentDecision => ({ ...base, state: 'ignored', reason });
  const pipeline = event.details.pipeline;
  if (rule.event === 'push' && event.kind === 'pipeline') {
    return ignored(`deploys on push, not when a pipeline finishes`);
  }
  if (rule.event === 'pipeline') {
    if (event.kind !== 'pipeline') return ignored(`deploys when the pipeline for ${short(sha)} succeeds`);
    // A merge request pipeline tests the merge request, not the branch as pushed.
    if (pipeline?.source === 'merge_request_event') return ignored(`merge request pipelines do not deploy`);
    if (pipeline?.status !== 'success') {
      return ignored(
        `pipeline ${pipeline ? `#${pipeline.id} ` : ''}is ${pipeline?.status ?? 'unknown'}; deploys when it succeeds`,
      );
    }
  }
  if (rule.environmentProtected) {
    return { ...base, state: 'refused', reason: `${rule.environmentName} is protected: webhooks never release to it` };
  }
  return { ...base, state: 'waiting', reason: `waiting for an artifact built from ${short(sha)}` };
}

function none(reason: string): RuleEvaluation {
  return { decisions: [], ignoredBecause: reason };
}

export function short(sha: string): string {
  return sha.slice(0, 8);
}

export interface EnvironmentOutcome {
  environmentName: string;
  state: AutoDeployState;
  reason: string;
}

/** A delivery's outcome from its environments' states: the most hopeful one wins. */
export function summarizeDelivery(parts: EnvironmentOutcome[]): { outcome: WebhookOutcome; reason: string } {
  const has = (s: AutoDeployState) => parts.some((p) => p.state === s);
  const outcome: WebhookOutcome = has('deployed')
    ? 'deployed'
    : has('waiting')
      ? 'waiting'
      : has('frozen')
        ? 'frozen'
        : has('failed')
          ? 'failed'
          : has('expired')
            ? 'expired'
            : has('superseded')
              ? 'superseded'
              : 'ignored';
  const reason = parts.map((p) => `${p.environmentName}: ${p.reason}`).join('; ');
  return { outcome, reason };
}
