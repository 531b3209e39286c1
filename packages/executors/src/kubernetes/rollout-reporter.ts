// Turns what the watches see into lines a person can follow in the deployment log:
// replica counts when they change, each new pod and its phases (with the reason it waits:
// ContainerCreating, ImagePullBackOff, CrashLoopBackOff, Unschedulable...), Warning events
// of the workload and its new pods, and the last lines a crashed container printed.
import type { KubernetesWorkloadKind } from '@wharf/shared';
import type { LogStream } from '../types.js';
import { replicaSummary } from './rollout-status.js';
import type { WatchEventType } from './resilient-watch.js';
import type { WorkloadClient } from './workload-client.js';
import type { EventObject, PodObject, WorkloadObject } from './workload-types.js';

export const CRASH_LOG_LINES = 50;
/** A repeating Warning (count going up) is shown again at most this often. */
const REPEAT_WARNING_MS = 30_000;
const MAX_MESSAGE = 300;

export type Emit = (stream: LogStream, text: string) => void;

function clip(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > MAX_MESSAGE ? `${one.slice(0, MAX_MESSAGE)}…` : one;
}

/** One line about a pod's state, e.g. "Pending, container app waiting: ImagePullBackOff (...)". */
export function describePod(p: PodObject): string {
  if (p.metadata?.deletionTimestamp) return 'Terminating';
  const phase = p.status?.phase ?? 'Pending';
  const sched = p.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (sched?.status === 'False')
    return `${phase}, not scheduled: ${sched.reason ?? 'Unschedulable'}${sched.message ? ` (${clip(sched.message)})` : ''}`;
  const statuses = p.status?.containerStatuses ?? [];
  const restarts = statuses.reduce((n, c) => n + (c.restartCount ?? 0), 0);
  const suffix = restarts > 0 ? `, ${restarts} restart${restarts === 1 ? '' : 's'}` : '';
  const waiting = statuses.find((c) => c.state?.waiting?.reason);
  if (waiting) {
    const w = waiting.state!.waiting!;
    // Messages of ContainerCreating are empty; CrashLoopBackOff's repeat the pod uid: keep them short.
    return `${phase}, container ${waiting.name} waiting: ${w.reason}${w.message && w.reason !== 'CrashLoopBackOff' ? ` (${clip(w.message)})` : ''}${suffix}`;
  }
  const ready = p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  if (phase === 'Running') return `Running, ${ready ? 'ready' : 'not ready'}${suffix}`;
  return `${phase}${suffix}`;
}

