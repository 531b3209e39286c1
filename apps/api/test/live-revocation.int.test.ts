// Live-log subscriptions end when the access behind them ends: sign-out, a removed membership,
// an expired session, a demoted administrator. Three api instances share one database and
// Redis prefix: A and B re-check only on revocation messages (their periodic re-check is an
// hour away), so what they do proves the message path, also across instances; C re-checks
// every second and gets no message for rows changed directly in the database, so what it
// does proves the periodic safety net.
import { Redis } from 'ioredis';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonLogger } from '../src/common/json-logger.js';
import { createHttpApp } from '../src/http-app.js';
import { LiveGateway } from '../src/live/live.gateway.js';
import type { LogSink } from '../src/live/log-sink.js';
import { PrismaService } from '../src/prisma/prisma.service.js';
import { TestClient } from './http-client.js';
import {
  addMember,
  createDeployment,
  createFixture,
  fetchAs,
  LiveClient,
  signedInUser,
  testLogSink,
  type Fixture,
} from './live-helpers.js';
import { startTestApp, TEST_ADMIN, type TestApp } from './test-env.js';

let t: TestApp;
const extra: NestExpressApplication[] = [];
let urlB: string;
let urlC: string;
let f: Fixture;
let redis: Redis;
const clients: LiveClient[] = [];
const sinks: LogSink[] = [];

