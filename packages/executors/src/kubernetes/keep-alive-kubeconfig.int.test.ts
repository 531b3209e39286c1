// A release's requests to one cluster reuse keep-alive connections (client-node alone opens
// a new TLS connection per request), and TLS is still verified against the target's CA.
import { startK8sSim, type K8sSim } from '@wharf/test-hosts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeConfigFor, type ClusterAccess } from './cluster-access.js';
import { ResilientWatch } from './resilient-watch.js';
import { WorkloadClient } from './workload-client.js';
import type { WorkloadObject } from './workload-types.js';

describe('kubeConfigFor connections', () => {
  let sim: K8sSim;
  let other: K8sSim;
  const workload = { namespace: 'shop', kind: 'Deployment' as const, name: 'web', container: 'app' };
  const access = (caPem = sim.caPem): ClusterAccess => ({ server: sim.url, caPem, auth: { token: sim.adminToken } });

  beforeAll(async () => {
    sim = await startK8sSim({ namespaces: ['shop'], timing: { tickMs: 20, podStartMs: 20, podReadyMs: 20 } });
    other = await startK8sSim();
    sim.createDeployment({ namespace: 'shop', name: 'web', image: 'registry.test/web:v1', replicas: 1 });
    await sim.waitForRollout('deployments', 'shop', 'web');
  });

  afterAll(async () => {
    await sim?.stop();
    await other?.stop();
  });

  it('sends requests made one after another, and a watch after them, over one connection', async () => {
    const client = new WorkloadClient(kubeConfigFor(access()), workload);
    const since = sim.requests.length;
    await client.read();
    await client.listPods('app=web');
    const listed = await client.list();
    const seen = new Promise<void>((resolve) => {
      const watch: ResilientWatch<WorkloadObject> = new ResilientWatch<WorkloadObject>({
        kc: client.kc,
        path: client.collectionPath,
        what: 'web',
        list: () => Promise.resolve(listed),
        handlers: {
          onList: () => undefined,
          onEvent: () => {
            watch.stop();
            resolve();
          },
        },
      });
      void watch.start().then(() => client.patch({ metadata: { labels: { touched: 'yes' } } }, 'strategic', 'label'));
    });
    await seen;
    const recs = sim.requests.slice(since);
    expect(recs.map((r) => r.method)).toEqual(['GET', 'GET', 'GET', 'GET', 'PATCH']);
    // The patch runs while the watch holds the first connection: it needs a second one.
    expect(new Set(recs.slice(0, 4).map((r) => r.connectionId)).size).toBe(1);
    expect(new Set(recs.map((r) => r.connectionId)).size).toBe(2);
  });

  it('still refuses a server whose certificate does not chain to the given CA', async () => {
    const client = new WorkloadClient(kubeConfigFor(access(other.caPem)), workload, { attempts: 1 });
    const since = sim.requests.length;
    await expect(client.read()).rejects.toThrow();
    expect(sim.requests.length).toBe(since);
  });
});
