// Reads the OpenAPI document the way a client would: lists operations, builds a valid
// example value from a JSON Schema, and lists the fields a hostile value can be put into.
// Used by the input fuzz test so that it covers every route the document declares.

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  items?: JsonSchema;
  minItems?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}

export interface OpenApiOperation {
  operationId?: string;
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: JsonSchema }> };
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
}

export interface Operation {
  method: string;
  /** Template as in the document, e.g. /api/v1/projects/{slug}/tokens/{id}. */
  path: string;
  op: OpenApiOperation;
  key: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

export function operations(doc: OpenApiDocument): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      out.push({ method: method.toUpperCase(), path, op, key: `${method.toUpperCase()} ${path}` });
    }
  }
  return out;
}

/** Strings tried, in order, against a `pattern` the generator cannot invert. */
const PATTERN_CANDIDATES = [
  'fuzz-1',
  'FUZZ_VAR',
  'fuzz.config.cjs',
  '/srv/fuzz',
  'root',
  '25%',
  'deadbeefcafe',
  'a'.repeat(64),
  `sha256:${'a'.repeat(64)}`,
  `SHA256:${'A'.repeat(43)}`,
  'registry.example.com/fuzz:1',
  '127.0.0.1',
];

export interface SampleContext {
  /** Known-good values by field name (ids of fixtures, an existing version, ...). */
  byName: Record<string, unknown>;
  /** Makes emails unique so creations do not collide. */
  counter: { n: number };
}

function firstVariant(s: JsonSchema): JsonSchema | undefined {
  const variants = s.oneOf ?? s.anyOf;
  if (!variants) return undefined;
  return variants.find((v) => v.type !== 'null') ?? variants[0];
}

/** A value the schema accepts, preferring known fixture values for named fields. */
export function sample(s: JsonSchema, name: string, ctx: SampleContext): unknown {
  if (name in ctx.byName) return ctx.byName[name];
  if ('const' in s) return s.const;
  if (s.enum?.length) return s.enum[0];
  const variant = firstVariant(s);
  if (variant) return sample(variant, name, ctx);
  if (s.allOf?.length) return sample(Object.assign({}, ...s.allOf) as JsonSchema, name, ctx);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'object': {
      // Required fields, and optional ones with a known-good value (fixture ids): the rest
      // keep their defaults, which are valid by construction.
      const out: Record<string, unknown> = {};
      const required = new Set(s.required ?? []);
      for (const [k, v] of Object.entries(s.properties ?? {})) {
        if (required.has(k) || k in ctx.byName) out[k] = sample(v, k, ctx);
      }
      return out;
    }
    case 'array':
      return s.minItems && s.items ? [sample(s.items, name, ctx)] : [];
    case 'integer':
    case 'number':
      if (s.exclusiveMinimum !== undefined) return s.exclusiveMinimum + 1;
      return s.minimum ?? 1;
    case 'boolean':
      return false;
    case 'string':
      return sampleString(s, ctx);
    default:
      return s.default ?? 'fuzz';
  }
}

function sampleString(s: JsonSchema, ctx: SampleContext): string {
  if (s.format === 'email') return `fuzz-${++ctx.counter.n}@test.local`;
  if (s.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
  if (s.format === 'uri' || s.format === 'url') return 'http://127.0.0.1:9/health';
  const fits = (v: string) => (s.maxLength === undefined || v.length <= s.maxLength) && v.length >= (s.minLength ?? 0);
  if (s.pattern) {
    const re = new RegExp(s.pattern);
    const hit = PATTERN_CANDIDATES.find((c) => re.test(c) && fits(c));
    if (hit) return hit;
  }
  const base = 'fuzz-1';
  return base.padEnd(s.minLength ?? 0, 'x').slice(0, s.maxLength ?? base.length);
}

export interface FieldPath {
  /** Dotted path as the API names it in errors, e.g. `config.host`. */
  name: string;
  keys: string[];
}

/** Every property of an object schema, recursing into nested objects (first union variant). */
export function fieldPaths(s: JsonSchema, prefix: string[] = [], depth = 0): FieldPath[] {
  const obj = firstVariant(s) ?? s;
  if (!obj.properties || depth > 4) return [];
  const out: FieldPath[] = [];
  for (const [k, v] of Object.entries(obj.properties)) {
    const keys = [...prefix, k];
    out.push({ name: keys.join('.'), keys });
    out.push(...fieldPaths(v, keys, depth + 1));
  }
  return out;
}

/** A deep copy of `base` with the field at `keys` set to `value` (parents created as needed). */
export function withField(base: unknown, keys: string[], value: unknown): unknown {
  const root = structuredClone(base && typeof base === 'object' ? base : {}) as Record<string, unknown>;
  let node = root;
  keys.forEach((k, i) => {
    if (i === keys.length - 1) {
      node[k] = value;
      return;
    }
    const next = node[k];
    node[k] = next && typeof next === 'object' && !Array.isArray(next) ? next : {};
    node = node[k] as Record<string, unknown>;
  });
  return root;
}
