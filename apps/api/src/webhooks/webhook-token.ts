// The secret GitLab sends as X-Gitlab-Token. Random and high-entropy, so a sha256 is enough
// at rest (like CI tokens); it is compared in constant time, also when the project is unknown.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { hashSecret, randomBase62 } from '../auth/tokens.js';

export const WEBHOOK_TOKEN_PREFIX = 'whk_';
const TOKEN_LENGTH = 40;

export function newWebhookToken(): { token: string; prefix: string; hash: string } {
  const token = `${WEBHOOK_TOKEN_PREFIX}${randomBase62(TOKEN_LENGTH)}`;
  return { token, prefix: token.slice(0, 10), hash: hashSecret(token) };
}

/** Stands in for the stored hash of an unknown project, so both answers take the same work. */
const DUMMY_HASH = hashSecret(randomBytes(32).toString('hex'));

/**
 * True when `presented` is the token whose hash is `storedHash`. A missing token or hash still
 * hashes and compares once, so timing does not tell "no such project" from "wrong token".
 */
export function webhookTokenMatches(presented: string | undefined, storedHash: string | null): boolean {
  const expected = Buffer.from(storedHash ?? DUMMY_HASH, 'hex');
  const actual = Buffer.from(hashSecret(presented ?? ''), 'hex');
  const equal = expected.length === actual.length && timingSafeEqual(expected, actual);
  return equal && storedHash !== null && presented !== undefined && presented.length > 0;
}
