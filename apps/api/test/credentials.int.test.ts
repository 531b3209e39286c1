// Credentials over real HTTP. The secret must never come back: not in responses, not in
// audit events, not in logs, not in clear in the database.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { JsonLogger } from '../src/common/json-logger.js';
import { CredentialsService } from '../src/credentials/credentials.service.js';
import { TestClient } from './http-client.js';
import { startTestApp, TEST_ADMIN, type TestApp } from './test-env.js';

const run = promisify(execFile);
const P = '/api/v1/projects';
const PASSWORD = 'member-password-123';
const VIEW_KEYS = ['allowedOrigins', 'createdAt', 'fingerprint', 'id', 'kind', 'name', 'rotatedAt'];

let t: TestApp;
let admin: TestClient;
let dir: string;
let keyCount = 0;
let projectId: string;
/** Everything the process wrote to stdout while this file ran (the JSON logs). */
let stdout = '';
/** Every secret (and a distinctive slice of it) sent in this file; none may ever come back. */
const secrets: string[] = [];

function remember(...values: string[]): void {
  for (const v of values) {
    secrets.push(v);
    // A base64 line from the middle of a key: catches partial echoes too.
    const line = v.split('\n').find((l) => l.length >= 40 && !l.startsWith('-----'));
    if (line) secrets.push(line.slice(0, 40));
  }
}

function expectNoSecrets(what: string, text: string): void {
  for (const s of secrets) expect(text.includes(s), `${what} contains a secret`).toBe(false);
}

async function sshKeygen(passphrase = ''): Promise<{ key: string; fingerprint: string }> {
  const file = join(dir, `key-${keyCount++}`);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'wharf-test', '-f', file]);
  const { stdout: out } = await run('ssh-keygen', ['-l', '-f', file]);
  const key = await readFile(file, 'utf8');
  remember(key);
  if (passphrase) remember(passphrase);
  return { key, fingerprint: out.split(' ')[1]! };
}

async function member(email: string, role: 'viewer' | 'deployer' | 'maintainer'): Promise<TestClient> {
  expect((await admin.post('/api/v1/users', { email, name: 'someone', password: PASSWORD })).status).toBe(201);
  expect((await admin.put(`${P}/creds/members`, { email, role })).status).toBe(200);
  const c = new TestClient(t.url);
  await c.login(email, PASSWORD);
  return c;
}

