// Whatever the API accepts for a Consul target, the rolling-restart executor runs: configs
// at the edges of every field, composed into a plan, pass the executor's own validation.
import { validateRollingRestartPlan } from '@wharf/executors';
import { createTargetSchema, type ConsulTargetConfig } from '@wharf/shared';
import { describe, expect, it } from 'vitest';
import { composeRollingRestartPlan, consulAddressesNotAllowed } from './rolling-restart-plan-compose.js';

function configVia(config: Record<string, unknown>): ConsulTargetConfig {
  const r = createTargetSchema.parse({ kind: 'consul', name: 'svc', config });
  if (r.kind !== 'consul') throw new Error('not consul');
  return r.config;
}

const base = { consulUrl: 'http://127.0.0.1:8500', service: 'shop' };
const CONFIG_SAMPLES: Record<string, unknown>[] = [
  base,
  {
    ...base,
    consulUrl: 'https://consul.internal:8501/',
    agents: Array.from({ length: 8 }, (_, i) => `http://10.0.0.${i}:8500`),
  },
  { ...base, service: `a${'b'.repeat(127)}`, tag: `t${'x'.repeat(127)}`, datacenter: `d${'c'.repeat(63)}` },
  { ...base, tag: 'env=qa:blue/v2', datacenter: 'dc_1-a' },
  { ...base, restartPath: '/', healthPath: '/' },
  { ...base, restartPath: '/api/-/kill.v2', healthPath: '/api/health-check' },
  { ...base, minHealthy: 0, pollIntervalMs: 100, maxPolls: 1, readinessDelaySeconds: 0 },
  { ...base, minHealthy: 1000, pollIntervalMs: 600_000, maxPolls: 1000, readinessDelaySeconds: 120 },
  { ...base, readinessDelaySeconds: 0.5 },
];

describe('composeRollingRestartPlan', () => {
  it.each(CONFIG_SAMPLES.map((c, i) => [i, c]))('config sample %i passes the executor unchanged', (_i, config) => {
    const stored = configVia(config);
    for (const aclToken of [null, 'a0f1e2d3-token']) {
      for (const onFailure of ['stop', 'continue'] as const) {
        const { plan, secrets } = composeRollingRestartPlan({
          deploymentId: 'd-1',
          version: 'v1.2.3',
          settings: { onFailure },
          restartSecret: 'r'.repeat(16),
          targets: [{ id: 't-1', name: 'svc', config: stored, aclToken }],
        });
        const valid = validateRollingRestartPlan(plan);
        expect(valid.targets[0]).toEqual({ ...stored, id: 't-1', name: 'svc', aclToken });
        expect(valid.settings.onFailure).toBe(onFailure);
        expect(secrets).toEqual(aclToken ? ['r'.repeat(16), aclToken] : ['r'.repeat(16)]);
      }
    }
  });
});

describe('consulAddressesNotAllowed', () => {
  const allowed = ['https://consul.internal:8501', 'http://127.0.0.1:8500'];

  it('compares origins: case, a default port and a path do not matter', () => {
    const cfg = configVia({
      ...base,
      consulUrl: 'https://CONSUL.internal:8501/',
      agents: ['http://127.0.0.1:8500/v1'],
    });
    expect(consulAddressesNotAllowed(cfg, allowed)).toEqual([]);
    const defaultPort = configVia({ ...base, consulUrl: 'https://consul.internal:443' });
    expect(consulAddressesNotAllowed(defaultPort, ['https://consul.internal'])).toEqual([]);
  });

  it('names every address not listed: another port, scheme or host, and any agent', () => {
    const cfg = configVia({
      ...base,
      consulUrl: 'http://consul.internal:8501',
      agents: ['https://consul.internal:8502', 'http://127.0.0.1:8500', 'http://127.0.0.2:8500'],
    });
    expect(consulAddressesNotAllowed(cfg, allowed)).toEqual([
      'http://consul.internal:8501',
      'https://consul.internal:8502',
      'http://127.0.0.2:8500',
    ]);
    expect(consulAddressesNotAllowed(configVia(base), [])).toEqual([base.consulUrl]);
  });
});
