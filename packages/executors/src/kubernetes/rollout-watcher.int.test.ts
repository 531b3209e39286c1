// follow() from the patched workload: the rollout is watched from the patch's
// resourceVersion (no list first) and still decided as kubectl decides it.
import { startK8sSim, type K8sSim } from '@wharf/test-hosts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeConfigFor } from './cluster-access.js';
import { RolloutWatch } from './rollout-watcher.js';
import { WorkloadClient } from './workload-client.js';

describe('RolloutWatch.follow from a patched workload', () => {
  let sim: K8sSim;
  const workload = { namespace: 'shop', kind: 'Deployment' as const, name: 'web', container: 'app' };

  beforeAll(async () => {
    sim = await startK8sSim({ namespaces: ['shop'], timing: { tickMs: 20, podStartMs: 30, podReadyMs: 30 } });
    sim.createDeployment({ namespace: 'shop', name: 'web', image: 'registry.test/web:v1', replicas: 2 });
    await sim.waitForRollout('deployments', 'shop', 'web');
  });

  afterAll(async () => {
    await sim?.stop();
  });

  it('watches from the patch without listing the workload, and sees the rollout through', async () => {
    const kc = kubeConfigFor({ server: sim.url, caPem: sim.caPem, auth: { token: sim.adminToken } });
    const client = new WorkloadClient(kc, workload);
    const lines: string[] = [];
    const watch = new RolloutWatch(client, 'app=web', (_stream, text) => lines.push(text));
    await watch.prepare();
    const patched = await client.patch(
      [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'registry.test/web:v2' }],
      'json',
      'setting the image',
    );
    const since = sim.requests.length;
    const outcome = await watch.follow({
      minGeneration: patched.metadata!.generation!,
      timeoutMs: 15_000,
      from: patched,
    });

    expect(outcome.kind, lines.join('\n')).toBe('done');
    // The patched object still carries the old status (3 of 3 of the old template): no count is
    // reported as the new rollout's before the controller observed the new generation.
    const generation = patched.metadata!.generation!;
    expect(patched.status?.observedGeneration ?? 0).toBeLessThan(generation);
    const workloadLines = lines.filter((l) => l.startsWith('deployment/web: '));
    expect(workloadLines[0]).toBe(
      `deployment/web: waiting for the controller to observe the change (generation ${generation})`,
    );
    expect(workloadLines.filter((l) => l.includes('waiting for the controller'))).toHaveLength(1);
    expect(workloadLines[workloadLines.length - 1]).toBe('deployment/web: 2 desired, 2 updated, 2 ready, 2 available');
    const workloadRequests = sim.requests
      .slice(since)
      .filter((r) => r.path === '/apis/apps/v1/namespaces/shop/deployments');
    expect(workloadRequests).toHaveLength(1);
    expect(workloadRequests[0]!.query).toContain('watch=true');
    expect(workloadRequests[0]!.query).toContain(`resourceVersion=${patched.metadata!.resourceVersion}`);
  });
});
