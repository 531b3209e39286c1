import type { DeploymentView } from '@wharf/shared';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { errorResponse, installFakeApi, json, type Handler } from '../../test/fake-api';
import { fakeLiveFactory, line, lines } from '../../test/fake-live';
import { adminMe, DEPLOYMENT_ID, deploymentView, envStatus, project, viewerMe } from '../../test/fixtures';
import { renderApp } from '../../test/render';

const PATH = `/projects/shop/deployments/${DEPLOYMENT_ID}`;
const API = `/api/v1/projects/shop/deployments/${DEPLOYMENT_ID}`;
const statuses = [
  envStatus('production', {
    protected: true,
    current: { version: '1.2.0', deploymentId: 'd-old', finishedAt: '2025-05-30T11:00:00.000Z', actor: 'ada' },
  }),
];

function setup(
  view: DeploymentView | (() => DeploymentView),
  opts: { role?: 'maintainer' | 'deployer' | 'viewer'; routes?: Record<string, Handler> } = {},
) {
  const role = opts.role ?? 'maintainer';
  const api = installFakeApi({
    'GET /api/v1/auth/me': () => json(role === 'maintainer' ? adminMe : viewerMe),
    'GET /api/v1/projects/shop': () => json(project(role)),
    'GET /api/v1/projects/shop/environment-status': () => json(statuses),
    [`GET ${API}`]: () => json(typeof view === 'function' ? view() : view),
    ...opts.routes,
  });
  const live = fakeLiveFactory();
  const rendered = renderApp(PATH, { live: live.factory });
  return { ...api, ...rendered, live };
}

const logSeqs = () => screen.queryAllByTestId('log-line').map((el) => Number(el.getAttribute('data-seq')));

