import type { FileHandle } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { writeAll } from './tarball-receiver.js';

/** A file handle whose writev takes at most `max` bytes per call, as a kernel may. */
function shortWriter(max: number): { handle: FileHandle; written: () => Buffer; calls: () => number } {
  const out: Buffer[] = [];
  let calls = 0;
  const handle = {
    async writev(buffers: Buffer[]) {
      calls++;
      let left = max;
      for (const b of buffers) {
        if (left === 0) break;
        const part = b.subarray(0, left);
        out.push(Buffer.from(part));
        left -= part.length;
      }
      return { bytesWritten: max - left, buffers };
    },
  } as unknown as FileHandle;
  return { handle, written: () => Buffer.concat(out), calls: () => calls };
}

describe('writeAll', () => {
  it('writes every byte in order when the kernel takes less than asked', async () => {
    const chunks = [Buffer.from('abcdef'), Buffer.from('gh'), Buffer.from('ijklmnop'), Buffer.from('q')];
    const w = shortWriter(5);
    await writeAll(w.handle, chunks);
    expect(w.written().toString()).toBe('abcdefghijklmnopq');
    expect(w.calls()).toBe(4);
  });

  it('needs one call when the kernel takes everything', async () => {
    const w = shortWriter(1 << 20);
    await writeAll(w.handle, [Buffer.alloc(1000, 1), Buffer.alloc(24, 2)]);
    expect(w.written().length).toBe(1024);
    expect(w.calls()).toBe(1);
  });
});
