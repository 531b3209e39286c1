// startK8sSim(): a Kubernetes API server simulator on https://127.0.0.1:<free port> with a
// per-run CA, bearer tokens, namespaces, a controller that rolls workloads over time and
// hooks for faults. Real clients (kubectl, @kubernetes/client-node) talk to it unchanged.
import { createServer, type Server } from 'node:https';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimApiServer, type RecordedRequest, type SimToken } from './api-server.js';
import { makeCertificates } from './certs.js';
import { DEFAULT_TIMING, SimController, type ImageBehavior, type SimTiming } from './controller.js';
import type { DaemonSet, Deployment, Json, KubeObject, Pod, StatefulSet } from './k8s-types.js';
import { findResource } from './resources.js';
import { ObjectStore, type StoredEvent } from './store.js';

/** One change of a stored object, as the store applied it (the object is the store's copy: read only). */
export type SimChange = StoredEvent;

export interface StartK8sSimOptions {
  /** Namespaces that exist. Default ['default']. */
  namespaces?: string[];
  /** Bearer tokens. Default: one token that may do everything (`adminToken`). */
  tokens?: SimToken[];
  /** Node names (DaemonSets run one pod per node). Default sim-node-1..3. */
  nodes?: string[];
  /** Pod and controller timings in ms; defaults take a rollout of 2 replicas well under a second. */
  timing?: Partial<SimTiming>;
  /** What given images do; any other image starts and gets ready. */
  images?: Record<string, ImageBehavior>;
  /**
   * Streaming lists (a watch with `sendInitialEvents=true`, the WatchList feature). Default
   * true, as Kubernetes 1.32 and 1.34+; false answers 422 as 1.33 does.
   */
  watchList?: boolean;
}

export interface WorkloadInput {
  namespace: string;
  name: string;
  image: string;
  /** Default 'app'. */
  container?: string;
  /** Deployments and StatefulSets; default 2. */
  replicas?: number;
  /** Extra pod template fields of the container, e.g. { imagePullPolicy: 'Always' }. */
  containerFields?: Record<string, unknown>;
  /** Merged into the workload's spec (strategy, progressDeadlineSeconds, ...). */
  spec?: Record<string, unknown>;
}

export interface K8sSim {
  /** https://127.0.0.1:<port> */
  url: string;
  /** PEM of the CA that signed the server certificate. */
  caPem: string;
  tokens: SimToken[];
  /** The first token: may do everything in every namespace. */
  adminToken: string;
  rootDir: string;
  /** A kubeconfig (YAML text) for this server, the given token and default namespace. */
  kubeconfig(opts?: { token?: string; namespace?: string }): string;
  /** Writes kubeconfig() to a file under rootDir and returns its path. */
  writeKubeconfig(opts?: { token?: string; namespace?: string; fileName?: string }): Promise<string>;
  setImageBehavior(image: string, behavior: ImageBehavior): void;
  createDeployment(w: WorkloadInput): Deployment;
  createStatefulSet(w: WorkloadInput): StatefulSet;
  createDaemonSet(w: Omit<WorkloadInput, 'replicas'>): DaemonSet;
  get<T extends KubeObject = KubeObject>(resource: string, namespace: string, name: string): T | undefined;
  list<T extends KubeObject = KubeObject>(resource: string, namespace?: string): T[];
  /** Pods of a workload, by its selector labels (app=<name>). */
  podsOf(namespace: string, name: string): Pod[];
  /** Resolves once the workload's template rolled out completely (all replicas updated and ready). */
  waitForRollout(
    resource: 'deployments' | 'statefulsets' | 'daemonsets',
    namespace: string,
    name: string,
    timeoutMs?: number,
  ): Promise<void>;
  /** The next `count` matching requests answer `status` (default 503). */
  failRequests(count: number, status?: number, match?: (method: string, path: string) => boolean): void;
  /** Ends every open watch now; returns how many there were. */
  dropWatches(): number;
  /** Sends 410 Gone to every open watch and compacts history. */
  expireWatches(): number;
  openWatches(): number;
  /** Every request so far, in order (method, path, query, user, content type, status, arrival time, connection). */
  requests: RecordedRequest[];
  /**
   * Calls `listener` synchronously on every change the store applies (API writes and the
   * controller's), e.g. to timestamp the moment a rollout completes. Returns the unsubscribe.
   */
  onChange(listener: (change: SimChange) => void): () => void;
  stop(): Promise<void>;
}

export async function startK8sSim(opts: StartK8sSimOptions = {}): Promise<K8sSim> {
  const rootDir = await mkdtemp(join(tmpdir(), 'wharf-k8s-sim-'));
  try {
    return await start(rootDir, opts);
  } catch (err) {
    await rm(rootDir, { recursive: true, force: true });
    throw err;
  }
}

