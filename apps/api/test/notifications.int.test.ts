// Release notifications through the whole platform: a real release (API → Postgres → BullMQ →
// worker → the Kubernetes API simulator) writes its audit events, the outbox turns them into
// deliveries in the same transaction, the worker's relay and the notifications queue send them
// to local receivers that check each service's signature the way its docs describe
// (@wharf/test-hosts notification-receivers). One API, one worker, one simulator for the file.
import {
  startK8sSim,
  startNotificationReceiver,
  type K8sSim,
  type NotificationReceiver,
  type ReceiverKind,
} from '@wharf/test-hosts';
import type { DeploymentView, NotificationDeliveryView, NotificationSubscriptionView } from '@wharf/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../src/prisma/prisma.service.js';
import { startWorker, type RunningWorker } from '../src/worker-app.js';
import { eventually, memberClient } from './fixtures.js';
import { TestClient, type Res } from './http-client.js';
import { TEST_ADMIN, startTestApp, type TestApp } from './test-env.js';

const SIM_TOKEN = 'notify-sim-token-0123456789';
const SLUG = 'notify';
const P = `/api/v1/projects/${SLUG}`;
const SECRET = 'SEC-notification-secret-value-42';
/** Every receiver URL carries this token (in its path or query): it must never come back. */
const URL_TOKEN = 'receiver-token-0123456789abcdef';
const RETRY_BASE_MS = 200;

let t: TestApp;
let worker: RunningWorker;
let sim: K8sSim;
let admin: TestClient;
let prisma: PrismaService;
let prodId: string;
let stagingId: string;
const receivers: NotificationReceiver[] = [];
/** Every API answer of this file, to check that no URL token or secret ever comes back. */
const answers: string[] = [];

