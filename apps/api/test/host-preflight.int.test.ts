// "Test connection" over HTTP against real sshd hosts: the preflight's checks, each failing
// by name for its own cause, and the credential used only once the host key is approved.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HostPreflightView } from '@wharf/shared';
import { freePort, generateKey, startSshHosts, type TestHost, type TestHosts } from '@wharf/test-hosts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from './http-client.js';
import { startTestApp, TEST_ADMIN, type TestApp } from './test-env.js';

let t: TestApp;
let admin: TestClient;
let th: TestHosts;
let bare: TestHosts;
let goodCred = '';
let wrongCred = '';
let bareCred = '';
let envId = '';
let wrongKeyText = '';
const P = '/api/v1/projects/pf';

beforeAll(async () => {
  t = await startTestApp();
  th = await startSshHosts({ count: 1, baseAddress: '127.0.0.120' });
  bare = await startSshHosts({ count: 1, baseAddress: '127.0.0.121', withoutPm2: true });
  admin = new TestClient(t.url);
  await admin.login(TEST_ADMIN.email, TEST_ADMIN.password);
  expect((await admin.post('/api/v1/projects', { slug: 'pf', name: 'pf' })).status).toBe(201);
  envId = (await admin.post(`${P}/environments`, { name: 'qa' })).body.id;
  const cred = async (name: string, value: string): Promise<string> => {
    const res = await admin.post(`${P}/credentials`, { name, kind: 'ssh_key', value });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  goodCred = await cred('deploy-key', th.clientPrivateKey);
  wrongKeyText = (await generateKey(join(th.rootDir, 'wrong_key'))).privateKey;
  wrongCred = await cred('wrong-key', wrongKeyText);
  bareCred = await cred('bare-key', bare.clientPrivateKey);
});

afterAll(async () => {
  await th?.stop();
  await bare?.stop();
  await t?.close();
});

async function target(
  name: string,
  h: TestHost,
  over: { credentialId?: string; baseDir?: string; host?: string; port?: number } = {},
) {
  const res = await admin.post(`${P}/environments/${envId}/targets`, {
    kind: 'ssh',
    name,
    credentialId: over.credentialId ?? goodCred,
    config: {
      host: over.host ?? h.address,
      port: over.port ?? h.port,
      user: 'root',
      baseDir: over.baseDir ?? join(h.baseDir, name),
      appName: name,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

async function testConnection(id: string): Promise<HostPreflightView> {
  const res = await admin.post(`${P}/targets/${id}/test-connection`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const body = res.body as HostPreflightView;
  // Whatever happened, no key material comes back.
  for (const key of [th.clientPrivateKey, bare.clientPrivateKey, wrongKeyText])
    expect(JSON.stringify(body)).not.toContain(key.split('\n')[1]);
  return body;
}

async function approve(id: string): Promise<void> {
  const probe = await testConnection(id);
  const res = await admin.put(`${P}/targets/${id}/host-key`, { fingerprint: probe.fingerprint });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

const statuses = (v: HostPreflightView) => Object.fromEntries(v.checks.map((c) => [c.name, c.status]));
const message = (v: HostPreflightView, name: string) => v.checks.find((c) => c.name === name)?.message ?? '';

describe('Test connection is a preflight', () => {
  it('before approval: shows the offered key, does not log in; after approval: every check passes', async () => {
    const h = th.hosts[0]!;
    const id = await target('good', h);
    const first = await testConnection(id);
    expect(first).toMatchObject({ ok: false, fingerprint: h.hostKeyFingerprint, pinned: null, matches: null });
    expect(statuses(first)).toEqual({
      reachable: 'passed',
      host_key: 'failed',
      login: 'skipped',
      commands: 'skipped',
      base_dir: 'skipped',
    });
    expect(message(first, 'login')).toMatch(/not tried until the host key is approved/);

    await approve(id);
    const second = await testConnection(id);
    expect(second).toMatchObject({ ok: true, matches: true, pinned: h.hostKeyFingerprint });
    expect(statuses(second)).toEqual({
      reachable: 'passed',
      host_key: 'passed',
      login: 'passed',
      commands: 'passed',
      base_dir: 'passed',
    });
  });

  it('a wrong credential fails "login"', async () => {
    const id = await target('wrong-cred', th.hosts[0]!, { credentialId: wrongCred });
    await approve(id);
    const v = await testConnection(id);
    expect(v.ok).toBe(false);
    expect(statuses(v)).toMatchObject({ host_key: 'passed', login: 'failed', commands: 'skipped' });
    expect(message(v, 'login')).toMatch(/authentication as root .* failed/);
  });

  it('a host without pm2 fails "commands", naming pm2', async () => {
    const id = await target('no-pm2', bare.hosts[0]!, { credentialId: bareCred });
    await approve(id);
    const v = await testConnection(id);
    expect(statuses(v)).toMatchObject({ login: 'passed', commands: 'failed', base_dir: 'passed' });
    expect(message(v, 'commands')).toBe("not found on the host's PATH: pm2");
  });

  it('a base directory that cannot be created fails "base_dir"', async () => {
    const h = th.hosts[0]!;
    await writeFile(join(h.baseDir, 'blocker'), 'a file, not a directory');
    const id = await target('bad-dir', h, { baseDir: join(h.baseDir, 'blocker', 'app') });
    await approve(id);
    const v = await testConnection(id);
    expect(statuses(v)).toMatchObject({ commands: 'passed', base_dir: 'failed' });
    expect(message(v, 'base_dir')).toMatch(/blocker\/app cannot be created or written: .*Not a directory/);
  });

  it('an unreachable host answers 200 with "reachable" failed and the rest skipped', async () => {
    const port = await freePort('127.0.0.122');
    const id = await target('down', th.hosts[0]!, { host: '127.0.0.122', port });
    const v = await testConnection(id);
    expect(v).toMatchObject({ ok: false, fingerprint: null, keyType: null });
    expect(statuses(v)).toEqual({
      reachable: 'failed',
      host_key: 'skipped',
      login: 'skipped',
      commands: 'skipped',
      base_dir: 'skipped',
    });
  });
});
