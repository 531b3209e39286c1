// Reads an upload stream once and tees it to a byte counter (the size cap, enforced as bytes
// arrive), sha256, the temp file and the tarball inspector. Chunks are copied into ~1 MiB
// batches: one write and one gunzip call per batch (a 64 KiB chunk each cost a round trip
// to libuv's pool). Writing and inspecting run on the pool as two ordered chains that may
// lag the reader by a few batches, so the socket, sha256 (this thread), gunzip and the disk
// all work at once; at most MAX_BATCHES_IN_FLIGHT batches are held, so memory stays flat
// whatever the upload size. The batches go to disk with O_DIRECT where the filesystem allows
// it, bypassing the page cache (temp-file-writer.ts).
//
// The batches live in a small ring of buffers allocated once per upload and reused, and the
// inspector (gunzip and the tar reader) runs on its own thread, reading the batches out of
// the shared ring (off-thread-inspector.ts). Before, a new 1 MiB buffer per batch
// (Buffer.concat) and gunzip's fresh output buffers churned ~2 GiB of short-lived memory per
// GiB through the API's main isolate, which kept its heap at V8's growth limit: V8 ran a full
// mark-compact of the whole API heap every ~10 MB received (51-55 of them for 512 MiB), and
// GC was ~60% of the API's CPU during an upload.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { type Inspector, inspectorThreadAvailable, OffThreadInspector } from './off-thread-inspector.js';
import { type InspectionResult, TarballInspector, TarballRejectedError } from './tarball-inspector.js';
import { TempFileWriter } from './temp-file-writer.js';

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
  opts: { inspectOffThread?: boolean; inspectorWorkerUrl?: URL; directWrites?: boolean } = {},
): Promise<ReceivedTarball> {
  const file = await TempFileWriter.create(tempPath, { direct: opts.directWrites });
  const hash = createHash('sha256');
  const ring = new BatchRing(MAX_BATCHES_IN_FLIGHT + 1, BATCH_BYTES);
  const inspectorOptions = { maxUnpackedBytes: limits.maxUnpackedBytes };
  const inspector: Inspector =
    (opts.inspectOffThread ?? inspectorThreadAvailable)
      ? new OffThreadInspector(ring.memory, inspectorOptions, opts.inspectorWorkerUrl)
      : new TarballInspector(inspectorOptions);
  let sizeBytes = 0;
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
    const buf = ring.take();
    if (buf.length === 0) return;
    written = written.then(() => file.write(buf));
    // inspector.write resolves once gunzip has consumed the bytes, so the slot may be reused.
    inspected = inspected.then(() => inspector.write(buf));
    const both = Promise.all([written, inspected]).then(() => undefined);
    // Observed at once, so a failure is never unhandled while later batches are read.
    both.catch(noteFailure);
    inFlight.push(both);
    // A slot comes back round only after MAX_BATCHES_IN_FLIGHT + 1 batches: by then its batch
    // is done, since at most MAX_BATCHES_IN_FLIGHT are ever in flight.
    if (inFlight.length >= MAX_BATCHES_IN_FLIGHT) await inFlight.shift();
  };
  try {
    for await (const chunk of chunksOf(source)) {
      if (failure) throw failure;
      sizeBytes += chunk.length;
      if (sizeBytes > limits.maxBytes) throw new UploadTooLargeError(limits.maxBytes);
      hash.update(chunk);
      let copied = ring.fill(chunk);
      while (copied < chunk.length) {
        await handOn();
        copied += ring.fill(chunk.subarray(copied));
      }
      if (ring.full) await handOn();
    }
    await handOn();
    while (inFlight.length > 0) await inFlight.shift();
    // An HTTP request whose connection ended early is incomplete even without an error.
    if ((source as Partial<Pick<IncomingMessage, 'complete'>>).complete === false) throw new UploadAbortedError();
    if (sizeBytes === 0) throw new TarballRejectedError('the upload is empty');
    const inspection = await inspector.end();
    await file.finish();
    return { ...inspection, sha256: hash.digest('hex'), sizeBytes };
  } finally {
    inspector.destroy();
    // Waits for any write or flush still in flight, so the caller can remove the file afterwards.
    await written.catch(() => undefined);
    await file.close();
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
const WASM_PAGE_BYTES = 64 * 1024;

// The API's TypeScript libs (no DOM) leave the WebAssembly global out; this is the part used.
declare const WebAssembly: {
  Memory: new (desc: { initial: number; maximum: number; shared: true }) => { buffer: SharedArrayBuffer };
};
/** Batches read ahead of the slower of writing and inspecting: the memory bound (~4 MiB). */
const MAX_BATCHES_IN_FLIGHT = 4;

/**
 * A fixed set of equal buffers, used round-robin, in one SharedArrayBuffer (`memory`) that
 * the inspector's thread reads too: bytes are copied into the current buffer until it is
 * full, then `take()` hands it on and moves to the next. The caller must not take more
 * than `slots - 1` batches ahead of the oldest one still in use.
 */
export class BatchRing {
  readonly memory: SharedArrayBuffer;
  private readonly slots: Buffer[];
  private current = 0;
  private used = 0;

  /** `slotBytes`: a multiple of 64 KiB, so that every slot starts on a page (O_DIRECT). */
  constructor(slots: number, slotBytes: number) {
    if (slotBytes % WASM_PAGE_BYTES !== 0) throw new Error('BatchRing slots must be whole 64 KiB pages');
    // Shared WebAssembly memory: a SharedArrayBuffer that starts on a page boundary, which a
    // plain SharedArrayBuffer (malloc'd) does not, and O_DIRECT writes need.
    const pages = (slots * slotBytes) / WASM_PAGE_BYTES;
    const wasm = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
    this.memory = wasm.buffer;
    this.slots = Array.from({ length: slots }, (_, i) => Buffer.from(this.memory, i * slotBytes, slotBytes));
  }

  get full(): boolean {
    return this.used === this.slots[this.current]!.length;
  }

  /** Copies as much of `bytes` as fits into the current buffer; returns how much it took. */
  fill(bytes: Buffer): number {
    const n = bytes.copy(this.slots[this.current]!, this.used);
    this.used += n;
    return n;
  }

  /** The filled part of the current buffer (empty if nothing was copied); moves to the next. */
  take(): Buffer {
    if (this.used === 0) return this.slots[this.current]!.subarray(0, 0);
    const batch = this.slots[this.current]!.subarray(0, this.used);
    this.current = (this.current + 1) % this.slots.length;
    this.used = 0;
    return batch;
  }
}
