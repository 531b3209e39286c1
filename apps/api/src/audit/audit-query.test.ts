import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AUDIT_SEARCH_TEXT, containsPattern } from './audit-query.js';

const MIGRATION = new URL(
  '../../../../prisma/migrations/20261201084700_audit_trigram_search/migration.sql',
  import.meta.url,
);
const squeeze = (s: string) => s.replace(/\s+/g, '');

describe('audit query', () => {
  it('searches the very expression the trigram index holds (else every search reads every event)', () => {
    const sql = readFileSync(MIGRATION, 'utf8');
    const indexed = /"AuditEvent_search_trgm_idx" ON "AuditEvent" USING gin \(([\s\S]*?) gin_trgm_ops\)/.exec(sql)?.[1];
    expect(indexed).toBeDefined();
    expect(squeeze(AUDIT_SEARCH_TEXT)).toBe(squeeze(indexed!));
  });

  it("matches LIKE's wildcards in the text as themselves", () => {
    expect(containsPattern('50%_a\\b')).toBe('%50\\%\\_a\\\\b%');
  });
});
