// The API surface the simulator serves, as discovery documents describe it.

export interface ResourceDef {
  group: '' | 'apps' | 'authorization.k8s.io';
  name: string;
  singularName: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  /** Subresources and their verbs (scale answers autoscaling/v1 Scale). */
  subresources: Record<string, string[]>;
}

const READ_WRITE = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const RESOURCES: ResourceDef[] = [
  {
    group: '',
    name: 'namespaces',
    singularName: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    verbs: ['get', 'list', 'watch'],
    shortNames: ['ns'],
    subresources: {},
  },
  {
    group: '',
    name: 'pods',
    singularName: 'pod',
    kind: 'Pod',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['po'],
    categories: ['all'],
    subresources: { status: ['get', 'patch', 'update'], log: ['get'] },
  },
  {
    group: '',
    name: 'events',
    singularName: 'event',
    kind: 'Event',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['ev'],
    subresources: {},
  },
  {
    group: 'apps',
    name: 'deployments',
    singularName: 'deployment',
    kind: 'Deployment',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: { status: ['get', 'patch', 'update'], scale: ['get', 'patch', 'update'] },
  },
  {
    group: 'apps',
    name: 'statefulsets',
    singularName: 'statefulset',
    kind: 'StatefulSet',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['sts'],
    categories: ['all'],
    subresources: { status: ['get', 'patch', 'update'], scale: ['get', 'patch', 'update'] },
  },
  {
    group: 'apps',
    name: 'daemonsets',
    singularName: 'daemonset',
    kind: 'DaemonSet',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['ds'],
    categories: ['all'],
    subresources: { status: ['get', 'patch', 'update'] },
  },
  {
    group: 'apps',
    name: 'replicasets',
    singularName: 'replicaset',
    kind: 'ReplicaSet',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['rs'],
    categories: ['all'],
    subresources: { status: ['get', 'patch', 'update'], scale: ['get', 'patch', 'update'] },
  },
  {
    group: 'authorization.k8s.io',
    name: 'selfsubjectaccessreviews',
    singularName: 'selfsubjectaccessreview',
    kind: 'SelfSubjectAccessReview',
    namespaced: false,
    verbs: ['create'],
    subresources: {},
  },
];

export function findResource(group: string, name: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.group === group && r.name === name);
}

export function apiVersionOf(r: ResourceDef): string {
  return r.group ? `${r.group}/v1` : 'v1';
}

/** GET /api/v1, /apis/<group>/v1 */
export function resourceList(group: string): object {
  const resources = [];
  for (const r of RESOURCES.filter((x) => x.group === group)) {
    resources.push({
      name: r.name,
      singularName: r.singularName,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames ? { shortNames: r.shortNames } : {}),
      ...(r.categories ? { categories: r.categories } : {}),
      storageVersionHash: Buffer.from(`${group}/${r.name}`).toString('base64').slice(0, 11),
    });
    for (const [sub, verbs] of Object.entries(r.subresources)) {
      resources.push({
        name: `${r.name}/${sub}`,
        singularName: '',
        namespaced: r.namespaced,
        ...(sub === 'scale'
          ? { group: 'autoscaling', version: 'v1', kind: 'Scale' }
          : { kind: sub === 'log' ? 'Pod' : r.kind }),
        verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/v1` : 'v1', resources };
}

const GROUPS = ['apps', 'authorization.k8s.io'];

function group(name: string): object {
  const gv = { groupVersion: `${name}/v1`, version: 'v1' };
  return { name, versions: [gv], preferredVersion: gv };
}

/** GET /apis */
export function groupList(): object {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: GROUPS.map(group) };
}

/** GET /apis/<group> */
export function groupDoc(name: string): object | undefined {
  return GROUPS.includes(name) ? { kind: 'APIGroup', apiVersion: 'v1', ...group(name) } : undefined;
}

/** GET /api */
export function coreVersions(): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:443' }],
  };
}
