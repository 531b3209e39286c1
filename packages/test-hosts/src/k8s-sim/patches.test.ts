import { describe, expect, it } from 'vitest';
import type { Json } from './k8s-types.js';
import { jsonPatch, mergePatch, PatchError, strategicMergePatch } from './patches.js';

const deployment: Json = {
  metadata: { name: 'web', annotations: { a: '1' } },
  spec: {
    template: {
      spec: {
        containers: [
          {
            name: 'app',
            image: 'web:v1',
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
            ],
          },
          { name: 'sidecar', image: 'proxy:v1' },
        ],
      },
    },
  },
};

describe('strategicMergePatch', () => {
  it('merges containers by name, keeping the other containers and fields (kubectl set image)', () => {
    const out = strategicMergePatch(deployment, {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }],
            containers: [{ name: 'app', image: 'web:v2' }],
          },
        },
      },
    }) as { spec: { template: { spec: { containers: { name: string; image: string; env?: unknown[] }[] } } } };
    const cs = out.spec.template.spec.containers;
    expect(cs.map((c) => [c.name, c.image])).toEqual([
      ['app', 'web:v2'],
      ['sidecar', 'proxy:v1'],
    ]);
    expect(cs[0]!.env).toHaveLength(2);
    expect(JSON.stringify(out)).not.toContain('$setElementOrder');
  });

  it('deletes list items with $patch: delete, keys with null, and replaces with $patch: replace', () => {
    const out = strategicMergePatch(deployment, {
      metadata: { annotations: { a: null, b: '2' } },
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'sidecar', $patch: 'delete' },
              { name: 'app', env: [{ name: 'A', $patch: 'delete' }] },
            ],
          },
        },
      },
    }) as {
      metadata: { annotations: Record<string, string> };
      spec: { template: { spec: { containers: { name: string; env: { name: string }[] }[] } } };
    };
    expect(out.metadata.annotations).toEqual({ b: '2' });
    expect(out.spec.template.spec.containers.map((c) => c.name)).toEqual(['app']);
    expect(out.spec.template.spec.containers[0]!.env.map((e) => e.name)).toEqual(['B']);

    const replaced = strategicMergePatch(deployment, { metadata: { annotations: { $patch: 'replace', c: '3' } } }) as {
      metadata: { annotations: Record<string, string> };
    };
    expect(replaced.metadata.annotations).toEqual({ c: '3' });
  });
});

describe('mergePatch and jsonPatch', () => {
  it('merge patch replaces lists and removes null keys', () => {
    const out = mergePatch(deployment, {
      spec: { template: { spec: { containers: [{ name: 'only', image: 'x' }] } } },
      metadata: { annotations: null },
    }) as {
      metadata: Record<string, unknown>;
      spec: { template: { spec: { containers: unknown[] } } };
    };
    expect(out.spec.template.spec.containers).toEqual([{ name: 'only', image: 'x' }]);
    expect(out.metadata).toEqual({ name: 'web' });
  });

  it('json patch replaces, adds, removes and tests, with ~1 escapes (kubectl rollout undo)', () => {
    const out = jsonPatch(deployment, [
      { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'web:v0' },
      { op: 'add', path: '/metadata/annotations/kubernetes.io~1change-cause', value: 'undo' },
      { op: 'remove', path: '/spec/template/spec/containers/1' },
      { op: 'test', path: '/metadata/name', value: 'web' },
    ]) as {
      metadata: { annotations: Record<string, string> };
      spec: { template: { spec: { containers: { image: string }[] } } };
    };
    expect(out.spec.template.spec.containers.map((c) => c.image)).toEqual(['web:v0']);
    expect(out.metadata.annotations['kubernetes.io/change-cause']).toBe('undo');
    expect(() => jsonPatch(deployment, [{ op: 'test', path: '/metadata/name', value: 'api' }])).toThrow(PatchError);
    expect(() => jsonPatch(deployment, [{ op: 'remove', path: '/nope/deeper' }])).toThrow(PatchError);
  });
});