describe('deployment page', () => {
  it('shows a running deployment: state, versions, who, hosts grouped by batch, and Cancel', async () => {
    setup(deploymentView());
    expect(await screen.findByTestId('deployment-state')).toHaveTextContent(/^running$/);
    expect(screen.getByTestId('deployment-from')).toHaveTextContent('1.2.0');
    expect(screen.getByTestId('deployment-to')).toHaveTextContent('1.3.0');
    expect(screen.getByTestId('deployment-trigger')).toHaveTextContent('manual');
    expect(screen.getByTestId('deployment-actor')).toHaveTextContent('ada@example.com');
    expect(within(screen.getByTestId('batch-1')).getByTestId('host-web1')).toHaveAttribute('data-state', 'succeeded');
    expect(within(screen.getByTestId('batch-2')).getByTestId('host-web2')).toHaveAttribute('data-state', 'running');
    expect(within(screen.getByTestId('batch-0')).getByTestId('host-web3')).toHaveTextContent('pending');
    expect(screen.getByTestId('batch-0')).toHaveTextContent('Not in a batch yet');
    expect(screen.getByTestId('progress-text')).toHaveTextContent('1 of 3 hosts done');
    expect(screen.getByTestId('cancel-deployment')).toBeEnabled();
    expect(screen.queryByTestId('retry-deployment')).not.toBeInTheDocument();
    expect(screen.getByTestId('rollback-production')).toBeInTheDocument();
    expect(screen.getByTestId('download-log')).toHaveAttribute('href', `${API}/logs/download`);
  });

  it('titles the targets by strategy: workloads for a Kubernetes release', async () => {
    const base = deploymentView();
    const targets = base.targets.map((t, i) =>
      i === 0
        ? {
            ...t,
            detail: {
              kind: 'kubernetes' as const,
              workload: 'Deployment/web in shop',
              previousImage: null,
              image: null,
              replicas: null,
              pods: [],
            },
          }
        : t,
    );
    setup({ ...base, strategy: 'kubernetes-release', targets });
    expect(await screen.findByRole('heading', { name: 'Workloads' })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Hosts' })).not.toBeInTheDocument();
    expect(screen.getByTestId('progress-text')).toHaveTextContent('1 of 3 workloads done');
  });

  it('shows a failed deployment with host errors, and retries the failed hosts after the typed name', async () => {
    const failed = deploymentView({
      state: 'failed',
      finishedAt: '2025-06-01T12:01:00.000Z',
      error: 'batch 2 failed on 1 target(s)',
      targets: [
        {
          targetId: 't-web1',
          targetName: 'web1',
          batch: 1,
          state: 'succeeded',
          startedAt: null,
          finishedAt: null,
          error: null,
          detail: null,
        },
        {
          targetId: 't-web2',
          targetName: 'web2',
          batch: 2,
          state: 'failed',
          startedAt: null,
          finishedAt: null,
          error: 'health check failed: HTTP 502 after 15 attempts',
          detail: null,
        },
        {
          targetId: 't-web3',
          targetName: 'web3',
          batch: 3,
          state: 'skipped',
          startedAt: null,
          finishedAt: null,
          error: null,
          detail: null,
        },
      ],
    });
    const retryId = '9d9a3c1e-5b7f-4c2a-9e61-3f0b8d2a7c99';
    const { calls, router, live } = setup(failed, {
      routes: {
        [`POST ${API}/retry`]: () =>
          json(deploymentView({ id: retryId, state: 'queued', retryOfId: DEPLOYMENT_ID }), 201),
        [`GET /api/v1/projects/shop/deployments/${retryId}`]: () =>
          json(deploymentView({ id: retryId, state: 'queued', retryOfId: DEPLOYMENT_ID })),
      },
    });
    expect(await screen.findByTestId('deployment-state')).toHaveTextContent(/^failed$/);
    expect(screen.getByTestId('deployment-error')).toHaveTextContent('batch 2 failed on 1 target(s)');
    expect(within(screen.getByTestId('host-web2')).getByTestId('host-error')).toHaveTextContent(
      'HTTP 502 after 15 attempts',
    );
    expect(screen.queryByTestId('cancel-deployment')).not.toBeInTheDocument();

    await userEvent.click(screen.getByTestId('retry-deployment'));
    const dialog = await screen.findByTestId('retry-dialog');
    expect(within(dialog).getByTestId('retry-hosts')).toHaveTextContent('web2');
    expect(within(dialog).getByTestId('retry-hosts')).toHaveTextContent('web3');
    expect(within(dialog).getByTestId('retry-hosts')).not.toHaveTextContent('web1');
    expect(within(dialog).getByTestId('retry-submit')).toBeDisabled(); // production is protected
    await userEvent.click(within(dialog).getByTestId('retry-confirm-input'));
    await userEvent.paste('production');
    await userEvent.click(within(dialog).getByTestId('retry-submit'));
    await waitFor(() => expect(router.state.location.pathname).toBe(`/projects/shop/deployments/${retryId}`));
    expect(calls.find((c) => c.path.endsWith('/retry'))?.body).toEqual({ confirm: 'production' });
    // A fresh page for the new deployment: its own log and live subscription, from seq 0.
    await screen.findByTestId('deployment-queued');
    const first = live.opened[0]!;
    // The old page's socket closes in an effect cleanup, which may land a tick later.
    await waitFor(() => expect(first.closed).toBe(true));
    const conn = live.latest();
    expect(conn).not.toBe(first);
    act(() => conn.serverConnect());
    expect(conn.subscriptions).toEqual([{ deploymentId: retryId, afterSeq: 0 }]);
  });

  it('gives viewers no actions', async () => {
    setup(deploymentView(), { role: 'viewer' });
    await screen.findByTestId('deployment-state');
    expect(screen.queryByTestId('cancel-deployment')).not.toBeInTheDocument();
    expect(screen.queryByTestId('retry-deployment')).not.toBeInTheDocument();
    expect(screen.queryByTestId('rollback-production')).not.toBeInTheDocument();
  });

  it('offers a deployer no cancel on a protected environment, as the API refuses it', async () => {
    setup(deploymentView(), { role: 'deployer' });
    await screen.findByText('Protected'); // the environment's status has loaded
    expect(screen.queryByTestId('cancel-deployment')).not.toBeInTheDocument();
  });

  it('offers a deployer no retry of a failed release on a protected environment', async () => {
    setup(deploymentView({ state: 'failed', finishedAt: '2025-06-01T12:01:00.000Z' }), { role: 'deployer' });
    await screen.findByText('Protected');
    expect(screen.getByTestId('deployment-state')).toHaveTextContent(/^failed$/);
    expect(screen.queryByTestId('retry-deployment')).not.toBeInTheDocument();
  });

  it('lets a deployer cancel on an unprotected environment', async () => {
    setup(deploymentView(), {
      role: 'deployer',
      routes: {
        'GET /api/v1/projects/shop/environment-status': () => json([envStatus('production', { protected: false })]),
      },
    });
    expect(await screen.findByTestId('cancel-deployment')).toBeEnabled();
  });

  it('cancels a running deployment', async () => {
    const { calls } = setup(deploymentView(), {
      routes: { [`POST ${API}/cancel`]: () => json(deploymentView({ cancelRequested: true })) },
    });
    await userEvent.click(await screen.findByTestId('cancel-deployment'));
    await waitFor(() => expect(screen.getByTestId('cancel-deployment')).toBeDisabled());
    expect(screen.getByTestId('cancel-deployment')).toHaveTextContent('Cancelling');
    expect(screen.getByTestId('deployment-cancel-requested')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.path)).toEqual([`${API}/cancel`]);
  });

  it('says so when the deployment does not exist', async () => {
    installFakeApi({
      'GET /api/v1/auth/me': () => json(adminMe),
      'GET /api/v1/projects/shop': () => json(project('maintainer')),
      'GET /api/v1/projects/shop/environment-status': () => json([]),
      [`GET ${API}`]: () => errorResponse(404, 'deployment not found'),
    });
    renderApp(PATH, { live: fakeLiveFactory().factory });
    expect(await screen.findByTestId('deployment-not-found')).toBeInTheDocument();
  });
});

