import { useMemo, useState } from 'react';
import type { z } from 'zod';
import { isApiError } from '../api/client';

export type FieldErrors = Record<string, string>;

/** Zod issues keyed by dotted path, matching the API's `issues[].path` format. */
export function zodFieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.');
    if (!(path in out)) out[path] = issue.message;
  }
  return out;
}

interface MutationLike {
  error: unknown;
  reset: () => void;
}

/**
 * Field errors for one form: client-side errors from the shared zod schema (same messages
 * as the API), and otherwise the `issues` of the mutation's ApiError.
 */
export function useFieldErrors(mutation: MutationLike) {
  const [client, setClient] = useState<FieldErrors>({});
  const server = useMemo<FieldErrors>(
    () => (isApiError(mutation.error) ? mutation.error.fieldErrors() : {}),
    [mutation.error],
  );
  const { reset } = mutation;

  return {
    /**
     * Parses `input`; on failure shows the issues and returns null. `messages` replaces the
     * schema's (English) message for the paths it names, e.g. with a localized rule.
     */
    validate<S extends z.ZodType>(schema: S, input: unknown, messages: FieldErrors = {}): z.output<S> | null {
      const result = schema.safeParse(input);
      if (result.success) {
        setClient({});
        return result.data;
      }
      reset();
      const errors = zodFieldErrors(result.error);
      for (const path of Object.keys(errors)) if (messages[path]) errors[path] = messages[path];
      setClient(errors);
      return null;
    },
    error(path: string): string | undefined {
      return client[path] ?? server[path];
    },
    clear() {
      setClient({});
      reset();
    },
  };
}
