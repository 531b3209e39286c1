// What the live channel may cost the server and what it tells a client beyond the happy path:
// bounded connections per user and watched deployments per connection and per user (each
// watched deployment is a Redis connection and a tail on the instance), malformed events of
// every kind answered without harm, no status pushes for a subscription the gateway has ended
// (even when access ends while a subscribe is checked), and engine.io's own HTTP answers with
// the headers every other answer has.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DeploymentEvents } from '../src/deployments/deployment-events.js';
import { LiveGateway, MAX_LIVE_SUBSCRIPTIONS, MAX_LIVE_SUBSCRIPTIONS_PER_USER } from '../src/live/live.gateway.js';
import { LogStoreService } from '../src/live/log-store.service.js';
import { ENGINE_HEADERS } from '../src/live/live-io.adapter.js';
import { MAX_LIVE_CONNECTIONS_PER_USER } from '../src/live/socket-auth.js';
import { PrismaService } from '../src/prisma/prisma.service.js';
import { addMember, createDeployment, createFixture, LiveClient, signedInUser, type Fixture } from './live-helpers.js';
import { TestClient } from './http-client.js';
import { startTestApp, TEST_ADMIN, type TestApp } from './test-env.js';

let t: TestApp;
let f: Fixture;
let memberCookie: string;
const clients: LiveClient[] = [];

beforeAll(async () => {
  // No periodic re-check during the tests: only revocation messages end subscriptions.
  t = await startTestApp({ WHARF_LIVE_RECHECK_SECONDS: '3600' });
  f = await createFixture(t);
  const member = await signedInUser(t);
  await addMember(t, member.userId, f.projectId, 'viewer');
  memberCookie = member.cookie;
});

afterAll(async () => {
  for (const c of clients) c.close();
  await t?.close();
});

async function connected(cookie = memberCookie): Promise<LiveClient> {
  const c = new LiveClient(t.url, cookie);
  clients.push(c);
  await c.connected();
  return c;
}

type Ack = { ok: boolean; message?: string };
const subscribe = (c: LiveClient, deploymentId: string) =>
  c.socket.emitWithAck('deployment:subscribe', { deploymentId, afterSeq: 0 }) as Promise<Ack>;

