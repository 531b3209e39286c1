// socket.io connections authenticate in the handshake, before any event is handled: the
// same `wharf_session` cookie as the REST API, resolved by SessionService.
import type { Socket } from 'socket.io';
import type { UserActor } from '../common/request-context.js';
import { SESSION_COOKIE, type SessionService } from '../auth/session.service.js';

export interface LiveSocketData {
  user: UserActor;
  /** Kept to re-check the session on every subscribe (sign-out, expiry, disabled user). */
  sessionToken: string;
}

export function sessionTokenFromCookie(header: string | undefined): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw) || null;
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * Live connections one user may hold on an instance at once. Each one is re-checked every few
 * seconds and kept in memory; the dashboard opens one per browser tab.
 */
export const MAX_LIVE_CONNECTIONS_PER_USER = 50;

/** Namespace middleware: refuses the connection unless the cookie names a live session. */
export function sessionMiddleware(sessions: SessionService) {
  // Admitted sockets per user, counted from admission (socket.io adds a socket to the namespace
  // only on a later tick, so concurrent handshakes would not see each other there) until the
  // socket or its connection closes.
  const admitted = new Map<string, Set<string>>();
  const release = (userId: string, socketId: string) => {
    const set = admitted.get(userId);
    if (!set?.delete(socketId) || set.size > 0) return;
    admitted.delete(userId);
  };
  return (socket: Socket, next: (err?: Error) => void): void => {
    const token = sessionTokenFromCookie(socket.handshake.headers.cookie);
    if (!token) return next(new Error('sign in required'));
    sessions.resolve(token).then(
      (user) => {
        if (!user) return next(new Error('sign in required'));
        if (socket.conn.readyState !== 'open') return next(new Error('connection closed'));
        let set = admitted.get(user.id);
        if (!set) admitted.set(user.id, (set = new Set()));
        if (set.size >= MAX_LIVE_CONNECTIONS_PER_USER)
          return next(new Error(`too many live connections for this user (at most ${MAX_LIVE_CONNECTIONS_PER_USER})`));
        set.add(socket.id);
        socket.once('disconnect', () => release(user.id, socket.id));
        socket.conn.once('close', () => release(user.id, socket.id));
        socket.data = { user, sessionToken: token } satisfies LiveSocketData;
        next();
      },
      () => next(new Error('could not check the session; try again')),
    );
  };
}

export function liveSocketData(socket: Socket): LiveSocketData {
  return socket.data as LiveSocketData;
}
