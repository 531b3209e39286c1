// A refusal sent before the request body was read. Node would otherwise keep the connection
// alive by reading and discarding the rest of the body, however large (an unauthenticated
// 300 MB upload would be read in full). With "Connection: close" Node ends the connection once
// the answer is written; the timer is for a client that never reads that answer.
import type { IncomingMessage, ServerResponse } from 'node:http';

const CLOSE_GRACE_MS = 5_000;

export function closeIfBodyUnread(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete) return;
  if (!res.headersSent) res.setHeader('Connection', 'close');
  const socket = req.socket;
  res.once('finish', () => {
    setTimeout(() => {
      if (!socket.destroyed) socket.destroy();
    }, CLOSE_GRACE_MS).unref();
  });
}
