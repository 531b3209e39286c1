// Small network helpers for the start and test scripts. Loopback only.
import { connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A TCP port that is free on `host` right now. */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/** True when `host:port` can be bound right now (nothing listens there). */
export function portIsFree(host, port) {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/**
 * Sends PING to a Redis server and resolves true when it answers like Redis
 * (+PONG, or an auth error from a password-protected server).
 */
export function redisAnswers(url, timeoutMs = 1500) {
  let u;
  try {
    u = new URL(url);
  } catch {
    return Promise.resolve(false);
  }
  if (u.protocol === 'rediss:') return Promise.resolve(true); // TLS: let the app judge it
  return new Promise((resolve) => {
    const sock = connect({ host: u.hostname || '127.0.0.1', port: Number(u.port || 6379) });
    let buf = '';
    const done = (ok) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('error', () => done(false));
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      if (buf.includes('\r\n')) done(/^(\+PONG|-NOAUTH|-WRONGPASS|-ERR.*auth)/i.test(buf));
    });
  });
}

/** Polls `url` until it answers 2xx. Fails early when `isDead()` says the server exited. */
export async function waitForHttp(url, { timeoutMs = 120_000, isDead } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (isDead?.()) throw new Error(`the server exited before ${url} answered`);
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000} s (${last})`);
    await sleep(250);
  }
}
