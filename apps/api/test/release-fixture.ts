// A project wired to real sshd hosts: environment, SSH key credential, targets with
// approved host keys, and helpers to push sample-app versions and follow deployments.
import { buildSampleTarball, startSshHosts, type TestHosts } from '@wharf/test-hosts';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { DeploymentView } from '@wharf/shared';
import { TestClient } from './http-client.js';
import { TEST_ADMIN, type TestApp } from './test-env.js';

export interface ReleaseFixture {
  admin: TestClient;
  hosts: TestHosts;
  slug: string;
  envId: string;
  envName: string;
  targetIds: string[];
  token: string;
  workDir: string;
  /** `commit`: the commit the version was built from (as CI's `wharf artifact push` says). */
  push(
    version: string,
    opts?: { crashOnStart?: boolean; slowInstall?: boolean | number; commit?: string },
  ): Promise<void>;
  release(version: string, confirm?: string): Promise<DeploymentView>;
  waitFinished(id: string, timeoutMs?: number): Promise<DeploymentView>;
  waitFor(id: string, pred: (d: DeploymentView) => boolean, timeoutMs?: number): Promise<DeploymentView>;
  versionsServed(): Promise<(string | null)[]>;
}

export async function setupRelease(
  t: TestApp,
  opts: { hostCount: number; baseAddress: string; slug: string },
): Promise<ReleaseFixture> {
  const hosts = await startSshHosts({ count: opts.hostCount, baseAddress: opts.baseAddress });
  const admin = new TestClient(t.url);
  await admin.login(TEST_ADMIN.email, TEST_ADMIN.password);
  const workDir = await mkdtemp(join(tmpdir(), 'wharf-release-'));

  expect201(await admin.post('/api/v1/projects', { slug: opts.slug, name: opts.slug }));
  const envName = 'qa';
  const env = expect201(await admin.post(`/api/v1/projects/${opts.slug}/environments`, { name: envName }));
  const cred = expect201(
    await admin.post(`/api/v1/projects/${opts.slug}/credentials`, {
      name: 'deploy-key',
      kind: 'ssh_key',
      value: hosts.clientPrivateKey,
    }),
  );
  await admin.patch(`/api/v1/projects/${opts.slug}/environments/${env.id}/settings`, {
    health: { intervalMs: 300, timeoutMs: 2000, attempts: 20 },
    batchSize: 1,
  });
  const targetIds: string[] = [];
  for (const h of hosts.hosts) {
    const target = expect201(
      await admin.post(`/api/v1/projects/${opts.slug}/environments/${env.id}/targets`, {
        kind: 'ssh',
        name: h.name,
        credentialId: cred.id,
        config: {
          host: h.address,
          port: h.port,
          user: 'root',
          baseDir: h.baseDir,
          appName: `sample-${h.name}`,
          healthCheck: { type: 'http', url: `http://${h.address}:${h.appPort}/health` },
        },
      }),
    );
    const probe = await admin.post(`/api/v1/projects/${opts.slug}/targets/${target.id}/test-connection`);
    if (probe.status !== 200) throw new Error(`probe failed: ${JSON.stringify(probe.body)}`);
    const approved = await admin.put(`/api/v1/projects/${opts.slug}/targets/${target.id}/host-key`, {
      fingerprint: probe.body.fingerprint,
    });
    if (approved.status !== 200) throw new Error(`approve failed: ${JSON.stringify(approved.body)}`);
    targetIds.push(target.id);
  }
  const token = expect201(await admin.post(`/api/v1/projects/${opts.slug}/tokens`, { name: 'ci' })).token as string;

  const f: ReleaseFixture = {
    admin,
    hosts,
    slug: opts.slug,
    envId: env.id,
    envName,
    targetIds,
    token,
    workDir,
    async push(version, { commit, ...o } = {}) {
      const tarball = await buildSampleTarball({ version, outDir: workDir, ...o });
      const size = (await stat(tarball.path)).size;
      const res = await fetch(
        `${t.url}/api/v1/projects/${opts.slug}/artifacts/tarball?version=${encodeURIComponent(version)}&sha256=${tarball.sha256}${commit ? `&commit=${commit}` : ''}`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/gzip',
            'content-length': String(size),
          },
          body: Readable.toWeb(createReadStream(tarball.path)) as ReadableStream,
          duplex: 'half',
        } as RequestInit,
      );
      if (res.status !== 201) throw new Error(`push ${version} failed: ${res.status} ${await res.text()}`);
    },
    async release(version, confirm) {
      const res = await admin.post(`/api/v1/projects/${opts.slug}/deployments`, {
        environmentId: env.id,
        version,
        ...(confirm ? { confirm } : {}),
      });
      if (res.status !== 201) throw new Error(`release ${version} failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as DeploymentView;
    },
    waitFinished(id, timeoutMs = 120_000) {
      return f.waitFor(id, (d) => ['succeeded', 'failed', 'cancelled'].includes(d.state), timeoutMs);
    },
    async waitFor(id, pred, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const d = (await admin.get(`/api/v1/projects/${opts.slug}/deployments/${id}`)).body as DeploymentView;
        if (pred(d)) return d;
        if (Date.now() > deadline)
          throw new Error(`deployment ${id} did not reach the expected state; now ${JSON.stringify(d)}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async versionsServed() {
      return Promise.all(
        hosts.hosts.map(async (h) => {
          try {
            const res = await fetch(`http://${h.address}:${h.appPort}/`, { signal: AbortSignal.timeout(3000) });
            return ((await res.json()) as { version: string }).version;
          } catch {
            return null;
          }
        }),
      );
    },
  };
  return f;
}

function expect201(res: { status: number; body: any }): any {
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`expected 201, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function readLog(admin: TestClient, slug: string, id: string): Promise<string> {
  const res = await admin.get(`/api/v1/projects/${slug}/deployments/${id}/logs/download`);
  return typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
}

export { readFile };
