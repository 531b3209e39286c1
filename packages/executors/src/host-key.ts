import { createHash } from 'node:crypto';

/** OpenSSH-style `SHA256:<unpadded base64>` fingerprint of an SSH wire-format public key blob. */
export function fingerprintOfKeyBlob(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** Key algorithm name (e.g. `ssh-ed25519`), the first string of the blob. */
export function keyTypeOfKeyBlob(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  if (len > 64 || 4 + len > blob.length) return 'unknown';
  return blob.subarray(4, 4 + len).toString('ascii');
}

/** Accepts `SHA256:abc`, `abc` or `abc=` and returns the canonical `SHA256:abc` form. */
export function normalizeFingerprint(fp: string): string {
  const trimmed = fp.trim();
  const body = trimmed.startsWith('SHA256:') ? trimmed.slice('SHA256:'.length) : trimmed;
  return `SHA256:${body.replace(/=+$/, '')}`;
}
