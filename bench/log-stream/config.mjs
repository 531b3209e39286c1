// The only module of bench/log-stream that reads the environment (via the shared stack
// settings of bench/ssh-fanout). Every value has a default.
import { resolve } from 'node:path';
import { loadStackConfig, REPO_ROOT } from '../ssh-fanout/config.mjs';

function int(name, raw, fallback, min, max) {
  if (raw === undefined || raw === '') return fallback;
  if (!/^[0-9]+$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw new Error(`${name} must be a whole number from ${min} to ${max}`);
  return Number(raw);
}

/** Every viewer signs in as the bench's admin, and the API holds one user to 50 live connections. */
const MAX_CLIENTS = 50;

export function loadConfig(env = process.env) {
  const clients = int('BENCH_CLIENTS', env.BENCH_CLIENTS, 20, 1, MAX_CLIENTS);
  const address = env.BENCH_HOST_ADDRESS || '127.0.0.80';
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address)) throw new Error('BENCH_HOST_ADDRESS must be in 127.0.0.0/8');
  return {
    ...loadStackConfig(env),
    lines: int('BENCH_LINES', env.BENCH_LINES, 1_000_000, 1, 50_000_000),
    clients,
    /** socket.io clients are spread over this many child processes (2 cores: a few is enough). */
    clientProcs: Math.min(clients, int('BENCH_CLIENT_PROCS', env.BENCH_CLIENT_PROCS, 4, 1, 64)),
    /** Lines per second the remote command prints; 0 = as fast as it can. */
    rate: int('BENCH_LOG_RATE', env.BENCH_LOG_RATE, 0, 0, 10_000_000),
    hostAddress: address,
    /** Upper bound for the deployment, and for delivery to finish after it. */
    deployTimeoutMs: int('BENCH_DEPLOY_TIMEOUT_S', env.BENCH_DEPLOY_TIMEOUT_S, 1200, 10, 7200) * 1000,
    deliveryTimeoutMs: int('BENCH_DELIVERY_TIMEOUT_S', env.BENCH_DELIVERY_TIMEOUT_S, 300, 5, 3600) * 1000,
    rssIntervalMs: 100,
    /** BENCH_MEM_PROBE=1: API and worker log process.memoryUsage() and V8 heap spaces (mem-probe.cjs). */
    memProbe: env.BENCH_MEM_PROBE === '1',
    /** BENCH_PEER=0: Wharf only, no peer run (peer.mjs) and no ratios. */
    peer: env.BENCH_PEER !== '0',
    /** The peer batches the lines it emits per this many ms (0: every read of ssh's stdout). */
    peerTickMs: int('BENCH_PEER_TICK_MS', env.BENCH_PEER_TICK_MS, 20, 0, 1000),
    resultFile: resolve(REPO_ROOT, 'bench/results/log-stream.json'),
  };
}
