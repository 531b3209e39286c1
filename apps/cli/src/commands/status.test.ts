import type { DeploymentView, EnvironmentStatusView } from '@wharf/shared';
import { describe, expect, it } from 'vitest';
import { buildStatus, renderStatus } from './status.js';

const env = (name: string, id: string, current: string | null, isProtected = false): EnvironmentStatusView => ({
  environmentId: id,
  environmentName: name,
  protected: isProtected,
  current: current
    ? {
        version: current,
        deploymentId: `d-${current}`,
        finishedAt: '2026-11-30T08:40:12.000Z',
        actor: 'token:wharf_abc',
      }
    : null,
  active: null,
});

const deployment = (id: string, environmentId: string, state: DeploymentView['state'], createdAt: string) =>
  ({
    id,
    environmentId,
    version: `v-${id}`,
    state,
    trigger: 'cli',
    actor: 'token:wharf_abc',
    createdAt,
  }) as DeploymentView;

describe('wharf status', () => {
  const result = buildStatus(
    'shop',
    [env('dev', 'e1', '1.4.0'), env('prod', 'e2', null, true)],
    [
      deployment('q2-aaaaaaaa', 'e1', 'queued', '2026-11-30T09:00:02Z'),
      deployment('q1-aaaaaaaa', 'e1', 'queued', '2026-11-30T09:00:01Z'),
      deployment('r1-aaaaaaaa', 'e1', 'running', '2026-11-30T09:00:03Z'),
    ],
  );

  it('lists per environment what runs and what is in flight: running first, then the queue in order', () => {
    expect(result.environments[0]).toEqual({
      name: 'dev',
      id: 'e1',
      protected: false,
      running: {
        version: '1.4.0',
        deploymentId: 'd-1.4.0',
        finishedAt: '2026-11-30T08:40:12.000Z',
        actor: 'token:wharf_abc',
      },
      inFlight: ['r1-aaaaaaaa', 'q1-aaaaaaaa', 'q2-aaaaaaaa'].map((id) => ({
        deploymentId: id,
        version: `v-${id}`,
        state: id.startsWith('r') ? 'running' : 'queued',
        trigger: 'cli',
        actor: 'token:wharf_abc',
        createdAt: expect.any(String) as string,
      })),
    });
    expect(result.environments[1]).toMatchObject({ name: 'prod', protected: true, running: null, inFlight: [] });
  });

  it('renders a table', () => {
    expect(renderStatus(result).split('\n')).toEqual([
      'ENVIRONMENT       RUNNING  SINCE              QUEUED OR RUNNING',
      'dev               1.4.0    2026-11-30 08:40Z  running v-r1-aaaaaaaa (r1-aaaaa), queued v-q1-aaaaaaaa (q1-aaaaa), queued v-q2-aaaaaaaa (q2-aaaaa)',
      'prod (protected)  -        -                  -',
    ]);
  });
});