function ok<T = any>(res: Res<T>): T {
  answers.push(JSON.stringify(res.body ?? null));
  if (res.status !== 201 && res.status !== 200) throw new Error(`got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

function seen<T>(res: Res<T>): Res<T> {
  answers.push(JSON.stringify(res.body ?? null));
  return res;
}

async function receiver(kind: ReceiverKind, secret?: string): Promise<NotificationReceiver> {
  const r = await startNotificationReceiver({ kind, secret });
  receivers.push(r);
  return r;
}

async function subscribe(
  body: Record<string, unknown>,
  client: TestClient = admin,
): Promise<NotificationSubscriptionView> {
  return ok(await client.post(`${P}/notifications`, { allowPrivateNetwork: true, ...body }));
}

async function release(environmentId: string, version: string): Promise<DeploymentView> {
  return ok(await admin.post(`${P}/deployments`, { environmentId, version }));
}

async function finished(id: string): Promise<DeploymentView> {
  let d: DeploymentView | null = null;
  await eventually(async () => {
    d = ok(await admin.get(`${P}/deployments/${id}`));
    return ['succeeded', 'failed', 'cancelled'].includes(d!.state);
  }, 60_000);
  return d!;
}

async function deliveriesOf(subscriptionId: string): Promise<NotificationDeliveryView[]> {
  return ok(await admin.get(`${P}/notifications/${subscriptionId}/deliveries`));
}

/** Waits until no delivery of the subscription is pending and `n` exist. */
async function settled(subscriptionId: string, n: number, ms = 30_000): Promise<NotificationDeliveryView[]> {
  let list: NotificationDeliveryView[] = [];
  const done = await eventually(async () => {
    list = await deliveriesOf(subscriptionId);
    return list.length >= n && list.every((d) => d.state !== 'pending');
  }, ms);
  if (!done) throw new Error(`deliveries did not settle: ${JSON.stringify(list)}`);
  return list;
}

beforeAll(async () => {
  sim = await startK8sSim({
    namespaces: ['shop'],
    tokens: [{ token: SIM_TOKEN, user: 'wharf', namespaces: ['shop'] }],
    timing: { tickMs: 20, podStartMs: 40, podReadyMs: 40, podTerminateMs: 20, crashLoopMs: 80 },
  });
  t = await startTestApp({
    WHARF_NOTIFICATION_RETRY_BASE_MS: String(RETRY_BASE_MS),
    WHARF_NOTIFICATION_POLL_MS: '100',
    WHARF_NOTIFICATION_TIMEOUT_MS: '1000',
  });
  worker = await startWorker(t.config);
  prisma = t.app.get(PrismaService);
  admin = new TestClient(t.url);
  await admin.login(TEST_ADMIN.email, TEST_ADMIN.password);
  ok(await admin.post('/api/v1/projects', { slug: SLUG, name: 'Notify Shop' }));
  const cred = ok(
    await admin.post(`${P}/credentials`, {
      name: 'cluster',
      kind: 'kubeconfig',
      value: sim.kubeconfig({ token: SIM_TOKEN }),
    }),
  );
  for (const version of ['v1', 'v2']) {
    ok(await admin.post(`${P}/artifacts/image`, { version, image: `registry.test/shop/web:${version}` }));
  }
  sim.createDeployment({ namespace: 'shop', name: 'web', image: 'registry.test/shop/web:v0', replicas: 1 });
  await sim.waitForRollout('deployments', 'shop', 'web');
  const env = async (name: string, workload: string) => {
    const e = ok(await admin.post(`${P}/environments`, { name }));
    ok(await admin.patch(`${P}/environments/${e.id}/settings`, { kubernetes: { rolloutTimeoutSeconds: 30 } }));
    ok(
      await admin.post(`${P}/environments/${e.id}/targets`, {
        kind: 'kubernetes',
        name: workload,
        credentialId: cred.id,
        config: { apiUrl: sim.url, namespace: 'shop', deployment: workload, container: 'app' },
      }),
    );
    return e.id as string;
  };
  prodId = await env('prod', 'web');
  // Its workload does not exist: a release there fails fast, through the real worker.
  stagingId = await env('staging', 'missing');
}, 180_000);

afterAll(async () => {
  await worker?.stop();
  await t?.close();
  await sim?.stop();
  await Promise.all(receivers.map((r) => r.stop()));
});

describe('release notifications', { timeout: 90_000 }, () => {
  let subs: Record<ReceiverKind, NotificationSubscriptionView>;
  let recv: Record<ReceiverKind, NotificationReceiver>;
  let stagingFailed: NotificationSubscriptionView;
  let stagingReceiver: NotificationReceiver;
  let first: DeploymentView;

  it('each channel gets the release events of a real release, signed the way the service checks', async () => {
    recv = {
      dingtalk: await receiver('dingtalk', SECRET),
      wecom: await receiver('wecom'),
      feishu: await receiver('feishu', SECRET),
      slack: await receiver('slack'),
      webhook: await receiver('webhook', SECRET),
    };
    const signs = new Set<ReceiverKind>(['dingtalk', 'feishu', 'webhook']);
    subs = {} as typeof subs;
    for (const kind of Object.keys(recv) as ReceiverKind[]) {
      subs[kind] = await subscribe({
        name: `${kind} prod`,
        channel: kind,
        url: recv[kind].url,
        ...(signs.has(kind) ? { secret: SECRET } : {}),
        environmentId: prodId,
        events: ['requested', 'started', 'succeeded', 'rolled_back'],
      });
      expect(subs[kind]).toMatchObject({ channel: kind, environmentName: 'prod', hasSecret: signs.has(kind) });
      expect(subs[kind].urlHint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    }
    // Filters: only failures, only staging.
    stagingReceiver = await receiver('webhook', SECRET);
    stagingFailed = await subscribe({
      name: 'staging failures',
      channel: 'webhook',
      url: stagingReceiver.url,
      secret: SECRET,
      environmentId: stagingId,
      events: ['failed'],
    });

    first = await release(prodId, 'v1');
    expect((await finished(first.id)).state).toBe('succeeded');
    for (const kind of Object.keys(recv) as ReceiverKind[]) {
      await recv[kind].waitFor(3);
      expect(recv[kind].refused).toEqual([]);
      const list = await settled(subs[kind].id, 3);
      expect(list.map((d) => [d.event, d.state, d.attempts, d.deploymentId]).sort()).toEqual([
        ['requested', 'sent', 1, first.id],
        ['started', 'sent', 1, first.id],
        ['succeeded', 'sent', 1, first.id],
      ]);
    }
    const dingtalk = recv.dingtalk.received.map((m) => m.body as { msgtype: string; markdown: { text: string } });
    expect(dingtalk.every((b) => b.msgtype === 'markdown')).toBe(true);
    expect(dingtalk.some((b) => b.markdown.text.includes('v1 released to prod'))).toBe(true);
    expect(recv.dingtalk.received.every((m) => m.query.get('sign') && m.query.get('timestamp'))).toBe(true);
    expect(recv.feishu.received.every((m) => typeof m.body.sign === 'string' && m.body.msg_type === 'text')).toBe(true);
    expect(recv.wecom.received.every((m) => (m.body.markdown as { content: string }).content.includes('prod'))).toBe(
      true,
    );
    expect(recv.slack.received.every((m) => typeof m.body.text === 'string' && Array.isArray(m.body.blocks))).toBe(
      true,
    );
    const hooks = recv.webhook.received.map((m) => ({ headers: m.headers, body: m.body }));
    const done = hooks.find((h) => h.body.event === 'succeeded')!;
    expect(done.headers['x-wharf-event']).toBe('succeeded');
    expect(done.body).toMatchObject({
      event: 'succeeded',
      project: { slug: SLUG, name: 'Notify Shop' },
      environment: 'prod',
      version: 'v1',
      state: 'succeeded',
      requestedBy: TEST_ADMIN.email,
      url: `${t.url}/projects/${SLUG}/deployments/${first.id}`,
    });
    const sentIds = (await deliveriesOf(subs.webhook.id)).map((d) => d.id).sort();
    expect(hooks.map((h) => h.headers['x-wharf-delivery']).sort()).toEqual(sentIds);
    const [listed] = (ok(await admin.get(`${P}/notifications`)) as NotificationSubscriptionView[]).filter(
      (s) => s.id === subs.webhook.id,
    );
    expect(listed!.lastSentAt).not.toBeNull();
    // The staging subscription heard nothing of a prod release.
    expect(await deliveriesOf(stagingFailed.id)).toEqual([]);
  });

  it('respects the environment and event filters: a staging failure reaches only the staging subscription', async () => {
    const d = await release(stagingId, 'v1');
    expect((await finished(d.id)).state).toBe('failed');
    const [delivery] = await settled(stagingFailed.id, 1);
    expect(delivery).toMatchObject({ event: 'failed', state: 'sent', deploymentId: d.id });
    await stagingReceiver.waitFor(1);
    expect(stagingReceiver.received[0]!.body).toMatchObject({ event: 'failed', environment: 'staging' });
    // Requested and started were written for this deployment too, but no subscription wanted them.
    const rows = await prisma.notificationDelivery.findMany({ where: { deploymentId: d.id } });
    expect(rows.map((r) => [r.subscriptionId, r.event])).toEqual([[stagingFailed.id, 'failed']]);
  });

  it('retries with backoff (fails twice, then sent on the 3rd attempt); a receiver that never recovers ends failed on the subscription, and the release is unaffected', async () => {
    const flaky = await receiver('webhook', SECRET);
    const dead = await receiver('webhook', SECRET);
    flaky.failNext(2);
    dead.failNext(1000);
    const flakySub = await subscribe({
      name: 'flaky',
      channel: 'webhook',
      url: flaky.url,
      secret: SECRET,
      environmentId: prodId,
      events: ['requested'],
    });
    const deadSub = await subscribe({ name: 'dead', channel: 'webhook', url: dead.url, events: ['requested'] });

    const d = await release(prodId, 'v2');
    expect((await finished(d.id)).state).toBe('succeeded');

    const [sent] = await settled(flakySub.id, 1);
    expect(sent).toMatchObject({ event: 'requested', state: 'sent', attempts: 3 });
    expect(flaky.refused.map((r) => r.reason)).toEqual(['scripted 500', 'scripted 500']);
    // Exponential backoff: about base, then 2 × base between attempts.
    const times = [...flaky.refused.map((r) => r.at), flaky.received[0]!.at];
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(RETRY_BASE_MS * 0.9);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(RETRY_BASE_MS * 2 * 0.9);

    const [failed] = await settled(deadSub.id, 1, 60_000);
    expect(failed).toMatchObject({ event: 'requested', state: 'failed', attempts: 6 });
    expect(failed!.lastError).toContain('500');
    expect(dead.requests).toBe(6);
    const listed = (ok(await admin.get(`${P}/notifications`)) as NotificationSubscriptionView[]).find(
      (s) => s.id === deadSub.id,
    )!;
    expect(listed.lastError).toContain('the receiver answered 500');
    expect(listed.lastErrorAt).not.toBeNull();
    expect(listed.lastSentAt).toBeNull();
  });

  it('a rollback that succeeds is sent as rolled_back', async () => {
    const d = ok(await admin.post(`${P}/environments/${prodId}/rollback`, {})) as DeploymentView;
    expect((await finished(d.id)).state).toBe('succeeded');
    const list = await settled(subs.webhook.id, 6);
    expect(
      list
        .filter((x) => x.deploymentId === d.id)
        .map((x) => x.event)
        .sort(),
    ).toEqual(['requested', 'rolled_back', 'started']);
    const back = recv.webhook.received.find((m) => m.body.event === 'rolled_back');
    expect(back?.body).toMatchObject({ environment: 'prod', version: 'v1', fromVersion: 'v2' });
  });

  it('Send test reports what the receiver said, including a slow one that times out', async () => {
    const before = recv.feishu.received.length;
    const good = ok(await admin.post(`${P}/notifications/${subs.feishu.id}/test`));
    expect(good).toMatchObject({ ok: true, status: 200, error: null });
    expect(recv.feishu.received.length).toBe(before + 1);

    recv.slack.failNext(1, 503);
    const bad = ok(await admin.post(`${P}/notifications/${subs.slack.id}/test`));
    expect(bad).toMatchObject({ ok: false, status: null });
    expect(bad.error).toContain('503');

    recv.wecom.setDelay(3000);
    const slow = ok(await admin.post(`${P}/notifications/${subs.wecom.id}/test`));
    recv.wecom.setDelay(0);
    expect(slow.ok).toBe(false);
    expect(slow.error).toMatch(/did not answer within 1000 ms/);
    expect(slow.durationMs).toBeLessThan(2500);
  });

  it('refuses private addresses for a maintainer, allows them for an admin; viewers read only', async () => {
    const { client: maintainer } = await memberClient(
      t,
      (await prisma.project.findFirstOrThrow({ where: { slug: SLUG } })).id,
      'maintainer',
    );
    const { client: viewer } = await memberClient(
      t,
      (await prisma.project.findFirstOrThrow({ where: { slug: SLUG } })).id,
      'viewer',
    );
    const target = recv.webhook.url;

    const privateUrl = seen(
      await maintainer.post(`${P}/notifications`, { name: 'x', channel: 'webhook', url: target, events: ['failed'] }),
    );
    expect(privateUrl.status).toBe(400);
    expect(privateUrl.body.issues).toEqual([{ path: 'url', message: expect.stringContaining('loopback') }]);
    for (const url of [
      'http://10.1.2.3/x',
      'http://169.254.169.254/latest',
      'http://[::ffff:127.0.0.1]/',
      'http://[fd00::1]/',
    ]) {
      const res = seen(
        await maintainer.post(`${P}/notifications`, { name: 'x', channel: 'webhook', url, events: ['failed'] }),
      );
      expect([url, res.status]).toEqual([url, 400]);
    }
    const withCreds = seen(
      await maintainer.post(`${P}/notifications`, {
        name: 'x',
        channel: 'webhook',
        url: 'https://user:pw@hooks.example.com/x',
        events: ['failed'],
      }),
    );
    expect(withCreds.status).toBe(400);
    const ftp = seen(
      await maintainer.post(`${P}/notifications`, {
        name: 'x',
        channel: 'webhook',
        url: 'ftp://a.example.com/',
        events: ['failed'],
      }),
    );
    expect(ftp.status).toBe(400);

    const allow = seen(
      await maintainer.post(`${P}/notifications`, {
        name: 'x',
        channel: 'webhook',
        url: target,
        events: ['failed'],
        allowPrivateNetwork: true,
      }),
    );
    expect(allow.status).toBe(403);
    // An admin's private-network subscription cannot be changed by a maintainer, not even its name.
    const edit = seen(await maintainer.patch(`${P}/notifications/${subs.webhook.id}`, { name: 'renamed' }));
    expect(edit.status).toBe(403);
    const adminEdit = ok(await admin.patch(`${P}/notifications/${subs.webhook.id}`, { name: 'renamed' }));
    expect(adminEdit.name).toBe('renamed');

    expect(ok(await viewer.get(`${P}/notifications`)).length).toBeGreaterThan(0);
    expect(ok(await viewer.get(`${P}/notifications/${subs.webhook.id}/deliveries`)).length).toBeGreaterThan(0);
    const viewerCreate = seen(
      await viewer.post(`${P}/notifications`, {
        name: 'x',
        channel: 'slack',
        url: 'https://hooks.slack.com/x',
        events: ['failed'],
      }),
    );
    expect(viewerCreate.status).toBe(403);
    expect(seen(await viewer.post(`${P}/notifications/${subs.webhook.id}/test`)).status).toBe(403);

    // The send-time check refuses too: a subscription whose private permission was withdrawn.
    await prisma.notificationSubscription.update({
      where: { id: subs.slack.id },
      data: { allowPrivateNetwork: false },
    });
    const refused = ok(await admin.post(`${P}/notifications/${subs.slack.id}/test`));
    expect(refused).toMatchObject({ ok: false });
    expect(refused.error).toContain('only an administrator can allow private networks');
  });

  it('a changed secret, a deleted subscription, and an audit trail without URLs or secrets', async () => {
    const changed = ok(await admin.patch(`${P}/notifications/${subs.dingtalk.id}`, { secret: 'SEC-another' }));
    expect(changed.hasSecret).toBe(true);
    // The receiver still expects the old secret: DingTalk's refusal (errcode in a 200) is a failure.
    const wrong = ok(await admin.post(`${P}/notifications/${subs.dingtalk.id}/test`));
    expect(wrong).toMatchObject({ ok: false });
    expect(wrong.error).toContain('310000');
    expect(seen(await admin.delete(`${P}/notifications/${subs.dingtalk.id}`)).status).toBe(204);
    expect(seen(await admin.get(`${P}/notifications/${subs.dingtalk.id}/deliveries`)).status).toBe(404);

    const audit = ok(await admin.get(`${P}/audit?action=notification.`));
    const actions = (audit.items as { action: string }[]).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['notification.created', 'notification.updated', 'notification.deleted']),
    );
    const everything = answers.join('\n');
    expect(everything).not.toContain(URL_TOKEN);
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain('SEC-another');
  });
});
