// Release review, end to end: a real release to a real sshd + pm2 host finishes, then the
// Releases page shows it (requester, versions, result, links), its CSV link downloads a file
// holding the same row, and the page in Chinese is saved for the README. The Metrics page
// charts the same history (one successful release to staging, nothing failed) and is saved too.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshHosts, type TestHosts } from '@wharf/test-hosts';
import { repoRoot, serverInfo } from '../fixtures/e2e-env.js';
import { setUpReleaseProject, type ReleaseProject } from '../fixtures/release-project.js';
import { expect, test } from '../fixtures/test.js';

const ENV = 'staging';
const V1 = '1.0.0';

test.describe.configure({ mode: 'serial' });

let hosts: TestHosts;
let project: ReleaseProject;
let tarballDir: string;
let deploymentId: string;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  const worker = join(repoRoot, 'apps/api/dist/worker.js');
  if (!existsSync(worker)) throw new Error(`releases need the worker: ${worker} is missing (run 'pnpm build')`);
  hosts = await startSshHosts({ count: 1, baseAddress: '127.0.0.210' });
  tarballDir = await mkdtemp(join(tmpdir(), 'wharf-e2e-releases-'));
  project = await setUpReleaseProject(serverInfo(), hosts, {
    slug: `review-${randomBytes(3).toString('hex')}`,
    envName: ENV,
  });
  await project.approveHostKey(hosts.hosts[0]!);
  await project.push(V1, { workDir: tarballDir });
  const res = await project.api.post(`/api/v1/projects/${project.slug}/deployments`, {
    data: { environmentId: project.envId, version: V1 },
  });
  expect(res.status(), await res.text()).toBe(201);
  deploymentId = ((await res.json()) as { id: string }).id;
  // Wait for the release to finish (a bound, not a timing assertion).
  await expect
    .poll(
      async () => {
        const d = await project.api.get(`/api/v1/projects/${project.slug}/deployments/${deploymentId}`);
        return ((await d.json()) as { state: string }).state;
      },
      { timeout: 150_000, intervals: [500] },
    )
    .toMatch(/^(succeeded|failed|cancelled)$/);
});

test.afterAll(async () => {
  await project?.dispose();
  await hosts?.stop();
  if (tarballDir) await rm(tarballDir, { recursive: true, force: true });
});

test('the Releases page shows a finished release, and its CSV holds the same row', async ({
  page,
  wharf,
  saveScreenshot,
}) => {
  const state = await project.api.get(`/api/v1/projects/${project.slug}/deployments/${deploymentId}`);
  expect(((await state.json()) as { state: string }).state).toBe('succeeded');

  await page.goto('/login');
  await page.getByTestId('login-email').fill(wharf.adminEmail);
  await page.getByTestId('login-password').fill(wharf.adminPassword);
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/projects$/);

  await page.goto(`/projects/${project.slug}/releases`);
  // The project's tab bar links the page, marked as the current tab.
  await expect(page.getByTestId('tab-releases')).toHaveAttribute('href', `/projects/${project.slug}/releases`);
  await expect(page.getByTestId('tab-releases')).toHaveClass(/tab-active/);
  const row = page.locator(`[data-testid="release-row"][data-id="${deploymentId}"]`);
  await expect(row).toBeVisible();
  await expect(row).toHaveAttribute('data-state', 'succeeded');
  await expect(row.getByTestId('release-requester')).toHaveText(wharf.adminEmail);
  await expect(row.getByTestId('release-version')).toContainText(V1);
  await expect(row.getByTestId('release-environment')).toHaveText(ENV);
  await expect(row.getByTestId('release-result')).toHaveText('succeeded');
  await expect(row.getByTestId('release-deployment-link')).toHaveAttribute(
    'href',
    `/projects/${project.slug}/deployments/${deploymentId}`,
  );

  // The CSV link, with the current filter (result succeeded), downloads the same row.
  await page.getByTestId('release-filter-state').selectOption('succeeded');
  await page.getByTestId('release-filter-apply').click();
  await expect(page.getByTestId('releases-export')).toHaveAttribute('href', /state=succeeded/);
  const downloadPromise = page.waitForEvent('download');
  await page.getByTestId('releases-export').click();
  const download = await downloadPromise;
  const path = await download.path();
  const { readFile } = await import('node:fs/promises');
  const csv = (await readFile(path)).toString('utf8');
  const lines = csv.trimEnd().split('\r\n');
  expect(lines[0]).toMatch(/^id,project,environment,from version,to version,/);
  const line = lines.find((l) => l.startsWith(`${deploymentId},`));
  expect(line, csv).toBeDefined();
  const cells = line!.split(',');
  expect(cells.slice(0, 5)).toEqual([deploymentId, project.slug, ENV, '', V1]);
  expect(cells[8]).toBe(wharf.adminEmail);
  expect(cells[11]).toBe('succeeded');

  // The log link downloads the release's log.
  const log = await page.request.get(`/api/v1/projects/${project.slug}/deployments/${deploymentId}/logs/download`);
  expect(log.status()).toBe(200);
  expect((await log.text()).length).toBeGreaterThan(0);

  // The same page in Chinese, for the README.
  await page.evaluate(() => localStorage.setItem('wharf.locale', 'zh-CN'));
  await page.reload();
  await expect(page.getByRole('columnheader', { name: '发起人' })).toBeVisible();
  await expect(page.locator(`[data-testid="release-row"][data-id="${deploymentId}"]`)).toBeVisible();
  const shot = await saveScreenshot(page, 'releases-zh-CN');
  await mkdir(join(repoRoot, 'docs/screenshots'), { recursive: true });
  await copyFile(shot, join(repoRoot, 'docs/screenshots/releases-zh-CN.png'));
});

