// The Kubernetes executor against the Kubernetes API simulator of @wharf/test-hosts (which
// the real kubectl accepts): real HTTPS with a verified CA, real watches, real faults.
import type { KubernetesTargetDetail, TargetDetail } from '@wharf/shared';
import { startK8sSim, type Deployment, type K8sSim, type Pod, type StatefulSet } from '@wharf/test-hosts';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogLine, TargetUpdate } from '../types.js';
import type { ClusterAccess } from './cluster-access.js';
import { RESTARTED_AT, runKubernetesRelease } from './kubernetes.executor.js';
import type { KubernetesReleasePlan } from './kubernetes-plan.schema.js';

const ADMIN = 'admin-token-0123456789';
const SHOP = 'shop-deployer-token-abcdef';
const V1 = 'registry.test/shop/web:v1';
const DIGEST = `sha256:${'c'.repeat(64)}`;

describe('runKubernetesRelease against the simulator', () => {
  let sim: K8sSim;
  const cluster = (token = SHOP): ClusterAccess => ({ server: sim.url, caPem: sim.caPem, auth: { token } });

  beforeAll(async () => {
    sim = await startK8sSim({
      namespaces: ['shop', 'billing'],
      tokens: [
        { token: ADMIN, user: 'admin', namespaces: '*' },
        { token: SHOP, user: 'wharf-shop', namespaces: ['shop'] },
      ],
      images: {
        'registry.test/shop/web:never-ready': { kind: 'never-ready' },
        'registry.test/shop/web:crash': {
          kind: 'crash-loop',
          logLines: Array.from({ length: 60 }, (_, i) =>
            i === 59 ? 'Error: DATABASE_URL is not set' : `boot step ${i + 1}`,
          ),
        },
      },
      timing: { tickMs: 20, podStartMs: 60, podReadyMs: 60, podTerminateMs: 40, crashLoopMs: 80 },
    });
  });

  afterAll(async () => {
    await sim?.stop();
  });

  function run(plan: KubernetesReleasePlan, opts: { signal?: AbortSignal; onLine?: (l: LogLine) => void } = {}) {
    const lines: LogLine[] = [];
    const updates: TargetUpdate[] = [];
    const details: { targetId: string; detail: TargetDetail }[] = [];
    const done = runKubernetesRelease(plan, {
      log: (l) => {
        lines.push(l);
        opts.onLine?.(l);
      },
      onTargetUpdate: (u) => updates.push(u),
      onTargetDetail: (targetId, detail) => details.push({ targetId, detail: structuredClone(detail) }),
      signal: opts.signal,
    });
    /** The details one target reported, in order. */
    const detailsOf = (targetId: string) =>
      details.filter((d) => d.targetId === targetId).map((d) => d.detail as KubernetesTargetDetail);
    return { done, lines, updates, detailsOf, text: () => lines.map((l) => l.text).join('\n') };
  }

  function target(
    id: string,
    name: string,
    extra: Partial<{
      kind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
      namespace: string;
      token: string;
      imageRepository: string;
    }> = {},
  ) {
    return {
      id,
      name,
      workload: {
        namespace: extra.namespace ?? 'shop',
        kind: extra.kind ?? 'Deployment',
        name,
        container: 'app',
        ...(extra.imageRepository ? { imageRepository: extra.imageRepository } : {}),
      },
      cluster: cluster(extra.token),
    };
  }

  /** Someone else (an admin with kubectl, say) changes the image meanwhile. */
  function setImageAsAdmin(name: string, image: string): Promise<void> {
    const body = JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'app', image }] } } } });
    return new Promise((resolve, reject) => {
      const req = request(
        `${sim.url}/apis/apps/v1/namespaces/shop/deployments/${name}`,
        {
          method: 'PATCH',
          ca: sim.caPem,
          headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/strategic-merge-patch+json' },
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200 ? resolve() : reject(new Error(`PATCH answered ${res.statusCode}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  const imageOf = (resource: string, ns: string, name: string) =>
    sim.get<Deployment>(resource, ns, name)!.spec.template.spec.containers[0]!.image;
  const livePods = (ns: string, name: string) => sim.podsOf(ns, name).filter((p: Pod) => !p.metadata.deletionTimestamp);
  /** Every request that changed something: Wharf may only patch the workloads it names. */
  const writes = (since: number) =>
    sim.requests.slice(since).filter((r) => r.method !== 'GET' && !r.path.endsWith('/selfsubjectaccessreviews'));

  it('releases a new image to 2 Deployments in 2 batches, by digest, recording the image each replaced', async () => {
    sim.createDeployment({ namespace: 'shop', name: 'web', image: V1, replicas: 2 });
    sim.createDeployment({ namespace: 'shop', name: 'api', image: V1, replicas: 2 });
    sim.createDeployment({ namespace: 'shop', name: 'bystander', image: V1, replicas: 1 });
    await Promise.all(['web', 'api', 'bystander'].map((n) => sim.waitForRollout('deployments', 'shop', n)));
    const since = sim.requests.length;

    const r = run({
      deploymentId: 'd-1',
      version: 'v2',
      image: { ref: 'registry.test/shop/web:v2', digest: DIGEST },
      targets: [target('t-web', 'web', { imageRepository: 'registry.test/shop/web' }), target('t-api', 'api')],
      settings: { batchSize: 1, onFailure: 'stop', kubernetes: { rolloutTimeoutSeconds: 30 } },
    });
    const result = await r.done;

    const pinned = `registry.test/shop/web@${DIGEST}`;
    expect(result.state).toBe('succeeded');
    expect(result.targets.map((t) => [t.targetId, t.state, t.batch, t.previousImage, t.image])).toEqual([
      ['t-web', 'succeeded', 1, V1, pinned],
      ['t-api', 'succeeded', 2, V1, pinned],
    ]);
    // Batch 2 starts only after batch 1 finished.
    expect(result.targets[1]!.startedAt!.getTime()).toBeGreaterThanOrEqual(result.targets[0]!.finishedAt!.getTime());
    expect(r.updates.map((u) => `${u.targetId}:${u.state}`)).toEqual([
      't-web:running',
      't-web:succeeded',
      't-api:running',
      't-api:succeeded',
    ]);
    for (const name of ['web', 'api']) {
      expect(imageOf('deployments', 'shop', name)).toBe(pinned);
      expect(livePods('shop', name).map((p) => p.spec.containers[0]!.image)).toEqual([pinned, pinned]);
    }
    expect(imageOf('deployments', 'shop', 'bystander')).toBe(V1);
    // Both batches shared one watch of the namespace's pods, one of its events (streamed
    // lists: no LIST) and one of its deployments; per workload only the read and the patch.
    const made = sim.requests.slice(since);
    const count = (path: string) => made.filter((q) => q.path === path).length;
    expect(count('/api/v1/namespaces/shop/pods')).toBe(1);
    expect(count('/api/v1/namespaces/shop/events')).toBe(1);
    expect(count('/apis/apps/v1/namespaces/shop/deployments')).toBe(1);
    for (const name of ['web', 'api']) {
      expect(
        made.filter((q) => q.path === `/apis/apps/v1/namespaces/shop/deployments/${name}`).map((q) => q.method),
      ).toEqual(['GET', 'PATCH']);
    }
    expect(writes(since).map((w) => `${w.method} ${w.path} ${w.contentType}`)).toEqual([
      'PATCH /apis/apps/v1/namespaces/shop/deployments/web application/json-patch+json',
      'PATCH /apis/apps/v1/namespaces/shop/deployments/api application/json-patch+json',
    ]);
    const text = r.text();
    expect(text).toContain(`deployment/web in namespace shop, container app: ${V1} → ${pinned}`);
    expect(text).toMatch(/deployment\/web: 2 desired, [01] updated, \d ready, \d available, [12] old/);
    expect(text).toContain('deployment/web: 2 desired, 2 updated, 2 ready, 2 available\n');
    expect(text).toMatch(
      new RegExp(
        `pod web-[a-z0-9]+-[a-z0-9]+ created \\(${pinned.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\): Pending`,
      ),
    );
    expect(text).toContain('deployment "web" successfully rolled out');
    expect(text).toContain('deployment "api" successfully rolled out');
    expect(text).not.toContain(SHOP);

    // The deployment page's detail followed each rollout live and ended on its final state.
    for (const [id, name] of [
      ['t-web', 'web'],
      ['t-api', 'api'],
    ] as const) {
      const ds = r.detailsOf(id);
      expect(ds.length).toBeGreaterThanOrEqual(2);
      const last = ds[ds.length - 1]!;
      expect(last).toMatchObject({ previousImage: V1, image: pinned });
      expect(last.replicas).toEqual({ desired: 2, updated: 2, ready: 2, available: 2 });
      expect(last.restore).toBeUndefined();
      const live = livePods('shop', name)
        .map((p) => p.metadata.name)
        .sort();
      expect(last.pods.filter((p) => live.includes(p.name)).sort((a, b) => a.name.localeCompare(b.name))).toEqual(
        live.map((n) => ({ name: n, phase: 'Running', ready: true, reason: null })),
      );
      // The first went out before the patch: the image to put back, the counts then.
      expect(ds[0]).toEqual({
        kind: 'kubernetes',
        workload: `Deployment/${name} in shop`,
        previousImage: V1,
        image: null,
        replicas: { desired: 2, updated: 2, ready: 2, available: 2 },
        pods: [],
      });
    }
  });

  it('a never-ready image fails at Wharf’s deadline; the previous image is put back and rolled out', async () => {
    sim.createDeployment({ namespace: 'shop', name: 'stuck', image: V1, replicas: 2 });
    await sim.waitForRollout('deployments', 'shop', 'stuck');
    const r = run({
      deploymentId: 'd-2',
      version: 'v3',
      image: { ref: 'registry.test/shop/web:never-ready' },
      targets: [target('t-stuck', 'stuck')],
      settings: { batchSize: 1, onFailure: 'stop', kubernetes: { rolloutTimeoutSeconds: 5 } },
    });
    const result = await r.done;
    const t = result.targets[0]!;
    expect(result.state).toBe('failed');
    expect(t.state).toBe('failed');
    expect(t.error?.code).toBe('rollout_timeout');
    expect(t.error?.message).toMatch(
      /rollout did not finish within 5 s \(Waiting for deployment "stuck" rollout to finish: 1 out of 2 new replicas have been updated\)/,
    );
    expect(t.restore).toEqual({ state: 'succeeded', message: `previous image ${V1} restored and rolled out` });
    const ds = r.detailsOf('t-stuck');
    const last = ds[ds.length - 1]!;
    expect(last).toMatchObject({
      previousImage: V1,
      image: 'registry.test/shop/web:never-ready',
      replicas: { desired: 2, updated: 2, ready: 2, available: 2 },
      restore: { state: 'succeeded', message: `previous image ${V1} restored and rolled out`, image: V1 },
    });
    // The stuck pod was shown running but not ready while the deadline ran.
    expect(ds.some((d) => d.pods.some((p) => p.phase === 'Running' && !p.ready))).toBe(true);
    // The restore was shown while it ran (the image going back, its own rollout's counts), and
    // stayed shown to the end.
    const restoring = ds.filter((d) => d.restore?.state === 'running');
    expect(restoring.length).toBeGreaterThanOrEqual(1);
    expect(restoring[0]!.restore).toEqual({ state: 'running', message: `restoring previous image ${V1}`, image: V1 });
    const firstRestoring = ds.indexOf(restoring[0]!);
    expect(ds.slice(firstRestoring).every((d) => d.restore !== undefined)).toBe(true);
    expect(imageOf('deployments', 'shop', 'stuck')).toBe(V1);
    await sim.waitForRollout('deployments', 'shop', 'stuck', 1000);
    expect(livePods('shop', 'stuck').map((p) => p.spec.containers[0]!.image)).toEqual([V1, V1]);
    const text = r.text();
    expect(text).toMatch(/pod stuck-[a-z0-9]+-[a-z0-9]+: Running, not ready/);
    expect(text).toMatch(/Warning Unhealthy pod\/stuck-[a-z0-9-]+: Readiness probe failed/);
    expect(text).toContain(
      'restoring deployment/stuck in namespace shop: image registry.test/shop/web:never-ready → ' + V1,
    );
    expect(text).toContain('deployment "stuck" successfully rolled out');
  });

  it('a crash-looping image shows the last 50 lines of its container’s log, fails at the progress deadline and is restored', async () => {
    sim.createDeployment({
      namespace: 'shop',
      name: 'crashy',
      image: V1,
      replicas: 1,
      spec: { progressDeadlineSeconds: 1 },
    });
    await sim.waitForRollout('deployments', 'shop', 'crashy');
    const r = run({
      deploymentId: 'd-3',
      version: 'v4',
      image: { ref: 'registry.test/shop/web:crash' },
      targets: [target('t-crashy', 'crashy')],
      settings: { batchSize: 1, onFailure: 'stop', kubernetes: { rolloutTimeoutSeconds: 30 } },
    });
    const result = await r.done;
    const t = result.targets[0]!;
    expect(t.state).toBe('failed');
    expect(t.error).toEqual({
      code: 'rollout_failed',
      message: `deployment "crashy" exceeded its progress deadline; previous image ${V1} restored and rolled out`,
    });
    const out = r.lines.filter((l) => l.stream === 'stdout').map((l) => l.text);
    expect(out).toHaveLength(50);
    expect(out[0]).toMatch(/^\[crashy-[a-z0-9]+-[a-z0-9]+\/app\] boot step 11$/);
    expect(out[49]).toMatch(/\/app\] Error: DATABASE_URL is not set$/);
    expect(out.every((l) => r.lines.find((x) => x.text === l)?.targetId === 't-crashy')).toBe(true);
    const text = r.text();
    expect(text).toMatch(/container app crashed \(Error, exit code 1\); its last 50 log line\(s\) before the restart:/);
    expect(text).toMatch(/Running, container app waiting: CrashLoopBackOff, 1 restart/);
    expect(r.detailsOf('t-crashy').some((d) => d.pods.some((p) => p.reason === 'CrashLoopBackOff'))).toBe(true);
    expect(text).toMatch(/Warning BackOff pod\/crashy-[a-z0-9-]+: Back-off restarting failed container app/);
    expect(imageOf('deployments', 'shop', 'crashy')).toBe(V1);
  });

  it('cancel mid-rollout restores the previous image and reports cancelled', async () => {
    sim.createDeployment({ namespace: 'shop', name: 'cancelme', image: V1, replicas: 2 });
    await sim.waitForRollout('deployments', 'shop', 'cancelme');
    const ac = new AbortController();
    const r = run(
      {
        deploymentId: 'd-4',
        version: 'v5',
        image: { ref: 'registry.test/shop/web:never-ready' },
        targets: [target('t-cancel', 'cancelme'), target('t-never', 'web')],
        settings: { batchSize: 1, onFailure: 'continue', kubernetes: { rolloutTimeoutSeconds: 60 } },
      },
      { signal: ac.signal, onLine: (l) => /pod cancelme-\S+ created/.test(l.text) && ac.abort() },
    );
    const result = await r.done;
    expect(result.state).toBe('cancelled');
    expect(result.targets.map((t) => [t.targetId, t.state])).toEqual([
      ['t-cancel', 'cancelled'],
      ['t-never', 'cancelled'],
    ]);
    expect(result.targets[0]!.restore?.state).toBe('succeeded');
    expect(result.targets[0]!.error?.code).toBe('cancelled');
    expect(imageOf('deployments', 'shop', 'cancelme')).toBe(V1);
    await sim.waitForRollout('deployments', 'shop', 'cancelme', 2000);
    expect(livePods('shop', 'cancelme').every((p) => p.spec.containers[0]!.image === V1)).toBe(true);
    // The second batch never touched its workload.
    expect(imageOf('deployments', 'shop', 'web')).toBe(`registry.test/shop/web@${DIGEST}`);
  });

  it('reaches the right outcome through two dropped watches, a 410 Gone and a burst of 503s mid-rollout', async () => {
    const v6 = 'registry.test/shop/web:v6';
    // Not ready until the faults are done, so they all hit a rollout in progress.
    sim.setImageBehavior(v6, { kind: 'never-ready' });
    sim.createDeployment({
      namespace: 'shop',
      name: 'flaky',
      image: V1,
      replicas: 3,
      spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } },
    });
    await sim.waitForRollout('deployments', 'shop', 'flaky');
    const watching = () => sim.requests.filter((r) => r.query.includes('watch=true')).length;
    const r = run({
      deploymentId: 'd-5',
      version: 'v6',
      image: { ref: v6 },
      targets: [target('t-flaky', 'flaky')],
      settings: { batchSize: 1, onFailure: 'stop', kubernetes: { rolloutTimeoutSeconds: 30 } },
    });
    // The workload, its pods and the namespace's events are watched: 3 watches.
    const threeOpen = () => waitUntil(() => sim.openWatches() === 3);
    await waitUntil(() => r.lines.some((l) => /pod flaky-\S+ created/.test(l.text)));
    await threeOpen();
    const before = watching();
    expect(sim.dropWatches()).toBe(3);
    await threeOpen();
    expect(sim.dropWatches()).toBe(3);
    await threeOpen();
    sim.failRequests(3, 503, (method, path) => method === 'GET' && path.startsWith('/api'));
    expect(sim.expireWatches()).toBe(3);
    await threeOpen();
    expect(watching() - before).toBeGreaterThanOrEqual(9);
    sim.setImageBehavior(v6, { kind: 'ok' });

    const result = await r.done;
    expect(result.state).toBe('succeeded');
    expect(imageOf('deployments', 'shop', 'flaky')).toBe(v6);
    expect(livePods('shop', 'flaky').map((p) => p.spec.containers[0]!.image)).toEqual(Array(3).fill(v6));
    const text = r.text();
    // The watches are the namespace's, shared by the release's workloads there.
    expect(text).toContain('watch of deployments in namespace shop expired (410 Gone); listing again');
    expect(text).toContain('watch of pods in namespace shop expired (410 Gone); listing again');
    // The relists are streamed watches now: a 503 there is retried as a list's was.
    expect(text).toMatch(/(pods|events) in namespace shop: the API server answered 503; retry 1 in 200 ms/);
    expect(text).toContain('deployment "flaky" successfully rolled out');
    expect(sim.requests.filter((q) => q.status === 503)).toHaveLength(3);
    // Every new pod was reported once as created, none lost to the gaps.
    const created = r.lines.filter((l) => /pod flaky-\S+ created/.test(l.text)).map((l) => l.text.split(' ')[1]);
    expect(new Set(created).size).toBe(created.length);
    expect(created.length).toBeGreaterThanOrEqual(3);
  });

  it('leaves a change someone else makes during the rollout alone: no success claimed, nothing restored over it', async () => {
    sim.createDeployment({ namespace: 'shop', name: 'shared', image: V1, replicas: 2 });
    await sim.waitForRollout('deployments', 'shop', 'shared');
    const hotfix = 'registry.test/shop/web:hotfix';
    const since = sim.requests.length;
    const r = run({
      deploymentId: 'd-10',
      version: 'v10',
      image: { ref: 'registry.test/shop/web:never-ready' },
      targets: [target('t-shared', 'shared')],
      settings: { batchSize: 1, onFailure: 'stop', kubernetes: { rolloutTimeoutSeconds: 30 } },
    });
    await waitUntil(() => r.lines.some((l) => /pod shared-\S+ created/.test(l.text)));
    await setImageAsAdmin('shared', hotfix);
    const result = await r.done;
    expect(result.targets[0]!.state).toBe('failed');
    expect(result.targets[0]!.error).toEqual({
      code: 'changed_by_someone_else',
      message: `the container's image was changed to ${hotfix} by someone else during the rollout; Wharf left it as it is`,
    });
    expect(result.targets[0]!.restore).toBeUndefined();
    expect(imageOf('deployments', 'shop', 'shared')).toBe(hotfix);
    expect(writes(since).filter((w) => w.user === 'wharf-shop')).toHaveLength(1);
  });

  it('does not restore over someone else’s image when the rollout then fails', async () => {
    sim.createDeployment({
      namespace: 'shop',
      name: 'shared2',
      image: V1,
      replicas: 1,
      spec: { progressDeadlineSeconds: 1 },
    });
    await sim.waitForRollout('deployments', 'shop', 'shared2');
    const theirs = 'registry.test/shop/web:never-ready-too';
    sim.setImageBehavior(theirs, { kind: 'never-ready' });
    const r = run({
      deploymentId: 'd-11',
      version: 'v11',
      image: { ref: 'registry.test/shop/web:never-ready' },
      targets: [target('t-shared2', 'shared2')],
      settings: { batchSize: 1, onFailure: 'stop', kubernetes: { rolloutTimeoutSeconds: 30 } },
    });
    await waitUntil(() => r.lines.some((l) => /pod shared2-\S+ created/.test(l.text)));
    await setImageAsAdmin('shared2', theirs);
    const result = await r.done;
    const t = result.targets[0]!;
    expect(t.error?.code).toBe('rollout_failed');
    expect(t.restore).toEqual({
      state: 'failed',
      message: `previous image not restored: the container's image was changed to ${theirs} by someone else meanwhile`,
    });
    expect(imageOf('deployments', 'shop', 'shared2')).toBe(theirs);
  });

  it('refuses a namespace the token may not touch: the target fails with the API server’s 403, nothing is patched', async () => {
    sim.createDeployment({ namespace: 'billing', name: 'ledger', image: V1, replicas: 1 });
    await sim.waitForRollout('deployments', 'billing', 'ledger');
    const since = sim.requests.length;
    const r = run({
      deploymentId: 'd-6',
      version: 'v7',
      image: { ref: 'registry.test/shop/web:v7' },
      targets: [target('t-ledger', 'ledger', { namespace: 'billing' })],
      settings: { batchSize: 1, onFailure: 'stop' },
    });
    const result = await r.done;
    expect(result.state).toBe('failed');
    expect(result.targets[0]!.error).toEqual({
      code: 'forbidden',
      message:
        'reading deployment/ledger in namespace billing: deployments.apps "ledger" is forbidden: User "wharf-shop" cannot get resource "deployments" in API group "apps" in the namespace "billing"',
    });
    expect(writes(since)).toEqual([]);
    expect(imageOf('deployments', 'billing', 'ledger')).toBe(V1);
  });

  it('refuses an image from another repository than the target allows', async () => {
    const since = sim.requests.length;
    const r = run({
      deploymentId: 'd-7',
      version: 'v8',
      image: { ref: 'registry.evil/other:v8' },
      targets: [target('t-api', 'api', { imageRepository: 'registry.test/shop/web' })],
      settings: { batchSize: 1, onFailure: 'stop' },
    });
    const result = await r.done;
    expect(result.targets[0]!.error).toEqual({
      code: 'image_not_allowed',
      message:
        'image registry.evil/other:v8 is not from registry.test/shop/web, the only repository this target releases',
    });
    expect(writes(since)).toEqual([]);
  });

  it('restart mode restarts the pods of a moving tag (restartedAt, like kubectl rollout restart)', async () => {
    const dev = 'registry.test/shop/web:dev';
    sim.createDeployment({
      namespace: 'shop',
      name: 'dev',
      image: dev,
      replicas: 2,
      containerFields: { imagePullPolicy: 'Always' },
    });
    await sim.waitForRollout('deployments', 'shop', 'dev');
    const before = new Set(livePods('shop', 'dev').map((p) => p.metadata.name));
    const r = run({
      deploymentId: 'd-8',
      version: 'dev-42',
      targets: [target('t-dev', 'dev')],
      settings: { batchSize: 1, onFailure: 'stop', kubernetes: { mode: 'restart' } },
    });
    const result = await r.done;
    expect(result.state).toBe('succeeded');
    expect(result.targets[0]).toMatchObject({ previousImage: dev, image: dev });
    const d = sim.get<Deployment>('deployments', 'shop', 'dev')!;
    expect(d.spec.template.metadata?.annotations?.[RESTARTED_AT]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(d.spec.template.spec.containers[0]!.image).toBe(dev);
    const after = livePods('shop', 'dev');
    expect(after).toHaveLength(2);
    expect(after.some((p) => before.has(p.metadata.name))).toBe(false);
    expect(r.text()).toContain('restarting pods of registry.test/shop/web:dev');
  });

  it('rolls out StatefulSets and DaemonSets, judged by kubectl’s rules for them', async () => {
    sim.createStatefulSet({ namespace: 'shop', name: 'db', image: V1, replicas: 2 });
    sim.createDaemonSet({ namespace: 'shop', name: 'agent', image: V1 });
    await sim.waitForRollout('statefulsets', 'shop', 'db');
    await sim.waitForRollout('daemonsets', 'shop', 'agent');
    const r = run({
      deploymentId: 'd-9',
      version: 'v9',
      image: { ref: 'registry.test/shop/web:v9' },
      targets: [target('t-db', 'db', { kind: 'StatefulSet' }), target('t-agent', 'agent', { kind: 'DaemonSet' })],
      settings: { batchSize: 2, onFailure: 'stop', kubernetes: { rolloutTimeoutSeconds: 30 } },
    });
    const result = await r.done;
    expect(result.state).toBe('succeeded');
    expect(result.targets.map((t) => t.batch)).toEqual([1, 1]);
    expect(sim.get<StatefulSet>('statefulsets', 'shop', 'db')!.status?.updatedReplicas).toBe(2);
    expect(livePods('shop', 'db').map((p) => p.spec.containers[0]!.image)).toEqual(
      Array(2).fill('registry.test/shop/web:v9'),
    );
    expect(livePods('shop', 'agent').map((p) => p.spec.containers[0]!.image)).toEqual(
      Array(3).fill('registry.test/shop/web:v9'),
    );
    const text = r.text();
    expect(text).toContain('partitioned roll out complete: 2 new pods have been updated...');
    expect(text).toContain('daemon set "agent" successfully rolled out');
  });
});

async function waitUntil(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
