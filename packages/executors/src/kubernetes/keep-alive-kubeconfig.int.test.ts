// A release's requests to one cluster reuse keep-alive connections (client-node alone opens
// a new TLS connection per request), watches apart from calls, and TLS is still verified
// against the target's CA.
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

  const untilWatching = async () => {
    while (sim.openWatches() === 0) await new Promise((r) => setTimeout(r, 5));
  };

  it('sends calls made one after another over one connection, and keeps it free of watches', async () => {
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
      // Patch once the watch holds its connection, so a shared pool would have none free.
      void watch
        .start()
        .then(() => untilWatching())
        .then(() => client.patch({ metadata: { labels: { touched: 'yes' } } }, 'strategic', 'label'));
    });
    await seen;
    const recs = sim.requests.slice(since);
    const watches = recs.filter((r) => r.query.includes('watch=true'));
    const calls = recs.filter((r) => !r.query.includes('watch=true'));
    expect(calls.map((r) => r.method)).toEqual(['GET', 'GET', 'GET', 'PATCH']);
    expect(watches).toHaveLength(1);
    const read = calls[0]!.connectionId;
    expect(new Set(calls.map((r) => r.connectionId))).toEqual(new Set([read]));
    // The watch holds a connection of its own; the patch, sent while it is open, reuses the calls'.
    const watch = watches[0]!.connectionId;
    expect(watch).not.toBe(read);
  });

  it('still refuses a server whose certificate does not chain to the given CA', async () => {
    const client = new WorkloadClient(kubeConfigFor(access(other.caPem)), workload, { attempts: 1 });
    const since = sim.requests.length;
    await expect(client.read()).rejects.toThrow();
    expect(sim.requests.length).toBe(since);
  });
});
