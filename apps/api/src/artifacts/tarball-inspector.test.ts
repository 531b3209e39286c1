// Hostile tarballs, built with tar-stream exactly as an attacker would, fed to the inspector.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer as collect } from 'node:stream/consumers';
import { gzipSync } from 'node:zlib';
import { pack, type Header } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import {
  checkEntry,
  displayName,
  inspectTarball,
  normalizeEntryPath,
  resolveSymlinkTarget,
  TarballRejectedError,
} from './tarball-inspector.js';

type Entry = Partial<Header> & Pick<Header, 'name'> & { body?: Buffer | string };

async function tarOf(entries: Entry[]): Promise<Buffer> {
  const p = pack();
  // Read while packing: pack applies backpressure and would stall on a big entry otherwise.
  const out = collect(p);
  for (const { body, ...header } of entries) {
    await new Promise<void>((resolve, reject) => {
      p.entry(header, body ?? '', (err) => (err ? reject(err) : resolve()));
    });
  }
  p.finalize();
  return out;
}

async function tgzOf(entries: Entry[]): Promise<Buffer> {
  return gzipSync(await tarOf(entries));
}

/** Feeds the bytes in small chunks, as a network stream would. */
function chunked(buf: Buffer, size = 1000): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return Readable.from(parts);
}

async function rejection(tgz: Buffer): Promise<TarballRejectedError> {
  const err = await inspectTarball(chunked(tgz)).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TarballRejectedError);
  return err as TarballRejectedError;
}

const file = (name: string, body: Buffer | string = 'x'): Entry => ({ name, type: 'file', body });

describe('tarball inspector: accepts', () => {
  it('a normal package with dirs, files and an inside symlink (ok -> sub/file)', async () => {
    const tgz = await tgzOf([
      { name: 'package/', type: 'directory' },
      file('package/package.json', '{"name":"app"}'),
      { name: 'sub/', type: 'directory' },
      file('sub/file', 'hello'),
      { name: 'ok', type: 'symlink', linkname: 'sub/file' },
      { name: 'sub/up', type: 'symlink', linkname: '../package/package.json' },
    ]);
    const result = await inspectTarball(chunked(tgz));
    expect(result).toMatchObject({ entries: 6, hasNodeModules: false });
  });

  it('a node_modules directory, flagged', async () => {
    const tgz = await tgzOf([
      file('./index.js'),
      { name: './node_modules/', type: 'directory' },
      file('./node_modules/left-pad/index.js'),
    ]);
    expect(await inspectTarball(chunked(tgz))).toMatchObject({ entries: 3, hasNodeModules: true });
  });

  it('large entries without collecting them (contents are drained)', async () => {
    const big = randomBytes(3 * 1024 * 1024);
    const tgz = await tgzOf([file('big.bin', big)]);
    const result = await inspectTarball(chunked(tgz, 64 * 1024));
    expect(result.entries).toBe(1);
    expect(result.unpackedBytes).toBeGreaterThan(big.length);
  });

  it('long names carried in pax headers', async () => {
    const deep = `${'d'.repeat(90)}/${'e'.repeat(90)}/${'f'.repeat(90)}/file.txt`;
    expect(await inspectTarball(chunked(await tgzOf([file(deep)])))).toMatchObject({ entries: 1 });
  });
});

describe('tarball inspector: refuses, naming the entry', () => {
  it('../evil', async () => {
    const err = await rejection(await tgzOf([file('ok.txt'), file('../evil')]));
    expect(err.entry).toBe('../evil');
    expect(err.message).toContain('"../evil"');
    expect(err.message).toContain('..');
  });

  it('/etc/passwd (absolute path)', async () => {
    const err = await rejection(await tgzOf([file('/etc/passwd', 'root:x:0:0')]));
    expect(err.entry).toBe('/etc/passwd');
    expect(err.message).toMatch(/absolute path/);
  });

  it('a/../../x', async () => {
    const err = await rejection(await tgzOf([file('a/../../x')]));
    expect(err.entry).toBe('a/../../x');
  });

  it('a ".." segment hidden in a long (pax) name', async () => {
    const name = `${'a'.repeat(120)}/../../../etc/cron.d/x`;
    const err = await rejection(await tgzOf([file(name)]));
    expect(err.entry).toBe(name);
  });

  it('symlink link -> ../../outside', async () => {
    const err = await rejection(await tgzOf([{ name: 'link', type: 'symlink', linkname: '../../outside' }]));
    expect(err.entry).toBe('link');
    expect(err.message).toMatch(/points outside the tarball/);
  });

  it('symlink that escapes only when resolved from its own directory (a/b/l -> ../../..)', async () => {
    const err = await rejection(await tgzOf([{ name: 'a/b/l', type: 'symlink', linkname: '../../..' }]));
    expect(err.entry).toBe('a/b/l');
  });

  it('symlink to an absolute target', async () => {
    const err = await rejection(await tgzOf([{ name: 'etc', type: 'symlink', linkname: '/etc' }]));
    expect(err.entry).toBe('etc');
  });

  it('an entry written through an earlier symlink', async () => {
    // up -> . stays inside, but up/x would be written wherever "up" points at unpack time.
    const err = await rejection(await tgzOf([{ name: 'dir/up', type: 'symlink', linkname: '..' }, file('dir/up/x')]));
    expect(err.entry).toBe('dir/up/x');
    expect(err.message).toMatch(/inside the symlink dir\/up/);
  });

  it('hard link', async () => {
    const err = await rejection(await tgzOf([file('a'), { name: 'b', type: 'link', linkname: 'a' }]));
    expect(err.entry).toBe('b');
    expect(err.message).toMatch(/hard link/);
  });

  it('character device', async () => {
    const err = await rejection(
      await tgzOf([{ name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3 }]),
    );
    expect(err.entry).toBe('dev/null');
    expect(err.message).toMatch(/character device/);
  });

  it('block device', async () => {
    const err = await rejection(await tgzOf([{ name: 'sda', type: 'block-device', devmajor: 8, devminor: 0 }]));
    expect(err.message).toMatch(/block device/);
  });

  it('fifo', async () => {
    const err = await rejection(await tgzOf([{ name: 'pipe', type: 'fifo' }]));
    expect(err.entry).toBe('pipe');
    expect(err.message).toMatch(/FIFO/);
  });
});

