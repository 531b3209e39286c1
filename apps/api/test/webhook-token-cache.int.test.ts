// The webhook endpoint keeps each project's token hash in memory (webhook-token-cache). These
// tests run two API instances on one database and Redis, as behind a load balancer, and check
// that what one instance changes (rotate, remove, delete the project) takes effect on the other
// at once, and that an instance which lost its Redis subscription forgets what it cached.
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonLogger } from '../src/common/json-logger.js';
import { createHttpApp } from '../src/http-app.js';
import { PrismaService } from '../src/prisma/prisma.service.js';
import { RedisService } from '../src/redis/redis.module.js';
import { type HookCredentials, WebhookTokenCache } from '../src/webhooks/webhook-token-cache.service.js';
import { hashSecret } from '../src/auth/tokens.js';
import { gitlabHeaders, pushPayload, randomSha, sendHook } from './fixtures/gitlab/gitlab-fixtures.js';
import { ok, setupHookProject } from './webhook-fixture.js';
import { startTestApp, type TestApp } from './test-env.js';

let t: TestApp;
let second: NestExpressApplication;
let secondUrl: string;
let redis: Redis;

beforeAll(async () => {
  t = await startTestApp();
  second = await createHttpApp(t.config, new JsonLogger('error'));
  await second.listen(0, '127.0.0.1');
  secondUrl = `http://127.0.0.1:${(second.getHttpServer().address() as { port: number }).port}`;
  redis = new Redis(t.config.REDIS_URL);
  // Both instances subscribed before anything is cached.
  await waitForSubscribers(2);
}, 120_000);

afterAll(async () => {
  redis?.disconnect();
  await second?.close();
  await t?.close();
});

const channel = () => `${t.config.WHARF_REDIS_PREFIX}:webhook-token-changed`;
const subscriberName = () => `${t.config.WHARF_REDIS_PREFIX}:webhook-token-cache`;

