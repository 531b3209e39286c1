// A password change or an administrator's reset ends the user's sessions, and with them the
// user's live-log sockets, at once (the periodic re-check is an hour away here, so only the
// revocation event can do it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from './http-client.js';
import {
  addMember,
  createDeployment,
  createFixture,
  fetchAs,
  LiveClient,
  signedInUser,
  type Fixture,
} from './live-helpers.js';
import { startTestApp, TEST_ADMIN, type TestApp } from './test-env.js';

let t: TestApp;
let f: Fixture;
const clients: LiveClient[] = [];

beforeAll(async () => {
  t = await startTestApp({ WHARF_LIVE_RECHECK_SECONDS: '3600' });
  f = await createFixture(t);
});

afterAll(async () => {
  for (const c of clients) c.close();
  await t?.close();
});

/** A member's socket, subscribed to a deployment of the fixture's project. */
async function watching(): Promise<{ user: { cookie: string; userId: string }; socket: LiveClient }> {
  const user = await signedInUser(t);
  await addMember(t, user.userId, f.projectId);
  const socket = new LiveClient(t.url, user.cookie);
  clients.push(socket);
  await socket.connected();
  const id = await createDeployment(t, f);
  expect(await socket.socket.emitWithAck('deployment:subscribe', { deploymentId: id, afterSeq: 0 })).toEqual({
    ok: true,
  });
  return { user, socket };
}

/** The socket's disconnection, or `still connected` after 5 s. */
function disconnection(c: LiveClient): Promise<{ reason: string; at: number }> {
  return Promise.race([
    new Promise<{ reason: string; at: number }>((resolve) =>
      c.socket.once('disconnect', (reason) => resolve({ reason, at: Date.now() })),
    ),
    new Promise<{ reason: string; at: number }>((resolve) =>
      setTimeout(() => resolve({ reason: 'still connected', at: Date.now() }), 5000).unref(),
    ),
  ]);
}

describe('live-log sockets and password changes', () => {
  it('drops the sockets of every session when the user changes their password', async () => {
    const { user, socket } = await watching();
    const gone = disconnection(socket);
    const start = Date.now();
    const res = await fetchAs(t, user.cookie, '/api/v1/auth/password', {
      method: 'POST',
      body: JSON.stringify({ currentPassword: 'user-password-12345', newPassword: 'a different long password' }),
    });
    expect(res.status).toBe(204);
    const { reason, at } = await gone;
    expect(reason).toBe('io server disconnect');
    expect(at - start).toBeLessThan(1000);
  });

  it('drops the sockets of a user whose password an administrator resets', async () => {
    const { user, socket } = await watching();
    const admin = new TestClient(t.url);
    await admin.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const gone = disconnection(socket);
    const start = Date.now();
    expect((await admin.post(`/api/v1/users/${user.userId}/password`, {})).status).toBe(200);
    const { reason, at } = await gone;
    expect(reason).toBe('io server disconnect');
    expect(at - start).toBeLessThan(1000);
  });
});
