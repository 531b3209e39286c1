// The socket.io server with the cross-site rule of the REST API applied at the handshake, for
// every transport: engine.io asks allowRequest before it opens a session, whether the first
// request is a polling GET or a WebSocket upgrade. Later requests carry the session id, which
// only the client that passed this check knows.
import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { crossSiteRefusal } from '../security/browser-origin.js';

// The option and server types of the socket.io copy @nestjs/platform-socket.io was built with.
type IoOptions = NonNullable<Parameters<IoAdapter['createIOServer']>[1]>;
type IoServer = ReturnType<IoAdapter['createIOServer']>;

export class LiveIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly accepted: ReadonlySet<string>,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: IoOptions): IoServer {
    // socket.io takes partial options; Nest's signature says ServerOptions.
    return super.createIOServer(port, {
      ...options,
      allowRequest: (req, callback) => {
        const refusal = crossSiteRefusal(req.headers, this.accepted);
        callback(refusal ?? undefined, refusal === null);
      },
    } as IoOptions);
  }
}
