// Kubernetes releases through the whole platform: API → Postgres → BullMQ → worker → the
// Kubernetes API simulator of @wharf/test-hosts (real HTTPS with a CA from the kubeconfig
// credential, real watches, scripted faults). One simulator, one API and one worker for the
// file; each case has its own environment and workloads.
import { buildSampleTarball, startK8sSim, type Deployment, type K8sSim, type Pod } from '@wharf/test-hosts';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { DeploymentView, KubernetesTargetDetail, KubernetesTargetPreflightView } from '@wharf/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type RunningWorker } from '../src/worker-app.js';
import { TestClient } from './http-client.js';
import { readLog } from './release-fixture.js';
import { TEST_ADMIN, startTestApp, type TestApp } from './test-env.js';

const ADMIN = 'admin-token-0123456789';
const SHOP = 'shop-deployer-token-abcdef';
const V1 = 'registry.test/shop/web:v1';
const V2 = 'registry.test/shop/web:v2';
const NEVER = 'registry.test/shop/web:never-ready';
const CRASH = 'registry.test/shop/web:crash';
const FLAKY = 'registry.test/shop/web:v6';
const DEV = 'registry.test/shop/web:dev';
const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
const SLUG = 'kube';
const P = `/api/v1/projects/${SLUG}`;

let t: TestApp;
let worker: RunningWorker;
let sim: K8sSim;
let admin: TestClient;
let shopCredentialId: string;
let workDir: string;

beforeAll(async () => {
  sim = await startK8sSim({
    namespaces: ['shop', 'billing'],
    tokens: [
      { token: ADMIN, user: 'admin', namespaces: '*' },
      { token: SHOP, user: 'wharf-shop', namespaces: ['shop'] },
    ],
    images: {
      [NEVER]: { kind: 'never-ready' },
      [CRASH]: {
        kind: 'crash-loop',
        logLines: Array.from({ length: 60 }, (_, i) => (i === 59 ? 'Error: DATABASE_URL is not set' : `boot ${i + 1}`)),
      },
    },
    timing: { tickMs: 20, podStartMs: 60, podReadyMs: 60, podTerminateMs: 40, crashLoopMs: 80 },
  });
  t = await startTestApp();
  worker = await startWorker(t.config);
  workDir = await mkdtemp(join(tmpdir(), 'wharf-k8s-release-'));
  admin = new TestClient(t.url);
  await admin.login(TEST_ADMIN.email, TEST_ADMIN.password);
  ok(await admin.post('/api/v1/projects', { slug: SLUG, name: SLUG }));
  shopCredentialId = ok(
    await admin.post(`${P}/credentials`, {
      name: 'shop-cluster',
      kind: 'kubeconfig',
      value: sim.kubeconfig({ token: SHOP }),
    }),
  ).id;
  for (const [version, image] of [
    ['v1', V1],
    ['v2', V2],
    ['never', NEVER],
    ['crash', CRASH],
    ['v6', FLAKY],
  ]) {
    ok(await admin.post(`${P}/artifacts/image`, { version, image }));
  }
}, 180_000);

