import { describe, expect, it } from 'vitest';
import { formatLogLine, sanitizeLogText } from './log-lines.js';

describe('log lines', () => {
  it('keeps colours and tabs, drops every other control character', () => {
    expect(sanitizeLogText('\u001b[32mok\u001b[0m\tdone')).toBe('\u001b[32mok\u001b[0m\tdone');
    expect(sanitizeLogText('a\u001b[2Jb\u001b]0;title\u0007c\rd\u0000e\u009bf')).toBe('a[2Jb]0;titlecdef');
  });

  it('prefixes target lines when there are several targets', () => {
    const names = new Map([['t1', 'web-1']]);
    expect(formatLogLine({ targetId: 't1', text: 'npm ci' }, names, true)).toBe('[web-1] npm ci');
    expect(formatLogLine({ targetId: 't1', text: 'npm ci' }, names, false)).toBe('npm ci');
    expect(formatLogLine({ targetId: null, text: 'Releasing 1.0.0' }, names, true)).toBe('Releasing 1.0.0');
    expect(formatLogLine({ targetId: '12345678-gone', text: 'x' }, names, true)).toBe('[12345678] x');
  });
});
