// The upload path as the built API runs it: inspection on the compiled worker thread
// (dist/artifacts/tarball-inspect-worker.js; `turbo run test` builds first), reading the
// batches from the shared ring. Every verdict must equal the in-thread inspector's.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer as collect } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { pack, type Header } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TarballRejectedError } from './tarball-inspector.js';
import { type ReceiveLimits, receiveTarball, UploadTooLargeError } from './tarball-receiver.js';

const BUILT_WORKER = new URL('../../dist/artifacts/tarball-inspect-worker.js', import.meta.url);
const LIMITS: ReceiveLimits = { maxBytes: 64 * 1024 * 1024, maxUnpackedBytes: 16 * 1024 * 1024 };

type Entry = Partial<Header> & Pick<Header, 'name'> & { body?: Buffer | string };

async function tgzOf(entries: Entry[]): Promise<Buffer> {
  const p = pack();
  const out = collect(p);
  for (const { body, ...header } of entries) {
    await new Promise<void>((resolve, reject) => p.entry(header, body ?? '', (err) => (err ? reject(err) : resolve())));
  }
  p.finalize();
  return gzipSync(await out);
}

/** Network-sized chunks, so batches fill across many chunks. */
function chunked(buf: Buffer, size = 64 * 1024): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return Readable.from(parts);
}

let dir: string;
let n = 0;
beforeAll(async () => {
  if (!existsSync(fileURLToPath(BUILT_WORKER))) {
    throw new Error(`${fileURLToPath(BUILT_WORKER)} is missing: build the API first (pnpm turbo run build)`);
  }
  dir = await mkdtemp(join(tmpdir(), 'wharf-thread-inspect-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The verdict of one inspector: its result, or the error's class, message and entry. */
async function verdict(bytes: Buffer, offThread: boolean, limits = LIMITS) {
  const opts = offThread ? { inspectOffThread: true, inspectorWorkerUrl: BUILT_WORKER } : { inspectOffThread: false };
  return receiveTarball(chunked(bytes), join(dir, `upload-${n++}`), limits, opts).then(
    (r) => ({ ok: r }),
    (e: unknown) => ({
      error: (e as Error).constructor.name,
      message: (e as Error).message,
      entry: (e as TarballRejectedError).entry,
    }),
  );
}

const file = (name: string, body: Buffer | string = 'x'): Entry => ({ name, type: 'file', body });

describe('upload inspection on the compiled worker thread', () => {
  const cases: [string, () => Promise<Buffer>][] = [
    [
      'a normal package over several 1 MiB batches',
      () =>
        tgzOf([
          { name: 'package/', type: 'directory' },
          file('package/package.json', '{"name":"app"}'),
          file('package/big.bin', randomBytes(3 * 1024 * 1024 + 17)),
          { name: 'package/ok', type: 'symlink', linkname: 'package.json' },
          { name: 'package/node_modules/', type: 'directory' },
        ]),
    ],
    ['../evil', () => tgzOf([file('../evil')])],
    ['a symlink out of the tree', () => tgzOf([{ name: 'link', type: 'symlink', linkname: '../../outside' }])],
    ['a hard link', () => tgzOf([file('a'), { name: 'b', type: 'link', linkname: 'a' }])],
    [
      'corrupt gzip',
      async () => {
        const tgz = await tgzOf([file('a', randomBytes(100_000).toString('hex'))]);
        for (let i = 40; i < 80; i++) tgz[i] = tgz[i]! ^ 0xff;
        return tgz;
      },
    ],
    [
      'truncated gzip',
      async () => {
        const tgz = await tgzOf([file('a', randomBytes(100_000))]);
        return tgz.subarray(0, tgz.length >> 1);
      },
    ],
    ['not gzip at all', async () => Buffer.alloc(4096, 1)],
    ['a gzip bomb', () => tgzOf([file('bomb', Buffer.alloc(20 * 1024 * 1024))])],
  ];

  for (const [what, make] of cases) {
    it(`gives the in-thread verdict for ${what}`, async () => {
      const bytes = await make();
      const onThread = await verdict(bytes, true);
      expect(onThread).toEqual(await verdict(bytes, false));
      // Each case is meant to be a rejection except the first: a verdict of the intended kind.
      expect('ok' in onThread).toBe(what.startsWith('a normal'));
    });
  }

  it('refuses an empty upload and an upload over the size limit, as in-thread', async () => {
    const empty = await verdict(Buffer.alloc(0), true);
    expect(empty).toMatchObject({ error: TarballRejectedError.name, message: 'the upload is empty' });
    const big = await tgzOf([file('a', Buffer.alloc(2 * 1024 * 1024, 9))]);
    const tooLarge = await verdict(big, true, { ...LIMITS, maxBytes: 1024 });
    expect(tooLarge).toMatchObject({ error: UploadTooLargeError.name });
  });
});
