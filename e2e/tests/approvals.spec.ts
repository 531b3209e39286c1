// Issue 10, approvals end to end: production needs one approval. Maintainer A requests a
// release in the dashboard and finds no Approve button on it; maintainer B, in a second
// browser context, finds it on the Approvals page and approves it with a comment; the real
// worker then deploys it to a real sshd + pm2 host, and both see it succeed.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { startSshHosts, type TestHosts } from '@wharf/test-hosts';
import { repoRoot, serverInfo } from '../fixtures/e2e-env.js';
import { setUpReleaseProject, versionsServed, type ReleaseProject } from '../fixtures/release-project.js';
import { expect, test } from '../fixtures/test.js';

const ENV = 'production';
const VERSION = '1.0.0';
/** Generous: a loaded build machine runs several suites at once (waits, not timing assertions). */
const RELEASE_DONE = 240_000;

test.describe.configure({ mode: 'serial' });

let hosts: TestHosts;
let project: ReleaseProject;
let tarballDir: string;
const suffix = randomBytes(3).toString('hex');
const alice = { email: `alice-${suffix}@example.com`, password: `alice-pass-${suffix}-123` };
const bob = { email: `bob-${suffix}@example.com`, password: `bob-pass-${suffix}-1234` };

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const worker = join(repoRoot, 'apps/api/dist/worker.js');
  if (!existsSync(worker)) throw new Error(`releases need the worker: ${worker} is missing (run 'pnpm build')`);
  hosts = await startSshHosts({ count: 1, baseAddress: '127.0.0.190' });
  tarballDir = await mkdtemp(join(tmpdir(), 'wharf-e2e-approvals-'));
  project = await setUpReleaseProject(serverInfo(), hosts, { slug: `appr-${suffix}`, envName: ENV });
  await project.approveHostKey(hosts.hosts[0]!);
  await project.push(VERSION, { workDir: tarballDir });
  const api = project.api;
  for (const u of [alice, bob]) {
    const created = await api.post('/api/v1/users', {
      data: { email: u.email, name: u.email.split('@')[0], password: u.password },
    });
    expect(created.status(), await created.text()).toBe(201);
    const member = await api.put(`/api/v1/projects/${project.slug}/members`, {
      data: { email: u.email, role: 'maintainer' },
    });
    expect(member.ok(), await member.text()).toBe(true);
  }
  const rule = await api.put(`/api/v1/projects/${project.slug}/environments/${project.envId}/approval-rule`, {
    data: { approvalsRequired: 1, approvalTtlMinutes: 60 },
  });
  expect(rule.status(), await rule.text()).toBe(200);
});

test.afterAll(async () => {
  await project?.dispose();
  await hosts?.stop();
  if (tarballDir) await rm(tarballDir, { recursive: true, force: true });
});

async function signedIn(browser: Browser, baseURL: string, who: { email: string; password: string }): Promise<Page> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByTestId('login-email').fill(who.email);
  await page.getByTestId('login-password').fill(who.password);
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/projects$/);
  return page;
}

