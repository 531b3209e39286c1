// The safety net under every request schema: text the API cannot store or send on (NUL,
// which Postgres refuses; unpaired UTF-16 surrogates, which have no UTF-8 form), in values or
// in keys, and JSON nested deeper than any request needs. ZodPipe applies it to everything it
// validates before the schema runs, so a field whose schema forgets the text rule (safeText)
// is still covered.
import { isSafeText, SAFE_TEXT_MESSAGE } from '@wharf/shared';

/** Deeper than any request schema goes; refused before anything else walks it. */
export const MAX_INPUT_DEPTH = 32;

export interface InputProblem {
  path: string;
  message: string;
}

function isPlainContainer(v: object): boolean {
  if (Array.isArray(v)) return true;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The first problem in `value`, breadth first (so the shallowest is named), or null. */
export function findInputProblem(value: unknown, root: readonly string[] = []): InputProblem | null {
  const queue: { value: unknown; path: readonly string[] }[] = [{ value, path: root }];
  for (let i = 0; i < queue.length; i++) {
    const { value: v, path } = queue[i]!;
    if (typeof v === 'string') {
      if (!isSafeText(v)) return { path: path.join('.'), message: SAFE_TEXT_MESSAGE };
      continue;
    }
    if (v === null || typeof v !== 'object' || !isPlainContainer(v)) continue;
    if (path.length - root.length >= MAX_INPUT_DEPTH) {
      return { path: path.join('.'), message: `must not be nested more than ${MAX_INPUT_DEPTH} levels deep` };
    }
    for (const [key, child] of Object.entries(v)) {
      if (!isSafeText(key)) return { path: path.join('.'), message: `field names ${SAFE_TEXT_MESSAGE}` };
      queue.push({ value: child, path: [...path, key] });
    }
  }
  return null;
}
