// When to check a restarted instance again: once the poll interval has passed since the last
// check, or as soon as Consul reports a change of that instance (a blocking query on the
// service), whichever comes first. Waiting on Consul instead of only sleeping means the next
// instance starts within milliseconds of this one being healthy, not up to an interval later.
import { setTimeout as sleep } from 'node:timers/promises';
import type { HealthAnswer, HealthEntry } from './consul-health.js';
import { instanceFingerprint } from './instances.js';

export type BlockingAsk = (block: { index: number; waitMs: number }) => Promise<HealthAnswer>;

export interface NextCheck {
  reason: 'interval' | 'change';
  /** What Consul answered when it reported the change (null for an interval check). */
  entries: HealthEntry[] | null;
}

export class CheckSchedule {
  private lastCheckAt = Date.now();
  private fingerprint: string;
  /** Off once Consul shows it does not answer blocking queries (no X-Consul-Index). */
  private blocking: boolean;

  constructor(
    private readonly ask: BlockingAsk,
    private readonly key: string,
    private index: number,
    before: HealthEntry[],
    private readonly intervalMs: number,
    private readonly signal: AbortSignal,
  ) {
    this.fingerprint = instanceFingerprint(before, key);
    this.blocking = index > 0;
  }

  /** Call right after each check: the next interval counts from it. */
  checked(): void {
    this.lastCheckAt = Date.now();
  }

  async next(): Promise<NextCheck> {
    const dueAt = this.lastCheckAt + this.intervalMs;
    for (;;) {
      const left = dueAt - Date.now();
      if (left <= 0) return { reason: 'interval', entries: null };
      if (!this.blocking) {
        await sleep(left, undefined, { signal: this.signal });
        continue;
      }
      let answer: HealthAnswer;
      try {
        answer = await this.ask({ index: this.index, waitMs: left });
      } catch (err) {
        if (this.signal.aborted) throw err;
        // Consul did not answer: the interval check reports it; until then, just wait.
        await sleep(Math.max(0, dueAt - Date.now()), undefined, { signal: this.signal });
        continue;
      }
      if (answer.index <= 0) {
        this.blocking = false;
        continue;
      }
      const indexMoved = answer.index !== this.index;
      this.index = answer.index;
      const fingerprint = instanceFingerprint(answer.entries, this.key);
      if (fingerprint !== this.fingerprint) {
        this.fingerprint = fingerprint;
        return { reason: 'change', entries: answer.entries };
      }
      // Consul may answer early with nothing new: wait out the interval rather than ask again at once.
      if (!indexMoved) await sleep(Math.max(0, dueAt - Date.now()), undefined, { signal: this.signal });
    }
  }
}
