import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { errorResponse, installFakeApi, json } from '../test/fake-api';
import { adminMe } from '../test/fixtures';
import { renderApp } from '../test/render';

const signedIn = { 'GET /api/v1/auth/me': () => json(adminMe), 'GET /api/v1/projects': () => json([]) };

async function fill(current: string, next: string, repeat = next) {
  await userEvent.type(await screen.findByTestId('password-current'), current);
  await userEvent.type(screen.getByTestId('password-new'), next);
  await userEvent.type(screen.getByTestId('password-repeat'), repeat);
  await userEvent.click(screen.getByTestId('password-submit'));
}

describe('change password', () => {
  it('is reached from the header', async () => {
    installFakeApi(signedIn);
    const { router } = renderApp('/projects');
    await userEvent.click(await screen.findByTestId('change-password-link'));
    expect(router.state.location.pathname).toBe('/account/password');
    expect(await screen.findByTestId('password-form')).toBeInTheDocument();
  });

  it('sends the current and new password, then says other sessions were signed out', async () => {
    const { calls } = installFakeApi({
      ...signedIn,
      'POST /api/v1/auth/password': () => new Response(null, { status: 204 }),
    });
    renderApp('/account/password');
    await fill('old password here', 'a new long password');
    expect(await screen.findByTestId('password-changed')).toHaveTextContent('Every other session was signed out');
    expect(calls.find((c) => c.path === '/api/v1/auth/password')?.body).toEqual({
      currentPassword: 'old password here',
      newPassword: 'a new long password',
    });
    expect(screen.getByTestId('password-current')).toHaveValue('');
  });

  it('checks the policy and the repeated password before sending anything', async () => {
    const { calls } = installFakeApi(signedIn);
    renderApp('/account/password');
    await fill('old password here', 'short', 'short');
    expect(await screen.findByTestId('field-error-newPassword')).toHaveTextContent('at least 12 characters');
    await userEvent.clear(screen.getByTestId('password-new'));
    await userEvent.type(screen.getByTestId('password-new'), 'a new long password');
    await userEvent.click(screen.getByTestId('password-submit'));
    expect(await screen.findByTestId('field-error-repeat')).toHaveTextContent('differ');
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });

  it('shows a wrong current password next to its field, and throttling as such', async () => {
    let answer = 400;
    installFakeApi({
      ...signedIn,
      'POST /api/v1/auth/password': () =>
        answer === 400
          ? errorResponse(400, 'current password is wrong', [
              { path: 'currentPassword', message: 'current password is wrong' },
            ])
          : errorResponse(429, 'too many failed sign-in attempts from this address; try again in 15 minutes'),
    });
    renderApp('/account/password');
    await fill('not it at all', 'a new long password');
    expect(await screen.findByTestId('field-error-currentPassword')).toHaveTextContent('current password is wrong');
    answer = 429;
    await userEvent.click(screen.getByTestId('password-submit'));
    await waitFor(() => expect(screen.getByTestId('password-throttled')).toHaveTextContent('Too many failed attempts'));
  });

  it('is translated', async () => {
    installFakeApi(signedIn);
    renderApp('/account/password', { locale: 'zh-CN' });
    expect(await screen.findByTestId('password-submit')).toHaveTextContent('修改密码');
  });
});
