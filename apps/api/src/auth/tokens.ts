// Opaque secrets (session ids, CI tokens): random, and stored only as a sha256 hash.
// They are high-entropy, so a fast hash is enough; passwords use argon2 instead.
import { createHash, randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function randomBase62(length: number): string {
  // Rejection sampling keeps the alphabet uniform.
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export const API_TOKEN_PREFIX = 'wharf_';
export const API_TOKEN_PATTERN = /^wharf_[0-9A-Za-z]{40}$/;

export function newApiToken(): { token: string; prefix: string; hash: string } {
  const token = `${API_TOKEN_PREFIX}${randomBase62(40)}`;
  return { token, prefix: token.slice(0, 12), hash: hashSecret(token) };
}
