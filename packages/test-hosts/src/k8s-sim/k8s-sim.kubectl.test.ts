// The simulator is only worth testing against if a real client accepts it: these tests
// drive it with the real kubectl (v1.32 on the build machines).
import { execFile, spawn } from 'node:child_process';
import { request } from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment, Pod, ReplicaSet } from './k8s-types.js';
import { startK8sSim, type K8sSim } from './k8s-sim.js';

const run = promisify(execFile);
const NS = 'shop';
const LIMITED = 'token-for-shop-only';

describe('k8s simulator, checked with the real kubectl', () => {
  let sim: K8sSim;
  let kubeconfig: string;
  let limitedKubeconfig: string;

  async function kubectl(
    args: string[],
    opts: { kc?: string; timeoutMs?: number } = {},
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const r = await run(
        'kubectl',
        ['--kubeconfig', opts.kc ?? kubeconfig, '--cache-dir', join(sim.rootDir, 'kube-cache'), ...args],
        {
          timeout: opts.timeoutMs ?? 20_000,
          env: { PATH: process.env.PATH, HOME: sim.rootDir },
        },
      );
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  }

  const imageOf = (name: string) =>
    sim.get<Deployment>('deployments', NS, name)!.spec.template.spec.containers[0]!.image;
  const replicaSets = (name: string) =>
    sim.list<ReplicaSet>('replicasets', NS).filter((rs) => rs.metadata.ownerReferences?.[0]?.name === name);

  beforeAll(async () => {
    sim = await startK8sSim({
      namespaces: ['default', NS, 'billing'],
      tokens: [
        { token: 'admin-token', user: 'admin', namespaces: '*' },
        { token: LIMITED, user: 'shop-deployer', namespaces: [NS] },
      ],
      images: {
        'registry.test/web:never-ready': { kind: 'never-ready' },
      },
      timing: { tickMs: 20, podStartMs: 60, podReadyMs: 60, podTerminateMs: 40 },
    });
    kubeconfig = await sim.writeKubeconfig({ namespace: NS });
    limitedKubeconfig = await sim.writeKubeconfig({ token: LIMITED, namespace: NS });
  });

  afterAll(async () => {
    await sim?.stop();
  });

  it('set image, then rollout status exits 0 once every replica runs the new image', async () => {
    sim.createDeployment({ namespace: NS, name: 'web', image: 'registry.test/web:v1', replicas: 2 });
    expect((await kubectl(['rollout', 'status', 'deployment/web', '--timeout=15s'])).code).toBe(0);

    const set = await kubectl(['set', 'image', 'deployment/web', 'app=registry.test/web:v2']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('deployment.apps/web image updated');
    const status = await kubectl(['rollout', 'status', 'deployment/web', '--timeout=15s']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('deployment "web" successfully rolled out');

    expect(imageOf('web')).toBe('registry.test/web:v2');
    const pods = sim.podsOf(NS, 'web').filter((p) => !p.metadata.deletionTimestamp);
    expect(pods).toHaveLength(2);
    expect(pods.every((p) => p.spec.containers[0]!.image === 'registry.test/web:v2')).toBe(true);
    const revisions = replicaSets('web').map((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision']);
    expect(revisions.sort()).toEqual(['1', '2']);
    const history = await kubectl(['rollout', 'history', 'deployment/web']);
    expect(history.stdout).toMatch(/1\s+<none>\s+2\s+<none>/);
  });

  it('rollout status exits non-zero on an image that never gets ready (kubectl --timeout and the progress deadline)', async () => {
    // No progress deadline to speak of (600 s): only kubectl's own --timeout can end this one.
    sim.createDeployment({ namespace: NS, name: 'stuck', image: 'registry.test/web:v1', replicas: 2 });
    // This one's Deployment gives up after 1 s without progress.
    sim.createDeployment({
      namespace: NS,
      name: 'expired',
      image: 'registry.test/web:v1',
      replicas: 2,
      spec: { progressDeadlineSeconds: 1 },
    });
    await sim.waitForRollout('deployments', NS, 'stuck');
    await sim.waitForRollout('deployments', NS, 'expired');
    for (const name of ['stuck', 'expired']) {
      expect((await kubectl(['set', 'image', `deployment/${name}`, 'app=registry.test/web:never-ready'])).code).toBe(0);
    }

    const timedOut = await kubectl(['rollout', 'status', 'deployment/stuck', '--timeout=1s']);
    expect(timedOut.code).not.toBe(0);
    expect(timedOut.stdout).toContain(
      'Waiting for deployment "stuck" rollout to finish: 1 out of 2 new replicas have been updated',
    );
    expect(timedOut.stderr, timedOut.stdout).toContain('timed out waiting for the condition');

    // Without kubectl's own timeout, the Progressing=False/ProgressDeadlineExceeded condition ends it.
    const deadline = await kubectl(['rollout', 'status', 'deployment/expired', '--timeout=15s']);
    expect(deadline.code).not.toBe(0);
    expect(deadline.stderr).toContain('deployment "expired" exceeded its progress deadline');
    // maxUnavailable 25% of 2 rounds down to 0: the old pods kept serving.
    const ready = sim
      .podsOf(NS, 'expired')
      .filter((p) => p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    expect(ready.map((p) => p.spec.containers[0]!.image)).toEqual(['registry.test/web:v1', 'registry.test/web:v1']);
  });

  it('rollout undo puts the previous template back, reusing its ReplicaSet as the newest revision', async () => {
    const before = replicaSets('stuck').length;
    const undo = await kubectl(['rollout', 'undo', 'deployment/stuck']);
    expect(undo.code, undo.stderr).toBe(0);
    expect(undo.stdout).toContain('deployment.apps/stuck rolled back');
    expect((await kubectl(['rollout', 'status', 'deployment/stuck', '--timeout=15s'])).code).toBe(0);
    expect(imageOf('stuck')).toBe('registry.test/web:v1');
    const sets = replicaSets('stuck');
    expect(sets).toHaveLength(before);
    const v1 = sets.find((rs) => rs.spec.template.spec.containers[0]!.image === 'registry.test/web:v1')!;
    expect(v1.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect(v1.spec.replicas).toBe(2);
    const bad = sets.find((rs) => rs !== v1)!;
    expect(bad.spec.replicas).toBe(0);
  });

  it('rollout restart stamps restartedAt on the template and replaces every pod', async () => {
    const oldPods = new Set(sim.podsOf(NS, 'web').map((p) => p.metadata.name));
    const r = await kubectl(['rollout', 'restart', 'deployment/web']);
    expect(r.code, r.stderr).toBe(0);
    expect((await kubectl(['rollout', 'status', 'deployment/web', '--timeout=15s'])).code).toBe(0);
    const d = sim.get<Deployment>('deployments', NS, 'web')!;
    expect(d.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toMatch(/^\d{4}-\d\d-\d\dT/);
    await waitFor(() => sim.podsOf(NS, 'web').length === 2);
    expect(sim.podsOf(NS, 'web').some((p) => oldPods.has(p.metadata.name))).toBe(false);
  });

  it('get pods -w prints the current pods, then new ones as a rollout creates them', async () => {
    const child = spawn(
      'kubectl',
      [
        '--kubeconfig',
        kubeconfig,
        '--cache-dir',
        join(sim.rootDir, 'kube-cache'),
        'get',
        'pods',
        '-l',
        'app=web',
        '-w',
      ],
      {
        env: { PATH: process.env.PATH, HOME: sim.rootDir },
      },
    );
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    try {
      const existing = sim.podsOf(NS, 'web').map((p) => p.metadata.name);
      await waitFor(() => existing.every((n) => out.includes(n)));
      expect(out).toMatch(/NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
      expect((await kubectl(['set', 'image', 'deployment/web', 'app=registry.test/web:v3'])).code).toBe(0);
      await waitFor(() => sim.podsOf(NS, 'web').some((p) => p.spec.containers[0]!.image === 'registry.test/web:v3'));
      const fresh = sim.podsOf(NS, 'web').find((p) => p.spec.containers[0]!.image === 'registry.test/web:v3')!;
      await waitFor(() => new RegExp(`${fresh.metadata.name}\\s+1/1\\s+Running`).test(out));
      expect(out).toMatch(new RegExp(`${fresh.metadata.name}\\s+0/1\\s+(Pending|ContainerCreating)`));
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('StatefulSets and DaemonSets roll out with set image + rollout status', async () => {
    sim.createStatefulSet({ namespace: NS, name: 'db', image: 'registry.test/db:v1', replicas: 3 });
    sim.createDaemonSet({ namespace: NS, name: 'agent', image: 'registry.test/agent:v1' });
    await sim.waitForRollout('statefulsets', NS, 'db');
    await sim.waitForRollout('daemonsets', NS, 'agent');
    expect((await kubectl(['set', 'image', 'statefulset/db', 'app=registry.test/db:v2'])).code).toBe(0);
    const sts = await kubectl(['rollout', 'status', 'statefulset/db', '--timeout=15s']);
    expect(sts.code, sts.stderr).toBe(0);
    expect(sts.stdout).toContain('roll out complete: 3 new pods have been updated');
    expect(sim.podsOf(NS, 'db').map((p) => p.spec.containers[0]!.image)).toEqual(Array(3).fill('registry.test/db:v2'));

    expect((await kubectl(['set', 'image', 'daemonset/agent', 'app=registry.test/agent:v2'])).code).toBe(0);
    const ds = await kubectl(['rollout', 'status', 'daemonset/agent', '--timeout=15s']);
    expect(ds.code, ds.stderr).toBe(0);
    expect(ds.stdout).toContain('daemon set "agent" successfully rolled out');
    const agents = sim.podsOf(NS, 'agent').filter((p) => !p.metadata.deletionTimestamp);
    expect(new Set(agents.map((p) => p.spec.nodeName)).size).toBe(3);
    expect(agents.every((p) => p.spec.containers[0]!.image === 'registry.test/agent:v2')).toBe(true);
  });

  it('refuses a namespace the token may not touch (403), and an unknown token (401)', async () => {
    sim.createDeployment({ namespace: 'billing', name: 'ledger', image: 'registry.test/ledger:v1', replicas: 1 });
    const own = await kubectl(['get', 'deployment', 'web', '-o', 'name'], { kc: limitedKubeconfig });
    expect(own.code, own.stderr).toBe(0);
    expect(own.stdout.trim()).toBe('deployment.apps/web');

    const other = await kubectl(['-n', 'billing', 'set', 'image', 'deployment/ledger', 'app=registry.test/ledger:v2'], {
      kc: limitedKubeconfig,
    });
    expect(other.code).not.toBe(0);
    expect(other.stderr).toContain(
      'deployments.apps "ledger" is forbidden: User "shop-deployer" cannot get resource "deployments" in API group "apps" in the namespace "billing"',
    );
    expect(sim.get<Deployment>('deployments', 'billing', 'ledger')!.spec.template.spec.containers[0]!.image).toBe(
      'registry.test/ledger:v1',
    );

    const can = await kubectl(['auth', 'can-i', 'patch', 'deployments', '-n', 'billing'], { kc: limitedKubeconfig });
    expect(can.stdout.trim()).toBe('no');
    const canOwn = await kubectl(['auth', 'can-i', 'patch', 'deployments', '-n', NS], { kc: limitedKubeconfig });
    expect(canOwn.stdout.trim()).toBe('yes');

    const badKc = await sim.writeKubeconfig({ token: 'not-a-token', namespace: NS });
    const anon = await kubectl(['get', 'deployments'], { kc: badKc });
    expect(anon.code).not.toBe(0);
    expect(anon.stderr).toMatch(/Unauthorized|must be logged in/);
  });

  it('a watch from a compacted resourceVersion answers 410 Gone (Expired); a dropped watch just ends', async () => {
    const d = sim.get<Deployment>('deployments', NS, 'web')!;
    const oldRv = d.metadata.resourceVersion;
    sim.expireWatches();
    const lines = await watchOnce(
      sim,
      `/apis/apps/v1/namespaces/${NS}/deployments?watch=true&resourceVersion=${oldRv}`,
    );
    expect(lines).toHaveLength(1);
    const ev = JSON.parse(lines[0]!) as { type: string; object: { code: number; reason: string } };
    expect(ev.type).toBe('ERROR');
    expect(ev.object).toMatchObject({ code: 410, reason: 'Expired' });

    const pending = watchOnce(
      sim,
      `/api/v1/namespaces/${NS}/pods?watch=true&resourceVersion=0&labelSelector=app%3Dweb`,
    );
    await waitFor(() => sim.openWatches() === 1);
    expect(sim.dropWatches()).toBe(1);
    const added = (await pending).map((l) => JSON.parse(l) as { type: string; object: Pod });
    expect(added.length).toBeGreaterThanOrEqual(2);
    expect(added.every((e) => e.type === 'ADDED' && e.object.metadata.labels?.app === 'web')).toBe(true);
  });

  it('5xx bursts answer Status objects, then the API serves again', async () => {
    sim.failRequests(2, 503, (method, path) => method === 'GET' && path.endsWith('/deployments/web'));
    for (let i = 0; i < 2; i++) {
      const r = await kubectl(['get', 'deployment', 'web', '-o', 'name']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('the server is currently unable to handle the request');
    }
    expect(sim.requests.filter((r) => r.status === 503)).toHaveLength(2);
    const after = await kubectl(['get', 'deployment', 'web', '-o', 'name']);
    expect(after.stdout.trim()).toBe('deployment.apps/web');
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One raw watch request; resolves with its lines when the server ends it. */
function watchOnce(sim: K8sSim, path: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${sim.url}${path}`,
      { ca: sim.caPem, headers: { Authorization: `Bearer ${sim.adminToken}` } },
      (res) => {
        let body = '';
        res.on('data', (b: Buffer) => (body += b.toString()));
        res.on('end', () => resolve(body.split('\n').filter((l) => l.trim())));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
