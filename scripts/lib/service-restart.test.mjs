// The services npm start runs itself come back on the same port (so the API and the worker
// simply reconnect) after a kill -9, with their data.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from './embedded-postgres.mjs';
import { redisAnswers } from './net.mjs';
import { isAlive } from './process.mjs';
import { redisServerOnPath, startPrivateRedis } from './redis.mjs';

const stops = [];
afterAll(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function query(url, sql) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('service restart', () => {
  it('embedded PostgreSQL: restart() after kill -9 serves the same data on the same port', async () => {
    const server = await startEmbeddedPostgres({ persistent: false });
    stops.push(() => server.stop());
    const url = server.adminUrl;
    await query(url, 'CREATE TABLE kept (v text); INSERT INTO kept VALUES ($$before$$)');
    const oldPid = server.pid;
    const exited = server.exitPromise;
    process.kill(oldPid, 'SIGKILL');
    expect((await exited).signal).toBe('SIGKILL');

    // The killed postmaster's backends may take a moment to go; a refused start is retried
    // by the supervisor, here by hand.
    for (let attempt = 0; ; attempt++) {
      try {
        await server.restart();
        break;
      } catch (err) {
        if (attempt >= 5) throw err;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    expect(server.pid).not.toBe(oldPid);
    expect(isAlive(server.pid)).toBe(true);
    // The old URL (same port) reaches the restarted server, data intact.
    expect(await query(url, 'SELECT v FROM kept')).toEqual([{ v: 'before' }]);
  });

  it.runIf(redisServerOnPath())('private redis-server: restart() after kill -9 answers on the same port', async () => {
    const redis = await startPrivateRedis();
    stops.push(() => redis.stop());
    const oldPid = redis.pid;
    const exited = redis.exitPromise;
    process.kill(oldPid, 'SIGKILL');
    expect((await exited).signal).toBe('SIGKILL');
    expect(await redisAnswers(redis.url)).toBe(false);
    await redis.restart();
    expect(redis.pid).not.toBe(oldPid);
    expect(await redisAnswers(redis.url)).toBe(true);
  });
});
