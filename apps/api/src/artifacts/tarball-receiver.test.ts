import type { FileHandle } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { BackgroundFlusher, BatchRing, writeAll } from './tarball-receiver.js';

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
  it('fills each slot to the brim, hands it on whole and goes round the slots in turn', () => {
    const ring = new BatchRing(2, 4);
    expect(ring.fill(Buffer.from('abc'))).toBe(3);
    expect(ring.full).toBe(false);
    expect(ring.fill(Buffer.from('defg'))).toBe(1); // only 'd' fits
    expect(ring.full).toBe(true);
    const first = ring.take();
    expect(first.toString()).toBe('abcd');
    ring.fill(Buffer.from('efg'));
    expect(ring.take().toString()).toBe('efg');
    expect(ring.take().length).toBe(0); // nothing copied since
    ring.fill(Buffer.from('hi'));
    // Back in the first slot: its old batch is overwritten (the caller waited for it).
    expect(ring.take().toString()).toBe('hi');
    expect(first.toString()).toBe('hicd');
  });

  it('keeps every slot in the one SharedArrayBuffer an inspector thread can read', () => {
    const ring = new BatchRing(3, 8);
    ring.fill(Buffer.from('x'));
    const batch = ring.take();
    expect(batch.buffer).toBe(ring.memory);
    expect(ring.memory.byteLength).toBe(24);
  });
});
