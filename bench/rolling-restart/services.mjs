// The two kinds of service the benchmark restarts, each run N times under one pm2 daemon and
// registered in the Consul simulator:
// - kit: built on @wharf/service-kit (guarded restart, drain, deregister first, own id only),
//   the services the executors' and API's tests use (startKitServices of @wharf/test-hosts);
// - article: the pattern of the article in shared/seed: GET /api/kill exits at once (guarded
//   only by NODE_ENV), and a starting pod deregisters every entry of its service name before
//   registering itself.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, pm2CliPath, startKitServices, stopPm2 } from '@wharf/test-hosts';

const run = promisify(execFile);
export const SECRET = 'bench-restart-secret-0123456789';

// As in the article: the kill route exits at once, startup removes every same-name entry.
const ARTICLE_SERVICE = `
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
const env = process.env;
appendFileSync(env.STARTS_FILE, process.pid + '\\n');
const port = Number(env.PORT);
const agents = env.CONSUL_AGENTS.split(',');
const id = env.POD_NAME;
const server = createServer((req, res) => {
  if (req.url === '/api/kill' && env.NODE_ENV !== 'production') { res.end('ok'); process.exit(0); }
  if (req.url === '/api/health-check') { res.end('ok'); return; }
  setTimeout(() => res.end(env.POD_NAME), 5);
});
server.listen(port, '127.0.0.1', async () => {
  await new Promise((r) => setTimeout(r, Number(env.BOOT_MS)));
  for (const agent of agents) {
    const services = await (await fetch(agent + '/v1/agent/services')).json();
    for (const s of Object.values(services)) {
      if (s.Service === env.SERVICE) await fetch(agent + '/v1/agent/service/deregister/' + s.ID, { method: 'PUT' });
    }
  }
  await fetch(agents[0] + '/v1/agent/service/register', { method: 'PUT', body: JSON.stringify({
    ID: id, Name: env.SERVICE, Address: '127.0.0.1', Port: port,
    Check: { HTTP: 'http://127.0.0.1:' + port + '/api/health-check', Interval: '100ms' },
  }) });
  appendFileSync(env.REGISTERED_FILE, process.pid + '\\n');
});
`;

/** Starts `count` services of `kind` under a private pm2 and waits until all pass in Consul. */
export async function startServices({ kind, ...options }) {
  return kind === 'kit' ? startKit(options) : startArticle(options);
}

async function startKit({ count, sim, service, graceMs, bootMs }) {
  const kit = await startKitServices({
    sim,
    count,
    service,
    secret: SECRET,
    kitUrl: import.meta.resolve('@wharf/service-kit'),
    namespace: 'bench',
    deregisterGraceMs: graceMs,
    bootMs,
    keepAliveMs: null, // Node's own keep-alive, like the article's services
    env: { NODE_ENV: 'development' },
    readyTimeoutMs: 20_000 + count * 1000,
    tmpPrefix: 'wharf-bench-rr-kit-',
  });
  return {
    pods: kit.services,
    async starts() {
      let n = 0;
      for (const s of kit.services) n += await kit.starts(s);
      return n;
    },
    stop: () => kit.stop(),
  };
}

async function startArticle({ count, sim, service, bootMs }) {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-bench-rr-article-'));
  const pm2Home = join(dir, 'pm2');
  await mkdir(join(dir, 'starts'), { recursive: true });
  await mkdir(join(dir, 'registered'), { recursive: true });
  await mkdir(pm2Home, { recursive: true });
  await writeFile(join(pm2Home, 'touch'), '');
  await writeFile(join(dir, 'service.mjs'), ARTICLE_SERVICE);
  const pods = [];
  for (let i = 1; i <= count; i++)
    pods.push({ name: `svc-${i}`, pod: `${service}-${i}`, port: await freePort('127.0.0.1') });
  const apps = pods.map((p) => ({
    name: p.name,
    script: join(dir, 'service.mjs'),
    autorestart: true,
    restart_delay: 0,
    min_uptime: 500,
    max_restarts: 1000,
    kill_timeout: 6000,
    env: {
      SERVICE: service,
      PORT: String(p.port),
      POD_NAME: p.pod,
      POD_NAMESPACE: 'bench',
      NODE_ENV: 'development',
      WHARF_RESTART_SECRET: SECRET,
      CONSUL_AGENTS: sim.agents.map((a) => a.url).join(','),
      STARTS_FILE: join(dir, 'starts', p.pod),
      REGISTERED_FILE: join(dir, 'registered', p.pod),
      BOOT_MS: String(bootMs),
    },
  }));
  await writeFile(join(dir, 'ecosystem.config.cjs'), `module.exports = ${JSON.stringify({ apps })};\n`);
  const env = { ...process.env, PM2_HOME: pm2Home, PM2_DISCRETE_MODE: 'true' };
  const stop = async () => {
    await stopPm2(pm2Home);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await run(process.execPath, [pm2CliPath(), 'start', join(dir, 'ecosystem.config.cjs')], { env, timeout: 30_000 });
    const deadline = Date.now() + 20_000 + count * 1000;
    // The article's pods remove each other while starting: wait until the last one settled.
    while (sim.health(service, { passing: true }).length < 1) {
      if (Date.now() > deadline) throw new Error('article services did not come up');
      await new Promise((r) => setTimeout(r, 50));
    }
    // Every pod has registered (and removed the others) before the steady state is restored.
    for (const p of pods) {
      while (!(await readFile(join(dir, 'registered', p.pod), 'utf8').catch(() => ''))) {
        if (Date.now() > deadline) throw new Error(`article service ${p.pod} never started`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await new Promise((r) => setTimeout(r, 500));
    // Start state as the article assumes: every pod registered (re-register the ones removed).
    for (const p of pods) {
      await fetch(`${sim.agents[0].url}/v1/agent/service/register`, {
        method: 'PUT',
        body: JSON.stringify({
          ID: p.pod,
          Name: service,
          Address: '127.0.0.1',
          Port: p.port,
          Check: { HTTP: `http://127.0.0.1:${p.port}/api/health-check`, Interval: '100ms' },
        }),
      });
    }
    const until = Date.now() + 20_000;
    while (sim.health(service, { passing: true }).length < count) {
      if (Date.now() > until) throw new Error('article services: re-registered pods never all passed');
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    pods,
    async starts() {
      let n = 0;
      for (const p of pods)
        n += (await readFile(join(dir, 'starts', p.pod), 'utf8')).split('\n').filter(Boolean).length;
      return n;
    },
    stop,
  };
}
