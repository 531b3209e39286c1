// The socket.io connection for live deployment logs (namespace /live, path /socket.io),
// behind a small typed interface so the protocol logic can be tested without a server.
// The browser sends the `wharf_session` cookie with the handshake: same origin, no token.
import {
  decodeLines,
  LIVE_NAMESPACE,
  LiveEvents,
  type LinesPayload,
  type LinesWire,
  type StatusPayload,
  type SubscribePayload,
} from '@wharf/shared';
import { io } from 'socket.io-client';

export interface LiveErrorPayload {
  deploymentId?: string;
  message: string;
}

export interface LiveConnection {
  readonly connected: boolean;
  /** Fires on the first connection and on every reconnection. */
  onConnect(fn: () => void): void;
  /** `willRetry` is false when the connection will not come back by itself. */
  onDisconnect(fn: (willRetry: boolean) => void): void;
  onConnectError(fn: (message: string, willRetry: boolean) => void): void;
  onLines(fn: (payload: LinesPayload) => void): void;
  onStatus(fn: (payload: StatusPayload) => void): void;
  onError(fn: (payload: LiveErrorPayload) => void): void;
  subscribe(payload: SubscribePayload): void;
  unsubscribe(deploymentId: string): void;
  /** Tries again after the server refused or dropped the connection. */
  reconnect(): void;
  close(): void;
}

export type LiveConnectionFactory = () => LiveConnection;

export const connectLive: LiveConnectionFactory = () => {
  // forceNew: one connection per page, closed with it (no shared manager left behind).
  const socket = io(LIVE_NAMESPACE, { path: '/socket.io', withCredentials: true, forceNew: true });
  return {
    get connected() {
      return socket.connected;
    },
    onConnect: (fn) => void socket.on('connect', fn),
    // socket.active is false after the server or we ended it: socket.io will not retry then.
    onDisconnect: (fn) => void socket.on('disconnect', () => fn(socket.active)),
    onConnectError: (fn) => void socket.on('connect_error', (err: Error) => fn(err.message, socket.active)),
    // Lines come column-wise (LinesWire); the page works with line views.
    onLines: (fn) =>
      void socket.on(LiveEvents.lines, (w: LinesWire) => fn({ deploymentId: w.deploymentId, lines: decodeLines(w) })),
    onStatus: (fn) => void socket.on(LiveEvents.status, fn),
    onError: (fn) => void socket.on(LiveEvents.error, fn),
    subscribe: (payload) => void socket.emit(LiveEvents.subscribe, payload),
    unsubscribe: (deploymentId) => void socket.emit(LiveEvents.unsubscribe, { deploymentId }),
    reconnect: () => void socket.connect(),
    close: () => {
      socket.removeAllListeners();
      socket.disconnect();
    },
  };
};
