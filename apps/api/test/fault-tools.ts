// Real faults for integration tests: a private redis-server that can be killed -9 and started
// again on the same port (empty, like a Redis without persistence), and a TCP proxy in front
// of Postgres whose cut() looks to clients exactly like a Postgres restart (every connection
// dropped, new ones refused, then accepted again). The shared Postgres is never touched.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, isAlive, waitForPort } from '@wharf/test-hosts';

export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  /** pid of the running redis-server, null while it is down. */
  readonly pid: number | null;
  /** SIGKILL, and resolves once the process is gone: all data is lost. */
  kill(): Promise<void>;
  /** Starts it again on the same port (no-op if it runs). */
  start(): Promise<void>;
  /** Kills it (if running) and removes its temp dir. */
  stop(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-redis-'));
  const port = await freePort('127.0.0.1');
  let child: ChildProcess | null = null;
  // Last resort if the test process ends without stop() (a hook timed out): no orphan daemon.
  const killOnExit = () => {
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const start = async (): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) return;
    const c = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--daemonize',
        'no',
        '--logfile',
        '',
      ],
      { stdio: 'ignore' },
    );
    child = c;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.once('error', () => undefined);
    await waitForPort('127.0.0.1', port, 10_000, () => c.exitCode !== null || c.signalCode !== null).catch(
      async (err) => {
        await exited;
        throw err;
      },
    );
  };

  const kill = async (): Promise<void> => {
    const c = child;
    if (!c || c.pid === undefined || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill('SIGKILL');
    await exited;
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      const c = child;
      return c?.pid !== undefined && isAlive(c.pid) ? c.pid : null;
    },
    kill,
    start,
    async stop() {
      process.off('exit', killOnExit);
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface TcpProxy {
  readonly port: number;
  /** Connections accepted so far (to check clients really go through the proxy). */
  readonly accepted: number;
  /**
   * Drops every open connection and refuses new ones for `ms`; resolves once it accepts again.
   * Call it without awaiting to act during the outage.
   */
  cut(ms: number): Promise<void>;
  /** The two halves of cut(), for an outage that ends on an event rather than after a time. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

/** A loopback TCP proxy to `target` (read on every new connection, so it may be set later). */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const port = await freePort('127.0.0.1');
  const open = new Set<Socket>();
  let accepted = 0;
  let server: Server | null = null;
  let closed = false;

  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const srv = createServer((client) => {
        if (server !== srv) {
          client.destroy(); // accepted while a cut was starting
          return;
        }
        accepted++;
        const upstream = connect({ host: target.host, port: target.port });
        open.add(client);
        open.add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          open.delete(client);
          open.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
        client.pipe(upstream);
        upstream.pipe(client);
      });
      server = srv;
      srv.once('error', (err) => {
        server = null;
        reject(err);
      });
      srv.listen(port, '127.0.0.1', () => resolve());
    });

  const stopListening = (): Promise<void> =>
    new Promise((resolve) => {
      const srv = server;
      server = null;
      for (const s of open) s.destroy();
      open.clear();
      if (!srv) return resolve();
      srv.close(() => resolve());
    });

  const up = async (): Promise<void> => {
    if (!closed && !server) await listen();
  };

  await listen();
  return {
    port,
    get accepted() {
      return accepted;
    },
    async cut(ms) {
      await stopListening();
      await new Promise((r) => setTimeout(r, ms));
      await up();
    },
    // Closing the listener makes the port refuse connections, as a stopped Postgres does.
    down: stopListening,
    up,
    async close() {
      closed = true;
      await stopListening();
    },
  };
}

/** `url` with its host:port replaced by 127.0.0.1:`port` (for routing a client through a proxy). */
export function throughPort(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString();
}
