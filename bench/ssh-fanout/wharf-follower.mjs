// A live follower of one deployment, as the dashboard follows it: socket.io namespace /live
// with the session cookie, `deployment:subscribe`, and the `deployment:status` pushes (the
// deployment view after every state or target change). It notes when a push first says the
// deployment is final. Log lines arrive too (the dashboard shows them); they are only counted.
import { io } from 'socket.io-client';

const FINAL = new Set(['succeeded', 'failed', 'cancelled']);

/** Connects before the release starts; `follow(id)` subscribes; `finalAt` resolves with Date.now(). */
export async function startFollower(baseUrl, cookie) {
  const socket = io(`${baseUrl}/live`, {
    path: '/socket.io',
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: { cookie },
  });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('follower: socket.io connect timed out')), 30_000);
    socket.once('connect', () => (clearTimeout(timer), resolve()));
    socket.once('connect_error', (err) => (clearTimeout(timer), reject(err)));
  });
  let deploymentId = null;
  let lineBatches = 0;
  let resolveFinal;
  const finalAt = new Promise((r) => (resolveFinal = r));
  socket.on('deployment:lines', (w) => {
    if (w?.deploymentId === deploymentId) lineBatches++;
  });
  socket.on('deployment:status', (view) => {
    if (view?.id === deploymentId && FINAL.has(view.state)) resolveFinal({ at: Date.now(), state: view.state });
  });
  socket.on('deployment:error', (e) => resolveFinal({ at: null, state: null, error: e?.message ?? String(e) }));
  return {
    follow(id) {
      deploymentId = id;
      socket.emit('deployment:subscribe', { deploymentId: id, afterSeq: 0 });
    },
    /** The first final status push (waits at most `timeoutMs` after the call). */
    async final(timeoutMs) {
      let timer;
      const timeout = new Promise(
        (r) => (timer = setTimeout(() => r({ at: null, state: null, error: 'timeout' }), timeoutMs)),
      );
      const r = await Promise.race([finalAt, timeout]);
      clearTimeout(timer);
      return { ...r, lineBatches };
    },
    close: () => socket.close(),
  };
}
