import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchRing } from './tarball-receiver.js';
import { TempFileWriter } from './temp-file-writer.js';

const MiB = 1024 * 1024;

describe('TempFileWriter', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wharf-temp-writer-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes `data` in ring-sized batches, as the receiver does; returns the writer. */
  async function writeThroughRing(path: string, data: Buffer, direct?: boolean): Promise<TempFileWriter> {
    const ring = new BatchRing(2, MiB);
    const writer = await TempFileWriter.create(path, { direct });
    for (let at = 0; at < data.length;) {
      at += ring.fill(data.subarray(at));
      await writer.write(ring.take());
    }
    await writer.finish();
    await writer.close();
    return writer;
  }

  it('stores every byte in order: whole batches, then a tail off the 4 KiB grid', async () => {
    const data = randomBytes(3 * MiB + 12345);
    const path = join(dir, 'mixed');
    await writeThroughRing(path, data);
    expect((await readFile(path)).equals(data)).toBe(true);
  });

  it('writes the same file through the page cache alone when asked (or where O_DIRECT is refused)', async () => {
    const data = randomBytes(2 * MiB + 7);
    const path = join(dir, 'buffered');
    const writer = await writeThroughRing(path, data, false);
    expect(writer.isDirect).toBe(false);
    expect((await readFile(path)).equals(data)).toBe(true);
  });

  it('falls back to buffered writes for a buffer O_DIRECT cannot take, and keeps the order', async () => {
    const path = join(dir, 'fallback');
    const writer = await TempFileWriter.create(path);
    const parts = [randomBytes(8192), randomBytes(5000), randomBytes(8192)];
    // A Buffer of its own (malloc'd): its address is not on the grid even if its offset is.
    for (const p of parts) await writer.write(Buffer.from(p));
    await writer.finish();
    await writer.close();
    expect((await readFile(path)).equals(Buffer.concat(parts))).toBe(true);
  });

  it('creates the file exclusively', async () => {
    const path = join(dir, 'exclusive');
    await (await TempFileWriter.create(path)).close();
    await expect(TempFileWriter.create(path)).rejects.toThrow(/EEXIST/);
  });
});
