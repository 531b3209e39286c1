// The only module of bench/audit-query that reads the environment. Every value has a default.
import { loadStackConfig } from '../ssh-fanout/config.mjs';

function positiveInt(name, raw, fallback) {
  if (raw === undefined || raw === '') return fallback;
  if (!/^[1-9][0-9]*$/.test(raw)) throw new Error(`${name} must be a whole number above 0`);
  return Number(raw);
}

export function loadConfig(env = process.env) {
  const stack = loadStackConfig(env);
  return {
    ...stack,
    events: positiveInt('BENCH_EVENTS', env.BENCH_EVENTS, 1_000_000),
    deployments: positiveInt('BENCH_DEPLOYMENTS', env.BENCH_DEPLOYMENTS, 100_000),
    projects: positiveInt('BENCH_PROJECTS', env.BENCH_PROJECTS, 50),
    calls: Math.max(30, positiveInt('BENCH_CALLS', env.BENCH_CALLS, 30)),
    only: env.BENCH_ONLY === 'verify' ? 'verify' : 'all',
    verifyCalls: positiveInt('BENCH_VERIFY_CALLS', env.BENCH_VERIFY_CALLS, 3),
  };
}
