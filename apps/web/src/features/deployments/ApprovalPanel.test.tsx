import type { DeploymentApprovalView, DeploymentView, MeView, ProjectRole } from '@wharf/shared';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { installFakeApi, json } from '../../test/fake-api';
import { fakeLiveFactory } from '../../test/fake-live';
import { DEPLOYMENT_ID, deploymentView, envStatus, project } from '../../test/fixtures';
import { renderApp } from '../../test/render';

const API = `/api/v1/projects/shop/deployments/${DEPLOYMENT_ID}`;
const requester: MeView = {
  id: '00000000-0000-4000-8000-00000000000a',
  email: 'rita@example.com',
  name: 'Rita Requester',
  isAdmin: false,
  createdAt: '2025-01-01T00:00:00.000Z',
  memberships: [{ projectId: 'p1', projectSlug: 'shop', role: 'maintainer' }],
};
const approver: MeView = { ...requester, id: '00000000-0000-4000-8000-00000000000b', email: 'bob@example.com' };

function waiting(approval: Partial<DeploymentApprovalView> = {}): DeploymentView {
  return deploymentView({
    state: 'awaiting_approval',
    actor: requester.email,
    startedAt: null,
    targets: [],
    approval: {
      required: 2,
      received: 1,
      expiresAt: new Date(Date.now() + 90 * 60_000).toISOString(),
      approvedAt: null,
      requesterUserId: requester.id,
      approverUserIds: [],
      decisions: [
        {
          userId: '00000000-0000-4000-8000-00000000000c',
          user: 'carol@example.com',
          decision: 'approved',
          comment: 'looks fine',
          at: '2025-06-01T12:01:00.000Z',
        },
      ],
      ...approval,
    },
  });
}

function setup(me: MeView, view: DeploymentView, role: ProjectRole = 'maintainer', locale: 'en' | 'zh-CN' = 'en') {
  let current = view;
  const api = installFakeApi({
    'GET /api/v1/auth/me': () => json(me),
    'GET /api/v1/projects/shop': () => json(project(role)),
    'GET /api/v1/projects/shop/environment-status': () => json([envStatus('production')]),
    [`GET ${API}`]: () => json(current),
    [`POST ${API}/approve`]: () => {
      current = { ...waiting({ received: 2, approvedAt: new Date().toISOString() }), state: 'queued' };
      return json(current);
    },
    [`POST ${API}/cancel`]: () => {
      current = { ...current, state: 'cancelled', error: `withdrawn by ${me.email}` };
      return json(current);
    },
  });
  renderApp(`/projects/shop/deployments/${DEPLOYMENT_ID}`, { live: fakeLiveFactory().factory, locale });
  return api;
}

describe('approval panel', () => {
  it('shows the requester no Approve or Reject button, and says why', async () => {
    setup(requester, waiting());
    const panel = await screen.findByTestId('approval-panel');
    expect(within(panel).getByTestId('approval-count')).toHaveTextContent('1 of 2 approvals');
    expect(within(panel).getByTestId('approval-decision')).toHaveTextContent('carol@example.com');
    expect(within(panel).getByTestId('approval-decision')).toHaveTextContent('looks fine');
    expect(within(panel).getByTestId('approval-expiry')).toHaveTextContent(/Expires in 1h 29m/);
    expect(within(panel).getByTestId('approval-blocked')).toHaveAttribute('data-reason', 'requester');
    expect(within(panel).getByTestId('approval-blocked')).toHaveTextContent('You requested this release');
    expect(within(panel).queryByTestId('approval-approve')).not.toBeInTheDocument();
    expect(within(panel).queryByTestId('approval-reject')).not.toBeInTheDocument();
  });

  it('lets another maintainer approve with a comment', async () => {
    const { calls } = setup(approver, waiting());
    await userEvent.type(await screen.findByTestId('approval-comment'), 'ship it');
    await userEvent.click(screen.getByTestId('approval-approve'));
    expect(await screen.findByTestId('approval-count')).toHaveTextContent('2 of 2 approvals');
    expect(calls.filter((c) => c.method === 'POST').map((c) => [c.path, c.body])).toEqual([
      [`${API}/approve`, { comment: 'ship it' }],
    ]);
    expect(screen.queryByTestId('approval-approve')).not.toBeInTheDocument();
  });

  it('asks for a reason before rejecting, and sends nothing without one', async () => {
    const { calls } = setup(approver, waiting());
    await userEvent.click(await screen.findByTestId('approval-reject'));
    expect(screen.getByTestId('approval-comment-missing')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);
  });

  it('hides the buttons from a maintainer who is not among the named approvers', async () => {
    setup(approver, waiting({ approverUserIds: ['00000000-0000-4000-8000-00000000000c'] }));
    expect(await screen.findByTestId('approval-blocked')).toHaveAttribute('data-reason', 'not_approver');
    expect(screen.queryByTestId('approval-approve')).not.toBeInTheDocument();
  });

  it('lets the requester withdraw it (even as a deployer), after asking', async () => {
    const { calls } = setup(requester, waiting(), 'deployer');
    const withdraw = await screen.findByTestId('approval-withdraw');
    expect(withdraw).toHaveTextContent('A withdrawn release is never deployed');
    await userEvent.click(within(withdraw).getByTestId('withdraw-release'));
    expect(withdraw).toHaveTextContent('Withdraw the release of 1.3.0 to production? Nothing is deployed.');
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);
    await userEvent.click(within(withdraw).getByTestId('confirm-yes'));
    await waitFor(() => expect(screen.getByTestId('approval-panel')).toHaveAttribute('data-state', 'cancelled'));
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.path)).toEqual([`${API}/cancel`]);
    expect(screen.queryByTestId('approval-withdraw')).not.toBeInTheDocument();
  });

  it('offers Withdraw to a maintainer who did not ask for it, but not to another deployer', async () => {
    setup(approver, waiting());
    expect(await screen.findByTestId('approval-withdraw')).toBeInTheDocument();
    cleanup();
    setup(approver, waiting(), 'deployer');
    expect(await screen.findByTestId('approval-panel')).toBeInTheDocument();
    expect(screen.queryByTestId('approval-withdraw')).not.toBeInTheDocument();
  });

  it('says Withdraw in Chinese too', async () => {
    setup(requester, waiting(), 'deployer', 'zh-CN');
    expect(await screen.findByTestId('withdraw-release')).toHaveTextContent('撤回');
  });
});
