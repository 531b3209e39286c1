// Login throttling against real Redis, with clients on distinct loopback addresses: the
// count is atomic, limits are per address (and address + account), and nobody can keep a
// user out from another address.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PasswordService } from '../src/auth/password.service.js';
import { PrismaService } from '../src/prisma/prisma.service.js';
import { createUser, uniqueName } from './fixtures.js';
import { LoopbackClient } from './loopback-client.js';
import { startTestApp, type TestApp } from './test-env.js';

const LIMIT = 10;
const PER_ADDRESS = 25;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({
    WHARF_LOGIN_MAX_ATTEMPTS: String(LIMIT),
    WHARF_LOGIN_MAX_ATTEMPTS_PER_ADDRESS: String(PER_ADDRESS),
  });
});
afterAll(async () => {
  await t?.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

const from = (address: string) => new LoopbackClient(t.url, address);

describe('login throttling', () => {
  it('lets 60 concurrent wrong passwords from one address reach the password check only LIMIT times', async () => {
    const victim = await createUser(t);
    const verify = vi.spyOn(t.app.get(PasswordService), 'verify');
    const attacker = from('127.0.0.11');
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => attacker.login(victim.email, `wrong-password-${i}`)),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(60 - LIMIT);
    expect(verify).toHaveBeenCalledTimes(LIMIT);
    const throttled = answers.find((a) => a.status === 429)!;
    const retryAfter = Number(throttled.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(throttled.body.message).toMatch(/too many failed sign-in attempts/);

    // The attacker's address stays throttled for this account, even with the right password...
    expect((await attacker.login(victim.email, victim.password)).status).toBe(429);
    // ...while the real user, from their own address, signs in (slowed down, never refused).
    const started = Date.now();
    const real = from('127.0.0.12');
    expect((await real.login(victim.email, victim.password)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect((await real.get('/api/v1/auth/me')).body.email).toBe(victim.email);
    // Only the checked attempts are audited, and never with the password.
    const events = await t.app.get(PrismaService).auditEvent.findMany({ where: { action: 'auth.login_failed' } });
    const mine = events.filter((e) => (e.data as { email?: string }).email === victim.email);
    expect(mine).toHaveLength(LIMIT);
    expect(JSON.stringify(mine.map((e) => e.data))).not.toContain('wrong-password');
  });

  it('throttles an address that hit its limit for every account, with one answer whether the account exists or not', async () => {
    const sprayer = from('127.0.0.13');
    for (let i = 0; i < PER_ADDRESS; i++) {
      const email = i % 2 ? (await createUser(t)).email : `${uniqueName('nobody')}@test.local`;
      expect((await sprayer.login(email, 'guess-password-1')).status).toBe(401);
    }
    const existing = await createUser(t);
    const right = await sprayer.login(existing.email, existing.password);
    const unknown = await sprayer.login(`${uniqueName('nobody')}@test.local`, 'guess-password-1');
    expect(right.status).toBe(429);
    expect(unknown.status).toBe(429);
    expect(unknown.body).toEqual(right.body);
    expect(right.headers.get('retry-after')).toBeTruthy();
    // Another address is not affected.
    expect((await from('127.0.0.14').login(existing.email, existing.password)).status).toBe(200);
  });

  it('clears the address + account count on success, without refunding earlier failures on the address', async () => {
    const user = await createUser(t);
    const client = from('127.0.0.15');
    for (let i = 0; i < LIMIT - 1; i++) expect((await client.login(user.email, 'typo-password')).status).toBe(401);
    expect((await client.login(user.email, user.password)).status).toBe(200);
    for (let i = 0; i < LIMIT; i++) expect((await client.login(user.email, 'typo-password')).status).toBe(401);
    expect((await client.login(user.email, 'typo-password')).status).toBe(429);
    // 2 * LIMIT - 1 failures stay on the address: PER_ADDRESS - that many are left for others.
    const other = await createUser(t);
    for (let i = 0; i < PER_ADDRESS - (2 * LIMIT - 1); i++) {
      expect((await client.login(other.email, 'typo-password')).status).toBe(401);
    }
    expect((await client.login(other.email, other.password)).status).toBe(429);
  });

  it('ignores X-Forwarded-For unless WHARF_TRUST_PROXY says whom to trust', async () => {
    const user = await createUser(t);
    const client = from('127.0.0.16');
    const answers: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) {
      const res = await client.login(user.email, 'wrong-password', { 'x-forwarded-for': `127.0.1.${i + 1}` });
      answers.push(res.status);
    }
    expect(answers.filter((s) => s === 401)).toHaveLength(LIMIT);
    expect(answers.slice(LIMIT)).toEqual([429, 429]);
  });
});

describe('login throttling window', () => {
  let short: TestApp;
  beforeAll(async () => {
    short = await startTestApp({
      WHARF_LOGIN_MAX_ATTEMPTS: '2',
      WHARF_LOGIN_WINDOW_SECONDS: '2',
      WHARF_TRUST_PROXY: 'loopback',
    });
  });
  afterAll(async () => {
    await short?.close();
  });

  it('forgets failures when the window ends', async () => {
    const user = await createUser(short);
    const client = new LoopbackClient(short.url, '127.0.0.17');
    expect((await client.login(user.email, 'wrong-password')).status).toBe(401);
    expect((await client.login(user.email, 'wrong-password')).status).toBe(401);
    const throttled = await client.login(user.email, user.password);
    expect(throttled.status).toBe(429);
    const retryAfter = Number(throttled.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(2);
    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 1100));
    expect((await client.login(user.email, user.password)).status).toBe(200);
  });

  it('throttles by the forwarded address when the proxy is trusted', async () => {
    const user = await createUser(short);
    const proxy = new LoopbackClient(short.url, '127.0.0.18');
    const via = (client: string, password: string) => proxy.login(user.email, password, { 'x-forwarded-for': client });
    expect((await via('198.51.100.1', 'wrong-password')).status).toBe(401);
    expect((await via('198.51.100.1', 'wrong-password')).status).toBe(401);
    expect((await via('198.51.100.1', user.password)).status).toBe(429);
    expect((await via('198.51.100.2', user.password)).status).toBe(200);
    const events = await short.app.get(PrismaService).auditEvent.findMany({ where: { action: 'auth.login' } });
    expect(events.map((e) => e.ip)).toContain('198.51.100.2');
  });
});
