// A strict, streaming reader of tar headers. It reads only the subset of tar that GNU tar
// (which unpacks releases on the hosts) and this reader interpret the same way, and refuses
// the rest, so what the inspector checks is what the host extracts. It looks at the raw
// typeflag byte of every header, metadata headers included: general-purpose parsers map
// some flags differently from GNU tar (tar-stream reads GNU 'N' as a long name; GNU tar
// extracts it as a file).

/** The tarball cannot be accepted as it is. `entry` names the offending entry when known. */
export class TarFormatError extends Error {
  constructor(
    message: string,
    readonly entry?: string,
  ) {
    super(message);
    this.name = 'TarFormatError';
  }
}

export type TarEntryType = 'file' | 'directory' | 'symlink';

export interface TarEntry {
  /** Name as written in the archive (long-name and pax headers applied), not normalised. */
  name: string;
  type: TarEntryType;
  /** Symlink target; null for files and directories. */
  linkname: string | null;
  /** Bytes of content that follow the header. */
  size: number;
}

const BLOCK = 512;
/** Long names, link targets and pax records: far above PATH_MAX, far below a memory problem. */
const MAX_META_BYTES = 1024 * 1024;
const MAX_NAME_BYTES = 4096;

/** Why each refused typeflag is refused, for the 422 message. */
const REFUSED_TYPES: Readonly<Record<string, string>> = {
  '1': 'a hard link',
  '3': 'a character device',
  '4': 'a block device',
  '6': 'a FIFO',
  '7': 'a contiguous file',
  D: 'a GNU dump directory',
  M: 'a GNU multi-volume continuation',
  N: 'a GNU old-style long name (GNU tar extracts it as a file)',
  S: 'a GNU sparse file',
  V: 'a GNU volume label',
};

/** pax keywords GNU tar reads here and this reader applies the same way. */
const PAX_APPLIED = new Set(['path', 'linkpath', 'size']);
/**
 * pax keywords that cannot change which path, type or bytes GNU tar extracts: times,
 * owners (dropped by --no-same-owner), comments, and extended attributes (only read with
 * --xattrs, which Wharf never passes).
 */
const PAX_IGNORED = new Set(['mtime', 'atime', 'ctime', 'uid', 'gid', 'uname', 'gname', 'comment', 'charset']);
const PAX_IGNORED_PREFIXES = ['SCHILY.xattr.', 'LIBARCHIVE.xattr.'];

const USTAR_MAGIC = Buffer.from('ustar\u000000', 'latin1');
const GNU_MAGIC = Buffer.from('ustar  \u0000', 'latin1');

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Entry names are shown in error messages: keep them printable and short. */
export function displayName(name: string): string {
  const clean = Array.from(name, (c) => (c.charCodeAt(0) < 0x20 || c === '\u007f' ? '?' : c)).join('');
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}

/** `tarball entry "<name>" <reason>`, with the name made printable. */
export function entryError(name: string, reason: string): TarFormatError {
  const shown = displayName(name);
  return new TarFormatError(`tarball entry ${JSON.stringify(shown)} ${reason}`, shown);
}

/** Typeflag byte as shown in messages: `'N'`, or `0x1b` for unprintable bytes. */
export function typeflagLabel(byte: number): string {
  return byte >= 0x21 && byte <= 0x7e ? `'${String.fromCharCode(byte)}'` : `0x${byte.toString(16).padStart(2, '0')}`;
}

/** Text up to the first NUL of a header field, which must be UTF-8. */
function fieldText(buf: Buffer, what: string): string {
  const end = buf.indexOf(0);
  const bytes = end === -1 ? buf : buf.subarray(0, end);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new TarFormatError(`the tarball has a ${what} that is not valid UTF-8`);
  }
}

/** A numeric header field as GNU tar reads it: octal text, or base-256 (non-negative only). */
function numericField(buf: Buffer, what: string): number {
  if (buf[0] === 0x80) {
    let n = 0;
    for (let i = 1; i < buf.length; i++) n = n * 256 + buf[i]!;
    if (!Number.isSafeInteger(n)) throw new TarFormatError(`the tarball has a ${what} that is too large`);
    return n;
  }
  const text = buf.toString('latin1');
  const m = /^ *([0-7]+)[ \0]*$/.exec(text);
  if (!m) throw new TarFormatError(`the tarball has an unreadable ${what} field`);
  return Number.parseInt(m[1]!, 8);
}

function checksumOk(block: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  const m = /^ *([0-7]{1,7})[ \0]*$/.exec(block.toString('latin1', 148, 156));
  return m !== null && Number.parseInt(m[1]!, 8) === sum;
}

/** GNU tar's test for an end-of-archive block: all zero apart from the checksum field. */
function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (!(i >= 148 && i < 156) && block[i] !== 0) return false;
  return true;
}