async function start(rootDir: string, opts: StartK8sSimOptions): Promise<K8sSim> {
  const certs = await makeCertificates(rootDir);
  const tokens = opts.tokens ?? [
    { token: `sim-admin-${Math.random().toString(36).slice(2)}`, user: 'sim-admin', namespaces: '*' as const },
  ];
  const admin = tokens[0];
  if (!admin) throw new Error('startK8sSim: at least one token is needed');
  const images = new Map(Object.entries(opts.images ?? {}));
  const store = new ObjectStore();
  const controller = new SimController(store, {
    timing: { ...DEFAULT_TIMING, ...opts.timing },
    nodes: opts.nodes ?? ['sim-node-1', 'sim-node-2', 'sim-node-3'],
    behaviorOf: (image) => images.get(image) ?? { kind: 'ok' },
  });
  const api = new SimApiServer(store, controller, tokens, opts.watchList ?? true);
  for (const ns of opts.namespaces ?? ['default']) {
    store.create('namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: ns,
        uid: '',
        resourceVersion: '',
        creationTimestamp: '',
        labels: { 'kubernetes.io/metadata.name': ns },
      },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }

  const sockets = new Set<Socket>();
  const server: Server = createServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => api.handle(req, res));
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  if (!addr || typeof addr !== 'object') throw new Error('k8s simulator did not get a port');
  const url = `https://127.0.0.1:${addr.port}`;
  controller.start();

  const kubeconfig = (o: { token?: string; namespace?: string } = {}) =>
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: sim',
      '  cluster:',
      `    server: ${url}`,
      `    certificate-authority-data: ${Buffer.from(certs.caPem).toString('base64')}`,
      'users:',
      '- name: sim-user',
      '  user:',
      `    token: ${o.token ?? admin.token}`,
      'contexts:',
      '- name: sim',
      '  context:',
      '    cluster: sim',
      '    user: sim-user',
      `    namespace: ${o.namespace ?? 'default'}`,
      'current-context: sim',
      '',
    ].join('\n');

  const createWorkload = <T extends KubeObject>(
    resource: string,
    kind: string,
    w: WorkloadInput,
    withReplicas: boolean,
  ): T => {
    const r = findResource('apps', resource)!;
    const labels = { app: w.name };
    const body = {
      apiVersion: 'apps/v1',
      kind,
      metadata: { name: w.name, namespace: w.namespace, labels },
      spec: {
        ...(withReplicas ? { replicas: w.replicas ?? 2 } : {}),
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: w.container ?? 'app', image: w.image, ...w.containerFields }] },
        },
        ...(resource === 'statefulsets' ? { serviceName: w.name } : {}),
        ...w.spec,
      },
    };
    return api.createObject(r, w.namespace, JSON.parse(JSON.stringify(body)) as Json) as T;
  };

  const sim: K8sSim = {
    url,
    caPem: certs.caPem,
    tokens,
    adminToken: admin.token,
    rootDir,
    kubeconfig,
    async writeKubeconfig(o = {}) {
      const path = join(rootDir, o.fileName ?? `kubeconfig-${Math.random().toString(36).slice(2)}.yaml`);
      await writeFile(path, kubeconfig(o), { mode: 0o600 });
      return path;
    },
    setImageBehavior: (image, behavior) => images.set(image, behavior),
    createDeployment: (w) => createWorkload<Deployment>('deployments', 'Deployment', w, true),
    createStatefulSet: (w) => createWorkload<StatefulSet>('statefulsets', 'StatefulSet', w, true),
    createDaemonSet: (w) => createWorkload<DaemonSet>('daemonsets', 'DaemonSet', w, false),
    get: (resource, namespace, name) => store.get(resource, namespace, name),
    list: (resource, namespace) => store.list(resource, namespace),
    podsOf: (namespace, name) => store.list<Pod>('pods', namespace).filter((p) => p.metadata.labels?.app === name),
    async waitForRollout(resource, namespace, name, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (rolledOut(store, resource, namespace, name)) return;
        if (Date.now() > deadline) throw new Error(`${resource}/${name} did not roll out within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    failRequests: (count, status, match) => api.failRequests(count, status, match),
    dropWatches: () => api.dropWatches(),
    expireWatches: () => api.expireWatches(),
    openWatches: () => api.openWatches,
    requests: api.requests,
    onChange: (listener) => store.subscribe(listener),
    async stop() {
      controller.stop();
      api.closeAll();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(rootDir, { recursive: true, force: true });
    },
  };
  return sim;
}

function rolledOut(store: ObjectStore, resource: string, namespace: string, name: string): boolean {
  const o = store.get<KubeObject>(resource, namespace, name);
  if (!o) return false;
  const gen = o.metadata.generation ?? 0;
  if (resource === 'deployments') {
    const d = o as Deployment;
    const want = d.spec.replicas ?? 1;
    const s = d.status ?? {};
    return (
      (s.observedGeneration ?? 0) >= gen &&
      (s.updatedReplicas ?? 0) === want &&
      (s.replicas ?? 0) === want &&
      (s.availableReplicas ?? 0) === want
    );
  }
  if (resource === 'statefulsets') {
    const s = (o as StatefulSet).status;
    const want = (o as StatefulSet).spec.replicas ?? 1;
    return (
      !!s &&
      (s.observedGeneration ?? 0) >= gen &&
      s.readyReplicas === want &&
      s.updatedReplicas === want &&
      s.currentRevision === s.updateRevision
    );
  }
  const s = (o as DaemonSet).status;
  return (
    !!s &&
    (s.observedGeneration ?? 0) >= gen &&
    s.updatedNumberScheduled === s.desiredNumberScheduled &&
    s.numberAvailable === s.desiredNumberScheduled
  );
}
