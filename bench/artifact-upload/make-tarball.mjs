// Builds a .tar.gz of incompressible random data: package.json + data/part-NNN.bin.
// Random bytes do not compress, so the gzip file is as large as its content (and the server's
// gunzip works on stored blocks, as it would for already-compressed assets).
import { spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

const MiB = 1024 * 1024;
const PART_MiB = 64;

async function writeRandomFile(path, bytes) {
  const out = createWriteStream(path);
  const buf = Buffer.allocUnsafe(MiB);
  for (let left = bytes; left > 0; left -= MiB) {
    const n = Math.min(left, MiB);
    randomFillSync(buf, 0, n);
    // Copy: the stream may still hold the previous chunk when we refill the buffer.
    if (!out.write(Buffer.from(buf.subarray(0, n)))) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((resolve, reject) => out.end((err) => (err ? reject(err) : resolve())));
}

/** Creates `<dir>/bench.tgz` holding `sizeMiB` MiB of random data; returns its path and size. */
export async function makeTarball(dir, sizeMiB) {
  const src = join(dir, 'src');
  await mkdir(join(src, 'data'), { recursive: true });
  await writeFile(join(src, 'package.json'), JSON.stringify({ name: 'bench-app', version: '0.0.0', private: true }));
  for (let i = 0, left = sizeMiB; left > 0; i++, left -= PART_MiB) {
    await writeRandomFile(join(src, 'data', `part-${String(i).padStart(3, '0')}.bin`), Math.min(left, PART_MiB) * MiB);
  }
  const file = join(dir, 'bench.tgz');
  // Fixed arguments, no shell. gzip level 1: the data is incompressible anyway.
  const tar = spawn('tar', ['-C', src, '-cf', '-', 'package.json', 'data'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve, reject) => {
    tar.on('error', reject);
    tar.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`tar exited with ${code}`))));
  });
  await pipeline(tar.stdout, createGzip({ level: 1 }), createWriteStream(file));
  await exited;
  await rm(src, { recursive: true, force: true });
  return { file, size: (await stat(file)).size };
}
