// Per project, which refs its auto-deploy rules name (type and pattern): enough for the webhook
// endpoint to see that no rule applies to a delivery and settle it itself, so most deliveries
// never reach the worker. Never trusted blindly: the endpoint's insert compares these refs with
// the rules in the database in the same statement and settles the delivery only if they agree
// (otherwise it stays pending for the worker). Every insert hands back the rules as they are,
// which refresh the entry, so no invalidation is needed: a rule change shows on the next delivery.
import { Injectable } from '@nestjs/common';
import type { AutoDeployRefType } from '@wharf/shared';
import type { RuleRef } from './auto-deploy-rules.js';

/** Bounds memory when many projects receive deliveries; an evicted project is read again. */
const MAX_PROJECTS = 10_000;

export interface ProjectRuleRefs {
  refs: RuleRef[];
  /** The refs as the database spells them: "<refType>:<pattern>" (a git ref holds no ":"). */
  keys: string[];
}

/** The SQL expression the database builds a rule's key with (table alias `r`). */
export const RULE_REF_KEY_SQL = `r."refType"::text || ':' || r."pattern"`;

@Injectable()
export class RuleRefsCache {
  private readonly entries = new Map<string, ProjectRuleRefs>();

  get(projectId: string): ProjectRuleRefs | undefined {
    return this.entries.get(projectId);
  }

  /** The project's rule keys as the database just returned them. */
  remember(projectId: string, keys: string[]): void {
    const known = this.entries.get(projectId);
    if (known && sameKeys(known.keys, keys)) return;
    this.entries.delete(projectId);
    if (this.entries.size >= MAX_PROJECTS) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(projectId, { keys, refs: keys.map(parseKey) });
  }
}

function sameKeys(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

function parseKey(key: string): RuleRef {
  const at = key.indexOf(':');
  return { refType: key.slice(0, at) as AutoDeployRefType, pattern: key.slice(at + 1) };
}
