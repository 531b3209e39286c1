// Expect: 100-continue. Node answers "100 Continue" before the application sees the request
// unless the server handles 'checkContinue' itself; then nothing would ever send it. Here it
// is sent when the application first reads the body, so a refusal (sign-in, content type,
// size) goes out instead of 100 and the client never sends the body at all.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export function deferContinueUntilRead(server: Server): void {
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const read = req._read.bind(req);
    let continued = false;
    req._read = (size: number) => {
      // After the final answer has started (e.g. Node discarding an unread body), 100 is too late.
      if (!continued && !res.headersSent) {
        continued = true;
        res.writeContinue();
      }
      read(size);
    };
    server.emit('request', req, res);
  });
}
