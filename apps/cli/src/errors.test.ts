import { describe, expect, it } from 'vitest';
import { oneLine, redact } from './errors.js';

describe('oneLine', () => {
  it('flattens control characters and bounds the length', () => {
    expect(oneLine('a\nb\r\n\tc\u001b[31m d\u2028e')).toBe('a b c [31m d e');
    expect(oneLine('x'.repeat(20), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});

describe('redact', () => {
  it('removes every occurrence of a secret', () => {
    expect(redact('token wharf_abc and wharf_abc', ['wharf_abc'])).toBe('token [redacted] and [redacted]');
    expect(redact('abc', [undefined, ''])).toBe('abc');
  });
});
