// Issue 6 (accounts), end to end: an admin creates a user and resets their password in the
// dashboard (a generated one, shown once); the user signs in with it and changes it from
// the header; the old passwords stop working. The admin's own password is left alone.
import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures/test.js';

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

async function signOut(page: Page): Promise<void> {
  await page.getByTestId('logout-button').click();
  await expect(page).toHaveURL(/\/login/);
}

test('admin resets a password in the dashboard; the user signs in with it and changes it', async ({
  page,
  wharf,
  saveScreenshot,
}) => {
  const email = `pat-${randomBytes(3).toString('hex')}@example.com`;
  const firstPassword = 'first password 123';
  const ownPassword = 'my own password 456';
  let generated = '';

  await test.step('the admin creates the user and resets their password', async () => {
    await signIn(page, wharf.adminEmail, wharf.adminPassword);
    await expect(page).toHaveURL(/\/projects$/);
    await page.getByTestId('nav-users').click();
    await page.getByTestId('user-create-button').click();
    await page.getByTestId('user-email').fill(email);
    await page.getByTestId('user-name').fill('Pat');
    await page.getByTestId('user-password').fill(firstPassword);
    await page.getByTestId('user-submit').click();
    await page.getByTestId(`user-reset-${email}`).click();
    await page.getByTestId('reset-submit').click();
    generated = (await page.getByTestId('reset-generated').textContent()) ?? '';
    expect(generated).toMatch(/^[0-9A-Za-z]{20}$/);
    await saveScreenshot(page, 'accounts-reset-password');
    await page.getByTestId('reset-done').click();
    await expect(page.getByTestId('reset-password-dialog')).toHaveCount(0);
    await signOut(page);
  });

  await test.step('the first password no longer works; the generated one does', async () => {
    await signIn(page, email, firstPassword);
    await expect(page.getByTestId('login-error')).toHaveText('Wrong email or password.');
    await signIn(page, email, generated);
    await expect(page).toHaveURL(/\/projects$/);
  });

  await test.step('the user changes it from the header', async () => {
    await page.getByTestId('change-password-link').click();
    await expect(page).toHaveURL(/\/account\/password$/);
    await page.getByTestId('password-current').fill(generated);
    await page.getByTestId('password-new').fill(ownPassword);
    await page.getByTestId('password-repeat').fill(ownPassword);
    await page.getByTestId('password-submit').click();
    await expect(page.getByTestId('password-changed')).toBeVisible();
    // This browser got a fresh session and stays signed in.
    await page.getByTestId('nav-projects').click();
    await expect(page).toHaveURL(/\/projects$/);
    await expect(page.getByTestId('current-user')).toHaveText('Pat');
    await saveScreenshot(page, 'accounts-after-change');
    await signOut(page);
  });

  await test.step('only the new password signs in', async () => {
    await signIn(page, email, generated);
    await expect(page.getByTestId('login-error')).toHaveText('Wrong email or password.');
    await signIn(page, email, ownPassword);
    await expect(page).toHaveURL(/\/projects$/);
  });
});
