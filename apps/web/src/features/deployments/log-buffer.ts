// The lines of one deployment's log, held in seq order with no gaps and no duplicates.
// seq is dense per deployment from 1, so "what we have" is just 1..lastSeq: a batch that
// overlaps (after a reconnect) is trimmed, and a batch that skips ahead is refused so the
// caller can ask the server again from lastSeq. A plain external store for React.
import type { LogLineView } from '@wharf/shared';

export interface MergeResult {
  /** Lines appended from this batch. */
  added: number;
  /** Lines dropped because we already had them. */
  duplicates: number;
  /** Set when the batch skipped ahead: the first seq we were missing and the seq that came instead. */
  gap: { expected: number; received: number } | null;
}

export class LogBuffer {
  private readonly lines: LogLineView[] = [];
  private readonly listeners = new Set<() => void>();
  private revision = 0;

  get lastSeq(): number {
    return this.lines.length === 0 ? 0 : this.lines[this.lines.length - 1]!.seq;
  }

  get length(): number {
    return this.lines.length;
  }

  at(index: number): LogLineView | undefined {
    return this.lines[index];
  }

  /** Appends the part of `batch` that continues the log; stops at the first gap. */
  merge(batch: readonly LogLineView[]): MergeResult {
    const result: MergeResult = { added: 0, duplicates: 0, gap: null };
    // The server sends runs in order; sorting guards against a reordered batch.
    const sorted = isSorted(batch) ? batch : [...batch].sort((a, b) => a.seq - b.seq);
    for (const line of sorted) {
      const expected = this.lastSeq + 1;
      if (line.seq < expected) {
        result.duplicates++;
      } else if (line.seq === expected) {
        this.lines.push(line);
        result.added++;
      } else {
        result.gap = { expected, received: line.seq };
        break;
      }
    }
    if (result.added > 0) this.changed();
    return result;
  }

  clear(): void {
    if (this.lines.length === 0) return;
    this.lines.length = 0;
    this.changed();
  }

  // Arrow functions: React's useSyncExternalStore takes them unbound.
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Changes whenever the content does (a cheap snapshot for useSyncExternalStore). */
  getRevision = (): number => this.revision;

  private changed(): void {
    this.revision++;
    for (const l of this.listeners) l();
  }
}

function isSorted(lines: readonly LogLineView[]): boolean {
  for (let i = 1; i < lines.length; i++) if (lines[i]!.seq < lines[i - 1]!.seq) return false;
  return true;
}
