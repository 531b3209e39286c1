// The receiving side of each chat service's signing scheme, written from the services' own
// documentation (independently of Wharf's sender), so a test that passes means Wharf signs
// the way the real service checks.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** DingTalk and Feishu refuse a timestamp more than an hour away from their clock. */
export const MAX_SKEW_MS = 60 * 60 * 1000;

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * DingTalk custom robot, "加签": the query carries timestamp (ms) and sign; sign is
 * urlEncode(base64(HmacSHA256(key = secret, message = timestamp + "\n" + secret))).
 * `sign` here is the query value already URL-decoded (as any query parser gives it).
 */
export function verifyDingtalk(
  query: URLSearchParams,
  secret: string,
  now = Date.now(),
): { ok: true } | { ok: false; reason: string } {
  const timestamp = query.get('timestamp');
  const sign = query.get('sign');
  if (!timestamp || !sign) return { ok: false, reason: 'timestamp and sign are missing' };
  if (!/^\d+$/.test(timestamp) || Math.abs(now - Number(timestamp)) > MAX_SKEW_MS)
    return { ok: false, reason: 'timestamp is more than an hour away' };
  const expected = createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(Buffer.from(`${timestamp}\n${secret}`, 'utf8'))
    .digest('base64');
  return sameText(expected, sign) ? { ok: true } : { ok: false, reason: 'sign not match' };
}

/**
 * Feishu/Lark custom bot, signature verification: the JSON body carries timestamp (s, as a
 * string) and sign = base64(HmacSHA256(key = timestamp + "\n" + secret, message = "")).
 */
export function verifyFeishu(
  body: { timestamp?: unknown; sign?: unknown },
  secret: string,
  now = Date.now(),
): { ok: true } | { ok: false; reason: string } {
  const { timestamp, sign } = body;
  if (typeof timestamp !== 'string' || typeof sign !== 'string')
    return { ok: false, reason: 'timestamp and sign are missing' };
  if (!/^\d+$/.test(timestamp) || Math.abs(now - Number(timestamp) * 1000) > MAX_SKEW_MS)
    return { ok: false, reason: 'timestamp is not within one hour from current time' };
  const expected = createHmac('sha256', Buffer.from(`${timestamp}\n${secret}`, 'utf8'))
    .update(Buffer.alloc(0))
    .digest('base64');
  return sameText(expected, sign) ? { ok: true } : { ok: false, reason: 'sign match fail' };
}

/**
 * Wharf's generic webhook: X-Wharf-Signature = "sha256=" + hex HMAC-SHA256(secret,
 * X-Wharf-Timestamp + "." + raw body); receivers should also refuse old timestamps.
 */
export function verifyWharfWebhook(
  headers: Record<string, string | string[] | undefined>,
  rawBody: string,
  secret: string,
  now = Date.now(),
): { ok: true } | { ok: false; reason: string } {
  const timestamp = headers['x-wharf-timestamp'];
  const signature = headers['x-wharf-signature'];
  if (typeof timestamp !== 'string' || typeof signature !== 'string')
    return { ok: false, reason: 'X-Wharf-Timestamp and X-Wharf-Signature are missing' };
  if (!/^\d+$/.test(timestamp) || Math.abs(now - Number(timestamp) * 1000) > 5 * 60 * 1000)
    return { ok: false, reason: 'timestamp too old' };
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
  return sameText(expected, signature) ? { ok: true } : { ok: false, reason: 'signature mismatch' };
}
