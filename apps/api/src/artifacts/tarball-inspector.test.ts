// Hostile tarballs, built with tar-stream exactly as an attacker would, fed to the inspector.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer as collect } from 'node:stream/consumers';
import { gzipSync } from 'node:zlib';
import { pack, type Header } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { displayName, inspectTarball, normalizeEntryPath, TarballRejectedError } from './tarball-inspector.js';

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
    expect(err.message).toMatch(/points outside the release/);
  });

  it('symlink that escapes only when resolved from its own directory (a/b/l -> ../../..)', async () => {
    const err = await rejection(await tgzOf([{ name: 'a/b/l', type: 'symlink', linkname: '../../..' }]));
    expect(err.entry).toBe('a/b/l');
  });

  it('symlink to an absolute target', async () => {
    const err = await rejection(await tgzOf([{ name: 'etc', type: 'symlink', linkname: '/etc' }]));
    expect(err.entry).toBe('etc');
    expect(err.message).toMatch(/absolute path/);
  });

  it('hard link', async () => {
    const err = await rejection(await tgzOf([file('a'), { name: 'b', type: 'link', linkname: 'a' }]));
    expect(err.entry).toBe('b');
    expect(err.message).toMatch(/hard link/);
  });

  it('contiguous file (GNU tar would extract it; only plain files are allowed)', async () => {
    const err = await rejection(await tgzOf([{ name: 'c', type: 'contiguous-file', body: 'x' }]));
    expect(err.message).toMatch(/type '7' \(a contiguous file\)/);
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
    expect(err.message).toMatch(/truncated/);
  });

  it('garbage that gunzips to a non-tar', async () => {
    const err = await rejection(gzipSync(Buffer.from('hello, this is not a tar archive'.repeat(40))));
    expect(err.message).toMatch(/bad checksum/);
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

  it('shows entry names printable and bounded in messages', () => {
    expect(displayName('evil\x1b[31m\nname\x7f')).toBe('evil?[31m?name?');
    expect(displayName('x'.repeat(500))).toHaveLength(201);
  });

  it('refuses a file named as the root', async () => {
    const err = await rejection(await tgzOf([{ name: './', type: 'file', body: '' }]));
    expect(err.message).toMatch(/named like a directory|empty name/);
    expect(await inspectTarball(chunked(await tgzOf([{ name: './', type: 'directory' }, file('a')])))).toMatchObject({
      entries: 2,
    });
  });
});

describe('tarball inspector: symlinks resolved against the tree as it is built', () => {
  const link = (name: string, linkname: string): Entry => ({ name, type: 'symlink', linkname });
  const dir = (name: string): Entry => ({ name, type: 'directory' });
  const deep = Array.from({ length: 10 }, (_, i) => `d${i + 1}`).join('/');
  // d1/.../d10/up -> ../../../../../../../../../.. : lexically inside, really the root.
  const up = link(`${deep}/up`, Array(10).fill('..').join('/'));

  const accepted: [string, Entry[]][] = [
    ['a 10-deep link that resolves to the release root itself', [up]],
    ['an entry written through that link (lands in the root)', [up, file(`${deep}/up/x`), file('x')]],
    ['a link to a link that stays inside', [dir('a'), link('a/b', '..'), link('c', 'a/b/a')]],
    ['a link as the parent of later entries', [dir('real'), link('alias', 'real'), file('alias/f'), dir('alias/sub')]],
    [
      'a link to a path made later (pnpm style)',
      [link('node_modules/x', '.pnpm/x@1/node_modules/x'), file('node_modules/.pnpm/x@1/node_modules/x/index.js')],
    ],
    [
      'links with .. first, then names not made yet',
      [link('node_modules/.bin/tool', '../tool/bin/cli.js'), file('node_modules/tool/bin/cli.js')],
    ],
    ['a link to ..', [dir('a'), link('a/parent', '..')]],
    ['the same file twice, the same dir twice', [file('f'), file('f'), dir('d'), dir('d/')]],
    ['a self-referencing link nobody goes through', [link('loop', 'loop')]],
  ];
  for (const [what, entries] of accepted) {
    it(`accepts ${what}`, async () => {
      expect(await inspectTarball(chunked(await tgzOf(entries)))).toMatchObject({ entries: entries.length });
    });
  }

  const refused: [string, Entry[], string, RegExp][] = [
    [
      'a link through the 10-deep link to outside',
      [up, link('.wharf-release', `${deep}/up/../outside`)],
      '.wharf-release',
      /points outside the release/,
    ],
    [
      'a link through the 10-deep link to the host /etc',
      [up, link('etc', `${deep}/up/../../../../etc`)],
      'etc',
      /points outside/,
    ],
    ['a link to a link that escapes', [dir('a'), link('a/b', '..'), link('c', 'a/b/..')], 'c', /points outside/],
    [
      'a link through a link, then ".." past the root',
      [dir('a'), link('a/b', '..'), link('a/c', 'b/../..')],
      'a/c',
      /points outside/,
    ],
    ['a link that escapes only from its own directory', [link('a/b/l', '../../..')], 'a/b/l', /points outside/],
    ['an absolute link', [link('abs', '/etc/passwd')], 'abs', /absolute path/],
    ['a link to .. at the root', [link('parent', '..')], 'parent', /points outside/],
    ['a link replaced by a file', [link('l', 'target'), file('l')], 'l', /replace a symlink/],
    ['a link replaced by a directory', [link('l', 'target'), dir('l')], 'l', /replace a symlink/],
    ['a link replaced by another link', [link('l', 'a'), link('l', 'b')], 'l', /replace a symlink/],
    ['a file replaced by a link', [file('f'), link('f', 'g')], 'f', /symlink where the tarball already has a file/],
    [
      'a directory, then a link of the same name',
      [dir('d'), link('d', '.')],
      'd',
      /symlink where the tarball already has a directory/,
    ],
    [
      'a directory, then a file of the same name',
      [dir('d'), file('d')],
      'd',
      /file where the tarball already has a directory/,
    ],
    ['an entry inside a file', [file('f'), file('f/x')], 'f/x', /inside a path that is a file/],
    [
      'an entry through a link to a file',
      [file('f'), link('l', 'f'), file('l/x')],
      'l/x',
      /inside a path that is a file/,
    ],
    ['a link through a file', [file('f'), link('l', 'f/..')], 'l', /through a file/],
    // If y were made a link later (y -> .), x would resolve one level higher than it looks.
    ['".." after a part that does not exist yet', [dir('d'), link('d/x', 'y/../..')], 'd/x', /has not made/],
    [
      'a loop, once something goes through it',
      [link('a', 'b'), link('b', 'a'), file('a/x')],
      'a/x',
      /too many symlinks/,
    ],
  ];
  for (const [what, entries, entry, message] of refused) {
    it(`refuses ${what}`, async () => {
      const err = await rejection(await tgzOf(entries));
      expect(err.entry).toBe(entry);
      expect(err.message).toContain(JSON.stringify(entry));
      expect(err.message).toMatch(message);
    });
  }

  it('bounds the number of symlinks', async () => {
    const entries = Array.from({ length: 5 }, (_, i) => link(`l${i}`, 'x'));
    const err = await inspectTarball(chunked(await tgzOf(entries)), { maxSymlinks: 4 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TarballRejectedError);
    expect((err as TarballRejectedError).entry).toBe('l4');
  });
});
