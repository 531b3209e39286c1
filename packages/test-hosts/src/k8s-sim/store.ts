// The simulator's etcd: objects by resource, one resourceVersion counter for all of them,
// and a bounded history of changes so a watch can resume from a resourceVersion. A watch
// that asks for a version older than the history answers 410 Gone (`compact()` forces it).
import { randomUUID } from 'node:crypto';
import type { KubeObject } from './k8s-types.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoredEvent {
  rv: number;
  resource: string;
  type: WatchEventType;
  object: KubeObject;
}

export type Listener = (ev: StoredEvent) => void;

const HISTORY_LIMIT = 20_000;

export function nowIso(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class ObjectStore {
  private rv = 1000;
  /** Versions at or below this are gone from history: a watch from them gets 410. */
  private compactedRv = 1000;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private history: StoredEvent[] = [];
  private readonly listeners = new Set<Listener>();

  get resourceVersion(): string {
    return String(this.rv);
  }

  get oldestWatchableRv(): number {
    return this.compactedRv;
  }

  private bucket(resource: string): Map<string, KubeObject> {
    let b = this.objects.get(resource);
    if (!b) {
      b = new Map();
      this.objects.set(resource, b);
    }
    return b;
  }

  private static key(namespace: string | undefined, name: string): string {
    return `${namespace ?? ''}/${name}`;
  }

  get<T extends KubeObject>(resource: string, namespace: string | undefined, name: string): T | undefined {
    const o = this.bucket(resource).get(ObjectStore.key(namespace, name));
    return o ? (structuredClone(o) as T) : undefined;
  }

  list<T extends KubeObject>(resource: string, namespace?: string): T[] {
    const out: T[] = [];
    for (const o of this.bucket(resource).values()) {
      if (namespace === undefined || o.metadata.namespace === namespace) out.push(structuredClone(o) as T);
    }
    return out.sort((a, b) =>
      `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(
        `${b.metadata.namespace ?? ''}/${b.metadata.name}`,
      ),
    );
  }

  /**
   * The stored objects themselves, not copies: for the controller's many read-only passes.
   * Callers must not change them (write through update()).
   */
  peek<T extends KubeObject>(resource: string, namespace?: string): readonly T[] {
    const out: T[] = [];
    for (const o of this.bucket(resource).values()) {
      if (namespace === undefined || o.metadata.namespace === namespace) out.push(o as T);
    }
    return out;
  }

  /** One stored object itself (not a copy), or undefined; read-only like peek(). */
  peekOne<T extends KubeObject>(resource: string, namespace: string | undefined, name: string): T | undefined {
    return this.bucket(resource).get(ObjectStore.key(namespace, name)) as T | undefined;
  }

  /** Stores a new object: uid, resourceVersion, creationTimestamp (and generation 1 for specs). */
  create<T extends KubeObject>(resource: string, obj: T): T {
    const b = this.bucket(resource);
    const key = ObjectStore.key(obj.metadata.namespace, obj.metadata.name);
    if (b.has(key)) throw new Error(`${resource} ${key} already exists`);
    const stored = structuredClone(obj);
    stored.metadata.uid = stored.metadata.uid || randomUUID();
    stored.metadata.creationTimestamp = stored.metadata.creationTimestamp || nowIso();
    if ('spec' in stored && resource !== 'pods') stored.metadata.generation = 1;
    stored.metadata.resourceVersion = String(++this.rv);
    b.set(key, stored);
    this.emit({ rv: this.rv, resource, type: 'ADDED', object: stored });
    return structuredClone(stored);
  }

  /**
   * Replaces an existing object. Returns it unchanged (and emits nothing) when the new
   * content equals the stored one, so the controller's idle ticks make no watch traffic.
   */
  update<T extends KubeObject>(resource: string, obj: T): T {
    const b = this.bucket(resource);
    const key = ObjectStore.key(obj.metadata.namespace, obj.metadata.name);
    const cur = b.get(key);
    if (!cur) throw new Error(`${resource} ${key} not found`);
    const next = structuredClone(obj);
    next.metadata.uid = cur.metadata.uid;
    next.metadata.creationTimestamp = cur.metadata.creationTimestamp;
    next.metadata.resourceVersion = cur.metadata.resourceVersion;
    next.metadata.generation = cur.metadata.generation;
    if (JSON.stringify(next) === JSON.stringify(cur)) return structuredClone(cur) as T;
    // As the API server does: generation counts changes of the spec, nothing else.
    if (cur.metadata.generation !== undefined && JSON.stringify(next.spec) !== JSON.stringify(cur.spec)) {
      next.metadata.generation = cur.metadata.generation + 1;
    }
    next.metadata.resourceVersion = String(++this.rv);
    b.set(key, next);
    this.emit({ rv: this.rv, resource, type: 'MODIFIED', object: next });
    return structuredClone(next);
  }

  delete(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const b = this.bucket(resource);
    const key = ObjectStore.key(namespace, name);
    const cur = b.get(key);
    if (!cur) return undefined;
    b.delete(key);
    const gone = structuredClone(cur);
    gone.metadata.resourceVersion = String(++this.rv);
    this.emit({ rv: this.rv, resource, type: 'DELETED', object: gone });
    return structuredClone(gone);
  }

  /** Changes after `rv` of one resource, or 'expired' when history no longer reaches back to it. */
  since(resource: string, rv: number): StoredEvent[] | 'expired' {
    if (rv < this.compactedRv) return 'expired';
    return this.history.filter((e) => e.resource === resource && e.rv > rv);
  }

  /** Forgets all history, as etcd compaction does: every older resourceVersion is now too old. */
  compact(): void {
    this.history = [];
    this.compactedRv = this.rv;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(ev: StoredEvent): void {
    this.history.push(ev);
    if (this.history.length > HISTORY_LIMIT) {
      const dropped = this.history.splice(0, this.history.length - HISTORY_LIMIT);
      this.compactedRv = dropped[dropped.length - 1]!.rv;
    }
    for (const l of this.listeners) l(ev);
  }
}
