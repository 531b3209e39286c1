// The only module of bench/ssh-fanout (and of bench/log-stream, which reuses the stack) that
// reads the environment. Every value has a default, so `pnpm --filter @wharf/bench ssh-fanout`
// needs nothing set.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));

function positiveInt(name, raw, fallback, max = Number.MAX_SAFE_INTEGER) {
  if (raw === undefined || raw === '') return fallback;
  if (!/^[1-9][0-9]*$/.test(raw) || Number(raw) > max)
    throw new Error(`${name} must be a whole number from 1 to ${max}`);
  return Number(raw);
}

function intList(name, raw, fallback, max) {
  if (raw === undefined || raw === '') return fallback;
  return raw.split(',').map((s) => positiveInt(name, s.trim(), undefined, max));
}

/** A nice value 0-19, or undefined when unset. */
function niceValue(raw) {
  if (raw === undefined || raw === '') return undefined;
  if (!/^(0|1?[0-9])$/.test(raw)) throw new Error('BENCH_WORKER_NICE must be a whole number from 0 to 19');
  return raw;
}

const LOOPBACK_HOST = /^(localhost|::1|127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

/** Benchmarks only ever talk to loopback (this project's network rule): refuse anything else. */
export function loopbackUrl(name, raw, protocols) {
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${name} is not a valid URL`);
  }
  if (!protocols.includes(url.protocol)) throw new Error(`${name} must use ${protocols.join(' or ')}`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!LOOPBACK_HOST.test(host)) throw new Error(`${name} must point at loopback (127.0.0.0/8, localhost or ::1)`);
  return raw;
}

function loopbackAddress(name, raw, fallback) {
  const v = raw || fallback;
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v)) throw new Error(`${name} must be an address in 127.0.0.0/8`);
  return v;
}

// floor-wharf-steps: the floor plus the extra host-side work Wharf does (see floor.sh).
// pssh: parallel-scp then parallel-ssh (Debian package `pssh`, see pssh.sh).
const TOOLS = ['wharf', 'ansible', 'floor', 'pssh', 'floor-wharf-steps'];
/** The default set: floor-wharf-steps is a diagnostic, run only when asked for. */
const DEFAULT_TOOLS = ['wharf', 'ansible', 'floor', 'pssh'];

/** Settings shared by both benchmarks: where Postgres and Redis are, where temp files go. */
export function loadStackConfig(env = process.env) {
  return {
    pgAdminUrl: loopbackUrl('BENCH_PG_URL', env.BENCH_PG_URL || 'postgresql://postgres@127.0.0.1:5432/postgres', [
      'postgresql:',
      'postgres:',
    ]),
    redisUrl: loopbackUrl('BENCH_REDIS_URL', env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379', ['redis:']),
    tmpRoot: env.BENCH_TMPDIR || undefined,
    /** Passed to child processes (API, worker, ansible, ssh), which read nothing else of ours. */
    childPath: env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    keepLogs: env.BENCH_KEEP_LOGS === '1' || env.BENCH_CPU_PROFILE === '1',
    /** Run the API and worker with --cpu-prof (profiles land in the kept temp dir). */
    cpuProfile: env.BENCH_CPU_PROFILE === '1',
  };
}

export function loadConfig(env = process.env) {
  const tools = (env.BENCH_TOOLS || DEFAULT_TOOLS.join(',')).split(',').map((s) => s.trim());
  for (const t of tools)
    if (!TOOLS.includes(t)) throw new Error(`BENCH_TOOLS: unknown tool ${t} (use ${TOOLS.join(',')})`);
  const healthIntervalS = positiveInt('BENCH_HEALTH_INTERVAL_S', env.BENCH_HEALTH_INTERVAL_S, 1, 10);
  return {
    ...loadStackConfig(env),
    hosts: positiveInt('BENCH_HOSTS', env.BENCH_HOSTS, 20, 150),
    parallelism: intList('BENCH_PARALLELISM', env.BENCH_PARALLELISM, [10, 20], 150),
    runs: positiveInt('BENCH_RUNS', env.BENCH_RUNS, 3, 20),
    warmup: env.BENCH_WARMUP !== '0',
    tools,
    baseAddress: loopbackAddress('BENCH_BASE_ADDRESS', env.BENCH_BASE_ADDRESS, '127.0.0.50'),
    /**
     * Pause between health-check attempts, for every tool. Whole seconds: Ansible's `delay`
     * is an integer, so this is the smallest interval all three can share.
     */
    healthIntervalS,
    healthAttempts: 30,
    /** Upper bound for one deployment run of any tool. */
    runTimeoutMs: positiveInt('BENCH_RUN_TIMEOUT_S', env.BENCH_RUN_TIMEOUT_S, 600, 3600) * 1000,
    /** WHARF_WORKER_NICE for the private Wharf's worker (unset: Wharf's default, +10). */
    workerNice: niceValue(env.BENCH_WORKER_NICE),
    /** After each timed Wharf run: GET the finished deployment this many times, CPU per GET. */
    pollCost: positiveInt('BENCH_POLL_COST', env.BENCH_POLL_COST, 0, 100_000),
    /** A socket.io follower of each Wharf release (the dashboard's view): when it learns the end. */
    follow: env.BENCH_FOLLOW === '1',
    /** The floor stamps every host's steps (floor.sh FLOOR_TIMELINE); off: the floor as it was. */
    floorTimeline: env.BENCH_TIMELINE === '1',
    resultFile: resolve(REPO_ROOT, 'bench/results/ssh-fanout.json'),
  };
}
