// GitLab webhook endpoint over real HTTP against a real Wharf (API + worker, Postgres, Redis),
// with GitLab's documented payloads: who is let in, what is refused and how, what is recorded,
// that copies of one delivery give one deployment (on two API instances at once), and the
// settings, rules, deliveries and changelog APIs the dashboard and CLI use.
import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonLogger } from '../src/common/json-logger.js';
import { createHttpApp } from '../src/http-app.js';
import { PrismaService } from '../src/prisma/prisma.service.js';
import type { RunningWorker } from '../src/worker-app.js';
import { AutoDeploySweeper } from '../src/worker/auto-deploy-sweeper.service.js';
import { memberClient, startUpload } from './fixtures.js';
import {
  branchDeletePayload,
  gitlabHeaders,
  pipelinePayload,
  pushPayload,
  pushWithCommits,
  randomSha,
  sendHook,
  tagPushPayload,
} from './fixtures/gitlab/gitlab-fixtures.js';
import { pushEvent } from './fixtures/gitlab/push-event.js';
import { ok, setupHookProject, startTestWorker, type HookProject } from './webhook-fixture.js';
import { startTestApp, type TestApp } from './test-env.js';

const MAX_BODY_KB = 64;

let t: TestApp;
let worker: RunningWorker;
let second: NestExpressApplication;
let secondUrl: string;
let p: HookProject;

beforeAll(async () => {
  t = await startTestApp({ WHARF_WEBHOOK_MAX_BODY_KB: String(MAX_BODY_KB) });
  worker = await startTestWorker(t);
  // A second API instance on the same database and Redis, as behind a load balancer.
  second = await createHttpApp(t.config, new JsonLogger('error'));
  await second.listen(0, '127.0.0.1');
  secondUrl = `http://127.0.0.1:${(second.getHttpServer().address() as { port: number }).port}`;
  p = await setupHookProject(t, 'hooks', [
    { name: 'dev', rules: [{ pattern: 'release-dev' }], placeholderTarget: true },
    { name: 'prod', rules: [{ pattern: 'main' }], protectedAfterRules: true, placeholderTarget: true },
    { name: 'qa', rules: [{ pattern: 'main' }, { refType: 'tag', pattern: 'v*' }], placeholderTarget: true },
  ]);
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await second?.close();
  await t?.close();
});

const prisma = () => t.app.get(PrismaService);
const deliveryCount = () => prisma().webhookDelivery.count();
const deploymentCount = () => prisma().deployment.count();

