// "Test connection" of Kubernetes targets against the simulator: every way a credential
// can fall short is reported there, by the check it fails, never by a release.
import { startK8sSim, type K8sSim } from '@wharf/test-hosts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterAccess } from './cluster-access.js';
import { testKubernetesConnection } from './kubernetes-preflight.js';

const FULL = 'full-access-token-1234';
const READ_ONLY = 'read-only-token-5678';
const NO_WATCH = 'no-watch-token-9012';

describe('testKubernetesConnection', () => {
  let sim: K8sSim;
  let other: K8sSim;
  const access = (token: string, s = sim): ClusterAccess => ({ server: s.url, caPem: s.caPem, auth: { token } });
  const workload = { namespace: 'shop', kind: 'Deployment' as const, name: 'web', container: 'app' };
  const summary = (checks: { name: string; status: string }[]) => checks.map((c) => `${c.name}:${c.status}`);

  beforeAll(async () => {
    sim = await startK8sSim({
      namespaces: ['shop', 'billing'],
      tokens: [
        { token: FULL, user: 'wharf', namespaces: ['shop'] },
        { token: READ_ONLY, user: 'viewer', namespaces: ['shop'], verbs: ['get', 'list', 'watch'] },
        { token: NO_WATCH, user: 'patcher', namespaces: ['shop'], verbs: ['get', 'patch'] },
      ],
      timing: { tickMs: 20, podStartMs: 40, podReadyMs: 40 },
    });
    other = await startK8sSim();
    sim.createDeployment({ namespace: 'shop', name: 'web', image: 'registry.test/web:v1', replicas: 2 });
    sim.createDeployment({ namespace: 'billing', name: 'ledger', image: 'registry.test/ledger:v1', replicas: 1 });
    await sim.waitForRollout('deployments', 'shop', 'web');
  });

  afterAll(async () => {
    await sim?.stop();
    await other?.stop();
  });

  it('passes every check and shows the current image and replicas', async () => {
    const since = sim.requests.length;
    const v = await testKubernetesConnection({ cluster: access(FULL), workload });
    expect(summary(v.checks)).toEqual([
      'reachable:passed',
      'authenticated:passed',
      'workload:passed',
      'patch:passed',
      'observe:passed',
    ]);
    expect(v.ok).toBe(true);
    expect(v.currentImage).toBe('registry.test/web:v1');
    expect(v.replicas).toEqual({ desired: 2, ready: 2, updated: 2, available: 2 });
    expect(v.serverVersion).toBe('v1.32.0-wharf-sim');
    // Test connection only reads (SelfSubjectAccessReviews are questions, not changes).
    const writes = sim.requests
      .slice(since)
      .filter((r) => r.method !== 'GET' && !r.path.endsWith('/selfsubjectaccessreviews'));
    expect(writes).toEqual([]);
  });

  it('reports a namespace the token may not touch at the workload check', async () => {
    const v = await testKubernetesConnection({
      cluster: access(FULL),
      workload: { ...workload, namespace: 'billing', name: 'ledger' },
    });
    expect(v.ok).toBe(false);
    expect(summary(v.checks)).toEqual([
      'reachable:passed',
      'authenticated:passed',
      'workload:failed',
      'patch:skipped',
      'observe:skipped',
    ]);
    expect(v.checks[2]!.message).toBe('the credential may not get deployments.apps in namespace billing');
    expect(v.currentImage).toBeNull();
  });

  it('reports a missing patch permission, and missing watch permissions, by name', async () => {
    const ro = await testKubernetesConnection({ cluster: access(READ_ONLY), workload });
    expect(summary(ro.checks)).toEqual([
      'reachable:passed',
      'authenticated:passed',
      'workload:passed',
      'patch:failed',
      'observe:passed',
    ]);
    expect(ro.checks[3]!.message).toBe(
      'the credential may not patch deployments.apps "web" in namespace shop: a release could not change the image',
    );
    expect(ro.currentImage).toBe('registry.test/web:v1');

    const nw = await testKubernetesConnection({ cluster: access(NO_WATCH), workload });
    expect(summary(nw.checks)).toEqual([
      'reachable:passed',
      'authenticated:passed',
      'workload:passed',
      'patch:passed',
      'observe:failed',
    ]);
    expect(nw.checks[4]!.message).toBe(
      'the credential lacks watch deployments.apps, list pods, watch pods, list events, watch events in namespace shop: Wharf could not follow a rollout',
    );
  });

  it('reports a wrong token, a missing workload or container, and a CA that does not sign the server', async () => {
    const bad = await testKubernetesConnection({ cluster: access('not-a-token'), workload });
    expect(summary(bad.checks)).toEqual([
      'reachable:passed',
      'authenticated:failed',
      'workload:skipped',
      'patch:skipped',
      'observe:skipped',
    ]);
    expect(bad.checks[1]!.message).toBe('the API server did not accept the credential (401 Unauthorized)');
    expect(JSON.stringify(bad)).not.toContain('not-a-token');

    const missing = await testKubernetesConnection({ cluster: access(FULL), workload: { ...workload, name: 'nope' } });
    expect(missing.checks[2]).toEqual({
      name: 'workload',
      status: 'failed',
      message: 'reading deployment/nope in namespace shop: deployments.apps "nope" not found',
    });
    const noContainer = await testKubernetesConnection({
      cluster: access(FULL),
      workload: { ...workload, container: 'sidecar' },
    });
    expect(noContainer.checks[2]!.message).toBe(
      'deployment/web in namespace shop has no container "sidecar" (it has: app)',
    );
    expect(noContainer.replicas).toEqual({ desired: 2, ready: 2, updated: 2, available: 2 });

    // The other simulator's CA did not sign this server's certificate: TLS verification
    // refuses before any request (and so the token) is sent.
    const before = sim.requests.length;
    const wrongCa = await testKubernetesConnection({ cluster: { ...access(FULL), caPem: other.caPem }, workload });
    expect(summary(wrongCa.checks)).toEqual([
      'reachable:failed',
      'authenticated:skipped',
      'workload:skipped',
      'patch:skipped',
      'observe:skipped',
    ]);
    expect(wrongCa.checks[0]!.message).toMatch(/TLS certificate does not verify against the configured CA/);
    expect(sim.requests.length).toBe(before);
  });
});
