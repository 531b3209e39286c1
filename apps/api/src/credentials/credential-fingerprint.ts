// Fingerprints identify a credential without revealing it. SSH keys use OpenSSH's own
// format (what `ssh-keygen -lf` prints), so people can match them with their key files.
// Messages here never include the secret.
import { createHash } from 'node:crypto';
import ssh2 from 'ssh2';
import type { CredentialKind } from '@wharf/shared';

export class InvalidCredentialError extends Error {}

export function fingerprintCredential(kind: CredentialKind, value: string, passphrase?: string): string {
  switch (kind) {
    case 'ssh_key':
      return sshKeyFingerprint(value, passphrase);
    case 'kubeconfig':
    case 'token':
      return `sha256:${createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 16)}`;
  }
}

/**
 * Parses the private key with ssh2 (the library the ssh executor connects with, so a key
 * accepted here is a key it can use) and hashes the public key's SSH wire encoding.
 */
function sshKeyFingerprint(value: string, passphrase?: string): string {
  let parsed: ReturnType<typeof ssh2.utils.parseKey>;
  try {
    parsed = ssh2.utils.parseKey(value, passphrase || undefined);
  } catch {
    throw new InvalidCredentialError('value is not a private key in a supported format (OpenSSH, or PEM RSA/ECDSA)');
  }
  if (parsed instanceof Error) {
    if (/no passphrase given/i.test(parsed.message)) throw new InvalidCredentialError('the ssh key is encrypted; send its passphrase');
    if (passphrase && /passphrase/i.test(parsed.message)) throw new InvalidCredentialError('the passphrase does not decrypt the ssh key');
    throw new InvalidCredentialError('value is not a private key in a supported format (OpenSSH, or PEM RSA/ECDSA)');
  }
  const key = Array.isArray(parsed) ? parsed : [parsed];
  if (key.length !== 1 || !key[0]) throw new InvalidCredentialError('value must hold exactly one private key');
  if (!key[0].isPrivateKey()) throw new InvalidCredentialError('value is a public key; send the private key');
  const digest = createHash('sha256').update(key[0].getPublicSSH()).digest('base64').replace(/=+$/, '');
  return `SHA256:${digest}`;
}
