// Inspects a .tar.gz as it streams past, without ever writing an entry anywhere: gunzip,
// parse every tar header, drain (never collect) the contents. It refuses entries that could
// write outside the release directory or create something other than files, dirs and safe
// symlinks when the tarball is later unpacked on a target.
import { posix } from 'node:path';
import { createGunzip, type Gunzip } from 'node:zlib';
import { extract as tarExtract, type Extract, type Header } from 'tar-stream';

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
  /** Symlink paths are remembered (to refuse entries written through them); bound that set. */
  maxSymlinks?: number;
}

const DEFAULT_MAX_SYMLINKS = 100_000;

/** The part of tar-stream's entry stream used here (a streamx Readable). */
type EntryStream = Pick<NodeJS.EventEmitter, 'on'> & { resume(): unknown };

/** Entry names are shown in error messages: keep them printable and short. */
export function displayName(name: string): string {
  const clean = Array.from(name, (c) => (c.charCodeAt(0) < 0x20 || c === '\u007f' ? '?' : c)).join('');
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}

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

/** Where a relative symlink target lands, relative to the tree root (null if it escapes). */
export function resolveSymlinkTarget(entryPath: string, linkname: string): string | null {
  if (linkname.startsWith('/')) return null;
  const resolved = posix.normalize(posix.join(posix.dirname(entryPath), linkname));
  if (resolved === '..' || resolved.startsWith('../')) return null;
  return resolved;
}

type EntryVerdict = { ok: true; path: string } | { ok: false; reason: string };

/** The header fields the checks use. At run time tar-stream gives null for unknown types. */
export interface EntryHeader {
  name: string;
  type?: Header['type'] | null;
  linkname?: string | null;
}

/** Decides on one header. `symlinks` holds the normalised paths of symlinks seen so far. */
export function checkEntry(header: EntryHeader, symlinks: ReadonlySet<string>): EntryVerdict {
  const normalized = normalizeEntryPath(header.name);
  if ('reason' in normalized) return { ok: false, reason: normalized.reason };
  const path = normalized.path;
  const type = header.type ?? null;
  if (path === '' && type !== 'directory') return { ok: false, reason: 'has an empty name' };

  // An entry below a symlink would be written wherever that link points; the lexical checks
  // on its own name cannot see that, so such entries are refused.
  const segments = path.split('/');
  for (let i = 1; i < segments.length; i++) {
    const parent = segments.slice(0, i).join('/');
    if (symlinks.has(parent)) return { ok: false, reason: `is inside the symlink ${displayName(parent)}` };
  }

  switch (type) {
    case 'file':
    case 'contiguous-file':
    case 'directory':
      return { ok: true, path };
    case 'symlink': {
      const target = header.linkname ?? '';
      if (target === '') return { ok: false, reason: 'is a symlink without a target' };
      if (target.includes('\0')) return { ok: false, reason: 'is a symlink with a NUL byte in its target' };
      if (resolveSymlinkTarget(path, target) === null) {
        return { ok: false, reason: `is a symlink that points outside the tarball (-> ${displayName(target)})` };
      }
      return { ok: true, path };
    }
    case 'link':
      return { ok: false, reason: 'is a hard link (not allowed)' };
    case 'character-device':
      return { ok: false, reason: 'is a character device (not allowed)' };
    case 'block-device':
      return { ok: false, reason: 'is a block device (not allowed)' };
    case 'fifo':
      return { ok: false, reason: 'is a FIFO (not allowed)' };
    default:
      return { ok: false, reason: `has an unsupported entry type (${String(type)})` };
  }
}

/**
 * Push-style inspector: feed it the raw gzip bytes with `write` (await each call: that is
 * the backpressure), then `end()` for the verdict. Fails fast: the first bad entry rejects
 * both the pending write and `end()`.
 */
export class TarballInspector {
  private readonly gunzip: Gunzip = createGunzip();
  private readonly extract: Extract = tarExtract();
  private readonly symlinks = new Set<string>();
  private readonly maxUnpackedBytes: number;
  private readonly maxSymlinks: number;
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
    this.maxSymlinks = opts.maxSymlinks ?? DEFAULT_MAX_SYMLINKS;
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
    this.gunzip.on('end', () => this.extract.end(null));

    this.extract.on('error', (err: Error) => {
      this.fail(new TarballRejectedError(`the upload is not a readable tar archive (${err.message})`));
    });
    this.extract.on('entry', (header, stream, next) => this.onEntry(header, stream, next));
    this.extract.on('finish', () => this.onFinish());
  }

  /** Resolves when the inspector can take more input; rejects once the tarball is refused. */
  write(chunk: Buffer): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.gunzip.write(chunk)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onDrain = () => {
        this.failListeners.delete(onFail);
        resolve();
      };
      const onFail = (err: Error) => {
        this.gunzip.off('drain', onDrain);
        reject(err);
      };
      this.failListeners.add(onFail);
      this.gunzip.once('drain', onDrain);
    });
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
    this.extract.destroy();
  }

  private onUnpacked(chunk: Buffer): void {
    if (this.settled) return;
    this.unpackedBytes += chunk.length;
    if (this.unpackedBytes > this.maxUnpackedBytes) {
      const mb = Math.floor(this.maxUnpackedBytes / (1024 * 1024));
      this.fail(new TarballRejectedError(`the tarball unpacks to more than ${mb} MB`));
      return;
    }
    // Backpressure from the tar parser pauses gunzip, which in turn stops accepting input.
    if (!this.extract.write(chunk)) {
      this.gunzip.pause();
      this.extract.once('drain', () => this.gunzip.resume());
    }
  }

  private onEntry(header: EntryHeader, stream: EntryStream, next: () => void): void {
    if (this.settled) return;
    const verdict = checkEntry(header, this.symlinks);
    if (!verdict.ok) {
      const name = displayName(header.name);
      this.fail(new TarballRejectedError(`tarball entry ${JSON.stringify(name)} ${verdict.reason}`, name));
      return;
    }
    this.entries++;
    if (verdict.path.split('/').includes('node_modules')) this.hasNodeModules = true;
    if (header.type === 'symlink') {
      if (this.symlinks.size >= this.maxSymlinks) {
        this.fail(new TarballRejectedError(`the tarball holds more than ${this.maxSymlinks} symlinks`));
        return;
      }
      this.symlinks.add(verdict.path);
    }
    // Drain the contents: read and drop, so memory stays flat whatever the entry size.
    // A parse error also destroys the entry stream; the extractor reports it, not the entry.
    stream.on('error', () => undefined);
    stream.on('end', () => next());
    stream.resume();
  }

  private onFinish(): void {
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
