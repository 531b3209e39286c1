// Reads an upload stream once and tees every chunk to a byte counter (the size cap, enforced
// as bytes arrive), sha256, the temp file and the tarball inspector. Chunks are handed on in
// batches of about 1 MiB, and the next batch is hashed on this thread while the previous one
// is still being written and gunzipped on libuv's pool, so both cores work. At most two
// batches are held, so memory stays flat whatever the upload size.
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
  let sizeBytes = 0;
  let batch: Buffer[] = [];
  let batchBytes = 0;
  let inFlight: Promise<void> = Promise.resolve();
  /** Waits for the previous batch, then starts writing and inspecting this one. */
  const handOn = async (): Promise<void> => {
    const chunks = batch;
    batch = [];
    batchBytes = 0;
    await inFlight;
    inFlight = Promise.all([writeAll(handle, chunks), inspectAll(inspector, chunks)]).then(() => undefined);
    // Observed here so a failure is never unhandled while the next batch is being read.
    inFlight.catch(() => undefined);
  };
  try {
    for await (const chunk of chunksOf(source)) {
      sizeBytes += chunk.length;
      if (sizeBytes > limits.maxBytes) throw new UploadTooLargeError(limits.maxBytes);
      hash.update(chunk);
      batch.push(chunk);
      batchBytes += chunk.length;
      if (batchBytes >= BATCH_BYTES) await handOn();
    }
    await handOn();
    await inFlight;
    // An HTTP request whose connection ended early is incomplete even without an error.
    if ((source as Partial<Pick<IncomingMessage, 'complete'>>).complete === false) throw new UploadAbortedError();
    if (sizeBytes === 0) throw new TarballRejectedError('the upload is empty');
    const inspection = await inspector.end();
    await handle.sync();
    return { ...inspection, sha256: hash.digest('hex'), sizeBytes };
  } finally {
    inspector.destroy();
    // Waits for any write still in flight, so the caller can remove the file afterwards.
    await inFlight.catch(() => undefined);
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

/** Feeds the chunks to the inspector, honouring its backpressure. */
async function inspectAll(inspector: TarballInspector, chunks: Buffer[]): Promise<void> {
  for (const chunk of chunks) await inspector.write(chunk);
}
