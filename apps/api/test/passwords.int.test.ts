// Changing one's own password and an administrator's reset: who may, what is refused, and
// that every session of the user ends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../src/prisma/prisma.service.js';
import { createUser } from './fixtures.js';
import { TestClient } from './http-client.js';
import { LoopbackClient } from './loopback-client.js';
import { startTestApp, TEST_ADMIN, type TestApp } from './test-env.js';

let t: TestApp;
let admin: TestClient;
beforeAll(async () => {
  t = await startTestApp({ WHARF_LOGIN_MAX_ATTEMPTS: '3' });
  admin = new TestClient(t.url);
  await admin.login(TEST_ADMIN.email, TEST_ADMIN.password);
});
afterAll(async () => {
  await t?.close();
});

const signedIn = async (email: string, password: string) => {
  const c = new TestClient(t.url);
  await c.login(email, password);
  return c;
};
const cookieOf = (res: { headers: Headers }) => res.headers.get('set-cookie')?.split(';')[0] ?? null;
const auditOf = (action: string, subjectId: string) =>
  t.app.get(PrismaService).auditEvent.findMany({ where: { action, subjectId } });

describe('changing my password', () => {
  it('needs the current password, and signs out every other session', async () => {
    const user = await createUser(t);
    const laptop = await signedIn(user.email, user.password);
    const phone = await signedIn(user.email, user.password);
    const newPassword = 'a brand new passphrase';

    const before = await laptop.get('/api/v1/auth/me');
    expect(before.status).toBe(200);
    const res = await laptop.post('/api/v1/auth/password', { currentPassword: user.password, newPassword });
    expect(res.status).toBe(204);
    const rotated = cookieOf(res);
    expect(rotated).toMatch(/^wharf_session=/);
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly/i);

    // This browser carries on with its new session; the phone is signed out.
    expect((await laptop.get('/api/v1/auth/me')).status).toBe(200);
    expect((await phone.get('/api/v1/auth/me')).status).toBe(401);
    expect(await t.app.get(PrismaService).session.count({ where: { userId: user.id } })).toBe(1);

    expect((await new TestClient(t.url).post('/api/v1/auth/login', user)).status).toBe(401);
    expect(
      (await new TestClient(t.url).post('/api/v1/auth/login', { email: user.email, password: newPassword })).status,
    ).toBe(200);

    const [event] = await auditOf('user.password_changed', user.id);
    expect(event).toBeDefined();
    expect(event!.data).toEqual({ otherSessionsRevoked: 1 });
    expect(JSON.stringify(event!.data)).not.toContain(newPassword);
  });

  it('refuses a wrong current password, a reused one, and a weak one, changing nothing', async () => {
    const user = await createUser(t);
    const c = await signedIn(user.email, user.password);
    const wrong = await c.post('/api/v1/auth/password', {
      currentPassword: 'not-my-password',
      newPassword: 'another long password',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.issues).toEqual([{ path: 'currentPassword', message: 'current password is wrong' }]);
    expect(JSON.stringify(wrong.body)).not.toContain('not-my-password');

    const same = await c.post('/api/v1/auth/password', { currentPassword: user.password, newPassword: user.password });
    expect(same.status).toBe(400);
    expect(same.body.issues[0].path).toBe('newPassword');

    const weak = await c.post('/api/v1/auth/password', { currentPassword: user.password, newPassword: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body.issues[0].path).toBe('newPassword');

    expect((await c.get('/api/v1/auth/me')).status).toBe(200);
    expect((await new TestClient(t.url).post('/api/v1/auth/login', user)).status).toBe(200);
    expect(await auditOf('user.password_change_failed', user.id)).toHaveLength(1);
  });

  it('counts wrong current passwords as password guesses', async () => {
    const user = await createUser(t);
    const c = new LoopbackClient(t.url, '127.0.0.21');
    expect((await c.login(user.email, user.password)).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const res = await c.post('/api/v1/auth/password', {
        currentPassword: `guess-${i}`,
        newPassword: 'whatever long 1',
      });
      expect(res.status).toBe(400);
    }
    const throttled = await c.post('/api/v1/auth/password', {
      currentPassword: user.password,
      newPassword: 'whatever long 1',
    });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    // The same guesses at sign-in from that address are throttled too; elsewhere the user still signs in.
    expect((await new LoopbackClient(t.url, '127.0.0.21').login(user.email, user.password)).status).toBe(429);
    expect((await new LoopbackClient(t.url, '127.0.0.22').login(user.email, user.password)).status).toBe(200);
  });

  it('is for signed-in users only', async () => {
    const res = await new TestClient(t.url).post('/api/v1/auth/password', {
      currentPassword: 'x',
      newPassword: 'a long enough password',
    });
    expect(res.status).toBe(401);
  });
});

describe('administrator password reset', () => {
  it('generates a password shown once, and signs the user out everywhere', async () => {
    const user = await createUser(t);
    const session = await signedIn(user.email, user.password);
    const res = await admin.post(`/api/v1/users/${user.id}/password`, {});
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body.sessionsRevoked).toBe(1);
    const generated: string = res.body.generatedPassword;
    expect(generated).toMatch(/^[0-9A-Za-z]{20}$/);

    expect((await session.get('/api/v1/auth/me')).status).toBe(401);
    expect((await new TestClient(t.url).post('/api/v1/auth/login', user)).status).toBe(401);
    expect(
      (await new TestClient(t.url).post('/api/v1/auth/login', { email: user.email, password: generated })).status,
    ).toBe(200);

    const [event] = await auditOf('user.password_reset', user.id);
    expect(event!.actorLabel).toBe(TEST_ADMIN.email);
    expect(event!.data).toEqual({ email: user.email, generated: true, sessionsRevoked: 1 });
    expect(JSON.stringify(event!.data)).not.toContain(generated);
  });

  it('sets a password the administrator chose, under the same policy', async () => {
    const user = await createUser(t);
    const weak = await admin.post(`/api/v1/users/${user.id}/password`, { password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body.issues[0].path).toBe('password');
    const res = await admin.post(`/api/v1/users/${user.id}/password`, { password: 'chosen by the admin' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ generatedPassword: null, sessionsRevoked: 0 });
    expect((await signedIn(user.email, 'chosen by the admin').then((c) => c.get('/api/v1/auth/me'))).status).toBe(200);
  });

  it('is for administrators only, not for oneself, and 404s unknown users', async () => {
    const victim = await createUser(t);
    const other = await createUser(t);
    const plain = await signedIn(other.email, other.password);
    expect((await plain.post(`/api/v1/users/${victim.id}/password`, {})).status).toBe(403);
    expect((await new TestClient(t.url).post(`/api/v1/users/${victim.id}/password`, {})).status).toBe(401);
    const me = (await admin.get('/api/v1/auth/me')).body;
    const self = await admin.post(`/api/v1/users/${me.id}/password`, {});
    expect(self.status).toBe(400);
    expect(self.body.message).toMatch(/auth\/password/);
    expect((await admin.post('/api/v1/users/00000000-0000-4000-8000-000000000000/password', {})).status).toBe(404);
    expect((await admin.post('/api/v1/users/not-a-uuid/password', {})).status).toBe(400);
    // The victim's password still works: nothing was changed by the refused calls.
    expect((await new TestClient(t.url).post('/api/v1/auth/login', victim)).status).toBe(200);
  });
});
