import { describe, expect, it } from 'vitest';
import { PlanValidationError } from './errors.js';
import { validatePlan } from './plan.schema.js';
import type { SshDeployPlan } from './types.js';

const base = (): SshDeployPlan => ({
  deploymentId: 'd1',
  version: 'v1.2.3',
  artifact: { path: '/tmp/a.tar.gz', sha256: 'a'.repeat(64) },
  targets: [
    {
      id: 't1',
      name: 'web-1',
      host: '127.0.0.2',
      port: 22,
      user: 'deploy',
      baseDir: '/srv/app',
      appName: 'web',
      pinnedHostKey: `SHA256:${'A'.repeat(43)}`,
      credential: { privateKey: 'KEY' },
      healthCheck: { type: 'http', url: 'http://127.0.0.1:3000/health', expectStatus: 200 },
    },
  ],
  settings: {
    installCommand: null,
    env: { NODE_ENV: 'production' },
    secretEnv: {},
    reload: { mode: 'startOrReload', ecosystemFile: 'ecosystem.config.cjs' },
    health: { intervalMs: 100, timeoutMs: 1000, attempts: 3 },
    batchSize: '50%',
    onFailure: 'stop',
  },
});

function issuesOf(mutate: (p: SshDeployPlan) => void): string[] {
  const p = base();
  mutate(p);
  try {
    validatePlan(p);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(PlanValidationError);
    return (err as PlanValidationError).issues;
  }
}

describe('validatePlan', () => {
  it('accepts a valid plan and fills in the shared defaults', () => {
    const valid = validatePlan(base());
    expect(valid.settings).toMatchObject({ keepReleases: 5, preCommand: null, postCommand: null });
    expect(valid.targets[0]).toMatchObject({ env: {}, secretEnv: {}, port: 22 });
  });

  it.each([
    ['hostile version', (p: SshDeployPlan) => void (p.version = 'v1$(id)'), 'version'],
    ['version with a slash', (p: SshDeployPlan) => void (p.version = '../../etc'), 'version'],
    ['relative baseDir', (p: SshDeployPlan) => void (p.targets[0]!.baseDir = 'srv/app'), 'baseDir'],
    ['baseDir with ..', (p: SshDeployPlan) => void (p.targets[0]!.baseDir = '/srv/../etc'), 'baseDir'],
    ['baseDir with a space', (p: SshDeployPlan) => void (p.targets[0]!.baseDir = '/srv/my app'), 'baseDir'],
    ['bad env name', (p: SshDeployPlan) => void (p.settings.env = { 'A;B': 'x' }), 'env'],
    ['bad fingerprint', (p: SshDeployPlan) => void (p.targets[0]!.pinnedHostKey = 'md5:aa'), 'pinnedHostKey'],
    ['bad batch size', (p: SshDeployPlan) => void (p.settings.batchSize = '150%' as `${number}%`), 'batchSize'],
    [
      'ecosystem path escape',
      (p: SshDeployPlan) => void (p.settings.reload = { mode: 'startOrReload', ecosystemFile: 'x/../../e.cjs' }),
      'ecosystemFile',
    ],
    ['hostile app name', (p: SshDeployPlan) => void (p.targets[0]!.appName = 'web;id'), 'appName'],
    ['duplicate target ids', (p: SshDeployPlan) => void p.targets.push({ ...p.targets[0]! }), 'unique'],
    // Issue 6 item 13: what the API now refuses, the executor refuses too (and vice versa).
    [
      'ecosystem path from the issue',
      (p: SshDeployPlan) => void (p.settings.reload = { mode: 'startOrReload', ecosystemFile: '../../etc/evil.cjs' }),
      'settings.reload.ecosystemFile',
    ],
    [
      'absolute ecosystem path',
      (p: SshDeployPlan) => void (p.settings.reload = { mode: 'startOrReload', ecosystemFile: '/etc/evil.cjs' }),
      'settings.reload.ecosystemFile',
    ],
    ['baseDir /', (p: SshDeployPlan) => void (p.targets[0]!.baseDir = '/'), 'targets.0.baseDir'],
    ['baseDir /etc', (p: SshDeployPlan) => void (p.targets[0]!.baseDir = '/etc/app'), 'targets.0.baseDir'],
    ['NUL in a variable', (p: SshDeployPlan) => void (p.settings.env = { A: 'x\0y' }), 'settings.env.A'],
    ['NUL in a secret', (p: SshDeployPlan) => void (p.settings.secretEnv = { A: '\0' }), 'settings.secretEnv.A'],
    [
      'NUL in a target override',
      (p: SshDeployPlan) => void (p.targets[0]!.env = { PORT: '1\0' }),
      'targets.0.env.PORT',
    ],
    [
      'bad target override name',
      (p: SshDeployPlan) => void (p.targets[0]!.secretEnv = { 'A B': 'x' }),
      'targets.0.secretEnv',
    ],
    [
      'empty health command',
      (p: SshDeployPlan) => void (p.targets[0]!.healthCheck = { type: 'command', command: '' }),
      'targets.0.healthCheck.command',
    ],
  ])('rejects %s', (_label, mutate, needle) => {
    const issues = issuesOf(mutate);
    expect(issues.join('\n')).toContain(needle);
  });
});
