// Issue 7, end to end: a maintainer connects GitLab from the Webhook tab (URL, secret shown
// once, an auto-deploy rule), GitLab deliveries arrive over real HTTP, CI pushes artifacts
// with their commits through the real CLI, and the dashboard shows why each delivery did or
// did not deploy, and, in the Release dialog and on the deployment page, the commits a
// release adds or (a rollback) takes away. One real sshd + pm2 host.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, type Page } from '@playwright/test';
import { buildSampleTarball, startSshHosts, type TestHosts } from '@wharf/test-hosts';
import { repoRoot, serverInfo } from '../fixtures/e2e-env.js';
import { setUpReleaseProject, versionsServed, type ReleaseProject } from '../fixtures/release-project.js';
import { expect, test } from '../fixtures/test.js';
import { runWharfCli } from '../fixtures/wharf-cli.js';

const ENV = 'dev';
const RELEASE_DONE = 120_000;
const sha = () => randomBytes(20).toString('hex');
/** c1 ← c2 pushed to dev; c3 ← c4 pushed to a feature branch on top of c2. */
const C = { c0: sha(), c1: sha(), c2: sha(), c3: sha(), c4: sha() };
const TITLES: Record<string, string> = {
  [C.c1]: 'Add the checkout page',
  [C.c2]: 'Fix rounding in totals',
  [C.c3]: 'Show delivery dates',
  [C.c4]: 'Speed up the product list',
};

test.describe.configure({ mode: 'serial' });

let hosts: TestHosts;
let project: ReleaseProject;
let tarballDir: string;
let ciToken: string;
let webhookToken: string;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const worker = join(repoRoot, 'apps/api/dist/worker.js');
  if (!existsSync(worker)) throw new Error(`deliveries need the worker: ${worker} is missing (run 'pnpm build')`);
  hosts = await startSshHosts({ count: 1, baseAddress: '127.0.0.160' });
  tarballDir = await mkdtemp(join(tmpdir(), 'wharf-e2e-gitlab-'));
  project = await setUpReleaseProject(serverInfo(), hosts, {
    slug: `shop-${randomBytes(3).toString('hex')}`,
    envName: ENV,
  });
  await project.approveHostKey(hosts.hosts[0]!);
  const p = `/api/v1/projects/${project.slug}`;
  expect((await project.api.post(`${p}/environments`, { data: { name: 'prod', protected: true } })).status()).toBe(201);
  const token = await project.api.post(`${p}/tokens`, { data: { name: 'gitlab-ci' } });
  ciToken = ((await token.json()) as { token: string }).token;
});

test.afterAll(async () => {
  await project?.dispose();
  await hosts?.stop();
  if (tarballDir) await rm(tarballDir, { recursive: true, force: true });
});

async function signIn(page: Page): Promise<void> {
  const wharf = serverInfo();
  await page.goto('/login');
  await page.getByTestId('login-email').fill(wharf.adminEmail);
  await page.getByTestId('login-password').fill(wharf.adminPassword);
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/projects$/);
}

/** A push delivery as GitLab sends it (documented "Push events" fields Wharf reads). */
async function sendPush(branch: string, before: string, commits: string[]): Promise<string> {
  const api = await request.newContext({ baseURL: serverInfo().url });
  try {
    const res = await api.post(`/api/v1/hooks/gitlab/${project.slug}`, {
      headers: {
        'content-type': 'application/json',
        'x-gitlab-event': 'Push Hook',
        'x-gitlab-token': webhookToken,
        'x-gitlab-event-uuid': randomUUID(),
        'idempotency-key': randomUUID(),
        'user-agent': 'GitLab/17.6.0',
      },
      data: {
        object_kind: 'push',
        event_name: 'push',
        before,
        after: commits.at(-1),
        ref: `refs/heads/${branch}`,
        checkout_sha: commits.at(-1),
        user_name: 'Ada Lovelace',
        user_username: 'ada',
        commits: commits.map((id, i) => ({
          id,
          message: `${TITLES[id]}\n`,
          title: TITLES[id],
          timestamp: new Date(Date.UTC(2026, 10, 30, 9, i)).toISOString(),
          url: `https://gitlab.example.com/shop/web/-/commit/${id}`,
          author: { name: 'Ada Lovelace', email: 'ada@example.com' },
        })),
        total_commits_count: commits.length,
      },
    });
    expect(res.status(), await res.text()).toBe(202);
    return ((await res.json()) as { deliveryId: string }).deliveryId;
  } finally {
    await api.dispose();
  }
}

