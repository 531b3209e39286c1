import { describe, expect, it } from 'vitest';
import { line, lines } from '../../test/fake-live';
import { LogBuffer } from './log-buffer';
import { LineFilter, rowWindow } from './log-view-model';

describe('rowWindow', () => {
  it('renders everything for short logs', () => {
    expect(rowWindow(40, 540, 0, true)).toEqual({ start: 0, end: 40 });
    expect(rowWindow(0, 540, 0, true)).toEqual({ start: 0, end: 0 });
  });

  it('keeps a bounded window for 100k lines, ending at the last row while following', () => {
    const w = rowWindow(100_000, 540, 0, true);
    expect(w.end).toBe(100_000);
    expect(w.end - w.start).toBeLessThanOrEqual(400);
    expect(w.start).toBeLessThanOrEqual(100_000 - 30);
  });

  it('covers the visible rows with overscan when scrolled, snapping to chunks', () => {
    const w = rowWindow(100_000, 540, 50_000, false);
    expect(w.start).toBeLessThanOrEqual(50_000);
    expect(w.end).toBeGreaterThanOrEqual(50_000 + 30);
    expect(w.start % 100).toBe(0);
    expect(w.end - w.start).toBeLessThanOrEqual(500);
  });
});

describe('LineFilter', () => {
  it('matches the visible text (not escape codes) and scans only new lines on growth', () => {
    const b = new LogBuffer();
    b.merge([line(1, '\x1b[31mERROR\x1b[0m boom'), line(2, 'fine'), line(3, 'error again')]);
    const f = new LineFilter();
    expect([...f.matching(b, 'error')]).toEqual([0, 2]);
    expect([...f.matching(b, '31m')]).toEqual([]);
    b.merge([line(4, 'no'), line(5, 'ERROR five')]);
    expect([...f.matching(b, '31m')]).toEqual([]);
    expect([...f.matching(b, 'error')]).toEqual([0, 2, 4]);
  });

  it('handles 100k lines', () => {
    const b = new LogBuffer();
    b.merge(lines(1, 100_000));
    const f = new LineFilter();
    expect(f.matching(b, 'line 9999').length).toBe(11); // 9999 and 99990..99999
  });
});
