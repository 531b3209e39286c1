import { describe, expect, it } from 'vitest';
import { consulTargetConfigSchema, createTargetSchema } from './targets.js';

const base = { consulUrl: 'http://127.0.0.1:8500', service: 'shop' };

describe('consul target config', () => {
  it('fills the rolling-restart defaults (10 s polls, 12 polls, 10 s readiness, all but one healthy)', () => {
    expect(consulTargetConfigSchema.parse(base)).toEqual({
      ...base,
      agents: [],
      restartPath: '/-/restart',
      healthPath: '/health',
      minHealthy: null,
      pollIntervalMs: 10_000,
      maxPolls: 12,
      readinessDelaySeconds: 10,
    });
  });

  it('accepts several agents, a tag and a datacenter', () => {
    const c = consulTargetConfigSchema.parse({
      ...base,
      agents: ['http://127.0.0.2:8500', 'https://consul-b.internal:8501'],
      tag: 'blue',
      datacenter: 'dc-2',
      minHealthy: 2,
      readinessDelaySeconds: 0.5,
    });
    expect([c.agents.length, c.tag, c.datacenter, c.minHealthy, c.readinessDelaySeconds]).toEqual([
      2,
      'blue',
      'dc-2',
      2,
      0.5,
    ]);
  });

  it.each([
    ['readinessDelaySeconds', -1],
    ['readinessDelaySeconds', 120.5],
    ['readinessDelaySeconds', 'ten'],
    ['pollIntervalMs', 50],
    ['maxPolls', 0],
    ['minHealthy', -1],
    ['minHealthy', 1.5],
    ['agents', ['ftp://x']],
    ['agents', Array.from({ length: 9 }, (_, i) => `http://127.0.0.${i + 2}:8500`)],
    ['tag', 'a b'],
    ['tag', ''],
    ['datacenter', 'dc/1'],
  ])('refuses %s = %j', (field, value) => {
    const r = createTargetSchema.safeParse({ kind: 'consul', name: 'shop', config: { ...base, [field]: value } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(expect.arrayContaining(['config', field]));
  });

  it('keeps the readiness bounds 0 and 120 inclusive', () => {
    expect(consulTargetConfigSchema.parse({ ...base, readinessDelaySeconds: 0 }).readinessDelaySeconds).toBe(0);
    expect(consulTargetConfigSchema.parse({ ...base, readinessDelaySeconds: 120 }).readinessDelaySeconds).toBe(120);
  });
});