beforeAll(async () => {
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write);
  dir = await mkdtemp(join(tmpdir(), 'wharf-creds-'));
  t = await startTestApp();
  admin = new TestClient(t.url);
  await admin.login(TEST_ADMIN.email, TEST_ADMIN.password);
  projectId = (await admin.post(P, { slug: 'creds', name: 'Creds' })).body.id;
  expect((await admin.post(P, { slug: 'creds-other', name: 'Other' })).status).toBe(201);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('credentials', () => {
  it('stores an ssh key, returns only the view, and fingerprints it exactly like ssh-keygen -l', async () => {
    const { key, fingerprint } = await sshKeygen();
    const res = await admin.post(`${P}/creds/credentials`, { name: 'deploy-key', kind: 'ssh_key', value: key });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(VIEW_KEYS);
    expect(res.body).toMatchObject({ name: 'deploy-key', kind: 'ssh_key', fingerprint, rotatedAt: null });
    expectNoSecrets('create response', JSON.stringify(res.body));

    const list = await admin.get(`${P}/creds/credentials`);
    expect(list.body).toEqual([res.body]);
    expectNoSecrets('list response', JSON.stringify(list.body));

    // The worker's way in returns exactly what was stored.
    expect(await t.app.get(CredentialsService).openCredential(projectId, res.body.id)).toEqual({
      kind: 'ssh_key',
      value: key,
      allowedOrigins: [],
    });
  });

  it('stores an encrypted key with its passphrase, sealed together', async () => {
    const { key, fingerprint } = await sshKeygen('pass phrase 42');
    const res = await admin.post(`${P}/creds/credentials`, {
      name: 'enc-key',
      kind: 'ssh_key',
      value: key,
      passphrase: 'pass phrase 42',
    });
    expect(res.status).toBe(201);
    expect(res.body.fingerprint).toBe(fingerprint);
    expectNoSecrets('create response', JSON.stringify(res.body));
    expect(await t.app.get(CredentialsService).openCredential(projectId, res.body.id)).toEqual({
      kind: 'ssh_key',
      value: key,
      passphrase: 'pass phrase 42',
      allowedOrigins: [],
    });
  });

  it('rejects bad keys and wrong passphrases with 400, never echoing the input', async () => {
    const { key } = await sshKeygen('right passphrase');
    const garbage = 'SENTINEL-not-a-key-Zm9vYmFyYmF6cXV4cXV1eA';
    remember(garbage, 'wrong passphrase');
    const cases: [Record<string, string>, string][] = [
      [{ value: garbage }, 'value is not a private key in a supported format (OpenSSH, or PEM RSA/ECDSA)'],
      [{ value: key }, 'the ssh key is encrypted; send its passphrase'],
      [{ value: key, passphrase: 'wrong passphrase' }, 'the passphrase does not decrypt the ssh key'],
      [
        { value: key.replace(/\n(.{10})/, '\n$1SENTINEL') },
        'value is not a private key in a supported format (OpenSSH, or PEM RSA/ECDSA)',
      ],
    ];
    for (const [body, message] of cases) {
      const res = await admin.post(`${P}/creds/credentials`, { name: 'bad', kind: 'ssh_key', ...body });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message,
        issues: [{ path: 'value', message }],
      });
      expect(JSON.stringify(res.body)).not.toContain('SENTINEL');
      expectNoSecrets('error response', JSON.stringify(res.body));
    }
    // A value that fails schema validation is not echoed either.
    const huge = await admin.post(`${P}/creds/credentials`, {
      name: 'bad',
      kind: 'ssh_key',
      value: `SENTINEL${'x'.repeat(70_000)}`,
    });
    expect(huge.status).toBe(400);
    expect(JSON.stringify(huge.body)).not.toContain('SENTINEL');
    expect((await admin.get(`${P}/creds/credentials`)).body.map((c: any) => c.name)).not.toContain('bad');
  });

  it('fingerprints tokens and kubeconfigs as sha256: + 16 hex', async () => {
    const value = 'glpat-SECRET-token-value-0123456789';
    remember(value);
    const res = await admin.post(`${P}/creds/credentials`, { name: 'gitlab', kind: 'token', value });
    expect(res.status).toBe(201);
    expect(res.body.fingerprint).toBe(`sha256:${createHash('sha256').update(value).digest('hex').slice(0, 16)}`);
    const ca = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n').toString('base64');
    const kube =
      'apiVersion: v1\nkind: Config\ncurrent-context: ci\ncontexts: [{name: ci, context: {cluster: k, user: ci}}]\n' +
      `clusters:\n- name: k\n  cluster:\n    server: https://k8s.example.com:6443\n    certificate-authority-data: ${ca}\n` +
      'users:\n- name: ci\n  user:\n    token: KUBE-SECRET-abcdef0123456789abcdef0123456789\n';
    remember(kube, 'KUBE-SECRET-abcdef0123456789abcdef0123456789');
    const k = await admin.post(`${P}/creds/credentials`, { name: 'kube', kind: 'kubeconfig', value: kube });
    expect(k.status).toBe(201);
    expect(k.body.fingerprint).toMatch(/^sha256:[0-9a-f]{16}$/);
    expectNoSecrets('responses', JSON.stringify([res.body, k.body]));

    // A kubeconfig a release could not use (here: one that runs a program) is refused at once.
    const exec = kube.replace(
      '    token: KUBE-SECRET-abcdef0123456789abcdef0123456789',
      '    exec: {command: /bin/sh, args: [-c, KUBE-SECRET-abcdef0123456789abcdef0123456789]}',
    );
    const refused = await admin.post(`${P}/creds/credentials`, { name: 'kube-exec', kind: 'kubeconfig', value: exec });
    expect(refused.status).toBe(400);
    expect(refused.body.issues).toEqual([
      { path: 'value', message: 'exec (running a program to get a token) is refused: use a service account token' },
    ]);
    expectNoSecrets('refusal', JSON.stringify(refused.body));
    const rotated = await admin.put(`${P}/creds/credentials/${k.body.id}/secret`, { value: exec });
    expect(rotated.status).toBe(400);
    expectNoSecrets('refusal', JSON.stringify(rotated.body));
  });

  it('a token lists the origins it may be sent to, normalised; changed only with the value, audited', async () => {
    const value = 'consul-acl-SECRET-0123456789abcdef';
    remember(value);
    const created = await admin.post(`${P}/creds/credentials`, {
      name: 'consul-acl',
      kind: 'token',
      value,
      allowedOrigins: ['https://Consul.Internal:443/', 'http://127.0.0.1:8500'],
    });
    expect(created.status).toBe(201);
    expect(created.body.allowedOrigins).toEqual(['https://consul.internal', 'http://127.0.0.1:8500']);
    expect((await t.app.get(CredentialsService).openCredential(projectId, created.body.id)).allowedOrigins).toEqual([
      'https://consul.internal',
      'http://127.0.0.1:8500',
    ]);

    // Not an origin: a path, user info, a query, another scheme, not a URL. Each names its line.
    for (const bad of [
      'https://c.internal/v1',
      'https://u:p@c.internal',
      'https://c.internal?x=1',
      'ftp://c',
      'c:8500',
    ]) {
      const res = await admin.post(`${P}/creds/credentials`, {
        name: 'bad-origin',
        kind: 'token',
        value,
        allowedOrigins: ['http://127.0.0.1:8500', bad],
      });
      expect(res.status, bad).toBe(400);
      expect(res.body.issues.map((i: { path: string }) => i.path)).toEqual(['allowedOrigins.1']);
      expectNoSecrets('refusal', JSON.stringify(res.body));
    }
    // SSH keys and kubeconfigs carry their own binding and take none.
    const key = await sshKeygen();
    const sshWithOrigins = await admin.post(`${P}/creds/credentials`, {
      name: 'ssh-origins',
      kind: 'ssh_key',
      value: key.key,
      allowedOrigins: ['https://c.internal'],
    });
    expect(sshWithOrigins.status).toBe(400);
    expect(sshWithOrigins.body.issues).toEqual([
      { path: 'allowedOrigins', message: 'only token credentials take allowed origins' },
    ]);

    // A rotation without a list keeps it; with one, replaces it; the audit event says both.
    const kept = await admin.put(`${P}/creds/credentials/${created.body.id}/secret`, { value });
    expect(kept.body.allowedOrigins).toEqual(['https://consul.internal', 'http://127.0.0.1:8500']);
    const moved = await admin.put(`${P}/creds/credentials/${created.body.id}/secret`, {
      value,
      allowedOrigins: ['https://consul-b.internal:8501'],
    });
    expect(moved.body.allowedOrigins).toEqual(['https://consul-b.internal:8501']);
    const audit = await admin.get(`${P}/creds/audit?action=credential.rotated`);
    expect(audit.body.items[0]).toMatchObject({
      subjectId: created.body.id,
      data: {
        allowedOrigins: ['https://consul-b.internal:8501'],
        previousAllowedOrigins: ['https://consul.internal', 'http://127.0.0.1:8500'],
      },
    });
    expectNoSecrets('responses', JSON.stringify([created.body, kept.body, moved.body, audit.body]));
  });

  it('rotates the secret in place: same id, new fingerprint, rotatedAt set, audited', async () => {
    const first = await sshKeygen();
    const created = (
      await admin.post(`${P}/creds/credentials`, { name: 'rotating', kind: 'ssh_key', value: first.key })
    ).body;
    const second = await sshKeygen('new passphrase');
    const rotated = await admin.put(`${P}/creds/credentials/${created.id}/secret`, {
      value: second.key,
      passphrase: 'new passphrase',
    });
    expect(rotated.status).toBe(200);
    expect(Object.keys(rotated.body).sort()).toEqual(VIEW_KEYS);
    expect(rotated.body).toMatchObject({
      id: created.id,
      name: 'rotating',
      kind: 'ssh_key',
      fingerprint: second.fingerprint,
      createdAt: created.createdAt,
    });
    expect(rotated.body.rotatedAt).not.toBeNull();
    expectNoSecrets('rotate response', JSON.stringify(rotated.body));
    expect(await t.app.get(CredentialsService).openCredential(projectId, created.id)).toEqual({
      kind: 'ssh_key',
      value: second.key,
      passphrase: 'new passphrase',
      allowedOrigins: [],
    });

    const audit = await admin.get(`${P}/creds/audit?action=credential.rotated`);
    expect(audit.body.items[0]).toMatchObject({
      action: 'credential.rotated',
      subjectId: created.id,
      actor: TEST_ADMIN.email,
      data: { name: 'rotating', fingerprint: second.fingerprint, previousFingerprint: first.fingerprint },
    });

    // The new value is checked against the credential's kind, and a bad one changes nothing.
    const bad = await admin.put(`${P}/creds/credentials/${created.id}/secret`, { value: 'just-a-token' });
    expect(bad.status).toBe(400);
    expect((await admin.get(`${P}/creds/credentials`)).body.find((c: any) => c.id === created.id).fingerprint).toBe(
      second.fingerprint,
    );
  });

  it('keeps only ciphertext in the database, and notices tampering', async () => {
    const db = new pg.Client({ connectionString: t.db.url });
    await db.connect();
    try {
      const rows = (await db.query<{ id: string; secret: Buffer }>('SELECT id, secret FROM "Credential"')).rows;
      expect(rows.length).toBeGreaterThanOrEqual(4);
      for (const row of rows) {
        expect(row.secret.length).toBeGreaterThan(28);
        expectNoSecrets('Credential.secret (utf8)', row.secret.toString('utf8'));
        expectNoSecrets('Credential.secret (latin1)', row.secret.toString('latin1'));
        expect(row.secret.toString('latin1')).not.toContain('OPENSSH');
      }
      const { id } = (await db.query<{ id: string }>(`SELECT id FROM "Credential" WHERE name = 'gitlab'`)).rows[0]!;
      await db.query(`UPDATE "Credential" SET secret = set_byte(secret, 20, get_byte(secret, 20) # 1) WHERE id = $1`, [
        id,
      ]);
      await expect(t.app.get(CredentialsService).openCredential(projectId, id)).rejects.toThrow(
        /failed authentication/,
      );
    } finally {
      await db.end();
    }
  });

  it('refuses duplicate names (409) and ids from other projects (404)', async () => {
    remember('dup-secret-value-1234567890');
    const dup = await admin.post(`${P}/creds/credentials`, {
      name: 'gitlab',
      kind: 'token',
      value: 'dup-secret-value-1234567890',
    });
    expect(dup.status).toBe(409);
    expect(dup.body.message).toBe('a credential named gitlab already exists in this project');
    const mine = (await admin.get(`${P}/creds/credentials`)).body[0];
    expect((await admin.put(`${P}/creds-other/credentials/${mine.id}/secret`, { value: 'x' })).status).toBe(404);
    expect((await admin.delete(`${P}/creds-other/credentials/${mine.id}`)).status).toBe(404);
    await expect(
      t.app.get(CredentialsService).openCredential((await admin.get(`${P}/creds-other`)).body.id, mine.id),
    ).rejects.toThrow(/not found/);
  });

  it('refuses to delete a credential a target uses (409), then deletes it once detached', async () => {
    const { key } = await sshKeygen();
    const cred = (await admin.post(`${P}/creds/credentials`, { name: 'in-use', kind: 'ssh_key', value: key })).body;
    const env = (await admin.post(`${P}/creds/environments`, { name: 'prod' })).body;
    const target = (
      await admin.post(`${P}/creds/environments/${env.id}/targets`, {
        kind: 'ssh',
        name: 'web-1',
        config: { host: '127.0.0.2', user: 'deploy', baseDir: '/srv/app', appName: 'app' },
        credentialId: cred.id,
      })
    ).body;
    const refused = await admin.delete(`${P}/creds/credentials/${cred.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toBe('credential in-use is used by 1 target (web-1); detach it from them first');

    expect((await admin.patch(`${P}/creds/targets/${target.id}`, { credentialId: null })).status).toBe(200);
    expect((await admin.delete(`${P}/creds/credentials/${cred.id}`)).status).toBe(204);
    expect((await admin.get(`${P}/creds/credentials`)).body.map((c: any) => c.id)).not.toContain(cred.id);
    expect((await admin.delete(`${P}/creds/credentials/${cred.id}`)).status).toBe(404);
  });

  it('lets a maintainer member do full CRUD; viewers and deployers get 403', async () => {
    const m = await member('cred-maint@test.local', 'maintainer');
    remember('maint-secret-one-abcdefghij', 'maint-secret-two-abcdefghij');
    const c = await m.post(`${P}/creds/credentials`, {
      name: 'maint',
      kind: 'token',
      value: 'maint-secret-one-abcdefghij',
    });
    expect(c.status).toBe(201);
    expect((await m.get(`${P}/creds/credentials`)).body.map((x: any) => x.name)).toContain('maint');
    const r = await m.put(`${P}/creds/credentials/${c.body.id}/secret`, { value: 'maint-secret-two-abcdefghij' });
    expect(r.status).toBe(200);
    expect(r.body.fingerprint).not.toBe(c.body.fingerprint);
    expect((await m.delete(`${P}/creds/credentials/${c.body.id}`)).status).toBe(204);

    for (const role of ['viewer', 'deployer'] as const) {
      const low = await member(`cred-${role}@test.local`, role);
      const list = await low.get(`${P}/creds/credentials`);
      expect(list.status).toBe(403);
      expect(
        (await low.post(`${P}/creds/credentials`, { name: 'x', kind: 'token', value: 'maint-secret-one-abcdefghij' }))
          .status,
      ).toBe(403);
    }
  });

  it('never wrote a secret into an audit event or a log line', async () => {
    const db = new pg.Client({ connectionString: t.db.url });
    await db.connect();
    try {
      const events = (await db.query<{ row: string }>('SELECT row_to_json(e)::text AS row FROM "AuditEvent" e')).rows;
      const credentialEvents = events.filter((e) => e.row.includes('"credential.'));
      expect(credentialEvents.length).toBeGreaterThanOrEqual(8);
      for (const e of events) expectNoSecrets('audit event', e.row);
    } finally {
      await db.end();
    }
    expect(secrets.length).toBeGreaterThan(10);
    // The capture really sees the app's JSON log lines.
    t.app.get(JsonLogger).error('log-capture-probe', undefined, 'credentials test');
    expect(stdout).toContain('log-capture-probe');
    expectNoSecrets('stdout logs', stdout);
  });
});
