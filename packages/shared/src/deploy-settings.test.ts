import { describe, expect, it } from 'vitest';
import {
  applyDeploySettingsPatch,
  DEFAULT_DEPLOY_SETTINGS,
  deploySettingsSchema,
  readDeploySettings,
  updateDeploySettingsSchema,
  type DeploySettings,
} from './deploy-settings.js';
import { baseDirSchema, healthCheckSchema } from './targets.js';
import { setVariableSchema } from './variables.js';
import { relativePathSchema } from './validators.js';

/** Dotted paths of every leaf of a settings object. */
function leaves(o: unknown, prefix = ''): string[] {
  if (o === null || typeof o !== 'object') return [prefix];
  return Object.entries(o).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

function get(o: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((cur, k) => (cur as Record<string, unknown>)[k], o);
}

/** A patch that names only `path`. */
function patchOf(path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  return { [head!]: rest.length ? patchOf(rest.join('.'), value) : value };
}

// Non-default values everywhere, so a field reset to its default would show.
const current: DeploySettings = deploySettingsSchema.parse({
  installCommand: 'npm ci',
  reload: { mode: 'startOrReload', ecosystemFile: 'deploy/pm2.config.cjs' },
  health: { intervalMs: 700, timeoutMs: 900, attempts: 4 },
  keepReleases: 9,
  preCommand: 'echo pre',
  postCommand: 'echo post',
  batchSize: '25%',
  onFailure: 'continue',
  parallelism: 7,
  timeoutMinutes: 17,
  strategy: 'rolling-restart',
  kubernetes: { mode: 'restart', rolloutTimeoutSeconds: 120 },
  rollingRestart: { readinessDelaySeconds: 30, allowOnProtected: true },
});

// One other valid value per leaf. A new settings field without an entry here fails the test.
const OTHER: Record<string, unknown> = {
  installCommand: 'pnpm install --prod',
  'reload.mode': 'startOrReload',
  'reload.ecosystemFile': 'ecosystem.prod.cjs',
  'health.intervalMs': 200,
  'health.timeoutMs': 1500,
  'health.attempts': 30,
  keepReleases: 2,
  preCommand: 'echo other-pre',
  postCommand: 'echo other-post',
  batchSize: 3,
  onFailure: 'stop',
  parallelism: 50,
  timeoutMinutes: 90,
  strategy: 'release',
  'kubernetes.mode': 'image',
  'kubernetes.rolloutTimeoutSeconds': 900,
  'rollingRestart.readinessDelaySeconds': 0,
  'rollingRestart.allowOnProtected': false,
};

describe('deploy settings PATCH', () => {
  it('has an alternative value for every settings leaf (the class is complete)', () => {
    expect(leaves(current).sort()).toEqual(Object.keys(OTHER).sort());
    expect(leaves(DEFAULT_DEPLOY_SETTINGS).sort()).toEqual(Object.keys(OTHER).sort());
  });

  it.each(Object.keys(OTHER))('changing only %s leaves every other field as it was', (path) => {
    const patch = updateDeploySettingsSchema.parse(patchOf(path, OTHER[path]));
    const r = applyDeploySettingsPatch(current, patch);
    if (!r.success) throw new Error(JSON.stringify(r.issues));
    for (const other of leaves(current)) {
      expect(get(r.data, other), other).toEqual(other === path ? OTHER[path] : get(current, other));
    }
    expect(r.changed).toEqual(path === 'reload.mode' ? [] : [path]);
  });

  it('null clears each nullable field and nothing else', () => {
    for (const path of ['installCommand', 'preCommand', 'postCommand'] as const) {
      const r = applyDeploySettingsPatch(current, updateDeploySettingsSchema.parse({ [path]: null }));
      if (!r.success) throw new Error(JSON.stringify(r.issues));
      expect(r.data).toEqual({ ...current, [path]: null });
    }
  });

  it('switching reload mode needs the new mode fields and never defaults them', () => {
    const noName = applyDeploySettingsPatch(current, { reload: { mode: 'reload' } });
    expect(noName).toEqual({
      success: false,
      issues: [{ path: 'reload.name', message: 'required when reload.mode is "reload"' }],
    });
    const toReload = applyDeploySettingsPatch(current, { reload: { mode: 'reload', name: 'web' } });
    if (!toReload.success) throw new Error('refused');
    expect(toReload.data).toEqual({ ...current, reload: { mode: 'reload', name: 'web' } });

    const back = applyDeploySettingsPatch(toReload.data, { reload: { mode: 'startOrReload' } });
    expect(back.success).toBe(false);
    if (!back.success) expect(back.issues[0]!.path).toBe('reload.ecosystemFile');

    // Naming in the current mode keeps the mode; a field of the other mode is refused.
    expect(applyDeploySettingsPatch(toReload.data, { reload: { name: 'api' } })).toMatchObject({
      success: true,
      data: { reload: { mode: 'reload', name: 'api' } },
    });
    const wrongMode = applyDeploySettingsPatch(current, { reload: { name: 'web' } });
    expect(wrongMode.success).toBe(false);
    if (!wrongMode.success) expect(wrongMode.issues[0]!.path).toBe('reload.name');
  });

  it('refuses unknown keys at every level instead of ignoring them', () => {
    for (const body of [{ helth: {} }, { health: { interval: 1 } }, { reload: { file: 'x.cjs' } }]) {
      expect(updateDeploySettingsSchema.safeParse(body).success, JSON.stringify(body)).toBe(false);
    }
  });
});

describe('readDeploySettings', () => {
  it('reads a stored field the rules now refuse as its default, keeping the valid ones', () => {
    const stored = { ...current, reload: { mode: 'startOrReload', ecosystemFile: '../../etc/evil.cjs' } };
    expect(deploySettingsSchema.safeParse(stored).success).toBe(false);
    expect(readDeploySettings(stored)).toEqual({ ...current, reload: DEFAULT_DEPLOY_SETTINGS.reload });
    expect(readDeploySettings(null)).toEqual(DEFAULT_DEPLOY_SETTINGS);
  });
});

describe('the three hostile inputs of issue 6 item 13, by class', () => {
  it('ecosystemFile must stay inside the release', () => {
    for (const ok of ['ecosystem.config.cjs', 'deploy/pm2.json', '.pm2/app.cjs', 'a-b_c.1.js']) {
      expect(relativePathSchema.safeParse(ok).success, ok).toBe(true);
    }
    const bad = [
      '../../etc/evil.cjs',
      '..',
      'a/../../b',
      './x.cjs',
      'a/./b',
      '/etc/evil.cjs',
      'a\\..\\b',
      'a//b',
      'a/',
      'a b.cjs',
      '$(id).cjs',
      '',
      'x'.repeat(256),
    ];
    for (const p of bad) {
      const r = updateDeploySettingsSchema.safeParse({ reload: { ecosystemFile: p } });
      expect(r.success, p).toBe(false);
      if (!r.success) expect(r.error.issues[0]!.path).toEqual(['reload', 'ecosystemFile']);
    }
  });

  it('baseDir is absolute, normalized and not a system directory', () => {
    for (const ok of ['/srv/shop', '/var/www/shop', '/home/deploy/app', '/opt/app', '/tmp/x/app', '/usrx/app']) {
      expect(baseDirSchema.safeParse(ok).success, ok).toBe(true);
    }
    const bad = [
      '/',
      '//',
      '/etc',
      '/etc/shop',
      '/usr',
      '/usr/local/lib',
      '/bin',
      '/proc/1',
      '/var',
      '/home',
      '/srv',
      '/srv/',
      '/srv//app',
      '/srv/./app',
      '/srv/../etc',
      'srv/app',
      '/srv/my app',
    ];
    for (const p of bad) expect(baseDirSchema.safeParse(p).success, p).toBe(false);
  });

  it('variable values refuse NUL and lone surrogates, and are bounded', () => {
    for (const value of ['a\0b', '\0', 'x\uD800', '\uDC00y', 'x'.repeat(32 * 1024 + 1)]) {
      const r = setVariableSchema.safeParse({ name: 'A', value });
      expect(r.success, JSON.stringify(value.slice(0, 10))).toBe(false);
      if (!r.success) expect(r.error.issues[0]!.path).toEqual(['value']);
    }
    for (const value of ['', 'multi\nline', 'emoji \u{1F600}', `'$(id)"`, 'x'.repeat(32 * 1024)]) {
      expect(setVariableSchema.safeParse({ name: 'A', value }).success).toBe(true);
    }
  });
});

describe('health check', () => {
  it('offers none, http with status and optional body text, and a command', () => {
    const ok = [
      { type: 'none' },
      { type: 'http', url: 'http://127.0.0.1:3000/health' },
      { type: 'http', url: 'https://127.0.0.1/h', expectStatus: 204, expectBody: '"status":"ok"' },
      { type: 'command', command: 'curl -fsS http://127.0.0.1:3000/ready' },
    ];
    for (const c of ok) expect(healthCheckSchema.safeParse(c).success, JSON.stringify(c)).toBe(true);
    expect(healthCheckSchema.parse({ type: 'http', url: 'http://127.0.0.1/' })).toEqual({
      type: 'http',
      url: 'http://127.0.0.1/',
      expectStatus: 200,
    });
    const bad = [
      { type: 'http', url: 'ftp://x/' },
      { type: 'http', url: 'http://127.0.0.1/', expectBody: '' },
      { type: 'http', url: 'http://127.0.0.1/', expectBody: 'x'.repeat(201) },
      { type: 'http', url: 'http://127.0.0.1/', expectBody: 'a\0' },
      { type: 'command', command: '' },
      { type: 'command', command: 'true\0' },
      { type: 'command', command: 'x'.repeat(1001) },
      { type: 'script' },
    ];
    for (const c of bad) expect(healthCheckSchema.safeParse(c).success, JSON.stringify(c)).toBe(false);
  });
});

describe('parallelism (hosts at once)', () => {
  it('defaults to one window of 20 in one batch, and takes 1-1000 whole hosts', () => {
    const d = deploySettingsSchema.parse({});
    expect([d.parallelism, d.batchSize]).toEqual([20, '100%']);
    for (const bad of [0, -1, 1001, 2.5, '5']) {
      const r = updateDeploySettingsSchema.safeParse({ parallelism: bad });
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]?.path).toEqual(['parallelism']);
    }
    expect(updateDeploySettingsSchema.parse({ parallelism: 1000 })).toEqual({ parallelism: 1000 });
  });
});
