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
  onFailure: 'continue',
  timeoutMinutes: 17,
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
  onFailure: 'stop',
  timeoutMinutes: 90,
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
