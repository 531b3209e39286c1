// The simulated cluster of the benchmark: N Deployments, one per namespace, in the
// Kubernetes simulator, a clock of the moments the simulator's controller completes each
// rollout, and the API requests the simulator answered, by workload.
import { startK8sSim } from '@wharf/test-hosts';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export const CONTAINER = 'app';
export const DEPLOYMENT = 'app';
export const namespaceOf = (i) => `bench-${String(i).padStart(2, '0')}`;

/** kubectl's rule (`rollout status`): the latest spec observed, every replica updated, ready and available, none old left. */
export function rolloutComplete(d) {
  const s = d.status ?? {};
  const want = d.spec.replicas ?? 1;
  return (
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) &&
    (s.updatedReplicas ?? 0) === want &&
    (s.replicas ?? 0) === want &&
    (s.readyReplicas ?? 0) === want &&
    (s.availableReplicas ?? 0) === want
  );
}

export async function startCluster(cfg, image) {
  const namespaces = Array.from({ length: cfg.workloads }, (_, i) => namespaceOf(i));
  const sim = await startK8sSim({ namespaces, timing: cfg.timing });
  /** `${namespace}#${generation}` -> ms when the controller wrote the status that completed it. */
  const completions = new Map();
  /** `${namespace}#${generation}` -> ms when the spec of that generation was written (the patch). */
  const patches = new Map();
  const stopClock = sim.onChange((c) => {
    if (c.resource !== 'deployments' || c.type === 'DELETED') return;
    const d = c.object;
    const key = `${d.metadata.namespace}#${d.metadata.generation}`;
    if (!patches.has(key)) patches.set(key, Date.now());
    if (!completions.has(key) && rolloutComplete(d)) completions.set(key, Date.now());
  });
  for (const namespace of namespaces) {
    // Few old ReplicaSets kept: every run adds two revisions, and the simulator's controller
    // compares each one's template on every tick (its CPU is the benchmark's noise, not a tool's).
    sim.createDeployment({
      namespace,
      name: DEPLOYMENT,
      container: CONTAINER,
      image,
      replicas: cfg.replicas,
      spec: { revisionHistoryLimit: 2 },
    });
  }
  const cluster = {
    sim,
    namespaces,
    generationOf: (namespace) => sim.get('deployments', namespace, DEPLOYMENT)?.metadata.generation ?? 0,
    imageOf: (namespace) => sim.get('deployments', namespace, DEPLOYMENT)?.spec.template.spec.containers[0]?.image,
    completedAt: (namespace, generation) => completions.get(`${namespace}#${generation}`),
    patchedAt: (namespace, generation) => patches.get(`${namespace}#${generation}`),
    /** Every rollout complete and no pod still terminating: the next run starts from the same state. */
    async quiesce(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const settled =
          namespaces.every((ns) => {
            const d = sim.get('deployments', ns, DEPLOYMENT);
            return d && rolloutComplete(d);
          }) && sim.list('pods').every((p) => !p.metadata.deletionTimestamp);
        if (settled) return;
        if (Date.now() > deadline) throw new Error(`the cluster did not settle within ${timeoutMs} ms`);
        await sleep(50);
      }
    },
    /** Starts counting requests; the returned function summarizes those made since. */
    countRequests() {
      const from = sim.requests.length;
      return () => summarizeRequests(sim.requests.slice(from), namespaces);
    },
    async stop() {
      stopClock();
      await sim.stop();
    },
  };
  return cluster;
}

const NAMESPACED = /^\/(?:api\/v1|apis\/[^/]+\/[^/]+)\/namespaces\/([^/]+)(\/.*)?$/;

/** get, list, watch, patch...: what a request did, from its method, path and query. */
function verbOf(r, rest) {
  if (r.method !== 'GET') return r.method.toLowerCase();
  if (/(^|&|\?)watch=(true|1)(&|$)/.test(r.query)) return 'watch';
  const parts = (rest ?? '').split('/').filter(Boolean);
  return parts.length === 1 ? 'list' : 'get';
}

/** Requests per namespace (= per workload) and the cluster-wide ones (discovery, /version). */
export function summarizeRequests(requests, namespaces) {
  const perWorkload = new Map(namespaces.map((ns) => [ns, 0]));
  const byVerb = {};
  const byResource = {};
  const connections = new Map(namespaces.map((ns) => [ns, new Set()]));
  /** Each workload's requests in order: what, when, on which connection (for the timeline). */
  const entries = [];
  let clusterWide = 0;
  for (const r of requests) {
    const m = NAMESPACED.exec(r.path);
    if (!m || !perWorkload.has(m[1])) {
      clusterWide++;
      const key = `cluster ${r.path}`;
      byResource[key] = (byResource[key] ?? 0) + 1;
      continue;
    }
    perWorkload.set(m[1], perWorkload.get(m[1]) + 1);
    connections.get(m[1]).add(r.connectionId);
    const verb = verbOf(r, m[2]);
    byVerb[verb] = (byVerb[verb] ?? 0) + 1;
    const resource = (m[2] ?? '/').split('/').filter(Boolean);
    const key = `${verb} ${resource[0] ?? 'namespace'}${resource.length > 2 ? `/${resource.slice(2).join('/')}` : ''}`;
    byResource[key] = (byResource[key] ?? 0) + 1;
    entries.push({ ns: m[1], key, at: r.receivedAt, connectionId: r.connectionId });
  }
  const counts = [...perWorkload.values()];
  return {
    total: requests.length,
    /** TCP+TLS connections the server accepted (every one a handshake). */
    connections: new Set(requests.map((r) => r.connectionId)).size,
    connectionsPerWorkload: [...connections.values()].reduce((a, c) => a + c.size, 0) / namespaces.length,
    entries,
    clusterWide,
    perWorkload: {
      min: Math.min(...counts),
      max: Math.max(...counts),
      mean: counts.reduce((a, b) => a + b, 0) / counts.length,
    },
    /** Every request of the run divided by the workloads: what the cluster pays per workload. */
    allPerWorkload: requests.length / namespaces.length,
    byVerb,
    byResource,
  };
}
