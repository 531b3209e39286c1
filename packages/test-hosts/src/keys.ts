// Key generation and fingerprints, both from the real ssh-keygen: the fingerprint is an oracle
// for the one Wharf computes itself (@wharf/executors), so it must not share its code.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type KeyType = 'ed25519' | 'rsa';

export interface GeneratedKey {
  privateKeyPath: string;
  /** Private key file content (OpenSSH PEM-style armor). */
  privateKey: string;
  /** One `authorized_keys` / `known_hosts` style line: `<type> <base64>`. */
  publicKey: string;
  /** OpenSSH `SHA256:...` fingerprint of the public key. */
  fingerprint: string;
  passphrase?: string;
}

export async function generateKey(
  path: string,
  opts: { type?: KeyType; passphrase?: string; comment?: string } = {},
): Promise<GeneratedKey> {
  const type = opts.type ?? 'ed25519';
  const args = ['-q', '-t', type, '-f', path, '-N', opts.passphrase ?? '', '-C', opts.comment ?? 'wharf-test'];
  if (type === 'rsa') args.push('-b', '3072');
  await run('ssh-keygen', args);
  const privateKey = await readFile(path, 'utf8');
  const pubLine = (await readFile(`${path}.pub`, 'utf8')).trim();
  const [keyType, b64] = pubLine.split(/\s+/);
  if (!keyType || !b64) throw new Error(`unexpected public key format in ${path}.pub`);
  const publicKey = `${keyType} ${b64}`;
  return {
    privateKeyPath: path,
    privateKey,
    publicKey,
    fingerprint: await sshKeygenFingerprint(`${path}.pub`),
    ...(opts.passphrase !== undefined ? { passphrase: opts.passphrase } : {}),
  };
}

/** `SHA256:<unpadded base64>`, exactly as `ssh-keygen -l` prints it. */
async function sshKeygenFingerprint(publicKeyPath: string): Promise<string> {
  const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', publicKeyPath]);
  const fingerprint = stdout.split(/\s+/)[1];
  if (!fingerprint?.startsWith('SHA256:')) throw new Error(`unexpected ssh-keygen -l output for ${publicKeyPath}`);
  return fingerprint;
}
