import { describe, expect, it } from 'vitest';
import { findMatches, highlightSegments, normaliseQuery } from './highlight';

describe('search highlighting', () => {
  it('finds case-insensitive, non-overlapping matches', () => {
    expect(findMatches('Error: error ERROR', normaliseQuery('ERROR'))).toEqual([
      [0, 5],
      [7, 12],
      [13, 18],
    ]);
    // Spaces are part of the query ("line 9 " must not match "line 90").
    expect(findMatches('line 90 line 9 x', normaliseQuery('line 9 '))).toEqual([[8, 15]]);
    expect(normaliseQuery('   ')).toBe('');
    expect(findMatches('aaaa', 'aa')).toEqual([
      [0, 2],
      [2, 4],
    ]);
    expect(findMatches('anything', '')).toEqual([]);
  });

  it('splits styled segments at match boundaries, keeping each part’s style', () => {
    const segs = [
      { text: 'npm ', className: '' },
      { text: 'ERR!', className: 'ansi-fg-red' },
      { text: ' code', className: '' },
    ];
    expect(highlightSegments(segs, findMatches('npm ERR! code', 'm err'))).toEqual([
      { text: 'np', className: '', match: false },
      { text: 'm ', className: '', match: true },
      { text: 'ERR', className: 'ansi-fg-red', match: true },
      { text: '!', className: 'ansi-fg-red', match: false },
      { text: ' code', className: '', match: false },
    ]);
  });
});