describe('GitLab webhook: authentication', () => {
  it('gives one identical 401 for a wrong token, a missing token, an unknown project and a project without a webhook', async () => {
    await setupHookProject(t, 'no-hook-yet', [], p.admin).then((q) =>
      q.admin.delete(`/api/v1/projects/no-hook-yet/webhook`),
    );
    const before = await deliveryCount();
    const body = pushPayload({ branch: 'release-dev', sha: randomSha() });
    const answers = await Promise.all([
      p.send(body, { event: 'Push Hook', token: 'whk_wrong' }),
      p.send(body, { event: 'Push Hook', token: null }),
      p.send(body, { event: 'Push Hook', token: `${p.webhookToken}x` }),
      sendHook(t.url, 'no-such-project', body, gitlabHeaders({ event: 'Push Hook', token: p.webhookToken })),
      sendHook(t.url, 'no-hook-yet', body, gitlabHeaders({ event: 'Push Hook', token: p.webhookToken })),
      sendHook(t.url, 'Not_A_Slug', body, gitlabHeaders({ event: 'Push Hook', token: p.webhookToken })),
    ]);
    for (const a of answers) {
      expect(a.status).toBe(401);
      expect(a.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'invalid webhook token' });
    }
    expect(await deliveryCount()).toBe(before);
  });

  it('takes about as long to refuse an unknown project as a wrong token (no existence leak by timing)', async () => {
    const body = pushPayload({ branch: 'x', sha: randomSha() });
    const headers = gitlabHeaders({ event: 'Push Hook', token: 'whk_wrong' });
    const times: Record<string, number[]> = { known: [], unknown: [] };
    // Interleaved, so both see the same load on a shared machine; the first rounds warm up.
    for (let i = 0; i < 50; i++) {
      for (const [kind, slug] of [
        ['known', p.slug],
        ['unknown', 'hooks-unknown'],
      ] as const) {
        const { ms, status } = await sendHook(t.url, slug, body, headers);
        expect(status).toBe(401);
        if (i >= 10) times[kind]!.push(ms);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const [known, unknown] = [median(times.known!), median(times.unknown!)];
    // Both do the same work (one query, one hash, one comparison): a real difference would be
    // systematic, well above scheduling noise.
    expect(Math.abs(known - unknown)).toBeLessThan(Math.max(10, 0.3 * Math.min(known, unknown)));
  });

  it('checks the token before reading the body: a wrong token is answered while the body is still coming', async () => {
    const up = startUpload(`${t.url}/api/v1/hooks/gitlab/${p.slug}`, {
      headers: {
        ...gitlabHeaders({ event: 'Push Hook', token: 'whk_wrong' }),
        'content-length': String(10 * 1024 * 1024),
      },
    });
    await up.write(Buffer.from('{"object_kind":"push",'));
    const res = await up.response;
    expect(res.status).toBe(401);
    expect(res.bodyEnded).toBe(false);
    up.close();
  });
});

describe('GitLab webhook: refused bodies', () => {
  it('answers 413 for a body over the cap, records only a delivery line, stores none of the body', async () => {
    const before = await deploymentCount();
    const big = pushPayload({ branch: 'release-dev', sha: randomSha() });
    (big as Record<string, unknown>).padding = 'x'.repeat(MAX_BODY_KB * 1024);
    const key = randomUUID();
    const res = await p.send(big, { event: 'Push Hook', idempotencyKey: key });
    expect(res.status).toBe(413);
    expect(res.body.message).toContain(`larger than ${MAX_BODY_KB} KB`);
    const row = await prisma().webhookDelivery.findFirstOrThrow({ where: { idempotencyKey: key } });
    expect(row).toMatchObject({ outcome: 'rejected', ref: null, sha: null, details: {} });
    expect(row.reason).toContain('larger than');
    expect(await deploymentCount()).toBe(before);
  });

  it('refuses at once when Content-Length already says the body is too large', async () => {
    const up = startUpload(`${t.url}/api/v1/hooks/gitlab/${p.slug}`, {
      headers: {
        ...gitlabHeaders({ event: 'Push Hook', token: p.webhookToken }),
        'content-length': String(MAX_BODY_KB * 1024 + 1),
      },
    });
    await up.write(Buffer.from('{'));
    const res = await up.response;
    expect(res.status).toBe(413);
    expect(res.bodyEnded).toBe(false);
    up.close();
  });

  it('answers 400 for malformed JSON and for a body that is not the announced event, and records why', async () => {
    const before = await deploymentCount();
    const k1 = randomUUID();
    const bad = await p.send('{"object_kind": "push", ', { event: 'Push Hook', idempotencyKey: k1 });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('request body is not valid JSON');
    const k2 = randomUUID();
    const mismatch = await p.send(tagPushPayload('v1.0.0', randomSha()), { event: 'Push Hook', idempotencyKey: k2 });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.message).toMatch(/object_kind is tag_push/);
    const rows = await prisma().webhookDelivery.findMany({ where: { idempotencyKey: { in: [k1, k2] } } });
    expect(rows.map((r) => [r.outcome, r.reason]).sort()).toEqual(
      [
        ['rejected', 'body is not valid JSON'],
        ['rejected', 'object_kind is tag_push, but X-Gitlab-Event says push'],
      ].sort(),
    );
    expect(await deploymentCount()).toBe(before);
  });

  it('answers 415 for a body that is not JSON, before authentication, recording nothing', async () => {
    const before = await deliveryCount();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await p.send(JSON.stringify(pushEvent), { event: 'Push Hook', contentType: type });
      expect(res.status, type).toBe(415);
    }
    expect(await deliveryCount()).toBe(before);
  });
});

