// Pure helpers for the log viewer: cached per-line parsing, an incremental search filter
// and the windowing arithmetic (only a window of rows is in the DOM, so 100k+ lines stay fast).
import type { LogLineView } from '@wharf/shared';
import { parseAnsi, stripAnsi, type AnsiSegment } from './ansi';
import type { LogBuffer } from './log-buffer';

// Per-line caches, dropped with the lines: segments only for rows that were rendered,
// search text for every line once a search ran.
const segmentsCache = new WeakMap<LogLineView, AnsiSegment[]>();
const searchCache = new WeakMap<LogLineView, string>();

export function lineSegments(line: LogLineView): AnsiSegment[] {
  let s = segmentsCache.get(line);
  if (!s) {
    s = parseAnsi(line.text);
    segmentsCache.set(line, s);
  }
  return s;
}

/** Visible text, lower-cased, for search. */
export function searchText(line: LogLineView): string {
  let s = searchCache.get(line);
  if (s === undefined) {
    s = stripAnsi(line.text).toLowerCase();
    searchCache.set(line, s);
  }
  return s;
}

/**
 * Indices of the buffer's lines matching a query. New lines are appended, so for the same
 * query each call scans just the lines added since the previous one; an older page put in
 * front moves every index, so then it scans again.
 */
export class LineFilter {
  private query = '';
  private scanned = 0;
  private indices: number[] = [];
  private source: LogBuffer | null = null;
  private prepends = 0;

  /** `query` must be normalised (see normaliseQuery). */
  matching(buffer: LogBuffer, query: string): readonly number[] {
    if (
      query !== this.query ||
      buffer !== this.source ||
      buffer.length < this.scanned ||
      buffer.prependCount !== this.prepends
    ) {
      this.query = query;
      this.source = buffer;
      this.prepends = buffer.prependCount;
      this.scanned = 0;
      this.indices = [];
    }
    for (; this.scanned < buffer.length; this.scanned++) {
      if (searchText(buffer.at(this.scanned)!).includes(query)) this.indices.push(this.scanned);
    }
    return this.indices;
  }
}

export const ROW_PX = 18; // keep equal to .log-line height in app.css
const CHUNK = 100;
const OVERSCAN = 150;

/**
 * Which rows [start, end) to render. `scrollRow` is the first visible row (ignored while
 * following: then the window ends at the last row). Boundaries snap to chunks of 100 rows
 * so scrolling re-renders only when a chunk boundary is crossed.
 */
export function rowWindow(
  count: number,
  viewportPx: number,
  scrollRow: number,
  following: boolean,
): { start: number; end: number } {
  const visible = Math.max(1, Math.ceil((viewportPx > 0 ? viewportPx : 480) / ROW_PX));
  const first = following ? count - visible : scrollRow;
  const last = first + visible;
  const start = Math.min(count, Math.max(0, Math.floor((first - OVERSCAN) / CHUNK) * CHUNK));
  const end = Math.min(count, Math.max(0, Math.ceil((last + OVERSCAN) / CHUNK) * CHUNK));
  return { start, end };
}

/** Quantises a scroll offset to the chunk its first visible row is in. */
export const scrollRowOf = (scrollTop: number) => Math.floor(scrollTop / ROW_PX / CHUNK) * CHUNK;
