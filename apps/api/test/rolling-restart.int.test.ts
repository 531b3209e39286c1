// Rolling restarts through the whole platform: API → Postgres → BullMQ → worker → the Consul
// simulator and three real Node services built on @wharf/service-kit under pm2 (which starts a
// fresh process whenever one exits), plus the SSH variant on real sshd + pm2 hosts. Releases
// come from the API and from a GitLab webhook; refusals happen at the API before any row exists.
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { freePort, type TestHost } from '@wharf/test-hosts';
import { startConsulSim, type ConsulSim } from '@wharf/test-hosts/consul-sim';
import type { CredentialView, DeploymentView, RestartInstanceView } from '@wharf/shared';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningWorker } from '../src/worker-app.js';
import { memberClient } from './fixtures.js';
import { pushPayload, randomSha } from './fixtures/gitlab/gitlab-fixtures.js';
import { readLog, setupRelease } from './release-fixture.js';
import { startTestApp, type TestApp } from './test-env.js';
import { ok, setupHookProject, startTestWorker, type HookProject } from './webhook-fixture.js';

// The executors' kit-service fixture (real services on @wharf/service-kit under pm2). It lives
// beside the executor's own tests and is not built into the package, so it is loaded by path;
// this is the part of its shape these tests use.
interface KitServices {
  services: { id: string }[];
  starts(s: { id: string }): Promise<number>;
  waitAllPassing(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}
type StartKitServices = (o: { sim: ConsulSim; count: number; service: string; secret: string }) => Promise<KitServices>;
const KIT_FIXTURE = fileURLToPath(
  new URL('../../../packages/executors/src/rolling-restart/kit-services.fixture.ts', import.meta.url),
);

const SECRET = 'orders-restart-secret-5b1d0c7e';
const SERVICE = 'orders';

let t: TestApp;
let worker: RunningWorker;
let sim: ConsulSim;
let ks: KitServices;
let p: HookProject;
let envUrl: string;
let targetId: string;

/** The Consul target's config; tests change one field and put it back. */
function consulConfig(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    consulUrl: sim.agents[0]!.url,
    service: SERVICE,
    pollIntervalMs: 100,
    maxPolls: 50,
    readinessDelaySeconds: 0.2,
    ...over,
  };
}

async function setTargetConfig(over: Record<string, unknown> = {}): Promise<void> {
  ok(await p.admin.patch(`/api/v1/projects/${p.slug}/targets/${targetId}`, { config: consulConfig(over) }));
}

async function setSecret(value: string): Promise<void> {
  ok(await p.admin.put(`${envUrl}/variables`, { name: 'WHARF_RESTART_SECRET', value, secret: true }));
}

