// Test fixture: real Node services built on @wharf/service-kit, run under one pm2 daemon
// (which starts a fresh process whenever one exits) on loopback, registering themselves in
// the Consul simulator. Each service appends its pid to starts/<pod> when it starts, so a
// test can count restarts.
import { freePort, pm2CliPath, stopPm2 } from '@wharf/test-hosts';
import type { ConsulSim } from '@wharf/test-hosts/consul-sim';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

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
  /** Process starts of a service so far. */
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
  /** Services (1-based) started with another secret than the one Wharf sends. */
  wrongSecret?: number[];
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
  // Time for the load balancer to see the deregistration, with room for a loaded CI machine.
  drain: { deregisterGraceMs: 800, timeoutMs: 5000 },
  log: () => {},
});
const server = createServer((req, res) => {
  if (kit.handle(req, res)) return;
  // A little work per request, so requests are in flight when a restart begins.
  setTimeout(() => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(env.POD_NAME + ' ' + process.pid);
  }, 5);
});
server.keepAliveTimeout = 2000;
server.listen(port, '127.0.0.1', () => {
  kit.start(server).catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
});
`;

function pm2(pm2Home: string, args: string[]) {
  return run(process.execPath, [pm2CliPath(), ...args], {
    env: { ...process.env, PM2_HOME: pm2Home, PM2_DISCRETE_MODE: 'true' },
    timeout: 30_000,
  });
}

export async function startKitServices(o: StartKitServicesOptions): Promise<KitServices> {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-kit-services-'));
  const pm2Home = join(dir, 'pm2');
  await mkdir(join(dir, 'starts'), { recursive: true });
  await mkdir(pm2Home, { recursive: true });
  await writeFile(join(pm2Home, 'touch'), ''); // pm2 skips its version check
  const kitUrl = import.meta.resolve('@wharf/service-kit');
  await writeFile(join(dir, 'service.mjs'), SERVICE_JS(kitUrl));

  const services: KitService[] = [];
  for (let i = 1; i <= o.count; i++) {
    const pod = `${o.service}-${i}`;
    services.push({
      name: `svc-${i}`,
      pod,
      id: `${o.service}-test-${pod}`,
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
      POD_NAMESPACE: 'test',
      WHARF_RESTART_SECRET: s.secret,
      CONSUL_AGENTS: o.sim.agents.map((a) => a.url).join(','),
      STARTS_FILE: join(dir, 'starts', s.pod),
      BROKEN_FILE: join(dir, `broken-${s.pod}`),
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
    await fixture.waitAllPassing();
  } catch (err) {
    await fixture.stop();
    throw err;
  }
  return fixture;
}
