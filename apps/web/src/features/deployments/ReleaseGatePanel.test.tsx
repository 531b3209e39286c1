import type { ReleaseCheckView } from '@wharf/shared';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { installFakeApi, json } from '../../test/fake-api';
import { fakeLiveFactory } from '../../test/fake-live';
import {
  adminMe,
  artifactView,
  DEPLOYMENT_ID,
  deploymentView,
  envStatus,
  project,
  viewerMe,
} from '../../test/fixtures';
import { renderApp } from '../../test/render';

const artifact = artifactView('2.0.0');

function check(extra: { promotionMet?: boolean | null; mayOverride?: boolean; frozen?: boolean; approvals?: number }) {
  const c: ReleaseCheckView = {
    environmentId: 'env-production',
    version: '2.0.0',
    promotion: {
      required: extra.promotionMet !== undefined,
      source: extra.promotionMet !== undefined ? { id: 'env-staging', name: 'staging' } : null,
      met: extra.promotionMet ?? null,
      mayOverride: extra.mayOverride ?? false,
    },
    freeze: {
      active: extra.frozen
        ? {
            id: 'w1',
            reason: 'Weekend freeze',
            environmentId: null,
            timeZone: 'Europe/Berlin',
            endsAt: '2026-12-07T08:00:00.000Z',
            endsAtLocal: 'Mon 2026-12-07 09:00 Europe/Berlin',
            autoDeploy: 'wait',
          }
        : null,
      mayOverride: extra.mayOverride ?? false,
    },
    approvals: { required: extra.approvals ?? 0 },
  };
  return c;
}

function setup(role: 'maintainer' | 'deployer', gate: ReleaseCheckView) {
  const api = installFakeApi({
    'GET /api/v1/auth/me': () => json(role === 'maintainer' ? adminMe : viewerMe),
    'GET /api/v1/projects/shop': () => json(project(role)),
    'GET /api/v1/projects/shop/artifacts': () => json({ items: [artifact], nextCursor: null }),
    'GET /api/v1/projects/shop/environment-status': () => json([envStatus('production')]),
    'GET /api/v1/projects/shop/environments/env-production/release-check': () => json(gate),
    'POST /api/v1/projects/shop/deployments': () => json(deploymentView({ state: 'queued' }), 201),
    [`GET /api/v1/projects/shop/deployments/${DEPLOYMENT_ID}`]: () => json(deploymentView({ state: 'queued' })),
  });
  renderApp('/projects/shop/versions', { live: fakeLiveFactory().factory });
  return api;
}

async function openDialog() {
  await userEvent.click(await screen.findByTestId('release-button-2.0.0'));
  const dialog = await screen.findByTestId('release-dialog');
  await within(dialog).findByTestId('release-environment');
  return dialog;
}

describe('release dialog gate panel', () => {
  it('says the promotion rule is met and how many approvals are needed, and releases without overrides', async () => {
    const { calls } = setup('deployer', check({ promotionMet: true, approvals: 2 }));
    const dialog = await openDialog();
    const promotion = await within(dialog).findByTestId('release-gate-promotion');
    expect(promotion).toHaveAttribute('data-met', 'true');
    expect(promotion).toHaveTextContent('2.0.0 succeeded in staging');
    expect(within(dialog).getByTestId('release-gate-approvals')).toHaveTextContent('Needs 2 approval(s)');
    await userEvent.click(within(dialog).getByTestId('release-submit'));
    await screen.findByTestId('deployment-page');
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ environmentId: 'env-production', version: '2.0.0' });
  });

  it('an unmet rule blocks a non-admin, who gets no override field', async () => {
    setup('deployer', check({ promotionMet: false, mayOverride: false }));
    const dialog = await openDialog();
    const promotion = await within(dialog).findByTestId('release-gate-promotion');
    expect(promotion).toHaveTextContent('2.0.0 has not succeeded in staging');
    expect(within(dialog).getByTestId('release-gate-promotion-admin-only')).toBeInTheDocument();
    expect(within(dialog).queryByTestId('release-gate-promotion-reason')).not.toBeInTheDocument();
    expect(within(dialog).getByTestId('release-submit')).toBeDisabled();
  });

  it('an active freeze names the window and its end; a maintainer releases with both override reasons', async () => {
    const { calls } = setup('maintainer', check({ promotionMet: false, mayOverride: true, frozen: true }));
    const dialog = await openDialog();
    expect(await within(dialog).findByTestId('release-gate-freeze')).toHaveTextContent(
      'Frozen: Weekend freeze, until Mon 2026-12-07 09:00 Europe/Berlin',
    );
    const submit = within(dialog).getByTestId('release-submit');
    expect(submit).toBeDisabled();
    await userEvent.type(within(dialog).getByTestId('release-gate-freeze-reason'), 'security fix');
    expect(submit).toBeDisabled(); // the promotion rule still needs its own reason
    await userEvent.type(within(dialog).getByTestId('release-gate-promotion-reason'), 'verified on canary');
    expect(submit).toBeEnabled();
    await userEvent.click(submit);
    await screen.findByTestId('deployment-page');
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      environmentId: 'env-production',
      version: '2.0.0',
      promotionOverrideReason: 'verified on canary',
      freezeOverrideReason: 'security fix',
    });
  });
});
