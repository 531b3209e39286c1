// Issue 3, end to end: an admin releases versions of a real app to two real sshd + pm2
// hosts from the dashboard, watches the log arrive live, and rolls back. Setup (project,
// credential, targets, tarballs) goes through the REST API; everything the issue is about
// goes through the UI in Chromium.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { startSshHosts, type TestHosts } from '@wharf/test-hosts';
import { repoRoot, serverInfo } from '../fixtures/e2e-env.js';
import { setUpReleaseProject, versionsServed, type ReleaseProject } from '../fixtures/release-project.js';
import { expect, test } from '../fixtures/test.js';

const ENV = 'staging';
const V1 = '1.0.0';
const V2 = '2.0.0';
/** v2's `npm ci` sleeps this long on each host, so the release runs long enough to watch. */
const V2_INSTALL_SECONDS = 4;
/** Generous bound for one release to two hosts (waits, not timing assertions). */
const RELEASE_DONE = 120_000;
const TERMINAL = /^(succeeded|failed|cancelled)$/;

test.describe.configure({ mode: 'serial' });

let hosts: TestHosts;
let project: ReleaseProject;
let tarballDir: string;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  // Global setup starts the worker only when it is built; without it releases stay queued.
  const worker = join(repoRoot, 'apps/api/dist/worker.js');
  if (!existsSync(worker)) throw new Error(`releases need the worker: ${worker} is missing (run 'pnpm build')`);
  hosts = await startSshHosts({ count: 2, baseAddress: '127.0.0.70' });
  tarballDir = await mkdtemp(join(tmpdir(), 'wharf-e2e-release-'));
  project = await setUpReleaseProject(serverInfo(), hosts, {
    slug: `rel-${randomBytes(3).toString('hex')}`,
    envName: ENV,
  });
  // hosts[0]'s key is approved in the UI by the test; hosts[1]'s through the API here.
  await project.approveHostKey(hosts.hosts[1]!);
  await project.push(V1, { workDir: tarballDir });
  await project.push(V2, { workDir: tarballDir, slowInstall: V2_INSTALL_SECONDS });
});

test.afterAll(async () => {
  await project?.dispose();
  await hosts?.stop();
  if (tarballDir) await rm(tarballDir, { recursive: true, force: true });
});

/** Reads the state badge and the rendered log lines in one task, so both describe the same moment. */
function readDeploymentPage(page: Page): Promise<{ state: string; lines: number; maxSeq: number }> {
  return page.evaluate(() => {
    const rows = Array.from(document.querySelectorAll('[data-testid="log-line"]'));
    return {
      state: document.querySelector('[data-testid="deployment-state"]')?.textContent?.trim() ?? '',
      lines: rows.length,
      maxSeq: Math.max(0, ...rows.map((r) => Number(r.getAttribute('data-seq')))),
    };
  });
}

