#!/usr/bin/env node
// Audit and release review at scale: a private Wharf (API + worker as child processes, see
// ../ssh-fanout/wharf-stack.mjs) on a scratch database seeded with BENCH_EVENTS audit events
// (a valid tamper-evident chain, built with the API's own audit-chain.js) and
// BENCH_DEPLOYMENTS deployments across BENCH_PROJECTS projects. Then, over HTTP, p95 of
// BENCH_CALLS calls of: the audit list under each filter, the releases list under each filter
// (when the route exists), the metrics page, and Verify over the whole chain. Each page query
// is also run directly through pg with the very SQL Prisma sends (captured from an in-process
// Prisma client running the API's own service code): the floor, reported as a ratio.
// See bench/README.md.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { REPO_ROOT } from '../ssh-fanout/config.mjs';
import { WharfClient } from '../ssh-fanout/wharf-client.mjs';
import { ADMIN, startWharfStack } from '../ssh-fanout/wharf-stack.mjs';
import { loadConfig } from './config.mjs';
import { seedAuditChain, seedReleases } from './seed.mjs';

const PAGE_TARGET_MS = 100;
const VERIFY_TARGET_MS = 10_000;
const log = (line) => console.error(`audit-query: ${line}`);
const dist = (p) => join(REPO_ROOT, 'apps/api/dist', p);

