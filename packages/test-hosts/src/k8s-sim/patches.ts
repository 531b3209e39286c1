// The three PATCH bodies the API server takes for these objects: JSON merge patch
// (RFC 7386), JSON patch (RFC 6902; `kubectl rollout undo` sends one) and strategic merge
// patch (kubectl's `set image` and `rollout restart`, and Wharf): lists of containers, env,
// ports, volumes... merge by their patch merge key instead of being replaced, with the
// `$patch`, `$setElementOrder/`, `$retainKeys` and `$deleteFromPrimitiveList/` directives.
import type { Json, JsonObject } from './k8s-types.js';

export class PatchError extends Error {}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clone<T extends Json>(v: T): T {
  return structuredClone(v);
}

/** RFC 7386: objects merge recursively, null removes a key, anything else replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k] ?? null, v);
  }
  return out;
}

/** Patch merge keys of the list fields in workload and pod specs (x-kubernetes-patch-merge-key). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  ports: 'containerPort',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  conditions: 'type',
  ownerReferences: 'uid',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
};

/** Primitive lists that merge (x-kubernetes-patch-strategy: merge) rather than replace. */
const MERGED_PRIMITIVE_LISTS = new Set(['finalizers']);

export function strategicMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  return smpObject(isObject(target) ? target : {}, patch);
}

function smpObject(target: JsonObject, patch: JsonObject): JsonObject {
  const directive = patch.$patch;
  if (directive === 'replace') {
    const rest = { ...patch };
    delete rest.$patch;
    return stripDirectives(rest) as JsonObject;
  }
  if (directive === 'delete') return {};
  let out: JsonObject = { ...target };
  const orders: Record<string, Json[]> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch') continue;
    if (k === '$retainKeys') continue;
    if (k.startsWith('$setElementOrder/')) {
      if (Array.isArray(v)) orders[k.slice('$setElementOrder/'.length)] = v;
      continue;
    }
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(v)) out[field] = cur.filter((x) => !v.some((d) => d === x));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const cur = out[k];
    if (Array.isArray(v)) {
      out[k] = smpList(k, Array.isArray(cur) ? cur : [], v);
    } else if (isObject(v)) {
      if (v.$patch === 'delete') delete out[k];
      else out[k] = smpObject(isObject(cur) ? cur : {}, v);
    } else {
      out[k] = v;
    }
  }
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) {
    const keep = new Set(retain.filter((x): x is string => typeof x === 'string'));
    out = Object.fromEntries(Object.entries(out).filter(([k]) => keep.has(k)));
  }
  for (const [field, order] of Object.entries(orders)) {
    const cur = out[field];
    if (Array.isArray(cur)) out[field] = applyOrder(field, cur, order);
  }
  return out;
}

function smpList(field: string, target: Json[], patch: Json[]): Json[] {
  const key = MERGE_KEYS[field];
  if (key === undefined) {
    if (MERGED_PRIMITIVE_LISTS.has(field)) {
      const out = [...target];
      for (const v of patch) if (!out.includes(v)) out.push(v);
      return out;
    }
    if (patch.some((p) => isObject(p) && p.$patch === 'replace')) {
      return patch.filter((p) => !(isObject(p) && p.$patch === 'replace')).map(stripDirectives);
    }
    return patch.map(stripDirectives);
  }
  if (patch.some((p) => isObject(p) && p.$patch === 'replace')) {
    return patch.filter((p) => !(isObject(p) && p.$patch === 'replace')).map(stripDirectives);
  }
  const out = [...target];
  for (const p of patch) {
    if (!isObject(p)) throw new PatchError(`list "${field}" items must be objects with "${key}"`);
    const id = p[key];
    const idx = out.findIndex((t) => isObject(t) && t[key] === id);
    if (p.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = smpObject(out[idx] as JsonObject, p);
    else out.push(stripDirectives(p));
  }
  return out;
}

function applyOrder(field: string, list: Json[], order: Json[]): Json[] {
  const key = MERGE_KEYS[field];
  const keyOf = (v: Json): Json => (key !== undefined && isObject(v) ? (v[key] ?? null) : v);
  const wanted = order.map(keyOf);
  const ranked = list.map((item, i) => {
    const r = wanted.findIndex((w) => JSON.stringify(w) === JSON.stringify(keyOf(item)));
    return { item, rank: r < 0 ? wanted.length + i : r };
  });
  return ranked.sort((a, b) => a.rank - b.rank).map((r) => r.item);
}

function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = stripDirectives(x);
  return out;
}

function parsePointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError(`invalid JSON pointer "${path}"`);
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function getAt(doc: Json, tokens: string[]): Json | undefined {
  let cur: Json | undefined = doc;
  for (const t of tokens) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObject(cur)) cur = cur[t];
    else return undefined;
  }
  return cur;
}

function parentOf(doc: Json, tokens: string[], path: string): { parent: Json; last: string } {
  const parent = getAt(doc, tokens.slice(0, -1));
  const last = tokens[tokens.length - 1];
  if (parent === undefined || last === undefined || (typeof parent !== 'object' && parent !== null)) {
    throw new PatchError(`path "${path}" does not exist`);
  }
  return { parent, last };
}

/** RFC 6902 (add, remove, replace, move, copy, test). */
export function jsonPatch(doc: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw new PatchError('a JSON patch must be an array of operations');
  let out = clone(doc);
  for (const op of ops) {
    if (!isObject(op) || typeof op.op !== 'string' || typeof op.path !== 'string') {
      throw new PatchError('each JSON patch operation needs "op" and "path"');
    }
    const tokens = parsePointer(op.path);
    const value = op.value === undefined ? null : clone(op.value);
    switch (op.op) {
      case 'add':
      case 'replace': {
        if (tokens.length === 0) {
          out = value;
          break;
        }
        const { parent, last } = parentOf(out, tokens, op.path);
        if (Array.isArray(parent)) {
          const i = last === '-' ? parent.length : Number(last);
          if (!Number.isInteger(i) || i < 0 || i > parent.length) throw new PatchError(`bad index in "${op.path}"`);
          if (op.op === 'add') parent.splice(i, 0, value);
          else parent[i] = value;
        } else if (isObject(parent)) {
          parent[last] = value;
        }
        break;
      }
      case 'remove': {
        const { parent, last } = parentOf(out, tokens, op.path);
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else if (isObject(parent)) {
          if (!(last in parent)) throw new PatchError(`path "${op.path}" does not exist`);
          delete parent[last];
        }
        break;
      }
      case 'move':
      case 'copy': {
        if (typeof op.from !== 'string') throw new PatchError(`"${op.op}" needs "from"`);
        const v = getAt(out, parsePointer(op.from));
        if (v === undefined) throw new PatchError(`path "${op.from}" does not exist`);
        const copy = clone(v);
        if (op.op === 'move') out = jsonPatch(out, [{ op: 'remove', path: op.from }]);
        out = jsonPatch(out, [{ op: 'add', path: op.path, value: copy }]);
        break;
      }
      case 'test': {
        if (JSON.stringify(getAt(out, tokens)) !== JSON.stringify(value)) {
          throw new PatchError(`test operation failed at "${op.path}"`);
        }
        break;
      }
      default:
        throw new PatchError(`unknown JSON patch operation "${op.op}"`);
    }
  }
  return out;
}
