// Issue 2, end to end: an admin sets up a project in the dashboard, creates a CI token
// there, the real CLI pushes a real tarball with that token, and the dashboard lists it.
import { randomBytes } from 'node:crypto';
import { buildSampleTarball } from '@wharf/test-hosts';
import { expect, test } from '../fixtures/test.js';
import { runWharfCli } from '../fixtures/wharf-cli.js';

test('admin sets up a project and a CI token; the CLI pushes a version the dashboard lists', async ({
  page,
  wharf,
  workDir,
  saveScreenshot,
}) => {
  const slug = `shop-${randomBytes(3).toString('hex')}`;
  const version = '1.4.0';
  const commit = randomBytes(20).toString('hex');
  const message = 'Add the checkout page';

  await test.step('sign in as the administrator', async () => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/login/);
    await page.getByTestId('login-email').fill(wharf.adminEmail);
    await page.getByTestId('login-password').fill(wharf.adminPassword);
    await page.getByTestId('login-submit').click();
    await expect(page).toHaveURL(/\/projects$/);
    await expect(page.getByTestId('current-user')).toBeVisible();
  });

  await test.step('create the project', async () => {
    await page.getByTestId('project-create-button').click();
    await page.getByTestId('project-slug').fill(slug);
    await page.getByTestId('project-name').fill('Shop');
    await page.getByTestId('project-description').fill('The web shop');
    await page.getByTestId('project-submit').click();
    await expect(page).toHaveURL(new RegExp(`/projects/${slug}$`));
    await expect(page.getByTestId('project-title')).toHaveText('Shop');
  });

  await test.step('create environments dev, qa and a protected prod', async () => {
    await page.getByTestId('tab-environments').click();
    for (const [name, isProtected] of [
      ['dev', false],
      ['qa', false],
      ['prod', true],
    ] as const) {
      await page.getByTestId('environment-create-button').click();
      const form = page.getByTestId('environment-form');
      await form.getByTestId('environment-name').fill(name);
      if (isProtected) await form.getByTestId('environment-protected').check();
      await form.getByTestId('environment-submit').click();
      await expect(page.getByTestId(`environment-row-${name}`)).toBeVisible();
    }
    const rows = page.getByTestId('environments-table').locator('tbody tr');
    await expect(rows).toHaveCount(3);
    await expect(rows.nth(0)).toHaveAttribute('data-testid', 'environment-row-dev');
    await expect(rows.nth(1)).toHaveAttribute('data-testid', 'environment-row-qa');
    await expect(rows.nth(2)).toHaveAttribute('data-testid', 'environment-row-prod');
    await expect(page.getByTestId('environment-row-prod').getByTestId('protected-badge')).toBeVisible();
    await expect(page.getByTestId('environment-row-dev').getByTestId('protected-badge')).toHaveCount(0);
    await expect(page.getByTestId('environment-row-qa').getByTestId('protected-badge')).toHaveCount(0);
  });

  const token = await test.step('create a CI token and read it from the page', async () => {
    await page.getByTestId('tab-tokens').click();
    await page.getByTestId('token-create-button').click();
    await page.getByTestId('token-name').fill('gitlab-ci');
    await page.getByTestId('token-submit').click();
    const value = (await page.getByTestId('token-value').textContent())?.trim() ?? '';
    expect(value).toMatch(/^wharf_[A-Za-z0-9]{40}$/);
    await page.getByTestId('token-dismiss').click();
    await expect(page.getByTestId('token-value')).toHaveCount(0);
    await expect(page.getByTestId('token-row-gitlab-ci')).toHaveAttribute('data-prefix', value.slice(0, 12));
    return value;
  });

  const tarball = await test.step('push a real tarball with the CLI', async () => {
    const built = await buildSampleTarball({ version, outDir: workDir });
    const result = await runWharfCli(
      [
        'artifact',
        'push',
        built.path,
        '--project',
        slug,
        '--version',
        version,
        '--ref',
        'main',
        '--commit',
        commit,
        '--message',
        message,
      ],
      { url: wharf.url, token },
    );
    expect(result.code, `wharf artifact push failed:\n${result.stdout}\n${result.stderr}`).toBe(0);
    expect(`${result.stdout}${result.stderr}`).toContain(version);
    // The token never shows up in what a CI job would log.
    expect(`${result.stdout}${result.stderr}`).not.toContain(token);
    return built;
  });

  await test.step('see the version in the Versions tab', async () => {
    await page.getByTestId('tab-versions').click();
    const row = page.getByTestId(`artifact-row-${version}`);
    await expect(row).toBeVisible();
    await expect(row.getByTestId('artifact-version')).toHaveText(version);
    await expect(row).toContainText(tarball.sha256.slice(0, 12));
    await expect(row).toContainText('main');
    await expect(row).toContainText(commit.slice(0, 8));
    await expect(row).toContainText(message);
    await expect(page.getByTestId('artifacts-table').locator('tbody tr')).toHaveCount(1);
    await saveScreenshot(page, 'artifacts-versions-tab');
  });
});
