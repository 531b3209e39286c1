// Wharf's side, all through its HTTP API as a person or CI would use it: a project with one
// environment, a kubeconfig credential and one Kubernetes target per workload; per run, an
// image registered as a version and a deployment of it, followed until it is final.
import { CONTAINER, DEPLOYMENT } from './cluster.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const FINAL = new Set(['succeeded', 'failed', 'cancelled']);

export async function setupWharfProject(client, cfg, cluster) {
  const slug = 'k8s-bench';
  await client.ok('POST', '/api/v1/projects', { slug, name: slug });
  const env = await client.ok('POST', `/api/v1/projects/${slug}/environments`, { name: 'production' });
  await client.ok('PATCH', `/api/v1/projects/${slug}/environments/${env.id}/settings`, {
    batchSize: cfg.parallelism,
    onFailure: 'stop',
    kubernetes: { mode: 'image', rolloutTimeoutSeconds: cfg.rolloutTimeoutS },
  });
  const cred = await client.ok('POST', `/api/v1/projects/${slug}/credentials`, {
    name: 'sim-cluster',
    kind: 'kubeconfig',
    value: cluster.sim.kubeconfig(),
  });
  /** target id -> namespace */
  const targets = new Map();
  for (const namespace of cluster.namespaces) {
    const t = await client.ok('POST', `/api/v1/projects/${slug}/environments/${env.id}/targets`, {
      kind: 'kubernetes',
      name: namespace,
      credentialId: cred.id,
      config: { apiUrl: cluster.sim.url, namespace, deployment: DEPLOYMENT, container: CONTAINER, kind: 'Deployment' },
    });
    targets.set(t.id, namespace);
  }
  return { slug, envId: env.id, targets };
}

const epochMs = (col) => `(EXTRACT(EPOCH FROM "${col}") * 1000)::float8 AS "${col}"`;

/**
 * Registers `image` as `version` and releases it. Times from the POST to the poll that sees
 * the deployment final; also returns the worker's own timestamps (deployment and targets).
 */
export async function runWharf(cfg, client, stack, project, version, image) {
  await client.ok('POST', `/api/v1/projects/${project.slug}/artifacts/image`, { version, image });
  const t0 = Date.now();
  const created = await client.ok('POST', `/api/v1/projects/${project.slug}/deployments`, {
    environmentId: project.envId,
    version,
  });
  const deadline = t0 + (cfg.rolloutTimeoutS + 60) * 1000;
  let d;
  for (;;) {
    d = await client.ok('GET', `/api/v1/projects/${project.slug}/deployments/${created.id}`);
    if (FINAL.has(d.state)) break;
    if (Date.now() > deadline) throw new Error(`deployment ${created.id} still ${d.state} at the deadline`);
    await sleep(cfg.pollMs);
  }
  const t1 = Date.now();
  const db = await stack.db();
  try {
    const dep = (
      await db.query(
        `SELECT ${epochMs('createdAt')}, ${epochMs('startedAt')}, ${epochMs('finishedAt')} FROM "Deployment" WHERE id = $1`,
        [created.id],
      )
    ).rows[0];
    const rows = (
      await db.query(
        `SELECT "targetId", state, batch, ${epochMs('startedAt')}, ${epochMs('finishedAt')} FROM "DeploymentTarget" WHERE "deploymentId" = $1`,
        [created.id],
      )
    ).rows;
    const targets = new Map(rows.map((r) => [project.targets.get(r.targetId), r]));
    return { id: created.id, state: d.state, startedAt: t0, finishedAt: t1, deployment: dep, targets };
  } finally {
    await db.end();
  }
}
