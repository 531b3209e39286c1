// Issue 9, end to end: an admin points Wharf at a Consul service whose three instances are
// real Node services on the service kit (under pm2, registered in the Consul simulator),
// gives the environment its restart secret, releases, and watches the instances restart one
// at a time on the deployment page. Setup (project, environment, a version to release) goes
// through the REST API; everything the issue is about goes through the UI in Chromium.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, type APIRequestContext, type APIResponse, type Page } from '@playwright/test';
import { buildSampleTarball } from '@wharf/test-hosts';
import { startConsulSim, type ConsulSim } from '@wharf/test-hosts/consul-sim';
import { repoRoot, serverInfo } from '../fixtures/e2e-env.js';
import { startKitServices, type KitServices } from '../fixtures/kit-services.js';
import { expect, test } from '../fixtures/test.js';

const ENV = 'staging';
const SERVICE = 'shop';
const TARGET = 'shop-consul';
const VERSION = '1.0.0';
const SECRET_NAME = 'WHARF_RESTART_SECRET';
/** Generous bound for restarting three instances (a wait, not a timing assertion). */
const RESTART_DONE = 120_000;
const TERMINAL = /^(succeeded|failed|cancelled)$/;
const ACTIVE = new Set(['restarting', 'waiting']);

test.describe.configure({ mode: 'serial' });

let sim: ConsulSim;
let kit: KitServices;
let api: APIRequestContext;
let workDir: string;
const slug = `rr-${randomBytes(3).toString('hex')}`;
const secret = randomBytes(24).toString('hex');

async function ok(res: APIResponse, what: string): Promise<void> {
  if (res.status() >= 300) throw new Error(`${what}: HTTP ${res.status()} ${await res.text()}`);
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  // Global setup starts the worker only when it is built; without it releases stay queued.
  const worker = join(repoRoot, 'apps/api/dist/worker.js');
  if (!existsSync(worker)) throw new Error(`releases need the worker: ${worker} is missing (run 'pnpm build')`);
  sim = await startConsulSim();
  kit = await startKitServices({ sim, count: 3, service: SERVICE, secret });

  const wharf = serverInfo();
  api = await request.newContext({ baseURL: wharf.url });
  await ok(
    await api.post('/api/v1/auth/login', { data: { email: wharf.adminEmail, password: wharf.adminPassword } }),
    'sign in',
  );
  await ok(await api.post('/api/v1/projects', { data: { slug, name: 'Rolling restart demo' } }), 'create project');
  await ok(await api.post(`/api/v1/projects/${slug}/environments`, { data: { name: ENV } }), 'create environment');
  // A release needs a version; a rolling restart uploads nothing, so any version will do.
  workDir = await mkdtemp(join(tmpdir(), 'wharf-e2e-rr-'));
  const tarball = await buildSampleTarball({ version: VERSION, outDir: workDir });
  await ok(
    await api.post(`/api/v1/projects/${slug}/artifacts/tarball`, {
      params: { version: VERSION, sha256: tarball.sha256 },
      headers: { 'content-type': 'application/gzip' },
      data: await readFile(tarball.path),
    }),
    `push ${VERSION}`,
  );
});

