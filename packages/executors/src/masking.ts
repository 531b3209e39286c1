// Replaces every secret value in a log line before it leaves the executor. The API's log
// sink masks again with this same function (defense in depth), so a line masked twice reads
// the same.

export const MASK = '******';

/** Values shorter than this are not masked: they would shred every line and reveal nothing. */
const MIN_SECRET_LENGTH = 3;

/**
 * Builds a masker for the given secret values. Multi-line secrets (private keys) are also
 * masked line by line, since remote output is split into lines before masking. Every
 * occurrence of every secret is found in the original text and overlapping ones are masked
 * as one, so no part of a secret survives next to another one (`abcd` + `cdef` in `abcdef`).
 */
export function createMasker(secrets: Iterable<string | undefined | null>): (text: string) => string {
  const needles = new Set<string>();
  for (const s of secrets) {
    if (!s) continue;
    for (const candidate of [s, s.trim(), ...s.split(/\r?\n/).map((l) => l.trim())]) {
      if (candidate.length >= MIN_SECRET_LENGTH) needles.add(candidate);
    }
  }
  const list = [...needles];
  if (list.length === 0) return (t) => t;
  return (text) => {
    const ranges: [start: number, end: number][] = [];
    for (const n of list) {
      // Step by one, not by the needle's length: `aaa` occurs twice in `aaaa`.
      for (let i = text.indexOf(n); i !== -1; i = text.indexOf(n, i + 1)) ranges.push([i, i + n.length]);
    }
    if (ranges.length === 0) return text;
    ranges.sort((a, b) => a[0] - b[0]);
    let out = '';
    let pos = 0;
    for (let i = 0; i < ranges.length;) {
      const start = ranges[i]![0];
      let end = ranges[i]![1];
      // Overlapping occurrences become one mask; touching ones stay one mask each.
      for (i++; i < ranges.length && ranges[i]![0] < end; i++) end = Math.max(end, ranges[i]![1]);
      out += text.slice(pos, start) + MASK;
      pos = end;
    }
    return out + text.slice(pos);
  };
}