/** Strict pax records: `<len> <key>=<value>\n`, covering the data exactly. */
export function parsePaxRecords(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    const lenText = space === -1 ? '' : data.toString('latin1', pos, space);
    if (!/^[1-9][0-9]{0,9}$/.test(lenText)) throw new TarFormatError('the tarball has a malformed pax header');
    const len = Number.parseInt(lenText, 10);
    const end = pos + len;
    if (end > data.length || data[end - 1] !== 0x0a) throw new TarFormatError('the tarball has a malformed pax header');
    let record: string;
    try {
      record = utf8.decode(data.subarray(space + 1, end - 1));
    } catch {
      throw new TarFormatError('the tarball has a pax header that is not valid UTF-8');
    }
    const eq = record.indexOf('=');
    if (eq <= 0) throw new TarFormatError('the tarball has a malformed pax header');
    const key = record.slice(0, eq);
    if (records.has(key)) throw new TarFormatError(`the tarball has a pax header that repeats "${key}"`);
    records.set(key, record.slice(eq + 1));
    pos = end;
  }
  return records;
}

function paxKeyAllowed(key: string, global: boolean): boolean {
  if (PAX_IGNORED.has(key) || PAX_IGNORED_PREFIXES.some((p) => key.startsWith(p))) return true;
  // A global path, linkpath or size would apply to every later entry: refused.
  return !global && PAX_APPLIED.has(key);
}

function checkName(name: string, what: string): string {
  if (name === '') throw new TarFormatError(`the tarball has an empty ${what}`);
  if (name.includes('\0')) throw new TarFormatError(`the tarball has a ${what} with a NUL byte`);
  if (Buffer.byteLength(name) > MAX_NAME_BYTES)
    throw new TarFormatError(`the tarball has a ${what} longer than ${MAX_NAME_BYTES} bytes`);
  return name;
}

/** Metadata collected from 'x', 'L' and 'K' headers for the next real entry. */
interface Pending {
  pax: Map<string, string> | null;
  longName: string | null;
  longLink: string | null;
}

type State =
  | { kind: 'header' }
  | { kind: 'meta'; flag: 'x' | 'g' | 'L' | 'K'; remaining: number; padding: number; parts: Buffer[] }
  | { kind: 'skip'; remaining: number }
  | { kind: 'end' };

/**
 * Push parser: `write` chunks of the uncompressed archive, then `end()`. Calls `onEntry`
 * once per file, directory and symlink, in order; throws TarFormatError on anything else
 * (and lets errors thrown by `onEntry` through).
 */
export class TarParser {
  private state: State = { kind: 'header' };
  private pending: Pending = { pax: null, longName: null, longLink: null };
  /** Bytes of a header block received so far (headers can straddle chunks). */
  private partial: Buffer = Buffer.alloc(0);

  constructor(private readonly onEntry: (entry: TarEntry) => void) {}

