// The only module of bench/rolling-restart that reads the environment. Every value has a default.
function int(name, raw, fallback, min, max) {
  if (raw === undefined || raw === '') return fallback;
  if (!/^[0-9]+$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw new Error(`${name} must be a whole number from ${min} to ${max}`);
  return Number(raw);
}

export function loadConfig(env = process.env) {
  return {
    /** Instances of the service. */
    instances: int('BENCH_INSTANCES', env.BENCH_INSTANCES, 20, 2, 50),
    /** Health poll interval of both restart scripts (the article's 10 s, scaled down). */
    pollMs: int('BENCH_POLL_MS', env.BENCH_POLL_MS, 200, 50, 10_000),
    /** Polls before giving up on an instance (the article's 12). */
    maxPolls: int('BENCH_MAX_POLLS', env.BENCH_MAX_POLLS, 12, 1, 100),
    /** Concurrent clients of the load balancer. */
    concurrency: int('BENCH_CONCURRENCY', env.BENCH_CONCURRENCY, 8, 1, 64),
    /** Grace the kit keeps serving after deregistering (load balancers drop it meanwhile). */
    graceMs: int('BENCH_GRACE_MS', env.BENCH_GRACE_MS, 300, 0, 10_000),
    /** Extra startup work of a service before it registers (a slower service; default none). */
    bootMs: int('BENCH_BOOT_MS', env.BENCH_BOOT_MS, 0, 0, 10_000),
    /** Wharf's time per instance beyond the instances' own restart time must stay under this. */
    overheadTargetMs: int('BENCH_OVERHEAD_TARGET_MS', env.BENCH_OVERHEAD_TARGET_MS, 250, 1, 60_000),
  };
}
