// GitLab deliveries while Redis or Postgres is down: the endpoint answers 503 (with
// Retry-After) fast, well inside GitLab's 10 s, and GitLab's retry after the restart deploys
// exactly once. Redis is a private redis-server killed -9 and started again empty; Postgres is
// cut by a TCP proxy in front of it (what clients see during a restart).
import type { DeploymentView } from '@wharf/shared';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../src/prisma/prisma.service.js';
import { WebhookQueue } from '../src/queue/webhook-queue.service.js';
import type { RunningWorker } from '../src/worker-app.js';
import { startPrivateRedis, startTcpProxy, throughPort, type PrivateRedis, type TcpProxy } from './fault-tools.js';
import { gitlabHeaders, pushPayload, randomSha, sendHook } from './fixtures/gitlab/gitlab-fixtures.js';
import { setupRelease, type ReleaseFixture } from './release-fixture.js';
import { startTestApp, type TestApp } from './test-env.js';
import { ok, startTestWorker } from './webhook-fixture.js';

/** Far below GitLab's 10 s: a 503 must come fast, not after a hang. */
const FAST_MS = 1_500;

let redis: PrivateRedis | null = null;
let proxy: TcpProxy | null = null;
let t: TestApp;
let worker: RunningWorker | null = null;
let f: ReleaseFixture;
let hookToken: string;
const pgTarget = { host: '127.0.0.1', port: 5432 };

beforeAll(async () => {
  redis = await startPrivateRedis();
  proxy = await startTcpProxy(pgTarget);
  t = await startTestApp(
    { REDIS_URL: redis.url },
    {
      databaseUrl: (url) => {
        const u = new URL(url);
        pgTarget.port = Number(u.port || 5432);
        return throughPort(url, proxy!.port);
      },
    },
  );
  // Short enough that a test waits seconds for the watchdog to re-queue a lost deployment job.
  worker = await startTestWorker(t, { WHARF_REQUEUE_AFTER_SECONDS: '3' });
  f = await setupRelease(t, { hostCount: 1, baseAddress: '127.0.0.117', slug: 'gl-restarts' });
  ok(
    await f.admin.post(`/api/v1/projects/${f.slug}/environments/${f.envId}/auto-deploy-rules`, {
      refType: 'branch',
      pattern: 'main',
    }),
  );
  hookToken = ok(await f.admin.post(`/api/v1/projects/${f.slug}/webhook/token`)).token;
}, 240_000);

afterAll(async () => {
  await proxy?.up().catch(() => undefined);
  await redis?.start().catch(() => undefined);
  await worker?.stop();
  await f?.hosts.stop();
  await t?.close();
  await proxy?.close();
  await redis?.stop();
}, 120_000);

async function untilOk<T>(fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function webhookDeploymentsOf(version: string): Promise<DeploymentView[]> {
  const page = ok(await f.admin.get(`/api/v1/projects/${f.slug}/deployments?trigger=webhook&version=${version}`));
  return page.items;
}

async function deployedOnce(version: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  let found: DeploymentView[] = [];
  while (Date.now() < deadline) {
    found = await webhookDeploymentsOf(version);
    if (found[0] && ['succeeded', 'failed', 'cancelled'].includes(found[0].state)) break;
    await new Promise((r) => setTimeout(r, 300));
  }
  expect(found.map((d) => d.state)).toEqual(['succeeded']);
  // Nothing else comes later (sweeper, late job, the retry): still exactly one.
  await new Promise((r) => setTimeout(r, 3_000));
  expect((await webhookDeploymentsOf(version)).length).toBe(1);
  expect(await f.versionsServed()).toEqual([version]);
}

describe('GitLab deliveries across Redis and Postgres restarts', { timeout: 300_000 }, () => {
  it('Redis down: a fast 503; GitLab retrying after the restart deploys once', async () => {
    const sha = randomSha();
    await f.push('1.0.0', { commit: sha });
    const body = pushPayload({ branch: 'main', sha });
    const headers = gitlabHeaders({ event: 'Push Hook', token: hookToken, idempotencyKey: randomUUID() });

    await redis!.kill();
    const down = await sendHook(t.url, f.slug, body, headers);
    expect(down.status).toBe(503);
    expect(down.ms).toBeLessThan(FAST_MS);
    expect(down.headers.get('retry-after')).toBe('10');
    expect(down.body).toMatchObject({
      statusCode: 503,
      error: 'Service Unavailable',
      message: expect.stringMatching(/Redis/),
    });
    // Postgres is the source of truth: the delivery is recorded, waiting for a worker.
    const row = await t.app
      .get(PrismaService)
      .webhookDelivery.findFirstOrThrow({ where: { idempotencyKey: headers['idempotency-key'] } });
    expect(row.outcome === 'pending' || row.outcome === 'waiting' || row.outcome === 'deployed').toBe(true);

    await redis!.start();
    await untilOk(() => t.app.get(WebhookQueue).queue.count(), 60_000);
    const retry = await sendHook(t.url, f.slug, body, { ...headers, 'x-gitlab-event-uuid': randomUUID() });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({ status: 'duplicate', deliveryId: row.id });
    await deployedOnce('1.0.0');
  });

  it('Postgres down: a fast 503 and nothing recorded; the retry after the restart deploys once', async () => {
    const sha = randomSha();
    await f.push('2.0.0', { commit: sha });
    const body = pushPayload({ branch: 'main', sha });
    const headers = gitlabHeaders({ event: 'Push Hook', token: hookToken, idempotencyKey: randomUUID() });

    await proxy!.down();
    const down = await sendHook(t.url, f.slug, body, headers);
    expect(down.status).toBe(503);
    expect(down.ms).toBeLessThan(FAST_MS);
    expect(down.body.message).toMatch(/database/);
    await proxy!.up();

    const retry = await untilOk(async () => {
      const r = await sendHook(t.url, f.slug, body, headers);
      if (r.status === 503) throw new Error('still 503');
      return r;
    }, 30_000);
    expect(retry.status).toBe(202);
    await deployedOnce('2.0.0');
  });
});
