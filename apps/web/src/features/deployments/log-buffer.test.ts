import { describe, expect, it } from 'vitest';
import { lines } from '../../test/fake-live';
import { LogBuffer } from './log-buffer';

const seqs = (b: LogBuffer) => Array.from({ length: b.length }, (_, i) => b.at(i)!.seq);

describe('LogBuffer', () => {
  it('appends lines in seq order and tracks the last seq', () => {
    const b = new LogBuffer();
    expect(b.lastSeq).toBe(0);
    expect(b.merge(lines(1, 3))).toEqual({ added: 3, duplicates: 0, gap: null });
    expect(b.merge(lines(4, 5))).toEqual({ added: 2, duplicates: 0, gap: null });
    expect(seqs(b)).toEqual([1, 2, 3, 4, 5]);
    expect(b.lastSeq).toBe(5);
  });

  it('drops the overlap when a reconnect replays lines it already has', () => {
    const b = new LogBuffer();
    b.merge(lines(1, 10));
    // After a reconnect the server may resend from an older seq: only 11..15 are new.
    expect(b.merge(lines(6, 15))).toEqual({ added: 5, duplicates: 5, gap: null });
    expect(b.merge(lines(1, 15))).toEqual({ added: 0, duplicates: 15, gap: null });
    expect(seqs(b)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(new Set(seqs(b)).size).toBe(b.length);
  });

  it('refuses to skip ahead: reports the gap and keeps only the contiguous part', () => {
    const b = new LogBuffer();
    b.merge(lines(1, 3));
    const batch = [...lines(4, 5), ...lines(8, 9)];
    expect(b.merge(batch)).toEqual({ added: 2, duplicates: 0, gap: { expected: 6, received: 8 } });
    expect(seqs(b)).toEqual([1, 2, 3, 4, 5]);
    // The missing lines arrive later (a backfill), then everything after them.
    expect(b.merge(lines(6, 9)).gap).toBeNull();
    expect(seqs(b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('sorts a reordered batch and ignores repeats within it', () => {
    const b = new LogBuffer();
    const [l1, l2, l3] = lines(1, 3);
    expect(b.merge([l3!, l1!, l2!, l2!])).toEqual({ added: 3, duplicates: 1, gap: null });
    expect(seqs(b)).toEqual([1, 2, 3]);
  });

  it('notifies subscribers only when lines were added', () => {
    const b = new LogBuffer();
    let calls = 0;
    const off = b.subscribe(() => calls++);
    b.merge(lines(1, 2));
    b.merge(lines(1, 2));
    b.merge(lines(5, 6));
    expect(calls).toBe(1);
    expect(b.getRevision()).toBe(1);
    off();
    b.merge(lines(3, 3));
    expect(calls).toBe(1);
  });
});
