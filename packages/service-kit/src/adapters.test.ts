// The adapters with the real frameworks: the kit answers its paths, the app everything else.
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import type { Server } from 'node:http';
import { freePort } from '@wharf/test-hosts';
import { afterEach, describe, expect, it } from 'vitest';
import { expressMiddleware, fastifyPlugin, koaMiddleware } from './adapters.js';
import { createServiceKit, type ServiceKit } from './service-kit.js';

const SECRET = 'restart-secret-0123456789';
const kitFor = (port: number): ServiceKit =>
  createServiceKit({
    service: 'shop',
    port,
    restartSecret: SECRET,
    env: {},
    handleSignals: false,
    exitAfterShutdown: false,
    log: () => {},
    drain: { deregisterGraceMs: 0 },
  });
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function check(url: string, kit: ServiceKit, server: Server): Promise<void> {
  expect(await fetch(`${url}/app`).then((r) => r.text())).toBe('from the app');
  expect((await fetch(`${url}/health`)).status).toBe(503);
  await kit.start(server);
  const health = await fetch(`${url}/health`);
  expect([health.status, await health.json()]).toEqual([200, { status: 'ready', instance: kit.instanceId }]);
  expect((await fetch(`${url}/-/restart`, { method: 'POST' })).status).toBe(401);
  const ok = await fetch(`${url}/-/restart`, { method: 'POST', headers: { authorization: `Bearer ${SECRET}` } });
  expect(ok.status).toBe(200);
  expect(kit.state).toBe('draining');
  await kit.shutdown('test');
  await expect(fetch(`${url}/app`)).rejects.toThrow();
}

describe('adapters', () => {
  it('express', async () => {
    const port = await freePort('127.0.0.1');
    const kit = kitFor(port);
    const app = express();
    app.use(expressMiddleware(kit));
    app.get('/app', (_req, res) => {
      res.send('from the app');
    });
    const server = app.listen(port, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    closers.push(() => kit.shutdown('test'));
    await check(`http://127.0.0.1:${port}`, kit, server);
  });

  it('koa', async () => {
    const port = await freePort('127.0.0.1');
    const kit = kitFor(port);
    const app = new Koa();
    app.use(koaMiddleware(kit));
    app.use((ctx) => {
      if (ctx.path === '/app') ctx.body = 'from the app';
    });
    const server = app.listen(port, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    closers.push(() => kit.shutdown('test'));
    await check(`http://127.0.0.1:${port}`, kit, server);
  });

  it('fastify', async () => {
    const port = await freePort('127.0.0.1');
    const kit = kitFor(port);
    const app = Fastify();
    await app.register(fastifyPlugin(kit));
    app.get('/app', () => 'from the app');
    await app.listen({ port, host: '127.0.0.1' });
    closers.push(() => kit.shutdown('test'));
    await check(`http://127.0.0.1:${port}`, kit, app.server);
  });
});
