#!/usr/bin/env node
// Seeds a named scratch database with the audit-query data set and keeps it, for EXPLAIN
// (ANALYZE, BUFFERS) and for timing Verify in-process; run.mjs drops its own database when done.
//   BENCH_DB=wharf_auditq_scratch WHARF_SECRET_KEY=<base64 of 32 bytes> node bench/audit-query/seed-db.mjs
// The chain is hashed with WHARF_SECRET_KEY, so Verify with the same key says ok. Drop the
// database yourself when done (DROP DATABASE ... WITH (FORCE)).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { REPO_ROOT } from '../ssh-fanout/config.mjs';
import { loadConfig } from './config.mjs';
import { seedAuditChain, seedReleases } from './seed.mjs';

const log = (line) => console.error(`seed-db: ${line}`);

async function main() {
  const cfg = loadConfig();
  const name = process.env.BENCH_DB ?? '';
  if (!/^wharf_[a-z0-9_]{1,40}$/.test(name))
    throw new Error('BENCH_DB must look like wharf_<lowercase letters, digits, _>');
  const secretKey = process.env.WHARF_SECRET_KEY ?? '';
  if (Buffer.from(secretKey, 'base64').length !== 32) throw new Error('WHARF_SECRET_KEY must be 32 bytes in base64');
  const dbUrl = cfg.pgAdminUrl.replace(/\/[^/]*$/, `/${name}`);
  const admin = new pg.Client({ connectionString: cfg.pgAdminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  log(`database ${name}: migrating`);
  execFileSync('pnpm', ['exec', 'prisma', 'migrate', 'deploy'], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: dbUrl },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  try {
    await db.query(`SET TimeZone = 'UTC'`);
    let t0 = performance.now();
    const seeded = await seedReleases(db, cfg, log);
    log(`seeded ${cfg.deployments} deployments in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const { auditChainKey, chainHash } = await import(join(REPO_ROOT, 'apps/api/dist/audit/audit-chain.js'));
    const key = auditChainKey(secretKey);
    t0 = performance.now();
    await seedAuditChain(db, cfg, seeded, (prev, e) => chainHash(key, prev, e), log);
    log(`seeded ${cfg.events} chained audit events in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await db.query('VACUUM ANALYZE');
    console.log(
      JSON.stringify({
        dbUrl,
        projectSlug: seeded.projects[0].slug,
        projectId: seeded.projects[0].id,
        productionEnvironmentId: seeded.projects[0].production,
        sampleDeploymentId: seeded.sampleDeploymentId,
      }),
    );
  } finally {
    await db.end();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
