// Writes an upload's temp file, in order, one batch at a time. Whole aligned batches go
// through a second descriptor opened with O_DIRECT: the disk reads them straight from the
// upload's buffers, so the kernel neither copies every byte into the page cache (~2 CPU-s per
// GiB here, the largest single cost of an upload) nor has gigabytes of dirty pages to write
// back at the final fsync. Anything O_DIRECT refuses (a filesystem without it, such as tmpfs,
// a buffer or length off the 4 KiB grid, as the last batch usually is) goes through the
// ordinary descriptor at the same offset, flushed in the background as it grows.
import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { BackgroundFlusher } from './background-flusher.js';

/** Offsets, lengths and buffer addresses of O_DIRECT I/O must be multiples of this. */
export const DIRECT_IO_ALIGNMENT = 4096;

export class TempFileWriter {
  private position = 0;
  private readonly flusher: BackgroundFlusher;

  private constructor(
    private readonly buffered: FileHandle,
    private direct: FileHandle | null,
  ) {
    this.flusher = new BackgroundFlusher(buffered);
  }

  /** Creates `path` exclusively (mode 0600); `direct: false` never uses O_DIRECT. */
  static async create(path: string, opts: { direct?: boolean } = {}): Promise<TempFileWriter> {
    const buffered = await open(path, 'wx', 0o600);
    let direct: FileHandle | null = null;
    if ((opts.direct ?? true) && constants.O_DIRECT !== undefined) {
      // Refused (EINVAL) where the filesystem cannot do direct I/O: stay buffered.
      direct = await open(path, constants.O_WRONLY | constants.O_DIRECT).catch(() => null);
    }
    return new TempFileWriter(buffered, direct);
  }

  /** Whether whole aligned batches currently bypass the page cache. */
  get isDirect(): boolean {
    return this.direct !== null;
  }

  /** Appends `buf`. Calls must not overlap. */
  async write(buf: Buffer): Promise<void> {
    let done = 0;
    if (this.direct && aligned(buf.byteOffset) && aligned(this.position)) {
      const whole = buf.length - (buf.length % DIRECT_IO_ALIGNMENT);
      done = await this.writeDirect(buf.subarray(0, whole));
    }
    if (done < buf.length) {
      const rest = buf.subarray(done);
      await writeAllAt(this.buffered, rest, this.position);
      this.position += rest.length;
      this.flusher.wrote(rest.length);
    }
  }

  /** Everything written is on disk (data and size) once this resolves. */
  async finish(): Promise<void> {
    await this.flusher.finish();
    await this.direct?.sync();
  }

  /** Waits for a background flush, then closes both descriptors. */
  async close(): Promise<void> {
    await this.flusher.settled();
    await Promise.all([this.buffered.close(), this.direct?.close()]);
  }

  /** Writes what O_DIRECT takes; on a refusal, gives it up for the rest of the file. */
  private async writeDirect(buf: Buffer): Promise<number> {
    let done = 0;
    try {
      while (done < buf.length) {
        const { bytesWritten } = await this.direct!.write(buf, done, buf.length - done, this.position);
        if (bytesWritten === 0) break;
        done += bytesWritten;
        this.position += bytesWritten;
        // A short direct write may leave the offset off the grid: the rest goes buffered.
        if (!aligned(bytesWritten)) break;
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
      await this.giveUpDirect();
    }
    return done;
  }

  private async giveUpDirect(): Promise<void> {
    const direct = this.direct;
    this.direct = null;
    // Direct writes already made are on the device; only their metadata may be pending.
    await direct?.sync();
    await direct?.close();
  }
}

function aligned(n: number): boolean {
  return n % DIRECT_IO_ALIGNMENT === 0;
}

/** Writes all of `buf` at `position`, however many calls the kernel needs. */
export async function writeAllAt(handle: FileHandle, buf: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesWritten } = await handle.write(buf, done, buf.length - done, position + done);
    done += bytesWritten;
  }
}
