// The receivers' checks against vectors computed with the vendors' own sample code (the Python
// snippets in the DingTalk and Feishu custom-bot docs, run with a fixed timestamp and secret),
// so the receivers are right independently of Wharf's sender.
import { describe, expect, it } from 'vitest';
import { verifyDingtalk, verifyFeishu, verifyWharfWebhook } from './signatures.js';

const SECRET = 'SECthis-is-secret';

describe('DingTalk signature check', () => {
  // python: quote_plus(b64encode(hmac.new(secret, f"{ts}\n{secret}", sha256).digest()))
  const ts = 1700000000000;
  const encoded = 'MGTSynT35H3YyJy6IMPL8G%2ByYna%2BgwkBH%2F0Cd4%2Ba2hI%3D';
  const query = (sign: string, timestamp = String(ts)) => new URLSearchParams(`timestamp=${timestamp}&sign=${sign}`);

  it('accepts the docs sample vector', () => {
    expect(verifyDingtalk(query(encoded), SECRET, ts + 1000)).toEqual({ ok: true });
  });
  it('refuses a wrong secret, a changed timestamp, and one more than an hour old', () => {
    expect(verifyDingtalk(query(encoded), 'SECother', ts).ok).toBe(false);
    expect(verifyDingtalk(query(encoded, String(ts + 1)), SECRET, ts).ok).toBe(false);
    expect(verifyDingtalk(query(encoded), SECRET, ts + 60 * 60 * 1000 + 1)).toEqual({
      ok: false,
      reason: 'timestamp is more than an hour away',
    });
  });
});

describe('Feishu signature check', () => {
  // python: b64encode(hmac.new(f"{ts}\n{secret}".encode(), b"", sha256).digest())
  const ts = 1700000000;
  const sign = 'g0cS9uCTgPEeImDMhC6NxT07bUhdS6VJ+cNnXYe2qFw=';

  it('accepts the docs sample vector', () => {
    expect(verifyFeishu({ timestamp: String(ts), sign }, SECRET, ts * 1000 + 5000)).toEqual({ ok: true });
  });
  it('refuses a wrong secret, a number timestamp, and an old one', () => {
    expect(verifyFeishu({ timestamp: String(ts), sign }, 'other', ts * 1000).ok).toBe(false);
    expect(verifyFeishu({ timestamp: ts, sign }, SECRET, ts * 1000).ok).toBe(false);
    expect(verifyFeishu({ timestamp: String(ts), sign }, SECRET, ts * 1000 + 2 * 3600 * 1000).ok).toBe(false);
  });
});

describe('Wharf webhook signature check', () => {
  // python: hmac.new(b"whsec", b'1700000000.{"event":"test"}', sha256).hexdigest()
  const headers = {
    'x-wharf-timestamp': '1700000000',
    'x-wharf-signature': 'sha256=58f2e19ae0eace62a4d51030f1280f3cce2367ab441d2c351512668c75f2c4e5',
  };
  it('accepts the vector and refuses a changed body', () => {
    expect(verifyWharfWebhook(headers, '{"event":"test"}', 'whsec', 1700000000_000)).toEqual({ ok: true });
    expect(verifyWharfWebhook(headers, '{"event":"tesT"}', 'whsec', 1700000000_000).ok).toBe(false);
  });
});
