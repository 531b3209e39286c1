import { describe, expect, it } from 'vitest';
import { fitMessage, MAX_ENCODED_MESSAGE } from './artifact-push.js';

const encoded = (s: string) => new URLSearchParams({ m: s }).toString().length - 2;

describe('fitMessage', () => {
  it('keeps ordinary messages as they are', () => {
    expect(fitMessage('Fix login (#42) & $(id)')).toEqual({ message: 'Fix login (#42) & $(id)', cut: false });
  });

  it('shortens a message whose encoded form would not fit, without splitting a character', () => {
    const long = '🚢 ünïcode '.repeat(1000);
    const { message, cut } = fitMessage(long);
    expect(cut).toBe(true);
    expect(message.endsWith('…')).toBe(true);
    expect(encoded(message)).toBeLessThanOrEqual(MAX_ENCODED_MESSAGE);
    expect(encoded(message)).toBeGreaterThan(MAX_ENCODED_MESSAGE - 20);
    expect(long.startsWith(message.slice(0, -1))).toBe(true);
    expect(message).not.toMatch(/[\uD800-\uDBFF]…$/);
  });
});
