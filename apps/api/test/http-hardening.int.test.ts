// What the HTTP server does for every request whatever its route: security headers on every
// kind of answer, the cross-site rule at the socket.io handshake (both transports), and
// refusals that end the connection instead of reading a body nobody will use, including
// Expect: 100-continue, where the refusal goes out instead of "100 Continue".
import { existsSync, readdirSync } from 'node:fs';
import { connect, type Socket as NetSocket } from 'node:net';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonLogger } from '../src/common/json-logger.js';
import { createHttpApp } from '../src/http-app.js';
import { defaultWebDist } from '../src/static/paths.js';
import {
  createProject,
  createToken,
  createUser,
  eventually,
  startUpload,
  tarGz,
  type ProjectFixture,
} from './fixtures.js';
import { signedInUser } from './live-helpers.js';
import { startTestApp, TEST_ADMIN, type TestApp } from './test-env.js';

let t: TestApp;
let project: ProjectFixture;
let token: string;
let origin: string;
const serverSockets: NetSocket[] = [];

beforeAll(async () => {
  t = await startTestApp();
  origin = t.config.WHARF_PUBLIC_URL;
  project = await createProject(t);
  token = (await createToken(t, project.id)).token;
  // Every connection the server accepts, to measure how much of a refused body it read.
  (t.app.getHttpServer() as import('node:http').Server).on('connection', (s: NetSocket) => serverSockets.push(s));
});

afterAll(async () => {
  await t?.close();
});

const uploadPath = (version: string) => `/api/v1/projects/${project.slug}/artifacts/tarball?version=${version}`;

function cspOf(res: Response): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (res.headers.get('content-security-policy') ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out.set(name, values.join(' '));
  }
  return out;
}

function expectBaseHeaders(res: Response, what: string): void {
  expect(res.headers.get('x-frame-options'), what).toBe('DENY');
  expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(res.headers.get('x-powered-by'), what).toBeNull();
  expect(res.headers.get('referrer-policy'), what).toBe('no-referrer');
  expect(cspOf(res).get('frame-ancestors'), what).toBe("'none'");
  // Plain http here: HSTS would be ignored at best, and must not be sent.
  expect(res.headers.get('strict-transport-security'), what).toBeNull();
}

