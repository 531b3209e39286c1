import type { KubernetesTargetDetail } from '@wharf/shared';
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { deploymentView } from '../../test/fixtures';
import { renderWithProviders } from '../../test/render';
import { TargetProgress } from './TargetProgress';
import { WorkloadProgress } from './WorkloadProgress';

const OLD = 'registry.example.com/shop/web:1.0.0';
const NEW = 'registry.example.com/shop/web@sha256:' + 'a'.repeat(64);

function detail(extra: Partial<KubernetesTargetDetail> = {}): KubernetesTargetDetail {
  return {
    kind: 'kubernetes',
    workload: 'Deployment/web in shop',
    previousImage: OLD,
    image: NEW,
    replicas: { desired: 3, updated: 2, ready: 1, available: 1 },
    pods: [
      { name: 'web-7c9d-abcde', phase: 'Running', ready: true, reason: null },
      { name: 'web-7c9d-fghij', phase: 'Pending', ready: false, reason: 'ImagePullBackOff' },
      { name: 'web-7c9d-klmno', phase: 'Pending', ready: false, reason: 'ContainerCreating' },
    ],
    ...extra,
  };
}

const count = (key: string) => screen.getByTestId(`workload-${key}`);

describe('WorkloadProgress', () => {
  it('shows the image change and each count against the desired replicas', () => {
    renderWithProviders(<WorkloadProgress detail={detail()} targetName="web" targetState="running" />);
    const box = screen.getByTestId('workload-web');
    expect(box).toHaveAttribute('data-rolled-out', 'false');
    expect(screen.getByTestId('workload-name')).toHaveTextContent('Deployment/web in shop');
    expect(screen.getByTestId('workload-previous-image')).toHaveTextContent(OLD);
    expect(screen.getByTestId('workload-image')).toHaveTextContent(NEW);
    expect(screen.getByTestId('workload-desired')).toHaveTextContent('3 desired');
    expect(count('updated')).toHaveAttribute('data-value', '2');
    expect(count('updated')).toHaveTextContent('2 of 3');
    expect(within(count('ready')).getByRole('progressbar', { name: 'Ready' })).toHaveAttribute('aria-valuenow', '1');
    expect(within(count('available')).getByRole('progressbar')).toHaveAttribute('aria-valuemax', '3');
    expect(screen.queryByText('rolled out')).not.toBeInTheDocument();
  });

  it('lists pods with phase and readiness, and marks reasons that will not fix themselves', () => {
    renderWithProviders(<WorkloadProgress detail={detail()} targetName="web" targetState="running" />);
    const ready = screen.getByTestId('pod-web-7c9d-abcde');
    expect(ready).toHaveAttribute('data-ready', 'true');
    expect(ready).toHaveTextContent('Running');
    const pulling = screen.getByTestId('pod-web-7c9d-fghij');
    expect(pulling).toHaveAttribute('data-phase', 'Pending');
    expect(within(pulling).getByText('ImagePullBackOff')).toHaveClass('badge-danger');
    expect(within(pulling).getByText('not ready')).toBeInTheDocument();
    // Still starting: a warning, not an error.
    expect(within(screen.getByTestId('pod-web-7c9d-klmno')).getByText('ContainerCreating')).toHaveClass('badge-warn');
  });

  it('says when it is rolled out and when the previous image was put back', () => {
    renderWithProviders(
      <WorkloadProgress
        detail={detail({
          image: OLD,
          previousImage: OLD,
          replicas: { desired: 2, updated: 2, ready: 2, available: 2 },
          pods: [],
          restore: { state: 'succeeded', message: `put back ${OLD} after the rollout deadline` },
        })}
        targetName="web"
        targetState="failed"
      />,
    );
    expect(screen.getByTestId('workload-web')).toHaveAttribute('data-rolled-out', 'true');
    expect(screen.getByText('rolled out')).toBeInTheDocument();
    // Same image before and after: no arrow, just the image.
    expect(screen.queryByTestId('workload-previous-image')).not.toBeInTheDocument();
    expect(screen.getByTestId('workload-image')).toHaveTextContent(OLD);
    const restore = screen.getByTestId('workload-restore');
    expect(restore).toHaveAttribute('data-state', 'succeeded');
    expect(restore).toHaveTextContent('Previous image put back and rolled out');
    expect(restore).toHaveTextContent('after the rollout deadline');
    expect(screen.getByTestId('workload-no-pods')).toHaveTextContent('No pods seen yet.');
  });

  it('shows a restore in progress: the image being put back, and the replicas of its own rollout', () => {
    renderWithProviders(
      <WorkloadProgress
        detail={detail({
          previousImage: OLD,
          image: 'registry.example.com/shop/web:broken',
          replicas: { desired: 3, updated: 1, ready: 2, available: 2 },
          pods: [],
          restore: { state: 'running', message: `restoring previous image ${OLD}`, image: OLD },
        })}
        targetName="web"
        targetState="running"
      />,
    );
    const restoring = screen.getByTestId('workload-restoring');
    expect(restoring).toHaveAttribute('role', 'status');
    expect(restoring).toHaveTextContent('Restoring previous image');
    expect(screen.getByTestId('workload-restoring-image')).toHaveTextContent(OLD);
    expect(restoring).toHaveTextContent('the replicas and pods below are the restore’s rollout');
    // The counts shown are the restore's; nothing claims it is over.
    expect(screen.getByTestId('workload-updated')).toHaveAttribute('data-value', '1');
    expect(screen.queryByTestId('workload-restore')).not.toBeInTheDocument();
    expect(screen.getByTestId('workload-web')).toHaveAttribute('data-rolled-out', 'false');
  });

  it('a restore of a restart names the pod template, not an image', () => {
    renderWithProviders(
      <WorkloadProgress
        detail={detail({
          previousImage: OLD,
          image: OLD,
          replicas: null,
          pods: [],
          restore: { state: 'running', message: 'restoring the previous pod template', image: null },
        })}
        targetName="web"
        targetState="running"
      />,
    );
    expect(screen.getByTestId('workload-restoring')).toHaveTextContent('Restoring the previous pod template');
    expect(screen.queryByTestId('workload-restoring-image')).not.toBeInTheDocument();
  });

  it('does not repeat the restore title in its message: only the image put back is added', () => {
    const restored = (message: string) =>
      detail({ image: OLD, previousImage: OLD, restore: { state: 'succeeded', message } });
    const image = renderWithProviders(
      <WorkloadProgress
        detail={restored(`previous image ${OLD} restored and rolled out`)}
        targetName="web"
        targetState="failed"
      />,
    );
    const restore = screen.getByTestId('workload-restore');
    expect(restore).toHaveTextContent(`Previous image put back and rolled out — ${OLD}`);
    expect(restore).not.toHaveTextContent('restored and rolled out');
    image.unmount();
    // Restart mode: the pod template was put back; the title says it all.
    renderWithProviders(
      <WorkloadProgress
        detail={restored('previous pod template restored and rolled out')}
        targetName="web"
        targetState="failed"
      />,
    );
    expect(screen.getByTestId('workload-restore')).toHaveTextContent(/^Previous image put back and rolled out$/);
    expect(screen.queryByTestId('workload-restore-note')).not.toBeInTheDocument();
  });

  it('does not call a running workload rolled out on counts the controller has not caught up with', () => {
    const stale = detail({ replicas: { desired: 3, updated: 3, ready: 3, available: 3 } });
    const running = renderWithProviders(<WorkloadProgress detail={stale} targetName="web" targetState="running" />);
    expect(screen.getByTestId('workload-web')).toHaveAttribute('data-rolled-out', 'false');
    running.unmount();
    renderWithProviders(<WorkloadProgress detail={stale} targetName="web" targetState="succeeded" />);
    expect(screen.getByTestId('workload-web')).toHaveAttribute('data-rolled-out', 'true');
  });

  it('has clear empty states before the first counts arrive', () => {
    renderWithProviders(
      <WorkloadProgress
        detail={detail({ previousImage: null, image: null, replicas: null, pods: [] })}
        targetName="web"
        targetState="running"
      />,
      { locale: 'zh-CN' },
    );
    expect(screen.getByTestId('workload-no-replicas')).toHaveTextContent('尚未读取到副本数。');
    expect(screen.getByTestId('workload-no-pods')).toHaveTextContent('尚未看到 Pod。');
    expect(screen.getByTestId('workload-image')).toHaveTextContent('尚未设置');
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
  });

  it('is rendered under its target on the deployment page, and only for Kubernetes detail', () => {
    const base = deploymentView();
    const targets = base.targets.map((t, i) => (i === 1 ? { ...t, detail: detail() } : t));
    renderWithProviders(<TargetProgress deployment={{ ...base, targets }} />);
    const host = screen.getByTestId(`host-${targets[1]!.targetName}`);
    expect(within(host).getByTestId(`workload-${targets[1]!.targetName}`)).toBeInTheDocument();
    expect(screen.getAllByTestId(/^workload-(web\d)$/)).toHaveLength(1);
  });
});
