// Deploy settings, target config and variables over real HTTP: a PATCH changes only what it
// names, and what the executor would refuse is refused here, with the field named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from './http-client.js';
import { startTestApp, TEST_ADMIN, type TestApp } from './test-env.js';

let t: TestApp;
let admin: TestClient;
const P = '/api/v1/projects/dc';
let envId: string;
let settingsUrl: string;

/** Dotted paths of every leaf of a settings object. */
function leaves(o: unknown, prefix = ''): string[] {
  if (o === null || typeof o !== 'object') return [prefix];
  return Object.entries(o).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

function get(o: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((cur, k) => (cur as Record<string, unknown>)[k], o);
}

function patchOf(path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  return { [head!]: rest.length ? patchOf(rest.join('.'), value) : value };
}

// Every field away from its default, so a reset to a default would show.
const BASELINE = {
  installCommand: 'npm ci',
  reload: { mode: 'startOrReload', ecosystemFile: 'deploy/pm2.config.cjs' },
  health: { intervalMs: 700, timeoutMs: 900, attempts: 4 },
  keepReleases: 9,
  preCommand: 'echo pre',
  postCommand: 'echo post',
  batchSize: '25%',
  parallelism: 7,
  onFailure: 'continue',
  timeoutMinutes: 17,
  strategy: 'rolling-restart',
  kubernetes: { mode: 'restart', rolloutTimeoutSeconds: 321 },
  rollingRestart: { readinessDelaySeconds: 7, allowOnProtected: true },
};

// Another valid value for each leaf; the first test checks this covers the whole schema.
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
  parallelism: 1,
  onFailure: 'stop',
  timeoutMinutes: 90,
  strategy: 'release',
  'kubernetes.mode': 'image',
  'kubernetes.rolloutTimeoutSeconds': 600,
  'rollingRestart.readinessDelaySeconds': 0,
  'rollingRestart.allowOnProtected': false,
};

beforeAll(async () => {
  t = await startTestApp();
  admin = new TestClient(t.url);
  await admin.login(TEST_ADMIN.email, TEST_ADMIN.password);
  expect((await admin.post('/api/v1/projects', { slug: 'dc', name: 'dc' })).status).toBe(201);
  envId = (await admin.post(`${P}/environments`, { name: 'prod' })).body.id;
  settingsUrl = `${P}/environments/${envId}/settings`;
}, 60_000);

afterAll(async () => {
  await t?.close();
});

async function resetSettings(): Promise<void> {
  const res = await admin.patch(settingsUrl, BASELINE);
  expect(res.status).toBe(200);
  expect(res.body).toEqual(BASELINE);
}