afterAll(async () => {
  await worker?.stop();
  await t?.close();
  await sim?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

function ok(res: { status: number; body: any }): any {
  if (res.status !== 201 && res.status !== 200) throw new Error(`got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** An environment releasing to the named workloads (created in the simulator, rolled out). */
async function environment(
  name: string,
  workloads: { name: string; namespace?: string; replicas?: number; image?: string; spec?: Record<string, unknown> }[],
  settings: Record<string, unknown> = {},
): Promise<{ envId: string; targetIds: string[] }> {
  const env = ok(await admin.post(`${P}/environments`, { name }));
  ok(
    await admin.patch(`${P}/environments/${env.id}/settings`, {
      batchSize: 1,
      ...settings,
      kubernetes: { rolloutTimeoutSeconds: 60, ...((settings.kubernetes as object | undefined) ?? {}) },
    }),
  );
  const targetIds: string[] = [];
  for (const w of workloads) {
    const namespace = w.namespace ?? 'shop';
    sim.createDeployment({
      namespace,
      name: w.name,
      image: w.image ?? V1,
      replicas: w.replicas ?? 2,
      ...(w.spec ? { spec: w.spec } : {}),
      ...(w.image === DEV ? { containerFields: { imagePullPolicy: 'Always' } } : {}),
    });
    await sim.waitForRollout('deployments', namespace, w.name);
    const target = ok(
      await admin.post(`${P}/environments/${env.id}/targets`, {
        kind: 'kubernetes',
        name: w.name,
        credentialId: shopCredentialId,
        config: { apiUrl: sim.url, namespace, deployment: w.name, container: 'app' },
      }),
    );
    targetIds.push(target.id);
  }
  return { envId: env.id, targetIds };
}

async function release(envId: string, version: string): Promise<DeploymentView> {
  return ok(await admin.post(`${P}/deployments`, { environmentId: envId, version })) as DeploymentView;
}

async function waitFor(id: string, pred: (d: DeploymentView) => boolean, timeoutMs = 60_000): Promise<DeploymentView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = ok(await admin.get(`${P}/deployments/${id}`)) as DeploymentView;
    if (pred(d)) return d;
    if (Date.now() > deadline)
      throw new Error(`deployment ${id} did not reach the expected state: ${JSON.stringify(d)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const finished = (id: string) => waitFor(id, (d) => ['succeeded', 'failed', 'cancelled'].includes(d.state));
const detailOf = (d: DeploymentView, i = 0) => d.targets[i]!.detail as KubernetesTargetDetail | null;
const imageOf = (ns: string, name: string) =>
  sim.get<Deployment>('deployments', ns, name)!.spec.template.spec.containers[0]!.image;
const livePods = (ns: string, name: string) => sim.podsOf(ns, name).filter((p: Pod) => !p.metadata.deletionTimestamp);

describe('Kubernetes release through the API and worker', { timeout: 120_000 }, () => {
  let two: { envId: string; targetIds: string[] };

  it('Test connection shows the workload’s image and replicas and that the credential may patch it', async () => {
    two = await environment('two', [{ name: 'web' }, { name: 'api' }]);
    const res = await admin.post(`${P}/targets/${two.targetIds[0]}/test-connection`);
    expect(res.status).toBe(200);
    const view = res.body as KubernetesTargetPreflightView;
    expect(view).toMatchObject({
      targetId: two.targetIds[0],
      workload: 'Deployment/web in shop',
      ok: true,
      currentImage: V1,
      replicas: { desired: 2, updated: 2, ready: 2, available: 2 },
    });
    expect(view.checks.map((c) => `${c.name}:${c.status}`)).toEqual([
      'reachable:passed',
      'authenticated:passed',
      'workload:passed',
      'patch:passed',
      'observe:passed',
    ]);
    expect(JSON.stringify(view)).not.toContain(SHOP);
  });

  it('releases a new image to 2 Deployments in 2 batches; the detail shows previous image, image and replicas', async () => {
    // v1 is what runs: the release finds it there and checks the rollout is complete.
    expect((await finished((await release(two.envId, 'v1')).id)).state).toBe('succeeded');
    const started = await release(two.envId, 'v2');
    // The strategy the worker runs, known before any target reported detail.
    expect(started.strategy).toBe('kubernetes-release');
    const d = await finished(started.id);
    expect(d.state).toBe('succeeded');
    expect(d.targets.map((x) => [x.targetName, x.batch, x.state])).toEqual([
      ['api', 1, 'succeeded'],
      ['web', 2, 'succeeded'],
    ]);
    expect(Date.parse(d.targets[1]!.startedAt!)).toBeGreaterThanOrEqual(Date.parse(d.targets[0]!.finishedAt!));
    for (const [i, name] of [
      [0, 'api'],
      [1, 'web'],
    ] as const) {
      expect(imageOf('shop', name)).toBe(V2);
      expect(livePods('shop', name).map((p) => p.spec.containers[0]!.image)).toEqual([V2, V2]);
      const detail = detailOf(d, i)!;
      expect(detail).toMatchObject({
        kind: 'kubernetes',
        workload: `Deployment/${name} in shop`,
        previousImage: V1,
        image: V2,
        replicas: { desired: 2, updated: 2, ready: 2, available: 2 },
      });
      expect(detail.restore).toBeUndefined();
      // Old pods may still be shown Terminating when the rollout is done.
      const live = livePods('shop', name)
        .map((p) => p.metadata.name)
        .sort();
      expect(detail.pods.filter((p) => p.reason !== 'Terminating').map((p) => [p.name, p.phase, p.ready])).toEqual(
        live.map((n) => [n, 'Running', true]),
      );
    }
    const log = await readLog(admin, SLUG, d.id);
    expect(log).toContain(`deployment/web in namespace shop, container app: ${V1} → ${V2}`);
    expect(log).toContain('deployment "web" successfully rolled out');
    expect(log).not.toContain(SHOP);
  });

  it('rollback puts the older image back', async () => {
    const res = await admin.post(`${P}/environments/${two.envId}/rollback`, {});
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ trigger: 'rollback', version: 'v1' });
    const d = await finished(res.body.id);
    expect(d.state).toBe('succeeded');
    for (const name of ['web', 'api']) {
      expect(imageOf('shop', name)).toBe(V1);
      expect(livePods('shop', name).map((p) => p.spec.containers[0]!.image)).toEqual([V1, V1]);
    }
    expect(detailOf(d)).toMatchObject({ previousImage: V2, image: V1 });
  });

  it('registers an image by digest (repo@sha256:…, repo:tag@sha256:…) and releases it pinned to that digest', async () => {
    const digest = `sha256:${'5e'.repeat(32)}`;
    const pinned = `registry.test/shop/web@${digest}`;
    expect(ok(await admin.post(`${P}/artifacts/image`, { version: 'by-digest', image: pinned }))).toMatchObject({
      kind: 'image',
      imageRef: 'registry.test/shop/web',
      imageDigest: digest,
    });
    expect(
      ok(
        await admin.post(`${P}/artifacts/image`, {
          version: 'tag-and-digest',
          image: `registry.test/shop/web:v7@${digest}`,
        }),
      ),
    ).toMatchObject({ imageRef: 'registry.test/shop/web:v7', imageDigest: digest });
    const disagree = await admin.post(`${P}/artifacts/image`, {
      version: 'disagree',
      image: pinned,
      digest: `sha256:${'0'.repeat(64)}`,
    });
    expect(disagree.status).toBe(400);
    expect(disagree.body.message).toBe('digest: digest differs from the one in image');
    const noTag = await admin.post(`${P}/artifacts/image`, { version: 'no-tag', image: 'registry.test/shop/web' });
    expect(noTag.status).toBe(400);
    expect(noTag.body.message).toMatch(/^image: image needs a tag/);

    const env = await environment('pinned', [{ name: 'pinned' }, { name: 'pinned-too' }]);
    for (const version of ['by-digest', 'tag-and-digest']) {
      const d = await finished((await release(env.envId, version)).id);
      expect(d.state).toBe('succeeded');
      expect(imageOf('shop', 'pinned')).toBe(pinned);
      expect(livePods('shop', 'pinned').map((p) => p.spec.containers[0]!.image)).toEqual([pinned, pinned]);
      expect(detailOf(d)).toMatchObject({ image: pinned });
    }
  });

  it('a never-ready image fails at Wharf’s deadline; the previous image is back, rolled out, and shown', async () => {
    const env = await environment('stuck', [{ name: 'stuck' }], { kubernetes: { rolloutTimeoutSeconds: 5 } });
    const d = await finished((await release(env.envId, 'never')).id);
    expect(d.state).toBe('failed');
    expect(d.targets[0]!.state).toBe('failed');
    expect(d.targets[0]!.error).toMatch(/rollout did not finish within 5 s/);
    expect(d.targets[0]!.error).toContain(`previous image ${V1} restored and rolled out`);
    expect(detailOf(d)).toMatchObject({
      previousImage: V1,
      image: NEVER,
      replicas: { desired: 2, updated: 2, ready: 2, available: 2 },
      restore: { state: 'succeeded', message: `previous image ${V1} restored and rolled out`, image: V1 },
    });
    expect(imageOf('shop', 'stuck')).toBe(V1);
    await sim.waitForRollout('deployments', 'shop', 'stuck', 5000);
    expect(livePods('shop', 'stuck').map((p) => p.spec.containers[0]!.image)).toEqual([V1, V1]);
    const log = await readLog(admin, SLUG, d.id);
    expect(log).toMatch(/pod stuck-\S+: Running, not ready/);
    expect(log).toContain(`restoring deployment/stuck in namespace shop: image ${NEVER} → ${V1}`);
  });

  it('a crash-looping image shows its container’s last log lines in the deployment log', async () => {
    const env = await environment('crash', [{ name: 'crashy', replicas: 1, spec: { progressDeadlineSeconds: 1 } }]);
    const d = await finished((await release(env.envId, 'crash')).id);
    expect(d.state).toBe('failed');
    expect(d.targets[0]!.error).toBe(
      `deployment "crashy" exceeded its progress deadline; previous image ${V1} restored and rolled out`,
    );
    const log = await readLog(admin, SLUG, d.id);
    expect(log).toMatch(/container app crashed \(Error, exit code 1\); its last 50 log line\(s\) before the restart:/);
    expect(log).toMatch(/\[crashy-[a-z0-9]+-[a-z0-9]+\/app\] boot 11\b/);
    expect(log).toMatch(/\[crashy-[a-z0-9]+-[a-z0-9]+\/app\] Error: DATABASE_URL is not set/);
    expect(log).not.toMatch(/\/app\] boot 10\b/);
    expect(imageOf('shop', 'crashy')).toBe(V1);
  });

  it('cancel mid-rollout restores the previous image', async () => {
    const env = await environment('cancel', [{ name: 'cancelme' }]);
    const started = await release(env.envId, 'never');
    // Cancel once the new pod runs but is not ready: the rollout is under way.
    await waitFor(started.id, (d) => detailOf(d)?.pods.some((p) => p.phase === 'Running' && !p.ready) === true);
    expect(imageOf('shop', 'cancelme')).toBe(NEVER);
    expect((await admin.post(`${P}/deployments/${started.id}/cancel`)).status).toBe(200);
    const d = await finished(started.id);
    expect(d.state).toBe('cancelled');
    expect(d.targets[0]!.state).toBe('cancelled');
    expect(detailOf(d)?.restore).toEqual({
      state: 'succeeded',
      message: `previous image ${V1} restored and rolled out`,
      image: V1,
    });
    expect(imageOf('shop', 'cancelme')).toBe(V1);
    await sim.waitForRollout('deployments', 'shop', 'cancelme', 5000);
    expect(livePods('shop', 'cancelme').every((p) => p.spec.containers[0]!.image === V1)).toBe(true);
  });

  it('succeeds through a watch dropped twice and a 410 Gone mid-rollout', async () => {
    // Not ready until the faults are done, so they all hit a rollout in progress.
    sim.setImageBehavior(FLAKY, { kind: 'never-ready' });
    const env = await environment('flaky', [
      {
        name: 'flaky',
        replicas: 3,
        spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } },
      },
    ]);
    const started = await release(env.envId, 'v6');
    // The workload, its pods and the namespace's events are watched: 3 watches.
    const threeOpen = () => until(() => sim.openWatches() === 3);
    await waitFor(started.id, (d) => detailOf(d)?.pods.some((p) => p.phase === 'Running' && !p.ready) === true);
    await threeOpen();
    expect(sim.dropWatches()).toBe(3);
    await threeOpen();
    expect(sim.dropWatches()).toBe(3);
    await threeOpen();
    expect(sim.expireWatches()).toBe(3);
    await threeOpen();
    sim.setImageBehavior(FLAKY, { kind: 'ok' });
    const d = await finished(started.id);
    expect(d.state).toBe('succeeded');
    expect(imageOf('shop', 'flaky')).toBe(FLAKY);
    expect(livePods('shop', 'flaky').map((p) => p.spec.containers[0]!.image)).toEqual(Array(3).fill(FLAKY));
    expect(detailOf(d)?.replicas).toEqual({ desired: 3, updated: 3, ready: 3, available: 3 });
    const log = await readLog(admin, SLUG, d.id);
    // The release's watches are the namespace's, shared by its workloads there.
    expect(log).toContain('watch of deployments in namespace shop expired (410 Gone); listing again');
    expect(log).toContain('deployment "flaky" successfully rolled out');
  });

  it('a namespace the token may not touch is refused at Test connection and at release', async () => {
    const env = await environment('billing', [{ name: 'ledger', namespace: 'billing', replicas: 1 }]);
    const since = sim.requests.length;
    const probe = (await admin.post(`${P}/targets/${env.targetIds[0]}/test-connection`))
      .body as KubernetesTargetPreflightView;
    expect(probe.ok).toBe(false);
    expect(probe.checks.find((c) => c.name === 'authenticated')?.status).toBe('passed');
    expect(probe.checks.find((c) => c.name === 'workload')).toEqual({
      name: 'workload',
      status: 'failed',
      message: 'the credential may not get deployments.apps in namespace billing',
    });
    expect(probe.currentImage).toBeNull();

    const d = await finished((await release(env.envId, 'v2')).id);
    expect(d.state).toBe('failed');
    expect(d.targets[0]!.error).toBe(
      'reading deployment/ledger in namespace billing: deployments.apps "ledger" is forbidden: User "wharf-shop" cannot get resource "deployments" in API group "apps" in the namespace "billing"',
    );
    expect(imageOf('billing', 'ledger')).toBe(V1);
    const writes = sim.requests
      .slice(since)
      .filter((r) => r.method !== 'GET' && !r.path.endsWith('/selfsubjectaccessreviews'));
    expect(writes).toEqual([]);
  });

  it('Test connection names a credential that cannot reach this target, without trying it', async () => {
    const env = ok(await admin.post(`${P}/environments`, { name: 'elsewhere' }));
    const target = ok(
      await admin.post(`${P}/environments/${env.id}/targets`, {
        kind: 'kubernetes',
        name: 'elsewhere',
        credentialId: shopCredentialId,
        config: { apiUrl: 'https://127.0.0.1:1', namespace: 'shop', deployment: 'web', container: 'app' },
      }),
    );
    const since = sim.requests.length;
    const probe = (await admin.post(`${P}/targets/${target.id}/test-connection`)).body as KubernetesTargetPreflightView;
    expect(probe.ok).toBe(false);
    expect(probe.checks.find((c) => c.name === 'authenticated')).toEqual({
      name: 'authenticated',
      status: 'failed',
      message: `elsewhere's API URL https://127.0.0.1:1 is not the server of its kubeconfig (${sim.url}); make them the same`,
    });
    expect(probe.checks.filter((c) => c.status === 'skipped')).toHaveLength(4);
    expect(sim.requests.length).toBe(since);

    // Consul targets have no connection test (yet): a clear 400, not an SSH host-key message.
    const consul = ok(
      await admin.post(`${P}/environments/${env.id}/targets`, {
        kind: 'consul',
        name: 'consul',
        config: { consulUrl: 'http://127.0.0.1:8500', service: 'shop' },
      }),
    );
    const refused = await admin.post(`${P}/targets/${consul.id}/test-connection`);
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe('Test connection is available for SSH and Kubernetes targets, not consul');
  });

  it('restart mode restarts the pods (restartedAt) and succeeds; image mode refuses a version without an image', async () => {
    const env = await environment('dev', [{ name: 'dev', image: DEV }], { kubernetes: { mode: 'restart' } });
    // A tarball version: image mode refuses it at the Release button, restart mode runs it.
    const tarball = await buildSampleTarball({ version: 'dev-42', outDir: workDir });
    const push = await fetch(`${t.url}${P}/artifacts/tarball?version=dev-42&sha256=${tarball.sha256}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${ok(await admin.post(`${P}/tokens`, { name: 'ci' })).token as string}`,
        'content-type': 'application/gzip',
        'content-length': String((await stat(tarball.path)).size),
      },
      body: Readable.toWeb(createReadStream(tarball.path)) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    expect(push.status).toBe(201);
    const refused = await admin.post(`${P}/deployments`, { environmentId: two.envId, version: 'dev-42' });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe(
      "version dev-42 is not an image; Kubernetes targets release images (register one with wharf artifact register-image), or set the environment's Kubernetes release mode to restart",
    );

    const before = new Set(livePods('shop', 'dev').map((p) => p.metadata.name));
    const d = await finished((await release(env.envId, 'dev-42')).id);
    expect(d.state).toBe('succeeded');
    const w = sim.get<Deployment>('deployments', 'shop', 'dev')!;
    expect(w.spec.template.metadata?.annotations?.[RESTARTED_AT]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(w.spec.template.spec.containers[0]!.image).toBe(DEV);
    const after = livePods('shop', 'dev');
    expect(after).toHaveLength(2);
    expect(after.some((p) => before.has(p.metadata.name))).toBe(false);
    expect(detailOf(d)).toMatchObject({ previousImage: DEV, image: DEV });
  });
});

async function until(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
