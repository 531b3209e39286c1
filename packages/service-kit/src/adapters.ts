// Framework adapters, typed structurally so the kit depends on none of the frameworks.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceKit } from './service-kit.js';

/** Express (4 and 5) middleware: `app.use(expressMiddleware(kit))`, before other routes. */
export function expressMiddleware(
  kit: ServiceKit,
): (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void {
  return (req, res, next) => {
    if (!kit.handle(req, res)) next();
  };
}

interface KoaContextLike {
  req: IncomingMessage;
  res: ServerResponse;
  respond?: boolean;
}

/** Koa middleware: `app.use(koaMiddleware(kit))`, first in the chain. */
export function koaMiddleware(kit: ServiceKit): (ctx: KoaContextLike, next: () => Promise<unknown>) => Promise<void> {
  return async (ctx, next) => {
    if (kit.handle(ctx.req, ctx.res)) {
      // The kit wrote the answer itself: Koa must not touch the response.
      ctx.respond = false;
      return;
    }
    await next();
  };
}

interface FastifyRequestLike {
  raw: IncomingMessage;
}
interface FastifyReplyLike {
  raw: ServerResponse;
  hijack(): unknown;
}
interface FastifyLike {
  addHook(
    name: 'onRequest',
    hook: (request: FastifyRequestLike, reply: FastifyReplyLike, done: (err?: Error) => void) => void,
  ): unknown;
}

/** Fastify plugin: `app.register(fastifyPlugin(kit))`; answers the kit's paths before routing. */
export function fastifyPlugin(kit: ServiceKit): (app: FastifyLike, opts: unknown, done: (err?: Error) => void) => void {
  const plugin = (app: FastifyLike, _opts: unknown, done: (err?: Error) => void): void => {
    app.addHook('onRequest', (request, reply, next) => {
      if (kit.handle(request.raw, reply.raw)) {
        reply.hijack();
        return;
      }
      next();
    });
    done();
  };
  // Same effect as fastify-plugin: the hook applies to the whole app, not only this plugin's scope.
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}
