import { createHash, timingSafeEqual } from 'node:crypto';

/** Constant-time comparison that also hides the length: both sides are hashed first. */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