describe('security headers', () => {
  it('the dashboard, its assets and API answers (refusals too): strict CSP, no framing, nosniff', async () => {
    const dist = defaultWebDist();
    expect(existsSync(join(dist, 'index.html')), 'the dashboard must be built (pnpm build)').toBe(true);
    const asset = readdirSync(join(dist, 'assets')).find((f) => f.endsWith('.js'))!;
    const cookie = (await signedInUser(t, { admin: true })).cookie;
    const answers: [string, Promise<Response>][] = [
      ['dashboard', fetch(`${t.url}/projects/x`)],
      ['asset', fetch(`${t.url}/assets/${asset}`)],
      ['api 200', fetch(`${t.url}/api/v1/auth/me`, { headers: { cookie } })],
      ['api 401', fetch(`${t.url}/api/v1/auth/me`)],
      ['api 403', fetch(`${t.url}/api/v1/auth/logout`, { method: 'POST', headers: { origin: 'http://evil.example' } })],
      ['api 415', fetch(`${t.url}/api/v1/auth/logout`, { method: 'POST' })],
      ['health', fetch(`${t.url}/api/health`)],
      ['not found', fetch(`${t.url}/api/v1/nope`)],
    ];
    for (const [what, pending] of answers) {
      const res = await pending;
      expectBaseHeaders(res, what);
      const csp = cspOf(res);
      expect(csp.get('default-src'), what).toBe("'self'");
      expect(csp.get('script-src'), what).toBe("'self'");
      expect(csp.get('style-src'), what).toBe("'self'");
      expect(csp.get('object-src'), what).toBe("'none'");
      expect(csp.get('img-src'), what).toBe("'self' data:");
      // 'self', plus ws: for older browsers; no IPv6 literal, which Chromium rejects in a CSP.
      expect(csp.get('connect-src'), what).toBe(
        `'self' ${origin.replace(/^http/, 'ws')} ${origin.replace(/^http:\/\/127\.0\.0\.1/, 'ws://localhost')}`,
      );
      expect(csp.has('upgrade-insecure-requests'), what).toBe(false);
    }
    const page = await (await fetch(`${t.url}/`)).text();
    // The built page has nothing inline that the CSP would block.
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
  });

  it('API answers, the secrets shown once among them, are never kept by a cache; dashboard assets are', async () => {
    const dist = defaultWebDist();
    const asset = readdirSync(join(dist, 'assets')).find((f) => f.endsWith('.js'))!;
    const cookie = (await signedInUser(t, { admin: true })).cookie;
    const user = await createUser(t);
    const json = { cookie, 'content-type': 'application/json' };
    const P = `${t.url}/api/v1/projects/${project.slug}`;
    const answers: [string, Response][] = [
      ['new CI token', await fetch(`${P}/tokens`, { method: 'POST', headers: json, body: '{"name":"cache"}' })],
      ['new webhook token', await fetch(`${P}/webhook/token`, { method: 'POST', headers: json })],
      [
        'generated password',
        await fetch(`${t.url}/api/v1/users/${user.id}/password`, { method: 'POST', headers: json, body: '{}' }),
      ],
      ['signed-in read', await fetch(`${t.url}/api/v1/auth/me`, { headers: { cookie } })],
      ['signed-in read, path in capitals', await fetch(`${t.url}/API/V1/auth/me`, { headers: { cookie } })],
      ['token read', await fetch(`${P}/artifacts`, { headers: { authorization: `Bearer ${token}` } })],
      ['refusal', await fetch(`${t.url}/api/v1/auth/me`)],
      ['not found', await fetch(`${t.url}/api/v1/nope`)],
      ['health', await fetch(`${t.url}/api/health`)],
    ];
    const wrong = answers
      .filter(([, res]) => res.headers.get('cache-control') !== 'no-store')
      .map(([what, res]) => `${what} (${res.status}): ${res.headers.get('cache-control')}`);
    expect(wrong).toEqual([]);
    expect(answers.slice(0, 5).map(([, res]) => res.status)).toEqual([201, 201, 200, 200, 200]);
    expect((await fetch(`${t.url}/assets/${asset}`)).headers.get('cache-control')).toMatch(/max-age=[1-9]/);
  });

  it('the OpenAPI UI: the same, except that its inline styles are allowed', async () => {
    const res = await fetch(`${t.url}/api/docs`);
    expect(res.status).toBe(200);
    expectBaseHeaders(res, 'docs');
    const csp = cspOf(res);
    expect(csp.get('script-src')).toBe("'self'");
    expect(csp.get('style-src')).toBe("'self' 'unsafe-inline'");
    // Its scripts are files (no inline script to allow).
    expect(await res.text()).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>\s*\S/);
  });

  it('adds HSTS and upgrade-insecure-requests only when the public address is https', async () => {
    const app: NestExpressApplication = await createHttpApp(
      { ...t.config, WHARF_PUBLIC_URL: 'https://wharf.example.com' },
      new JsonLogger('error'),
    );
    try {
      await app.listen(0, '127.0.0.1');
      const port = (app.getHttpServer().address() as { port: number }).port;
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      expect(res.headers.get('strict-transport-security')).toBe('max-age=15552000');
      expect(cspOf(res).has('upgrade-insecure-requests')).toBe(true);
      expect(cspOf(res).get('connect-src')).toBe("'self' wss://wharf.example.com");
    } finally {
      await app.close();
    }
  });
});

