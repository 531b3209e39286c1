#!/usr/bin/env node
// Artifact upload benchmark: how close does `wharf artifact push` (CLI + API, end to end)
// come to the floor of just hashing and listing the tarball locally, and how much memory
// does the API grow by while receiving it? See bench/README.md.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from './config.mjs';
import { makeTarball } from './make-tarball.mjs';
import { firstChildPid, pidListeningOn, rssBytes, RssSampler } from './rss-sampler.mjs';
import { createToken, ensureProject, health, login, revokeToken } from './wharf-api.mjs';
import { ADMIN, startWharfStack } from '../ssh-fanout/wharf-stack.mjs';
import { cpuSeconds, mainThreadCpuSeconds, processCpuSeconds } from './cpu-time.mjs';

const TARGETS = { rssGrowthMiB: 64, ratio: 1.2 };
const MiB = 1024 * 1024;
const here = dirname(fileURLToPath(import.meta.url));
const log = (line) => console.error(`bench: ${line}`);

/**
 * Runs a command and resolves with its wall time and the CPU-seconds it and its children used
 * (a tiny sh wrapper reads its own cutime/cstime from /proc after waiting for the command;
 * the command's arguments are passed as "$@", never parsed by the shell). Rejects on non-zero exit.
 */
function timed(cmd, args, { env, stdout = 'ignore', onSpawn } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const script = '"$@"; s=$?; cat /proc/$$/stat >&3; exit $s';
    const child = spawn('/bin/sh', ['-c', script, 'sh', cmd, ...args], {
      env,
      stdio: ['ignore', stdout, 'pipe', 'pipe'],
    });
    onSpawn?.(child);
    let out = '';
    let err = '';
    let stat = '';
    child.stdout?.setEncoding('utf8').on('data', (s) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s) => (err += s));
    child.stdio[3].setEncoding('utf8').on('data', (s) => (stat += s));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve({ ms, stdout: out, cpuS: cpuSeconds(stat, 'children') });
      else reject(new Error(`${cmd} exited with ${code}: ${err.trim().split('\n').at(-1) ?? ''}`));
    });
  });
}

async function sha256Of(file) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: MiB })) hash.update(chunk);
  return hash.digest('hex');
}

