import { describe, expect, it } from 'vitest';
import { linkCommits, type KnownCommit } from './changelog.js';

const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, n));
/** A linear history c1 <- c2 <- ... <- c6, chain from `head` back, newest first. */
function chain(head: number, down = 1): KnownCommit[] {
  const out: KnownCommit[] = [];
  for (let i = head; i >= down; i--)
    out.push({ sha: `c${i}`, parentSha: i > 1 ? `c${i - 1}` : null, authoredAt: at(i) });
  return out;
}

describe('linkCommits', () => {
  it('forward: the commits the target adds, newest first', () => {
    const r = linkCommits({ sha: 'c5', chain: chain(5) }, { sha: 'c2', chain: chain(2) });
    expect(r).toMatchObject({ direction: 'forward', complete: true });
    expect(r.commits.map((c) => c.sha)).toEqual(['c5', 'c4', 'c3']);
  });

  it('rollback: the commits going away', () => {
    const r = linkCommits({ sha: 'c2', chain: chain(2) }, { sha: 'c5', chain: chain(5) });
    expect(r.direction).toBe('rollback');
    expect(r.commits.map((c) => c.sha)).toEqual(['c5', 'c4', 'c3']);
  });

  it('same commit', () => {
    expect(linkCommits({ sha: 'c3', chain: chain(3) }, { sha: 'c3', chain: chain(3) })).toEqual({
      direction: 'same',
      commits: [],
      complete: true,
    });
  });

  it('links through a parent Wharf knows only by name', () => {
    // c3 is known, its parent c2 is not (e.g. c2 was never in a push payload).
    const r = linkCommits(
      { sha: 'c3', chain: [{ sha: 'c3', parentSha: 'c2', authoredAt: at(3) }] },
      { sha: 'c2', chain: [] },
    );
    expect(r).toMatchObject({ direction: 'forward', complete: true });
    expect(r.commits.map((c) => c.sha)).toEqual(['c3']);
  });

  it('falls back to commit times when the chains do not meet, saying the list is incomplete', () => {
    const older = { sha: 'x1', chain: [{ sha: 'x1', parentSha: null, authoredAt: at(1) }] };
    const newer = { sha: 'y9', chain: [{ sha: 'y9', parentSha: null, authoredAt: at(9) }] };
    expect(linkCommits(older, newer)).toEqual({ direction: 'rollback', commits: [], complete: false });
    expect(linkCommits(newer, older)).toEqual({ direction: 'forward', commits: [], complete: false });
  });

  it('unknown when a commit id or both times are missing', () => {
    expect(linkCommits({ sha: null, chain: [] }, { sha: 'c1', chain: chain(1) }).direction).toBe('unknown');
    expect(linkCommits({ sha: 'a', chain: [] }, { sha: 'b', chain: [] }).direction).toBe('unknown');
  });
});
