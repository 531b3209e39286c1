// The socket.io server with the cross-site rule of the REST API applied at the handshake, for
// every transport: engine.io asks allowRequest before it opens a session, whether the first
// request is a polling GET or a WebSocket upgrade. Later requests carry the session id, which
// only the client that passed this check knows.
//
// engine.io answers its HTTP requests (polling, refusals) itself, before Express and so before
// the security headers every other answer gets: those answers get their own here. They are
// data (log lines included), never a page: nothing may render, sniff, frame or embed them.
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { crossSiteRefusal } from '../security/browser-origin.js';

// The option and server types of the socket.io copy @nestjs/platform-socket.io was built with.
type IoOptions = NonNullable<Parameters<IoAdapter['createIOServer']>[1]>;
type IoServer = ReturnType<IoAdapter['createIOServer']>;

export const ENGINE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
};

export class LiveIoAdapter extends IoAdapter {
  private readonly hooked = new WeakSet<object>();

  constructor(
    app: INestApplicationContext,
    private readonly accepted: ReadonlySet<string>,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: IoOptions): IoServer {
    // socket.io takes partial options; Nest's signature says ServerOptions.
    const server = super.createIOServer(port, {
      ...options,
      allowRequest: (req, callback) => {
        const refusal = crossSiteRefusal(req.headers, this.accepted);
        callback(refusal ?? undefined, refusal === null);
      },
    } as IoOptions);
    this.addEngineHeaders(`${(options?.path ?? '/socket.io').replace(/\/$/, '')}/`);
    return server;
  }

  /** Runs before engine.io's own request listener, for every answer it writes (errors too). */
  private addEngineHeaders(path: string): void {
    const http = this.httpServer as HttpServer | undefined;
    if (!http || typeof http.prependListener !== 'function' || this.hooked.has(http)) return;
    this.hooked.add(http);
    http.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      if (!req.url?.startsWith(path)) return;
      for (const [name, value] of Object.entries(ENGINE_HEADERS)) res.setHeader(name, value);
    });
  }
}
