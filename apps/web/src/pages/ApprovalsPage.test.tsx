import type { DeploymentView, MeView } from '@wharf/shared';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { installFakeApi, json } from '../test/fake-api';
import { deploymentView } from '../test/fixtures';
import { renderApp } from '../test/render';

const me: MeView = {
  id: '00000000-0000-4000-8000-00000000000a',
  email: 'rita@example.com',
  name: 'Rita',
  isAdmin: false,
  createdAt: '2025-01-01T00:00:00.000Z',
  memberships: [
    { projectId: 'p1', projectSlug: 'shop', role: 'deployer' },
    { projectId: 'p2', projectSlug: 'blog', role: 'maintainer' },
  ],
};

function waiting(id: string, projectSlug: string, requesterUserId: string, actor: string): DeploymentView {
  return deploymentView({
    id,
    projectSlug,
    state: 'awaiting_approval',
    actor,
    startedAt: null,
    targets: [],
    approval: {
      required: 1,
      received: 0,
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      approvedAt: null,
      requesterUserId,
      approverUserIds: ['00000000-0000-4000-8000-00000000000a'],
      decisions: [],
    },
  });
}

const MINE = '00000000-0000-4000-8000-0000000000d1';
const SHOP_OTHER = '00000000-0000-4000-8000-0000000000d2';
const BLOG_OTHER = '00000000-0000-4000-8000-0000000000d3';
const bob = '00000000-0000-4000-8000-00000000000b';

describe('Approvals page', () => {
  it('lists my own waiting releases with Withdraw, and offers Withdraw on others only where I maintain', async () => {
    let mine = [waiting(MINE, 'shop', me.id, me.email)];
    const { calls } = installFakeApi({
      'GET /api/v1/auth/me': () => json(me),
      'GET /api/v1/approvals': () =>
        json([
          waiting(SHOP_OTHER, 'shop', bob, 'bob@example.com'),
          waiting(BLOG_OTHER, 'blog', bob, 'bob@example.com'),
        ]),
      'GET /api/v1/approvals/requested': () => json(mine),
      [`POST /api/v1/projects/shop/deployments/${MINE}/cancel`]: () => {
        const view = { ...mine[0]!, state: 'cancelled' as const };
        mine = [];
        return json(view);
      },
    });
    renderApp('/approvals');

    // Waiting for me: a named approver in shop (a deployer there) cannot withdraw Bob's
    // release; in blog, where I am a maintainer, I can.
    const rows = await screen.findAllByTestId('approvals-row');
    const rowOf = (id: string) => rows.find((r) => r.getAttribute('data-deployment-id') === id)!;
    expect(within(rowOf(SHOP_OTHER)).queryByTestId('withdraw-release')).not.toBeInTheDocument();
    expect(within(rowOf(BLOG_OTHER)).getByTestId('withdraw-release')).toHaveTextContent('Withdraw');

    const mineSection = await screen.findByTestId('approvals-mine-table');
    const row = within(mineSection).getByTestId('approvals-mine-row');
    expect(row).toHaveAttribute('data-deployment-id', MINE);
    await userEvent.click(within(row).getByTestId('withdraw-release'));
    await userEvent.click(within(row).getByTestId('confirm-yes'));
    expect(await screen.findByTestId('approvals-mine-empty')).toHaveTextContent(
      'None of your releases waits for approval.',
    );
    await waitFor(() =>
      expect(calls.filter((c) => c.method === 'POST').map((c) => c.path)).toEqual([
        `/api/v1/projects/shop/deployments/${MINE}/cancel`,
      ]),
    );
  });
});
