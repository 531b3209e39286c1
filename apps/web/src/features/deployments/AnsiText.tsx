import { parseAnsi, type AnsiSegment } from './ansi';
import { findMatches, highlightSegments } from './highlight';

/**
 * One line of terminal output. Segments become text children of spans: React escapes
 * them, so markup in a log line stays text, and nothing (URLs included) becomes a link.
 */
export function AnsiText({ text, segments, query = '' }: { text?: string; segments?: AnsiSegment[]; query?: string }) {
  const segs = segments ?? parseAnsi(text ?? '');
  const plain = segs.map((s) => s.text).join('');
  const parts = highlightSegments(segs, findMatches(plain, query));
  return (
    <>
      {parts.map((p, i) =>
        p.match ? (
          <mark key={i} className={p.className || undefined}>
            {p.text}
          </mark>
        ) : p.className ? (
          <span key={i} className={p.className}>
            {p.text}
          </span>
        ) : (
          p.text
        ),
      )}
    </>
  );
}
