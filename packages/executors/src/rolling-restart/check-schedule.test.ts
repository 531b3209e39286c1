// When a restarted instance is checked again: on a change of that instance in Consul, on the
// interval otherwise; unrelated changes and Consul without blocking queries never cause a check.
import { describe, expect, it } from 'vitest';
import { CheckSchedule, type BlockingAsk } from './check-schedule.js';
import type { HealthAnswer, HealthEntry } from './consul-health.js';

const KEY = 'shop-a@127.0.0.1:3001';

const entry = (id: string, port: number, modifyIndex: number, status = 'passing'): HealthEntry => ({
  Node: { Node: 'agent-1', Address: '127.0.0.1' },
  Service: { ID: id, Service: 'shop', Address: '127.0.0.1', Port: port, ModifyIndex: modifyIndex },
  Checks: [{ CheckID: `service:${id}`, Status: status, ServiceID: id }],
});

const before = [entry('shop-a', 3001, 5), entry('shop-b', 3002, 6)];
const signal = new AbortController().signal;

/**
 * A Consul that answers each blocking query with the next of `answers`, then at once with
 * `before` unchanged; it records what was asked.
 */
function fakeConsul(answers: { index: number; entries: HealthEntry[] }[]) {
  const asked: { index: number; waitMs: number }[] = [];
  const ask: BlockingAsk = (block) => {
    asked.push(block);
    const a = answers.shift() ?? { index: block.index, entries: before };
    return Promise.resolve({ ...a, agent: 'agent-1', filteredByAcl: false } satisfies HealthAnswer);
  };
  return { ask, asked };
}

describe('CheckSchedule', () => {
  it('checks as soon as Consul shows the instance registered again, with what Consul answered', async () => {
    const registered = [entry('shop-a', 3001, 9, 'critical'), entry('shop-b', 3002, 6)];
    const c = fakeConsul([{ index: 9, entries: registered }]);
    const schedule = new CheckSchedule(c.ask, KEY, 6, before, 60_000, signal);
    const next = await schedule.next();
    expect(next).toEqual({ reason: 'change', entries: registered });
    expect(c.asked[0]!.index).toBe(6);
  });

  it('ignores changes of other instances and asks again from the new index', async () => {
    const otherChanged = [entry('shop-a', 3001, 5), entry('shop-b', 3002, 8, 'critical')];
    const mine = [entry('shop-a', 3001, 5, 'critical'), entry('shop-b', 3002, 8, 'critical')];
    const c = fakeConsul([
      { index: 8, entries: otherChanged },
      { index: 10, entries: mine },
    ]);
    const schedule = new CheckSchedule(c.ask, KEY, 6, before, 60_000, signal);
    expect((await schedule.next()).reason).toBe('change');
    expect(c.asked.map((a) => a.index)).toEqual([6, 8]);
  });

  it('falls back to the interval when nothing of the instance changes, without asking in a loop', async () => {
    // Every answer is early and unchanged (as Consul may do): the schedule waits out the interval.
    const c = fakeConsul([]);
    const schedule = new CheckSchedule(c.ask, KEY, 6, before, 150, signal);
    expect(await schedule.next()).toEqual({ reason: 'interval', entries: null });
    expect(c.asked.length).toBe(1);
  });

  it('only sleeps when Consul gave no index (no blocking queries)', async () => {
    const c = fakeConsul([]);
    const schedule = new CheckSchedule(c.ask, KEY, 0, before, 100, signal);
    expect((await schedule.next()).reason).toBe('interval');
    expect(c.asked).toEqual([]);
  });
});