/** What CI runs: the real CLI pushes a build with the commit it came from. */
async function ciPush(version: string, commit: string): Promise<void> {
  const tarball = await buildSampleTarball({ version, outDir: tarballDir });
  const run = await runWharfCli(
    [
      'artifact',
      'push',
      tarball.path,
      '--project',
      project.slug,
      '--version',
      version,
      '--ref',
      ENV,
      '--commit',
      commit,
    ],
    { url: serverInfo().url, token: ciToken },
  );
  expect(run.code, run.stderr).toBe(0);
}

test('connect GitLab: the Webhook tab gives the URL and a secret shown once; rules per environment', async ({
  page,
  wharf,
  saveScreenshot,
}) => {
  await signIn(page);
  await page.goto(`/projects/${project.slug}`);
  await page.getByTestId('tab-webhook').click();
  await expect(page).toHaveURL(new RegExp(`/projects/${project.slug}/webhook$`));
  await expect(page.getByTestId('webhook-url')).toHaveText(`${wharf.url}/api/v1/hooks/gitlab/${project.slug}`);
  await expect(page.getByTestId('webhook-not-configured')).toBeVisible();

  await test.step('a maintainer adds a rule: pushes to dev release to dev; prod cannot have one', async () => {
    const dev = page.getByTestId(`rules-env-${ENV}`);
    await dev.getByTestId('rule-add').click();
    await dev.getByTestId('rule-pattern').fill(ENV);
    await dev.getByTestId('rule-submit').click();
    await expect(dev.getByTestId('rule')).toHaveText(/Branch dev on push, waiting up to 30 min for the artifact/);
    const prod = page.getByTestId('rules-env-prod');
    await expect(prod.getByTestId('rules-protected')).toHaveText(
      'prod is protected: it never auto-deploys. Release there by hand.',
    );
    await expect(prod.getByTestId('rule-add')).toHaveCount(0);
  });

  await test.step('generate the secret token: shown once, with where to paste it in GitLab', async () => {
    await page.getByTestId('webhook-generate').click();
    webhookToken = (await page.getByTestId('webhook-token-value').textContent()) ?? '';
    expect(webhookToken).toMatch(/^[\x21-\x7e]{20,}$/);
    await expect(page.getByTestId('webhook-configured')).toContainText(webhookToken.slice(0, 8));
    await expect(page.getByTestId('gitlab-steps')).toContainText('Settings → Webhooks → Add new webhook');
    await saveScreenshot(page, 'connect-gitlab');
    await page.getByTestId('webhook-token-dismiss').click();
    await expect(page.getByTestId('webhook-token-value')).toHaveCount(0);
    await page.reload();
    await expect(page.getByTestId('webhook-configured')).toBeVisible();
    expect(await page.content()).not.toContain(webhookToken);
  });
});

test('deliveries: each GitLab push is listed with what became of it and why, linked to its deployment', async ({
  page,
  saveScreenshot,
}) => {
  test.setTimeout(240_000);
  const ignored = await sendPush('feature-x', C.c2, [C.c3, C.c4]);
  const deploys = await sendPush(ENV, C.c0, [C.c1, C.c2]);
  // CI builds and pushes both commits of dev, and the feature branch's head.
  await ciPush('1.0.0', C.c1);
  await ciPush('2.0.0', C.c2);
  await ciPush('4.0.0', C.c4);

  await signIn(page);
  await page.goto(`/projects/${project.slug}/webhook`);
  const ignoredRow = page.locator(`[data-testid="delivery-row"][data-delivery-id="${ignored}"]`);
  await expect(ignoredRow.getByTestId('delivery-outcome')).toHaveText('ignored');
  await expect(ignoredRow.getByTestId('delivery-ref')).toHaveText('refs/heads/feature-x');
  await expect(ignoredRow.getByTestId('delivery-sha')).toHaveText(C.c4.slice(0, 8));
  await expect(ignoredRow.getByTestId('delivery-reason')).toHaveText('no auto-deploy rule for branch feature-x');

  const deployedRow = page.locator(`[data-testid="delivery-row"][data-delivery-id="${deploys}"]`);
  // Waited for CI's artifact of c2, then released it (the list refreshes while one waits).
  await expect(deployedRow.getByTestId('delivery-outcome')).toHaveText('deployed', { timeout: 30_000 });
  await expect(deployedRow.getByTestId('delivery-event')).toHaveText('Push Hook');
  await expect(deployedRow.getByTestId('delivery-sha')).toHaveText(C.c2.slice(0, 8));
  await expect(deployedRow.getByTestId('delivery-env')).toHaveAttribute('data-state', 'deployed');
  await saveScreenshot(page, 'gitlab-deliveries');

  await deployedRow.getByTestId('delivery-deployment-link').click();
  await expect(page).toHaveURL(new RegExp(`/projects/${project.slug}/deployments/[0-9a-f-]{36}$`));
  await expect(page.getByTestId('deployment-trigger')).toHaveText('webhook');
  await expect(page.getByTestId('deployment-state')).toHaveText('succeeded', { timeout: RELEASE_DONE });
  expect(await versionsServed(hosts)).toEqual(['2.0.0']);
  await expect(page.getByTestId('changelog')).toHaveAttribute('data-direction', 'first');
});

