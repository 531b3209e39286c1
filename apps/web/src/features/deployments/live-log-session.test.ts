import type { DeploymentView } from '@wharf/shared';
import { describe, expect, it } from 'vitest';
import { FakeLive, lines } from '../../test/fake-live';
import { LiveLogSession, type LiveState } from './live-log-session';
import { LogBuffer } from './log-buffer';

const ID = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';

function setup() {
  const conn = new FakeLive();
  const buffer = new LogBuffer();
  const states: LiveState[] = [];
  const statuses: DeploymentView[] = [];
  let reconnected = 0;
  const session = new LiveLogSession(conn, ID, buffer, {
    onState: (s) => states.push(s),
    onStatus: (v) => statuses.push(v),
    onReconnected: () => reconnected++,
  });
  session.start();
  const seqs = () => Array.from({ length: buffer.length }, (_, i) => buffer.at(i)!.seq);
  return { conn, buffer, states, statuses, session, seqs, reconnected: () => reconnected };
}

describe('LiveLogSession', () => {
  it('subscribes from 0 on the first connect and merges what arrives', () => {
    const { conn, seqs, states } = setup();
    expect(conn.subscriptions).toEqual([]);
    conn.serverConnect();
    expect(conn.subscriptions).toEqual([{ deploymentId: ID, afterSeq: 0 }]);
    expect(states.at(-1)).toEqual({ kind: 'live' });
    conn.sendLines(ID, lines(1, 4));
    conn.sendLines(OTHER, lines(5, 6)); // another deployment's lines on the same socket
    expect(seqs()).toEqual([1, 2, 3, 4]);
  });

  it('resubscribes after a reconnect from the last seq it holds, and never duplicates the overlap', () => {
    const { conn, seqs, states, reconnected } = setup();
    conn.serverConnect();
    conn.sendLines(ID, lines(1, 50));
    conn.serverDrop();
    expect(states.at(-1)).toEqual({ kind: 'reconnecting' });
    conn.serverConnect();
    expect(conn.subscriptions.at(-1)).toEqual({ deploymentId: ID, afterSeq: 50 });
    expect(reconnected()).toBe(1);
    // A server that replays part of what we have (another api instance, a race): 41..60.
    conn.sendLines(ID, lines(41, 60));
    conn.sendLines(ID, lines(55, 61));
    expect(seqs()).toEqual(Array.from({ length: 61 }, (_, i) => i + 1));
  });

  it('asks again from the last seq when lines skip ahead, once per gap', () => {
    const { conn, seqs } = setup();
    conn.serverConnect();
    conn.sendLines(ID, lines(1, 10));
    conn.sendLines(ID, lines(14, 20)); // 11..13 lost
    expect(conn.subscriptions).toEqual([
      { deploymentId: ID, afterSeq: 0 },
      { deploymentId: ID, afterSeq: 10 },
    ]);
    conn.sendLines(ID, lines(21, 22)); // still from the old run: no second request for the same gap
    expect(conn.subscriptions).toHaveLength(2);
    expect(seqs()).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    conn.sendLines(ID, lines(11, 22)); // the backfill
    expect(seqs()).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
    conn.sendLines(ID, lines(30, 31)); // a new gap after progress: asks again
    expect(conn.subscriptions.at(-1)).toEqual({ deploymentId: ID, afterSeq: 22 });
  });

  it('passes on status pushes for its deployment only', () => {
    const { conn, statuses } = setup();
    conn.serverConnect();
    conn.sendStatus({ id: ID, state: 'running' } as DeploymentView);
    conn.sendStatus({ id: OTHER, state: 'failed' } as DeploymentView);
    expect(statuses.map((s) => s.state)).toEqual(['running']);
  });

  it('reports a refusal and reconnects only when asked', () => {
    const { conn, states, session } = setup();
    conn.serverRefuse('sign in required');
    expect(states.at(-1)).toEqual({ kind: 'stopped', message: 'sign in required' });
    session.retry();
    expect(conn.reconnectCalls).toBe(1);
    conn.serverConnect();
    conn.sendError({ deploymentId: ID, message: 'deployment not found' });
    expect(states.at(-1)).toEqual({ kind: 'stopped', message: 'deployment not found' });
    conn.sendError({ deploymentId: OTHER, message: 'not mine' });
    expect(states.at(-1)).toEqual({ kind: 'stopped', message: 'deployment not found' });
  });

  it('unsubscribes and closes on stop, and ignores anything after', () => {
    const { conn, session, seqs } = setup();
    conn.serverConnect();
    session.stop();
    expect(conn.unsubscriptions).toEqual([ID]);
    expect(conn.closed).toBe(true);
    conn.sendLines(ID, lines(1, 3));
    expect(seqs()).toEqual([]);
  });
});
