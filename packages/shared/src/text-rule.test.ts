// The text rule by class: every string that any exported schema accepts refuses NUL and
// unpaired surrogates (through safeText or a stricter pattern) and has an upper bound.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as shared from './index.js';
import { isSafeText, safeText, SAFE_TEXT_MESSAGE } from './validators.js';

interface Json {
  type?: string | string[];
  properties?: Record<string, Json>;
  items?: Json;
  anyOf?: Json[];
  oneOf?: Json[];
  const?: unknown;
  maxLength?: number;
  pattern?: string;
  enum?: unknown[];
  format?: string;
}

interface Leaf {
  /** Dotted path inside the value, '' for the value itself. */
  path: string[];
  /** Discriminator values (path, value) that select the union variants holding the leaf. */
  consts: [string[], unknown][];
  schema: Json;
}

/** Every free string position of a JSON Schema (enums and consts are not free). */
function stringLeaves(s: Json, path: string[] = [], consts: [string[], unknown][] = []): Leaf[] {
  const variants = s.oneOf ?? s.anyOf;
  if (variants) {
    return variants.flatMap((v) => {
      const own = Object.entries(v.properties ?? {})
        .filter(([, p]) => 'const' in p)
        .map(([k, p]): [string[], unknown] => [[...path, k], p.const]);
      return stringLeaves(v, path, [...consts, ...own]);
    });
  }
  const types = Array.isArray(s.type) ? s.type : [s.type];
  if (types.includes('string') && !('const' in s) && !s.enum) return [{ path, consts, schema: s }];
  if (types.includes('object')) {
    return Object.entries(s.properties ?? {}).flatMap(([k, v]) => stringLeaves(v, [...path, k], consts));
  }
  if (types.includes('array') && s.items) return stringLeaves(s.items, [...path, '0'], consts);
  return [];
}

/** A value with the leaf set to `value` and the discriminators that reach it. */
function valueFor(leaf: Leaf, value: unknown): unknown {
  if (leaf.path.length === 0) return value;
  const root = (/^\d+$/.test(leaf.path[0]!) ? [] : {}) as Record<string, unknown>;
  for (const [path, v] of [...leaf.consts, [leaf.path, value] as [string[], unknown]]) {
    let node = root;
    path.forEach((k, i) => {
      if (i === path.length - 1) node[k] = v;
      else node = (node[k] ??= /^\d+$/.test(path[i + 1]!) ? [] : {}) as Record<string, unknown>;
    });
  }
  return root;
}

const schemas: [string, z.ZodType][] = [];
for (const [name, value] of Object.entries(shared) as [string, unknown][]) {
  if (name.endsWith('Schema') && value instanceof z.ZodType) schemas.push([name, value]);
}

function inputJsonSchema(schema: z.ZodType): Json {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as unknown as Json;
}

describe('safeText', () => {
  it('refuses NUL and unpaired surrogates, keeps paired ones and ordinary text', () => {
    for (const bad of ['a\u0000b', '\ud800', 'x\udbffy', '\udc00', 'a\udfffb']) expect(isSafeText(bad)).toBe(false);
    for (const good of ['', 'plain', 'emoji 😀 ok', 'тест 测试', '\t\n\r', '\u007f'])
      expect(isSafeText(good)).toBe(true);
    const s = safeText(5);
    expect(s.safeParse('abcde').success).toBe(true);
    expect(s.safeParse('abcdef').success).toBe(false);
    expect(s.safeParse('a\u0000').error?.issues[0]?.message).toBe(SAFE_TEXT_MESSAGE);
  });
});

describe('every string of every exported schema', () => {
  it('finds the schemas and their strings (sanity check of the walk)', () => {
    const names = schemas.map(([n]) => n);
    expect(names).toEqual(expect.arrayContaining(['createProjectSchema', 'tarballUploadQuerySchema']));
    const leaves = schemas.flatMap(([, s]) => stringLeaves(inputJsonSchema(s)));
    expect(leaves.length).toBeGreaterThan(40);
  });

  it.each(schemas)('%s refuses NUL and unpaired surrogates in each string, and bounds its length', (_name, schema) => {
    const json = inputJsonSchema(schema);
    const failures: string[] = [];
    for (const leaf of stringLeaves(json)) {
      const where = leaf.path.join('.') || '(the value)';
      if (leaf.schema.maxLength === undefined && leaf.schema.pattern === undefined && !leaf.schema.format) {
        failures.push(`${where}: no maximum length`);
      }
      for (const bad of ['ok\u0000', 'ok\ud800']) {
        const result = schema.safeParse(valueFor(leaf, bad));
        const flagged = result.error?.issues.some((i) => i.path.join('.') === leaf.path.join('.'));
        if (!flagged) failures.push(`${where}: accepts ${JSON.stringify(bad)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
