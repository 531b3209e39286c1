// The detail sender's throttle, on a fake clock: at most one detail per interval, changes in
// between coalesced into the next, the final state always sent, nothing after close.
import type { KubernetesTargetDetail } from '@wharf/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { podView, RolloutDetail } from './rollout-detail.js';
import type { PodObject, WorkloadObject } from './workload-types.js';

const deployment = (updated: number, ready: number): WorkloadObject => ({
  metadata: { name: 'web', generation: 2 },
  spec: { replicas: 3 },
  status: {
    observedGeneration: 2,
    replicas: 3,
    updatedReplicas: updated,
    readyReplicas: ready,
    availableReplicas: ready,
  },
});

const pod = (name: string, extra: Partial<PodObject['status']> = {}, deleting = false): PodObject => ({
  metadata: { name, ...(deleting ? { deletionTimestamp: '2026-12-01T00:00:00Z' } : {}) },
  status: { phase: 'Pending', ...extra },
});

describe('RolloutDetail', () => {
  let sent: KubernetesTargetDetail[];
  let detail: RolloutDetail;

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    detail = new RolloutDetail('Deployment', 'Deployment/web in shop', (d) => sent.push(structuredClone(d)), 250);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the first change at once, coalesces the next ones into one send per interval', () => {
    detail.images('repo/web:v1', 'repo/web:v2');
    expect(sent).toHaveLength(1);
    for (let i = 0; i <= 3; i++) detail.workload(deployment(i, i));
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(249);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual({
      kind: 'kubernetes',
      workload: 'Deployment/web in shop',
      previousImage: 'repo/web:v1',
      image: 'repo/web:v2',
      replicas: { desired: 3, updated: 3, ready: 3, available: 3 },
      pods: [],
    });
    // 100 changes within a second: at most 4 sends.
    for (let i = 0; i < 100; i++) {
      detail.pod('ADDED', pod(`web-${i}`));
      vi.advanceTimersByTime(10);
    }
    expect(sent.length - 2).toBeLessThanOrEqual(4);
    expect(sent.length - 2).toBeGreaterThanOrEqual(3);
  });

  it('close sends the pending state at once, and nothing after it', () => {
    detail.workload(deployment(0, 0));
    detail.workload(deployment(1, 0));
    detail.restore({ state: 'succeeded', message: 'previous image restored and rolled out' });
    expect(sent).toHaveLength(1);
    detail.close();
    expect(sent).toHaveLength(2);
    expect(sent[1]!.restore).toEqual({
      state: 'succeeded',
      message: 'previous image restored and rolled out',
      image: null,
    });
    detail.pod('ADDED', pod('late'));
    vi.advanceTimersByTime(1000);
    expect(sent).toHaveLength(2);
  });

  it('a restore is shown while it runs: its image, then its own rollout’s counts, then how it ended', () => {
    detail.images('repo/web:v1', 'repo/web:bad');
    detail.workload(deployment(1, 0));
    vi.advanceTimersByTime(250);
    detail.restoreStarted('repo/web:v1');
    vi.advanceTimersByTime(250);
    const started = sent[sent.length - 1]!;
    expect(started.restore).toEqual({
      state: 'running',
      message: 'restoring previous image repo/web:v1',
      image: 'repo/web:v1',
    });
    // The failed rollout's counts are not the restore's: none until the restore's are observed.
    expect(started.replicas).toBeNull();
    detail.workload(deployment(2, 1));
    vi.advanceTimersByTime(250);
    expect(sent[sent.length - 1]).toMatchObject({
      restore: { state: 'running' },
      replicas: { desired: 3, updated: 2, ready: 1, available: 1 },
    });
    detail.restore({ state: 'succeeded', message: 'previous image repo/web:v1 restored and rolled out' });
    detail.close();
    expect(sent[sent.length - 1]!.restore).toEqual({
      state: 'succeeded',
      message: 'previous image repo/web:v1 restored and rolled out',
      image: 'repo/web:v1',
    });
  });

  it('sends nothing when what the page shows did not change', () => {
    detail.workload(deployment(1, 1));
    vi.advanceTimersByTime(1000);
    detail.workload(deployment(1, 1));
    vi.advanceTimersByTime(1000);
    detail.close();
    expect(sent).toHaveLength(1);
  });

  it('a list replaces the pods; a deleted pod goes away', () => {
    detail.podsListed([pod('a'), pod('b')]);
    detail.pod('DELETED', pod('a'));
    detail.pod('MODIFIED', pod('c'));
    detail.close();
    expect(sent[sent.length - 1]!.pods.map((p) => p.name)).toEqual(['b', 'c']);
    detail = new RolloutDetail('Deployment', 'x', (d) => sent.push(d), 250);
    detail.podsListed([pod('d')]);
    detail.close();
    expect(sent[sent.length - 1]!.pods.map((p) => p.name)).toEqual(['d']);
  });

  it('leaves an old pod still terminating out of the final picture, but shows it while the rollout runs', () => {
    const running = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
    detail.podsListed([pod('web-old', running), pod('web-new', running)]);
    detail.pod('MODIFIED', pod('web-old', running, true));
    vi.advanceTimersByTime(250);
    expect(sent[sent.length - 1]!.pods.map((p) => [p.name, p.reason])).toEqual([
      ['web-new', null],
      ['web-old', 'Terminating'],
    ]);
    detail.close();
    expect(sent[sent.length - 1]!.pods.map((p) => p.name)).toEqual(['web-new']);
  });

  it('drops the counts until the controller observes the change', () => {
    detail.begin('repo/web:v1', deployment(3, 3));
    expect(sent[0]!.replicas).toEqual({ desired: 3, updated: 3, ready: 3, available: 3 });
    detail.awaitingObservation();
    detail.close();
    expect(sent[sent.length - 1]!.replicas).toBeNull();
  });
});

describe('podView', () => {
  it('names the reason a pod waits, is not scheduled, or goes away', () => {
    expect(
      podView(
        pod('w', {
          phase: 'Running',
          containerStatuses: [{ name: 'app', state: { waiting: { reason: 'CrashLoopBackOff' } }, restartCount: 2 }],
        }),
      ),
    ).toEqual({ name: 'w', phase: 'Running', ready: false, reason: 'CrashLoopBackOff' });
    expect(
      podView(pod('u', { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] })),
    ).toEqual({ name: 'u', phase: 'Pending', ready: false, reason: 'Unschedulable' });
    expect(podView(pod('t', { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] }, true))).toEqual({
      name: 't',
      phase: 'Running',
      ready: true,
      reason: 'Terminating',
    });
    expect(podView(pod('r', { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] }))).toEqual({
      name: 'r',
      phase: 'Running',
      ready: true,
      reason: null,
    });
  });
});
