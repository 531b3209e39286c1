import { describe, expect, it } from 'vitest';
import { csvCell, csvRow } from './csv.js';

describe('csv', () => {
  it('quotes separators, quotes and line breaks', () => {
    expect(csvRow(['a', 'b,c', 'say "hi"', 'two\nlines', null, 3])).toBe('a,"b,c","say ""hi""","two\nlines",,3\r\n');
  });

  it('keeps formula-looking cells as text', () => {
    for (const f of ['=cmd|"/c calc"!A1', '+1', '-2+3', '@SUM(A1)', '\tx', '\rx']) {
      expect(csvCell(f).replace(/^"/, '').startsWith("'"), f).toBe(true);
    }
    expect(csvCell('1.4.2')).toBe('1.4.2');
  });
});
