// Seeds the scratch database in bulk: projects, environments, commits, versions and
// deployments with generate_series in SQL; audit events in multi-row INSERTs from arrays
// (unnest), each carrying its link in the tamper-evident chain (hashed in Node with the API's
// own chainHash, continuing from the chain head, in one transaction that holds the head lock).
import { performance } from 'node:perf_hooks';

const ENVIRONMENTS = [
  ['dev', 0, false],
  ['staging', 1, false],
  ['production', 2, true],
];
const VERSIONS_PER_PROJECT = 200;

/** Returns the projects (slug, id, production environment id) and a deployment id to search for. */
export async function seedReleases(db, cfg, log) {
  const perProject = Math.ceil(cfg.deployments / cfg.projects);
  await db.query('BEGIN');
  await db.query(
    `INSERT INTO "Project" ("id", "slug", "name", "updatedAt")
     SELECT gen_random_uuid(), 'bench-' || lpad(i::text, 3, '0'), 'Bench ' || i, now()
       FROM generate_series(0, $1 - 1) i`,
    [cfg.projects],
  );
  await db.query(
    `INSERT INTO "Environment" ("id", "projectId", "name", "position", "protected", "updatedAt")
     SELECT gen_random_uuid(), p."id", e.name, e.pos, e.prot, now()
       FROM "Project" p CROSS JOIN unnest($1::text[], $2::int[], $3::bool[]) AS e(name, pos, prot)
      WHERE p."slug" LIKE 'bench-%'`,
    [ENVIRONMENTS.map((e) => e[0]), ENVIRONMENTS.map((e) => e[1]), ENVIRONMENTS.map((e) => e[2])],
  );
  // Commits an hour apart going back from now; version i is built from commit i. One version in
  // ten names its commit by a short sha, one in twenty names no commit at all.
  await db.query(
    `INSERT INTO "Commit" ("projectId", "sha", "title", "authoredAt")
     SELECT p."id", md5(p."id"::text || i) || '00000000', 'commit ' || i, now() - i * interval '1 hour' - interval '400 days'
       FROM "Project" p CROSS JOIN generate_series(0, $1 - 1) i WHERE p."slug" LIKE 'bench-%'`,
    [VERSIONS_PER_PROJECT],
  );
  await db.query(
    `INSERT INTO "Artifact" ("id", "projectId", "version", "kind", "commitSha", "createdAt")
     SELECT gen_random_uuid(), p."id", '1.0.' || i, 'tarball',
            CASE WHEN i % 20 = 0 THEN NULL
                 WHEN i % 10 = 5 THEN left(md5(p."id"::text || i), 8)
                 ELSE md5(p."id"::text || i) || '00000000' END,
            now() - i * interval '1 hour' - interval '400 days' + interval '20 minutes'
       FROM "Project" p CROSS JOIN generate_series(0, $1 - 1) i WHERE p."slug" LIKE 'bench-%'`,
    [VERSIONS_PER_PROJECT],
  );
  // Deployments: spread over the last 365 days, a third per environment; 80% succeed, 10% fail,
  // the rest are cancelled, rejected or expired; 5% are rollbacks.
  const t0 = performance.now();
  await db.query(
    `WITH p AS (SELECT "id", row_number() OVER (ORDER BY "slug") - 1 AS n FROM "Project" WHERE "slug" LIKE 'bench-%'),
          a AS (SELECT "id", "projectId", row_number() OVER (PARTITION BY "projectId" ORDER BY "createdAt") - 1 AS n FROM "Artifact")
     INSERT INTO "Deployment" ("id", "projectId", "environmentId", "artifactId", "trigger", "state", "actorLabel",
                               "createdAt", "startedAt", "finishedAt")
     SELECT gen_random_uuid(), p."id", e."id", a."id",
            (CASE WHEN x.r1 < 0.05 THEN 'rollback' WHEN x.r1 < 0.5 THEN 'manual' WHEN x.r1 < 0.8 THEN 'webhook' ELSE 'cli' END)::"DeploymentTrigger",
            (CASE WHEN x.r2 < 0.8 THEN 'succeeded' WHEN x.r2 < 0.9 THEN 'failed' WHEN x.r2 < 0.95 THEN 'cancelled'
                  WHEN x.r2 < 0.98 THEN 'rejected' ELSE 'expired' END)::"DeploymentState",
            'user' || (g % 40) || '@bench.local',
            x.fin - interval '3 minutes', x.fin - interval '2 minutes', x.fin
       FROM generate_series(0, $1 - 1) g
       JOIN p ON p.n = g % $2
       JOIN "Environment" e ON e."projectId" = p."id" AND e."position" = (g / $2) % 3
       JOIN a ON a."projectId" = p."id" AND a.n = (g / $2 / 3) % $3
       CROSS JOIN LATERAL (SELECT now() - random() * interval '365 days' + g * interval '0 seconds' AS fin,
                                  random() + g * 0 AS r1, random() + g * 0 AS r2) x`,
    [perProject * cfg.projects, cfg.projects, VERSIONS_PER_PROJECT],
  );
  await db.query('COMMIT');
  log(`deployments inserted in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const projects = (
    await db.query(
      `SELECT p."slug", p."id", e."id" AS production FROM "Project" p
         JOIN "Environment" e ON e."projectId" = p."id" AND e."name" = 'production'
        WHERE p."slug" LIKE 'bench-%' ORDER BY p."slug"`,
    )
  ).rows;
  const deploymentIds = (await db.query(`SELECT "id", "projectId" FROM "Deployment" ORDER BY random() LIMIT 100000`))
    .rows;
  return { projects, deploymentIds, sampleDeploymentId: deploymentIds[0].id };
}

const ACTIONS = [
  ['deployment.requested', 'deployment', 20],
  ['deployment.started', 'deployment', 20],
  ['deployment.succeeded', 'deployment', 16],
  ['deployment.failed', 'deployment', 4],
  ['deployment.rollback_requested', 'deployment', 1],
  ['artifact.pushed', 'artifact', 12],
  ['auth.login', 'user', 15],
  ['environment.updated', 'environment', 2],
  ['target.updated', 'target', 2],
  ['variable.set', 'environment', 3],
  ['token.created', 'token', 1],
  ['member.upserted', 'project', 1],
  ['project.updated', 'project', 1],
  ['credential.rotated', 'credential', 1],
  ['webhook.delivery_failed', 'project', 1],
];
const BATCH = 5000;

/**
 * Appends `cfg.events` events to the chain after its current head, a year's worth ending now.
 * Returns the chain's new length.
 */
export async function seedAuditChain(db, cfg, seeded, chainHash, log) {
  const weighted = ACTIONS.flatMap((a) => Array(a[2]).fill(a));
  const start = Date.now() - 365 * 86_400_000;
  const step = (365 * 86_400_000) / cfg.events;
  await db.query('BEGIN');
  const head = (await db.query('SELECT "seq", "hash" FROM "AuditChainHead" WHERE "id" = 1 FOR UPDATE')).rows[0];
  let seq = BigInt(head.seq);
  let prev = head.hash;
  const cols = {
    at: [],
    actorLabel: [],
    action: [],
    subjectType: [],
    subjectId: [],
    projectId: [],
    ip: [],
    data: [],
    seq: [],
    hash: [],
  };
  const flush = async () => {
    if (cols.at.length === 0) return;
    await db.query(
      `INSERT INTO "AuditEvent" ("at", "actorLabel", "action", "subjectType", "subjectId", "projectId", "ip", "data", "chainSeq", "chainHash")
       SELECT * FROM unnest($1::timestamp[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::text[], $8::jsonb[], $9::int8[], $10::bytea[])`,
      [
        cols.at,
        cols.actorLabel,
        cols.action,
        cols.subjectType,
        cols.subjectId,
        cols.projectId,
        cols.ip,
        cols.data,
        cols.seq,
        cols.hash,
      ],
    );
    for (const k of Object.keys(cols)) cols[k] = [];
  };
  const t0 = performance.now();
  for (let i = 0; i < cfg.events; i++) {
    const [action, subjectType] = weighted[i % weighted.length];
    const dep = seeded.deploymentIds[(i * 7919) % seeded.deploymentIds.length];
    const project = seeded.projects[i % seeded.projects.length];
    const system = action === 'webhook.delivery_failed';
    const e = {
      seq: ++seq,
      at: new Date(Math.floor(start + i * step)),
      actorUserId: null,
      actorTokenId: null,
      actorLabel: system ? 'system' : `user${i % 40}@bench.local`,
      action,
      subjectType,
      subjectId:
        subjectType === 'deployment' ? dep.id : subjectType === 'project' ? project.id : `${subjectType}-${i % 500}`,
      projectId: action === 'auth.login' ? null : subjectType === 'deployment' ? dep.projectId : project.id,
      ip: action === 'auth.login' ? '127.0.0.1' : null,
      data:
        subjectType === 'deployment' || subjectType === 'artifact'
          ? { version: `1.0.${i % 200}`, environment: ['dev', 'staging', 'production'][i % 3] }
          : { name: `${subjectType}-${i % 500}` },
    };
    prev = chainHash(prev, e);
    cols.at.push(e.at.toISOString());
    cols.actorLabel.push(e.actorLabel);
    cols.action.push(e.action);
    cols.subjectType.push(e.subjectType);
    cols.subjectId.push(e.subjectId);
    cols.projectId.push(e.projectId);
    cols.ip.push(e.ip);
    cols.data.push(JSON.stringify(e.data));
    cols.seq.push(e.seq.toString());
    cols.hash.push(prev);
    if (cols.at.length === BATCH) await flush();
    if ((i + 1) % 200_000 === 0) log(`  ${i + 1} events (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  await flush();
  await db.query('UPDATE "AuditChainHead" SET "seq" = $1, "hash" = $2 WHERE "id" = 1', [seq.toString(), prev]);
  await db.query('COMMIT');
  return Number(seq);
}
