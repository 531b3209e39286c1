import { describe, expect, it } from 'vitest';
import { retentionPreviewQuerySchema, retentionSettingsSchema } from './retention.js';

describe('retention settings', () => {
  it('accepts retention off, N alone, and N with an age rule', () => {
    for (const ok of [
      { keepNewest: null, keepDeployedDays: null },
      { keepNewest: 1, keepDeployedDays: null },
      { keepNewest: 20, keepDeployedDays: 30 },
    ]) {
      expect(retentionSettingsSchema.parse(ok)).toEqual(ok);
    }
  });

  it('refuses an age rule without N, naming keepDeployedDays', () => {
    const r = retentionSettingsSchema.safeParse({ keepNewest: null, keepDeployedDays: 7 });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['keepDeployedDays']);
  });

  it('refuses zero, fractions, strings, missing fields and unknown fields', () => {
    for (const bad of [
      { keepNewest: 0, keepDeployedDays: null },
      { keepNewest: 2.5, keepDeployedDays: null },
      { keepNewest: '3', keepDeployedDays: null },
      { keepNewest: 3, keepDeployedDays: 0 },
      { keepNewest: 3 },
      { keepNewest: 3, keepDeployedDays: null, keepForever: true },
    ]) {
      expect(retentionSettingsSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('retention preview query', () => {
  it('reads absent or empty parameters as null and numbers from strings', () => {
    expect(retentionPreviewQuerySchema.parse({})).toEqual({ keepNewest: null, keepDeployedDays: null });
    expect(retentionPreviewQuerySchema.parse({ keepNewest: '', keepDeployedDays: '' })).toEqual({
      keepNewest: null,
      keepDeployedDays: null,
    });
    expect(retentionPreviewQuerySchema.parse({ keepNewest: '5', keepDeployedDays: '14' })).toEqual({
      keepNewest: 5,
      keepDeployedDays: 14,
    });
  });

  it('refuses what the settings refuse', () => {
    for (const bad of [{ keepNewest: 'x' }, { keepNewest: '0' }, { keepDeployedDays: '3' }, { keepNewest: '1.5' }]) {
      expect(retentionPreviewQuerySchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
