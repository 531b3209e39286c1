// Targets over real HTTP: typed config per kind, credential ownership, roles, hostile input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from './http-client.js';
import { startTestApp, TEST_ADMIN, type TestApp } from './test-env.js';

let t: TestApp;
let admin: TestClient;
const PASSWORD = 'member-password-123';
const P = '/api/v1/projects';

async function member(email: string, slug: string, role: 'viewer' | 'deployer' | 'maintainer'): Promise<TestClient> {
  expect((await admin.post('/api/v1/users', { email, name: 'someone', password: PASSWORD })).status).toBe(201);
  expect((await admin.put(`${P}/${slug}/members`, { email, role })).status).toBe(200);
  const c = new TestClient(t.url);
  await c.login(email, PASSWORD);
  return c;
}

const sshConfig = { host: '127.0.0.2', port: 2222, user: 'deploy', baseDir: '/srv/shop', appName: 'shop' };
let prodId: string;
let stagingId: string;
let otherEnvId: string;
let tokenCredId: string;
let sshCredId: string;
let otherCredId: string;

beforeAll(async () => {
  t = await startTestApp();
  admin = new TestClient(t.url);
  await admin.login(TEST_ADMIN.email, TEST_ADMIN.password);
  for (const slug of ['tg', 'tg-other']) expect((await admin.post(P, { slug, name: slug })).status).toBe(201);
  stagingId = (await admin.post(`${P}/tg/environments`, { name: 'staging' })).body.id;
  prodId = (await admin.post(`${P}/tg/environments`, { name: 'prod' })).body.id;
  otherEnvId = (await admin.post(`${P}/tg-other/environments`, { name: 'prod' })).body.id;
  tokenCredId = (await admin.post(`${P}/tg/credentials`, { name: 'consul-token', kind: 'token', value: 'tok-123' }))
    .body.id;
  otherCredId = (await admin.post(`${P}/tg-other/credentials`, { name: 'theirs', kind: 'token', value: 'tok-456' }))
    .body.id;
  const { generateKeyPairSync } = await import('node:crypto');
  // ssh2 reads OpenSSH and PEM (PKCS#1/SEC1) keys; an RSA PKCS#1 key is the simplest to make here.
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs1', format: 'pem' })
    .toString();
  const ssh = await admin.post(`${P}/tg/credentials`, { name: 'deploy-key', kind: 'ssh_key', value: rsa });
  expect(ssh.status).toBe(201);
  sshCredId = ssh.body.id;
});
afterAll(async () => {
  await t?.close();
});