function p95(samples) {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)];
}
const median = (samples) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function timeCalls(n, fn) {
  for (let i = 0; i < 3; i++) await fn(); // warm-up: connections, plans, caches
  const out = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/**
 * An in-process Prisma client on the scratch database that records each statement it sends,
 * so the floor runs exactly the SQL the API runs for the same request.
 */
async function sqlCapture(dbUrl) {
  const { PrismaClient } = await import(dist('generated/prisma/client.js'));
  const { PrismaPg } = await import(join(REPO_ROOT, 'apps/api/node_modules/@prisma/adapter-pg/dist/index.mjs'));
  const client = new PrismaClient({
    adapter: new PrismaPg({ connectionString: dbUrl }),
    log: [{ emit: 'event', level: 'query' }],
  });
  let seen = [];
  client.$on('query', (e) => seen.push({ sql: e.query, params: JSON.parse(e.params) }));
  return {
    client,
    /** The statements `fn` sends, in order. */
    async capture(fn) {
      seen = [];
      await fn();
      const out = seen;
      seen = [];
      return out;
    },
    close: () => client.$disconnect(),
  };
}

async function main() {
  const cfg = loadConfig();
  const root = cfg.tmpRoot ?? tmpdir();
  const work = await mkdtemp(join(root, 'wharf-audit-query-'));
  const secretKey = randomBytes(32).toString('base64');
  log(`load average before start: ${load()}`);
  const stack = await startWharfStack(cfg, work, { extraEnv: { WHARF_SECRET_KEY: secretKey }, log });
  const db = new pg.Client({ connectionString: stack.dbUrl });
  let capture;
  try {
    await db.connect();
    await db.query(`SET TimeZone = 'UTC'`);
    let t0 = performance.now();
    const seeded = await seedReleases(db, cfg, log);
    log(`seeded ${cfg.deployments} deployments in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    t0 = performance.now();
    const { auditChainKey, chainHash } = await import(dist('audit/audit-chain.js'));
    const chainLength = await seedAuditChain(
      db,
      cfg,
      seeded,
      (prev, e) => chainHash(auditChainKey(secretKey), prev, e),
      log,
    );
    log(`seeded ${cfg.events} chained audit events in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await db.query('VACUUM ANALYZE');

    const api = new WharfClient(stack.url);
    await api.login(ADMIN.email, ADMIN.password);
    capture = await sqlCapture(stack.dbUrl);
    const { AuditService } = await import(dist('audit/audit.service.js'));
    const { MetricsService } = await import(dist('metrics/metrics.service.js'));
    const audit = new AuditService(capture.client, { WHARF_SECRET_KEY: secretKey, DATABASE_URL: stack.dbUrl });
    const metrics = new MetricsService(capture.client);
    const { metricsQuerySchema } = await import(dist('../node_modules/@wharf/shared/dist/index.js'));

    const slug = seeded.projects[0].slug;
    const projectId = seeded.projects[0].id;
    const prodEnv = seeded.projects[0].production;
    const mid = new Date(Date.now() - 180 * 86_400_000);
    const dayRange = { from: mid.toISOString(), to: new Date(mid.getTime() + 86_400_000).toISOString() };
    const range = (days) => ({
      from: mid.toISOString(),
      to: new Date(mid.getTime() + days * 86_400_000).toISOString(),
    });
    const weekRange = range(7);
    const monthRange = range(30);
    const auditCases = [
      ['audit: no filter', {}],
      ['audit: action', { action: 'deployment.failed' }],
      ['audit: family', { action: 'deployment.' }],
      ['audit: actor', { actor: 'user7@bench.local' }],
      ['audit: actor, no match', { actor: 'nobody@bench.local' }],
      ['audit: subject', { subjectType: 'deployment', subjectId: seeded.sampleDeploymentId }],
      ['audit: time range (1 day)', dayRange],
      ['audit: q (version)', { q: '1.0.42' }],
      ['audit: q, no match', { q: 'no-such-text' }],
      ['audit: project', { projectId }],
      ['audit: project + action', { projectId, action: 'deployment.succeeded' }],
      // Two or more filters together. The seed derives version, actor and action from one
      // counter, so `1.0.42` is only ever deployment.succeeded by user2: each pair is measured
      // with a partner its events have (all match) and one they never have (nothing matches,
      // the page's worst case: every event of one filter is checked against the other).
      ['audit: q (version) + actor', { q: '1.0.42', actor: 'user2@bench.local' }],
      ['audit: q (version) + actor, no match', { q: '1.0.42', actor: 'user7@bench.local' }],
      ['audit: q (version) + family', { q: '1.0.42', action: 'deployment.' }],
      ['audit: q (version) + family, no match', { q: '1.0.42', action: 'artifact.' }],
      ['audit: q (version) + time range (1 day)', { q: '1.0.42', ...dayRange }],
      ['audit: q (version) + time range (30 days)', { q: '1.0.42', ...monthRange }],
      [
        'audit: actor + action + time range (7 days)',
        { actor: 'user16@bench.local', action: 'deployment.failed', ...weekRange },
      ],
      [
        'audit: actor + family + time range (7 days)',
        { actor: 'user7@bench.local', action: 'deployment.', ...weekRange },
      ],
      ['audit: project + q (version)', { projectId, q: '1.0.42' }],
      // Terms pg_trgm cannot index: shorter than 3 characters (no trigram), non-ASCII.
      ['audit: q, 2 characters (common)', { q: '42' }],
      ['audit: q, 2 characters, no match (v1)', { q: 'v1' }],
      ['audit: q, non-ASCII 2 characters, no match (部署)', { q: '部署' }],
      ['audit: q, non-ASCII 4 characters, no match (デプロイ)', { q: 'デプロイ' }],
      ['audit: q, non-ASCII with punctuation, no match (café-1.0)', { q: 'café-1.0' }],
    ];
    const cases = [];
    for (const [name, f] of auditCases) {
      const { projectId: scoped, ...query } = f;
      const qs = new URLSearchParams({ ...query, limit: '50' }).toString();
      const path = scoped ? `/api/v1/projects/${slug}/audit?${qs}` : `/api/v1/audit?${qs}`;
      cases.push({ name, path, floor: await capture.capture(() => audit.list(f, 50)) });
    }
    const metricCases = [
      ['metrics: default (30 days, production)', {}],
      ['metrics: 365 days, weekly', { from: new Date(Date.now() - 365 * 86_400_000).toISOString(), bucket: 'week' }],
      [
        'metrics: one environment, 90 days',
        { environmentId: prodEnv, from: new Date(Date.now() - 90 * 86_400_000).toISOString() },
      ],
    ];
    for (const [name, q] of metricCases) {
      const path = `/api/v1/projects/${slug}/metrics?${new URLSearchParams(q)}`;
      const parsed = metricsQuerySchema.parse(q);
      cases.push({ name, path, floor: await capture.capture(() => metrics.forProject(projectId, parsed)) });
    }
    const probe = await api.call('GET', `/api/v1/projects/${slug}/releases?limit=50`);
    const releasesNote =
      probe.status === 200
        ? null
        : `GET /api/v1/projects/:slug/releases answered ${probe.status}: the Releases list was not measured`;
    if (!releasesNote) {
      const releaseCases = [
        ['releases: no filter', {}],
        ['releases: environment', { environmentId: prodEnv }],
        ['releases: actor', { actor: 'user7@bench.local' }],
        ['releases: state', { state: 'failed' }],
        ['releases: trigger', { trigger: 'rollback' }],
        ['releases: time range (1 day)', dayRange],
        ['releases: version', { version: '1.0.42' }],
        ['releases: q', { q: 'user7' }],
        // Filters together (the seed has no errors, reasons or approvals: q matches nothing).
        [
          'releases: environment + actor + state',
          { environmentId: prodEnv, actor: 'user7@bench.local', state: 'failed' },
        ],
        [
          'releases: version + time range (90 days)',
          { version: '1.0.42', from: new Date(Date.now() - 90 * 86_400_000).toISOString() },
        ],
        ['releases: q + environment', { q: 'timeout', environmentId: prodEnv }],
        ['releases: actor + trigger + time range (30 days)', { actor: 'user7', trigger: 'rollback', ...monthRange }],
      ];
      for (const [name, q] of releaseCases)
        cases.push({ name, path: `/api/v1/projects/${slug}/releases?${new URLSearchParams({ ...q, limit: '50' })}` });
      const admin = await api.call('GET', '/api/v1/releases?limit=50');
      if (admin.status === 200) {
        cases.push({ name: 'releases (admin): no filter', path: '/api/v1/releases?limit=50' });
        // Across all 100,000 deployments.
        for (const [name, q] of [
          ['releases (admin): actor + state', { actor: 'user7@bench.local', state: 'failed' }],
          ['releases (admin): q, no match', { q: 'timeout' }],
        ])
          cases.push({ name, path: `/api/v1/releases?${new URLSearchParams({ ...q, limit: '50' })}` });
      }
    } else log(releasesNote);

    const rows = [];
    // BENCH_ONLY=verify: only the Verify walks (the page queries take long on a loaded machine).
    for (const c of cfg.only === 'verify' ? [] : cases) {
      const first = await api.call('GET', c.path);
      if (first.status !== 200)
        throw new Error(`${c.path}: ${first.status} ${JSON.stringify(first.body).slice(0, 300)}`);
      const loadBefore = load();
      const http = await timeCalls(cfg.calls, () => api.ok('GET', c.path));
      let floorP95 = null;
      if (c.floor?.length) {
        const floor = await timeCalls(cfg.calls, async () => {
          for (const s of c.floor) await db.query(s.sql, s.params);
        });
        floorP95 = p95(floor);
      }
      const row = {
        name: c.name,
        calls: http.length,
        p50: median(http),
        p95: p95(http),
        floorP95,
        ratio: floorP95 ? p95(http) / floorP95 : null,
        statements: c.floor?.length ?? null,
        pass: p95(http) < PAGE_TARGET_MS,
        load: loadBefore,
        items: Array.isArray(first.body?.items) ? first.body.items.length : undefined,
      };
      rows.push(row);
      log(
        `${row.name}: p95 ${row.p95.toFixed(1)} ms (floor ${floorP95?.toFixed(1) ?? '-'} ms) ${row.pass ? 'PASS' : 'FAIL'}, load ${loadBefore}`,
      );
    }

    // Verify: the whole walk, a few times (each is long), and its floor: the same keyset
    // batches read through pg (no hashing).
    const verifyTimes = [];
    let verifyBody;
    for (let i = 0; i < cfg.verifyCalls; i++) {
      const t = performance.now();
      // Its own timeout: the walk may take far longer than a page on a loaded machine.
      const res = await fetch(`${stack.url}/api/v1/audit/verify`, {
        headers: { accept: 'application/json', cookie: api.cookie },
        signal: AbortSignal.timeout(900_000),
      });
      if (res.status !== 200) throw new Error(`verify answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      verifyBody = await res.json();
      verifyTimes.push(performance.now() - t);
      log(
        `verify ${i + 1}: ${(verifyTimes.at(-1) / 1000).toFixed(2)} s, ok=${verifyBody.ok} checked=${verifyBody.checked}`,
      );
    }
    if (!verifyBody.ok || verifyBody.checked < chainLength) {
      throw new Error(`verify did not check the seeded chain: ${JSON.stringify(verifyBody).slice(0, 400)}`);
    }
    const floorT = performance.now();
    let after = 0n;
    for (;;) {
      const r = await db.query('SELECT * FROM "AuditEvent" WHERE "chainSeq" > $1 ORDER BY "chainSeq" ASC LIMIT 5000', [
        after.toString(),
      ]);
      if (r.rows.length < 5000) break;
      after = BigInt(r.rows.at(-1).chainSeq);
    }
    const verifyFloor = performance.now() - floorT;
    const verify = {
      name: 'verify (whole chain)',
      calls: verifyTimes.length,
      median: median(verifyTimes),
      max: Math.max(...verifyTimes),
      floor: verifyFloor,
      ratio: median(verifyTimes) / verifyFloor,
      checked: verifyBody.checked,
      pass: Math.max(...verifyTimes) < VERIFY_TARGET_MS,
      load: load(),
    };

    const table = [
      '| query | p50 ms | p95 ms | floor p95 ms (pg, same SQL) | ratio | target | load avg (1/5/15 min) |',
      '| --- | ---: | ---: | ---: | ---: | --- | --- |',
      ...rows.map(
        (r) =>
          `| ${r.name} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.floorP95?.toFixed(1) ?? '—'} | ${r.ratio?.toFixed(1) ?? '—'} | ${r.pass ? 'PASS' : 'FAIL'} (< ${PAGE_TARGET_MS}) | ${r.load} |`,
      ),
      `| ${verify.name}, ${verify.checked} events, ${verify.calls} runs | ${(verify.median / 1000).toFixed(2)} s | max ${(verify.max / 1000).toFixed(2)} s | ${(verify.floor / 1000).toFixed(2)} s (read only) | ${verify.ratio.toFixed(1)} | ${verify.pass ? 'PASS' : 'FAIL'} (< 10 s) | ${verify.load} |`,
    ];
    console.log(table.join('\n'));
    if (releasesNote) console.log(`\n${releasesNote}`);
    const resultFile = join(REPO_ROOT, 'bench/results/audit-query.json');
    await mkdir(dirname(resultFile), { recursive: true });
    await writeFile(
      resultFile,
      JSON.stringify(
        { at: new Date().toISOString(), cfg: { ...cfg, childPath: undefined }, rows, verify, releasesNote },
        null,
        2,
      ),
    );
    log(`results in ${resultFile}`);
    if (!rows.every((r) => r.pass) || !verify.pass) process.exitCode = 1;
  } finally {
    await capture?.close().catch(() => undefined);
    await db.end().catch(() => undefined);
    await stack.stop();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