test('the Release dialog shows the commits a release adds, and says plainly when it is a rollback', async ({
  page,
  saveScreenshot,
}) => {
  test.setTimeout(240_000);
  await signIn(page);
  await page.goto(`/projects/${project.slug}/versions`);

  await test.step('4.0.0 over 2.0.0: the two newer commits', async () => {
    await page.getByTestId('release-button-4.0.0').click();
    const dialog = page.getByTestId('release-dialog');
    await dialog.getByTestId('release-environment').selectOption({ label: ENV });
    await expect(dialog.getByTestId('release-from')).toHaveText('2.0.0');
    await expect(dialog.getByTestId('release-to')).toHaveText('4.0.0');
    await expect(dialog.getByTestId('changelog')).toHaveAttribute('data-direction', 'forward');
    await expect(dialog.getByTestId('changelog-summary')).toHaveText('2 new commits from 2.0.0 to 4.0.0:');
    const commits = dialog.getByTestId('changelog-commit');
    await expect(commits).toHaveCount(2);
    await expect(commits.nth(0)).toContainText(TITLES[C.c4]!);
    await expect(commits.nth(0)).toContainText('Ada Lovelace');
    await expect(commits.nth(0).getByRole('link', { name: C.c4.slice(0, 8) })).toHaveAttribute(
      'href',
      `https://gitlab.example.com/shop/web/-/commit/${C.c4}`,
    );
    await expect(commits.nth(1)).toContainText(TITLES[C.c3]!);
    await expect(dialog.getByTestId('changelog-rollback')).toHaveCount(0);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  await test.step('1.0.0 under 2.0.0: a rollback, naming the commit it takes away', async () => {
    await page.getByTestId('release-button-1.0.0').click();
    const dialog = page.getByTestId('release-dialog');
    await dialog.getByTestId('release-environment').selectOption({ label: ENV });
    await expect(dialog.getByTestId('changelog')).toHaveAttribute('data-direction', 'rollback');
    await expect(dialog.getByTestId('changelog-rollback')).toHaveText(
      'This is a rollback. 1.0.0 is older than 2.0.0, which dev runs now. Releasing it takes away the changes listed here.',
    );
    await expect(dialog.getByTestId('changelog-commit')).toHaveCount(1);
    await expect(dialog.getByTestId('changelog-commit')).toContainText(TITLES[C.c2]!);
    await saveScreenshot(page, 'release-changelog-rollback');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  await test.step('release 4.0.0: its deployment page lists what it changed', async () => {
    await page.getByTestId('release-button-4.0.0').click();
    const dialog = page.getByTestId('release-dialog');
    await dialog.getByTestId('release-environment').selectOption({ label: ENV });
    await dialog.getByTestId('release-submit').click();
    await expect(page).toHaveURL(new RegExp(`/projects/${project.slug}/deployments/[0-9a-f-]{36}$`));
    const changes = page.getByTestId('deployment-changes');
    await expect(changes.getByTestId('changelog-from')).toHaveText('2.0.0');
    await expect(changes.getByTestId('changelog-to')).toHaveText('4.0.0');
    await expect(changes.getByTestId('changelog-commit')).toHaveCount(2);
    await expect(page.getByTestId('deployment-state')).toHaveText('succeeded', { timeout: RELEASE_DONE });
    expect(await versionsServed(hosts)).toEqual(['4.0.0']);
  });
});
