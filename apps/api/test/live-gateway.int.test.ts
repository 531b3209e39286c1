// The live view end to end: a LogSink (as the worker uses it) writes, socket.io clients on
// one or two api instances read. Every check is "each seq exactly once, in order".
import { Redis } from 'ioredis';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonLogger } from '../src/common/json-logger.js';
import { DeploymentEvents } from '../src/deployments/deployment-events.js';
import { createHttpApp } from '../src/http-app.js';
import { DeploymentTail } from '../src/live/deployment-tail.js';
import { logStreamKey } from '../src/live/log-line.js';
import { LiveGateway } from '../src/live/live.gateway.js';
import { LogStoreService } from '../src/live/log-store.service.js';
import type { LogSink } from '../src/live/log-sink.js';
import { PrismaService } from '../src/prisma/prisma.service.js';
import {
  addMember,
  createDeployment,
  fetchAs,
  createFixture,
  expectDense,
  LiveClient,
  signedInUser,
  testLogSink,
  type Fixture,
} from './live-helpers.js';
import { startTestApp, type TestApp } from './test-env.js';

let t: TestApp;
let second: NestExpressApplication;
let secondUrl: string;
let f: Fixture;
let redis: Redis;
let memberCookie: string;
let outsiderCookie: string;
const clients: LiveClient[] = [];
const sinks: LogSink[] = [];

beforeAll(async () => {
  t = await startTestApp();
  // A second api instance on the same database and Redis prefix.
  second = await createHttpApp(t.config, new JsonLogger('error'));
  await second.listen(0, '127.0.0.1');
  secondUrl = `http://127.0.0.1:${(second.getHttpServer().address() as { port: number }).port}`;
  f = await createFixture(t);
  redis = new Redis(t.config.REDIS_URL);
  const member = await signedInUser(t);
  await addMember(t, member.userId, f.projectId, 'viewer');
  memberCookie = member.cookie;
  outsiderCookie = (await signedInUser(t)).cookie;
});

afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all(sinks.map((s) => s.close()));
  redis?.disconnect();
  await second?.close();
  await t?.close();
});

function client(cookie: string | null, url = t.url): LiveClient {
  const c = new LiveClient(url, cookie);
  clients.push(c);
  return c;
}

async function sinkFor(deploymentId: string): Promise<LogSink> {
  const sink = testLogSink(t, redis, deploymentId);
  sinks.push(sink);
  return sink.open();
}

/** Writes lines from..to in small chunks, yielding between them like a real executor. */
async function writeLines(sink: LogSink, from: number, to: number, chunk = 100): Promise<void> {
  for (let i = from; i <= to; i++) {
    sink.write({ targetId: i % 2 ? f.targetId : null, stream: 'stdout', text: `line ${i}` });
    if (i % chunk === 0) await new Promise((r) => setImmediate(r));
  }
}