describe('GitLab webhook: what deploys and what does not', () => {
  it('a push to the mapped branch deploys the artifact built from its commit', async () => {
    const sha = randomSha();
    await p.pushArtifact('dev-1', sha);
    const res = await p.send(pushPayload({ branch: 'release-dev', sha }), { event: 'Push Hook' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'accepted', deliveryId: expect.any(String) });
    const d = await p.settled(res.body.deliveryId);
    expect(d).toMatchObject({ outcome: 'deployed', ref: 'refs/heads/release-dev', sha, actor: 'John Smith (jsmith)' });
    expect(d.environments).toMatchObject([{ environmentName: 'dev', state: 'deployed' }]);
    const dep = (await p.deployments()).find((x) => x.id === d.deploymentId);
    expect(dep).toMatchObject({ version: 'dev-1', trigger: 'webhook', environmentName: 'dev' });
  });

  it('records and ignores an unmapped branch, prefix lookalikes, a deleted branch and other events', async () => {
    const before = await deploymentCount();
    const sha = randomSha();
    await p.pushArtifact('lookalike-1', sha);
    const cases: [unknown, string, string][] = [
      [pushPayload({ branch: 'feature/login', sha }), 'Push Hook', 'no auto-deploy rule for branch feature/login'],
      [pushPayload({ branch: 'release-dev-x', sha }), 'Push Hook', 'no auto-deploy rule for branch release-dev-x'],
      [
        pushPayload({ branch: 'feature/release-dev', sha }),
        'Push Hook',
        'no auto-deploy rule for branch feature/release-dev',
      ],
      [branchDeletePayload('release-dev', sha), 'Push Hook', 'branch release-dev was deleted'],
      [tagPushPayload('release-1', sha), 'Tag Push Hook', 'no auto-deploy rule for tag release-1'],
      [
        { object_kind: 'issue' },
        'Issue Hook',
        'Issue Hook does not deploy; Wharf uses push, tag push and pipeline events',
      ],
    ];
    for (const [body, event, reason] of cases) {
      const res = await p.send(body, { event: event as 'Push Hook' });
      expect(res.status, reason).toBe(202);
      const d = await p.settled(res.body.deliveryId);
      expect(d.outcome, reason).toBe('ignored');
      expect(d.reason).toBe(reason);
      expect(d.environments).toEqual([]);
    }
    await new Promise((r) => setTimeout(r, 1500)); // past the settle window: nothing comes later
    expect(await deploymentCount()).toBe(before);
  });

  it('the endpoint settles a delivery no rule applies to, with its commits; a rule added or removed later counts at once on every instance', async () => {
    const q = await setupHookProject(t, 'hooks-rule-change', [{ name: 'dev', placeholderTarget: true }], p.admin);
    const sendTo = (url: string, body: unknown) =>
      sendHook(
        url,
        q.slug,
        body,
        gitlabHeaders({ event: 'Push Hook', token: q.webhookToken, idempotencyKey: randomUUID() }),
      );
    const row = (id: string) => prisma().webhookDelivery.findUniqueOrThrow({ where: { id } });
    const projectId = (await prisma().project.findUniqueOrThrow({ where: { slug: q.slug } })).id;

    // Both instances learn the project's rules (none); the first delivery may go to the worker.
    for (const url of [t.url, secondUrl])
      await q.settled((await sendTo(url, pushPayload({ branch: 'hotfix', sha: randomSha() }))).body.deliveryId);
    const c1 = randomSha();
    const first = await sendTo(
      secondUrl,
      pushWithCommits('hotfix', randomSha(), [{ sha: c1, title: 'fix the login', at: new Date() }]),
    );
    expect(first.status).toBe(202);
    // Settled before the answer: ignored, with its commit, when the endpoint answers.
    expect(await row(first.body.deliveryId)).toMatchObject({
      outcome: 'ignored',
      reason: 'no auto-deploy rule for branch hotfix',
    });
    expect(await prisma().commit.findUnique({ where: { projectId_sha: { projectId, sha: c1 } } })).toMatchObject({
      title: 'fix the login',
    });

    // A rule added through the first instance: the second, which knew "no rules", must not ignore the push.
    const rule = ok(
      await q.admin.post(`/api/v1/projects/${q.slug}/environments/${q.envIds.dev}/auto-deploy-rules`, {
        refType: 'branch',
        pattern: 'hotfix',
      }),
    );
    const c2 = randomSha();
    await q.pushArtifact('hotfix-1', c2);
    const deploying = await sendTo(secondUrl, pushPayload({ branch: 'hotfix', sha: c2 }));
    expect(deploying.status).toBe(202);
    expect((await q.settled(deploying.body.deliveryId)).outcome).toBe('deployed');

    // Removed again: the next push to it is ignored, as before.
    ok(await q.admin.delete(`/api/v1/projects/${q.slug}/auto-deploy-rules/${rule.id}`));
    for (const url of [t.url, secondUrl]) {
      const res = await sendTo(url, pushPayload({ branch: 'hotfix', sha: randomSha() }));
      const d = await q.settled(res.body.deliveryId);
      expect(d).toMatchObject({ outcome: 'ignored', reason: 'no auto-deploy rule for branch hotfix' });
    }
    expect((await q.deployments()).map((d) => d.version)).toEqual(['hotfix-1']);
  });

  it('never releases to a protected environment, and says so; the unprotected one still deploys', async () => {
    const sha = randomSha();
    await p.pushArtifact('main-1', sha);
    const res = await p.send(pushPayload({ branch: 'main', sha }), { event: 'Push Hook' });
    const d = await p.settled(res.body.deliveryId);
    expect(d.environments.map((e) => [e.environmentName, e.state])).toEqual([
      ['prod', 'refused'],
      ['qa', 'deployed'],
    ]);
    expect(d.reason).toContain('prod: prod is protected: webhooks never release to it');
    const prodDeployments = (await p.deployments()).filter((x) => x.environmentName === 'prod');
    expect(prodDeployments).toEqual([]);
    // And a rule cannot even be added to a protected environment.
    const refused = await p.admin.post(`/api/v1/projects/${p.slug}/environments/${p.envIds.prod}/auto-deploy-rules`, {
      refType: 'branch',
      pattern: 'hotfix',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/protected/);
  });

  it('a tag push matching a tag pattern deploys; its commit comes from checkout_sha', async () => {
    const sha = randomSha();
    await p.pushArtifact('v2.0.0', sha);
    const res = await p.send(tagPushPayload('v2.0.0', sha), { event: 'Tag Push Hook' });
    const d = await p.settled(res.body.deliveryId);
    expect(d.environments).toMatchObject([{ environmentName: 'qa', state: 'deployed' }]);
  });

  it('the same delivery sent 5 times at once, to two API instances, is recorded once and deploys once', async () => {
    const sha = randomSha();
    await p.pushArtifact('dev-dup', sha);
    const before = await deploymentCount();
    const body = JSON.stringify(pushPayload({ branch: 'release-dev', sha }));
    const headers = gitlabHeaders({ event: 'Push Hook', token: p.webhookToken, idempotencyKey: randomUUID() });
    const answers = await Promise.all(
      [t.url, secondUrl, t.url, secondUrl, t.url].map((url) => sendHook(url, p.slug, body, headers)),
    );
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200).map((a) => a.body.status)).toEqual(Array(4).fill('duplicate'));
    const ids = new Set(answers.map((a) => a.body.deliveryId));
    expect(ids.size).toBe(1);
    const d = await p.settled([...ids][0]!);
    expect(d.outcome).toBe('deployed');
    expect(await prisma().webhookDelivery.count({ where: { idempotencyKey: headers['idempotency-key'] } })).toBe(1);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await deploymentCount()) - before).toBe(1);
    // GitLab retrying later (same Idempotency-Key, new event UUID) changes nothing either.
    const retry = await sendHook(t.url, p.slug, body, { ...headers, 'x-gitlab-event-uuid': randomUUID() });
    expect(retry.status).toBe(200);
    expect(retry.body.deliveryId).toBe(d.id);
    expect((await deploymentCount()) - before).toBe(1);
  });

  it('without an Idempotency-Key (older GitLab), the event UUID identifies the delivery', async () => {
    const body = pushPayload({ branch: 'feature/x', sha: randomSha() });
    const headers = gitlabHeaders({ event: 'Push Hook', token: p.webhookToken });
    delete headers['idempotency-key'];
    const a = await sendHook(t.url, p.slug, body, headers);
    const b = await sendHook(t.url, p.slug, body, headers);
    expect([a.status, b.status]).toEqual([202, 200]);
    expect(b.body.deliveryId).toBe(a.body.deliveryId);
  });

  it('a pipeline event for a push rule is ignored, with the reason in words', async () => {
    const res = await p.send(pipelinePayload({ ref: 'release-dev', sha: randomSha() }), { event: 'Pipeline Hook' });
    const d = await p.settled(res.body.deliveryId);
    expect(d.outcome).toBe('ignored');
    expect(d.reason).toBe('dev: deploys on push, not when a pipeline finishes');
  });
});

