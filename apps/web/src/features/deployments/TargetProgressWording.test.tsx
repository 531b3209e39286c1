import type { DeploymentTargetView, TargetDetail } from '@wharf/shared';
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { deploymentView } from '../../test/fixtures';
import { renderWithProviders } from '../../test/render';
import { TargetProgress } from './TargetProgress';
import { targetNoun } from './target-noun';

const workload: TargetDetail = {
  kind: 'kubernetes',
  workload: 'Deployment/web in shop',
  previousImage: 'repo/web:1',
  image: 'repo/web:2',
  replicas: null,
  pods: [],
};
const consul: TargetDetail = {
  kind: 'rolling-restart',
  instances: [
    {
      instance: 'shop-1@127.0.0.1:3001',
      position: 1,
      state: 'pending',
      startedAt: null,
      finishedAt: null,
      polls: 0,
      error: null,
    },
  ],
};
const sshHost: TargetDetail = {
  kind: 'rolling-restart',
  instances: [{ ...consul.instances[0]!, instance: 'web1 (10.0.0.5:22)' }],
};

/** The fixture's three targets, the first one carrying `detail`. */
function withDetail(detail: TargetDetail | null): DeploymentTargetView[] {
  return deploymentView().targets.map((t, i) => (i === 0 ? { ...t, detail } : t));
}

describe('target wording by strategy', () => {
  it('words targets by the strategy the API reports: workloads, services, hosts', () => {
    expect(targetNoun('kubernetes-release')).toBe('workloads');
    expect(targetNoun('consul-rolling-restart')).toBe('services');
    expect(targetNoun('ssh-release')).toBe('hosts');
    expect(targetNoun('ssh-rolling-restart')).toBe('hosts');
    expect(targetNoun(null)).toBe('hosts');
  });

  it('says "N of M workloads done" for a Kubernetes release, in en and zh-CN', () => {
    const d = deploymentView({ strategy: 'kubernetes-release', targets: withDetail(workload) });
    const en = renderWithProviders(<TargetProgress deployment={d} />);
    expect(screen.getByTestId('progress-text')).toHaveTextContent('1 of 3 workloads done (33%)');
    en.unmount();
    renderWithProviders(<TargetProgress deployment={d} />, { locale: 'zh-CN' });
    expect(screen.getByTestId('progress-text')).toHaveTextContent('已完成 1/3 个工作负载（33%）');
  });

  it('says workloads before any target reported detail: the strategy, not the detail, decides', () => {
    renderWithProviders(
      <TargetProgress deployment={deploymentView({ strategy: 'kubernetes-release', targets: withDetail(null) })} />,
    );
    expect(screen.getByTestId('progress-text')).toHaveTextContent('1 of 3 workloads done');
  });

  it('says "N of M services done" for a Consul rolling restart, and keeps hosts for SSH', () => {
    const consulRestart = { strategy: 'consul-rolling-restart' as const, targets: withDetail(consul) };
    const c = renderWithProviders(<TargetProgress deployment={deploymentView(consulRestart)} />);
    expect(screen.getByTestId('progress-text')).toHaveTextContent('1 of 3 services done');
    c.unmount();
    const z = renderWithProviders(<TargetProgress deployment={deploymentView(consulRestart)} />, {
      locale: 'zh-CN',
    });
    expect(screen.getByTestId('progress-text')).toHaveTextContent('已完成 1/3 个服务（33%）');
    z.unmount();
    // An SSH rolling restart's detail also has instances: its strategy keeps them hosts.
    renderWithProviders(
      <TargetProgress deployment={deploymentView({ strategy: 'ssh-rolling-restart', targets: withDetail(sshHost) })} />,
    );
    expect(screen.getByTestId('progress-text')).toHaveTextContent('1 of 3 hosts done');
  });
});