async function waitForSubscribers(n: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const [, count] = (await redis.pubsub('NUMSUB', channel())) as [string, number];
    if (Number(count) >= n) return;
    if (Date.now() > deadline) throw new Error(`${count} instances subscribed, ${n} expected`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A push to a branch without rules: recorded and ignored, answered 202 (or 401). */
const deliver = (url: string, slug: string, token: string) =>
  sendHook(
    url,
    slug,
    pushPayload({ branch: 'feature/x', sha: randomSha() }),
    gitlabHeaders({ event: 'Push Hook', token }),
  );

describe('webhook token cache across API instances', () => {
  it('a rotated token stops working on the other instance as soon as the rotation answers', async () => {
    const p = await setupHookProject(t, 'cache-rotate', []);
    let token = p.webhookToken;
    for (let round = 0; round < 5; round++) {
      // The second instance has the current token cached (it served it just now).
      expect((await deliver(secondUrl, p.slug, token)).status).toBe(202);
      expect((await deliver(secondUrl, p.slug, token)).status).toBe(202);
      const rotated = ok(await p.admin.post(`/api/v1/projects/${p.slug}/webhook/token`)).token as string;
      const [oldOnSecond, oldOnFirst, newOnSecond] = await Promise.all([
        deliver(secondUrl, p.slug, token),
        deliver(t.url, p.slug, token),
        deliver(secondUrl, p.slug, rotated),
      ]);
      expect(oldOnSecond.status).toBe(401);
      expect(oldOnFirst.status).toBe(401);
      expect(newOnSecond.status).toBe(202);
      token = rotated;
    }
  });

  it('a rotation answers only after a busy instance has dropped the old token', async () => {
    const p = await setupHookProject(t, 'cache-busy', []);
    expect((await deliver(secondUrl, p.slug, p.webhookToken)).status).toBe(202);
    // The second instance reads nothing from its subscription for 300 ms, as when its event
    // loop is busy: the change is queued in Redis's output buffer, not yet seen there.
    const stream = (second.get(WebhookTokenCache)['subscriber'] as Redis).stream;
    stream.pause();
    const resume = setTimeout(() => stream.resume(), 300);
    try {
      const started = Date.now();
      ok(await p.admin.post(`/api/v1/projects/${p.slug}/webhook/token`));
      // It waited for the second instance (less than the 2 s after which it gives up).
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect((await deliver(secondUrl, p.slug, p.webhookToken)).status).toBe(401);
    } finally {
      clearTimeout(resume);
      stream.resume();
    }
  });

  it('a removed webhook refuses deliveries on the other instance at once', async () => {
    const p = await setupHookProject(t, 'cache-remove', []);
    expect((await deliver(secondUrl, p.slug, p.webhookToken)).status).toBe(202);
    expect((await p.admin.delete(`/api/v1/projects/${p.slug}/webhook`)).status).toBe(204);
    expect((await deliver(secondUrl, p.slug, p.webhookToken)).status).toBe(401);
  });

  it('a deleted project answers 401 (not 503) where its token was cached, and a new project of that slug has its own token', async () => {
    const p = await setupHookProject(t, 'cache-deleted', []);
    expect((await deliver(secondUrl, p.slug, p.webhookToken)).status).toBe(202);
    const deleted = await p.admin.delete(`/api/v1/projects/${p.slug}`);
    expect(deleted.status).toBe(204);
    const gone = await deliver(secondUrl, p.slug, p.webhookToken);
    expect(gone.status).toBe(401);
    expect(gone.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'invalid webhook token' });

    const again = await setupHookProject(t, 'cache-deleted', [], p.admin);
    expect((await deliver(secondUrl, p.slug, p.webhookToken)).status).toBe(401);
    expect((await deliver(secondUrl, p.slug, again.webhookToken)).status).toBe(202);
  });

  it('an instance that lost its subscription forgets cached hashes, so a change it was not told about still counts', async () => {
    const p = await setupHookProject(t, 'cache-resubscribe', []);
    expect((await deliver(secondUrl, p.slug, p.webhookToken)).status).toBe(202);
    expect((await deliver(t.url, p.slug, p.webhookToken)).status).toBe(202);
    // Cut both instances' subscriber connections (by id: only this test's, found by name).
    const clients = (await redis.call('CLIENT', 'LIST', 'TYPE', 'pubsub')) as string;
    const ids = clients
      .split('\n')
      .filter((line) => line.includes(` name=${subscriberName()} `))
      .map((line) => /(?:^| )id=(\d+)/.exec(line)?.[1])
      .filter((id): id is string => Boolean(id));
    expect(ids).toHaveLength(2);
    for (const id of ids) await redis.call('CLIENT', 'KILL', 'ID', id);
    // A token change nobody publishes (as one made while the instances were cut off).
    const replacement = 'whk_not-announced-anywhere';
    await t.app.get(PrismaService).projectWebhook.update({
      where: { projectId: (await t.app.get(PrismaService).project.findUniqueOrThrow({ where: { slug: p.slug } })).id },
      data: { tokenHash: hashSecret(replacement) },
    });
    await waitForSubscribers(2);
    expect((await deliver(secondUrl, p.slug, p.webhookToken)).status).toBe(401);
    expect((await deliver(t.url, p.slug, p.webhookToken)).status).toBe(401);
    expect((await deliver(secondUrl, p.slug, replacement)).status).toBe(202);
  });
});

describe('webhook token cache: a read racing a change', () => {
  it('does not remember what it read when the slug changed while the read was in flight', async () => {
    const redisService = new RedisService(t.config);
    const cache = new WebhookTokenCache(redisService, new JsonLogger('error'), t.config);
    cache.onModuleInit();
    try {
      const old: HookCredentials = { projectId: 'p', tokenHash: 'old-hash' };
      const current: HookCredentials = { projectId: 'p', tokenHash: 'new-hash' };
      // Subscribed once a looked-up value is served from memory.
      let reads = 0;
      const counting = async () => {
        reads++;
        return old;
      };
      for (const deadline = Date.now() + 20_000; ;) {
        reads = 0;
        await cache.lookup('warm', counting);
        await cache.lookup('warm', counting);
        if (reads === 1) break;
        if (Date.now() > deadline) throw new Error('the cache never subscribed');
        await new Promise((r) => setTimeout(r, 50));
      }
      let release: (v: HookCredentials) => void = () => undefined;
      const inFlight = cache.lookup('racing', () => new Promise<HookCredentials>((r) => (release = r)));
      // The change lands (committed and announced) before the read's answer.
      cache.forget('racing');
      release(old);
      expect(await inFlight).toEqual(old);
      expect(await cache.lookup('racing', () => Promise.resolve(current))).toEqual(current);
      expect(await cache.lookup('racing', () => Promise.resolve(old))).toEqual(current);
    } finally {
      cache.onModuleDestroy();
      await redisService.onModuleDestroy();
    }
  });
});
