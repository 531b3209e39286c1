// The only module of bench/webhook-ingest that reads the environment (plus the shared stack
// settings of bench/ssh-fanout). Every value has a default.
import { resolve } from 'node:path';
import { loadStackConfig, REPO_ROOT } from '../ssh-fanout/config.mjs';

function int(name, raw, fallback, min, max) {
  if (raw === undefined || raw === '') return fallback;
  if (!/^[0-9]+$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw new Error(`${name} must be a whole number from ${min} to ${max}`);
  return Number(raw);
}

export function loadConfig(env = process.env) {
  return {
    ...loadStackConfig(env),
    rate: int('BENCH_RATE', env.BENCH_RATE, 200, 1, 5000),
    projects: int('BENCH_PROJECTS', env.BENCH_PROJECTS, 50, 1, 1000),
    seconds: int('BENCH_SECONDS', env.BENCH_SECONDS, 30, 1, 600),
    dupPercent: int('BENCH_DUP_PERCENT', env.BENCH_DUP_PERCENT, 10, 0, 90),
    /** Pushes to a mapped branch per project (with an artifact), spread over the run. */
    deploysPerProject: int('BENCH_DEPLOYS_PER_PROJECT', env.BENCH_DEPLOYS_PER_PROJECT, 1, 0, 20),
    /** Retries of a 5xx or timed-out delivery (same Idempotency-Key), 1 s doubling, as GitLab retries. */
    retries: int('BENCH_RETRIES', env.BENCH_RETRIES, 4, 0, 10),
    /** Upper bound for the worker to settle every delivery after the load. */
    settleTimeoutMs: int('BENCH_SETTLE_TIMEOUT_S', env.BENCH_SETTLE_TIMEOUT_S, 120, 5, 3600) * 1000,
    /** Unique deliveries sent (untimed, recorded) before the timed load, to each side. */
    warmup: int('BENCH_WARMUP', env.BENCH_WARMUP, 200, 0, 100000),
    /** Also measure the peer (a plain Node endpoint doing the same essential work) in the same run. */
    peer: env.BENCH_PEER !== '0',
    /** Extra node flags for Wharf's API and worker (e.g. --trace-gc), as for artifact-upload. */
    nodeArgs: env.BENCH_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [],
    /** WHARF_WORKER_NICE for Wharf's worker; unset: Wharf's default. */
    workerNice: env.BENCH_WORKER_NICE ? int('BENCH_WORKER_NICE', env.BENCH_WORKER_NICE, 0, 0, 19) : undefined,
    resultFile: resolve(REPO_ROOT, 'bench/results/webhook-ingest.json'),
  };
}
