// kubectl sends a few typed requests (SelfSubjectAccessReview for `auth can-i`) as
// Kubernetes protobuf only. This reads just that one message; answers stay JSON, which
// those clients also accept.
import type { Json } from './k8s-types.js';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

type Fields = Map<number, Buffer[]>;

function readVarint(buf: Buffer, pos: number): [number, number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos++];
    if (b === undefined) throw new Error('truncated varint');
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7;
  }
}

/** Length-delimited fields by number; varints are kept as their decimal text. */
function fields(buf: Buffer): Fields {
  const out: Fields = new Map();
  let pos = 0;
  while (pos < buf.length) {
    const [key, p1] = readVarint(buf, pos);
    const field = Math.floor(key / 8);
    const wire = key & 7;
    let value: Buffer;
    if (wire === 0) {
      const [v, p2] = readVarint(buf, p1);
      value = Buffer.from(String(v));
      pos = p2;
    } else if (wire === 2) {
      const [len, p2] = readVarint(buf, p1);
      value = buf.subarray(p2, p2 + len);
      pos = p2 + len;
    } else if (wire === 1) {
      value = buf.subarray(p1, p1 + 8);
      pos = p1 + 8;
    } else if (wire === 5) {
      value = buf.subarray(p1, p1 + 4);
      pos = p1 + 4;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}

const str = (f: Fields, n: number): string | undefined => f.get(n)?.[0]?.toString('utf8');

/** `k8s\0` + runtime.Unknown{typeMeta=1, raw=2} holding a SelfSubjectAccessReview, as JSON. */
export function decodeSelfSubjectAccessReview(body: Buffer): Json {
  if (!body.subarray(0, 4).equals(MAGIC)) throw new Error('not a Kubernetes protobuf message');
  const unknown = fields(body.subarray(4));
  const typeMeta = fields(unknown.get(1)?.[0] ?? Buffer.alloc(0));
  if (str(typeMeta, 2) !== 'SelfSubjectAccessReview')
    throw new Error(`protobuf ${str(typeMeta, 2) ?? '?'} is not supported`);
  const review = fields(unknown.get(2)?.[0] ?? Buffer.alloc(0));
  const spec = fields(review.get(2)?.[0] ?? Buffer.alloc(0));
  const attrsBuf = spec.get(1)?.[0];
  const attrs = attrsBuf ? fields(attrsBuf) : undefined;
  const names = ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'];
  const resourceAttributes: Record<string, string> = {};
  if (attrs)
    names.forEach((n, i) => {
      const v = str(attrs, i + 1);
      if (v !== undefined) resourceAttributes[n] = v;
    });
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: attrs ? { resourceAttributes } : {},
  };
}