describe('PATCH settings changes only what it names', () => {
  it('covers every field the API returns', async () => {
    await resetSettings();
    expect(leaves((await admin.get(settingsUrl)).body).sort()).toEqual(Object.keys(OTHER).sort());
  });

  it.each(Object.keys(OTHER))('PATCH of only %s keeps every other field', async (path) => {
    await resetSettings();
    const res = await admin.patch(settingsUrl, patchOf(path, OTHER[path]));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const stored = (await admin.get(settingsUrl)).body;
    for (const leaf of leaves(BASELINE)) {
      expect(get(stored, leaf), leaf).toEqual(leaf === path ? OTHER[path] : get(BASELINE, leaf));
    }
    expect(res.body).toEqual(stored);
  });

  it('the two reported cases: health.intervalMs alone, reload.mode alone', async () => {
    await resetSettings();
    expect((await admin.patch(settingsUrl, { health: { intervalMs: 200 } })).body.health).toEqual({
      intervalMs: 200,
      timeoutMs: 900,
      attempts: 4,
    });
    expect((await admin.patch(settingsUrl, { reload: { mode: 'startOrReload' } })).body.reload).toEqual({
      mode: 'startOrReload',
      ecosystemFile: 'deploy/pm2.config.cjs',
    });
  });

  it('null clears a nullable field; the audit names only the changed paths', async () => {
    await resetSettings();
    const res = await admin.patch(settingsUrl, { preCommand: null, health: { attempts: 4, timeoutMs: 1000 } });
    expect(res.body).toEqual({ ...BASELINE, preCommand: null, health: { ...BASELINE.health, timeoutMs: 1000 } });
    const audit = (await admin.get(`${P}/audit?action=environment.settings_updated`)).body;
    expect(audit.items[0].data.changed).toEqual(['health.timeoutMs', 'preCommand']);
  });

  it('switching reload mode without the new mode fields is a 400, never a silent default', async () => {
    await resetSettings();
    const noName = await admin.patch(settingsUrl, { reload: { mode: 'reload' } });
    expect(noName.status).toBe(400);
    expect(noName.body.issues[0].path).toBe('reload.name');
    const toReload = await admin.patch(settingsUrl, { reload: { mode: 'reload', name: 'web' }, keepReleases: 3 });
    expect(toReload.body).toEqual({ ...BASELINE, keepReleases: 3, reload: { mode: 'reload', name: 'web' } });
    const back = await admin.patch(settingsUrl, { reload: { mode: 'startOrReload' } });
    expect(back.status).toBe(400);
    expect(back.body.issues[0].path).toBe('reload.ecosystemFile');
    const otherModeField = await admin.patch(settingsUrl, { reload: { ecosystemFile: 'x.cjs' } });
    expect(otherModeField.status).toBe(400);
    expect(otherModeField.body.issues[0].path).toBe('reload.ecosystemFile');
    // Nothing of the refused requests was stored.
    expect((await admin.get(settingsUrl)).body.reload).toEqual({ mode: 'reload', name: 'web' });
  });

  it('refuses unknown keys and wrong types with the field named', async () => {
    for (const [body, path] of [
      [{ helth: { intervalMs: 200 } }, ''],
      [{ health: { interval: 200 } }, 'health'],
      [{ health: { intervalMs: '200' } }, 'health.intervalMs'],
      [{ batchSize: '0%' }, 'batchSize'],
      [{ parallelism: 0 }, 'parallelism'],
      [{ keepReleases: null }, 'keepReleases'],
    ] as const) {
      const res = await admin.patch(settingsUrl, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.issues[0].path, JSON.stringify(body)).toBe(path);
    }
  });

  it('two concurrent PATCHes of different fields both land', async () => {
    await resetSettings();
    const [a, b] = await Promise.all([
      admin.patch(settingsUrl, { health: { attempts: 11 } }),
      admin.patch(settingsUrl, { keepReleases: 7 }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const stored = (await admin.get(settingsUrl)).body;
    expect([stored.health.attempts, stored.keepReleases]).toEqual([11, 7]);
  });
});

describe('what the executor would refuse is refused here, with the field named', () => {
  it('ecosystemFile: the issue case and its class', async () => {
    await resetSettings();
    for (const ecosystemFile of ['../../etc/evil.cjs', '/etc/evil.cjs', 'a\\b.cjs', 'x/../../y', './x', 'a//b', '']) {
      const res = await admin.patch(settingsUrl, { reload: { ecosystemFile } });
      expect(res.status, ecosystemFile).toBe(400);
      expect(res.body.issues[0].path, ecosystemFile).toBe('reload.ecosystemFile');
    }
    expect((await admin.get(settingsUrl)).body).toEqual(BASELINE);
  });

  it('commands: NUL, lone surrogates and overlong text in every command field', async () => {
    for (const field of ['installCommand', 'preCommand', 'postCommand']) {
      for (const value of ['echo a\0b', 'echo \uD800', 'x'.repeat(1001)]) {
        const res = await admin.patch(settingsUrl, { [field]: value });
        expect(res.status, field).toBe(400);
        expect(res.body.issues[0].path).toBe(field);
      }
    }
  });

  it('baseDir: "/" and system directories, on create and on update', async () => {
    const url = `${P}/environments/${envId}/targets`;
    const config = { host: '127.0.0.2', user: 'deploy', baseDir: '/srv/shop', appName: 'shop' };
    const created = await admin.post(url, { kind: 'ssh', name: 'base-dir-check', config });
    expect(created.status).toBe(201);
    for (const baseDir of ['/', '/etc', '/etc/app', '/usr/local/app', '/var', '/srv/', '/srv//x', '/srv/./x']) {
      const c = await admin.post(url, { kind: 'ssh', name: 'x', config: { ...config, baseDir } });
      expect(c.status, baseDir).toBe(400);
      expect(c.body.issues[0].path, baseDir).toBe('config.baseDir');
      const u = await admin.patch(`${P}/targets/${created.body.id}`, { config: { baseDir } });
      expect(u.status, baseDir).toBe(400);
      expect(u.body.issues[0].path, baseDir).toBe('config.baseDir');
    }
    expect((await admin.get(`${P}/targets`)).body.find((x: any) => x.id === created.body.id).config.baseDir).toBe(
      '/srv/shop',
    );
  });

  it('health check: the command and expected text follow the text rule', async () => {
    const url = `${P}/environments/${envId}/targets`;
    const config = { host: '127.0.0.2', user: 'deploy', baseDir: '/srv/hc', appName: 'hc' };
    const cases: [unknown, string][] = [
      [{ type: 'command', command: 'true\0' }, 'config.healthCheck.command'],
      [{ type: 'command', command: '' }, 'config.healthCheck.command'],
      [{ type: 'http', url: 'http://127.0.0.1/', expectBody: 'x'.repeat(201) }, 'config.healthCheck.expectBody'],
      [{ type: 'http', url: 'http://127.0.0.1/', expectBody: '\uDC00' }, 'config.healthCheck.expectBody'],
    ];
    for (const [healthCheck, path] of cases) {
      const res = await admin.post(url, { kind: 'ssh', name: 'hc', config: { ...config, healthCheck } });
      expect(res.status, JSON.stringify(healthCheck)).toBe(400);
      expect(res.body.issues[0].path).toBe(path);
    }
    const ok = await admin.post(url, {
      kind: 'ssh',
      name: 'hc',
      config: { ...config, healthCheck: { type: 'http', url: 'http://127.0.0.1:3000/', expectBody: '"ok"' } },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.config.healthCheck).toEqual({
      type: 'http',
      url: 'http://127.0.0.1:3000/',
      expectStatus: 200,
      expectBody: '"ok"',
    });
  });

  it('variable values: NUL, lone surrogates and overlong values, for environment and target variables', async () => {
    const target = await admin.post(`${P}/environments/${envId}/targets`, {
      kind: 'ssh',
      name: 'vars-check',
      config: { host: '127.0.0.2', user: 'deploy', baseDir: '/srv/vars', appName: 'vars' },
    });
    for (const url of [`${P}/environments/${envId}/variables`, `${P}/targets/${target.body.id}/variables`]) {
      for (const value of ['a\0b', 'x\uD800', '\uDC00', 'x'.repeat(32 * 1024 + 1)]) {
        for (const secret of [false, true]) {
          const res = await admin.put(url, { name: 'BAD', value, secret });
          expect(res.status, url).toBe(400);
          expect(res.body.issues[0].path).toBe('value');
        }
      }
      expect((await admin.get(url)).body).toEqual([]);
    }
  });
});

describe('target variables', () => {
  let targetId: string;
  let vars: string;

  beforeAll(async () => {
    const res = await admin.post(`${P}/environments/${envId}/targets`, {
      kind: 'ssh',
      name: 'override-host',
      config: { host: '127.0.0.2', user: 'deploy', baseDir: '/srv/override', appName: 'ov' },
    });
    targetId = res.body.id;
    vars = `${P}/targets/${targetId}/variables`;
  });

  it('sets, lists (secrets write-only), replaces and deletes overrides; the audit never holds a value', async () => {
    expect((await admin.put(vars, { name: 'PORT', value: '4001' })).body).toMatchObject({
      name: 'PORT',
      secret: false,
      value: '4001',
    });
    const secret = await admin.put(vars, { name: 'TOKEN', value: 'target-secret-value-1', secret: true });
    expect(secret.status).toBe(200);
    expect(secret.body.value).toBeNull();
    expect((await admin.put(vars, { name: 'PORT', value: '4002' })).body.value).toBe('4002');
    const list = (await admin.get(vars)).body;
    expect(list.map((v: any) => [v.name, v.secret, v.value])).toEqual([
      ['PORT', false, '4002'],
      ['TOKEN', true, null],
    ]);
    expect(JSON.stringify(list)).not.toContain('target-secret-value-1');

    expect((await admin.delete(`${vars}/PORT`)).status).toBe(204);
    expect((await admin.delete(`${vars}/PORT`)).status).toBe(404);
    expect((await admin.get(vars)).body.map((v: any) => v.name)).toEqual(['TOKEN']);

    const sets = (await admin.get(`${P}/audit?action=target_variable.set`)).body.items;
    const deletes = (await admin.get(`${P}/audit?action=target_variable.deleted`)).body.items;
    expect(sets.map((e: any) => [e.subjectId, e.data])).toEqual([
      [targetId, { target: 'override-host', name: 'PORT', secret: false }],
      [targetId, { target: 'override-host', name: 'TOKEN', secret: true }],
      [targetId, { target: 'override-host', name: 'PORT', secret: false }],
    ]);
    expect(deletes.map((e: any) => e.data)).toEqual([{ target: 'override-host', name: 'PORT' }]);
    expect(JSON.stringify([...sets, ...deletes])).not.toMatch(/target-secret-value-1|4001|4002/);
  });

  it('takes maintainer, like environment variables; deployers and viewers get 403', async () => {
    const projectId = (await admin.get(P)).body.id as string;
    const { memberClient } = await import('./fixtures.js');
    for (const role of ['viewer', 'deployer'] as const) {
      const { client } = await memberClient(t, projectId, role);
      expect((await client.get(vars)).status, role).toBe(403);
      expect((await client.put(vars, { name: 'X', value: '1' })).status, role).toBe(403);
      expect((await client.delete(`${vars}/TOKEN`)).status, role).toBe(403);
    }
    const { client } = await memberClient(t, projectId, 'maintainer');
    expect((await client.put(vars, { name: 'BY_MAINTAINER', value: '1' })).status).toBe(200);
    expect((await client.delete(`${vars}/BY_MAINTAINER`)).status).toBe(204);
  });

  it('keeps targets inside their project and removes overrides with the target', async () => {
    expect((await admin.post('/api/v1/projects', { slug: 'dc-other', name: 'other' })).status).toBe(201);
    const other = `/api/v1/projects/dc-other/targets/${targetId}/variables`;
    expect((await admin.get(other)).status).toBe(404);
    expect((await admin.put(other, { name: 'X', value: '1' })).status).toBe(404);
    expect((await admin.get(`${P}/targets/00000000-0000-4000-8000-000000000000/variables`)).status).toBe(404);

    const { PrismaService } = await import('../src/prisma/prisma.service.js');
    const prisma = t.app.get(PrismaService);
    expect(await prisma.targetVariable.count({ where: { targetId } })).toBe(1);
    expect((await admin.delete(`${P}/targets/${targetId}`)).status).toBe(204);
    expect(await prisma.targetVariable.count({ where: { targetId } })).toBe(0);
  });
});