const round2 = (x) => Math.round(x * 100) / 100;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function startFakeServer(dataDir, token) {
  const child = spawn(process.execPath, [join(here, 'fake-server.mjs'), dataDir], {
    env: { PATH: process.env.PATH, BENCH_FAKE_TOKEN: token },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.setEncoding('utf8').on('data', (s) => {
      buf += s;
      const m = /port (\d+)/.exec(buf);
      if (m) resolve(Number(m[1]));
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`fake server exited with ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

async function main() {
  const cfg = loadConfig();
  if (!existsSync(cfg.cli)) throw new Error(`${cfg.cli} is missing: run "pnpm --filter @wharf/cli build" first`);
  const tmp = await mkdtemp(join(cfg.tmpRoot ?? tmpdir(), 'wharf-bench-'));
  // BENCH_KEEP_LOGS / BENCH_CPU_PROFILE keep the API's log and profiles (not the tarball).
  const keep = cfg.stack?.keepLogs;
  const cleanups = [() => rm(keep ? join(tmp, 'bench.tgz') : tmp, { recursive: true, force: true })];
  const onSignal = () => {
    log('interrupted, cleaning up');
    void Promise.allSettled(cleanups.reverse().map((fn) => fn())).then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    // --- the server under test --------------------------------------------------------
    let url;
    let token;
    let apiPid;
    if (cfg.fake) {
      token = `wharf_${randomBytes(30).toString('base64url').slice(0, 40)}`;
      await mkdir(join(tmp, 'fake-data'));
      const fake = await startFakeServer(join(tmp, 'fake-data'), token);
      cleanups.push(() => fake.child.kill('SIGTERM'));
      url = fake.url;
      apiPid = fake.child.pid;
      log(`using the FAKE server (BENCH_FAKE=1) at ${url}, pid ${apiPid}`);
    } else if (cfg.stack) {
      // A private Wharf: fresh database, Redis prefix and data dir, removed at the end.
      // BENCH_NODE_ARGS: extra node flags for the private API and worker (e.g. --trace-gc).
      const nodeArgs = process.env.BENCH_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
      const stack = await startWharfStack(cfg.stack, tmp, { log, nodeArgs });
      cleanups.push(() => stack.stop());
      url = stack.url;
      apiPid = stack.apiPid;
      const cookie = await login(url, ADMIN.email, ADMIN.password);
      await ensureProject(url, cookie, cfg.project);
      token = (await createToken(url, cookie, cfg.project)).token;
      log(`using a private Wharf (WHARF_URL unset) at ${url}, API pid ${apiPid}${keep ? `; kept: ${tmp}` : ''}`);
    } else {
      url = cfg.url;
      if (!(await health(url))) {
        throw new Error(`no Wharf answers GET ${url}/api/health; start the API, or run with BENCH_FAKE=1`);
      }
      token = cfg.token;
      if (!token) {
        if (!cfg.adminEmail || !cfg.adminPassword) {
          throw new Error('set WHARF_TOKEN (a token of WHARF_PROJECT), or WHARF_ADMIN_EMAIL + WHARF_ADMIN_PASSWORD');
        }
        const cookie = await login(url, cfg.adminEmail, cfg.adminPassword);
        if (await ensureProject(url, cookie, cfg.project)) log(`created project ${cfg.project}`);
        const created = await createToken(url, cookie, cfg.project);
        token = created.token;
        cleanups.push(() =>
          revokeToken(url, cookie, cfg.project, created.id).catch((e) => log(`revoke: ${e.message}`)),
        );
        log(`created a temporary API token for ${cfg.project} (revoked at the end)`);
      }
      apiPid = cfg.apiPid ?? pidListeningOn(Number(new URL(url).port || (url.startsWith('https') ? 443 : 80)));
      if (apiPid) log(`API pid ${apiPid}${cfg.apiPid ? ' (WHARF_API_PID)' : ' (found by port)'}`);
      else log('API pid unknown (set WHARF_API_PID): RSS growth will not be measured');
    }

    // --- the tarball --------------------------------------------------------------------
    log(`generating a ${cfg.sizeMiB} MiB tarball of random data in ${tmp}`);
    const genStarted = performance.now();
    const { file, size } = await makeTarball(tmp, cfg.sizeMiB);
    log(`generated ${(size / MiB).toFixed(1)} MiB in ${((performance.now() - genStarted) / 1000).toFixed(1)} s`);
    const sha256 = await sha256Of(file); // also warms the page cache for both measurements

    // --- measurements -------------------------------------------------------------------
    const runs = [];
    for (let i = 0; i < cfg.runs; i++) {
      const sha = await timed('sha256sum', [file], { stdout: 'pipe' });
      if (!sha.stdout.startsWith(sha256)) throw new Error('sha256sum disagrees with node: corrupt tarball?');
      const tar = await timed('tar', ['-tzf', file]);
      const floorMs = sha.ms + tar.ms;

      const baselineSamples = [];
      for (let k = 0; k < 5 && apiPid; k++) {
        baselineSamples.push(rssBytes(apiPid) ?? 0);
        await sleep(50);
      }
      const baseline = baselineSamples.length ? median(baselineSamples) : undefined;
      const apiSampler = apiPid ? new RssSampler(apiPid).start() : undefined;
      const apiCpuBefore = apiPid ? processCpuSeconds(apiPid) : undefined;
      const apiMainCpuBefore = apiPid ? mainThreadCpuSeconds(apiPid) : undefined;
      const load1 = loadavg()[0];
      let cliSampler;
      const version = `bench-${Date.now().toString(36)}-${i}`;
      const push = await timed(
        process.execPath,
        [cfg.cli, 'artifact', 'push', file, '--project', cfg.project, '--version', version, '--quiet', '--json'],
        {
          stdout: 'pipe',
          env: { PATH: cfg.childPath, WHARF_URL: url, WHARF_TOKEN: token },
          onSpawn: (child) => (cliSampler = new RssSampler(() => firstChildPid(child.pid)).start()),
        },
      );
      apiSampler?.stop();
      cliSampler?.stop();
      const apiCpuAfter = apiPid ? processCpuSeconds(apiPid) : undefined;
      const apiCpuS = apiCpuBefore !== undefined && apiCpuAfter !== undefined ? apiCpuAfter - apiCpuBefore : null;
      const apiMainCpuAfter = apiPid ? mainThreadCpuSeconds(apiPid) : undefined;
      const apiMainCpuS =
        apiMainCpuBefore !== undefined && apiMainCpuAfter !== undefined ? apiMainCpuAfter - apiMainCpuBefore : null;
      const view = JSON.parse(push.stdout);
      if (view.sha256 !== sha256) throw new Error(`the server recorded sha256 ${view.sha256}, expected ${sha256}`);

      const run = {
        version,
        floorMs: Math.round(floorMs),
        sha256sumMs: Math.round(sha.ms),
        tarListMs: Math.round(tar.ms),
        pushMs: Math.round(push.ms),
        ratio: push.ms / floorMs,
        // Load-robust: what each side did, in CPU-seconds (user + system, all threads).
        floorCpuS: round2(sha.cpuS + tar.cpuS),
        sha256sumCpuS: round2(sha.cpuS),
        tarListCpuS: round2(tar.cpuS),
        cliCpuS: round2(push.cpuS),
        apiCpuS: apiCpuS === null ? null : round2(apiCpuS),
        /** Of apiCpuS, the JavaScript thread; the rest is libuv's pool, worker threads and GC. */
        apiMainThreadCpuS: apiMainCpuS === null ? null : round2(apiMainCpuS),
        pushCpuS: apiCpuS === null ? null : round2(push.cpuS + apiCpuS),
        loadAvg1: round2(load1),
        apiRssBaselineMiB: baseline === undefined ? null : baseline / MiB,
        apiRssPeakMiB: apiSampler ? apiSampler.peak() / MiB : null,
        apiRssGrowthMiB: apiSampler && baseline !== undefined ? Math.max(0, apiSampler.peak() - baseline) / MiB : null,
        apiRssSamples: apiSampler?.samples.length ?? 0,
        cliRssPeakMiB: cliSampler ? cliSampler.peak() / MiB : null,
      };
      runs.push(run);
      log(
        `run ${i + 1}/${cfg.runs}: floor ${(floorMs / 1000).toFixed(2)} s (${run.floorCpuS} CPU-s), push ${(push.ms / 1000).toFixed(2)} s (CLI ${run.cliCpuS} + API ${run.apiCpuS} CPU-s, API main thread ${run.apiMainThreadCpuS}), ratio ${run.ratio.toFixed(2)}, load ${run.loadAvg1}`,
      );
    }

    // --- report -------------------------------------------------------------------------
    const floorMs = median(runs.map((r) => r.floorMs));
    const pushMs = median(runs.map((r) => r.pushMs));
    const ratio = pushMs / floorMs;
    const growths = runs.map((r) => r.apiRssGrowthMiB).filter((g) => g !== null);
    const growth = growths.length ? Math.max(...growths) : null;
    const mbps = (ms) => size / 1e6 / (ms / 1000);
    const result = {
      at: new Date().toISOString(),
      server: cfg.fake ? 'fake' : cfg.stack ? 'private' : 'real',
      url,
      apiPid: apiPid ?? null,
      sizeBytes: size,
      sha256,
      runs,
      floorSeconds: floorMs / 1000,
      pushSeconds: pushMs / 1000,
      pushMBps: mbps(pushMs),
      floorMBps: mbps(floorMs),
      ratio,
      floorCpuS: median(runs.map((r) => r.floorCpuS)),
      cliCpuS: median(runs.map((r) => r.cliCpuS)),
      apiCpuS: runs.every((r) => r.apiCpuS !== null) ? median(runs.map((r) => r.apiCpuS)) : null,
      loadAvg1: Math.max(...runs.map((r) => r.loadAvg1)),
      apiRssGrowthMiB: growth,
      targets: {
        ratio: { max: TARGETS.ratio, pass: ratio <= TARGETS.ratio },
        apiRssGrowthMiB: { max: TARGETS.rssGrowthMiB, pass: growth === null ? null : growth < TARGETS.rssGrowthMiB },
      },
    };
    await mkdir(dirname(cfg.resultFile), { recursive: true });
    await writeFile(cfg.resultFile, `${JSON.stringify(result, null, 2)}\n`);

    const verdict = (pass) => (pass === null ? 'n/a' : pass ? 'PASS' : 'FAIL');
    const rows = [
      [`server`, `${result.server} ${url}${apiPid ? ` (pid ${apiPid})` : ''}`],
      [`tarball`, `${(size / MiB).toFixed(1)} MiB random data, gzip`],
      [`floor: sha256sum + tar -tzf`, `${result.floorSeconds.toFixed(2)} s  (${result.floorMBps.toFixed(1)} MB/s)`],
      [`wharf artifact push`, `${result.pushSeconds.toFixed(2)} s  (${result.pushMBps.toFixed(1)} MB/s)`],
      [`CPU-s: floor / CLI + API`, `${result.floorCpuS} / ${result.cliCpuS} + ${result.apiCpuS ?? 'n/a'}`],
      [
        `load average (1 min, max)`,
        `${result.loadAvg1}${result.loadAvg1 >= 3 ? '  (busy: wall times disturbed)' : ''}`,
      ],
      [`ratio push / floor`, `${ratio.toFixed(2)}  target <= ${TARGETS.ratio}  ${verdict(result.targets.ratio.pass)}`],
      [
        `API peak RSS growth`,
        growth === null
          ? 'not measured (API pid unknown)'
          : `${growth.toFixed(1)} MiB  target < ${TARGETS.rssGrowthMiB} MiB  ${verdict(result.targets.apiRssGrowthMiB.pass)}`,
      ],
      [`CLI peak RSS (info)`, `${Math.max(...runs.map((r) => r.cliRssPeakMiB ?? 0)).toFixed(1)} MiB`],
      [`result`, cfg.resultFile],
    ];
    const width = Math.max(...rows.map((r) => r[0].length));
    console.log(rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n'));
    const failed = Object.values(result.targets).some((t) => t.pass === false);
    return failed ? 3 : 0;
  } finally {
    for (const fn of cleanups.reverse()) await fn();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err) => {
    console.error(`bench: ${err.message}`);
    process.exitCode = 1;
  },
);
