// The lines of one deployment's log, held in seq order with no gaps and no duplicates.
// seq is dense per deployment from 1, so "what we have" is just firstSeq..lastSeq: a batch
// that overlaps (after a reconnect) is trimmed, and a batch that skips ahead is refused so
// the caller can ask the server again from lastSeq. A long log opens at its tail (seed) and
// grows backwards page by page (prepend) as the reader scrolls up. A plain external store
// for React.
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
  private prepends = 0;

  get lastSeq(): number {
    return this.lines.length === 0 ? 0 : this.lines[this.lines.length - 1]!.seq;
  }

  get firstSeq(): number {
    return this.lines.length === 0 ? 0 : this.lines[0]!.seq;
  }

  /** Older lines exist on the server: the buffer starts after seq 1. */
  get hasOlder(): boolean {
    return this.firstSeq > 1;
  }

  /** Changes whenever lines were put in front (indices into the buffer moved). */
  get prependCount(): number {
    return this.prepends;
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

  /**
   * Starts an empty buffer at a log's tail: the contiguous run at the end of `tail`, whatever
   * its first seq. Returns the lines taken (0 when the buffer already holds lines).
   */
  seed(tail: readonly LogLineView[]): number {
    if (this.lines.length > 0) return 0;
    const run = contiguousEnd(tail, Number.POSITIVE_INFINITY);
    if (run.length === 0) return 0;
    this.lines.push(...run);
    this.changed();
    return run.length;
  }

  /**
   * Puts an older page in front: the contiguous run of `page` that ends right before
   * firstSeq (anything else is ignored). Returns the lines added.
   */
  prepend(page: readonly LogLineView[]): number {
    const first = this.firstSeq;
    if (first <= 1) return 0;
    const run = contiguousEnd(page, first);
    if (run.length === 0) return 0;
    this.lines.unshift(...run);
    this.prepends++;
    this.changed();
    return run.length;
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

/** The longest run of consecutive seqs in `lines` that ends at `before - 1` (or at its last line). */
function contiguousEnd(lines: readonly LogLineView[], before: number): LogLineView[] {
  const sorted = (isSorted(lines) ? [...lines] : [...lines].sort((a, b) => a.seq - b.seq)).filter(
    (l) => l.seq < before,
  );
  const last = sorted[sorted.length - 1];
  if (!last || (Number.isFinite(before) && last.seq !== before - 1)) return [];
  let i = sorted.length - 1;
  while (i > 0 && sorted[i - 1]!.seq === sorted[i]!.seq - 1) i--;
  return sorted.slice(i);
}

function isSorted(lines: readonly LogLineView[]): boolean {
  for (let i = 1; i < lines.length; i++) if (lines[i]!.seq < lines[i - 1]!.seq) return false;
  return true;
}
