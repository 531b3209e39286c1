import { describe, expect, it } from 'vitest';
import { rolloutStatus } from './rollout-status.js';
import type { WorkloadObject } from './workload-types.js';

const deployment = (status: NonNullable<WorkloadObject['status']>, generation = 2, replicas = 3): WorkloadObject => ({
  metadata: { name: 'web', generation },
  spec: { replicas },
  status,
});

describe('rolloutStatus (kubectl rollout status, ported)', () => {
  it('Deployment: waits for the spec to be observed, then updated, old gone, available; done only then', () => {
    expect(
      rolloutStatus(
        'Deployment',
        deployment({ observedGeneration: 1, updatedReplicas: 3, replicas: 3, availableReplicas: 3 }),
      ),
    ).toEqual({
      done: false,
      message: 'Waiting for deployment spec update to be observed...',
    });
    expect(
      rolloutStatus('Deployment', deployment({ observedGeneration: 2, updatedReplicas: 1, replicas: 4 })).message,
    ).toBe('Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...');
    expect(
      rolloutStatus('Deployment', deployment({ observedGeneration: 2, updatedReplicas: 3, replicas: 4 })).message,
    ).toBe('Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...');
    expect(
      rolloutStatus(
        'Deployment',
        deployment({ observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 2 }),
      ).message,
    ).toBe('Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...');
    expect(
      rolloutStatus(
        'Deployment',
        deployment({ observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 3 }),
      ),
    ).toEqual({
      done: true,
      message: 'deployment "web" successfully rolled out',
    });
  });

  it('Deployment: ProgressDeadlineExceeded is an error, even with counts that look fine', () => {
    const s = rolloutStatus(
      'Deployment',
      deployment({
        observedGeneration: 2,
        updatedReplicas: 3,
        replicas: 3,
        availableReplicas: 3,
        conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
      }),
    );
    expect(s.done).toBe(false);
    expect(s.error).toBe('deployment "web" exceeded its progress deadline');
  });

  it('StatefulSet: ready first, then the partition; OnDelete cannot be watched', () => {
    const sts = (status: NonNullable<WorkloadObject['status']>, partition?: number): WorkloadObject => ({
      metadata: { name: 'db', generation: 5 },
      spec: {
        replicas: 3,
        updateStrategy: { type: 'RollingUpdate', ...(partition === undefined ? {} : { rollingUpdate: { partition } }) },
      },
      status,
    });
    expect(rolloutStatus('StatefulSet', sts({ observedGeneration: 4 })).message).toBe(
      'Waiting for statefulset spec update to be observed...',
    );
    expect(rolloutStatus('StatefulSet', sts({ observedGeneration: 5, readyReplicas: 2 })).message).toBe(
      'Waiting for 1 pods to be ready...',
    );
    expect(
      rolloutStatus('StatefulSet', sts({ observedGeneration: 5, readyReplicas: 3, updatedReplicas: 2 }, 0)).done,
    ).toBe(false);
    expect(
      rolloutStatus('StatefulSet', sts({ observedGeneration: 5, readyReplicas: 3, updatedReplicas: 3 }, 0)).done,
    ).toBe(true);
    expect(
      rolloutStatus(
        'StatefulSet',
        sts({ observedGeneration: 5, readyReplicas: 3, updatedReplicas: 3, currentRevision: 'a', updateRevision: 'b' }),
      ).done,
    ).toBe(false);
    expect(
      rolloutStatus(
        'StatefulSet',
        sts({ observedGeneration: 5, readyReplicas: 3, currentRevision: 'b', updateRevision: 'b', currentReplicas: 3 }),
      ).done,
    ).toBe(true);
    const onDelete = rolloutStatus('StatefulSet', {
      metadata: { generation: 1 },
      spec: { updateStrategy: { type: 'OnDelete' } },
    });
    expect(onDelete.error).toMatch(/only available for RollingUpdate/);
  });

  it('DaemonSet: every scheduled node updated and available', () => {
    const ds = (status: NonNullable<WorkloadObject['status']>): WorkloadObject => ({
      metadata: { name: 'agent', generation: 2 },
      spec: {},
      status,
    });
    expect(
      rolloutStatus('DaemonSet', ds({ observedGeneration: 2, desiredNumberScheduled: 3, updatedNumberScheduled: 2 }))
        .message,
    ).toBe('Waiting for daemon set "agent" rollout to finish: 2 out of 3 new pods have been updated...');
    expect(
      rolloutStatus(
        'DaemonSet',
        ds({ observedGeneration: 2, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2 }),
      ).done,
    ).toBe(false);
    expect(
      rolloutStatus(
        'DaemonSet',
        ds({ observedGeneration: 2, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 }),
      ).done,
    ).toBe(true);
  });
});
