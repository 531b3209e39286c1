// `npm test`: every check, in order, stopping at the first failing stage:
//   format (prettier --check) -> lint -> typecheck -> unit + integration (vitest, real
//   Postgres and Redis) -> end-to-end (Playwright + Debian's Chromium).
// Postgres and Redis: WHARF_TEST_PG_URL / WHARF_TEST_REDIS_URL, else 127.0.0.1:5432 and
// 127.0.0.1:6379, else an embedded PostgreSQL and a private redis-server started here.
// The last line is always "N passed, N failed" (tests run), which CI reads.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { childEnv, repoRoot, testSettings } from './lib/env.mjs';
import { failure, note, step } from './lib/log.mjs';
import { redisAnswers } from './lib/net.mjs';
import { startEmbeddedPostgres } from './lib/embedded-postgres.mjs';
import { redisServerOnPath, REDIS_INSTALL_HINT, startPrivateRedis } from './lib/redis.mjs';
import { playwrightCounts, vitestCounts } from './lib/test-counts.mjs';

const BIN = (name) => join(repoRoot, 'node_modules/.bin', name);
const E2E_DIR = join(repoRoot, 'e2e');
const PLAYWRIGHT_JSON = join(E2E_DIR, 'playwright-report/results.json');
const CHROMIUM = '/usr/bin/chromium';
const DEFAULT_PG = 'postgresql://postgres@127.0.0.1:5432/postgres';
const DEFAULT_REDIS = 'redis://127.0.0.1:6379';

const settings = testSettings();
const totals = { passed: 0, failed: 0 };
const cleanups = [];
let current = null;
let interrupted = false;

function summary() {
  process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed\n`);
}

async function cleanup() {
  for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => {});
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\nnpm test: ${sig}, stopping\n`);
    if (current?.exitCode === null) current.kill(sig);
    void cleanup().then(() => {
      summary();
      process.exit(130);
    });
  });
}

async function pgAnswers(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    await client.end().catch(() => {});
    return false;
  }
}

let servicesEnv = null;
/** Postgres and Redis for the tests; started here only when none is reachable. */
async function testServices() {
  if (servicesEnv) return servicesEnv;
  let pgUrl = settings.pgUrl ?? DEFAULT_PG;
  if (await pgAnswers(pgUrl)) {
    note(`PostgreSQL: ${settings.pgUrl ? 'WHARF_TEST_PG_URL' : '127.0.0.1:5432'}`);
  } else if (settings.pgUrl) {
    throw new Error('WHARF_TEST_PG_URL is set but PostgreSQL does not answer there');
  } else {
    const embedded = await startEmbeddedPostgres({ persistent: false });
    cleanups.push(() => embedded.stop());
    pgUrl = embedded.adminUrl;
    note(
      `PostgreSQL: nothing on 127.0.0.1:5432, started an embedded server on port ${embedded.port} (pid ${embedded.pid})`,
    );
  }
  let redisUrl = settings.redisUrl ?? DEFAULT_REDIS;
  if (await redisAnswers(redisUrl)) {
    note(`Redis: ${settings.redisUrl ? 'WHARF_TEST_REDIS_URL' : '127.0.0.1:6379'}`);
  } else if (settings.redisUrl) {
    throw new Error('WHARF_TEST_REDIS_URL is set but Redis does not answer there');
  } else {
    if (!redisServerOnPath())
      throw new Error(`no Redis on 127.0.0.1:6379 and redis-server is not installed: ${REDIS_INSTALL_HINT}`);
    const redis = await startPrivateRedis();
    cleanups.push(() => redis.stop());
    redisUrl = redis.url;
    note(`Redis: nothing on 127.0.0.1:6379, started redis-server on ${redis.url} (pid ${redis.pid})`);
  }
  servicesEnv = { WHARF_TEST_PG_URL: pgUrl, WHARF_TEST_REDIS_URL: redisUrl };
  return servicesEnv;
}

