// Text taken literally inside a LIKE / ILIKE pattern (the audit list's filters, the log search).

/** `text` for a LIKE pattern: its `%`, `_` and `\` (LIKE's default escape) match as themselves. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

/** `%text%` for LIKE, with LIKE's own wildcards in the text matched as themselves. */
export function containsPattern(text: string): string {
  return `%${escapeLike(text)}%`;
}