describe('targets as admin', () => {
  it('creates an ssh target with defaults filled in, lists, updates and deletes it', async () => {
    const created = await admin.post(`${P}/tg/environments/${prodId}/targets`, {
      kind: 'ssh',
      name: 'web-1',
      config: sshConfig,
      credentialId: sshCredId,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      environmentId: prodId,
      name: 'web-1',
      kind: 'ssh',
      credentialId: sshCredId,
      config: { ...sshConfig, healthCheck: { type: 'none' } },
    });

    const list = await admin.get(`${P}/tg/targets`);
    expect(list.body).toEqual([created.body]);

    // A partial config is merged over the stored one and the whole is re-validated.
    const upd = await admin.patch(`${P}/tg/targets/${created.body.id}`, {
      name: 'web-01',
      config: { port: 22, healthCheck: { type: 'http', url: 'http://127.0.0.1:3000/health' } },
    });
    expect(upd.status).toBe(200);
    expect(upd.body).toMatchObject({
      name: 'web-01',
      config: {
        ...sshConfig,
        port: 22,
        healthCheck: { type: 'http', url: 'http://127.0.0.1:3000/health', expectStatus: 200 },
      },
    });

    const detached = await admin.patch(`${P}/tg/targets/${created.body.id}`, { credentialId: null });
    expect(detached.body.credentialId).toBeNull();
    expect(detached.body.config.port).toBe(22);

    expect((await admin.delete(`${P}/tg/targets/${created.body.id}`)).status).toBe(204);
    expect((await admin.get(`${P}/tg/targets`)).body).toEqual([]);
    expect((await admin.delete(`${P}/tg/targets/${created.body.id}`)).status).toBe(404);
  });

  it('filters the list by environment and validates the filter', async () => {
    const k = await admin.post(`${P}/tg/environments/${stagingId}/targets`, {
      kind: 'kubernetes',
      name: 'k8s',
      config: { apiUrl: 'http://127.0.0.1:6443', namespace: 'shop', deployment: 'web', container: 'app' },
    });
    expect(k.status).toBe(201);
    const c = await admin.post(`${P}/tg/environments/${prodId}/targets`, {
      kind: 'consul',
      name: 'consul',
      config: { consulUrl: 'http://127.0.0.1:8500', service: 'shop' },
      credentialId: tokenCredId,
    });
    expect(c.status).toBe(201);
    expect(c.body.config).toEqual({
      consulUrl: 'http://127.0.0.1:8500',
      agents: [],
      service: 'shop',
      restartPath: '/-/restart',
      healthPath: '/health',
      minHealthy: null,
      pollIntervalMs: 10_000,
      maxPolls: 12,
      readinessDelaySeconds: 10,
    });
    // The readiness delay is 0-120 s: anything else is refused when saved.
    for (const readinessDelaySeconds of [-1, 121, '10']) {
      const refused = await admin.patch(`${P}/tg/targets/${c.body.id}`, { config: { readinessDelaySeconds } });
      expect(refused.status).toBe(400);
      expect(refused.body.issues[0].path).toBe('config.readinessDelaySeconds');
    }
    const saved = await admin.patch(`${P}/tg/targets/${c.body.id}`, {
      config: { readinessDelaySeconds: 120, agents: ['http://127.0.0.2:8500'], minHealthy: 2 },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.config).toMatchObject({
      readinessDelaySeconds: 120,
      agents: ['http://127.0.0.2:8500'],
      minHealthy: 2,
    });

    expect((await admin.get(`${P}/tg/targets?environmentId=${stagingId}`)).body.map((x: any) => x.name)).toEqual([
      'k8s',
    ]);
    expect((await admin.get(`${P}/tg/targets?environmentId=${prodId}`)).body.map((x: any) => x.name)).toEqual([
      'consul',
    ]);
    // Ordered by environment position: staging was created first.
    expect((await admin.get(`${P}/tg/targets`)).body.map((x: any) => x.name)).toEqual(['k8s', 'consul']);
    const bad = await admin.get(`${P}/tg/targets?environmentId=nope`);
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toBe('environmentId');
    expect((await admin.get(`${P}/tg/targets?environmentId=${otherEnvId}`)).status).toBe(404);

    await admin.delete(`${P}/tg/targets/${k.body.id}`);
    await admin.delete(`${P}/tg/targets/${c.body.id}`);
  });

  it('rejects config that does not fit the kind, on create and on update', async () => {
    const wrongKind = await admin.post(`${P}/tg/environments/${prodId}/targets`, {
      kind: 'ssh',
      name: 'x',
      config: { apiUrl: 'http://127.0.0.1' },
    });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body.issues.map((i: any) => i.path)).toEqual(
      expect.arrayContaining(['config.host', 'config.user']),
    );

    const t1 = (
      await admin.post(`${P}/tg/environments/${prodId}/targets`, { kind: 'ssh', name: 'cfg', config: sshConfig })
    ).body;
    const badPort = await admin.patch(`${P}/tg/targets/${t1.id}`, { config: { port: 70000 } });
    expect(badPort.status).toBe(400);
    expect(badPort.body.issues[0].path).toBe('config.port');
    const hostile = await admin.patch(`${P}/tg/targets/${t1.id}`, {
      config: { baseDir: '/srv/../etc', host: '$(id)' },
    });
    expect(hostile.status).toBe(400);
    expect(hostile.body.issues.map((i: any) => i.path).sort()).toEqual(['config.baseDir', 'config.host']);
    // Nothing was changed by the refused updates.
    const stored = (await admin.get(`${P}/tg/targets?environmentId=${prodId}`)).body.find((x: any) => x.id === t1.id);
    expect(stored.config).toEqual({ ...sshConfig, healthCheck: { type: 'none' } });
    await admin.delete(`${P}/tg/targets/${t1.id}`);
  });

  it('refuses a credential of another project or of the wrong kind with 400', async () => {
    const foreign = await admin.post(`${P}/tg/environments/${prodId}/targets`, {
      kind: 'ssh',
      name: 'f',
      config: sshConfig,
      credentialId: otherCredId,
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.message).toBe(`credentialId ${otherCredId} is not a credential of this project`);
    expect(foreign.body.issues).toEqual([{ path: 'credentialId', message: foreign.body.message }]);
    const missing = await admin.post(`${P}/tg/environments/${prodId}/targets`, {
      kind: 'ssh',
      name: 'f',
      config: sshConfig,
      credentialId: '7d6f0b5e-2a4c-4b8e-9f1a-3c5d7e9f1b2d',
    });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toBe(
      'credentialId 7d6f0b5e-2a4c-4b8e-9f1a-3c5d7e9f1b2d is not a credential of this project',
    );
    const wrong = await admin.post(`${P}/tg/environments/${prodId}/targets`, {
      kind: 'ssh',
      name: 'f',
      config: sshConfig,
      credentialId: tokenCredId,
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toBe('ssh targets need a credential of kind ssh_key; consul-token is of kind token');

    const ok = (
      await admin.post(`${P}/tg/environments/${prodId}/targets`, { kind: 'ssh', name: 'f', config: sshConfig })
    ).body;
    expect((await admin.patch(`${P}/tg/targets/${ok.id}`, { credentialId: otherCredId })).status).toBe(400);
    expect((await admin.get(`${P}/tg/targets`)).body.find((x: any) => x.id === ok.id).credentialId).toBeNull();
    expect((await admin.get(`${P}/tg/targets`)).body).toHaveLength(1);
    await admin.delete(`${P}/tg/targets/${ok.id}`);
  });

  it('refuses duplicate names within an environment (409) but allows them across environments', async () => {
    const a = await admin.post(`${P}/tg/environments/${prodId}/targets`, {
      kind: 'ssh',
      name: 'dup',
      config: sshConfig,
    });
    expect(a.status).toBe(201);
    const b = await admin.post(`${P}/tg/environments/${prodId}/targets`, {
      kind: 'ssh',
      name: 'dup',
      config: sshConfig,
    });
    expect(b.status).toBe(409);
    expect(b.body.message).toBe('a target named dup already exists in this environment');
    const c = await admin.post(`${P}/tg/environments/${stagingId}/targets`, {
      kind: 'ssh',
      name: 'dup',
      config: sshConfig,
    });
    expect(c.status).toBe(201);
    await admin.delete(`${P}/tg/targets/${a.body.id}`);
    await admin.delete(`${P}/tg/targets/${c.body.id}`);
  });

  it('rejects hostile target names with 400 and issues', async () => {
    for (const name of ['$(id)', '../x', '-rf', 'a'.repeat(200), 'a b', '.hidden', '']) {
      const res = await admin.post(`${P}/tg/environments/${prodId}/targets`, { kind: 'ssh', name, config: sshConfig });
      expect(res.status, name).toBe(400);
      expect(res.body.issues[0].path).toBe('name');
    }
    const unknownKind = await admin.post(`${P}/tg/environments/${prodId}/targets`, {
      kind: 'ftp',
      name: 'x',
      config: {},
    });
    expect(unknownKind.status).toBe(400);
    expect((await admin.get(`${P}/tg/targets`)).body).toEqual([]);
  });

  it('keeps targets inside their project: other projects\u2019 environments and targets are 404', async () => {
    const intoForeignEnv = await admin.post(`${P}/tg/environments/${otherEnvId}/targets`, {
      kind: 'ssh',
      name: 'x',
      config: sshConfig,
    });
    expect(intoForeignEnv.status).toBe(404);
    const theirs = (
      await admin.post(`${P}/tg-other/environments/${otherEnvId}/targets`, {
        kind: 'ssh',
        name: 'theirs',
        config: sshConfig,
      })
    ).body;
    expect((await admin.patch(`${P}/tg/targets/${theirs.id}`, { name: 'mine' })).status).toBe(404);
    expect((await admin.delete(`${P}/tg/targets/${theirs.id}`)).status).toBe(404);
    expect((await admin.get(`${P}/tg-other/targets`)).body.map((x: any) => x.name)).toEqual(['theirs']);
  });
});

describe('targets by role', () => {
  it('lets a maintainer member do full CRUD', async () => {
    const m = await member('tg-maint@test.local', 'tg', 'maintainer');
    const created = await m.post(`${P}/tg/environments/${prodId}/targets`, {
      kind: 'ssh',
      name: 'm1',
      config: sshConfig,
      credentialId: sshCredId,
    });
    expect(created.status).toBe(201);
    expect((await m.get(`${P}/tg/targets`)).body).toEqual([created.body]);
    expect(
      (await m.patch(`${P}/tg/targets/${created.body.id}`, { config: { appName: 'shop2' } })).body.config.appName,
    ).toBe('shop2');
    expect((await m.delete(`${P}/tg/targets/${created.body.id}`)).status).toBe(204);
    expect((await m.get(`${P}/tg/targets`)).body).toEqual([]);
  });

  it('lets a deployer list but not change targets', async () => {
    const d = await member('tg-deployer@test.local', 'tg', 'deployer');
    const existing = (
      await admin.post(`${P}/tg/environments/${prodId}/targets`, { kind: 'ssh', name: 'ro', config: sshConfig })
    ).body;
    expect((await d.get(`${P}/tg/targets`)).body.map((x: any) => x.name)).toEqual(['ro']);
    expect(
      (await d.post(`${P}/tg/environments/${prodId}/targets`, { kind: 'ssh', name: 'no', config: sshConfig })).status,
    ).toBe(403);
    expect((await d.patch(`${P}/tg/targets/${existing.id}`, { name: 'no' })).status).toBe(403);
    expect((await d.delete(`${P}/tg/targets/${existing.id}`)).status).toBe(403);
  });
});
