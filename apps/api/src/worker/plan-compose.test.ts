// Whatever the API accepts, the executor runs: plans composed from API-valid inputs (edge
// values of every settings field, every target config and health check kind, variables at
// their limits) must pass the executor's own plan validation unchanged.
import { validatePlan } from '@wharf/executors';
import {
  applyDeploySettingsPatch,
  createTargetSchema,
  DEFAULT_DEPLOY_SETTINGS,
  deploySettingsSchema,
  setVariableSchema,
  updateDeploySettingsSchema,
  type DeploySettings,
  type SshTargetConfig,
} from '@wharf/shared';
import { describe, expect, it } from 'vitest';
import { composeSshPlan, type OpenedVariable, type TargetSource } from './plan-compose.js';

const defaults = deploySettingsSchema.parse({});

/** Settings as the API would store them after this PATCH body. */
function settingsVia(body: unknown): DeploySettings {
  const r = applyDeploySettingsPatch(defaults, updateDeploySettingsSchema.parse(body));
  if (!r.success) throw new Error(`not API-valid: ${JSON.stringify(body)} ${JSON.stringify(r.issues)}`);
  return r.data;
}

/** A target config as the API would store it after this create body. */
function configVia(config: Record<string, unknown>): SshTargetConfig {
  const r = createTargetSchema.parse({ kind: 'ssh', name: 'web-1', config });
  if (r.kind !== 'ssh') throw new Error('not ssh');
  return r.config;
}

function variableVia(name: string, value: string, secret: boolean): OpenedVariable {
  const v = setVariableSchema.parse({ name, value, secret });
  return { name: v.name, value: v.value, secret: v.secret };
}

const longCommand = `echo "${'é'.repeat(400)}"\n${'x'.repeat(1000 - 409)}`;
const SETTINGS_SAMPLES: unknown[] = [
  {},
  { installCommand: longCommand, preCommand: longCommand, postCommand: 'printf \'%s\' "$(id)" `true`' },
  { installCommand: null, preCommand: null, postCommand: null },
  { reload: { mode: 'startOrReload', ecosystemFile: `${'d/'.repeat(100)}${'e'.repeat(53)}` } },
  { reload: { ecosystemFile: '.pm2/-x_y.config.cjs' } },
  { reload: { mode: 'reload', name: `a${'b'.repeat(62)}` } },
  { reload: { mode: 'reload', name: '0.x_y-z' } },
  { health: { intervalMs: 100, timeoutMs: 100, attempts: 1 } },
  { health: { intervalMs: 600_000, timeoutMs: 600_000, attempts: 1000 } },
  { keepReleases: 1 },
  { keepReleases: 100 },
  { batchSize: 1 },
  { batchSize: 1000 },
  { batchSize: '1%' },
  { batchSize: '100%' },
  { onFailure: 'continue' },
  { parallelism: 1 },
  { parallelism: 1000 },
  { timeoutMinutes: 1 },
  { timeoutMinutes: 24 * 60 },
  { strategy: 'rolling-restart' },
  { kubernetes: { mode: 'restart', rolloutTimeoutSeconds: 5 } },
  { rollingRestart: { readinessDelaySeconds: 120, allowOnProtected: true } },
];

const base = { host: '127.0.0.2', user: 'deploy', baseDir: '/srv/app', appName: 'app' };
const CONFIG_SAMPLES: Record<string, unknown>[] = [
  base,
  { ...base, host: '::1', port: 1 },
  { ...base, host: 'web-1.internal.example.com', port: 65535 },
  { ...base, user: `_${'a'.repeat(31)}` },
  { ...base, baseDir: `/${'a'.repeat(254)}` },
  { ...base, baseDir: '/var/www/shop.example-1/_x' },
  { ...base, baseDir: '/home/deploy/.apps/app' },
  { ...base, appName: `A${'z'.repeat(62)}` },
  { ...base, healthCheck: { type: 'none' } },
  { ...base, healthCheck: { type: 'http', url: 'http://127.0.0.1:3000/health' } },
  {
    ...base,
    healthCheck: {
      type: 'http',
      url: 'https://[::1]:8443/h?x=1&y=$(id)',
      expectStatus: 599,
      expectBody: `"ok":true ${'✓'.repeat(190)}`,
    },
  },
  { ...base, healthCheck: { type: 'http', url: 'http://127.0.0.1/', expectStatus: 100, expectBody: "'" } },
  { ...base, healthCheck: { type: 'command', command: longCommand } },
  { ...base, healthCheck: { type: 'command', command: 'test -f "$WHARF_RELEASE_DIR/ok"' } },
];