/** Runs a command with its output shown live and kept for counting. */
function run(command, args, { cwd = repoRoot, env }) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    current = child;
    let output = '';
    const keep = (chunk) => {
      output += chunk;
      if (output.length > 8_000_000) output = output.slice(-4_000_000);
    };
    child.stdout.on('data', (d) => {
      process.stdout.write(d);
      keep(d);
    });
    child.stderr.on('data', (d) => {
      process.stderr.write(d);
      keep(d);
    });
    child.once('error', (err) => resolve({ code: -1, output: `${output}${err.message}\n` }));
    child.once('close', (code, signal) => {
      current = null;
      resolve({ code: code ?? (signal ? 128 : -1), output });
    });
  });
}

// Same --env-mode/--global-deps as bootstrap.sh's build, so the builds tests depend on
// come from its cache. Loose env mode passes WHARF_TEST_* through to the tests.
const turbo = (task, extra = []) => [
  BIN('turbo'),
  ['run', task, '--env-mode=loose', '--global-deps=prisma/schema.prisma', '--continue', ...extra],
];

const stages = [
  {
    name: 'format',
    title: 'format check (prettier --check .)',
    hint: "run 'pnpm format' to fix the files listed above",
    command: [BIN('prettier'), ['--check', '.', '--log-level=warn']],
  },
  { name: 'lint', title: 'lint (turbo run lint)', command: turbo('lint', ['--output-logs=errors-only']) },
  {
    name: 'typecheck',
    title: 'typecheck (turbo run typecheck)',
    command: turbo('typecheck', ['--output-logs=errors-only']),
  },
  {
    name: 'unit',
    title: 'unit + integration tests (turbo run test --concurrency=1)',
    services: true,
    command: turbo('test', ['--concurrency=1']),
    counts: (output) => vitestCounts(output),
  },
  {
    name: 'e2e',
    title: 'end-to-end tests (Playwright, Chromium)',
    services: true,
    cwd: E2E_DIR,
    before: async () => {
      if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
      await rm(PLAYWRIGHT_JSON, { force: true });
    },
    command: [join(E2E_DIR, 'node_modules/.bin/playwright'), ['test']],
    counts: (output) => playwrightCounts(output, PLAYWRIGHT_JSON),
  },
];

/** `--only <stage>` / `--from <stage>` (format, lint, typecheck, unit, e2e) for local runs. */
function selectedStages(argv) {
  const pick = (flag) => {
    const i = argv.indexOf(flag);
    if (i === -1) return undefined;
    const name = argv[i + 1];
    const index = stages.findIndex((s) => s.name === name);
    if (index === -1) throw new Error(`${flag} needs one of: ${stages.map((s) => s.name).join(', ')}`);
    return index;
  };
  const only = pick('--only');
  if (only !== undefined) return [stages[only]];
  return stages.slice(pick('--from') ?? 0);
}

async function main() {
  const started = Date.now();
  for (const stage of selectedStages(process.argv.slice(2))) {
    const t0 = Date.now();
    step(stage.title);
    const extraEnv = stage.services ? await testServices() : {};
    await stage.before?.();
    const [command, args] = stage.command;
    const result = await run(command, args, { cwd: stage.cwd, env: childEnv({ ...extraEnv, FORCE_COLOR: '0' }) });
    if (interrupted) return;
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    if (stage.counts) {
      const c = stage.counts(result.output);
      totals.passed += c.passed;
      totals.failed += c.failed;
      // A runner that failed without reporting a failed test (crash, build error) still fails.
      if (result.code !== 0 && c.failed === 0) totals.failed += 1;
      if (result.code === 0 && !c.found) {
        totals.failed += 1;
        throw new Error(`${stage.title}: the runner reported no tests`);
      }
    } else if (result.code !== 0) {
      totals.failed += 1;
    }
    if (result.code !== 0) {
      throw new Error(
        `${stage.title} failed (exit code ${result.code}, ${seconds} s): ${stage.hint ?? 'see the output above'}`,
      );
    }
    step(`${stage.title}: ok (${seconds} s)`);
  }
  step(`all checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

let code = 0;
try {
  await main();
} catch (err) {
  failure('npm test failed', err);
  code = 1;
}
if (!interrupted) {
  await cleanup();
  summary();
  process.exit(code);
}
