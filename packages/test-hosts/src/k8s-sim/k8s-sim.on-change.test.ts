// onChange(): the simulator reports every stored change as it happens, so a benchmark can
// timestamp the moment a rollout completes without polling. Recorded requests carry their
// arrival time and connection, so a benchmark can tell round trips and TLS handshakes apart.
import { Agent, request } from 'node:https';
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

  it('records when each request arrived and which connection carried it', async () => {
    const get = (agent: Agent) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${sim.url}/version`, { ca: sim.caPem, agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end();
      });
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    const since = sim.requests.length;
    const before = Date.now();
    await get(keepAlive);
    await get(keepAlive);
    await get(new Agent());
    keepAlive.destroy();
    const recs = sim.requests.slice(since);
    expect(recs).toHaveLength(3);
    expect(recs.every((r) => r.receivedAt >= before && r.receivedAt <= Date.now())).toBe(true);
    expect(recs[0]!.connectionId).toBe(recs[1]!.connectionId);
    expect(recs[2]!.connectionId).not.toBe(recs[0]!.connectionId);
  });
});