const VARIABLES: OpenedVariable[] = [
  variableVia('EMPTY', '', false),
  variableVia(`V${'_'.repeat(127)}`, 'x'.repeat(32 * 1024), false),
  variableVia('_UNICODE', 'π \u{1F600} \u00e9\r\n\ttab', true),
  variableVia('HOSTILE', `$(touch /tmp/x)\`id\`'; echo "`, false),
  variableVia('SECRET', 's'.repeat(32 * 1024), true),
];

function target(config: SshTargetConfig, i: number, variables: OpenedVariable[] = []): TargetSource {
  return {
    id: `t${i}`,
    name: `web-${i}`,
    config,
    pinnedHostKey: `SHA256:${'A'.repeat(43)}`,
    credential: { privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----' },
    variables,
  };
}

function compose(settings: DeploySettings, targets: TargetSource[], variables = VARIABLES) {
  return composeSshPlan({
    deploymentId: 'd1',
    version: '1.0.0',
    artifact: { path: '/data/blobs/ab/cd', sha256: 'a'.repeat(64) },
    settings,
    variables,
    targets,
  });
}

describe('plans from API-valid inputs pass the executor validation', () => {
  it('has samples at both ends of every numeric settings field', () => {
    // Guard: the samples above must keep up with the schema's fields.
    const sampled = new Set(SETTINGS_SAMPLES.flatMap((s) => Object.keys(s as object)));
    expect([...sampled].sort()).toEqual(Object.keys(DEFAULT_DEPLOY_SETTINGS).sort());
  });

  it.each(SETTINGS_SAMPLES.map((s) => [JSON.stringify(s).slice(0, 80), s]))('settings %s', (_label, body) => {
    const settings = settingsVia(body);
    const { plan } = compose(settings, [target(configVia(base), 1)]);
    const valid = validatePlan(plan);
    const { timeoutMinutes: _worker, ...rest } = settings;
    expect(valid.settings).toEqual({ ...rest, env: plan.settings.env, secretEnv: plan.settings.secretEnv });
  });

  it.each(CONFIG_SAMPLES.map((c, i) => [i, JSON.stringify(c).slice(0, 100), c]))(
    'target config #%i %s',
    (i, _label, config) => {
      const cfg = configVia(config);
      const { plan } = compose(defaults, [target(cfg, i, VARIABLES)]);
      const valid = validatePlan(plan);
      expect(valid.targets[0]).toMatchObject(cfg);
    },
  );

  it('all targets and overrides at once; secrets of environment and targets are collected for masking', () => {
    const targets = CONFIG_SAMPLES.map((c, i) =>
      target(configVia(c), i, [variableVia('PORT', String(3000 + i), false), variableVia('TOKEN', `tok-${i}`, true)]),
    );
    const { plan, secrets } = compose(settingsVia({ batchSize: '25%' }), targets);
    const valid = validatePlan(plan);
    expect(valid.targets.map((t) => [t.env.PORT, t.secretEnv.TOKEN])).toEqual(
      CONFIG_SAMPLES.map((_, i) => [String(3000 + i), `tok-${i}`]),
    );
    expect(valid.settings.env.HOSTILE).toBe(VARIABLES[3]!.value);
    for (const s of ['tok-0', 'tok-13', VARIABLES[2]!.value, VARIABLES[4]!.value, targets[0]!.credential.privateKey]) {
      expect(secrets).toContain(s);
    }
    expect(secrets).not.toContain(VARIABLES[3]!.value);
  });
});
