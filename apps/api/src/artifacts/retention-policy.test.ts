import { describe, expect, it } from 'vitest';
import { retentionCandidates, type LiveVersion } from './retention-policy.js';

const NOW = new Date('2026-11-30T12:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 24 * 60 * 60 * 1000);

/** v10 (newest) … v1, each pushed a day apart; `deployed` maps version → days since deployed. */
function versions(deployed: Record<string, number> = {}): (LiveVersion & { version: string })[] {
  return Array.from({ length: 10 }, (_, i) => {
    const n = 10 - i;
    const version = `v${n}`;
    return {
      id: `id-${n}`,
      version,
      createdAt: daysAgo(100 - n),
      lastDeployedAt: deployed[version] === undefined ? null : daysAgo(deployed[version]),
    };
  });
}

const names = (vs: { version: string }[]) => vs.map((v) => v.version);

describe('retentionCandidates', () => {
  it('deletes nothing while retention is off', () => {
    expect(retentionCandidates(versions(), { keepNewest: null, keepDeployedDays: null }, new Set(), NOW)).toEqual([]);
  });

  it('keeps the newest N and returns the rest newest first', () => {
    const out = retentionCandidates(versions(), { keepNewest: 3, keepDeployedDays: null }, new Set(), NOW);
    expect(names(out)).toEqual(['v7', 'v6', 'v5', 'v4', 'v3', 'v2', 'v1']);
  });

  it('keeps versions deployed within the last M days, and only those', () => {
    const live = versions({ v2: 6.9, v3: 7.1, v5: 0 });
    const out = retentionCandidates(live, { keepNewest: 3, keepDeployedDays: 7 }, new Set(), NOW);
    expect(names(out)).toEqual(['v7', 'v6', 'v4', 'v3', 'v1']);
  });

  it('ignores deployment age without an age rule', () => {
    const out = retentionCandidates(versions({ v1: 0 }), { keepNewest: 9, keepDeployedDays: null }, new Set(), NOW);
    expect(names(out)).toEqual(['v1']);
  });

  it('never returns a protected version', () => {
    const out = retentionCandidates(
      versions(),
      { keepNewest: 1, keepDeployedDays: null },
      new Set(['id-1', 'id-5']),
      NOW,
    );
    expect(names(out)).toEqual(['v9', 'v8', 'v7', 'v6', 'v4', 'v3', 'v2']);
  });

  it('deletes nothing when there are no more versions than N', () => {
    expect(retentionCandidates(versions(), { keepNewest: 10, keepDeployedDays: null }, new Set(), NOW)).toEqual([]);
  });
});
