// Tar archives written byte by byte, for the headers no tar library will write: any typeflag
// byte, GNU 'N', pax records of any kind, data after the end marker.

export interface RawHeader {
  name: string;
  /** One character (`'0'`, `'N'`, ...) or a byte value (0 for the old `'\0'` file flag). */
  typeflag?: string | number;
  size?: number;
  linkname?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  /** 'ustar' (POSIX, default) or 'gnu' (`ustar  \0`). */
  format?: 'ustar' | 'gnu';
}

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, '0')}\0`;
}

/** One 512-byte header block with a correct checksum. */
export function rawHeader(h: RawHeader): Buffer {
  const b = Buffer.alloc(512);
  b.write(h.name, 0, 100, 'utf8');
  b.write(octal(h.mode ?? 0o644, 8), 100, 'latin1');
  b.write(octal(h.uid ?? 0, 8), 108, 'latin1');
  b.write(octal(h.gid ?? 0, 8), 116, 'latin1');
  b.write(octal(h.size ?? 0, 12), 124, 'latin1');
  b.write(octal(1_700_000_000, 12), 136, 'latin1');
  const flag = h.typeflag ?? '0';
  b[156] = typeof flag === 'number' ? flag : flag.charCodeAt(0);
  if (h.linkname) b.write(h.linkname, 157, 100, 'utf8');
  b.write(h.format === 'gnu' ? 'ustar  \0' : 'ustar\u000000', 257, 'latin1');
  return withChecksum(b);
}

/** Writes the header checksum (after a test edited the block). */
export function withChecksum(b: Buffer): Buffer {
  b.fill(' ', 148, 156);
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return b;
}

/** Content padded to whole blocks. */
export function rawData(data: Buffer | string): Buffer {
  const buf = Buffer.from(data);
  return Buffer.concat([buf, Buffer.alloc((512 - (buf.length % 512)) % 512)]);
}

/** `<len> key=value\n` records, the length counting itself. */
export function paxRecords(records: Record<string, string>): Buffer {
  return Buffer.concat(
    Object.entries(records).map(([k, v]) => {
      const body = ` ${k}=${v}\n`;
      let len = Buffer.byteLength(body) + 1;
      while (String(len).length + Buffer.byteLength(body) !== len) len++;
      return Buffer.from(`${len}${body}`);
    }),
  );
}

/** A header followed by its content. */
export function rawEntry(h: RawHeader, data: Buffer | string = ''): Buffer {
  const buf = Buffer.from(data);
  return Buffer.concat([rawHeader({ ...h, size: h.size ?? buf.length }), rawData(buf)]);
}

export const rawFile = (name: string, body = 'x', extra: Partial<RawHeader> = {}): Buffer =>
  rawEntry({ name, typeflag: '0', ...extra }, body);
export const rawDir = (name: string): Buffer => rawEntry({ name, typeflag: '5', mode: 0o755 });
export const rawSymlink = (name: string, linkname: string): Buffer =>
  rawEntry({ name, typeflag: '2', linkname, mode: 0o777 });

/** Entries plus the two zero blocks that end an archive. */
export function rawTar(...parts: Buffer[]): Buffer {
  return Buffer.concat([...parts, Buffer.alloc(1024)]);
}