async function instance(recheckSeconds: number): Promise<string> {
  const app = await createHttpApp({ ...t.config, WHARF_LIVE_RECHECK_SECONDS: recheckSeconds }, new JsonLogger('error'));
  await app.listen(0, '127.0.0.1');
  extra.push(app);
  return `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
}

beforeAll(async () => {
  t = await startTestApp({ WHARF_LIVE_RECHECK_SECONDS: '3600' });
  urlB = await instance(3600);
  urlC = await instance(1);
  f = await createFixture(t);
  redis = new Redis(t.config.REDIS_URL);
});

afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all(sinks.map((s) => s.close()));
  redis?.disconnect();
  for (const app of extra) await app.close();
  await t?.close();
});

function client(cookie: string, url: string): LiveClient {
  const c = new LiveClient(url, cookie);
  clients.push(c);
  return c;
}

async function sinkFor(deploymentId: string): Promise<LogSink> {
  const sink = testLogSink(t, redis, deploymentId);
  sinks.push(sink);
  return sink.open();
}

/** A deployment with a writer, and `cookie`'s socket on `url` receiving its line 1. */
async function streaming(cookie: string, url: string): Promise<{ c: LiveClient; sink: LogSink; id: string }> {
  const id = await createDeployment(t, f);
  const sink = await sinkFor(id);
  const c = client(cookie, url);
  await c.connected();
  expect(await c.socket.emitWithAck('deployment:subscribe', { deploymentId: id, afterSeq: 0 })).toEqual({ ok: true });
  sink.write({ targetId: null, stream: 'stdout', text: 'line 1' });
  await c.untilSeq(1);
  return { c, sink, id };
}

/** Another member's socket on the same deployment, from after `afterSeq`: it must keep receiving. */
async function witnessOf(id: string, url: string, afterSeq: number): Promise<LiveClient> {
  const c = client((await member()).cookie, url);
  await c.connected();
  expect(await c.socket.emitWithAck('deployment:subscribe', { deploymentId: id, afterSeq })).toEqual({ ok: true });
  return c;
}

function disconnection(c: LiveClient): Promise<{ reason: string; at: number }> {
  return new Promise((resolve) => c.socket.once('disconnect', (reason) => resolve({ reason, at: Date.now() })));
}

/** Writes `count` more lines and waits until `witness` has them all: then nothing is in flight. */
async function moreLines(sink: LogSink, witness: LiveClient, from: number, count: number): Promise<void> {
  for (let i = from; i < from + count; i++) sink.write({ targetId: null, stream: 'stdout', text: `line ${i}` });
  await witness.untilSeq(from + count - 1);
}

async function member(): Promise<{ cookie: string; userId: string }> {
  const user = await signedInUser(t);
  await addMember(t, user.userId, f.projectId);
  return user;
}

describe('live-log revocation', () => {
  it('ends a stream within a second of sign-out, on the instance that signed out and on another one', async () => {
    const user = await member();
    const onA = await streaming(user.cookie, t.url);
    const onB = client(user.cookie, urlB);
    await onB.connected();
    expect(await onB.socket.emitWithAck('deployment:subscribe', { deploymentId: onA.id, afterSeq: 0 })).toEqual({
      ok: true,
    });
    await onB.untilSeq(1);
    const witness = await witnessOf(onA.id, urlB, 1);

    const goneA = disconnection(onA.c);
    const goneB = disconnection(onB);
    const start = Date.now();
    expect((await fetchAs(t, user.cookie, '/api/v1/auth/logout', { method: 'POST' })).status).toBe(204);
    const [a, b] = await Promise.all([goneA, goneB]);
    expect(a.reason).toBe('io server disconnect');
    expect(b.reason).toBe('io server disconnect');
    expect(a.at - start).toBeLessThan(1000);
    expect(b.at - start).toBeLessThan(1000);
    // Each socket was told why, for the deployment it was watching.
    expect(onA.c.errors).toEqual([{ deploymentId: onA.id, message: 'sign in required' }]);
    expect(onB.errors).toEqual([{ deploymentId: onA.id, message: 'sign in required' }]);

    // The writer goes on: the bystander sees the new lines, the signed-out sockets none.
    await moreLines(onA.sink, witness, 2, 20);
    expect(onA.c.lines.map((l) => l.seq)).toEqual([1]);
    expect(onB.lines.map((l) => l.seq)).toEqual([1]);
    expect(witness.socket.connected).toBe(true);
  });

  it('ends the subscription when the membership is removed, and only that one', async () => {
    const user = await member();
    const { c, sink, id } = await streaming(user.cookie, urlB);
    const admin = new TestClient(t.url);
    await admin.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const witness = await witnessOf(id, urlB, 1);

    const start = Date.now();
    expect((await admin.delete(`/api/v1/projects/${f.slug}/members/${user.userId}`)).status).toBe(204);
    await c.until(() => c.errors.length > 0);
    expect(Date.now() - start).toBeLessThan(1000);
    expect(c.errors).toEqual([{ deploymentId: id, message: 'access to this deployment was revoked' }]);

    await moreLines(sink, witness, 2, 20);
    expect(c.lines.map((l) => l.seq)).toEqual([1]);
    // The session itself is fine: the socket stays, it just cannot see that project any more.
    expect(c.socket.connected).toBe(true);
    expect(await c.socket.emitWithAck('deployment:subscribe', { deploymentId: id, afterSeq: 0 })).toEqual({
      ok: false,
      message: 'deployment not found',
    });
  });

  it('ends streams of sessions that expire or are deleted without a message (periodic re-check)', async () => {
    const expiring = await member();
    const deleted = await member();
    const one = await streaming(expiring.cookie, urlC);
    const two = await streaming(deleted.cookie, urlC);
    // Control: the same kind of change on an instance without the periodic re-check goes unnoticed.
    const control = await streaming(expiring.cookie, urlB);
    const goneOne = disconnection(one.c);
    const goneTwo = disconnection(two.c);
    const prisma = t.app.get(PrismaService);
    await prisma.session.updateMany({
      where: { userId: expiring.userId },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    await prisma.session.deleteMany({ where: { userId: deleted.userId } });
    const start = Date.now();
    await Promise.all([goneOne, goneTwo]);
    expect(Date.now() - start).toBeLessThan(3000);
    expect(one.c.errors).toEqual([{ deploymentId: one.id, message: 'sign in required' }]);
    expect(two.c.errors).toEqual([{ deploymentId: two.id, message: 'sign in required' }]);
    expect(control.c.socket.connected).toBe(true);
  });

  it('ends an administrator’s stream of a project they are not a member of once they are demoted', async () => {
    const prisma = t.app.get(PrismaService);
    const adminUser = await signedInUser(t);
    await prisma.user.update({ where: { id: adminUser.userId }, data: { isAdmin: true } });
    const { c, id } = await streaming(adminUser.cookie, urlC);
    expect(c.errors).toEqual([]);
    await prisma.user.update({ where: { id: adminUser.userId }, data: { isAdmin: false } });
    await c.until(() => c.errors.length > 0);
    expect(c.errors).toEqual([{ deploymentId: id, message: 'access to this deployment was revoked' }]);
    expect(c.socket.connected).toBe(true);
  });

  it('leaves no rooms or subscriptions behind on any instance', async () => {
    for (const c of clients) c.close();
    await new Promise((r) => setTimeout(r, 300));
    for (const app of [t.app, ...extra]) expect(app.get(LiveGateway).stats()).toEqual({ rooms: 0, subscriptions: 0 });
  });
});
