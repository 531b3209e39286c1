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

/** Namespace middleware: refuses the connection unless the cookie names a live session. */
export function sessionMiddleware(sessions: SessionService) {
  return (socket: Socket, next: (err?: Error) => void): void => {
    const token = sessionTokenFromCookie(socket.handshake.headers.cookie);
    if (!token) return next(new Error('sign in required'));
    sessions.resolve(token).then(
      (user) => {
        if (!user) return next(new Error('sign in required'));
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
