// onChange(): the simulator reports every stored change as it happens, so a benchmark can
// timestamp the moment a rollout completes without polling.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment } from './k8s-types.js';
import { startK8sSim, type K8sSim, type SimChange } from './k8s-sim.js';

describe('k8s simulator onChange', () => {
  let sim: K8sSim;

  beforeAll(async () => {
    sim = await startK8sSim({ namespaces: ['shop'], timing: { tickMs: 10, podStartMs: 20, podReadyMs: 20 } });
  });

  afterAll(async () => {
    await sim?.stop();
  });

  it('sees the controller write the status that completes a rollout, and stops after unsubscribing', async () => {
    const changes: SimChange[] = [];
    const unsubscribe = sim.onChange((c) => changes.push(c));
    sim.createDeployment({ namespace: 'shop', name: 'web', image: 'registry.test/web:v1', replicas: 2 });
    await sim.waitForRollout('deployments', 'shop', 'web');
    unsubscribe();

    expect(changes.some((c) => c.resource === 'deployments' && c.type === 'ADDED')).toBe(true);
    expect(changes.some((c) => c.resource === 'pods' && c.type === 'ADDED')).toBe(true);
    const lastStatus = changes.filter((c) => c.resource === 'deployments').at(-1)!.object as Deployment;
    expect(lastStatus.status).toMatchObject({ updatedReplicas: 2, replicas: 2, availableReplicas: 2 });
    const seen = changes.length;
    sim.createDeployment({ namespace: 'shop', name: 'api', image: 'registry.test/api:v1', replicas: 1 });
    expect(changes).toHaveLength(seen);
  });
});