export class RolloutReporter {
  private lastSummary = '';
  private oldPods: Set<string> | undefined;
  private readonly podStates = new Map<string, string>();
  private readonly crashReported = new Set<string>();
  private eventBaseline: Map<string, number> | undefined;
  private readonly eventsShown = new Map<string, { count: number; at: number }>();
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly client: WorkloadClient,
    private readonly emit: Emit,
  ) {}

  private get kind(): KubernetesWorkloadKind {
    return this.client.ref.kind;
  }

  /** Said once per generation: the status still describes the template before the change. */
  awaitingObservation(generation: number): void {
    const line = `waiting for the controller to observe the change (generation ${generation})`;
    if (line === this.lastSummary) return;
    this.lastSummary = line;
    this.emit('system', `${this.kind.toLowerCase()}/${this.client.ref.name}: ${line}`);
  }

  workload(w: WorkloadObject): void {
    const summary = replicaSummary(this.kind, w);
    if (summary === this.lastSummary) return;
    this.lastSummary = summary;
    this.emit('system', `${this.kind.toLowerCase()}/${this.client.ref.name}: ${summary}`);
  }

  /** Pods present at the first list are the old ones; after that every pod is news. */
  podsListed(items: PodObject[], relist: boolean): void {
    if (!relist && this.oldPods === undefined) {
      this.oldPods = new Set(items.map((p) => p.metadata?.name ?? ''));
      return;
    }
    for (const p of items) this.pod('MODIFIED', p);
  }

  pod(type: WatchEventType, p: PodObject): void {
    const name = p.metadata?.name ?? '';
    if (!name || this.oldPods?.has(name)) return;
    if (type === 'DELETED') {
      if (this.podStates.delete(name)) this.emit('system', `pod ${name}: deleted`);
      return;
    }
    const state = describePod(p);
    const before = this.podStates.get(name);
    if (before === undefined) {
      const image = p.spec?.containers?.map((c) => c.image).join(', ');
      this.emit('system', `pod ${name} created${image ? ` (${image})` : ''}: ${state}`);
    } else if (before !== state) {
      this.emit('system', `pod ${name}: ${state}`);
    }
    this.podStates.set(name, state);
    for (const cs of p.status?.containerStatuses ?? []) {
      const key = `${name}/${cs.name}`;
      const last = cs.lastState?.terminated;
      if (!last || (cs.restartCount ?? 0) < 1 || this.crashReported.has(key)) continue;
      this.crashReported.add(key);
      this.track(this.crashLog(name, cs.name, last.exitCode, last.reason));
    }
  }

  private async crashLog(
    pod: string,
    container: string,
    exitCode: number | undefined,
    reason: string | undefined,
  ): Promise<void> {
    const how = `${reason ?? 'exited'}${exitCode !== undefined ? `, exit code ${exitCode}` : ''}`;
    try {
      const text = await this.client.previousLog(pod, container, CRASH_LOG_LINES);
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      this.emit(
        'system',
        `pod ${pod}: container ${container} crashed (${how}); its last ${lines.length} log line(s) before the restart:`,
      );
      for (const l of lines) this.emit('stdout', `[${pod}/${container}] ${l}`);
    } catch (err) {
      this.emit(
        'system',
        `pod ${pod}: container ${container} crashed (${how}); its log could not be read: ${(err as Error).message}`,
      );
    }
  }

  eventsListed(items: EventObject[], relist: boolean): void {
    if (!relist && this.eventBaseline === undefined) {
      this.eventBaseline = new Map(items.map((e) => [e.metadata?.uid ?? '', e.count ?? 1]));
      return;
    }
    for (const e of items) this.event('MODIFIED', e);
  }

  event(type: WatchEventType, e: EventObject): void {
    if (type === 'DELETED' || e.type !== 'Warning' || !this.concerns(e)) return;
    const uid = e.metadata?.uid ?? '';
    const count = e.count ?? 1;
    if ((this.eventBaseline?.get(uid) ?? 0) >= count) return;
    const shown = this.eventsShown.get(uid);
    const now = Date.now();
    if (shown && (count <= shown.count || now - shown.at < REPEAT_WARNING_MS)) return;
    this.eventsShown.set(uid, { count, at: now });
    const io = e.involvedObject ?? {};
    this.emit(
      'system',
      `Warning ${e.reason ?? ''} ${(io.kind ?? '').toLowerCase()}/${io.name ?? ''}: ${clip(e.message ?? '')}${shown ? ` (x${count})` : ''}`,
    );
  }

  /** Events of the workload, its ReplicaSets and its new pods. */
  private concerns(e: EventObject): boolean {
    const { kind, name } = e.involvedObject ?? {};
    const w = this.client.ref.name;
    if (!name) return false;
    if (kind === this.kind && name === w) return true;
    if (kind === 'ReplicaSet') return name.startsWith(`${w}-`);
    if (kind === 'Pod') return !this.oldPods?.has(name) && (this.podStates.has(name) || name.startsWith(`${w}-`));
    return false;
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Waits (up to `ms`) for log fetches still running, so their lines land before the outcome. */
  async flush(ms = 5000): Promise<void> {
    if (this.pending.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.pending]),
      new Promise((r) => {
        timer = setTimeout(r, ms);
      }),
    ]);
    clearTimeout(timer);
  }
}