  write(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      const s = this.state;
      if (s.kind === 'end') {
        // GNU tar stops reading at the end marker: whatever follows must be zero padding.
        if (chunk.subarray(pos).some((b) => b !== 0))
          throw new TarFormatError('the tarball has data after its end-of-archive marker');
        return;
      }
      if (s.kind === 'skip') {
        const n = Math.min(s.remaining, chunk.length - pos);
        s.remaining -= n;
        pos += n;
        if (s.remaining === 0) this.state = { kind: 'header' };
        continue;
      }
      if (s.kind === 'meta') {
        const n = Math.min(s.remaining + s.padding, chunk.length - pos);
        const data = Math.min(n, s.remaining);
        if (data > 0) s.parts.push(Buffer.from(chunk.subarray(pos, pos + data)));
        s.remaining -= data;
        s.padding -= n - data;
        pos += n;
        if (s.remaining === 0 && s.padding === 0) this.finishMeta(s.flag, Buffer.concat(s.parts));
        continue;
      }
      // A header block, possibly split across chunks.
      const need = BLOCK - this.partial.length;
      const take = chunk.subarray(pos, pos + need);
      pos += take.length;
      this.partial = this.partial.length === 0 ? Buffer.from(take) : Buffer.concat([this.partial, take]);
      if (this.partial.length < BLOCK) continue;
      const block = this.partial;
      this.partial = Buffer.alloc(0);
      this.onHeader(block);
    }
  }

  /** The archive is complete: refuses a truncated one. */
  end(): void {
    if (this.state.kind === 'end') return;
    if (this.state.kind !== 'header' || this.partial.length > 0 || this.hasPending())
      throw new TarFormatError('the tarball is truncated');
    // No end-of-archive marker at all: GNU tar accepts this (with a warning), so does this.
  }

  private hasPending(): boolean {
    return this.pending.pax !== null || this.pending.longName !== null || this.pending.longLink !== null;
  }

  private onHeader(block: Buffer): void {
    if (isZeroBlock(block)) {
      // GNU tar stops at the first zero block, so nothing may follow it but zeros.
      if (this.hasPending()) throw new TarFormatError('the tarball ends right after a metadata header');
      this.state = { kind: 'end' };
      return;
    }
    if (!checksumOk(block)) throw new TarFormatError('the tarball has a header with a bad checksum');
    const magic = block.subarray(257, 265);
    const ustar = magic.equals(USTAR_MAGIC);
    if (!ustar && !magic.equals(GNU_MAGIC))
      throw new TarFormatError('the tarball has a header that is neither ustar/pax nor GNU format');

    const flagByte = block[156]!;
    const flag = String.fromCharCode(flagByte);
    let headerName = fieldText(block.subarray(0, 100), 'entry name');
    // The ustar prefix field extends the name; GNU tar reads it only with the ustar magic.
    if (ustar && block[345] !== 0) headerName = `${fieldText(block.subarray(345, 500), 'entry name')}/${headerName}`;
    const headerSize = numericField(block.subarray(124, 136), 'size');

    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
      if (flag === 'g' ? this.hasPending() : this.alreadyPending(flag))
        throw new TarFormatError(`the tarball has a repeated or misplaced ${typeflagLabel(flagByte)} metadata header`);
      if (headerSize > MAX_META_BYTES)
        throw new TarFormatError(`the tarball has a ${typeflagLabel(flagByte)} metadata header over 1 MiB`);
      const padding = (BLOCK - (headerSize % BLOCK)) % BLOCK;
      if (headerSize === 0) this.finishMeta(flag, Buffer.alloc(0));
      else this.state = { kind: 'meta', flag, remaining: headerSize, padding, parts: [] };
      return;
    }

    const name = this.pending.pax?.get('path') ?? this.pending.longName ?? headerName;
    const type: TarEntryType | null =
      flag === '0' || flagByte === 0 ? 'file' : flag === '5' ? 'directory' : flag === '2' ? 'symlink' : null;
    if (type === null) {
      const what = REFUSED_TYPES[flag] ?? (flag >= 'A' && flag <= 'Z' ? 'a vendor extension' : 'an unknown type');
      throw entryError(name, `has type ${typeflagLabel(flagByte)} (${what}), which is not allowed`);
    }
    checkName(name, 'entry name');
    const paxSize = this.pending.pax?.get('size');
    const size = paxSize === undefined ? headerSize : Number.parseInt(paxSize, 10);
    let linkname: string | null = null;
    if (type === 'symlink') {
      linkname =
        this.pending.pax?.get('linkpath') ??
        this.pending.longLink ??
        fieldText(block.subarray(157, 257), 'symlink target');
      checkName(linkname, 'symlink target');
    } else if (this.pending.longLink !== null || this.pending.pax?.has('linkpath')) {
      throw entryError(name, 'carries a link target but is not a link');
    }
    // GNU tar reads a file named "x/" as a directory; directories and links carry no data.
    if (type === 'file' && name.endsWith('/'))
      throw entryError(name, 'is a file named like a directory (GNU tar would make it a directory)');
    if (type !== 'file' && size !== 0) throw entryError(name, `is a ${type} that carries data`);

    this.pending = { pax: null, longName: null, longLink: null };
    this.onEntry({ name, type, linkname, size });
    const padded = size + ((BLOCK - (size % BLOCK)) % BLOCK);
    if (padded > 0) this.state = { kind: 'skip', remaining: padded };
  }

  private alreadyPending(flag: 'x' | 'L' | 'K'): boolean {
    if (flag === 'x') return this.pending.pax !== null;
    if (flag === 'L') return this.pending.longName !== null;
    return this.pending.longLink !== null;
  }

  private finishMeta(flag: 'x' | 'g' | 'L' | 'K', data: Buffer): void {
    this.state = { kind: 'header' };
    if (flag === 'L' || flag === 'K') {
      const what = flag === 'L' ? 'GNU long name' : 'GNU long link target';
      this.pending[flag === 'L' ? 'longName' : 'longLink'] = checkName(fieldText(data, what), what);
      this.checkConflicts();
      return;
    }
    const records = parsePaxRecords(data);
    for (const [key, value] of records) {
      if (!paxKeyAllowed(key, flag === 'g'))
        throw new TarFormatError(
          `the tarball has a ${flag === 'g' ? 'global ' : ''}pax header with the keyword "${key.slice(0, 100)}", which is not allowed`,
        );
      if (key === 'size' && !/^(0|[1-9][0-9]{0,15})$/.test(value))
        throw new TarFormatError('the tarball has a pax header with an unreadable size');
      if (key === 'path') checkName(value, 'pax path');
      if (key === 'linkpath') checkName(value, 'pax link target');
    }
    if (flag === 'x') {
      this.pending.pax = records;
      this.checkConflicts();
    }
  }

  /** A name given twice (GNU long name and pax path) is refused rather than ranked. */
  private checkConflicts(): void {
    const { pax, longName, longLink } = this.pending;
    if ((pax?.has('path') && longName !== null) || (pax?.has('linkpath') && longLink !== null))
      throw new TarFormatError('the tarball names an entry both with a GNU long name and a pax header');
  }
}
