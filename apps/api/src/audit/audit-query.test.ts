import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AUDIT_SEARCH_FOLDED,
  AUDIT_SEARCH_TEXT,
  AUDIT_SEARCH_TRIPLED,
  searchesFolded,
  searchesShort,
} from './audit-query.js';

const migration = (name: string) =>
  readFileSync(new URL(`../../../../prisma/migrations/${name}/migration.sql`, import.meta.url), 'utf8');
const squeeze = (s: string) => s.replace(/\s+/g, '');
const indexExpression = (sql: string, index: string) =>
  new RegExp(`"${index}" ON "AuditEvent" USING gin \\(([\\s\\S]*?) gin_trgm_ops\\)`).exec(sql)?.[1];

describe('audit query', () => {
  it('searches the very expression the trigram index holds (else every search reads every event)', () => {
    const indexed = indexExpression(migration('20261201084700_audit_trigram_search'), 'AuditEvent_search_trgm_idx');
    expect(indexed).toBeDefined();
    expect(squeeze(AUDIT_SEARCH_TEXT)).toBe(squeeze(indexed!));
  });

  it('searches a punctuated q through the very expression the folded index holds', () => {
    const sql = migration('20261201113000_audit_search_folded');
    const indexed = indexExpression(sql, 'AuditEvent_search_folded_trgm_idx');
    expect(indexed).toBeDefined();
    // The index wraps the expression in one more pair of parentheses.
    expect(`(${squeeze(AUDIT_SEARCH_FOLDED)})`).toBe(squeeze(indexed!));
  });

  it('searches a short q through the very expression the tripled index holds', () => {
    const sql = migration('20261201150000_audit_short_terms_and_actor_labels');
    const indexed = indexExpression(sql, 'AuditEvent_search_tripled_trgm_idx');
    expect(indexed).toBeDefined();
    expect(`(${squeeze(AUDIT_SEARCH_TRIPLED)})`).toBe(squeeze(indexed!));
  });

  it('takes one- and two-character terms of letters and digits through the tripled index', () => {
    for (const q of ['v1', '42', 'x', 'EU', '部署', '部', 'デ', '١٢']) expect(searchesShort(q), q).toBe(true);
    // Three characters (a trigram of its own), empty, cased non-ASCII letters (lowering may
    // depend on context), punctuation (pg_trgm splits words there).
    for (const q of ['v1x', '部署済', '', 'é1', 'Σ', '1.', '@a', '%', 'a#']) expect(searchesShort(q), q).toBe(false);
  });

  it('folds only ASCII terms with punctuation long enough for a trigram', () => {
    for (const q of ['1.0.42', 'ada@example.com', 'qa-review', '50%', 'a_b', 'C:\\x', 'Two Words']) {
      expect(searchesFolded(q), q).toBe(true);
    }
    // No punctuation (the plain index is as good), too short, not ASCII, or only unfolded marks.
    for (const q of ['deployment', '1.', 'ü.1.2', 'a#b', '"x"']) expect(searchesFolded(q), q).toBe(false);
  });
});
