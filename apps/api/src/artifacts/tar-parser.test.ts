// The strict tar reader, by class: every typeflag byte, the metadata headers, and the
// corners where tar readers disagree. Archives are written byte by byte (test/raw-tar.ts);
// GNU tar, which unpacks releases on the hosts, is the oracle for what is accepted.
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  paxRecords,
  rawData,
  rawDir,
  rawEntry,
  rawFile,
  rawHeader,
  rawSymlink,
  rawTar,
  withChecksum,
  type RawHeader,
} from '../../test/raw-tar.js';
import { parsePaxRecords, TarFormatError, TarParser, type TarEntry } from './tar-parser.js';

function parse(archive: Buffer, chunkSize = archive.length): TarEntry[] {
  const entries: TarEntry[] = [];
  const parser = new TarParser((e) => entries.push(e));
  for (let i = 0; i < archive.length; i += chunkSize) parser.write(archive.subarray(i, i + chunkSize));
  parser.end();
  return entries;
}

function refusal(archive: Buffer): TarFormatError {
  let caught: unknown = null;
  try {
    parse(archive);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(TarFormatError);
  return caught as TarFormatError;
}

const work = mkdtempSync(join(tmpdir(), 'wharf-tar-oracle-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let oracleRuns = 0;

/** What GNU tar makes of the archive, with the flags the hosts use: path -> kind. */
function gnuTarExtract(archive: Buffer): Record<string, string> {
  const dir = join(work, `x${++oracleRuns}`);
  execFileSync('mkdir', [dir]);
  execFileSync('tar', ['-xf', '-', '-C', dir, '--no-same-owner', '--no-same-permissions'], {
    input: archive,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const full = join(dir, name);
    const st = lstatSync(full);
    out[relative(dir, full)] = st.isSymbolicLink()
      ? `symlink -> ${readlinkSync(full)}`
      : st.isDirectory()
        ? 'directory'
        : 'file';
  }
  return out;
}

/** The same listing from the parser's entries (names here are already plain). */
function parserView(entries: TarEntry[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of entries) {
    const name = e.name.replace(/\/+$/, '');
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) out[parts.slice(0, i).join('/')] ??= 'directory';
    out[name] = e.type === 'symlink' ? `symlink -> ${e.linkname}` : e.type;
  }
  return out;
}

const longName = `${'deep/'.repeat(30)}name.txt`;
const longTarget = `${'t'.repeat(150)}/file`;

/** An archive whose first header has the given typeflag, followed by what that flag needs. */
function archiveFor(flag: string | number): Buffer {
  const header = (h: Partial<RawHeader>): Buffer => rawHeader({ name: 'entry', typeflag: flag, size: 0, ...h });
  switch (flag) {
    case 'x':
      return rawTar(
        rawEntry({ name: 'PaxHeader/short', typeflag: 'x' }, paxRecords({ path: longName, mtime: '1.5' })),
        rawFile('short', 'pax'),
      );
    case 'g':
      return rawTar(
        rawEntry({ name: 'pax_global_header', typeflag: 'g' }, paxRecords({ comment: 'abc' })),
        rawFile('a'),
      );
    case 'L':
      return rawTar(
        rawEntry({ name: '././@LongLink', typeflag: 'L', format: 'gnu' }, `${longName}\0`),
        rawFile('short', 'gnu', { format: 'gnu' }),
      );
    case 'K':
      return rawTar(
        rawEntry({ name: '././@LongLink', typeflag: 'K', format: 'gnu' }, `${longTarget}\0`),
        rawEntry({ name: 'link', typeflag: '2', linkname: 'short', format: 'gnu' }),
      );
    case '2':
      return rawTar(header({ linkname: 'target' }));
    case '5':
      return rawTar(header({ name: 'entry/' }));
    default:
      return rawTar(header({ size: 3 }), rawData('abc'));
  }
}

const ACCEPTED: Record<string, TarEntry[]> = {
  '0': [{ name: 'entry', type: 'file', linkname: null, size: 3 }],
  '\0': [{ name: 'entry', type: 'file', linkname: null, size: 3 }],
  '2': [{ name: 'entry', type: 'symlink', linkname: 'target', size: 0 }],
  '5': [{ name: 'entry/', type: 'directory', linkname: null, size: 0 }],
  x: [{ name: longName, type: 'file', linkname: null, size: 3 }],
  g: [{ name: 'a', type: 'file', linkname: null, size: 1 }],
  L: [{ name: longName, type: 'file', linkname: null, size: 3 }],
  K: [{ name: 'link', type: 'symlink', linkname: longTarget, size: 0 }],
};

const NAMED_REFUSALS: Record<string, RegExp> = {
  '1': /hard link/,
  '3': /character device/,
  '4': /block device/,
  '6': /FIFO/,
  '7': /contiguous file/,
  N: /GNU old-style long name/,
  V: /volume label/,
  M: /multi-volume/,
  S: /sparse/,
  D: /dump directory/,
};

const everyFlag: (string | number)[] = [
  0,
  ...'01234567xgLKNVMSD'.split(''),
  ...'ABCEFGHIJOPQRTUWXYZ'.split(''),
  ...'89a/z'.split(''),
  0x1b,
  0xff,
];

describe('tar reader: every typeflag byte', () => {
  for (const flag of everyFlag) {
    const key = flag === 0 ? '\0' : (flag as string | number);
    const label = typeof flag === 'number' ? `0x${flag.toString(16)}` : `'${flag}'`;
    const accepted = typeof key === 'string' ? ACCEPTED[key] : undefined;
    if (accepted) {
      it(`${label}: accepted, read as GNU tar extracts it`, () => {
        const archive = archiveFor(flag);
        const entries = parse(archive);
        expect(entries).toEqual(accepted);
        expect(gnuTarExtract(archive)).toEqual(parserView(entries));
      });
    } else {
      it(`${label}: refused, naming the entry and the type`, () => {
        const err = refusal(archiveFor(flag));
        expect(err.entry).toBe('entry');
        expect(err.message).toContain('"entry"');
        const shown = typeof flag === 'number' ? `0x${flag.toString(16)}` : `'${flag}'`;
        expect(err.message).toContain(`type ${shown}`);
        const named = typeof key === 'string' ? NAMED_REFUSALS[key] : undefined;
        if (named) expect(err.message).toMatch(named);
        else if (typeof flag === 'string' && /^[A-Z]$/.test(flag)) expect(err.message).toMatch(/vendor extension/);
        else expect(err.message).toMatch(/unknown type/);
      });
    }
  }

  it("'N' is the differential: tar-stream would skip it as a long name, GNU tar extracts a file", () => {
    expect(gnuTarExtract(archiveFor('N'))).toEqual({ entry: 'file' });
  });
});

describe('tar reader: headers both readers must read the same way', () => {
  it('a lone zero block ends the archive for GNU tar: anything after it is refused', () => {
    const archive = rawTar(rawFile('a'), Buffer.alloc(512), rawFile('hidden'));
    expect(gnuTarExtract(archive)).toEqual({ a: 'file' });
    expect(refusal(archive).message).toMatch(/data after its end-of-archive marker/);
  });

  it('zero padding after the end marker is fine; no end marker at all is too (GNU tar warns only)', () => {
    expect(parse(Buffer.concat([rawTar(rawFile('a')), Buffer.alloc(9216)]))).toHaveLength(1);
    expect(parse(rawFile('a'))).toHaveLength(1);
  });

  it('a file named like a directory (GNU tar makes a directory of it)', () => {
    const archive = rawTar(rawFile('dirish/', ''));
    expect(gnuTarExtract(archive)).toEqual({ dirish: 'directory' });
    expect(refusal(archive).message).toMatch(/named like a directory/);
  });

  it('directories and symlinks that carry data', () => {
    expect(refusal(rawTar(rawHeader({ name: 'd/', typeflag: '5', size: 512 }), rawData('x'))).message).toMatch(
      /directory that carries data/,
    );
    expect(
      refusal(rawTar(rawHeader({ name: 'l', typeflag: '2', linkname: 't', size: 1 }), rawData('x'))).message,
    ).toMatch(/symlink that carries data/);
  });

  it('pax keywords GNU tar reads differently (sparse files, dumpdirs, charset switches) are refused', () => {
    for (const key of ['GNU.sparse.name', 'GNU.sparse.major', 'GNU.dumpdir', 'hdrcharset', 'SCHILY.filetype']) {
      const archive = rawTar(rawEntry({ name: 'p', typeflag: 'x' }, paxRecords({ [key]: 'v' })), rawFile('a'));
      expect(refusal(archive).message, key).toContain(`"${key}"`);
    }
  });

  it('a global pax header may not rename, relink or resize later entries', () => {
    for (const key of ['path', 'linkpath', 'size']) {
      const archive = rawTar(rawEntry({ name: 'g', typeflag: 'g' }, paxRecords({ [key]: '12' })), rawFile('a'));
      expect(refusal(archive).message, key).toMatch(/global pax header/);
    }
  });

  it('a pax size is honoured the way GNU tar honours it', () => {
    const body = 'y'.repeat(700);
    const archive = rawTar(
      rawEntry({ name: 'p', typeflag: 'x' }, paxRecords({ size: '700' })),
      rawHeader({ name: 'big', size: 0 }),
      rawData(body),
      rawFile('after'),
    );
    const entries = parse(archive);
    expect(entries.map((e) => [e.name, e.size])).toEqual([
      ['big', 700],
      ['after', 1],
    ]);
    expect(gnuTarExtract(archive)).toEqual(parserView(entries));
  });

  it('repeated or conflicting metadata headers are refused rather than ranked', () => {
    const pax = (r: Record<string, string>) => rawEntry({ name: 'p', typeflag: 'x' }, paxRecords(r));
    const long = (flag: 'L' | 'K', v: string) => rawEntry({ name: '././@LongLink', typeflag: flag }, `${v}\0`);
    expect(refusal(rawTar(pax({ path: 'a' }), pax({ path: 'b' }), rawFile('c'))).message).toMatch(/repeated/);
    expect(refusal(rawTar(long('L', 'a'), long('L', 'b'), rawFile('c'))).message).toMatch(/repeated/);
    expect(refusal(rawTar(long('L', 'a'), pax({ path: 'b' }), rawFile('c'))).message).toMatch(/both/);
    expect(refusal(rawTar(long('K', 'a'), rawFile('c'))).message).toMatch(/link target but is not a link/);
    expect(refusal(rawTar(pax({ path: 'a' }))).message).toMatch(/ends right after a metadata header/);
  });

  it('malformed pax records', () => {
    const bad = ['8 path=a\n', '5 path=abcdef\n', 'x path=a\n', '10 patha\n\n'];
    for (const text of bad) {
      const archive = rawTar(rawEntry({ name: 'p', typeflag: 'x' }, text), rawFile('a'));
      expect(refusal(archive).message, text).toMatch(/pax header/);
    }
    expect(parsePaxRecords(paxRecords({ path: 'ünï/cødé', comment: 'a=b' }))).toEqual(
      new Map([
        ['path', 'ünï/cødé'],
        ['comment', 'a=b'],
      ]),
    );
  });

  it('bad checksums, unknown formats, unreadable sizes, bad UTF-8 names', () => {
    const bad = rawHeader({ name: 'a', size: 0 });
    bad[0] = 0x62; // name changed, checksum not
    expect(refusal(rawTar(bad)).message).toMatch(/bad checksum/);

    const v7 = rawHeader({ name: 'a' });
    v7.fill(0, 257, 265);
    expect(refusal(rawTar(withChecksum(v7))).message).toMatch(/neither ustar\/pax nor GNU/);

    const badSize = rawHeader({ name: 'a' });
    badSize.write('12x45', 124, 'latin1');
    expect(refusal(rawTar(withChecksum(badSize))).message).toMatch(/unreadable size/);

    const latin1 = rawHeader({ name: 'x' });
    latin1[0] = 0xe9;
    expect(refusal(rawTar(withChecksum(latin1))).message).toMatch(/not valid UTF-8/);
  });

  it('truncated archives', () => {
    const archive = rawTar(rawFile('a', 'z'.repeat(2000)));
    expect(refusal(archive.subarray(0, 1000)).message).toMatch(/truncated/);
    expect(refusal(archive.subarray(0, 300)).message).toMatch(/truncated/);
  });

  it('reads the same whatever the chunking (headers split across writes)', () => {
    const archive = rawTar(
      rawDir('app/'),
      rawEntry({ name: 'p', typeflag: 'x' }, paxRecords({ path: longName })),
      rawFile('x', 'hello'),
      rawSymlink('app/l', '../x'),
    );
    const whole = parse(archive);
    expect(whole.map((e) => e.name)).toEqual(['app/', longName, 'app/l']);
    for (const size of [1, 7, 511, 513]) expect(parse(archive, size)).toEqual(whole);
  });

  it('ustar prefix field extends the name (ustar only), as GNU tar reads it', () => {
    const h = rawHeader({ name: 'file.txt' });
    h.write('some/prefix', 345, 'latin1');
    const archive = rawTar(withChecksum(h));
    expect(parse(archive).map((e) => e.name)).toEqual(['some/prefix/file.txt']);
    expect(gnuTarExtract(archive)).toEqual(parserView(parse(archive)));
  });
});