describe('deployment page: live log', () => {
  it('subscribes, renders lines with target names and streams, and updates the state from status pushes', async () => {
    const { live } = setup(deploymentView());
    await screen.findByTestId('deployment-state');
    const conn = live.latest();
    act(() => conn.serverConnect());
    expect(conn.subscriptions.at(-1)).toEqual({ deploymentId: DEPLOYMENT_ID, afterSeq: 0 });
    expect(screen.getByTestId('live-state')).toHaveAttribute('data-state', 'live');
    act(() =>
      conn.sendLines(DEPLOYMENT_ID, [
        line(1, 'deploying 1.3.0 to 3 target(s)', { stream: 'system' }),
        line(2, '\x1b[32madded 12 packages\x1b[0m', { targetId: 't-web1' }),
        line(3, '<script>alert(1)</script> see https://example.com', { targetId: 't-web2', stream: 'stderr' }),
      ]),
    );
    const rows = await screen.findAllByTestId('log-line');
    expect(rows.map((r) => r.getAttribute('data-seq'))).toEqual(['1', '2', '3']);
    expect(rows[0]).toHaveClass('log-system');
    expect(rows[1]).toHaveTextContent('web1');
    expect(rows[1]!.querySelector('.ansi-fg-green')).toHaveTextContent('added 12 packages');
    expect(rows[2]).toHaveClass('log-stderr');
    expect(rows[2]).toHaveTextContent('web2');
    expect(rows[2]).toHaveTextContent('<script>alert(1)</script> see https://example.com');
    expect(screen.getByTestId('deployment-log').querySelector('script, a')).toBeNull();

    act(() => conn.sendStatus(deploymentView({ state: 'succeeded', finishedAt: '2025-06-01T12:02:00.000Z' })));
    await waitFor(() => expect(screen.getByTestId('deployment-state')).toHaveTextContent(/^succeeded$/));
    expect(screen.queryByTestId('cancel-deployment')).not.toBeInTheDocument();
    expect(screen.getByTestId('live-state')).toHaveTextContent('Complete');
  });

  it('after a reconnect resubscribes from the last seq, refetches the deployment, and shows no line twice', async () => {
    const { live, calls } = setup(deploymentView());
    await screen.findByTestId('deployment-state');
    const conn = live.latest();
    act(() => conn.serverConnect());
    act(() => conn.sendLines(DEPLOYMENT_ID, lines(1, 20)));
    act(() => conn.serverDrop());
    expect(screen.getByTestId('live-state')).toHaveAttribute('data-state', 'reconnecting');
    const fetchesBefore = calls.filter((c) => c.path === API).length;
    act(() => conn.serverConnect());
    expect(conn.subscriptions.at(-1)).toEqual({ deploymentId: DEPLOYMENT_ID, afterSeq: 20 });
    await waitFor(() => expect(calls.filter((c) => c.path === API).length).toBe(fetchesBefore + 1));
    act(() => conn.sendLines(DEPLOYMENT_ID, lines(15, 25)));
    await waitFor(() => expect(logSeqs()).toEqual(Array.from({ length: 25 }, (_, i) => i + 1)));
    expect(screen.getByTestId('log-line-count')).toHaveTextContent('25 lines');
  });

  it('filters and highlights with the search box, and toggles following', async () => {
    const { live } = setup(deploymentView());
    await screen.findByTestId('deployment-state');
    const conn = live.latest();
    act(() => conn.serverConnect());
    act(() =>
      conn.sendLines(DEPLOYMENT_ID, [
        line(1, 'npm install'),
        line(2, '\x1b[31mERR!\x1b[0m failed'),
        line(3, 'health ok'),
        line(4, 'err again'),
      ]),
    );
    await userEvent.type(screen.getByTestId('log-search'), 'err');
    await waitFor(() => expect(logSeqs()).toEqual([2, 4]));
    expect(screen.getByTestId('log-match-count')).toHaveTextContent('2 matching lines');
    const marks = screen.getByTestId('deployment-log').querySelectorAll('mark');
    expect([...marks].map((m) => m.textContent)).toEqual(['ERR', 'err']);
    expect(marks[0]).toHaveClass('ansi-fg-red');
    await userEvent.clear(screen.getByTestId('log-search'));
    await userEvent.type(screen.getByTestId('log-search'), 'nothing-like-this');
    expect(await screen.findByTestId('log-empty')).toHaveTextContent('No lines match');

    const follow = screen.getByTestId('follow-toggle');
    expect(follow).toHaveAttribute('aria-pressed', 'true');
    await userEvent.click(follow);
    expect(follow).toHaveAttribute('aria-pressed', 'false');
    expect(follow).toHaveTextContent('Paused');
  });

  it('keeps the DOM small for a 100k-line log and shows its end while following', async () => {
    const { live } = setup(deploymentView());
    await screen.findByTestId('deployment-state');
    const conn = live.latest();
    act(() => conn.serverConnect());
    act(() => {
      for (let from = 1; from <= 100_000; from += 5000) conn.sendLines(DEPLOYMENT_ID, lines(from, from + 4999));
    });
    const seqs = logSeqs();
    expect(seqs.length).toBeGreaterThan(20);
    expect(seqs.length).toBeLessThanOrEqual(500);
    expect(seqs.at(-1)).toBe(100_000);
    expect(screen.getByTestId('log-line-count')).toHaveTextContent('100000 lines');
  });

  it('shows a refused connection and reconnects on request', async () => {
    const { live } = setup(deploymentView());
    await screen.findByTestId('deployment-state');
    const conn = live.latest();
    act(() => conn.serverRefuse('sign in required'));
    expect(screen.getByTestId('live-state')).toHaveTextContent('sign in required');
    await userEvent.click(screen.getByTestId('live-retry'));
    expect(conn.reconnectCalls).toBe(1);
  });

  it('closes its connection when leaving the page', async () => {
    const { live, unmount } = setup(deploymentView());
    await screen.findByTestId('deployment-state');
    const conn = live.latest();
    act(() => conn.serverConnect());
    unmount();
    expect(conn.closed).toBe(true);
    expect(conn.unsubscriptions).toEqual([DEPLOYMENT_ID]);
  });
});
