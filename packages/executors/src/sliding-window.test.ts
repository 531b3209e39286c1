import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runSlidingWindow } from './sliding-window.js';

describe('runSlidingWindow', () => {
  it('never runs more than the limit, and starts the next item as soon as one finishes', async () => {
    let running = 0;
    let max = 0;
    let firstDone = false;
    const startedBeforeFirstDone: number[] = [];
    // Item 0 is slow: with a limit of 2, items 1..5 must flow through the other lane meanwhile
    // (a batch-style barrier would start item 2 only after item 0).
    const durations = [1000, 1, 1, 1, 1, 1];
    const out = await runSlidingWindow(durations, 2, async (ms, i) => {
      running++;
      max = Math.max(max, running);
      if (!firstDone) startedBeforeFirstDone.push(i);
      await sleep(ms);
      if (i === 0) firstDone = true;
      running--;
      return i;
    });
    expect(max).toBe(2);
    expect(out).toEqual([0, 1, 2, 3, 4, 5]);
    expect(startedBeforeFirstDone).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('starts nothing more once mayStart says no; what runs finishes', async () => {
    let stop = false;
    const started: number[] = [];
    const out = await runSlidingWindow(
      [0, 1, 2, 3, 4],
      2,
      async (i) => {
        started.push(i);
        await sleep(i === 0 ? 5 : 30);
        if (i === 0) stop = true; // item 0 "fails" while item 1 is still running
        return i;
      },
      () => !stop,
    );
    expect(started).toEqual([0, 1]);
    expect(out).toEqual([0, 1, undefined, undefined, undefined]);
  });

  it('a limit above the item count runs everything at once', async () => {
    let running = 0;
    let max = 0;
    await runSlidingWindow([1, 2, 3], 20, async () => {
      running++;
      max = Math.max(max, running);
      await sleep(5);
      running--;
    });
    expect(max).toBe(3);
  });
});
