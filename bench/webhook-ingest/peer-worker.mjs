// The peer's consumer: settles each delivery with one conditional update (the least a worker
// does to mark a delivery looked at). Wharf's worker also applies the rules and records
// commits; the peer only shows what the queue and the database cost by themselves.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { REPO_ROOT } from '../ssh-fanout/config.mjs';

const apiRequire = createRequire(join(REPO_ROOT, 'apps/api/package.json'));
const { Worker } = apiRequire('bullmq');
const pg = apiRequire('pg');

const env = process.env;
const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 10 });
const worker = new Worker(
  'peer-webhooks',
  async (job) => {
    await pool.query(
      `UPDATE peer_delivery SET outcome = 'ignored', processed_at = now() WHERE id = $1 AND outcome = 'pending'`,
      [job.data.deliveryId],
    );
  },
  {
    connection: { url: env.REDIS_URL, maxRetriesPerRequest: null },
    prefix: `${env.PEER_REDIS_PREFIX}:bull`,
    concurrency: 8,
  },
);
worker.on('error', () => undefined);
void worker.waitUntilReady().then(() => console.log('peer worker started'));
process.on('SIGTERM', () => {
  void Promise.allSettled([worker.close(), pool.end()]).then(() => process.exit(0));
});
