// Replaces every secret value in a log line before it leaves the executor.

export const MASK = '******';

/**
 * Builds a masker for the given secret values. Multi-line secrets (private keys) are also
 * masked line by line, since remote output is split into lines before masking. Values
 * shorter than 3 characters are not masked: they would shred every log line and reveal
 * nothing useful anyway.
 */
export function createMasker(secrets: Iterable<string | undefined | null>): (text: string) => string {
  const needles = new Set<string>();
  for (const s of secrets) {
    if (!s) continue;
    for (const candidate of [s, s.trim(), ...s.split(/\r?\n/).map((l) => l.trim())]) {
      if (candidate.length >= 3) needles.add(candidate);
    }
  }
  // Longest first so a secret containing another secret is masked whole.
  const list = [...needles].sort((a, b) => b.length - a.length);
  if (list.length === 0) return (t) => t;
  return (text) => {
    let out = text;
    for (const n of list) if (out.includes(n)) out = out.split(n).join(MASK);
    return out;
  };
}