async function releaseFromVersionsTab(page: Page, slug: string, version: string): Promise<string> {
  await page.getByTestId('tab-versions').click();
  await expect(page).toHaveURL(new RegExp(`/projects/${slug}/versions$`));
  await page.getByTestId(`release-button-${version}`).click();
  const dialog = page.getByTestId('release-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('release-environment').selectOption({ label: ENV });
  await expect(dialog.getByTestId('release-submit')).toHaveText(`Release ${version} to ${ENV}`);
  await dialog.getByTestId('release-submit').click();
  await expect(page).toHaveURL(new RegExp(`/projects/${slug}/deployments/[0-9a-f-]{36}$`));
  await expect(page.getByTestId('deployment-page')).toBeVisible();
  return (await page.getByTestId('deployment-page').getAttribute('data-deployment-id')) ?? '';
}

async function expectServed(version: string): Promise<void> {
  // pm2 has reloaded once the health gate passed, so both hosts answer the new version now.
  expect(await versionsServed(hosts)).toEqual([version, version]);
}

test('admin releases v1 and v2 to two sshd hosts, watches the log live, and rolls back', async ({
  page,
  wharf,
  saveScreenshot,
}) => {
  test.setTimeout(300_000);
  const slug = project.slug;
  const [h0, h1] = [hosts.hosts[0]!, hosts.hosts[1]!];
  const ids: string[] = [];

  await test.step('sign in as the administrator', async () => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/login/);
    await page.getByTestId('login-email').fill(wharf.adminEmail);
    await page.getByTestId('login-password').fill(wharf.adminPassword);
    await page.getByTestId('login-submit').click();
    await expect(page).toHaveURL(/\/projects$/);
  });

  await test.step('approve the first host key in the Targets tab', async () => {
    await page.goto(`/projects/${slug}/targets`);
    await page.getByTestId(`target-env-${ENV}`).click();
    await expect(page.getByTestId(`host-key-${h0.name}`)).toHaveAttribute('data-pinned', 'false');
    await expect(page.getByTestId(`host-key-${h1.name}`)).toHaveAttribute('data-pinned', 'true');
    await expect(page.getByTestId(`host-key-${h1.name}`)).toHaveText(h1.hostKeyFingerprint);

    await page.getByTestId(`test-connection-${h0.name}`).click();
    const probe = page.getByTestId(`host-key-probe-${h0.name}`);
    // The dashboard shows the key the real sshd offered, before anyone trusts it.
    await expect(probe.getByTestId('probe-fingerprint')).toHaveText(h0.hostKeyFingerprint);
    await expect(probe.getByTestId('probe-matches')).toHaveAttribute('data-matches', 'none');
    await page.getByTestId(`approve-host-key-${h0.name}`).click();
    await expect(probe.getByTestId('probe-matches')).toHaveAttribute('data-matches', 'true');
    await expect(page.getByTestId(`host-key-${h0.name}`)).toHaveAttribute('data-pinned', 'true');
    await expect(page.getByTestId(`host-key-${h0.name}`)).toHaveText(h0.hostKeyFingerprint);
  });

  await test.step(`release ${V1} to ${ENV}`, async () => {
    await page.getByTestId('tab-overview').click();
    await expect(page.getByTestId(`env-current-${ENV}`)).toContainText('Nothing');
    ids.push(await releaseFromVersionsTab(page, slug, V1));
    await expect(page.getByTestId('deployment-environment')).toHaveText(ENV);
    await expect(page.getByTestId('deployment-trigger')).toHaveText('manual');
    await expect(page.getByTestId('deployment-state')).toHaveText('succeeded', { timeout: RELEASE_DONE });
    await expectServed(V1);
  });

  await test.step(`release ${V2} and watch the log arrive while it runs`, async () => {
    const id = await releaseFromVersionsTab(page, slug, V2);
    ids.push(id);
    await expect(page.getByTestId('follow-toggle')).toHaveAttribute('aria-pressed', 'true');

    const seen: { state: string; lines: number; maxSeq: number }[] = [];
    await expect
      .poll(
        async () => {
          const o = await readDeploymentPage(page);
          seen.push(o);
          return o.state;
        },
        { timeout: RELEASE_DONE, intervals: [100] },
      )
      .toMatch(TERMINAL);

    const whileRunning = seen.filter((o) => o.state === 'running');
    await test.info().attach('live-log-observations.json', {
      body: JSON.stringify(seen, null, 1),
      contentType: 'application/json',
    });
    const summary = `observations: ${JSON.stringify(seen.filter((_, i) => i % 10 === 0 || i === seen.length - 1))}`;
    // Lines were on the page while the deployment was still running ...
    expect(
      whileRunning.some((o) => o.lines > 0),
      summary,
    ).toBe(true);
    // ... and new ones kept arriving during it (not one fetch after the fact).
    expect(new Set(whileRunning.filter((o) => o.lines > 0).map((o) => o.maxSeq)).size, summary).toBeGreaterThan(1);
    await expect(page.getByTestId('deployment-state')).toHaveText('succeeded');
    await expect(page.getByTestId('log-line').first()).toBeVisible();
    await expectServed(V2);

    // The whole log (via the page's own download link) has both hosts' slow installs.
    const href = await page.getByTestId('download-log').getAttribute('href');
    expect(href).toContain(id);
    const res = await project.api.get(href!);
    expect(res.status()).toBe(200);
    const log = await res.text();
    expect(log.match(/slow install started/g)?.length ?? 0).toBe(2);
    expect(log.match(/slow install done/g)?.length ?? 0).toBe(2);
    await saveScreenshot(page, 'release-deployment-log');
  });

  await test.step(`roll ${ENV} back to ${V1} from the Overview`, async () => {
    await page.getByTestId('tab-overview').click();
    await expect(page.getByTestId(`env-current-${ENV}`)).toHaveText(V2);
    await page.getByTestId(`rollback-${ENV}`).click();
    const dialog = page.getByTestId('rollback-dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId('rollback-change')).toContainText(V2);
    await expect(dialog.getByTestId('rollback-change')).toContainText(V1);
    await dialog.getByTestId('rollback-submit').click();
    await expect(page).toHaveURL(new RegExp(`/projects/${slug}/deployments/[0-9a-f-]{36}$`));
    await expect(page.getByTestId('deployment-state')).toHaveText('succeeded', { timeout: RELEASE_DONE });
    await expect(page.getByTestId('deployment-trigger')).toHaveText('rollback');
    ids.push((await page.getByTestId('deployment-page').getAttribute('data-deployment-id')) ?? '');
    await expectServed(V1);

    await page.getByTestId('tab-overview').click();
    await expect(page.getByTestId(`env-current-${ENV}`)).toHaveText(V1);
    await saveScreenshot(page, 'release-overview');
  });

  await test.step('see all three deployments in the Deployments tab', async () => {
    await page.getByTestId('deployments-tab').click();
    await expect(page.getByTestId('deployments-table').locator('tbody tr')).toHaveCount(3);
    for (const id of ids)
      await expect(page.getByTestId(`deployment-row-${id}`)).toHaveAttribute('data-state', 'succeeded');
  });
});
