// Label and field selectors as the API server reads them from `?labelSelector=` and
// `?fieldSelector=`, plus a workload's structured `spec.selector`.
import type { LabelSelector } from './k8s-types.js';

export type Matcher = (labels: Record<string, string> | undefined) => boolean;

export class SelectorError extends Error {}

/** `app=web,tier!=db,env in (a,b),!canary,track` */
export function parseLabelSelector(text: string | null): Matcher {
  if (!text) return () => true;
  const parts = splitTopLevel(text);
  const tests: Matcher[] = parts.map((raw) => {
    const p = raw.trim();
    let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(p);
    if (m) {
      const key = m[1]!;
      const values = new Set(m[3]!.split(',').map((v) => v.trim()));
      return m[2] === 'in'
        ? (l) => l?.[key] !== undefined && values.has(l[key])
        : (l) => l?.[key] === undefined || !values.has(l[key]);
    }
    m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(p);
    if (m) {
      const [, key, op, value] = m as unknown as [string, string, string, string];
      return op === '!=' ? (l) => l?.[key] !== value : (l) => l?.[key] === value;
    }
    m = /^!([\w./-]+)$/.exec(p);
    if (m) {
      const key = m[1]!;
      return (l) => l?.[key] === undefined;
    }
    m = /^([\w./-]+)$/.exec(p);
    if (m) {
      const key = m[1]!;
      return (l) => l?.[key] !== undefined;
    }
    throw new SelectorError(`unable to parse requirement: "${p}"`);
  });
  return (labels) => tests.every((t) => t(labels));
}

function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur);
  return out;
}

export function matchesSelector(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels?.[k] !== v) return false;
  for (const r of selector.matchExpressions ?? []) {
    const has = labels?.[r.key] !== undefined;
    const v = labels?.[r.key];
    switch (r.operator) {
      case 'In':
        if (!has || !(r.values ?? []).includes(v!)) return false;
        break;
      case 'NotIn':
        if (has && (r.values ?? []).includes(v!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** The string form clients send (`kubectl` prints and sends selectors this way). */
export function selectorToString(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const r of selector.matchExpressions ?? []) {
    if (r.operator === 'Exists') parts.push(r.key);
    else if (r.operator === 'DoesNotExist') parts.push(`!${r.key}`);
    else parts.push(`${r.key} ${r.operator.toLowerCase()} (${(r.values ?? []).join(',')})`);
  }
  return parts.join(',');
}

/** `metadata.name=web,involvedObject.kind!=Pod`: dotted paths into the object, = / == / !=. */
export function parseFieldSelector(text: string | null): (obj: unknown) => boolean {
  if (!text) return () => true;
  const tests = splitTopLevel(text).map((raw) => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(raw.trim());
    if (!m) throw new SelectorError(`invalid field selector: "${raw}"`);
    const [, path, op, value] = m as unknown as [string, string, string, string];
    return (obj: unknown) => {
      let cur: unknown = obj;
      for (const seg of path.split('.')) {
        cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[seg] : undefined;
      }
      const actual = typeof cur === 'string' || typeof cur === 'number' || typeof cur === 'boolean' ? String(cur) : '';
      return op === '!=' ? actual !== value : actual === value;
    };
  });
  return (obj) => tests.every((t) => t(obj));
}
