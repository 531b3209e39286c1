// Memory bound of the upload path: a 200 MB incompressible tarball streams through the API
// (running in this process) while RSS is sampled. A server that buffered the body, or the
// tar entries' contents, would grow by hundreds of MB. This is a bound, not a timing check.
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { pack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProject,
  createToken,
  type ProjectFixture,
  sampleUploadUrl,
  startUpload,
  tarGz,
  type TokenFixture,
} from './fixtures.js';
import { startTestApp, type TestApp } from './test-env.js';

const MiB = 1024 * 1024;
const PAYLOAD_BYTES = 200 * MiB;
const MAX_GROWTH = 64 * MiB;

let t: TestApp;
let project: ProjectFixture;
let ci: TokenFixture;

beforeAll(async () => {
  t = await startTestApp({ WHARF_MAX_ARTIFACT_MB: '1024' });
  project = await createProject(t);
  ci = await createToken(t, project.id);
});
afterAll(async () => {
  await t?.close();
});

/** Streams a .tar.gz holding one `size`-byte incompressible file; returns the gzip chunks. */
async function* incompressibleTarGz(size: number): AsyncGenerator<Buffer> {
  // A random 1 MiB block repeated: deflate's 32 KiB window cannot find the repeats.
  const block = randomBytes(MiB);
  const p = pack();
  const gzip = createGzip({ level: 1 });
  p.pipe(gzip);
  const entry = p.entry({ name: 'blob.bin', size }, (err) => {
    if (err) gzip.destroy(err);
    else p.finalize();
  });
  void (async () => {
    for (let sent = 0; sent < size; sent += block.length) {
      if (!entry.write(block.subarray(0, Math.min(block.length, size - sent)))) await once(entry, 'drain');
    }
    entry.end(null);
  })();
  for await (const chunk of gzip) yield chunk as Buffer;
}

describe('upload memory', () => {
  it(`keeps RSS growth under ${MAX_GROWTH / MiB} MiB while ${PAYLOAD_BYTES / MiB} MB stream through`, async () => {
    // Warm-up push so lazily loaded code and pools are not counted as growth.
    const warm = startUpload(sampleUploadUrl(t, project, 'warm-up'), { token: ci.token });
    await warm.write(await tarGz([{ name: 'a.txt', body: 'warm' }]));
    warm.end();
    expect((await warm.response).status).toBe(201);
    warm.close();

    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);

    const hash = createHash('sha256');
    let sent = 0;
    const upload = startUpload(sampleUploadUrl(t, project, 'big-1'), { token: ci.token });
    try {
      for await (const chunk of incompressibleTarGz(PAYLOAD_BYTES)) {
        hash.update(chunk);
        sent += chunk.length;
        if (!(await upload.write(chunk))) break;
      }
      upload.end();
      const outcome = await upload.response;
      peak = Math.max(peak, process.memoryUsage().rss);
      const after = process.memoryUsage().rss;
      clearInterval(sampler);

      expect(outcome.status).toBe(201);
      expect(outcome.body).toMatchObject({ version: 'big-1', sha256: hash.digest('hex'), sizeBytes: sent });
      expect(sent).toBeGreaterThan(PAYLOAD_BYTES);
      const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;
      // Reported so the figures are visible in the test output.
      console.log(
        `upload memory: sent ${mib(sent)}; rss before ${mib(before)}, peak ${mib(peak)} (+${mib(peak - before)}), after ${mib(after)} (+${mib(after - before)})`,
      );
      expect(peak - before).toBeLessThan(MAX_GROWTH);
      expect(after - before).toBeLessThan(MAX_GROWTH);
    } finally {
      clearInterval(sampler);
      upload.close();
    }
  });
});
