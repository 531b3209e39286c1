// Stand-in for the Wharf API's upload route, for running the benchmark before the real API
// is up. It does the same kind of work per byte: sha256, gunzip (drained) and a disk write.
// Usage: node fake-server.mjs <data-dir>   (token in env BENCH_FAKE_TOKEN; prints "port N")
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

const dataDir = process.argv[2];
const token = process.env.BENCH_FAKE_TOKEN;
if (!dataDir || !token) {
  console.error('usage: BENCH_FAKE_TOKEN=... node fake-server.mjs <data-dir>');
  process.exit(2);
}
const versions = new Set();
let uploads = 0;

function send(res, status, body) {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) });
  res.end(payload);
}
const fail = (res, statusCode, error, message) => send(res, statusCode, { statusCode, error, message });

async function upload(req, res, slug, query) {
  const version = query.get('version') ?? '';
  if (!/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(version)) return fail(res, 400, 'Bad Request', 'bad version');
  if (versions.has(version)) return fail(res, 409, 'Conflict', `version ${version} already exists`);

  const file = join(dataDir, `upload-${++uploads}.tgz`);
  const hash = createHash('sha256');
  const gunzip = createGunzip();
  let bytes = 0;
  let unpacked = 0;
  gunzip.on('data', (chunk) => (unpacked += chunk.length));
  const gunzipped = new Promise((resolve, reject) => {
    gunzip.on('end', resolve);
    gunzip.on('error', reject);
  });
  const tap = new Transform({
    transform(chunk, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      // Backpressure from gunzip as well as from the file.
      if (gunzip.write(chunk)) done(null, chunk);
      else gunzip.once('drain', () => done(null, chunk));
    },
    flush(done) {
      gunzip.end();
      done();
    },
  });
  try {
    await pipeline(req, tap, createWriteStream(file));
    await gunzipped;
  } catch (err) {
    await rm(file, { force: true });
    return fail(res, 422, 'Unprocessable Entity', `not a gzip stream: ${err.code ?? err.message}`);
  }
  const sha256 = hash.digest('hex');
  await rm(file, { force: true });
  // Like the API: the sha256 query and/or the X-Checksum-Sha256 trailer (read after the body ended).
  for (const claimed of [query.get('sha256'), req.trailers['x-checksum-sha256']]) {
    if (claimed && claimed !== sha256) {
      return fail(res, 400, 'Bad Request', 'sha256 does not match the uploaded bytes');
    }
  }
  versions.add(version);
  send(res, 201, {
    id: `fake-${uploads}`,
    version,
    kind: 'tarball',
    sha256,
    sizeBytes: bytes,
    imageRef: null,
    imageDigest: null,
    hasNodeModules: false,
    gitRef: query.get('ref'),
    commitSha: query.get('commit'),
    commitMessage: query.get('message'),
    commitAuthor: query.get('author'),
    uploadedBy: `token:${slug}`,
    createdAt: new Date().toISOString(),
    unpackedBytes: unpacked,
  });
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://fake');
  if (req.method === 'GET' && url.pathname === '/api/health') {
    return send(res, 200, { status: 'ok', database: 'up', redis: 'up', version: 'fake' });
  }
  if (req.headers.authorization !== `Bearer ${token}`) return fail(res, 401, 'Unauthorized', 'invalid API token');
  const m = /^\/api\/v1\/projects\/([a-z0-9-]+)\/artifacts\/tarball$/.exec(url.pathname);
  if (req.method === 'POST' && m) {
    upload(req, res, m[1], url.searchParams).catch((err) => {
      if (!res.headersSent) fail(res, 500, 'Internal Server Error', String(err));
    });
    return;
  }
  fail(res, 404, 'Not Found', 'no such route');
});
server.listen(0, '127.0.0.1', () => console.log(`port ${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
