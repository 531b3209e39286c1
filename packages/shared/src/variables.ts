// Deploy variables: environment-wide, and per-target overrides of them. One rule for names
// and values, shared by the API (edge validation) and the executor (plan validation).
import { z } from 'zod';
import { envVarNameSchema, safeText } from './validators.js';

export const VARIABLE_VALUE_MAX = 32 * 1024;

/** Any text up to 32 KiB; no NUL (it cannot live in an environment variable) or lone surrogates. */
export const variableValueSchema = safeText(VARIABLE_VALUE_MAX);

/** name -> value, as the executor receives them. */
export const variableMapSchema = z.record(envVarNameSchema, variableValueSchema);

export const setVariableSchema = z.object({
  name: envVarNameSchema,
  value: variableValueSchema,
  secret: z.boolean().default(false),
});
export type SetVariableBody = z.infer<typeof setVariableSchema>;

export interface VariableView {
  id: string;
  name: string;
  secret: boolean;
  /** null for secret variables: they are write-only. */
  value: string | null;
  updatedAt: string;
}
