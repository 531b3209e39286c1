// Case-insensitive search over a line's visible text, and the split of its styled segments
// at the matches, so a highlight can wrap part of a coloured run.
import type { AnsiSegment } from './ansi';

export interface HighlightedSegment extends AnsiSegment {
  match: boolean;
}

/** Normalised query: lower-cased (spaces kept: they can matter); blank means "no search". */
export const normaliseQuery = (q: string) => (q.trim() === '' ? '' : q.toLowerCase());

/** [start, end) ranges of `query` (already normalised) in `text`, non-overlapping. */
export function findMatches(text: string, query: string): [number, number][] {
  if (!query) return [];
  const lower = text.toLowerCase();
  // toLowerCase can change the length of some characters; then positions would be wrong.
  if (lower.length !== text.length) return lower.includes(query) ? [[0, 0]] : [];
  const out: [number, number][] = [];
  for (let i = lower.indexOf(query); i !== -1; i = lower.indexOf(query, i + query.length))
    out.push([i, i + query.length]);
  return out;
}

export function highlightSegments(segments: AnsiSegment[], ranges: [number, number][]): HighlightedSegment[] {
  if (ranges.length === 0) return segments.map((s) => ({ ...s, match: false }));
  const out: HighlightedSegment[] = [];
  let offset = 0;
  let r = 0;
  for (const seg of segments) {
    const end = offset + seg.text.length;
    let pos = offset;
    while (pos < end) {
      while (r < ranges.length && ranges[r]![1] <= pos) r++;
      const range = ranges[r];
      if (!range || range[0] >= end) {
        out.push({ text: seg.text.slice(pos - offset), className: seg.className, match: false });
        pos = end;
      } else if (range[0] > pos) {
        out.push({ text: seg.text.slice(pos - offset, range[0] - offset), className: seg.className, match: false });
        pos = range[0];
      } else {
        const stop = Math.min(range[1], end);
        out.push({ text: seg.text.slice(pos - offset, stop - offset), className: seg.className, match: true });
        pos = stop;
      }
    }
    offset = end;
  }
  return out.filter((s) => s.text !== '');
}
