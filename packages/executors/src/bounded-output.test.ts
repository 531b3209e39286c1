import { describe, expect, it } from 'vitest';
import { BoundedOutput, firstLine } from './bounded-output.js';
import { createMasker, MASK } from './masking.js';

const SECRET = 'sekrit-passphrase-0123456789';

describe('firstLine', () => {
  it('masks before it bounds, so a secret across the cut leaves no prefix', () => {
    const mask = createMasker([SECRET]);
    const line = `${'x'.repeat(290)}${SECRET} and more`;
    const out = firstLine(`\n  \n${line}\nsecond line`, mask);
    expect(out).toBe(`${'x'.repeat(290)}${MASK} and…`);
    expect(out).not.toContain(SECRET.slice(0, 10));
  });

  it('is empty for output without a non-blank line', () => {
    expect(firstLine(' \n\n', (t) => t)).toBe('');
  });
});

describe('BoundedOutput', () => {
  it('keeps everything below the limit, multi-byte characters split across chunks included', () => {
    const out = new BoundedOutput(100);
    const bytes = Buffer.from('héllo\nwörld', 'utf8');
    for (const b of bytes) out.push(Buffer.from([b]));
    expect(out.text()).toBe('héllo\nwörld');
  });

  it('past the limit drops the incomplete last line, so no secret is cut short', () => {
    const mask = createMasker([SECRET]);
    const out = new BoundedOutput(20);
    out.push(Buffer.from(`first line\n${SECRET.slice(0, 12)}`));
    out.push(Buffer.from(`${SECRET.slice(12)}\n`));
    const text = out.text();
    expect(text).toBe('first line\n');
    expect(mask(text)).not.toContain(SECRET.slice(0, 12));
  });

  it('past the limit with no complete line keeps nothing', () => {
    const out = new BoundedOutput(5);
    out.push(Buffer.from(SECRET.slice(0, 10)));
    out.push(Buffer.from(SECRET.slice(10)));
    expect(out.text()).toBe('');
  });
});
