import type { Server } from 'node:http';

/**
 * Stops accepting connections and waits for requests in flight, up to `timeoutMs`; then
 * closes whatever is left. Keep-alive connections are closed as soon as they are idle (a
 * request in flight finishes first), so no client sends a new request on a closing socket.
 */
export function drainServer(server: Server, timeoutMs: number): Promise<'drained' | 'timeout'> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve('drained');
      return;
    }
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const timer = setTimeout(() => {
      clearInterval(sweep);
      server.closeAllConnections();
      resolve('timeout');
    }, timeoutMs);
    server.close(() => {
      clearTimeout(timer);
      clearInterval(sweep);
      resolve('drained');
    });
    server.closeIdleConnections();
  });
}
