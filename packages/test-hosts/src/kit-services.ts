// Real Node services built on the service kit (packages/service-kit), run under one pm2 daemon
// on loopback (pm2 starts a fresh process whenever one exits, as after a restart call) and
// registered in the Consul simulator. Each service appends its pid to starts/<pod> when it
// starts, so a test can count restarts. Shared by the executors' and API's rolling-restart
// tests and the e2e suite; each passes the kit it loads (`kitUrl`), as a deployed service
// would install it, so this package does not depend on the kit.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { ConsulSim } from './consul-sim/index.js';
import { freePort } from './free-port.js';
import { pm2CliPath, stopPm2 } from './pm2.js';

const run = promisify(execFile);

export interface KitService {
  /** pm2 app name, e.g. svc-1 */
  name: string;
  pod: string;
  /** Consul service id the kit derives: `<service>-<namespace>-<pod>`. */
  id: string;
  port: number;
  secret: string;
}

export interface KitServices {
  services: KitService[];
  dir: string;
  /** Process starts of a service so far (1 = never restarted). */
  starts(s: KitService): Promise<number>;
  /** Its next process comes up never ready (health 503, Consul check critical); `false` repairs. */
  breakNextStart(s: KitService, broken?: boolean): Promise<void>;
  /** `pm2 restart <name>` (not through the kit) and wait until it passes again. */
  pm2Restart(s: KitService): Promise<void>;
  waitAllPassing(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface StartKitServicesOptions {
  sim: ConsulSim;
  count: number;
  service: string;
  secret: string;
  /** The service kit's entry module, as a URL the services import. */
  kitUrl: string;
  /** Services (1-based) started with another secret than the one Wharf sends. */
  wrongSecret?: number[];
  /** POD_NAMESPACE, part of every Consul service id (default `test`). */
  namespace?: string;
  /** The kit's grace between deregistering and draining (default 800 ms). */
  deregisterGraceMs?: number;
  /**
   * Work per request before the answer (default 5 ms, so requests are in flight when a restart
   * begins; 0 answers at once), and the servers' keep-alive timeout (default 2000 ms; null
   * leaves Node's own).
   */
  workMs?: number;
  keepAliveMs?: number | null;
  /** How long all services may take to pass their Consul checks at start (default 15 s). */
  readyTimeoutMs?: number;
  /** More environment for every service (e.g. NODE_ENV). */
  env?: Record<string, string>;
  /** The temporary directory's name prefix (default `wharf-kit-services-`). */
  tmpPrefix?: string;
  /** Startup work after listening, before the kit registers in Consul (default 0 ms). */
  bootMs?: number;
}

const SERVICE_JS = (kitUrl: string): string => `
import { appendFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServiceKit } from ${JSON.stringify(kitUrl)};

const env = process.env;
appendFileSync(env.STARTS_FILE, process.pid + '\\n');
// A broken release: this process never becomes ready.
const broken = existsSync(env.BROKEN_FILE);
const port = Number(env.PORT);
const workMs = Number(env.WORK_MS);
const kit = createServiceKit({
  service: env.SERVICE,
  port,
  address: '127.0.0.1',
  restartSecret: env.WHARF_RESTART_SECRET,
  checks: broken ? { release: () => false } : {},
  consul: {
    agents: env.CONSUL_AGENTS.split(','),
    checkInterval: '100ms',
    checkTimeout: '1s',
    deregisterCriticalServiceAfter: '5m',
  },
  drain: { deregisterGraceMs: Number(env.DRAIN_GRACE_MS), timeoutMs: 5000 },
  log: () => {},
});
const answer = (res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(env.POD_NAME + ' ' + process.pid);
};
const server = createServer((req, res) => {
  if (kit.handle(req, res)) return;
  if (workMs > 0) setTimeout(() => answer(res), workMs);
  else answer(res);
});
if (env.KEEP_ALIVE_MS) server.keepAliveTimeout = Number(env.KEEP_ALIVE_MS);
const start = () =>
  kit.start(server).catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
const bootMs = Number(env.BOOT_MS);
server.listen(port, '127.0.0.1', () => (bootMs > 0 ? setTimeout(start, bootMs) : start()));
`;

function pm2(pm2Home: string, args: string[]) {
  return run(process.execPath, [pm2CliPath(), ...args], {
    env: { ...process.env, PM2_HOME: pm2Home, PM2_DISCRETE_MODE: 'true' },
    timeout: 30_000,
  });
}

export async function startKitServices(o: StartKitServicesOptions): Promise<KitServices> {
  const namespace = o.namespace ?? 'test';
  const keepAliveMs = o.keepAliveMs === undefined ? 2000 : o.keepAliveMs;
  const dir = await mkdtemp(join(tmpdir(), o.tmpPrefix ?? 'wharf-kit-services-'));
  const pm2Home = join(dir, 'pm2');
  await mkdir(join(dir, 'starts'), { recursive: true });
  await mkdir(pm2Home, { recursive: true });
  await writeFile(join(pm2Home, 'touch'), ''); // pm2 skips its version check
  await writeFile(join(dir, 'service.mjs'), SERVICE_JS(o.kitUrl));

  const services: KitService[] = [];
  for (let i = 1; i <= o.count; i++) {
    const pod = `${o.service}-${i}`;
    services.push({
      name: `svc-${i}`,
      pod,
      id: `${o.service}-${namespace}-${pod}`,
      port: await freePort('127.0.0.1'),
      secret: o.wrongSecret?.includes(i) ? `${o.secret}-but-not-this-one` : o.secret,
    });
  }
  const apps = services.map((s) => ({
    name: s.name,
    script: join(dir, 'service.mjs'),
    exec_mode: 'fork',
    autorestart: true,
    restart_delay: 0,
    min_uptime: 500,
    max_restarts: 1000,
    kill_timeout: 6000,
    env: {
      SERVICE: o.service,
      PORT: String(s.port),
      POD_NAME: s.pod,
      POD_NAMESPACE: namespace,
      ...o.env,
      WHARF_RESTART_SECRET: s.secret,
      CONSUL_AGENTS: o.sim.agents.map((a) => a.url).join(','),
      STARTS_FILE: join(dir, 'starts', s.pod),
      BROKEN_FILE: join(dir, `broken-${s.pod}`),
      DRAIN_GRACE_MS: String(o.deregisterGraceMs ?? 800),
      WORK_MS: String(o.workMs ?? 5),
      BOOT_MS: String(o.bootMs ?? 0),
      ...(keepAliveMs === null ? {} : { KEEP_ALIVE_MS: String(keepAliveMs) }),
    },
  }));
  await writeFile(join(dir, 'ecosystem.config.cjs'), `module.exports = ${JSON.stringify({ apps }, null, 2)};\n`);

  const passing = (): Set<string> => new Set(o.sim.health(o.service, { passing: true }).map((e) => e.Service.ID));
  const waitFor = async (ok: () => boolean, what: string, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`kit services: ${what} not reached in ${timeoutMs} ms`);
      await sleep(25);
    }
  };
  const fixture: KitServices = {
    services,
    dir,
    async starts(s) {
      const text = await readFile(join(dir, 'starts', s.pod), 'utf8').catch(() => '');
      return text.split('\n').filter(Boolean).length;
    },
    async breakNextStart(s, broken = true) {
      const file = join(dir, `broken-${s.pod}`);
      if (broken) await writeFile(file, '');
      else if (existsSync(file)) await rm(file);
    },
    async pm2Restart(s) {
      // A crash-looping service is being restarted by pm2 itself; `pm2 restart` run at that very
      // moment fails with "Process with pid N already exists" (seen in CI): ask again.
      for (let attempt = 1; ; attempt++) {
        try {
          await pm2(pm2Home, ['restart', s.name]);
          break;
        } catch (err) {
          if (attempt >= 5 || !String(err).includes('already exists')) throw err;
          await new Promise((r) => setTimeout(r, 300));
        }
      }
      await waitFor(() => passing().has(s.id), `${s.id} passing`, 15_000);
    },
    waitAllPassing: (timeoutMs = 15_000) =>
      waitFor(() => services.every((s) => passing().has(s.id)), 'all services passing', timeoutMs),
    async stop() {
      await stopPm2(pm2Home);
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await pm2(pm2Home, ['start', join(dir, 'ecosystem.config.cjs')]);
    await fixture.waitAllPassing(o.readyTimeoutMs);
  } catch (err) {
    await fixture.stop();
    throw err;
  }
  return fixture;
}