async function release(version = '1.0.0', confirm?: string): Promise<DeploymentView> {
  const res = await p.admin.post(`/api/v1/projects/${p.slug}/deployments`, {
    environmentId: p.envIds.staging,
    version,
    ...(confirm ? { confirm } : {}),
  });
  if (res.status !== 201) throw new Error(`release failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as DeploymentView;
}

async function waitFor(id: string, pred: (d: DeploymentView) => boolean, timeoutMs = 90_000): Promise<DeploymentView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = ok(await p.admin.get(`/api/v1/projects/${p.slug}/deployments/${id}`)) as DeploymentView;
    if (pred(d)) return d;
    if (Date.now() > deadline)
      throw new Error(`deployment ${id} did not reach the expected state: ${JSON.stringify(d)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const finished = (id: string): Promise<DeploymentView> =>
  waitFor(id, (d) => ['succeeded', 'failed', 'cancelled'].includes(d.state));

function instancesOf(d: DeploymentView): RestartInstanceView[] {
  const detail = d.targets[0]?.detail;
  if (detail?.kind !== 'rolling-restart') throw new Error(`no rolling-restart detail: ${JSON.stringify(d.targets)}`);
  return detail.instances;
}

const starts = (): Promise<number[]> => Promise.all(ks.services.map((s) => ks.starts(s)));

/** The pid pm2 records for an SSH test host's app (its only one). */
async function appPid(h: TestHost): Promise<number> {
  const files = (await readdir(join(h.pm2Home, 'pids'))).filter((f) => f.endsWith('.pid'));
  if (files.length !== 1) throw new Error(`expected one pm2 app on ${h.name}, found ${files.join(', ')}`);
  return Number((await readFile(join(h.pm2Home, 'pids', files[0]!), 'utf8')).trim());
}

beforeAll(async () => {
  t = await startTestApp();
  worker = await startTestWorker(t);
  sim = await startConsulSim({ agents: 2 });
  const { startKitServices } = (await import(KIT_FIXTURE)) as { startKitServices: StartKitServices };
  ks = await startKitServices({ sim, count: 3, service: SERVICE, secret: SECRET });
  p = await setupHookProject(t, 'rr', [{ name: 'staging', rules: [{ pattern: 'main' }] }]);
  envUrl = `/api/v1/projects/${p.slug}/environments/${p.envIds.staging}`;
  targetId = ok(
    await p.admin.post(`${envUrl}/targets`, { kind: 'consul', name: 'orders-consul', config: consulConfig() }),
  ).id;
  await p.pushArtifact('1.0.0', randomSha());
}, 180_000);

afterAll(async () => {
  await worker?.stop();
  await ks?.stop();
  await sim?.stop();
  await t?.close();
});

describe('rolling restart through Consul', { timeout: 120_000 }, () => {
  it('refuses at the API without a restart secret, naming the variable; a short or plain one is refused too', async () => {
    const res = await p.admin.post(`/api/v1/projects/${p.slug}/deployments`, {
      environmentId: p.envIds.staging,
      version: '1.0.0',
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('WHARF_RESTART_SECRET');
    expect(await p.deployments()).toEqual([]);

    const short = await p.admin.put(`${envUrl}/variables`, {
      name: 'WHARF_RESTART_SECRET',
      value: 'short',
      secret: true,
    });
    expect(short.status).toBe(400);
    expect(short.body.message).toContain('at least 16 characters');
    const plain = await p.admin.put(`${envUrl}/variables`, { name: 'WHARF_RESTART_SECRET', value: SECRET });
    expect(plain.status).toBe(400);
    expect(plain.body.message).toContain('must be a secret variable');
    await setSecret(SECRET);
  });

  it('restarts all three instances one at a time, never below the minimum healthy, in a stable order', async () => {
    const before = await starts();
    // How many instances Consul shows passing at any moment (minimum: all but one).
    let minPassing = Infinity;
    const sampler = setInterval(() => {
      minPassing = Math.min(minPassing, new Set(sim.health(SERVICE, { passing: true }).map((e) => e.Service.ID)).size);
    }, 5);
    let d: DeploymentView;
    try {
      d = await finished((await release()).id);
    } finally {
      clearInterval(sampler);
    }
    expect(d.state).toBe('succeeded');
    expect(d.targets[0]!.state).toBe('succeeded');
    const instances = instancesOf(d);
    expect(instances.map((i) => i.position)).toEqual([1, 2, 3]);
    expect(instances.map((i) => i.instance.split('@')[0])).toEqual(ks.services.map((s) => s.id));
    expect(instances.every((i) => i.state === 'healthy' && i.polls >= 1 && i.error === null)).toBe(true);
    // One at a time: each started after the previous one was healthy again.
    for (let i = 1; i < instances.length; i++) {
      expect(Date.parse(instances[i]!.startedAt!)).toBeGreaterThanOrEqual(Date.parse(instances[i - 1]!.finishedAt!));
    }
    expect(minPassing).toBeGreaterThanOrEqual(2);
    expect(await starts()).toEqual(before.map((n) => n + 1));
    const log = await readLog(p.admin, p.slug, d.id);
    expect(log).toContain('3 of 3 restarted and healthy');
    expect(log).toContain('at least 2 of 3 must stay healthy');
    expect(log).not.toContain(SECRET);

    // A second release restarts them in the same order.
    const again = await finished((await release()).id);
    expect(again.state).toBe('succeeded');
    expect(instancesOf(again).map((i) => i.instance)).toEqual(instances.map((i) => i.instance));
  });

  it('skips instances that refuse the restart secret, per the failure policy, with a clear log', async () => {
    await setSecret('not-the-secret-the-instances-have');
    try {
      const before = await starts();
      // stop: the first refusal skips it and stops; the others are skipped untouched.
      const stopped = await finished((await release()).id);
      expect(stopped.state).toBe('failed');
      const s = instancesOf(stopped);
      expect(s.map((i) => i.state)).toEqual(['skipped', 'skipped', 'skipped']);
      expect(s[0]!.error).toMatch(/restart call failed \(HTTP 403 {"error":"wrong_secret"}\); instance skipped/);
      expect(s[1]!.error).toContain(`stopped after ${ks.services[0]!.id} failed`);
      const stopLog = await readLog(p.admin, p.slug, stopped.id);
      expect(stopLog).toMatch(new RegExp(`\\[${ks.services[0]!.id}\\] restart call failed`));
      expect(stopLog).not.toMatch(new RegExp(`\\[${ks.services[1]!.id}\\] POST`));

      // continue: every instance is asked, each refusal is reported.
      ok(await p.admin.patch(`${envUrl}/settings`, { onFailure: 'continue' }));
      const cont = await finished((await release()).id);
      expect(cont.state).toBe('failed');
      const c = instancesOf(cont);
      expect(c.map((i) => i.state)).toEqual(['skipped', 'skipped', 'skipped']);
      expect(c.every((i) => /restart call failed \(HTTP 403 {"error":"wrong_secret"}\)/.test(i.error ?? ''))).toBe(
        true,
      );
      expect(await readLog(p.admin, p.slug, cont.id)).toContain('0 of 3 restarted and healthy, 0 failed, 3 skipped');
      expect(await starts()).toEqual(before);
    } finally {
      ok(await p.admin.patch(`${envUrl}/settings`, { onFailure: 'stop' }));
      await setSecret(SECRET);
    }
  });

  it('refuses a protected environment unless an admin allowed it; a maintainer cannot; both changes audited', async () => {
    ok(await p.admin.patch(envUrl, { protected: true }));
    try {
      const refused = await p.admin.post(`/api/v1/projects/${p.slug}/deployments`, {
        environmentId: p.envIds.staging,
        version: '1.0.0',
        confirm: 'staging',
      });
      expect(refused.status).toBe(403);
      expect(refused.body.message).toContain('staging is protected: rolling restarts are refused');

      const projectId = ok(await p.admin.get(`/api/v1/projects/${p.slug}`)).id as string;
      const { client: maintainer } = await memberClient(t, projectId, 'maintainer');
      const denied = await maintainer.patch(`${envUrl}/settings`, { rollingRestart: { allowOnProtected: true } });
      expect(denied.status).toBe(403);
      expect(denied.body.message).toContain('only an administrator');
      // Other fields keep their rule: a maintainer may change them, and may send the switch unchanged.
      const other = await maintainer.patch(`${envUrl}/settings`, {
        rollingRestart: { readinessDelaySeconds: 3, allowOnProtected: false },
      });
      expect(other.status).toBe(200);
      expect(ok(await p.admin.get(`${envUrl}/settings`)).rollingRestart.allowOnProtected).toBe(false);

      const allowed = ok(await p.admin.patch(`${envUrl}/settings`, { rollingRestart: { allowOnProtected: true } }));
      expect(allowed.rollingRestart.allowOnProtected).toBe(true);
      const audit = ok(
        await p.admin.get(`/api/v1/projects/${p.slug}/audit?action=environment.rolling_restart_allowed`),
      );
      expect(audit.items).toHaveLength(1);
      expect(audit.items[0].actor).toBe('admin@test.local');
      expect(audit.items[0].data).toMatchObject({ environment: 'staging', protected: true, allowOnProtected: true });

      const d = await finished((await release('1.0.0', 'staging')).id);
      expect(d.state).toBe('succeeded');
      expect(instancesOf(d).every((i) => i.state === 'healthy')).toBe(true);

      ok(await p.admin.patch(`${envUrl}/settings`, { rollingRestart: { allowOnProtected: false } }));
      const off = ok(
        await p.admin.get(`/api/v1/projects/${p.slug}/audit?action=environment.rolling_restart_disallowed`),
      );
      expect(off.items).toHaveLength(1);
    } finally {
      ok(await p.admin.patch(envUrl, { protected: false }));
    }
  });

  it('fails before touching any instance when Consul is unreachable or lists no such service', async () => {
    const before = await starts();
    const deadPort = await freePort('127.0.0.1');
    await setTargetConfig({ consulUrl: `http://127.0.0.1:${deadPort}` });
    try {
      const d = await finished((await release()).id);
      expect(d.state).toBe('failed');
      expect(d.targets[0]!.state).toBe('failed');
      expect(d.targets[0]!.error).toMatch(/127\.0\.0\.1:\d+/);
      // Discovery failed: no instance was listed, so none was touched.
      expect(d.targets[0]!.detail).toBeNull();
      const log = await readLog(p.admin, p.slug, d.id);
      expect(log).toContain(`asking Consul (http://127.0.0.1:${deadPort}) for the instances of ${SERVICE}`);
      expect(log).not.toContain('POST http://');
      expect(await starts()).toEqual(before);

      // Consul answers, but lists no such service: the same clear failure.
      await setTargetConfig({ service: 'no-such-service' });
      const missing = await finished((await release()).id);
      expect(missing.state).toBe('failed');
      expect(missing.targets[0]!.error).toContain('Consul lists no instance of no-such-service');
      expect(missing.targets[0]!.detail).toBeNull();
      expect(await starts()).toEqual(before);
    } finally {
      await setTargetConfig();
    }
  });

  it('cancel stops before the next instance', async () => {
    // A long readiness wait after the first instance: the cancel lands in it.
    await setTargetConfig({ readinessDelaySeconds: 120 });
    try {
      const before = await starts();
      const d = await release();
      await waitFor(
        d.id,
        (x) => x.targets[0]?.detail?.kind === 'rolling-restart' && instancesOf(x)[0]?.state === 'healthy',
      );
      ok(await p.admin.post(`/api/v1/projects/${p.slug}/deployments/${d.id}/cancel`));
      const done = await finished(d.id);
      expect(done.state).toBe('cancelled');
      expect(instancesOf(done).map((i) => i.state)).toEqual(['healthy', 'cancelled', 'cancelled']);
      expect(await starts()).toEqual([before[0]! + 1, before[1], before[2]]);
      const log = await readLog(p.admin, p.slug, d.id);
      expect(log).toContain('waiting 120 s for readiness before the next instance');
      expect(log).not.toMatch(new RegExp(`\\[${ks.services[1]!.id}\\] POST`));
    } finally {
      await setTargetConfig();
      await ks.waitAllPassing();
    }
  });

  it('sends a token credential only to the origins it lists: a target pointed elsewhere is refused and that address hears nothing', async () => {
    // A server a maintainer controls: it records every request (and any token in it).
    const heard: string[] = [];
    const rogue = createServer((req, res) => {
      heard.push(`${req.method} ${req.url} token=${String(req.headers['x-consul-token'])}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    });
    await new Promise<void>((r) => rogue.listen(0, '127.0.0.1', r));
    const rogueUrl = `http://127.0.0.1:${(rogue.address() as AddressInfo).port}`;
    const token = 'acl-token-only-the-admin-knows';
    const simOrigins = sim.agents.map((a) => new URL(a.url).origin);
    const credUrl = `/api/v1/projects/${p.slug}/credentials`;
    const cred = ok(
      await p.admin.post(credUrl, { name: 'consul-acl', kind: 'token', value: token, allowedOrigins: simOrigins }),
    ) as CredentialView;
    expect(cred.allowedOrigins).toEqual(simOrigins);
    const targetUrl = `/api/v1/projects/${p.slug}/targets/${targetId}`;
    const projectId = ok(await p.admin.get(`/api/v1/projects/${p.slug}`)).id as string;
    const { client: maintainer } = await memberClient(t, projectId, 'maintainer');
    try {
      // Where the credential may go, it is used (the restart runs as before).
      ok(await p.admin.patch(targetUrl, { credentialId: cred.id }));
      const allowed = await finished((await release()).id);
      expect(allowed.state).toBe('succeeded');
      await ks.waitAllPassing();

      // A maintainer (who cannot read the token) points the target at their own server.
      const before = await starts();
      ok(await maintainer.patch(targetUrl, { config: consulConfig({ consulUrl: rogueUrl }) }));
      const d = await finished((await release()).id);
      expect(d.state).toBe('failed');
      expect(d.targets[0]!.error).toBe(
        `orders-consul's token credential may be sent only to ${simOrigins.join(', ')}, not to ${rogueUrl}; rotate the credential (re-enter the token) with that address under "May be sent to"`,
      );
      // An agent beside an allowed address is refused the same way.
      ok(await maintainer.patch(targetUrl, { config: consulConfig({ agents: [rogueUrl] }) }));
      const viaAgent = await finished((await release()).id);
      expect(viaAgent.state).toBe('failed');
      expect(viaAgent.targets[0]!.error).toContain(`not to ${rogueUrl};`);
      expect(heard).toEqual([]);
      expect(await starts()).toEqual(before);

      // Rotating the value without a list keeps the list; changing the list needs the value.
      const rotated = ok(await maintainer.put(`${credUrl}/${cred.id}/secret`, { value: token })) as CredentialView;
      expect(rotated.allowedOrigins).toEqual(simOrigins);
    } finally {
      ok(await p.admin.patch(targetUrl, { credentialId: null, config: consulConfig() }));
      ok(await p.admin.delete(`${credUrl}/${cred.id}`));
      await new Promise((r) => rogue.close(r));
      await ks.waitAllPassing();
    }
  });

  it('a GitLab push matching an auto-deploy rule runs the rolling restart', async () => {
    const before = await starts();
    const sha = randomSha();
    await p.pushArtifact('1.1.0', sha);
    const hook = await p.send(pushPayload({ branch: 'main', sha, commitAt: new Date() }), { event: 'Push Hook' });
    expect(hook.status).toBe(202);
    const delivery = await p.settled(hook.body.deliveryId as string);
    expect(delivery.outcome).toBe('deployed');
    const created = (await p.deployments()).find((x) => x.version === '1.1.0' && x.trigger === 'webhook');
    expect(created).toBeDefined();
    const d = await finished(created!.id);
    expect(d.state).toBe('succeeded');
    expect(instancesOf(d).map((i) => i.state)).toEqual(['healthy', 'healthy', 'healthy']);
    expect(await starts()).toEqual(before.map((n) => n + 1));
  });
});

describe('rolling restart over SSH (strategy rolling-restart)', { timeout: 240_000 }, () => {
  it('reloads each host one at a time behind the health gate', async () => {
    const f = await setupRelease(t, { hostCount: 2, baseAddress: '127.0.0.170', slug: 'rr-ssh' });
    try {
      await f.push('1.0.0');
      expect((await f.waitFinished((await f.release('1.0.0')).id)).state).toBe('succeeded');
      const settingsUrl = `/api/v1/projects/${f.slug}/environments/${f.envId}/settings`;
      ok(
        await f.admin.patch(settingsUrl, {
          strategy: 'rolling-restart',
          rollingRestart: { readinessDelaySeconds: 0.2 },
        }),
      );

      const pidsBefore = await Promise.all(f.hosts.hosts.map(appPid));
      const d = await f.waitFinished((await f.release('1.0.0')).id);
      expect(d.state).toBe('succeeded');
      expect(d.targets.map((x) => x.state)).toEqual(['succeeded', 'succeeded']);
      // Every host's app was reloaded: a new process serves.
      const pidsAfter = await Promise.all(f.hosts.hosts.map(appPid));
      pidsAfter.forEach((pid, i) => expect(pid).not.toBe(pidsBefore[i]));
      const hosts = d.targets.map((x) => {
        if (x.detail?.kind !== 'rolling-restart') throw new Error(`no detail: ${JSON.stringify(x)}`);
        return x.detail.instances[0]!;
      });
      expect(hosts.map((h) => h.state)).toEqual(['healthy', 'healthy']);
      expect(hosts.map((h) => h.position)).toEqual([1, 2]);
      // The second host started only after the first was healthy again.
      expect(Date.parse(hosts[1]!.startedAt!)).toBeGreaterThanOrEqual(Date.parse(hosts[0]!.finishedAt!));
      expect(await f.versionsServed()).toEqual(['1.0.0', '1.0.0']);
      const log = await readLog(f.admin, f.slug, d.id);
      expect(log).toMatch(/pm2 reload/);
      expect(log).toMatch(/waiting 0\.2 s/);

      // A restart uploads nothing, so an image version is no reason to refuse it (a release would be).
      ok(
        await f.admin.post(`/api/v1/projects/${f.slug}/artifacts/image`, {
          version: 'img-1',
          image: 'registry.example.com/team/app:img-1',
        }),
      );
      expect((await f.waitFinished((await f.release('img-1')).id)).state).toBe('succeeded');
      expect(await f.versionsServed()).toEqual(['1.0.0', '1.0.0']);
      ok(await f.admin.patch(settingsUrl, { strategy: 'release' }));
      const refused = await f.admin.post(`/api/v1/projects/${f.slug}/deployments`, {
        environmentId: f.envId,
        version: 'img-1',
      });
      expect(refused.status).toBe(400);
      expect(refused.body.message).toMatch(/SSH targets need a tarball version/);
    } finally {
      await f.hosts.stop();
    }
  });
});
