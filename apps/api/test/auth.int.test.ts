import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_ADMIN, type TestApp } from './test-env.js';
import { PrismaService } from '../src/prisma/prisma.service.js';
import { createUser } from './fixtures.js';
import { TestClient } from './http-client.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ WHARF_LOGIN_MAX_ATTEMPTS: '3' });
});
afterAll(async () => {
  await t?.close();
});

describe('auth', () => {
  it('reports database and redis health without signing in', async () => {
    const res = await new TestClient(t.url).get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', database: 'up', redis: 'up' });
  });

  it('signs in with an httpOnly SameSite cookie and signs out', async () => {
    const c = new TestClient(t.url);
    const res = await c.post('/api/v1/auth/login', TEST_ADMIN);
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^wharf_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect((await c.get('/api/v1/auth/me')).body).toMatchObject({ email: TEST_ADMIN.email, isAdmin: true });
    expect((await c.post('/api/v1/auth/logout')).status).toBe(204);
    expect((await c.get('/api/v1/auth/me')).status).toBe(401);
  });

  it('stops honouring a session once it expires or its user is disabled', async () => {
    const prisma = t.app.get(PrismaService);
    for (const cut of ['expired', 'disabled'] as const) {
      const user = await createUser(t);
      const c = new TestClient(t.url);
      await c.login(user.email, user.password);
      expect((await c.get('/api/v1/auth/me')).body).toMatchObject({ email: user.email });
      if (cut === 'expired') {
        await prisma.session.updateMany({
          where: { userId: user.id },
          data: { expiresAt: new Date(Date.now() - 1000) },
        });
      } else {
        await prisma.user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
      }
      expect((await c.get('/api/v1/auth/me')).status, cut).toBe(401);
    }
  });

  it('rejects a wrong password, then rate-limits further attempts', async () => {
    const c = new TestClient(t.url);
    const body = { email: 'limited@test.local', password: 'wrong' };
    for (let i = 0; i < 3; i++) expect((await c.post('/api/v1/auth/login', body)).status).toBe(401);
    const limited = await c.post('/api/v1/auth/login', body);
    expect(limited.status).toBe(429);
    expect(limited.body.message).toMatch(/too many/);
  });

  it('validates the login body with a clear message', async () => {
    const res = await new TestClient(t.url).post('/api/v1/auth/login', { email: 'not-an-email', password: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.issues[0].path).toBe('email');
  });

  it('stores the password as an argon2 hash, never in clear', async () => {
    const { PrismaService } = await import('../src/prisma/prisma.service.js');
    const user = await t.app.get(PrismaService).user.findUniqueOrThrow({ where: { email: TEST_ADMIN.email } });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user.passwordHash).not.toContain(TEST_ADMIN.password);
  });
});

describe('malformed bodies', () => {
  it('answers broken JSON with a fixed message that never quotes the body', async () => {
    const res = await fetch(`${t.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'SUPERSECRET-abc{',
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).not.toContain('SUPERSECRET');
    expect(JSON.parse(text).message).toBe('request body is not valid JSON');
  });
});
