// `Accept: application/json;as=Table;g=meta.k8s.io;v=v1` answers, which `kubectl get`
// prints (server-side printing): the same columns a real API server gives for these kinds.
import type { IncomingMessage } from 'node:http';
import type { Deployment, KubeObject, Pod } from './k8s-types.js';
import type { ResourceDef } from './resources.js';

export function wantsTable(req: IncomingMessage): boolean {
  return /as=Table/.test(req.headers.accept ?? '');
}

function age(ts: string): string {
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(ts)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  return `${Math.floor(s / 3600)}h`;
}

function podStatus(p: Pod): string {
  if (p.metadata.deletionTimestamp) return 'Terminating';
  for (const c of p.status.containerStatuses ?? []) {
    if (c.state.waiting?.reason) return c.state.waiting.reason;
  }
  const sched = p.status.conditions?.find((c) => c.type === 'PodScheduled');
  if (sched?.status === 'False' && sched.reason) return sched.reason;
  return p.status.phase;
}

type Column = { name: string; type: string; format?: string; cell: (o: KubeObject) => string | number };

const COLUMNS: Record<string, Column[]> = {
  pods: [
    {
      name: 'Ready',
      type: 'string',
      cell: (o) => {
        const p = o as Pod;
        return `${(p.status.containerStatuses ?? []).filter((c) => c.ready).length}/${p.spec.containers.length}`;
      },
    },
    { name: 'Status', type: 'string', cell: (o) => podStatus(o as Pod) },
    {
      name: 'Restarts',
      type: 'string',
      cell: (o) => String((o as Pod).status.containerStatuses?.reduce((n, c) => n + c.restartCount, 0) ?? 0),
    },
  ],
  deployments: [
    {
      name: 'Ready',
      type: 'string',
      cell: (o) => `${(o as Deployment).status?.readyReplicas ?? 0}/${(o as Deployment).spec.replicas ?? 1}`,
    },
    { name: 'Up-to-date', type: 'integer', cell: (o) => (o as Deployment).status?.updatedReplicas ?? 0 },
    { name: 'Available', type: 'integer', cell: (o) => (o as Deployment).status?.availableReplicas ?? 0 },
  ],
};

export function toTable(r: ResourceDef, items: KubeObject[], resourceVersion: string, url: URL): object {
  const cols = COLUMNS[r.name] ?? [];
  const includeObject = url.searchParams.get('includeObject') ?? 'PartialObjectMetadata';
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: [
      {
        name: 'Name',
        type: 'string',
        format: 'name',
        description: 'Name must be unique within a namespace.',
        priority: 0,
      },
      ...cols.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: '', priority: 0 })),
      { name: 'Age', type: 'string', format: '', description: 'CreationTimestamp', priority: 0 },
    ],
    rows: items.map((o) => ({
      cells: [o.metadata.name, ...cols.map((c) => c.cell(o)), age(o.metadata.creationTimestamp)],
      object:
        includeObject === 'Object'
          ? o
          : includeObject === 'None'
            ? null
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
