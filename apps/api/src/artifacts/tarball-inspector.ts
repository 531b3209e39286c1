// Inspects a .tar.gz as it streams past, without ever writing an entry anywhere: gunzip,
// read every tar header strictly (tar-parser.ts), drain (never collect) the contents, and
// replay the entries into a model of the tree they build (release-tree.ts). It refuses
// anything that GNU tar on a host could read differently, anything but files, directories
// and symlinks, and any entry or link that would land outside the release directory.
import { createGunzip, type Gunzip } from 'node:zlib';
import { ReleaseTree, TreeRefusal } from './release-tree.js';
import { entryError, TarFormatError, TarParser, type TarEntry } from './tar-parser.js';

export { displayName } from './tar-parser.js';

/** The tarball is unacceptable (422). `entry` names the offending entry when there is one. */
export class TarballRejectedError extends Error {
  constructor(
    message: string,
    readonly entry?: string,
  ) {
    super(message);
    this.name = 'TarballRejectedError';
  }
}

export interface InspectionResult {
  entries: number;
  /** Uncompressed tar bytes seen. */
  unpackedBytes: number;
  /** A node_modules/ directory is inside: allowed, but worth telling the pusher. */
  hasNodeModules: boolean;
}

export interface InspectorOptions {
  /** Stop a gzip bomb: refuse once the uncompressed stream exceeds this many bytes. */
  maxUnpackedBytes?: number;
  /** The tree model remembers every symlink; bound how many there may be. */
  maxSymlinks?: number;
}

const DEFAULT_MAX_SYMLINKS = 100_000;

/**
 * Normalises an entry path (drops `.` and empty segments) or explains why it is refused.
 * Any `..` segment is refused outright, even one that would stay inside the tree.
 */
export function normalizeEntryPath(name: string): { path: string } | { reason: string } {
  if (name.includes('\0')) return { reason: 'has a NUL byte in its name' };
  if (name.startsWith('/')) return { reason: 'has an absolute path' };
  const segments = name.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) return { reason: 'has a ".." path segment' };
  return { path: segments.join('/') };
}

/**
 * Push-style inspector: feed it the raw gzip bytes with `write` (await each call: that is
 * the backpressure), then `end()` for the verdict. Fails fast: the first bad entry rejects
 * both the pending write and `end()`.
 */
export class TarballInspector {
  // 256 KiB output chunks: half the CPU of zlib's default 16 KiB on a large upload (fewer
  // callbacks and parser calls), for 256 KiB more memory per upload.
  private readonly gunzip: Gunzip = createGunzip({ chunkSize: 256 * 1024 });
  private readonly parser = new TarParser((entry) => this.onEntry(entry));
  private readonly tree: ReleaseTree;
  private readonly maxUnpackedBytes: number;
  private entries = 0;
  private unpackedBytes = 0;
  private hasNodeModules = false;
  private failure: Error | null = null;
  /** Writes waiting for 'drain' are rejected as soon as the tarball is refused. */
  private readonly failListeners = new Set<(err: Error) => void>();
  private settled = false;
  private resolveDone!: (r: InspectionResult) => void;
  private rejectDone!: (e: Error) => void;
  /** Settles once the whole archive was read (or on the first failure). */
  readonly done: Promise<InspectionResult>;

  constructor(opts: InspectorOptions = {}) {
    this.maxUnpackedBytes = opts.maxUnpackedBytes ?? Number.POSITIVE_INFINITY;
    this.tree = new ReleaseTree(opts.maxSymlinks ?? DEFAULT_MAX_SYMLINKS);
    this.done = new Promise((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // Callers may only look at `done` after their writes; never leave it unhandled meanwhile.
    this.done.catch(() => undefined);

    this.gunzip.on('error', (err: NodeJS.ErrnoException) => {
      this.fail(new TarballRejectedError(`the upload is not a readable gzip stream (${err.message})`));
    });
    this.gunzip.on('data', (chunk: Buffer) => this.onUnpacked(chunk));
    this.gunzip.on('end', () => this.onFinish());
  }

  /**
   * Resolves once gunzip has consumed `chunk`, so the caller may reuse its memory (and, as
   * only one write is ever outstanding, gunzip can take more); rejects once the tarball is
   * refused. Await each call before the next.
   */
  write(chunk: Buffer): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      const onFail = (err: Error) => reject(err);
      this.failListeners.add(onFail);
      // Called once zlib is done with the chunk; after a failure, onFail has already rejected.
      this.gunzip.write(chunk, (err) => {
        this.failListeners.delete(onFail);
        if (err) reject(this.failure ?? err);
        else resolve();
      });
    });
  }

  /** Uncompressed bytes seen so far. */
  get unpackedSoFar(): number {
    return this.unpackedBytes;
  }

  /** No more input: resolves with the verdict once the archive has been read to its end. */
  end(): Promise<InspectionResult> {
    if (!this.failure) this.gunzip.end();
    return this.done;
  }

  /** Stops all work (the upload failed elsewhere). Safe to call at any time. */
  destroy(): void {
    this.fail(new Error('inspection stopped'));
  }

  private fail(err: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.failure = err;
    this.rejectDone(err);
    for (const listener of [...this.failListeners]) listener(err);
    this.gunzip.destroy();
  }

  private onUnpacked(chunk: Buffer): void {
    if (this.settled) return;
    this.unpackedBytes += chunk.length;
    if (this.unpackedBytes > this.maxUnpackedBytes) {
      const mb = Math.floor(this.maxUnpackedBytes / (1024 * 1024));
      this.fail(new TarballRejectedError(`the tarball unpacks to more than ${mb} MB`));
      return;
    }
    // The parser is synchronous and keeps at most one header block and one metadata record.
    this.guard(() => this.parser.write(chunk));
  }

  /** Runs a parser step; a refusal of the tarball settles the inspection. */
  private guard(step: () => void): void {
    try {
      step();
    } catch (err) {
      if (err instanceof TarFormatError) this.fail(new TarballRejectedError(err.message, err.entry));
      else this.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private onEntry(entry: TarEntry): void {
    const normalized = normalizeEntryPath(entry.name);
    if ('reason' in normalized) throw entryError(entry.name, normalized.reason);
    try {
      this.tree.add(normalized.path, entry.type, entry.linkname);
    } catch (err) {
      if (err instanceof TreeRefusal) throw entryError(entry.name, err.message);
      throw err;
    }
    this.entries++;
    if (normalized.path.split('/').includes('node_modules')) this.hasNodeModules = true;
  }

  private onFinish(): void {
    if (this.settled) return;
    this.guard(() => this.parser.end());
    if (this.settled) return;
    if (this.entries === 0) {
      this.fail(new TarballRejectedError('the tarball holds no entries'));
      return;
    }
    this.settled = true;
    this.resolveDone({ entries: this.entries, unpackedBytes: this.unpackedBytes, hasNodeModules: this.hasNodeModules });
  }
}

/** Inspects a whole .tar.gz stream (tests, tools). Honours the stream's backpressure. */
export async function inspectTarball(
  source: AsyncIterable<Buffer | Uint8Array>,
  opts?: InspectorOptions,
): Promise<InspectionResult> {
  const inspector = new TarballInspector(opts);
  try {
    for await (const chunk of source)
      await inspector.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    return await inspector.end();
  } finally {
    inspector.destroy();
  }
}
