// The only module of bench/k8s-rollout that reads the environment (plus the shared stack
// settings of bench/ssh-fanout). Every value has a default, so
// `pnpm --filter @wharf/bench k8s-rollout` needs nothing set.
import { resolve } from 'node:path';
import { loadStackConfig, REPO_ROOT } from '../ssh-fanout/config.mjs';

function int(name, raw, fallback, min, max) {
  if (raw === undefined || raw === '') return fallback;
  if (!/^[0-9]+$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw new Error(`${name} must be a whole number from ${min} to ${max}`);
  return Number(raw);
}

function oneOf(name, raw, fallback, allowed) {
  if (raw === undefined || raw === '') return fallback;
  if (!allowed.includes(raw)) throw new Error(`${name} must be one of ${allowed.join(', ')}`);
  return raw;
}

export function loadConfig(env = process.env) {
  const podReadyMs = int('BENCH_POD_READY_MS', env.BENCH_POD_READY_MS, 1000, 10, 60_000);
  return {
    ...loadStackConfig(env),
    /** Deployments, one per namespace (so every API request names the workload it is for). */
    workloads: int('BENCH_WORKLOADS', env.BENCH_WORKLOADS, 20, 1, 200),
    replicas: int('BENCH_REPLICAS', env.BENCH_REPLICAS, 5, 1, 50),
    /** Wharf's batch size and the peer's `xargs -P`. */
    parallelism: int('BENCH_PARALLELISM', env.BENCH_PARALLELISM, 5, 1, 200),
    /** Rounds; each round runs the peer and Wharf once (alternating which goes first). */
    runs: int('BENCH_RUNS', env.BENCH_RUNS, 3, 1, 20),
    /**
     * The simulator's pods: created → ready takes podReadyMs (30% container start, 70%
     * readiness probe). The controller loop runs every tickMs, as kube-controller-manager
     * would react to a watch event a little later.
     */
    timing: {
      tickMs: int('BENCH_SIM_TICK_MS', env.BENCH_SIM_TICK_MS, 40, 5, 1000),
      podStartMs: Math.round(podReadyMs * 0.3),
      podReadyMs: podReadyMs - Math.round(podReadyMs * 0.3),
      podTerminateMs: 100,
    },
    podReadyMs,
    /**
     * kubectl's discovery cache: `warm` (a persistent CI runner: discovery is read once,
     * before the first round) or `cold` (a fresh CI container per job: an empty cache per run).
     */
    kubectlCache: oneOf('BENCH_KUBECTL_CACHE', env.BENCH_KUBECTL_CACHE, 'warm', ['warm', 'cold']),
    /** Rollout deadline of both tools. */
    rolloutTimeoutS: int('BENCH_ROLLOUT_TIMEOUT_S', env.BENCH_ROLLOUT_TIMEOUT_S, 120, 10, 3600),
    /** How often the bench asks Wharf whether the deployment finished. */
    pollMs: int('BENCH_POLL_MS', env.BENCH_POLL_MS, 50, 10, 1000),
    resultFile: resolve(REPO_ROOT, 'bench/results/k8s-rollout.json'),
  };
}