describe('socket.io handshake', () => {
  let cookie: string;
  beforeAll(async () => {
    cookie = (await signedInUser(t, { admin: true })).cookie;
  });

  function connectLive(transport: 'polling' | 'websocket', headers: Record<string, string>): Promise<string> {
    const socket = io(`${t.url}/live`, {
      path: '/socket.io',
      transports: [transport],
      reconnection: false,
      forceNew: true,
      extraHeaders: { cookie, ...headers },
    });
    return new Promise((resolve) => {
      socket.once('connect', () => {
        // Connected and usable: a subscribe gets an answer from the gateway.
        socket
          .emitWithAck('deployment:subscribe', { deploymentId: '00000000-0000-4000-8000-000000000000' })
          .then(
            (ack: { ok: boolean; message?: string }) => resolve(`connected: ${ack.message ?? 'ok'}`),
            (err: unknown) => resolve(`connected, no answer: ${String(err)}`),
          )
          .finally(() => socket.disconnect());
      });
      socket.once('connect_error', (err) => {
        socket.disconnect();
        resolve(`refused: ${err.message}`);
      });
    });
  }

  for (const transport of ['polling', 'websocket'] as const) {
    it(`refuses a foreign Origin or a cross-site fetch over ${transport}, and accepts its own origin`, async () => {
      expect(await connectLive(transport, { origin: 'http://evil.example' })).toMatch(/^refused/);
      expect(await connectLive(transport, { origin: `http://127.0.0.1:${Number(new URL(origin).port) + 1}` })).toMatch(
        /^refused/,
      );
      expect(await connectLive(transport, { 'sec-fetch-site': 'same-site' })).toMatch(/^refused/);
      expect(await connectLive(transport, { origin, 'sec-fetch-site': 'same-origin' })).toBe(
        'connected: deployment not found',
      );
      // Not a browser (no Origin): the session cookie decides, as before.
      expect(await connectLive(transport, {})).toBe('connected: deployment not found');
    });
  }

  it('answers a refused polling handshake with 403 and opens no session', async () => {
    const res = await fetch(`${t.url}/socket.io/?EIO=4&transport=polling`, {
      headers: { cookie, origin: 'http://evil.example' },
    });
    expect(res.status).toBe(403);
    const body = (await res.json()) as { message: string };
    expect(body.message).toMatch(/cross-site request refused/);
    const ok = await fetch(`${t.url}/socket.io/?EIO=4&transport=polling`, { headers: { cookie, origin } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/^0\{"sid":/);
  });
});

/**
 * Streams up to `totalBytes` of chunked body until the server answers or closes, and reports
 * what the server read of it (its socket's bytesRead, headers included).
 */
async function refusedStream(
  path: string,
  headers: Record<string, string>,
  totalBytes = 300 * 1024 * 1024,
): Promise<{ status: number; connection: unknown; serverRead: number; closedAfterMs: number; body: unknown }> {
  const before = serverSockets.length;
  const upload = startUpload(t.url + path, { headers });
  const chunk = Buffer.alloc(256 * 1024, 0x61);
  for (let sent = 0; sent < totalBytes; sent += chunk.length) {
    if (!(await upload.write(chunk))) break;
  }
  const outcome = await upload.response;
  const answeredAt = Date.now();
  const server = serverSockets[before];
  expect(server, 'the connection of this upload').toBeDefined();
  expect(await eventually(async () => server!.destroyed, 5000)).toBe(true);
  const closedAfterMs = Date.now() - answeredAt;
  expect(await eventually(async () => upload.closedByServer, 5000)).toBe(true);
  upload.close();
  return {
    status: outcome.status,
    connection: outcome.headers.connection,
    serverRead: server!.bytesRead,
    closedAfterMs,
    body: outcome.body,
  };
}

describe('refusals end the connection instead of reading the body', () => {
  const MB = 1024 * 1024;
  const cases: [string, () => string, () => Record<string, string>, number, RegExp][] = [
    ['unauthenticated upload (401)', () => uploadPath('big-1'), () => ({}), 401, /sign in required/],
    [
      'upload with a revoked-looking token (401)',
      () => uploadPath('big-2'),
      () => ({ authorization: 'Bearer wharf_notarealtokennotarealtokennotarealtoken' }),
      401,
      /invalid token/,
    ],
    [
      'upload of the wrong type (415)',
      () => uploadPath('big-3'),
      () => ({ authorization: `Bearer ${token}`, 'content-type': 'text/plain' }),
      415,
      /Content-Type/,
    ],
    [
      'upload from another site (403)',
      () => uploadPath('big-4'),
      () => ({ authorization: `Bearer ${token}`, origin: 'http://evil.example' }),
      403,
      /cross-site/,
    ],
    [
      'oversized sign-in body (413)',
      () => '/api/v1/auth/login',
      () => ({ 'content-type': 'application/json' }),
      413,
      /too large/,
    ],
  ];

  for (const [name, path, headers, status, message] of cases) {
    it(`${name}: of a 300 MB chunked body the server reads a few MB at most, then closes`, async () => {
      const res = await refusedStream(path(), headers());
      expect(res.status).toBe(status);
      expect((res.body as { message: string }).message).toMatch(message);
      expect(res.connection).toBe('close');
      // What was in flight in socket buffers when the answer went out; never the 300 MB.
      expect(res.serverRead).toBeLessThan(16 * MB);
      expect(res.closedAfterMs).toBeLessThan(2000);
    });
  }

  it('a declared Content-Length over the JSON limit is refused with 413 before reading, and the connection closes', async () => {
    const res = await refusedStream('/api/v1/auth/login', {
      'content-type': 'application/json',
      'content-length': String(50 * MB),
    });
    expect(res.status).toBe(413);
    expect(res.connection).toBe('close');
    expect(res.serverRead).toBeLessThan(16 * MB);
  });

  it('keeps the connection alive after a refusal whose small body was read in full', async () => {
    const res = await fetch(`${t.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: TEST_ADMIN.email, password: 'wrong-password-123' }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('connection')).toBe('keep-alive');
  });
});

/** Sends a request head with Expect: 100-continue and records what comes back before any body. */
function expectContinue(
  path: string,
  headers: Record<string, string>,
): Promise<{ socket: NetSocket; firstLine: () => Promise<string>; received: () => string; closed: Promise<void> }> {
  const { port } = new URL(t.url);
  const socket = connect(Number(port), '127.0.0.1');
  let data = '';
  const waiters: (() => void)[] = [];
  socket.on('data', (d: Buffer) => {
    data += d.toString('latin1');
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  const head = [
    `POST ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'Expect: 100-continue',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    '',
    '',
  ].join('\r\n');
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.write(head);
      resolve({
        socket,
        received: () => data,
        closed,
        firstLine: () =>
          new Promise((res) => {
            const check = () =>
              data.includes('\r\n') ? res(data.slice(0, data.indexOf('\r\n'))) : waiters.push(check);
            check();
          }),
      });
    });
  });
}

describe('Expect: 100-continue', () => {
  it('answers a refused upload with the refusal instead of 100 Continue, and closes', async () => {
    const refusals: [Record<string, string>, string][] = [
      [{ 'Content-Type': 'application/gzip', 'Content-Length': String(300 * 1024 * 1024) }, '401 Unauthorized'],
      [
        { 'Content-Type': 'text/plain', 'Content-Length': '1000', Authorization: `Bearer ${token}` },
        '415 Unsupported Media Type',
      ],
      [
        { 'Content-Type': 'application/gzip', 'Content-Length': '1000', Origin: 'http://evil.example' },
        '403 Forbidden',
      ],
    ];
    for (const [headers, status] of refusals) {
      const c = await expectContinue(uploadPath('expect-1'), headers);
      expect(await c.firstLine()).toBe(`HTTP/1.1 ${status}`);
      await c.closed;
      expect(c.received()).not.toContain('100 Continue');
      expect(c.received().toLowerCase()).toContain('connection: close');
    }
  });

  it('sends 100 Continue once the request passed, then takes the body', async () => {
    const tgz = await tarGz([{ name: 'package/index.js', body: 'console.log(1)\n' }]);
    const c = await expectContinue(uploadPath('expect-ok-1'), {
      'Content-Type': 'application/gzip',
      'Content-Length': String(tgz.length),
      Authorization: `Bearer ${token}`,
    });
    expect(await c.firstLine()).toBe('HTTP/1.1 100 Continue');
    c.socket.write(tgz);
    expect(await eventually(async () => /HTTP\/1\.1 201 Created/.test(c.received()), 10_000)).toBe(true);
    c.socket.destroy();
  });

  it('does the same for JSON routes: 413 for a declared oversize, 100 then the answer otherwise', async () => {
    const big = await expectContinue('/api/v1/auth/login', {
      'Content-Type': 'application/json',
      'Content-Length': String(10 * 1024 * 1024),
    });
    expect(await big.firstLine()).toBe('HTTP/1.1 413 Payload Too Large');
    await big.closed;

    const body = JSON.stringify({ email: TEST_ADMIN.email, password: 'wrong-password-456' });
    const ok = await expectContinue('/api/v1/auth/login', {
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(body)),
    });
    expect(await ok.firstLine()).toBe('HTTP/1.1 100 Continue');
    ok.socket.write(body);
    expect(await eventually(async () => /HTTP\/1\.1 401 Unauthorized/.test(ok.received()), 10_000)).toBe(true);
    ok.socket.destroy();
  });
});