describe('tarball inspector: unreadable input', () => {
  it('corrupt gzip (bytes flipped in the deflate stream)', async () => {
    const tgz = await tgzOf([file('a.txt', randomBytes(20_000).toString('hex'))]);
    const bad = Buffer.from(tgz);
    for (let i = 20; i < 60; i++) bad[i] = bad[i]! ^ 0xff;
    const err = await rejection(bad);
    expect(err.message).toMatch(/gzip|tar/);
  });

  it('not gzip at all (a plain tar)', async () => {
    const err = await rejection(await tarOf([file('a.txt')]));
    expect(err.message).toMatch(/not a readable gzip stream/);
  });

  it('truncated gzip', async () => {
    const tgz = await tgzOf([file('a.txt', randomBytes(50_000).toString('hex'))]);
    const err = await rejection(tgz.subarray(0, Math.floor(tgz.length / 2)));
    expect(err.message).toMatch(/gzip/);
  });

  it('truncated tar inside a valid gzip stream', async () => {
    const tar = await tarOf([file('a.txt', 'y'.repeat(10_000))]);
    const err = await rejection(gzipSync(tar.subarray(0, 512 + 3000)));
    expect(err.message).toMatch(/not a readable tar archive/);
  });

  it('garbage that gunzips to a non-tar', async () => {
    const err = await rejection(gzipSync(Buffer.from('hello, this is not a tar archive'.repeat(40))));
    expect(err.message).toMatch(/tar/);
  });

  it('an empty archive', async () => {
    const err = await rejection(await tgzOf([]));
    expect(err.message).toMatch(/no entries/);
  });

  it('a gzip bomb, once the unpacked size passes the bound', async () => {
    const tgz = await tgzOf([file('zeros', Buffer.alloc(8 * 1024 * 1024))]);
    const err = await inspectTarball(chunked(tgz), { maxUnpackedBytes: 1024 * 1024 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TarballRejectedError);
    expect((err as Error).message).toMatch(/unpacks to more than 1 MB/);
  });
});

describe('tarball inspector: path rules', () => {
  it('normalises harmless forms and refuses the rest', () => {
    expect(normalizeEntryPath('./a//b/./c/')).toEqual({ path: 'a/b/c' });
    expect(normalizeEntryPath('./')).toEqual({ path: '' });
    expect(normalizeEntryPath('/abs')).toHaveProperty('reason');
    expect(normalizeEntryPath('a/..')).toHaveProperty('reason');
    expect(normalizeEntryPath('a\0b')).toHaveProperty('reason');
  });

  it('resolves symlink targets from the entry directory', () => {
    expect(resolveSymlinkTarget('ok', 'sub/file')).toBe('sub/file');
    expect(resolveSymlinkTarget('a/b/l', '../c')).toBe('a/c');
    expect(resolveSymlinkTarget('a/l', '..')).toBe('.');
    expect(resolveSymlinkTarget('a/l', '../..')).toBeNull();
    expect(resolveSymlinkTarget('l', '/etc')).toBeNull();
  });

  it('shows entry names printable and bounded in messages', () => {
    expect(displayName('evil\x1b[31m\nname\x7f')).toBe('evil?[31m?name?');
    expect(displayName('x'.repeat(500))).toHaveLength(201);
  });

  it('refuses a file named as the root', () => {
    expect(checkEntry({ name: './', type: 'file' }, new Set())).toEqual({ ok: false, reason: 'has an empty name' });
    expect(checkEntry({ name: './', type: 'directory' }, new Set())).toEqual({ ok: true, path: '' });
  });
});
