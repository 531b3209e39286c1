// Fingerprints identify a credential without revealing it. SSH keys use OpenSSH's own
// format (what `ssh-keygen -lf` prints), so people can match them with their key files.
// Messages here never include the secret.
import { createHash } from 'node:crypto';
import { clusterAccessFromKubeconfig, fingerprintOfKeyBlob, KubeconfigError } from '@wharf/executors';
import type { CredentialKind } from '@wharf/shared';
import { parseSshKeyOffThread } from './ssh-key-worker.js';

export class InvalidCredentialError extends Error {}

export async function fingerprintCredential(kind: CredentialKind, value: string, passphrase?: string): Promise<string> {
  switch (kind) {
    case 'ssh_key':
      return sshKeyFingerprint(value, passphrase);
    case 'kubeconfig':
      usableKubeconfig(value);
      return valueFingerprint(value);
    case 'token':
      return valueFingerprint(value);
  }
}

function valueFingerprint(value: string): string {
  return `sha256:${createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 16)}`;
}

/**
 * A kubeconfig is stored only if a release could use it: the executor's own reader decides
 * (server + CA data + token or client certificate; no exec plugins, file paths, insecure
 * TLS). Its message names the field, never a value.
 */
function usableKubeconfig(value: string): void {
  try {
    clusterAccessFromKubeconfig(value);
  } catch (err) {
    if (err instanceof KubeconfigError) throw new InvalidCredentialError(err.message);
    throw err;
  }
}

/**
 * Parses the private key with ssh2 (the library the ssh executor connects with, so a key
 * accepted here is a key it can use); the fingerprint is the one the executor gives host keys.
 */
async function sshKeyFingerprint(value: string, passphrase?: string): Promise<string> {
  const parsed = await parseSshKeyOffThread(value, passphrase);
  if (!parsed.ok) {
    switch (parsed.reason) {
      case 'needs_passphrase':
        throw new InvalidCredentialError('the ssh key is encrypted; send its passphrase');
      case 'bad_passphrase':
        throw new InvalidCredentialError('the passphrase does not decrypt the ssh key');
      case 'timeout':
        throw new InvalidCredentialError('decrypting the ssh key took too long; re-encrypt it with fewer KDF rounds');
      case 'unsupported':
        throw new InvalidCredentialError(
          'value is not a private key in a supported format (OpenSSH, or PEM RSA/ECDSA)',
        );
    }
  }
  if (parsed.keys !== 1) throw new InvalidCredentialError('value must hold exactly one private key');
  if (!parsed.isPrivate) throw new InvalidCredentialError('value is a public key; send the private key');
  return fingerprintOfKeyBlob(parsed.publicSSH);
}