describe('live gateway', () => {
  it('backfills earlier lines, then streams new ones, each exactly once and in order', async () => {
    const id = await createDeployment(t, f);
    const sink = await sinkFor(id);
    await writeLines(sink, 1, 3000);
    await sink.drained();

    const c = client(memberCookie);
    await c.connected();
    c.subscribe(id, 0);
    const writing = writeLines(sink, 3001, 10_000);
    await c.untilSeq(10_000);
    await writing;
    // A last line: once it arrives, nothing earlier can still be in flight.
    sink.write({ targetId: null, stream: 'system', text: 'done' });
    await c.untilSeq(10_001);
    expect(expectDense(c.lines, 1, 10_001)).toBeNull();
    expect(c.lines[0]).toMatchObject({ seq: 1, targetId: f.targetId, stream: 'stdout', text: 'line 1' });
    expect(c.lines[10_000]).toMatchObject({ stream: 'system', text: 'done', targetId: null });
    expect(c.errors).toEqual([]);
    // The current state arrives with the subscription.
    await c.until(() => c.statuses.length > 0);
    expect(c.statuses[0]).toMatchObject({ id, state: 'queued' });
  });

  it('resumes after a reconnect from the last seq with no gap and no duplicate while writing continues', async () => {
    const id = await createDeployment(t, f);
    const sink = await sinkFor(id);
    const first = client(memberCookie);
    await first.connected();
    first.subscribe(id, 0);
    const writing = writeLines(sink, 1, 20_000, 50);
    await first.untilSeq(4000);
    first.close();
    const k = first.lines.at(-1)!.seq;
    expect(expectDense(first.lines, 1, k)).toBeNull();

    const again = client(memberCookie);
    await again.connected();
    again.subscribe(id, k);
    await writing;
    sink.write({ targetId: null, stream: 'system', text: 'done' });
    await again.untilSeq(20_001);
    expect(expectDense(again.lines, k + 1, 20_001)).toBeNull();
  });

  it('serves the same lines from a second api instance', async () => {
    const id = await createDeployment(t, f);
    const sink = await sinkFor(id);
    const a = client(memberCookie);
    const b = client(memberCookie, secondUrl);
    await Promise.all([a.connected(), b.connected()]);
    a.subscribe(id, 0);
    await writeLines(sink, 1, 2000);
    b.subscribe(id, 0);
    await writeLines(sink, 2001, 5000);
    sink.write({ targetId: null, stream: 'system', text: 'done' });
    await Promise.all([a.untilSeq(5001), b.untilSeq(5001)]);
    expect(expectDense(a.lines, 1, 5001)).toBeNull();
    expect(expectDense(b.lines, 1, 5001)).toBeNull();
    expect(b.lines).toEqual(a.lines);
    expect(second.get(LiveGateway).stats()).toMatchObject({ rooms: 1, subscriptions: 1 });
  });

  it('fills a hole in the stream from Postgres (lines a crashed worker stored but never published)', async () => {
    const id = await createDeployment(t, f);
    const firstRun = await sinkFor(id);
    const c = client(memberCookie);
    await c.connected();
    c.subscribe(id, 0);
    await writeLines(firstRun, 1, 100);
    await c.untilSeq(100);
    // Stored, never published: as if the worker died between the INSERT and the XADD.
    const prisma = t.app.get(PrismaService);
    await prisma.deploymentLog.createMany({
      data: Array.from({ length: 50 }, (_, i) => ({
        deploymentId: id,
        seq: 101 + i,
        stream: 'stdout' as const,
        text: `orphan ${101 + i}`,
      })),
    });
    const resumed = await sinkFor(id);
    expect(resumed.stats().lastSeq).toBe(150);
    await writeLines(resumed, 151, 300);
    await c.untilSeq(300);
    expect(expectDense(c.lines, 1, 300)).toBeNull();
    expect(c.lines[100]!.text).toBe('orphan 101');
  });

  it('has the shared tail deliver one contiguous run across a hole, reading Postgres once', async () => {
    const id = await createDeployment(t, f);
    const first = await sinkFor(id);
    await writeLines(first, 1, 10);
    await first.drained();
    const runs: number[][] = [];
    const tail = new DeploymentTail(
      id,
      logStreamKey(t.config.WHARF_REDIS_PREFIX, id),
      () => redis.duplicate(),
      t.app.get(LogStoreService),
      (lines) => runs.push(lines.map((l) => l.seq)),
    );
    try {
      await tail.ready;
      expect(tail.lastSeq).toBe(10);
      await t.app.get(PrismaService).deploymentLog.createMany({
        data: Array.from({ length: 20 }, (_, i) => ({
          deploymentId: id,
          seq: 11 + i,
          stream: 'stdout' as const,
          text: `orphan ${11 + i}`,
        })),
      });
      const resumed = await sinkFor(id);
      await writeLines(resumed, 31, 40);
      await new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (tail.lastSeq >= 40) resolve(clearInterval(check));
        }, 10);
      });
      expect(runs.flat()).toEqual(Array.from({ length: 30 }, (_, i) => 11 + i));
      expect(runs[0]).toEqual(Array.from({ length: 20 }, (_, i) => 11 + i));
    } finally {
      tail.stop();
    }
  });

  it('delivers lines stored without a publish when the deployment status changes', async () => {
    const id = await createDeployment(t, f);
    const c = client(memberCookie);
    await c.connected();
    c.subscribe(id, 0);
    await c.until(() => c.statuses.length === 1);
    const prisma = t.app.get(PrismaService);
    await prisma.deploymentLog.createMany({
      data: [{ deploymentId: id, seq: 1, stream: 'system', text: 'stored only' }],
    });
    await prisma.deployment.update({ where: { id }, data: { state: 'failed', error: 'worker died' } });
    await t.app.get(DeploymentEvents).statusChanged(id);
    await c.until(() => c.statuses.length === 2 && c.lines.length === 1);
    expect(c.statuses[1]).toMatchObject({ id, state: 'failed', error: 'worker died' });
    expect(c.lines).toEqual([expect.objectContaining({ seq: 1, text: 'stored only' })]);
  });

  it('coalesces a burst of status changes into a few reloads, always ending on the last state', async () => {
    const id = await createDeployment(t, f);
    const c = client(memberCookie);
    await c.connected();
    c.subscribe(id, 0);
    await c.until(() => c.statuses.length === 1);
    const prisma = t.app.get(PrismaService);
    const events = t.app.get(DeploymentEvents);
    // 100 changes as fast as a busy rollout could report them; the last one is what counts.
    await Promise.all(Array.from({ length: 99 }, () => events.statusChanged(id)));
    await prisma.deployment.update({ where: { id }, data: { state: 'failed', error: 'last change' } });
    await events.statusChanged(id);
    await c.until(() => c.statuses.at(-1)?.state === 'failed');
    expect(c.statuses.at(-1)).toMatchObject({ id, state: 'failed', error: 'last change' });
    // One reload at a time: far fewer than 100 pushes.
    expect(c.statuses.length).toBeLessThan(20);
  });

  it('refuses a user without membership with deployment:error and no data', async () => {
    const id = await createDeployment(t, f);
    const sink = await sinkFor(id);
    await writeLines(sink, 1, 10);
    await sink.drained();
    const c = client(outsiderCookie);
    await c.connected();
    c.subscribe(id, 0);
    // The same answer as for a deployment that does not exist.
    c.subscribe('00000000-0000-4000-8000-000000000000', 0);
    c.socket.emit('deployment:subscribe', { deploymentId: 'not-a-uuid' });
    await c.until(() => c.errors.length === 3);
    expect(c.errors).toContainEqual({ deploymentId: id, message: 'deployment not found' });
    expect(c.errors).toContainEqual({
      deploymentId: '00000000-0000-4000-8000-000000000000',
      message: 'deployment not found',
    });
    expect(c.errors).toContainEqual({ message: expect.stringMatching(/invalid subscribe/) });
    // More lines, then an acknowledged subscribe: still nothing may arrive.
    await writeLines(sink, 11, 20);
    await sink.drained();
    const ack = (await c.socket.emitWithAck('deployment:subscribe', { deploymentId: id, afterSeq: 0 })) as {
      ok: boolean;
    };
    expect(ack).toEqual({ ok: false, message: 'deployment not found' });
    expect(c.lines).toEqual([]);
    expect(c.statuses).toEqual([]);
  });

  it('lets an admin read any project', async () => {
    const id = await createDeployment(t, f);
    const sink = await sinkFor(id);
    await writeLines(sink, 1, 5);
    const admin = await signedInUser(t, { admin: true });
    const c = client(admin.cookie);
    await c.connected();
    const ack = (await c.socket.emitWithAck('deployment:subscribe', { deploymentId: id, afterSeq: 2 })) as {
      ok: boolean;
    };
    expect(ack).toEqual({ ok: true });
    await c.untilSeq(5);
    expect(expectDense(c.lines, 3, 5)).toBeNull();
  });

  it('rejects a socket without a valid session at connect', async () => {
    await expect(client(null).connected()).rejects.toThrow(/sign in required/);
    await expect(client('wharf_session=forged-token').connected()).rejects.toThrow(/sign in required/);
  });

  it('disconnects a socket once its session is signed out (test/live-revocation.int.test.ts has the rest)', async () => {
    const user = await signedInUser(t);
    await addMember(t, user.userId, f.projectId);
    const c = client(user.cookie);
    await c.connected();
    const disconnected = new Promise<string>((resolve) => c.socket.once('disconnect', resolve));
    expect((await fetchAs(t, user.cookie, '/api/v1/auth/logout', { method: 'POST' })).status).toBe(204);
    expect(await disconnected).toBe('io server disconnect');
    // And it cannot come back with the same cookie.
    await expect(client(user.cookie).connected()).rejects.toThrow(/sign in required/);
  });

  it('stops the shared tail when the last local viewer leaves', async () => {
    const id = await createDeployment(t, f);
    const gateway = t.app.get(LiveGateway);
    const before = gateway.stats().rooms;
    const c = client(memberCookie);
    await c.connected();
    await c.socket.emitWithAck('deployment:subscribe', { deploymentId: id, afterSeq: 0 });
    expect(gateway.stats().rooms).toBe(before + 1);
    await c.socket.emitWithAck('deployment:unsubscribe', { deploymentId: id });
    expect(gateway.stats().rooms).toBe(before);
  });
});
