// GitLab deliveries releasing to real sshd + pm2 hosts: a push to the mapped branch deploys the
// artifact built from its commit; a push that comes before its artifact waits for it; a burst
// of pushes releases only the newest; an older commit arriving late never replaces a newer one
// a webhook released (a person still can); pipeline rules wait for a successful pipeline; a
// wait without an artifact expires.
import type { DeploymentView, WebhookDeliveryView } from '@wharf/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningWorker } from '../src/worker-app.js';
import { gitlabHeaders, pipelinePayload, pushPayload, randomSha, sendHook } from './fixtures/gitlab/gitlab-fixtures.js';
import { setupRelease, type ReleaseFixture } from './release-fixture.js';
import { startTestApp, type TestApp } from './test-env.js';
import { ok, startTestWorker } from './webhook-fixture.js';

let t: TestApp;
let worker: RunningWorker;
let f: ReleaseFixture;
let hookToken: string;

beforeAll(async () => {
  t = await startTestApp();
  // A settle window long enough that a test's burst of pushes all arrive inside it.
  worker = await startTestWorker(t, { WHARF_AUTO_DEPLOY_SETTLE_MS: '1500' });
  f = await setupRelease(t, { hostCount: 1, baseAddress: '127.0.0.113', slug: 'gl-deploy' });
  for (const rule of [
    { refType: 'branch', pattern: 'release-qa' },
    { refType: 'branch', pattern: 'ci-main', event: 'pipeline' },
    { refType: 'branch', pattern: 'short-wait', waitForArtifactSeconds: 2 },
  ]) {
    ok(await f.admin.post(`/api/v1/projects/${f.slug}/environments/${f.envId}/auto-deploy-rules`, rule));
  }
  hookToken = ok(await f.admin.post(`/api/v1/projects/${f.slug}/webhook/token`)).token;
}, 240_000);

afterAll(async () => {
  await worker?.stop();
  await f?.hosts.stop();
  await t?.close();
});

let minute = 0;
/** Commit times that only go forward, one minute apart. */
function nextCommitTime(): Date {
  minute += 1;
  return new Date(Date.UTC(2026, 0, 1, 0, minute));
}

async function push(branch: string, sha: string, commitAt = nextCommitTime()): Promise<string> {
  const res = await sendHook(
    t.url,
    f.slug,
    pushPayload({ branch, sha, commitAt }),
    gitlabHeaders({ event: 'Push Hook', token: hookToken }),
  );
  expect(res.status).toBe(202);
  return res.body.deliveryId as string;
}

async function delivery(id: string): Promise<WebhookDeliveryView> {
  return ok(await f.admin.get(`/api/v1/projects/${f.slug}/webhook/deliveries/${id}`));
}

