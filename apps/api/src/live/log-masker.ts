// Masks secret values in log text. The executor already masks; the sink masks again with
// its own list (defense in depth). Same rules as @wharf/executors' createMasker, so a line
// masked twice reads the same.
export const MASK = '******';

/** Values shorter than this are not masked: they would shred every line and reveal nothing. */
const MIN_SECRET_LENGTH = 3;

export function createMasker(secrets: Iterable<string | null | undefined>): (text: string) => string {
  const needles = new Set<string>();
  for (const s of secrets) {
    if (!s) continue;
    // Multi-line secrets (private keys) also reach the log one line at a time.
    for (const candidate of [s, s.trim(), ...s.split(/\r?\n/).map((l) => l.trim())]) {
      if (candidate.length >= MIN_SECRET_LENGTH) needles.add(candidate);
    }
  }
  // Longest first, so a secret containing another one is masked whole.
  const list = [...needles].sort((a, b) => b.length - a.length);
  if (list.length === 0) return (t) => t;
  return (text) => {
    let out = text;
    for (const n of list) if (out.includes(n)) out = out.split(n).join(MASK);
    return out;
  };
}
