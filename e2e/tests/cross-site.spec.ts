// Issue 6 (items 1, 2, 4) in a real browser. A page on another port of the same host is
// same-site, so Chromium sends it the admin's SameSite=Lax session cookie: it tries a
// text/plain form post, no-cors fetches, a live-log WebSocket and framing the dashboard, and
// Wharf refuses each. Wharf's own dashboard and API docs work under its CSP.
import { createServer, type Server } from 'node:http';
import { freePort } from '@wharf/test-hosts';
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures/test.js';

function cspViolations(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect|frame)/i.test(m.text())) seen.push(m.text());
  });
  return seen;
}

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/projects$/);
}

/** Serves one HTML page on another port of 127.0.0.1: the attacker's site. */
async function attackerSite(html: string): Promise<{ url: string; close: () => Promise<void> }> {
  const port = await freePort('127.0.0.1');
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

test('a page on another port of the same host cannot act for a signed-in admin', async ({ page, wharf }) => {
  await signIn(page, wharf.adminEmail, wharf.adminPassword);
  const wsUrl = wharf.url.replace(/^http/, 'ws');
  const site = await attackerSite(`<!doctype html>
<form id="form" method="POST" enctype="text/plain" action="${wharf.url}/api/v1/projects">
  <input name='{"slug":"csrf-form","name":"pwned","pad":"' value='"}'>
</form>
<iframe id="frame" src="${wharf.url}/projects"></iframe>
<script>
  window.results = {};
  const json = JSON.stringify({ slug: 'csrf-fetch', name: 'pwned' });
  // Simple requests: no preflight, the cookie goes along. The page never sees the answer
  // (Cross-Origin-Resource-Policy: same-origin turns it into a network error here).
  fetch('${wharf.url}/api/v1/projects', { method: 'POST', mode: 'no-cors', credentials: 'include', body: json })
    .finally(() => (results.textPlain = 'settled'));
  fetch('${wharf.url}/api/v1/projects', {
    method: 'POST', mode: 'no-cors', credentials: 'include', body: new Blob([json.replace('csrf-fetch', 'csrf-blob')]),
  }).finally(() => (results.noType = 'settled'));
  // Needs no body at all: before the fix this signed the admin out.
  fetch('${wharf.url}/api/v1/auth/logout', { method: 'POST', mode: 'no-cors', credentials: 'include' })
    .finally(() => (results.logout = 'settled'));
  const ws = new WebSocket('${wsUrl}/socket.io/?EIO=4&transport=websocket');
  ws.onopen = () => (results.ws = 'open');
  ws.onmessage = (e) => (results.wsMessage = String(e.data));
  ws.onclose = (e) => (results.wsClosed = e.code);
</script>`);
  try {
    const attacker = await page.context().newPage();
    const blocked: string[] = [];
    attacker.on('console', (m) => blocked.push(m.text()));
    await attacker.goto(site.url);
    await expect
      .poll(() => attacker.evaluate(() => (window as unknown as { results: Record<string, unknown> }).results))
      .toMatchObject({ textPlain: 'settled', noType: 'settled', logout: 'settled', wsClosed: expect.any(Number) });
    const results = await attacker.evaluate(() => (window as unknown as { results: Record<string, unknown> }).results);
    // The live-log socket never opened (the handshake was refused with 403).
    expect(results.ws).toBeUndefined();
    expect(results.wsMessage).toBeUndefined();
    // The dashboard refused to be framed.
    await expect.poll(() => blocked.some((t) => t.includes("frame-ancestors 'none'"))).toBe(true);

    // The form post navigates the tab to Wharf's answer: the refusal.
    await Promise.all([
      attacker.waitForURL(`${wharf.url}/api/v1/projects`),
      attacker.evaluate(() => (document.getElementById('form') as HTMLFormElement).submit()),
    ]);
    await expect(attacker.locator('body')).toContainText('cross-site request refused');

    // Nothing was created, and the admin is still signed in.
    const projects = (await (await page.request.get(`${wharf.url}/api/v1/projects`)).json()) as { slug: string }[];
    expect(projects.map((p) => p.slug).filter((s) => s.startsWith('csrf-'))).toEqual([]);
    await page.reload();
    await expect(page.getByTestId('current-user')).toBeVisible();
  } finally {
    await site.close();
  }
});

test('the dashboard and the API docs work under Wharf’s Content-Security-Policy', async ({ page, wharf }) => {
  const violations = cspViolations(page);
  await signIn(page, wharf.adminEmail, wharf.adminPassword);
  // A state-changing request from the dashboard itself (JSON, same origin) still works.
  const slug = `csp-${Date.now().toString(36)}`;
  await page.getByTestId('project-create-button').click();
  await page.getByTestId('project-slug').fill(slug);
  await page.getByTestId('project-name').fill('CSP check');
  await page.getByTestId('project-submit').click();
  await expect(page).toHaveURL(new RegExp(`/projects/${slug}$`));
  await expect(page.getByTestId('project-title')).toHaveText('CSP check');

  await page.goto('/api/docs');
  await expect(page.locator('.opblock').first()).toBeVisible();
  expect(await page.locator('.opblock').count()).toBeGreaterThan(20);
  expect(violations).toEqual([]);
});
