import type { LogLineView } from '@wharf/shared';
import { describe, expect, it } from 'vitest';
import { lines } from '../../test/fake-live';
import { LogBuffer } from './log-buffer';
import { LogHistory, type LogHistorySource } from './log-history';
import { LineFilter } from './log-view-model';

const seqs = (b: LogBuffer) => Array.from({ length: b.length }, (_, i) => b.at(i)!.seq);

/** A server holding seq 1..total that answers pages of `page` lines, and records the asks. */
function server(total: number, page: number) {
  const asked: (number | 'end')[] = [];
  const all = lines(1, total);
  const source: LogHistorySource = {
    before: (before) => {
      asked.push(before);
      const end = before === 'end' ? total : before - 1;
      return Promise.resolve(all.slice(Math.max(0, end - page), end));
    },
    search: () => Promise.resolve({ lines: [], nextAfterSeq: null }),
  };
  return { source, asked };
}

describe('LogHistory: tail first, then backwards', () => {
  it('opens a long log at its tail and pages backwards to seq 1, without gaps or duplicates', async () => {
    const buffer = new LogBuffer();
    const { source, asked } = server(2500, 1000);
    const h = new LogHistory(buffer, source);
    await h.loadTail();
    expect(buffer.firstSeq).toBe(1501);
    expect(buffer.lastSeq).toBe(2500);
    expect(buffer.hasOlder).toBe(true);

    expect(await h.loadOlder()).toBe(1000);
    expect(buffer.firstSeq).toBe(501);
    expect(await h.loadOlder()).toBe(500);
    expect(buffer.hasOlder).toBe(false);
    expect(await h.loadOlder()).toBe(0); // nothing older: no request
    expect(asked).toEqual(['end', 1501, 501]);
    expect(seqs(buffer)).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
  });

  it('asks once while a page is on its way, however often the reader scrolls', async () => {
    const buffer = new LogBuffer();
    const { source, asked } = server(5000, 1000);
    const h = new LogHistory(buffer, source);
    await h.loadTail();
    const burst = [h.loadOlder(), h.loadOlder(), h.loadOlder()];
    expect(h.loading).toBe(true);
    expect(await Promise.all(burst)).toEqual([1000, 1000, 1000]);
    expect(h.loading).toBe(false);
    expect(asked).toEqual(['end', 4001]);
    expect(buffer.firstSeq).toBe(3001);
  });

  it('live lines after the tail append as before; a short log is whole at once', async () => {
    const buffer = new LogBuffer();
    const h = new LogHistory(buffer, server(40, 1000).source);
    await h.loadTail();
    expect(seqs(buffer)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(buffer.hasOlder).toBe(false);
    expect(buffer.merge(lines(41, 45)).added).toBe(5);
    expect(buffer.lastSeq).toBe(45);
  });

  it('an empty log seeds nothing and live lines start at seq 1', async () => {
    const buffer = new LogBuffer();
    await new LogHistory(buffer, server(0, 1000).source).loadTail();
    expect(buffer.length).toBe(0);
    expect(buffer.merge(lines(1, 2)).added).toBe(2);
  });
});

describe('LogBuffer.prepend and seed', () => {
  it('takes only the run that ends right before the first line held', () => {
    const b = new LogBuffer();
    b.seed(lines(101, 110));
    // Ends at 99, not 100: would leave a hole, refused.
    expect(b.prepend(lines(90, 99))).toBe(0);
    // Overlaps what we hold and has a hole at 95: only 96..100 continue the buffer.
    const page: LogLineView[] = [...lines(90, 94), ...lines(96, 105)];
    expect(b.prepend(page)).toBe(5);
    expect(seqs(b)).toEqual(Array.from({ length: 15 }, (_, i) => i + 96));
  });

  it('seeds only an empty buffer, with the contiguous end of the page', () => {
    const b = new LogBuffer();
    expect(b.seed([...lines(1, 3), ...lines(7, 9)])).toBe(3);
    expect(seqs(b)).toEqual([7, 8, 9]);
    expect(b.seed(lines(20, 21))).toBe(0);
  });

  it('a search over the buffer sees lines put in front', async () => {
    const buffer = new LogBuffer();
    const total = 3000;
    const all = lines(1, total).map((l) => ({ ...l, text: l.seq % 1000 === 7 ? 'needle' : l.text }));
    const h = new LogHistory(buffer, {
      before: (before) => {
        const end = before === 'end' ? total : before - 1;
        return Promise.resolve(all.slice(Math.max(0, end - 1000), end));
      },
      search: () => Promise.resolve({ lines: [], nextAfterSeq: null }),
    });
    const filter = new LineFilter();
    await h.loadTail();
    const hits = (q: string) => filter.matching(buffer, q).map((i) => buffer.at(i)!.seq);
    expect(hits('needle')).toEqual([2007]);
    await h.loadOlder();
    expect(hits('needle')).toEqual([1007, 2007]);
  });
});
