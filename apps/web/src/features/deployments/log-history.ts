// What the log viewer reads from the server besides the live stream: the tail that a log
// opens at, older pages as the reader scrolls up, and the server-side search. Plain
// TypeScript around a LogBuffer and two fetchers, so the paging rules are unit-tested.
import type { LogLineView, LogSearchResult } from '@wharf/shared';
import type { LogBuffer } from './log-buffer';

export interface LogHistorySource {
  /** The last page of lines before `before` (`end`: the tail), in seq order. */
  before(before: number | 'end'): Promise<LogLineView[]>;
  search(q: string, afterSeq: number): Promise<LogSearchResult>;
}

export class LogHistory {
  private loadingOlder: Promise<number> | null = null;

  constructor(
    private readonly buffer: LogBuffer,
    private readonly source: LogHistorySource,
  ) {}

  /** Fills an empty buffer with the log's tail (a no-op once it holds lines). */
  async loadTail(): Promise<void> {
    if (this.buffer.length > 0) return;
    this.buffer.seed(await this.source.before('end'));
  }

  get loading(): boolean {
    return this.loadingOlder !== null;
  }

  /**
   * Puts the page before the first line held in front of the buffer. One request at a time
   * (scroll events come in bursts); resolves to the lines added, 0 when there is nothing older.
   */
  loadOlder(): Promise<number> {
    if (!this.buffer.hasOlder) return Promise.resolve(0);
    this.loadingOlder ??= this.source
      .before(this.buffer.firstSeq)
      .then((page) => this.buffer.prepend(page))
      .finally(() => (this.loadingOlder = null));
    return this.loadingOlder;
  }

  search(q: string, afterSeq = 0): Promise<LogSearchResult> {
    return this.source.search(q, afterSeq);
  }
}
