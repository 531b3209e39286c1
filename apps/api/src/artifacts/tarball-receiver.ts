// Reads an upload stream once and tees it to a byte counter (the size cap, enforced as bytes
// arrive), sha256, the temp file and the tarball inspector. Chunks are joined into ~1 MiB
// batches: one write and one gunzip call per batch (a 64 KiB chunk each cost a round trip
// to libuv's pool). Writing and inspecting run on the pool as two ordered chains that may
// lag the reader by a few batches, so the socket, sha256 (this thread), gunzip and the disk
// all work at once; at most MAX_BATCHES_IN_FLIGHT batches are held, so memory stays flat
// whatever the upload size. The file is flushed to disk in the background as it grows, so
// the final fsync does not wait for the whole upload's writeback.
import { createHash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { type InspectionResult, TarballInspector, TarballRejectedError } from './tarball-inspector.js';

export class UploadTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the upload is larger than ${Math.floor(maxBytes / (1024 * 1024))} MB`);
    this.name = 'UploadTooLargeError';
  }
}

/** The client went away (or the connection broke) before the body was complete. */
export class UploadAbortedError extends Error {
  constructor() {
    super('the upload was interrupted before it was complete');
    this.name = 'UploadAbortedError';
  }
}

export interface ReceivedTarball extends InspectionResult {
  sha256: string;
  sizeBytes: number;
}

export interface ReceiveLimits {
  maxBytes: number;
  maxUnpackedBytes: number;
}

/**
 * Streams `source` into `tempPath` (created exclusively, mode 0600). On failure the temp
 * file is left for the caller to remove (the caller owns the path). Never destroys
 * `source`: the caller may still need its socket to send an error response.
 */
export async function receiveTarball(
  source: Readable,
  tempPath: string,
  limits: ReceiveLimits,
): Promise<ReceivedTarball> {
  const handle = await open(tempPath, 'wx', 0o600);
  const hash = createHash('sha256');
  const inspector = new TarballInspector({ maxUnpackedBytes: limits.maxUnpackedBytes });
  const flusher = new BackgroundFlusher(handle);
  let sizeBytes = 0;
  let batch: Buffer[] = [];
  let batchBytes = 0;
  // The two chains: each batch is written (and inspected) after the one before it.
  let written: Promise<void> = Promise.resolve();
  let inspected: Promise<void> = Promise.resolve();
  /** One entry per batch not yet both written and inspected, oldest first. */
  const inFlight: Promise<void>[] = [];
  /** The first write or inspection failure, checked as each chunk arrives (fail fast). */
  let failure: unknown = null;
  const noteFailure = (err: unknown) => {
    failure ??= err;
  };
  const handOn = async (): Promise<void> => {
    if (batchBytes === 0) return;
    const buf = batch.length === 1 ? batch[0]! : Buffer.concat(batch, batchBytes);
    batch = [];
    batchBytes = 0;
    written = written.then(async () => {
      await writeAll(handle, [buf]);
      flusher.wrote(buf.length);
    });
    inspected = inspected.then(() => inspector.write(buf));
    const both = Promise.all([written, inspected]).then(() => undefined);
    // Observed at once, so a failure is never unhandled while later batches are read.
    both.catch(noteFailure);
    inFlight.push(both);
    if (inFlight.length >= MAX_BATCHES_IN_FLIGHT) await inFlight.shift();
  };
  try {
    for await (const chunk of chunksOf(source)) {
      if (failure) throw failure;
      sizeBytes += chunk.length;
      if (sizeBytes > limits.maxBytes) throw new UploadTooLargeError(limits.maxBytes);
      hash.update(chunk);
      batch.push(chunk);
      batchBytes += chunk.length;
      if (batchBytes >= BATCH_BYTES) await handOn();
    }
    await handOn();
    while (inFlight.length > 0) await inFlight.shift();
    // An HTTP request whose connection ended early is incomplete even without an error.
    if ((source as Partial<Pick<IncomingMessage, 'complete'>>).complete === false) throw new UploadAbortedError();
    if (sizeBytes === 0) throw new TarballRejectedError('the upload is empty');
    const inspection = await inspector.end();
    await flusher.finish();
    return { ...inspection, sha256: hash.digest('hex'), sizeBytes };
  } finally {
    inspector.destroy();
    // Waits for any write or flush still in flight, so the caller can remove the file afterwards.
    await written.catch(() => undefined);
    await flusher.settled();
    await handle.close();
  }
}

/** The source's chunks; a broken or closed source becomes UploadAbortedError. */
async function* chunksOf(source: Readable): AsyncGenerator<Buffer> {
  try {
    // destroyOnReturn: false: stopping early (413, 422) must not kill the socket before
    // the error response is written.
    for await (const chunk of source.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer | string>) {
      yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    }
  } catch {
    throw new UploadAbortedError();
  }
}

const BATCH_BYTES = 1024 * 1024;
/** Batches read ahead of the slower of writing and inspecting: the memory bound (~4 MiB). */
const MAX_BATCHES_IN_FLIGHT = 4;
/** Start a background fdatasync whenever this much has been written since the last one. */
const FLUSH_EVERY_BYTES = 64 * 1024 * 1024;

/**
 * Keeps the temp file's dirty pages few: every FLUSH_EVERY_BYTES an fdatasync starts on the
 * pool (one at a time) while writing goes on, so the disk works during the upload instead
 * of all at the end (a 1 GiB fsync took ~1.3 s here). `finish()` is the real fsync; a
 * background flush's error is reported there (Linux reports a writeback error only once).
 */
export class BackgroundFlusher {
  private unflushed = 0;
  private running: Promise<void> | null = null;
  private error: unknown = null;

  constructor(
    private readonly handle: Pick<FileHandle, 'datasync' | 'sync'>,
    private readonly everyBytes = FLUSH_EVERY_BYTES,
  ) {}

  wrote(bytes: number): void {
    this.unflushed += bytes;
    if (this.unflushed < this.everyBytes || this.running) return;
    this.unflushed = 0;
    this.running = this.handle.datasync().then(
      () => {
        this.running = null;
      },
      (err: unknown) => {
        this.error ??= err;
        this.running = null;
      },
    );
  }

  /** Waits for a background flush, then fsyncs the whole file; throws any flush error. */
  async finish(): Promise<void> {
    await this.settled();
    await this.handle.sync();
    if (this.error) throw this.error;
  }

  /** Resolves once no background flush is running (never rejects). */
  async settled(): Promise<void> {
    await this.running;
  }
}

/** Writes the chunks in one writev where the kernel takes them all (the usual case). */
export async function writeAll(handle: FileHandle, chunks: Buffer[]): Promise<void> {
  let left = chunks;
  while (left.length > 0) {
    let { bytesWritten } = await handle.writev(left);
    // A short write: drop what went out, keep the rest of a partly written chunk.
    while (left.length > 0 && bytesWritten >= left[0]!.length) {
      bytesWritten -= left[0]!.length;
      left = left.slice(1);
    }
    if (left.length > 0 && bytesWritten > 0) left = [left[0]!.subarray(bytesWritten), ...left.slice(1)];
  }
}
