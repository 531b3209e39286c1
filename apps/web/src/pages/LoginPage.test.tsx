import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { errorResponse, installFakeApi, json } from '../test/fake-api';
import { adminMe } from '../test/fixtures';
import { renderApp } from '../test/render';

async function fillAndSubmit(email: string, password: string) {
  await userEvent.type(await screen.findByTestId('login-email'), email);
  await userEvent.type(screen.getByTestId('login-password'), password);
  await userEvent.click(screen.getByTestId('login-submit'));
}

describe('login', () => {
  it('sends an anonymous visitor to /login, keeping where they were going', async () => {
    installFakeApi({ 'GET /api/v1/auth/me': () => errorResponse(401, 'not signed in') });
    const { router } = renderApp('/projects/shop/versions');
    await screen.findByTestId('login-form');
    expect(router.state.location.pathname).toBe('/login');
    expect(router.state.location.search).toBe(`?next=${encodeURIComponent('/projects/shop/versions')}`);
  });

  it('says "too many attempts" on 429', async () => {
    installFakeApi({
      'GET /api/v1/auth/me': () => errorResponse(401, 'not signed in'),
      'POST /api/v1/auth/login': () => errorResponse(429, 'ThrottlerException: Too Many Requests'),
    });
    renderApp('/login');
    await fillAndSubmit('a@example.com', 'secret');
    expect(await screen.findByTestId('login-error')).toHaveTextContent('Too many failed attempts');
  });

  it('says wrong email or password on 401 and stays on the page', async () => {
    installFakeApi({
      'GET /api/v1/auth/me': () => errorResponse(401, 'not signed in'),
      'POST /api/v1/auth/login': () => errorResponse(401, 'invalid credentials'),
    });
    const { router } = renderApp('/login');
    await fillAndSubmit('a@example.com', 'wrong');
    expect(await screen.findByTestId('login-error')).toHaveTextContent('Wrong email or password.');
    expect(router.state.location.pathname).toBe('/login');
  });

  it('validates the email with the shared schema before sending', async () => {
    const { calls } = installFakeApi({ 'GET /api/v1/auth/me': () => errorResponse(401, 'not signed in') });
    renderApp('/login');
    await fillAndSubmit('not-an-email', 'x');
    expect(await screen.findByTestId('field-error-email')).toHaveTextContent('email is not valid');
    expect(calls.filter((c) => c.path === '/api/v1/auth/login')).toHaveLength(0);
  });

  it('signs in (lower-casing the email) and goes to the requested page', async () => {
    const { calls } = installFakeApi({
      'GET /api/v1/auth/me': () => errorResponse(401, 'not signed in'),
      'POST /api/v1/auth/login': () => json(adminMe),
      'GET /api/v1/projects': () => json([]),
    });
    const { router } = renderApp('/login?next=%2Fprojects');
    await fillAndSubmit('Admin@Example.com', 'correct horse battery');
    await screen.findByTestId('projects-empty');
    expect(router.state.location.pathname).toBe('/projects');
    expect(calls.find((c) => c.path === '/api/v1/auth/login')?.body).toEqual({
      email: 'admin@example.com',
      password: 'correct horse battery',
    });
  });

  it('ignores an off-site ?next= after login', async () => {
    installFakeApi({
      'GET /api/v1/auth/me': () => errorResponse(401, 'not signed in'),
      'POST /api/v1/auth/login': () => json(adminMe),
      'GET /api/v1/projects': () => json([]),
    });
    const { router } = renderApp('/login?next=%2F%2Fevil.example.com');
    await fillAndSubmit('admin@example.com', 'pw');
    await waitFor(() => expect(router.state.location.pathname).toBe('/projects'));
  });

  it('ignores a ?next= that a browser reads as another site (backslash, tab)', async () => {
    for (const next of ['/\\evil.example.com', '/\t/evil.example.com']) {
      installFakeApi({
        'GET /api/v1/auth/me': () => errorResponse(401, 'not signed in'),
        'POST /api/v1/auth/login': () => json(adminMe),
        'GET /api/v1/projects': () => json([]),
      });
      const { router, unmount } = renderApp(`/login?next=${encodeURIComponent(next)}`);
      await fillAndSubmit('admin@example.com', 'pw');
      await waitFor(() => expect(router.state.location.pathname).toBe('/projects'));
      unmount();
    }
  });

  it('sends the user back to login when a later request answers 401', async () => {
    let sessionValid = true;
    installFakeApi({
      'GET /api/v1/auth/me': () => (sessionValid ? json(adminMe) : errorResponse(401, 'expired')),
      'GET /api/v1/projects': () => {
        sessionValid = false;
        return errorResponse(401, 'session expired');
      },
    });
    const { router } = renderApp('/projects');
    await screen.findByTestId('login-form');
    expect(router.state.location.pathname).toBe('/login');
  });

  it('logs out from the header', async () => {
    let signedIn = true;
    const { calls } = installFakeApi({
      'GET /api/v1/auth/me': () => (signedIn ? json(adminMe) : errorResponse(401, 'no')),
      'GET /api/v1/projects': () => json([]),
      'POST /api/v1/auth/logout': () => {
        signedIn = false;
        return new Response(null, { status: 204 });
      },
    });
    const { router } = renderApp('/projects');
    await userEvent.click(await screen.findByTestId('logout-button'));
    await screen.findByTestId('login-form');
    expect(router.state.location.pathname).toBe('/login');
    expect(calls.some((c) => c.method === 'POST' && c.path === '/api/v1/auth/logout')).toBe(true);
  });
});
