import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line-splitter.js';

describe('LineSplitter', () => {
  it('buffers partial lines and flushes the rest at the end', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    s.push(Buffer.from('one\ntw'));
    s.push(Buffer.from('o\r\nthree'));
    expect(lines).toEqual(['one', 'two']);
    s.end();
    expect(lines).toEqual(['one', 'two', 'three']);
  });

  it('keeps multi-byte characters split across chunks intact', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    const bytes = Buffer.from('✓ok\n');
    s.push(bytes.subarray(0, 1));
    s.push(bytes.subarray(1));
    s.end();
    expect(lines).toEqual(['✓ok']);
  });

  it('emits empty lines', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    s.push('\n\nx\n');
    s.end();
    expect(lines).toEqual(['', '', 'x']);
  });
});
