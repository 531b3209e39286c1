// Key generation with the real ssh-keygen, and OpenSSH-style fingerprints computed in-process.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
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
    fingerprint: fingerprintOfPublicKey(publicKey),
    ...(opts.passphrase !== undefined ? { passphrase: opts.passphrase } : {}),
  };
}

/** `SHA256:<unpadded base64>` over the key blob, exactly as `ssh-keygen -l` prints it. */
export function fingerprintOfPublicKey(publicKeyLine: string): string {
  const b64 = publicKeyLine.trim().split(/\s+/)[1];
  if (!b64) throw new Error('public key line must be "<type> <base64>"');
  const digest = createHash('sha256').update(Buffer.from(b64, 'base64')).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}
