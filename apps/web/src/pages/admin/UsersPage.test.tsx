import type { UserView } from '@wharf/shared';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { errorResponse, installFakeApi, json } from '../../test/fake-api';
import { adminMe } from '../../test/fixtures';
import { renderApp } from '../../test/render';

const bob: UserView = {
  id: '00000000-0000-4000-8000-0000000000b0',
  email: 'bob@example.com',
  name: 'Bob',
  isAdmin: false,
  createdAt: '2025-01-03T00:00:00.000Z',
};
const users = [adminMe, bob].map(({ id, email, name, isAdmin, createdAt }) => ({
  id,
  email,
  name,
  isAdmin,
  createdAt,
}));
const RESET = `POST /api/v1/users/${bob.id}/password`;

describe('users page: password reset', () => {
  it('offers a reset for others and "change password" for oneself', async () => {
    installFakeApi({ 'GET /api/v1/auth/me': () => json(adminMe), 'GET /api/v1/users': () => json(users) });
    renderApp('/admin/users');
    expect(await screen.findByTestId('user-reset-bob@example.com')).toBeInTheDocument();
    expect(screen.queryByTestId(`user-reset-${adminMe.email}`)).not.toBeInTheDocument();
    expect(
      within(screen.getByTestId(`user-row-${adminMe.email}`)).getByTestId('user-change-own-password'),
    ).toHaveAttribute('href', '/account/password');
  });

  it('generates a password and shows it once, with the sessions that ended', async () => {
    const { calls } = installFakeApi({
      'GET /api/v1/auth/me': () => json(adminMe),
      'GET /api/v1/users': () => json(users),
      [RESET]: () => json({ generatedPassword: 'Gen3ratedPassw0rdXyz', sessionsRevoked: 2 }),
    });
    renderApp('/admin/users');
    await userEvent.click(await screen.findByTestId('user-reset-bob@example.com'));
    const dialog = await screen.findByTestId('reset-password-dialog');
    await userEvent.click(within(dialog).getByTestId('reset-submit'));
    expect(await screen.findByTestId('reset-generated')).toHaveTextContent('Gen3ratedPassw0rdXyz');
    expect(screen.getByTestId('reset-sessions')).toHaveTextContent('Sessions signed out: 2.');
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({});
    await userEvent.click(screen.getByTestId('reset-done'));
    expect(screen.queryByTestId('reset-password-dialog')).not.toBeInTheDocument();
    expect(screen.queryByText('Gen3ratedPassw0rdXyz')).not.toBeInTheDocument();
  });

  it('sets a chosen password, checked by the shared policy first', async () => {
    const { calls } = installFakeApi({
      'GET /api/v1/auth/me': () => json(adminMe),
      'GET /api/v1/users': () => json(users),
      [RESET]: () => json({ generatedPassword: null, sessionsRevoked: 0 }),
    });
    renderApp('/admin/users');
    await userEvent.click(await screen.findByTestId('user-reset-bob@example.com'));
    await userEvent.click(await screen.findByTestId('reset-mode-choose'));
    await userEvent.type(screen.getByTestId('reset-password-input'), 'short');
    await userEvent.click(screen.getByTestId('reset-submit'));
    expect(await screen.findByTestId('field-error-password')).toHaveTextContent('at least 12 characters');
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
    await userEvent.type(screen.getByTestId('reset-password-input'), ' but now long enough');
    await userEvent.click(screen.getByTestId('reset-submit'));
    expect(await screen.findByTestId('reset-sessions')).toHaveTextContent('Sessions signed out: 0.');
    expect(screen.queryByTestId('reset-generated')).not.toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ password: 'short but now long enough' });
  });

  it('shows the server refusing', async () => {
    installFakeApi({
      'GET /api/v1/auth/me': () => json(adminMe),
      'GET /api/v1/users': () => json(users),
      [RESET]: () => errorResponse(404, 'user not found'),
    });
    renderApp('/admin/users');
    await userEvent.click(await screen.findByTestId('user-reset-bob@example.com'));
    await userEvent.click(await screen.findByTestId('reset-submit'));
    expect(await screen.findByTestId('reset-error')).toHaveTextContent('user not found');
  });
});
