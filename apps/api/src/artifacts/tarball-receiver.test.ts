import type { FileHandle } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { BackgroundFlusher } from './background-flusher.js';
import { BatchRing } from './tarball-receiver.js';
import { writeAllAt } from './temp-file-writer.js';

/** A file handle whose write takes at most `max` bytes per call, as a kernel may. */
function shortWriter(max: number): { handle: FileHandle; file: Buffer; calls: () => number } {
  const file = Buffer.alloc(64);
  let calls = 0;
  const handle = {
    async write(buf: Buffer, offset: number, length: number, position: number) {
      calls++;
      const n = Math.min(max, length);
      buf.copy(file, position, offset, offset + n);
      return { bytesWritten: n, buffer: buf };
    },
  } as unknown as FileHandle;
  return { handle, file, calls: () => calls };
}

describe('writeAllAt', () => {
  it('writes every byte at its offset when the kernel takes less than asked', async () => {
    const w = shortWriter(5);
    await writeAllAt(w.handle, Buffer.from('abcdefghijklmnopq'), 3);
    expect(w.file.subarray(3, 20).toString()).toBe('abcdefghijklmnopq');
    expect(w.calls()).toBe(4);
  });

  it('needs one call when the kernel takes everything', async () => {
    const w = shortWriter(1 << 20);
    await writeAllAt(w.handle, Buffer.alloc(40, 1), 0);
    expect(w.calls()).toBe(1);
  });
});

/** A file handle whose datasync waits until released, counting the calls. */
function slowSyncer(datasyncError?: Error) {
  const calls = { datasync: 0, sync: 0 };
  const releases: (() => void)[] = [];
  const handle = {
    datasync: () => {
      calls.datasync++;
      return new Promise<void>((resolve, reject) =>
        releases.push(() => (datasyncError ? reject(datasyncError) : resolve())),
      );
    },
    sync: () => {
      calls.sync++;
      return Promise.resolve();
    },
  };
  return { handle, calls, release: () => releases.shift()?.() };
}

describe('BackgroundFlusher', () => {
  it('starts a flush every N bytes written, never two at once, and fsyncs at the end', async () => {
    const s = slowSyncer();
    const flusher = new BackgroundFlusher(s.handle, 100);
    flusher.wrote(60);
    expect(s.calls.datasync).toBe(0);
    flusher.wrote(60); // 120 >= 100: a flush starts
    expect(s.calls.datasync).toBe(1);
    flusher.wrote(500); // one is still running: no second one
    expect(s.calls.datasync).toBe(1);
    const finished = flusher.finish();
    await Promise.resolve();
    expect(s.calls.sync).toBe(0); // the final fsync waits for the running flush
    s.release();
    await finished;
    expect(s.calls.sync).toBe(1);
  });

  it('reports a background flush error at finish (the kernel reports it only once)', async () => {
    const s = slowSyncer(new Error('EIO: i/o error, fdatasync'));
    const flusher = new BackgroundFlusher(s.handle, 10);
    flusher.wrote(10);
    s.release();
    await flusher.settled();
    await expect(flusher.finish()).rejects.toThrow('EIO');
    expect(s.calls.sync).toBe(1);
  });
});

describe('BatchRing', () => {
  const SLOT = 64 * 1024;

  it('fills each slot to the brim, hands it on whole and goes round the slots in turn', () => {
    const ring = new BatchRing(2, SLOT);
    expect(ring.fill(Buffer.alloc(SLOT - 1, 'a'))).toBe(SLOT - 1);
    expect(ring.full).toBe(false);
    expect(ring.fill(Buffer.from('bc'))).toBe(1); // only 'b' fits
    expect(ring.full).toBe(true);
    const first = ring.take();
    expect(first.length).toBe(SLOT);
    expect(first.subarray(SLOT - 2).toString()).toBe('ab');
    ring.fill(Buffer.from('cde'));
    expect(ring.take().toString()).toBe('cde');
    expect(ring.take().length).toBe(0); // nothing copied since
    ring.fill(Buffer.from('xy'));
    // Back in the first slot: its old batch is overwritten (the caller waited for it).
    expect(ring.take().toString()).toBe('xy');
    expect(first.subarray(0, 3).toString()).toBe('xya');
  });

  it('keeps every slot in one SharedArrayBuffer, each on the 4 KiB grid O_DIRECT needs', () => {
    const ring = new BatchRing(3, SLOT);
    const batches = [0, 1, 2].map(() => {
      ring.fill(Buffer.from('x'));
      return ring.take();
    });
    for (const b of batches) {
      expect(b.buffer).toBe(ring.memory);
      expect(b.byteOffset % 4096).toBe(0);
    }
    expect(ring.memory).toBeInstanceOf(SharedArrayBuffer);
    expect(ring.memory.byteLength).toBe(3 * SLOT);
  });

  it('refuses slots that are not whole 64 KiB pages', () => {
    expect(() => new BatchRing(2, 1000)).toThrow('64 KiB');
  });
});
