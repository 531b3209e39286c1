import { describe, expect, it } from 'vitest';
import { resolveBatchSize, rolloutState, toBatches } from './batching.js';

describe('batching', () => {
  it('resolves counts and percentages', () => {
    expect(resolveBatchSize(1, 5)).toBe(1);
    expect(resolveBatchSize(10, 5)).toBe(5);
    expect(resolveBatchSize('50%', 3)).toBe(2);
    expect(resolveBatchSize('25%', 10)).toBe(3);
    expect(resolveBatchSize('1%', 3)).toBe(1);
    expect(resolveBatchSize('100%', 7)).toBe(7);
    expect(() => resolveBatchSize('abc', 3)).toThrow();
  });

  it('splits in order', () => {
    expect(toBatches(['a', 'b', 'c', 'd', 'e'], 2)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(toBatches(['a', 'b', 'c'], '100%')).toEqual([['a', 'b', 'c']]);
  });
});

describe('rolloutState', () => {
  const of = (...states: string[]) => rolloutState(states.map((state) => ({ state })));
  it('is cancelled when any target was cancelled, else failed on any failed or skipped target', () => {
    expect(of('succeeded', 'succeeded')).toBe('succeeded');
    expect(of('succeeded', 'failed', 'cancelled')).toBe('cancelled');
    expect(of('succeeded', 'skipped')).toBe('failed');
    expect(of('failed', 'succeeded')).toBe('failed');
  });
});
