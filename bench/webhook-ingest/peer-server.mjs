// The peer of the webhook-ingest benchmark: the least a webhook endpoint can do and still be
// correct, in plain Node `http` with no framework. Per delivery: read the project's token hash
// from Postgres, compare the presented token's sha256 in constant time, read the body with a
// cap, parse it, insert one delivery row (the idempotency key unique per project), enqueue one
// BullMQ job (the same bullmq and pg as Wharf, from apps/api). The floor for "record and
// enqueue" on this machine. Settings come from the parent (run.mjs) in the environment.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { REPO_ROOT } from '../ssh-fanout/config.mjs';

const apiRequire = createRequire(join(REPO_ROOT, 'apps/api/package.json'));
const { Queue } = apiRequire('bullmq');
const pg = apiRequire('pg');

const env = process.env;
const MAX_BODY = Number(env.PEER_MAX_BODY_BYTES);
const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 10 });
const queue = new Queue('peer-webhooks', {
  connection: { url: env.REDIS_URL, maxRetriesPerRequest: null, enableOfflineQueue: false },
  prefix: `${env.PEER_REDIS_PREFIX}:bull`,
});
queue.on('error', () => undefined);

const sha256 = (s) => createHash('sha256').update(s).digest();
const DUMMY = sha256(randomUUID());

function answer(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length']) > MAX_BODY) return reject(new Error('too large'));
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        req.pause();
        reject(new Error('too large'));
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

async function handle(req, res) {
  const m = /^\/hooks\/([a-z0-9-]{1,64})$/.exec(req.url ?? '');
  if (req.method !== 'POST' || !m) return answer(res, 404, { error: 'not found' });
  const { rows } = await pool.query('SELECT id, token_hash FROM peer_project WHERE slug = $1', [m[1]]);
  const expected = rows[0] ? Buffer.from(rows[0].token_hash, 'hex') : DUMMY;
  const ok = timingSafeEqual(expected, sha256(String(req.headers['x-gitlab-token'] ?? '')));
  if (!ok || !rows[0]) return answer(res, 401, { error: 'invalid webhook token' });
  let body;
  try {
    body = JSON.parse((await readBody(req)).toString('utf8'));
  } catch (err) {
    return answer(res, err.message === 'too large' ? 413 : 400, { error: err.message });
  }
  const key = String(req.headers['idempotency-key'] ?? randomUUID());
  const projectId = rows[0].id;
  const inserted = await pool.query(
    `INSERT INTO peer_delivery (id, project_id, idempotency_key, event, ref, sha, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
     ON CONFLICT (project_id, idempotency_key) DO NOTHING RETURNING id, outcome`,
    [
      randomUUID(),
      projectId,
      key,
      String(req.headers['x-gitlab-event'] ?? ''),
      typeof body.ref === 'string' ? body.ref : null,
      typeof body.checkout_sha === 'string' ? body.checkout_sha : null,
      JSON.stringify({ commits: Array.isArray(body.commits) ? body.commits.length : 0 }),
    ],
  );
  const delivery =
    inserted.rows[0] ??
    (
      await pool.query('SELECT id, outcome FROM peer_delivery WHERE project_id = $1 AND idempotency_key = $2', [
        projectId,
        key,
      ])
    ).rows[0];
  if (delivery.outcome === 'pending') {
    await queue.add(
      'delivery',
      { deliveryId: delivery.id },
      { jobId: `delivery-${delivery.id}`, removeOnComplete: true },
    );
  }
  answer(res, inserted.rows[0] ? 202 : 200, {
    status: inserted.rows[0] ? 'accepted' : 'duplicate',
    deliveryId: delivery.id,
  });
}

const server = createServer((req, res) => {
  handle(req, res).catch(() => {
    if (!res.headersSent) answer(res, 503, { error: 'unavailable' });
  });
});
server.listen(Number(env.PEER_PORT), '127.0.0.1', () => console.log('peer listening'));
process.on('SIGTERM', () => {
  server.close();
  void Promise.allSettled([queue.close(), pool.end()]).then(() => process.exit(0));
});