describe('webhook settings, rules, deliveries, changelog', () => {
  it('rotating the token shows the new one once, stores only its hash, and the old one stops working', async () => {
    const q = await setupHookProject(t, 'rotate', [{ name: 'dev', rules: [{ pattern: 'dev' }] }], p.admin);
    const old = q.webhookToken;
    const rotated = await q.admin.post(`/api/v1/projects/rotate/webhook/token`);
    expect(rotated.status).toBe(201);
    const fresh = rotated.body.token as string;
    expect(fresh).toMatch(/^whk_[0-9A-Za-z]{40}$/);
    expect(rotated.body).toMatchObject({
      configured: true,
      path: '/api/v1/hooks/gitlab/rotate',
      url: `${t.config.WHARF_PUBLIC_URL}/api/v1/hooks/gitlab/rotate`,
      tokenPrefix: fresh.slice(0, 10),
    });
    expect(rotated.body.rotatedAt).not.toBeNull();
    const shown = await q.admin.get(`/api/v1/projects/rotate/webhook`);
    expect(JSON.stringify(shown.body)).not.toContain(fresh);
    const row = await prisma().projectWebhook.findFirstOrThrow({ where: { project: { slug: 'rotate' } } });
    expect(JSON.stringify(row)).not.toContain(fresh.slice(10));
    const body = pushPayload({ branch: 'dev', sha: randomSha() });
    expect((await sendHook(t.url, 'rotate', body, gitlabHeaders({ event: 'Push Hook', token: old }))).status).toBe(401);
    expect((await sendHook(t.url, 'rotate', body, gitlabHeaders({ event: 'Push Hook', token: fresh }))).status).toBe(
      202,
    );
    const audit = await q.admin.get(`/api/v1/projects/rotate/audit?action=webhook.token_rotated`);
    expect(audit.body.items).toHaveLength(1);
    expect(JSON.stringify(audit.body)).not.toContain(fresh);
  });

  it('only maintainers manage the token and rules; viewers read deliveries', async () => {
    const { id: projectId } = await prisma().project.findUniqueOrThrow({ where: { slug: p.slug } });
    const { client: viewer } = await memberClient(t, projectId, 'viewer');
    const { client: deployer } = await memberClient(t, projectId, 'deployer');
    for (const c of [viewer, deployer]) {
      expect((await c.post(`/api/v1/projects/${p.slug}/webhook/token`)).status).toBe(403);
      expect((await c.delete(`/api/v1/projects/${p.slug}/webhook`)).status).toBe(403);
      const rule = await c.post(`/api/v1/projects/${p.slug}/environments/${p.envIds.dev}/auto-deploy-rules`, {
        refType: 'branch',
        pattern: 'x',
      });
      expect(rule.status).toBe(403);
    }
    expect((await viewer.get(`/api/v1/projects/${p.slug}/webhook/deliveries`)).status).toBe(200);
    expect((await viewer.get(`/api/v1/projects/${p.slug}/auto-deploy-rules`)).status).toBe(200);
  });

  it('validates rules: exact branches only, no refs/ prefix, no duplicates', async () => {
    const url = `/api/v1/projects/${p.slug}/environments/${p.envIds.dev}/auto-deploy-rules`;
    const star = await p.admin.post(url, { refType: 'branch', pattern: 'release-*' });
    expect(star.status).toBe(400);
    expect(star.body.issues[0].path).toBe('pattern');
    expect((await p.admin.post(url, { refType: 'branch', pattern: 'refs/heads/x' })).status).toBe(400);
    expect((await p.admin.post(url, { refType: 'branch', pattern: 'release-dev' })).status).toBe(409);
    const tag = await p.admin.post(url, {
      refType: 'tag',
      pattern: 'dev-*',
      event: 'pipeline',
      waitForArtifactSeconds: 60,
    });
    expect(tag.status).toBe(201);
    expect(tag.body).toMatchObject({ environmentName: 'dev', refType: 'tag', pattern: 'dev-*', event: 'pipeline' });
    const patched = await p.admin.patch(`/api/v1/projects/${p.slug}/auto-deploy-rules/${tag.body.id}`, {
      refType: 'branch',
    });
    expect(patched.status).toBe(400); // "dev-*" is not an exact branch
    expect((await p.admin.delete(`/api/v1/projects/${p.slug}/auto-deploy-rules/${tag.body.id}`)).status).toBe(204);
  });

  it('lists deliveries newest first, in pages, filtered by outcome', async () => {
    const first = await p.admin.get(`/api/v1/projects/${p.slug}/webhook/deliveries?limit=3`);
    expect(first.body.items).toHaveLength(3);
    const times = first.body.items.map((d: { receivedAt: string }) => d.receivedAt);
    expect([...times].sort().reverse()).toEqual(times);
    const next = await p.admin.get(
      `/api/v1/projects/${p.slug}/webhook/deliveries?limit=3&cursor=${first.body.nextCursor}`,
    );
    expect(next.body.items.length).toBeGreaterThan(0);
    expect(next.body.items[0].receivedAt <= times[2]).toBe(true);
    const rejected = await p.admin.get(`/api/v1/projects/${p.slug}/webhook/deliveries?outcome=rejected`);
    expect(rejected.body.items.length).toBeGreaterThan(0);
    expect(rejected.body.items.every((d: { outcome: string }) => d.outcome === 'rejected')).toBe(true);
  });

  it('prunes deliveries older than the retention period', async () => {
    const { id: projectId } = await prisma().project.findUniqueOrThrow({ where: { slug: p.slug } });
    const old = await prisma().webhookDelivery.create({
      data: {
        projectId,
        event: 'Push Hook',
        kind: 'push',
        idempotencyKey: randomUUID(),
        outcome: 'ignored',
        reason: 'old',
        receivedAt: new Date(Date.now() - 31 * 24 * 3600 * 1000),
      },
    });
    const recent = await deliveryCount();
    expect(await worker.app.get(AutoDeploySweeper).prune()).toBe(1);
    expect(await prisma().webhookDelivery.findUnique({ where: { id: old.id } })).toBeNull();
    expect(await deliveryCount()).toBe(recent - 1);
  });

  it('changelog: commits between what runs and the target, forward or rollback', async () => {
    const q = await setupHookProject(t, 'changes', [{ name: 'dev', rules: [{ pattern: 'main' }] }], p.admin);
    const at = (m: number) => new Date(Date.UTC(2026, 5, 1, 12, m));
    const shas = [randomSha(), randomSha(), randomSha(), randomSha()];
    const push = pushWithCommits(
      'main',
      randomSha(),
      shas.map((sha, i) => ({ sha, title: `change ${i + 1}`, at: at(i) })),
    );
    const d = await q.settled((await q.send(push, { event: 'Push Hook' })).body.deliveryId, { allowWaiting: true });
    expect(d.outcome).toBe('waiting');
    await q.pushArtifact('c1', shas[0]!);
    await q.pushArtifact('c4', shas[3]!);
    // What runs in dev: c1, released earlier (history written directly).
    const { id: projectId } = await prisma().project.findUniqueOrThrow({ where: { slug: 'changes' } });
    const c1 = await prisma().artifact.findFirstOrThrow({ where: { projectId, version: 'c1' } });
    await prisma().deployment.create({
      data: {
        projectId,
        environmentId: q.envIds.dev!,
        artifactId: c1.id,
        trigger: 'manual',
        state: 'succeeded',
        finishedAt: new Date(),
      },
    });
    const fwd = await q.admin.get(`/api/v1/projects/changes/changelog?environmentId=${q.envIds.dev}&version=c4`);
    expect(fwd.status).toBe(200);
    expect(fwd.body).toMatchObject({
      running: { version: 'c1', commitSha: shas[0] },
      target: { version: 'c4', commitSha: shas[3] },
      direction: 'forward',
      complete: true,
    });
    expect(fwd.body.commits.map((c: { title: string }) => c.title)).toEqual(['change 4', 'change 3', 'change 2']);
    expect(fwd.body.commits[0]).toMatchObject({
      sha: shas[3],
      authorName: 'Jordi Mallach',
      url: expect.stringMatching(/^http/),
    });
    // The CI token may ask too (the CLI shows it before a release).
    const viaToken = await fetch(
      `${t.url}/api/v1/projects/changes/changelog?environmentId=${q.envIds.dev}&version=c1`,
      {
        headers: { authorization: `Bearer ${q.ciToken}` },
      },
    );
    expect(((await viaToken.json()) as { direction: string }).direction).toBe('same');
    // Now c4 runs: going back to c1 is a rollback, taking away changes 4..2.
    const c4 = await prisma().artifact.findFirstOrThrow({ where: { projectId, version: 'c4' } });
    await prisma().deployment.create({
      data: {
        projectId,
        environmentId: q.envIds.dev!,
        artifactId: c4.id,
        trigger: 'manual',
        state: 'succeeded',
        finishedAt: new Date(Date.now() + 1000),
      },
    });
    const back = await q.admin.get(`/api/v1/projects/changes/changelog?environmentId=${q.envIds.dev}&version=c1`);
    expect(back.body.direction).toBe('rollback');
    expect(back.body.commits.map((c: { title: string }) => c.title)).toEqual(['change 4', 'change 3', 'change 2']);
    expect(
      (await q.admin.get(`/api/v1/projects/changes/changelog?environmentId=${q.envIds.dev}&version=nope`)).status,
    ).toBe(404);
  });
});