async function until(id: string, pred: (d: WebhookDeliveryView) => boolean, ms = 60_000): Promise<WebhookDeliveryView> {
  const deadline = Date.now() + ms;
  for (;;) {
    const d = await delivery(id);
    if (pred(d)) return d;
    if (Date.now() > deadline) throw new Error(`delivery ${id} did not get there: ${JSON.stringify(d)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function webhookDeployments(): Promise<DeploymentView[]> {
  return ok(await f.admin.get(`/api/v1/projects/${f.slug}/deployments?trigger=webhook&limit=200`)).items;
}

describe('GitLab webhooks releasing to real hosts', { timeout: 240_000 }, () => {
  it('a push to the mapped branch deploys the artifact built from that commit', async () => {
    const sha = randomSha();
    await f.push('1.0.0', { commit: sha });
    const id = await push('release-qa', sha);
    const d = await until(id, (x) => x.outcome === 'deployed');
    expect(d.environments).toMatchObject([{ environmentName: 'qa', state: 'deployed', sha }]);
    const done = await f.waitFinished(d.deploymentId!);
    expect(done).toMatchObject({ state: 'succeeded', version: '1.0.0', trigger: 'webhook', actor: 'webhook' });
    expect(await f.versionsServed()).toEqual(['1.0.0']);
  });

  it('a push before its artifact waits, and releases when CI pushes the artifact 10 s later', async () => {
    const sha = randomSha();
    const id = await push('release-qa', sha);
    const waiting = await until(id, (x) => x.outcome === 'waiting');
    expect(waiting.reason).toBe(`qa: waiting for an artifact built from ${sha.slice(0, 8)}`);
    expect(waiting.environments[0]!.expiresAt).not.toBeNull();
    await new Promise((r) => setTimeout(r, 10_000));
    expect((await delivery(id)).outcome).toBe('waiting');
    await f.push('2.0.0', { commit: sha });
    const d = await until(id, (x) => x.outcome === 'deployed', 30_000);
    expect((await f.waitFinished(d.deploymentId!)).state).toBe('succeeded');
    expect(await f.versionsServed()).toEqual(['2.0.0']);
  });

  it('5 rapid pushes release only the newest; the other four are superseded', async () => {
    const shas = [randomSha(), randomSha(), randomSha(), randomSha(), randomSha()];
    for (const [i, sha] of shas.entries()) await f.push(`3.0.${i}`, { commit: sha });
    const before = (await webhookDeployments()).length;
    const ids: string[] = [];
    for (const sha of shas) ids.push(await push('release-qa', sha));
    const last = await until(ids[4]!, (x) => x.outcome === 'deployed');
    for (const id of ids.slice(0, 4)) {
      const d = await until(id, (x) => x.outcome === 'superseded');
      expect(d.reason).toBe(`qa: superseded by ${shas[4]!.slice(0, 8)}, a newer commit`);
    }
    expect((await f.waitFinished(last.deploymentId!)).state).toBe('succeeded');
    const created = (await webhookDeployments()).slice(0, (await webhookDeployments()).length - before);
    expect(created.map((d) => d.version)).toEqual(['3.0.4']);
    expect(await f.versionsServed()).toEqual(['3.0.4']);
  });

  it('an older commit arriving late never replaces what a webhook released; a person still can roll back', async () => {
    const before = (await webhookDeployments()).length;
    const older = randomSha();
    await f.push('2.5.0', { commit: older });
    // Made before everything released so far.
    const id = await push('release-qa', older, new Date(Date.UTC(2025, 11, 31)));
    const d = await until(id, (x) => x.outcome === 'superseded');
    expect(d.reason).toMatch(/^qa: [0-9a-f]{8}, a newer commit, was already released here by a webhook$/);
    expect((await webhookDeployments()).length).toBe(before);
    expect(await f.versionsServed()).toEqual(['3.0.4']);
    const manual = await f.release('2.5.0');
    expect((await f.waitFinished(manual.id)).state).toBe('succeeded');
    expect(await f.versionsServed()).toEqual(['2.5.0']);
  });

  it('a pipeline rule ignores the push and running pipelines, and deploys when the pipeline succeeds', async () => {
    const sha = randomSha();
    const commitAt = nextCommitTime();
    await f.push('4.0.0', { commit: sha });
    const pushed = await until(await push('ci-main', sha, commitAt), (x) => x.outcome !== 'pending');
    expect(pushed).toMatchObject({
      outcome: 'ignored',
      reason: `qa: deploys when the pipeline for ${sha.slice(0, 8)} succeeds`,
    });
    const headers = () => gitlabHeaders({ event: 'Pipeline Hook', token: hookToken });
    const running = await sendHook(
      t.url,
      f.slug,
      pipelinePayload({ ref: 'ci-main', sha, status: 'running', id: 77, commitAt }),
      headers(),
    );
    expect((await until(running.body.deliveryId, (x) => x.outcome !== 'pending')).reason).toBe(
      'qa: pipeline #77 is running; deploys when it succeeds',
    );
    const success = await sendHook(
      t.url,
      f.slug,
      pipelinePayload({ ref: 'ci-main', sha, id: 77, commitAt }),
      headers(),
    );
    const d = await until(success.body.deliveryId, (x) => x.outcome === 'deployed');
    expect((await f.waitFinished(d.deploymentId!)).state).toBe('succeeded');
    expect(await f.versionsServed()).toEqual(['4.0.0']);
  });

  it('a wait for an artifact that never comes expires, and nothing is released', async () => {
    const before = (await webhookDeployments()).length;
    const id = await push('short-wait', randomSha());
    const d = await until(id, (x) => x.outcome === 'expired', 30_000);
    expect(d.reason).toMatch(/^qa: no artifact built from [0-9a-f]{8} arrived in time \(waited 2 s\)$/);
    expect((await webhookDeployments()).length).toBe(before);
  });
});