test('the Metrics page charts the same history with its known numbers', async ({ page, wharf, saveScreenshot }) => {
  // Two languages, each page load waiting on the metrics query: room for a busy CI box.
  test.setTimeout(300_000);
  await page.goto('/login');
  await page.getByTestId('login-email').fill(wharf.adminEmail);
  await page.getByTestId('login-password').fill(wharf.adminPassword);
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/projects$/);

  await page.goto(`/projects/${project.slug}/metrics`);
  await expect(page.getByTestId('tab-metrics')).toHaveClass(/tab-active/);
  // The project has no protected environment, so the headline covers every environment:
  // one successful release in the last 30 days, none failed or rolled back, no outage.
  await expect(page.getByTestId('metrics-scope')).toHaveText('Headline numbers: every environment (none is protected)');
  await expect(page.getByTestId('metrics-frequency-value')).toHaveText('0.03 per day');
  await expect(page.getByTestId('metrics-frequency')).toContainText('1 successful releases');
  await expect(page.getByTestId('metrics-failure-rate-value')).toHaveText('0%');
  await expect(page.getByTestId('metrics-failure-rate')).toContainText('0 failed, 0 rolled back, of 1 releases');
  await expect(page.getByTestId('metrics-restore-value')).toHaveText('—');
  await expect(page.getByTestId('metrics-lead-time')).toContainText('; 1 releases');
  await expect(page.getByTestId(`metrics-env-${ENV}`)).toContainText('0.03');

  // The charts are drawn by recharts over 30 daily buckets: one bar (today's release) in the
  // frequency chart, and a lead-time and a failure-rate line.
  const frequency = page.getByTestId('metrics-chart-frequency');
  await expect(frequency.locator('svg.recharts-surface')).toBeVisible();
  await expect(frequency.locator('.recharts-bar-rectangle path')).toHaveCount(1);
  const lead = page.getByTestId('metrics-chart-lead-time');
  await expect(lead.locator('svg.recharts-surface')).toBeVisible();
  await expect(lead.locator('.recharts-line')).toHaveCount(1);
  const failureRate = page.getByTestId('metrics-chart-failure-rate');
  await expect(failureRate.locator('svg.recharts-surface')).toBeVisible();
  await expect(failureRate.locator('.recharts-line')).toHaveCount(1);

  // Choosing the environment gives the same numbers, now scoped to it.
  await page.getByTestId('metrics-environment').selectOption({ label: ENV });
  await expect(page.getByTestId('metrics-scope')).toHaveText(`Headline numbers: ${ENV}`);
  await expect(page.getByTestId('metrics-failure-rate')).toContainText('of 1 releases');
  await page.getByTestId('metrics-environment').selectOption({ label: 'Production (protected environments)' });
  await expect(page.getByTestId('metrics-scope')).toContainText('every environment');

  const shot = await saveScreenshot(page, 'metrics');
  await mkdir(join(repoRoot, 'docs/screenshots'), { recursive: true });
  await copyFile(shot, join(repoRoot, 'docs/screenshots/metrics.png'));

  // The same page in Chinese: the same numbers under Chinese labels.
  await page.evaluate(() => localStorage.setItem('wharf.locale', 'zh-CN'));
  await page.reload();
  await expect(page.getByTestId('metrics-scope')).toHaveText('核心指标：全部环境（没有受保护的环境）');
  await expect(page.getByTestId('metrics-frequency')).toContainText('部署频率');
  await expect(page.getByTestId('metrics-failure-rate-value')).toHaveText('0%');
  await expect(page.getByTestId('metrics-chart-frequency').locator('.recharts-bar-rectangle path')).toHaveCount(1);
  const zh = await saveScreenshot(page, 'metrics-zh-CN');
  await copyFile(zh, join(repoRoot, 'docs/screenshots/metrics-zh-CN.png'));
});
