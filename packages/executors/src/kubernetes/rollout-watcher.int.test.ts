// RolloutWatch on the release's shared watches: the workload is watched from the
// resourceVersion it was read at (no list), the rollout is still decided as kubectl decides
// it, and the workloads of one namespace share one watch of pods, events and workloads
// (streaming lists where the server has them, list + watch where it refuses them).
import { startK8sSim, type K8sSim } from '@wharf/test-hosts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeConfigFor } from './cluster-access.js';
import { ReleaseWatches } from './release-watches.js';
import { RolloutWatch } from './rollout-watcher.js';
import { WorkloadClient } from './workload-client.js';

const V2 = 'registry.test/web:v2';
const setImage = (client: WorkloadClient, image: string) =>
  client.patch(
    [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: image }],
    'json',
    'setting the image',
  );

describe.each([
  { watchList: true, name: 'a server with streaming lists' },
  { watchList: false, name: 'a server without streaming lists (1.33)' },
])('RolloutWatch on shared watches, $name', ({ watchList }) => {
  let sim: K8sSim;

  beforeAll(async () => {
    sim = await startK8sSim({
      namespaces: ['shop'],
      watchList,
      timing: { tickMs: 20, podStartMs: 30, podReadyMs: 30 },
    });
    for (const name of ['web', 'api', 'worker'])
      sim.createDeployment({ namespace: 'shop', name, image: `registry.test/${name}:v1`, replicas: 2 });
    for (const name of ['web', 'api', 'worker']) await sim.waitForRollout('deployments', 'shop', name);
  });

  afterAll(async () => {
    await sim?.stop();
  });

  it('follows three rollouts of one namespace on one watch each of pods, events and deployments', async () => {
    const access = { server: sim.url, caPem: sim.caPem, auth: { token: sim.adminToken } };
    const watches = new ReleaseWatches();
    const { key, kc } = watches.cluster(access, () => kubeConfigFor(access));
    const shared = watches.namespace(key, 'shop');
    const since = sim.requests.length;
    const lines = new Map<string, string[]>();
    try {
      const outcomes = await Promise.all(
        ['web', 'api', 'worker'].map(async (name) => {
          const client = new WorkloadClient(kc, { namespace: 'shop', kind: 'Deployment', name });
          const log: string[] = [];
          lines.set(name, log);
          const current = await client.read();
          const watch = new RolloutWatch(client, current, shared, (_s, text) => log.push(text));
          await watch.prepare();
          const patched = await setImage(client, V2.replace('web', name));
          expect(patched.status?.observedGeneration ?? 0).toBeLessThan(patched.metadata!.generation!);
          return {
            name,
            generation: patched.metadata!.generation!,
            outcome: await watch.follow({
              minGeneration: patched.metadata!.generation!,
              timeoutMs: 15_000,
              from: patched,
            }),
          };
        }),
      );
      for (const { name, generation, outcome } of outcomes) {
        const log = lines.get(name)!;
        expect(outcome.kind, log.join('\n')).toBe('done');
        const own = log.filter((l) => l.startsWith('deployment/'));
        // Every line of a tracker is about its own workload and its own new pods.
        expect(own.every((l) => l.startsWith(`deployment/${name}: `))).toBe(true);
        expect(own[0]).toBe(
          `deployment/${name}: waiting for the controller to observe the change (generation ${generation})`,
        );
        expect(own.filter((l) => l.includes('waiting for the controller'))).toHaveLength(1);
        expect(own[own.length - 1]).toBe(`deployment/${name}: 2 desired, 2 updated, 2 ready, 2 available`);
        const created = log.filter((l) => / created /.test(l));
        expect(created.length).toBeGreaterThanOrEqual(2);
        expect(created.every((l) => l.startsWith(`pod ${name}-`))).toBe(true);
      }
    } finally {
      watches.stop();
    }

    const made = sim.requests.slice(since);
    const on = (suffix: string) => made.filter((r) => r.path === `/api/v1/namespaces/shop/${suffix}`);
    const deployments = made.filter((r) => r.path === '/apis/apps/v1/namespaces/shop/deployments');
    // The deployments: one watch for the three, from the first read's version, never a list.
    expect(deployments).toHaveLength(1);
    expect(deployments[0]!.query).toContain('watch=true');
    expect(deployments[0]!.query).toMatch(/resourceVersion=\d+/);
    for (const what of ['pods', 'events']) {
      const rs = on(what);
      if (watchList) {
        // One request: the list streamed at the start of the watch.
        expect(rs.map((r) => r.query.includes('sendInitialEvents=true'))).toEqual([true]);
      } else {
        // Refused once (422), remembered for the cluster: then one list and one watch.
        const refused = rs.filter((r) => r.status === 422);
        expect(refused.length).toBeLessThanOrEqual(1);
        expect(
          rs.filter((r) => r.status !== 422).map((r) => (r.query.includes('watch=true') ? 'watch' : 'list')),
        ).toEqual(['list', 'watch']);
      }
    }
    // Per workload: the read and the patch; everything else is shared.
    const perWorkload = made.filter((r) => /\/deployments\/(web|api|worker)$/.test(r.path));
    expect(perWorkload.map((r) => r.method).sort()).toEqual(['GET', 'GET', 'GET', 'PATCH', 'PATCH', 'PATCH']);
  });

  it('relists after 410 Gone and resumes after a dropped watch, on the shared watches', async () => {
    const access = { server: sim.url, caPem: sim.caPem, auth: { token: sim.adminToken } };
    const watches = new ReleaseWatches();
    const { key, kc } = watches.cluster(access, () => kubeConfigFor(access));
    const shared = watches.namespace(key, 'shop');
    const client = new WorkloadClient(kc, { namespace: 'shop', kind: 'Deployment', name: 'web' });
    const log: string[] = [];
    try {
      const current = await client.read();
      const watch = new RolloutWatch(client, current, shared, (_s, text) => log.push(text));
      await watch.prepare();
      const patched = await setImage(client, 'registry.test/web:v3');
      const following = watch.follow({
        minGeneration: patched.metadata!.generation!,
        timeoutMs: 15_000,
        from: patched,
      });
      expect(sim.expireWatches()).toBeGreaterThanOrEqual(3);
      await new Promise((r) => setTimeout(r, 30));
      sim.dropWatches();
      const outcome = await following;
      expect(outcome.kind, log.join('\n')).toBe('done');
      expect(log.filter((l) => l.includes('expired (410 Gone); listing again')).length).toBeGreaterThanOrEqual(1);
      expect(log[log.length - 1]).toBe('deployment/web: 2 desired, 2 updated, 2 ready, 2 available');
    } finally {
      watches.stop();
    }
  });
});
