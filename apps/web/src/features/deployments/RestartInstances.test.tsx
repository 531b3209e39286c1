import type {
  DeploymentTargetView,
  InstanceStateName,
  RestartInstanceView,
  RollingRestartTargetDetail,
} from '@wharf/shared';
import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { installFakeApi, json } from '../../test/fake-api';
import { fakeLiveFactory } from '../../test/fake-live';
import { adminMe, DEPLOYMENT_ID, deploymentView, envStatus, project } from '../../test/fixtures';
import { renderApp, renderWithProviders } from '../../test/render';
import { RestartInstances } from './RestartInstances';

const at = (s: number) => new Date(Date.UTC(2025, 5, 1, 12, 0, s)).toISOString();

function instance(position: number, state: InstanceStateName, extra: Partial<RestartInstanceView> = {}) {
  return {
    instance: `shop-prod-shop-${position}@127.0.0.1:40${position}0`,
    position,
    state,
    startedAt: null,
    finishedAt: null,
    polls: 0,
    error: null,
    ...extra,
  } satisfies RestartInstanceView;
}

const rowStates = () =>
  screen.getAllByTestId('restart-instance').map((r) => [r.getAttribute('data-instance'), r.getAttribute('data-state')]);

describe('rolling restart instances', () => {
  it('lists the instances in restart order with state, polls, times, duration and errors', () => {
    renderWithProviders(
      <RestartInstances
        targetName="shop"
        active={false}
        detail={{
          kind: 'rolling-restart',
          // Out of order on purpose: the table sorts by position.
          instances: [
            instance(3, 'skipped', { startedAt: at(40), finishedAt: at(41), error: 'restart refused: HTTP 401' }),
            instance(1, 'healthy', { startedAt: at(0), finishedAt: at(12), polls: 3 }),
            instance(2, 'failed', {
              startedAt: at(20),
              finishedAt: at(38),
              polls: 12,
              error: 'not healthy after 12 polls',
            }),
          ],
        }}
      />,
    );
    expect(rowStates()).toEqual([
      ['shop-prod-shop-1@127.0.0.1:4010', 'healthy'],
      ['shop-prod-shop-2@127.0.0.1:4020', 'failed'],
      ['shop-prod-shop-3@127.0.0.1:4030', 'skipped'],
    ]);
    const [first, second, third] = screen.getAllByTestId('restart-instance');
    expect(within(first!).getByTestId('restart-instance-state')).toHaveTextContent('healthy');
    expect(within(first!).getByTestId('restart-instance-state')).toHaveClass('badge-ok');
    expect(within(first!).getByTestId('restart-instance-polls')).toHaveTextContent('3');
    expect(first).toHaveTextContent('12s');
    expect(within(first!).queryByTestId('restart-instance-error')).not.toBeInTheDocument();
    expect(within(second!).getByTestId('restart-instance-state')).toHaveClass('badge-danger');
    expect(within(second!).getByTestId('restart-instance-error')).toHaveTextContent('not healthy after 12 polls');
    expect(within(third!).getByTestId('restart-instance-error')).toHaveTextContent('restart refused: HTTP 401');
    expect(screen.getByTestId('restart-healthy-count')).toHaveTextContent('1 of 3 healthy');
  });

  it('says the instances are being looked up while running, and that none were restarted after', () => {
    const empty: RollingRestartTargetDetail = { kind: 'rolling-restart', instances: [] };
    const { unmount } = renderWithProviders(<RestartInstances targetName="shop" active detail={empty} />);
    expect(screen.getByTestId('restart-instances-empty')).toHaveTextContent('Looking up the instances in Consul');
    expect(screen.queryByTestId('restart-instances-table')).not.toBeInTheDocument();
    unmount();
    renderWithProviders(<RestartInstances targetName="shop" active={false} detail={empty} />, { locale: 'zh-CN' });
    expect(screen.getByTestId('restart-instances-empty')).toHaveTextContent('没有重启任何实例');
  });

  it('updates live on the deployment page as status pushes arrive, one instance healthy after another', async () => {
    const API = `/api/v1/projects/shop/deployments/${DEPLOYMENT_ID}`;
    const target = (instances: RestartInstanceView[], state: DeploymentTargetView['state']): DeploymentTargetView => ({
      targetId: 't-consul',
      targetName: 'shop-consul',
      batch: 1,
      state,
      startedAt: at(0),
      finishedAt: state === 'running' ? null : at(60),
      error: null,
      detail: { kind: 'rolling-restart', instances },
    });
    const step = (states: InstanceStateName[], state: DeploymentTargetView['state'] = 'running') =>
      target(
        states.map((s, i) =>
          instance(i + 1, s, {
            startedAt: s === 'pending' ? null : at(i * 20),
            finishedAt: s === 'healthy' ? at(i * 20 + 10) : null,
            polls: s === 'healthy' ? 2 : 0,
          }),
        ),
        state,
      );
    installFakeApi({
      'GET /api/v1/auth/me': () => json(adminMe),
      'GET /api/v1/projects/shop': () => json(project('maintainer')),
      'GET /api/v1/projects/shop/environment-status': () => json([envStatus('production')]),
      [`GET ${API}`]: () => json(deploymentView({ targets: [step(['restarting', 'pending', 'pending'])] })),
    });
    const live = fakeLiveFactory();
    renderApp(`/projects/shop/deployments/${DEPLOYMENT_ID}`, { live: live.factory });
    await screen.findByTestId('restart-instances-shop-consul');
    expect(rowStates().map(([, s]) => s)).toEqual(['restarting', 'pending', 'pending']);
    const conn = live.latest();
    act(() => conn.serverConnect());

    act(() => conn.sendStatus(deploymentView({ targets: [step(['healthy', 'waiting', 'pending'])] })));
    await waitFor(() => expect(rowStates().map(([, s]) => s)).toEqual(['healthy', 'waiting', 'pending']));
    expect(screen.getByTestId('restart-healthy-count')).toHaveTextContent('1 of 3 healthy');

    act(() =>
      conn.sendStatus(
        deploymentView({
          state: 'succeeded',
          finishedAt: at(60),
          targets: [step(['healthy', 'healthy', 'healthy'], 'succeeded')],
        }),
      ),
    );
    await waitFor(() => expect(screen.getByTestId('restart-healthy-count')).toHaveTextContent('3 of 3 healthy'));
    expect(rowStates().map(([, s]) => s)).toEqual(['healthy', 'healthy', 'healthy']);
  });
});
