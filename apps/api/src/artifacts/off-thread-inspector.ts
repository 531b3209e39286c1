// Runs a TarballInspector on a worker thread (tarball-inspect-worker.ts) for one upload,
// with the same write/end/destroy contract as the in-thread one. The bytes are never sent:
// the worker reads each batch from the shared ring the receiver copied it into, and the
// reply to a write means gunzip has consumed it, so the slot may be reused.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type InspectionResult, type InspectorOptions, TarballRejectedError } from './tarball-inspector.js';

export interface InspectWorkerData {
  ring: SharedArrayBuffer;
  options: InspectorOptions;
}
export type ToInspectWorker = { kind: 'write'; offset: number; length: number } | { kind: 'end' };
export type FromInspectWorker =
  | { kind: 'consumed' }
  | { kind: 'done'; result: InspectionResult }
  | { kind: 'failed'; rejected: boolean; message: string; entry?: string };

/** What the receiver needs of an inspector, in or off the main thread. */
export interface Inspector {
  write(chunk: Buffer): Promise<void>;
  end(): Promise<InspectionResult>;
  destroy(): void;
}

/** The compiled worker next to this module (in dist). */
export const INSPECT_WORKER_URL = new URL('./tarball-inspect-worker.js', import.meta.url);

/**
 * The worker is plain compiled JavaScript: it exists in the build (dist), not next to the
 * TypeScript sources that tests run from, where inspection stays on the calling thread.
 */
export const inspectorThreadAvailable = existsSync(fileURLToPath(INSPECT_WORKER_URL));

interface Pending {
  resolve: (value: never) => void;
  reject: (err: Error) => void;
}

export class OffThreadInspector implements Inspector {
  private readonly worker: Worker;
  /** Replies come in the order of the requests. */
  private readonly pending: Pending[] = [];
  private failure: Error | null = null;

  /**
   * `ring`: the SharedArrayBuffer that every buffer passed to write() lies in. `workerUrl`: the
   * compiled worker; tests that run from the TypeScript sources pass the one in dist.
   */
  constructor(
    private readonly ring: SharedArrayBuffer,
    options: InspectorOptions,
    workerUrl: URL = INSPECT_WORKER_URL,
  ) {
    this.worker = new Worker(workerUrl, { workerData: { ring, options } satisfies InspectWorkerData });
    this.worker.on('message', (msg: FromInspectWorker) => this.onReply(msg));
    this.worker.on('error', (err) => this.fail(new Error(`the tarball inspector thread failed: ${err.message}`)));
    this.worker.on('exit', () => this.fail(new Error('inspection stopped')));
  }

  write(chunk: Buffer): Promise<void> {
    if (chunk.buffer !== this.ring) throw new Error('OffThreadInspector.write takes only views of its ring');
    return this.request({ kind: 'write', offset: chunk.byteOffset, length: chunk.length });
  }

  end(): Promise<InspectionResult> {
    return this.request({ kind: 'end' });
  }

  destroy(): void {
    this.fail(new Error('inspection stopped'));
  }

  private request<T>(msg: ToInspectWorker): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ resolve: resolve as (value: never) => void, reject });
      this.worker.postMessage(msg);
    });
  }

  private onReply(msg: FromInspectWorker): void {
    if (msg.kind === 'failed') {
      this.fail(msg.rejected ? new TarballRejectedError(msg.message, msg.entry) : new Error(msg.message));
      return;
    }
    const next = this.pending.shift();
    if (msg.kind === 'done') next?.resolve(msg.result as never);
    else next?.resolve(undefined as never);
  }

  /** The first failure rejects everything waiting and every later call; the thread ends. */
  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    for (const p of this.pending.splice(0)) p.reject(err);
    void this.worker.terminate();
  }
}