test('a production release requested by one maintainer runs only after a second approves it', async ({
  browser,
  wharf,
  saveScreenshot,
}) => {
  test.setTimeout(RELEASE_DONE + 180_000);
  // A requests the release from the Versions tab.
  const a = await signedIn(browser, wharf.url, alice);
  await a.goto(`/projects/${project.slug}/versions`);
  await a.getByTestId(`release-button-${VERSION}`).click();
  const dialog = a.getByTestId('release-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('release-environment').selectOption({ label: ENV });
  await dialog.getByTestId('release-submit').click();
  await expect(a).toHaveURL(new RegExp(`/projects/${project.slug}/deployments/[0-9a-f-]{36}$`));
  const id = (await a.getByTestId('deployment-page').getAttribute('data-deployment-id')) ?? '';
  await expect(a.getByTestId('deployment-state')).toHaveText('awaiting approval');
  const panelA = a.getByTestId('approval-panel');
  await expect(panelA.getByTestId('approval-count')).toContainText('0 of 1 approvals');
  await expect(panelA.getByTestId('approval-expiry')).toContainText('Expires in');
  await expect(panelA.getByTestId('approval-blocked')).toHaveAttribute('data-reason', 'requester');
  await expect(panelA.getByTestId('approval-blocked')).toContainText('You requested this release');
  await expect(panelA.getByTestId('approval-approve')).toHaveCount(0);
  await expect(panelA.getByTestId('approval-reject')).toHaveCount(0);
  await saveScreenshot(a, 'approvals-requester');
  // Waiting, nothing ran: the host has no app yet.
  expect(await versionsServed(hosts)).toEqual([null]);

  // B finds it on the Approvals page (with the count in the nav) and approves it.
  const b = await signedIn(browser, wharf.url, bob);
  await expect(b.getByTestId('nav-approvals-count')).toHaveText('1');
  await b.getByTestId('nav-approvals').click();
  const row = b.locator(`[data-testid="approvals-row"][data-deployment-id="${id}"]`);
  await expect(row).toContainText(alice.email);
  await expect(row).toContainText(ENV);
  await saveScreenshot(b, 'approvals-page');
  await row.getByTestId('approvals-open').click();
  await expect(b).toHaveURL(new RegExp(`/deployments/${id}$`));
  await b.getByTestId('approval-comment').fill('checked the changelog, go');
  await b.getByTestId('approval-approve').click();
  await expect(b.getByTestId('deployment-state')).toHaveText('succeeded', { timeout: RELEASE_DONE });
  await expect(b.getByTestId('approval-decision')).toContainText(bob.email);
  await expect(b.getByTestId('approval-decision')).toContainText('checked the changelog, go');
  await expect(b.getByTestId('approval-count')).toContainText('1 of 1 approvals');
  await saveScreenshot(b, 'approvals-approved-deployment');
  expect(await versionsServed(hosts)).toEqual([VERSION]);

  // A sees the same story, still without an Approve button.
  await a.reload();
  await expect(a.getByTestId('deployment-state')).toHaveText('succeeded');
  await expect(a.getByTestId('approval-decision')).toContainText(bob.email);
  await expect(a.getByTestId('approval-approve')).toHaveCount(0);
  // Nothing left to approve for B.
  await b.goto('/approvals');
  await expect(b.getByTestId('approvals-empty')).toBeVisible();

  // The Releases page tells the whole story: who asked, who approved, what ran, the result.
  await b.goto(`/projects/${project.slug}/releases`);
  const release = b.locator(`[data-testid="release-row"][data-id="${id}"]`);
  await expect(release).toHaveAttribute('data-state', 'succeeded');
  await expect(release.getByTestId('release-environment')).toHaveText(ENV);
  await expect(release.getByTestId('release-version')).toContainText(VERSION);
  await expect(release.getByTestId('release-requester')).toHaveText(alice.email);
  await expect(release.getByTestId('release-approvers')).toContainText(bob.email);
  await saveScreenshot(b, 'approvals-releases-page');
  // ... and its CSV holds the same.
  const downloading = b.waitForEvent('download');
  await b.getByTestId('releases-export').click();
  const csv = (await readFile(await (await downloading).path())).toString('utf8');
  const header = csv.split('\r\n')[0]!.split(',');
  const line = csv.split('\r\n').find((l) => l.startsWith(`${id},`));
  expect(line, csv).toBeDefined();
  const cell = (name: string) => line!.split(',')[header.indexOf(name)];
  expect(cell('environment')).toBe(ENV);
  expect(cell('to version')).toBe(VERSION);
  expect(cell('requester')).toBe(alice.email);
  expect(cell('approvers')).toContain(bob.email);
  expect(cell('result')).toBe('succeeded');
  expect(line).toContain('checked the changelog');
  await a.context().close();
  await b.context().close();
});