test.afterAll(async () => {
  await api?.dispose();
  await kit?.stop();
  await sim?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

interface Observation {
  state: string;
  /** Instance states in restart order (position). */
  instances: string[];
}

/** The deployment's state and every instance row's state, read in one task (the same moment). */
function readInstances(page: Page): Promise<Observation> {
  return page.evaluate(() => {
    const rows = Array.from(document.querySelectorAll('[data-testid="restart-instance"]'));
    return {
      state: document.querySelector('[data-testid="deployment-state"]')?.textContent?.trim() ?? '',
      instances: rows.map((r) => r.getAttribute('data-state') ?? ''),
    };
  });
}

/** Restarted ones healthy, at most one in progress, the rest not started: one at a time. */
function oneAtATime(states: string[]): boolean {
  const firstNotHealthy = states.findIndex((s) => s !== 'healthy');
  if (firstNotHealthy === -1) return true;
  const rest = states.slice(firstNotHealthy);
  const [head, ...tail] = rest;
  return (head === 'pending' || ACTIVE.has(head ?? '')) && tail.every((s) => s === 'pending');
}

test('admin configures a Consul target, releases, and watches three instances restart one at a time', async ({
  page,
  wharf,
  saveScreenshot,
}) => {
  test.setTimeout(300_000);

  await test.step('sign in as the administrator', async () => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/login/);
    await page.getByTestId('login-email').fill(wharf.adminEmail);
    await page.getByTestId('login-password').fill(wharf.adminPassword);
    await page.getByTestId('login-submit').click();
    await expect(page).toHaveURL(/\/projects$/);
  });

  await test.step(`create the Consul target; the form says ${SECRET_NAME} is missing`, async () => {
    await page.goto(`/projects/${slug}/targets`);
    await page.getByTestId(`target-env-${ENV}`).click();
    await page.getByTestId('target-create-button').click();
    const form = page.getByTestId('target-form');
    await form.getByTestId('target-kind').selectOption('consul');
    await expect(form.getByTestId('consul-restart-secret')).toHaveAttribute('data-state', 'missing');
    await form.getByTestId('target-name').fill(TARGET);
    // What the schema refuses is caught in the form, before any request.
    await form.getByTestId('target-config-consulUrl').fill('consul.internal:8500');
    await form.getByTestId('target-config-readinessDelaySeconds').fill('121');
    await form.getByTestId('target-submit').click();
    await expect(form.getByTestId('field-error-config.consulUrl')).toHaveText('Enter an http:// or https:// URL.');
    await expect(form.getByTestId('field-error-config.service')).toBeVisible();
    await expect(form.getByTestId('field-error-config.readinessDelaySeconds')).toHaveText(
      'Enter a number of seconds from 0 to 120.',
    );

    await form.getByTestId('target-config-consulUrl').fill(sim.agents[0]!.url);
    await form.getByTestId('target-config-service').fill(SERVICE);
    await form.getByTestId('target-config-pollIntervalMs').fill('200');
    await form.getByTestId('target-config-maxPolls').fill('100');
    // A short readiness wait, so each restarted instance is visibly "waiting" before the next.
    await form.getByTestId('target-config-readinessDelaySeconds').fill('1');
    await form.getByTestId('target-submit').click();
    const row = page.getByTestId(`target-row-${TARGET}`);
    await expect(row).toBeVisible();
    await expect(row).toContainText(`${SERVICE} @ ${sim.agents[0]!.url}`);
  });

  await test.step(`add the secret variable ${SECRET_NAME} to ${ENV}`, async () => {
    await page.getByTestId('tab-environments').click();
    await page.getByTestId('environment-settings').click();
    const vars = page.getByTestId('environment-settings-panel').getByTestId('variables');
    await vars.getByTestId('variable-create-button').click();
    const form = vars.getByTestId('variable-form');
    await form.getByTestId('variable-name').fill(SECRET_NAME);
    await form.getByTestId('variable-value-input').fill(secret);
    await form.getByTestId('variable-secret').check();
    await form.getByTestId('variable-submit').click();
    const row = vars.getByTestId(`variable-row-${SECRET_NAME}`);
    await expect(row).toBeVisible();
    // Write-only: the page never shows it back.
    await expect(row.getByTestId('variable-value')).toContainText('••••••••');
    expect(await page.content()).not.toContain(secret);
  });

  await test.step('the target form now finds the secret', async () => {
    await page.getByTestId('tab-targets').click();
    await page.getByTestId(`target-env-${ENV}`).click();
    await page.getByTestId(`target-row-${TARGET}`).getByTestId('target-edit').click();
    await expect(page.getByTestId('consul-restart-secret')).toHaveAttribute('data-state', 'set');
    await expect(page.getByTestId('target-config-readinessDelaySeconds')).toHaveValue('1');
    await page.getByTestId('target-form').getByRole('button', { name: 'Cancel' }).click();
  });

  let deploymentId = '';
  await test.step('the Release dialog calls it a rolling restart', async () => {
    await page.getByTestId('tab-versions').click();
    await page.getByTestId(`release-button-${VERSION}`).click();
    const dialog = page.getByTestId('release-dialog');
    await dialog.getByTestId('release-environment').selectOption({ label: ENV });
    await expect(dialog.getByTestId('release-rolling')).toContainText(`${ENV} releases by rolling restart`);
    await expect(dialog.getByTestId('release-submit')).toHaveText(`Rolling restart of ${ENV}`);
    await dialog.getByTestId('release-submit').click();
    await expect(page).toHaveURL(new RegExp(`/projects/${slug}/deployments/[0-9a-f-]{36}$`));
    deploymentId = (await page.getByTestId('deployment-page').getAttribute('data-deployment-id')) ?? '';
    expect(deploymentId).not.toBe('');
  });

  await test.step('watch the instances go healthy one by one', async () => {
    const seen: Observation[] = [];
    await expect
      .poll(
        async () => {
          const o = await readInstances(page);
          seen.push(o);
          return o.state;
        },
        { timeout: RESTART_DONE, intervals: [100] },
      )
      .toMatch(TERMINAL);
    await test.info().attach('restart-observations.json', {
      body: JSON.stringify(seen, null, 1),
      contentType: 'application/json',
    });
    const summary = `observations: ${JSON.stringify(seen.filter((o, i) => i === 0 || o.instances.join() !== seen[i - 1]!.instances.join()))}`;
    await expect(page.getByTestId('deployment-state'), summary).toHaveText('succeeded');

    // Never two instances at once, and always in order: every moment the page showed.
    const broken = seen.find((o) => o.instances.length > 0 && !oneAtATime(o.instances));
    expect(broken, summary).toBeUndefined();
    // The page showed progress while it ran, not only the end: some but not all healthy.
    const partway = seen
      .filter((o) => o.state === 'running')
      .map((o) => o.instances.filter((s) => s === 'healthy').length);
    expect(
      partway.some((n) => n > 0 && n < 3),
      summary,
    ).toBe(true);
    expect(
      seen.some((o) => o.state === 'running' && o.instances.some((s) => ACTIVE.has(s))),
      summary,
    ).toBe(true);

    const table = page.getByTestId(`restart-instances-${TARGET}`);
    await expect(table.getByTestId('restart-healthy-count')).toHaveText('3 of 3 healthy');
    const rows = table.getByTestId('restart-instance');
    await expect(rows).toHaveCount(3);
    for (const s of kit.services) {
      const row = table.locator(`[data-testid="restart-instance"][data-instance^="${s.id}@"]`);
      await expect(row).toHaveAttribute('data-state', 'healthy');
      await expect(row).toContainText(`127.0.0.1:${s.port}`);
      // Restarted by Wharf exactly once: a fresh process, started by pm2 after the kit exited.
      expect(await kit.starts(s), s.id).toBe(2);
    }
    // Each is back in Consul under its new registration, passing.
    expect(
      sim
        .health(SERVICE, { passing: true })
        .map((e) => e.Service.ID)
        .sort(),
    ).toEqual(kit.services.map((s) => s.id).sort());
    await saveScreenshot(page, 'rolling-restart');
  });
});