describe('live gateway bounds', () => {
  it('lets one connection watch a bounded number of deployments, even when it asks for all at once', async () => {
    const gateway = t.app.get(LiveGateway);
    const ids = await Promise.all(Array.from({ length: MAX_LIVE_SUBSCRIPTIONS + 10 }, () => createDeployment(t, f)));
    const c = await connected();
    const before = gateway.stats();
    // All in flight together: the ones still being checked count too.
    const acks = await Promise.all(ids.map((id) => subscribe(c, id)));
    expect(acks.filter((a) => a.ok)).toHaveLength(MAX_LIVE_SUBSCRIPTIONS);
    expect(acks.filter((a) => !a.ok).map((a) => a.message)).toEqual(
      Array(10).fill(`too many live subscriptions on this connection (at most ${MAX_LIVE_SUBSCRIPTIONS})`),
    );
    expect(gateway.stats().rooms - before.rooms).toBe(MAX_LIVE_SUBSCRIPTIONS);
    expect(gateway.stats().subscriptions - before.subscriptions).toBe(MAX_LIVE_SUBSCRIPTIONS);

    // Subscribing again to one it watches is not a new one; after an unsubscribe there is room.
    const watched = ids[acks.findIndex((a) => a.ok)]!;
    const refused = ids[acks.findIndex((a) => !a.ok)]!;
    expect(await subscribe(c, watched)).toEqual({ ok: true });
    expect((await subscribe(c, refused)).ok).toBe(false);
    await c.socket.emitWithAck('deployment:unsubscribe', { deploymentId: watched });
    expect(await subscribe(c, refused)).toEqual({ ok: true });

    // The bound is per connection; closing it frees everything.
    const other = await connected();
    expect(await subscribe(other, watched)).toEqual({ ok: true });
    c.close();
    await vi.waitFor(() => expect(gateway.stats().subscriptions).toBe(before.subscriptions + 1));
  });

  it('bounds one user’s subscriptions over all their connections too', async () => {
    const gateway = t.app.get(LiveGateway);
    const user = await signedInUser(t);
    await addMember(t, user.userId, f.projectId, 'viewer');
    const sockets = Math.ceil(MAX_LIVE_SUBSCRIPTIONS_PER_USER / MAX_LIVE_SUBSCRIPTIONS) + 1;
    const ids = await Promise.all(
      Array.from({ length: sockets * MAX_LIVE_SUBSCRIPTIONS }, () => createDeployment(t, f)),
    );
    const conns = await Promise.all(Array.from({ length: sockets }, () => connected(user.cookie)));
    const before = gateway.stats();
    const acks = await Promise.all(
      conns.flatMap((c, i) =>
        ids.slice(i * MAX_LIVE_SUBSCRIPTIONS, (i + 1) * MAX_LIVE_SUBSCRIPTIONS).map((id) => subscribe(c, id)),
      ),
    );
    expect(acks.filter((a) => a.ok)).toHaveLength(MAX_LIVE_SUBSCRIPTIONS_PER_USER);
    expect(new Set(acks.filter((a) => !a.ok).map((a) => a.message))).toEqual(
      new Set([`too many live subscriptions for this user (at most ${MAX_LIVE_SUBSCRIPTIONS_PER_USER} at once)`]),
    );
    expect(gateway.stats().rooms - before.rooms).toBe(MAX_LIVE_SUBSCRIPTIONS_PER_USER);
    // Another user is not affected.
    const other = await connected();
    expect(await subscribe(other, ids.at(-1)!)).toEqual({ ok: true });
    for (const c of conns) c.close();
    await vi.waitFor(() => expect(gateway.stats().rooms).toBe(before.rooms + 1));
  });

  it('bounds one user’s live connections, also when they all connect at once, and frees them on close', async () => {
    const user = await signedInUser(t);
    const attempts = Array.from({ length: MAX_LIVE_CONNECTIONS_PER_USER + 10 }, () => {
      const c = new LiveClient(t.url, user.cookie);
      clients.push(c);
      return c;
    });
    const results = await Promise.allSettled(attempts.map((c) => c.connected()));
    const open = attempts.filter((_, i) => results[i]!.status === 'fulfilled');
    expect(open).toHaveLength(MAX_LIVE_CONNECTIONS_PER_USER);
    const refusals = results.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error).message)] : []));
    expect(new Set(refusals)).toEqual(
      new Set([`too many live connections for this user (at most ${MAX_LIVE_CONNECTIONS_PER_USER})`]),
    );
    // Another user is not affected; a closed connection makes room for a new one.
    await connected();
    for (const c of open.slice(0, 2)) c.close();
    await vi.waitFor(async () => {
      const again = new LiveClient(t.url, user.cookie);
      clients.push(again);
      await again.connected();
    });
    for (const c of open) c.close();
  });

  it('answers malformed events of every kind with a refusal, keeps the socket and still serves it', async () => {
    const c = await connected();
    const huge = 'a'.repeat(200_000);
    const bad: unknown[] = [
      null,
      42,
      'x',
      [],
      [{ deploymentId: f.projectId }],
      {},
      { deploymentId: 42 },
      { deploymentId: [crypto.randomUUID()] },
      { deploymentId: { $ne: null } },
      { deploymentId: huge },
      { deploymentId: crypto.randomUUID(), afterSeq: -1 },
      { deploymentId: crypto.randomUUID(), afterSeq: 1.5 },
      { deploymentId: crypto.randomUUID(), afterSeq: '0' },
      { deploymentId: crypto.randomUUID(), afterSeq: 1e300 },
      JSON.parse('{"__proto__": {"isAdmin": true}, "constructor": {"prototype": {"isAdmin": true}}}'),
    ];
    for (const body of bad) {
      const ack = (await c.socket.emitWithAck('deployment:subscribe', body)) as Ack;
      expect(ack.ok, JSON.stringify(body)?.slice(0, 100)).toBe(false);
      // A refusal never echoes the payload back.
      expect(ack.message!.length).toBeLessThan(200);
      expect(await c.socket.emitWithAck('deployment:unsubscribe', body)).toEqual({ ok: true });
    }
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    // Unknown events are ignored; the socket is still there and works.
    c.socket.emit('deployment:lines', { deploymentId: f.projectId, t: ['forged'] });
    c.socket.emit('no-such-event', huge);
    expect(c.socket.connected).toBe(true);
    const id = await createDeployment(t, f);
    expect(await subscribe(c, id)).toEqual({ ok: true });
    await c.until(() => c.statuses.length > 0);
    expect(c.statuses[0]).toMatchObject({ id });
  });

  it('sends nothing more about a deployment once its subscription has ended on a read error', async () => {
    const id = await createDeployment(t, f);
    const failing = await connected();
    const watcher = await connected();
    await t.app
      .get(PrismaService)
      .deploymentLog.create({ data: { deploymentId: id, seq: 1, stream: 'system', text: 'stored' } });
    // The watcher keeps the deployment's tail and status room alive. Once it has line 1 its own
    // catch-up is over (the line comes with its last page), so the failing reads below are not its.
    expect(await subscribe(watcher, id)).toEqual({ ok: true });
    await watcher.until(() => watcher.statuses.length === 1 && watcher.lines.length === 1);
    const store = t.app.get(LogStoreService);
    // Every read fails while the second socket subscribes (the shared tail retries its own).
    const page = vi.spyOn(store, 'page').mockRejectedValue(new Error('connection lost'));
    try {
      expect(await subscribe(failing, id)).toEqual({ ok: true });
      await failing.until(() => failing.errors.length === 1);
    } finally {
      page.mockRestore();
    }
    expect(failing.errors).toEqual([{ deploymentId: id, message: 'could not read the log; subscribe again' }]);
    // The state sent with the subscription, then nothing more.
    await failing.until(() => failing.statuses.length === 1);
    await t.app.get(DeploymentEvents).statusChanged(id);
    await watcher.until(() => watcher.statuses.length === 2);
    // Pushes go out together; give a stray one time to arrive.
    await new Promise((r) => setTimeout(r, 300));
    expect(failing.statuses).toHaveLength(1);
  });

  it('ends a subscription whose membership is removed while the subscribe is being checked', async () => {
    const user = await signedInUser(t);
    await addMember(t, user.userId, f.projectId, 'viewer');
    const id = await createDeployment(t, f);
    const c = await connected(user.cookie);
    const store = t.app.get(LogStoreService);
    const original = store.readableProject.bind(store);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let checked!: () => void;
    const wasChecked = new Promise<void>((r) => (checked = r));
    // The subscribe reads the membership, then waits while the membership is removed.
    const spy = vi.spyOn(store, 'readableProject').mockImplementationOnce(async (...args) => {
      const project = await original(...args);
      checked();
      await gate;
      return project;
    });
    try {
      const ack = subscribe(c, id);
      await wasChecked;
      const admin = new TestClient(t.url);
      await admin.login(TEST_ADMIN.email, TEST_ADMIN.password);
      expect((await admin.delete(`/api/v1/projects/${f.slug}/members/${user.userId}`)).status).toBe(204);
      // The revocation message reaches the gateway while no subscription is registered yet.
      await new Promise((r) => setTimeout(r, 300));
      release();
      expect(await ack).toEqual({ ok: false, message: 'access to this deployment was revoked' });
    } finally {
      spy.mockRestore();
      release();
    }
    expect(c.errors).toEqual([{ deploymentId: id, message: 'access to this deployment was revoked' }]);
    await t.app.get(DeploymentEvents).statusChanged(id);
    await new Promise((r) => setTimeout(r, 300));
    expect(c.statuses).toEqual([]);
    expect(c.lines).toEqual([]);
  });

  it('ends a subscription the socket holds when a new subscribe to the same deployment is refused', async () => {
    const user = await signedInUser(t);
    await addMember(t, user.userId, f.projectId, 'viewer');
    const id = await createDeployment(t, f);
    const c = await connected(user.cookie);
    expect(await subscribe(c, id)).toEqual({ ok: true });
    await c.until(() => c.statuses.length === 1);
    const gateway = t.app.get(LiveGateway);
    const before = gateway.stats().subscriptions;
    // Removed without a revocation message (and no periodic re-check in this app).
    await t.app.get(PrismaService).membership.deleteMany({ where: { userId: user.userId, projectId: f.projectId } });
    expect(await subscribe(c, id)).toEqual({ ok: false, message: 'deployment not found' });
    expect(gateway.stats().subscriptions).toBe(before - 1);
    await t.app
      .get(PrismaService)
      .deploymentLog.create({ data: { deploymentId: id, seq: 1, stream: 'system', text: 'after the refusal' } });
    await t.app.get(DeploymentEvents).statusChanged(id);
    await new Promise((r) => setTimeout(r, 300));
    expect(c.statuses).toHaveLength(1);
    expect(c.lines).toEqual([]);
  });

  it('gives engine.io’s own HTTP answers (polling data, refusals) the no-sniff, no-frame, no-embed headers', async () => {
    const { cookie } = await signedInUser(t);
    const poll = `${t.url}/socket.io/?EIO=4&transport=polling`;
    const open = await fetch(poll, { headers: { cookie } });
    const sid = (JSON.parse((await open.text()).slice(1)) as { sid: string }).sid;
    const answers: [string, Response][] = [
      ['handshake', open],
      ['data', await fetch(`${poll}&sid=${sid}`, { method: 'POST', headers: { cookie }, body: '40/live,' })],
      ['foreign origin', await fetch(poll, { headers: { cookie, origin: 'https://evil.example' } })],
      ['unknown session', await fetch(`${poll}&sid=${encodeURIComponent('<script>')}`, { headers: { cookie } })],
      ['bad transport', await fetch(`${t.url}/socket.io/?EIO=4&transport=nope`)],
    ];
    expect(answers.map(([what, r]) => `${what} ${r.status}`)).toEqual([
      'handshake 200',
      'data 200',
      'foreign origin 403',
      'unknown session 400',
      'bad transport 400',
    ]);
    for (const [what, res] of answers) {
      const got = Object.fromEntries(Object.keys(ENGINE_HEADERS).map((h) => [h, res.headers.get(h)]));
      expect(got, what).toEqual(ENGINE_HEADERS);
    }
    // Not on other paths: the dashboard and the API keep their own policy.
    expect((await fetch(`${t.url}/api/health`)).headers.get('content-security-policy')).not.toBe(
      ENGINE_HEADERS['content-security-policy'],
    );
  });
});
