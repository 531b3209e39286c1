import { execFile } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintCredential, InvalidCredentialError } from './credential-fingerprint.js';
import { parseSshKeyOffThread } from './ssh-key-worker.js';

const run = promisify(execFile);
let dir: string;
let n = 0;

/** Generates a key with the real ssh-keygen and returns it with ssh-keygen's own fingerprint. */
async function sshKeygen(
  type: 'ed25519' | 'rsa' | 'ecdsa',
  passphrase = '',
): Promise<{ key: string; pub: string; fingerprint: string }> {
  const file = join(dir, `${type}-${n++}`);
  await run('ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-C', 'test', '-f', file]);
  const { stdout } = await run('ssh-keygen', ['-l', '-f', `${file}.pub`]);
  return {
    key: await readFile(file, 'utf8'),
    pub: await readFile(`${file}.pub`, 'utf8'),
    fingerprint: stdout.split(' ')[1]!,
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wharf-fp-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fingerprintCredential', () => {
  it('matches ssh-keygen -l for OpenSSH ed25519, rsa and ecdsa keys', async () => {
    for (const type of ['ed25519', 'rsa', 'ecdsa'] as const) {
      const k = await sshKeygen(type);
      expect(k.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
      expect(await fingerprintCredential('ssh_key', k.key), type).toBe(k.fingerprint);
    }
  });

  it('reads encrypted keys with their passphrase and explains what is wrong otherwise', async () => {
    const k = await sshKeygen('ed25519', 'correct horse');
    expect(await fingerprintCredential('ssh_key', k.key, 'correct horse')).toBe(k.fingerprint);
    await expect(fingerprintCredential('ssh_key', k.key)).rejects.toThrow(
      new InvalidCredentialError('the ssh key is encrypted; send its passphrase'),
    );
    await expect(fingerprintCredential('ssh_key', k.key, 'wrong horse')).rejects.toThrow(
      new InvalidCredentialError('the passphrase does not decrypt the ssh key'),
    );
  });

  it('decrypts keys off the main thread, so the event loop keeps turning meanwhile', async () => {
    const k = await sshKeygen('ed25519', 'slow to decrypt');
    let ticks = 0;
    let done = false;
    const spin = (): void => {
      ticks++;
      if (!done) setImmediate(spin);
    };
    setImmediate(spin);
    const fp = await fingerprintCredential('ssh_key', k.key, 'slow to decrypt').finally(() => (done = true));
    expect(fp).toBe(k.fingerprint);
    // bcrypt-pbkdf in JS runs for a long while: done inline, no tick could happen before it ends.
    expect(ticks).toBeGreaterThan(10);
  });

  it('gives up on a key whose decryption outlasts the time limit', async () => {
    const k = await sshKeygen('ed25519', 'slow to decrypt');
    // Starting a worker alone takes longer than 1 ms, let alone 16 bcrypt rounds.
    expect(await parseSshKeyOffThread(k.key, 'slow to decrypt', 1)).toEqual({ ok: false, reason: 'timeout' });
  });

  it('reads PEM RSA keys made by node:crypto', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const fp = await fingerprintCredential('ssh_key', privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
    expect(fp).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('rejects public keys, garbage and truncated keys without echoing them', async () => {
    const k = await sshKeygen('ed25519');
    await expect(fingerprintCredential('ssh_key', k.pub)).rejects.toThrow(
      'value is a public key; send the private key',
    );
    for (const bad of ['not a key SENTINEL', k.key.slice(0, 120), `${k.key.slice(0, 60)}SENTINEL${k.key.slice(60)}`]) {
      let message = '';
      try {
        await fingerprintCredential('ssh_key', bad);
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidCredentialError);
        message = (err as Error).message;
      }
      expect(message).toMatch(/not a private key in a supported format/);
      expect(message).not.toContain('SENTINEL');
      expect(message).not.toContain(k.key.slice(40, 60));
    }
  });

  it('uses sha256: + 16 hex of the value for kubeconfigs and tokens', async () => {
    const expected = `sha256:${createHash('sha256').update('tok-123').digest('hex').slice(0, 16)}`;
    expect(await fingerprintCredential('token', 'tok-123')).toBe(expected);
    expect(await fingerprintCredential('token', 'tok-124')).not.toBe(expected);
    const kube = kubeconfig('    token: kube-SECRET-123');
    expect(await fingerprintCredential('kubeconfig', kube)).toBe(
      `sha256:${createHash('sha256').update(kube).digest('hex').slice(0, 16)}`,
    );
  });

  it('takes only kubeconfigs a release can use, naming the field and never the secret', async () => {
    const refused: [string, RegExp][] = [
      ['tok-123', /kubeconfig must be a YAML mapping/],
      [kubeconfig('    exec: {command: /bin/sh, args: [-c, kube-SECRET-123]}'), /exec .* is refused/],
      [kubeconfig('    token-file: /var/run/kube-SECRET-123'), /token-file \(a file path\) is refused/],
      [
        kubeconfig('    token: kube-SECRET-123', '    insecure-skip-tls-verify: true'),
        /insecure-skip-tls-verify is refused/,
      ],
      [kubeconfig('    token: kube-SECRET-123', null), /certificate-authority-data is required/],
    ];
    for (const [value, message] of refused) {
      const err = await fingerprintCredential('kubeconfig', value).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidCredentialError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain('SECRET');
    }
  });
});

/** A kubeconfig with the given user lines; `clusterExtra` null leaves the CA data out. */
function kubeconfig(userLines: string, clusterExtra: string | null = ''): string {
  const ca = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n').toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'current-context: c',
    'contexts: [{name: c, context: {cluster: k, user: u}}]',
    'clusters:',
    '- name: k',
    '  cluster:',
    '    server: https://k8s.example.com:6443',
    ...(clusterExtra === null
      ? []
      : [`    certificate-authority-data: ${ca}`, ...(clusterExtra ? [clusterExtra] : [])]),
    'users:',
    '- name: u',
    '  user:',
    userLines,
    '',
  ].join('\n');
}
