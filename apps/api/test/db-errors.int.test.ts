// The database error predicates against errors Postgres, pg and Prisma really raise: model
// calls, raw queries and pg itself, a database that is down, and a connection cut mid-query.
// Also walks every constraint name the code matches on and checks the migrations create it.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConflictException } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConnectionError, isForeignKeyViolation, isNotFound, isUniqueViolation } from '../src/common/db-errors.js';
import { PrismaClient } from '../src/generated/prisma/client.js';
import { startTcpProxy, type TcpProxy } from './fault-tools.js';
import { createTestDatabase, type TestDatabase } from './test-env.js';

const NO_ID = '00000000-0000-0000-0000-000000000000';
const PREDICATES = { isUniqueViolation, isForeignKeyViolation, isNotFound, isConnectionError };
type Predicate = keyof typeof PREDICATES;

let db: TestDatabase;
let prisma: PrismaClient;
let client: pg.Client;
let proxy: TcpProxy;
let projectId = '';

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url }) });
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
  projectId = (await prisma.project.create({ data: { slug: 'taken', name: 'p' } })).id;
});

afterAll(async () => {
  await prisma?.$disconnect();
  await client?.end();
  await proxy?.close();
  await db?.drop();
});

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected the database to refuse');
    },
    (err: unknown) => err,
  );
}

/** Exactly `only` holds (with the constraint, when given), and no other predicate does. */
function expectOnly(err: unknown, only: Predicate | null, constraint?: { name: string; other: string }): void {
  for (const [name, predicate] of Object.entries(PREDICATES)) {
    expect(predicate(err), `${name} of ${String(err)}`).toBe(name === only);
  }
  if (constraint && (only === 'isUniqueViolation' || only === 'isForeignKeyViolation')) {
    expect(PREDICATES[only](err, constraint.name), constraint.name).toBe(true);
    expect(PREDICATES[only](err, constraint.other), constraint.other).toBe(false);
  }
}

describe('database error predicates', () => {
  it('unique violations: model call, raw query and pg, with the index they hit', async () => {
    const constraint = { name: 'Project_slug_key', other: 'Credential_projectId_name_key' };
    expectOnly(
      await failure(prisma.project.create({ data: { slug: 'taken', name: 'x' } })),
      'isUniqueViolation',
      constraint,
    );
    expectOnly(
      await failure(prisma.$transaction((tx) => tx.project.create({ data: { slug: 'taken', name: 'x' } }))),
      'isUniqueViolation',
      constraint,
    );
    const insert = `INSERT INTO "Project" ("id", "slug", "name", "updatedAt") VALUES (gen_random_uuid(), 'taken', 'x', now())`;
    expectOnly(await failure(prisma.$executeRawUnsafe(insert)), 'isUniqueViolation', constraint);
    expectOnly(await failure(client.query(insert)), 'isUniqueViolation', constraint);
  });

  it('unique violations of a partial unique index name that index', async () => {
    const env = await prisma.environment.create({ data: { projectId, name: 'prod' } });
    const artifact = await prisma.artifact.create({ data: { projectId, version: '1.0.0', kind: 'image' } });
    const running = {
      projectId,
      environmentId: env.id,
      artifactId: artifact.id,
      trigger: 'manual',
      state: 'running',
    } as const;
    await prisma.deployment.create({ data: running });
    expectOnly(await failure(prisma.deployment.create({ data: running })), 'isUniqueViolation', {
      name: 'Deployment_one_running_per_environment',
      other: 'Project_slug_key',
    });
  });

  it('foreign key violations: a missing parent and a delete the child restricts', async () => {
    const parent = { name: 'Environment_projectId_fkey', other: 'Target_credentialId_fkey' };
    expectOnly(
      await failure(prisma.environment.create({ data: { projectId: NO_ID, name: 'x' } })),
      'isForeignKeyViolation',
      parent,
    );
    const insert = `INSERT INTO "Environment" ("id", "projectId", "name", "updatedAt") VALUES (gen_random_uuid(), '${NO_ID}', 'x', now())`;
    expectOnly(await failure(prisma.$executeRawUnsafe(insert)), 'isForeignKeyViolation', parent);
    expectOnly(await failure(client.query(insert)), 'isForeignKeyViolation', parent);

    const env = await prisma.environment.create({ data: { projectId, name: 'staging' } });
    const cred = await prisma.credential.create({
      data: { projectId, name: 'key', kind: 'token', secret: Buffer.from('x'), fingerprint: 'f' },
    });
    await prisma.target.create({
      data: { projectId, environmentId: env.id, name: 't', kind: 'ssh', config: {}, credentialId: cred.id },
    });
    expectOnly(await failure(prisma.credential.delete({ where: { id: cred.id } })), 'isForeignKeyViolation', {
      name: 'Target_credentialId_fkey',
      other: 'Environment_projectId_fkey',
    });
  });

  it('not found: an update, a delete or an ...OrThrow read without a row', async () => {
    expectOnly(await failure(prisma.project.update({ where: { id: NO_ID }, data: { name: 'x' } })), 'isNotFound');
    expectOnly(await failure(prisma.project.delete({ where: { id: NO_ID } })), 'isNotFound');
    expectOnly(await failure(prisma.project.findUniqueOrThrow({ where: { id: NO_ID } })), 'isNotFound');
  });

  it('connection errors: a database that is down, a connection cut mid-query, an admin shutdown', async () => {
    const url = db.url.replace('127.0.0.1:5432', `127.0.0.1:${proxy.port}`);
    const viaProxy = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
    const pgViaProxy = new pg.Client({ connectionString: url });
    try {
      await viaProxy.project.count();
      await pgViaProxy.connect();
      pgViaProxy.on('error', () => undefined); // the cut is reported to the query as well
      // The model call waits for a lock another connection holds, so the cut finds it mid-query.
      // (Interactive transactions cut mid-query: transaction-cut.int.test.ts.)
      await client.query('BEGIN');
      await client.query('LOCK TABLE "Project" IN ACCESS EXCLUSIVE MODE');
      const midModel = failure(viaProxy.project.count());
      const midRaw = failure(viaProxy.$queryRaw`SELECT pg_sleep(5)`);
      const midPg = failure(pgViaProxy.query('SELECT pg_sleep(5)'));
      await expect.poll(() => proxy.accepted, { timeout: 5_000 }).toBeGreaterThanOrEqual(3);
      await new Promise((r) => setTimeout(r, 300));
      await proxy.down();
      try {
        expectOnly(await midModel, 'isConnectionError');
        expectOnly(await midRaw, 'isConnectionError');
        expectOnly(await midPg, 'isConnectionError');
        expectOnly(await failure(viaProxy.project.findMany()), 'isConnectionError');
        expectOnly(await failure(viaProxy.$queryRaw`SELECT 1`), 'isConnectionError');
        expectOnly(await failure(new pg.Client({ connectionString: url }).connect()), 'isConnectionError');
      } finally {
        await client.query('ROLLBACK');
        await proxy.up();
      }
      const victim = new pg.Client({ connectionString: db.url });
      await victim.connect();
      const victimLost = new Promise<void>((resolve) => victim.on('error', () => resolve()));
      const { rows } = await victim.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const terminated = failure(viaProxy.$queryRaw`SELECT pg_terminate_backend(pg_backend_pid())`);
      expectOnly(await terminated, 'isConnectionError');
      await client.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      // Once pg has seen the connection end, a query fails with "not queryable" rather than
      // "Connection terminated": which one a caller sees depends on timing, so wait for it.
      await victimLost;
      expectOnly(await failure(victim.query('SELECT 1')), 'isConnectionError');
    } finally {
      await viaProxy.$disconnect();
      await pgViaProxy.end().catch(() => undefined);
    }
  });

  it('nothing else matches: other database errors, HTTP errors, plain values', async () => {
    expectOnly(await failure(prisma.$executeRawUnsafe('SELECT 1/0')), null);
    expectOnly(await failure(client.query('SELECT 1/0')), null);
    expectOnly(await failure(client.query(`SELECT 'x'::uuid`)), null);
    for (const other of [
      new Error('P2002 unique constraint 23505 Connection lost'),
      new ConflictException('already exists'),
      { code: 'ECONNREFUSEDX' },
      null,
      undefined,
      'P2002',
    ]) {
      expectOnly(other, null);
    }
  });
});

describe('constraint names the code matches on', () => {
  it('each exists in the migrated database, with the right kind', async () => {
    const src = fileURLToPath(new URL('../src/', import.meta.url));
    const files = (await readdir(src, { recursive: true })).filter(
      (f) => f.endsWith('.ts') && !f.startsWith('generated') && !f.endsWith('.test.ts'),
    );
    const used = new Map<string, 'unique' | 'foreign key'>();
    for (const f of files) {
      const text = await readFile(join(src, f), 'utf8');
      for (const m of text.matchAll(/is(Unique|ForeignKey)Violation\(\s*\w+,\s*(['"`])([^'"`]+)\2/g)) {
        used.set(m[3]!, m[1] === 'Unique' ? 'unique' : 'foreign key');
      }
    }
    // Projects, credentials, environments, targets, rules, artifacts, claims, the log sink.
    expect(used.size).toBeGreaterThanOrEqual(8);
    for (const [name, kind] of used) {
      const { rows } = await client.query<{ unique: boolean | null; fk: boolean }>(
        `SELECT (SELECT i.indisunique FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = $1) AS unique,
                EXISTS (SELECT 1 FROM pg_constraint WHERE conname = $1 AND contype = 'f') AS fk`,
        [name],
      );
      expect(kind === 'unique' ? rows[0]!.unique : rows[0]!.fk, `${kind} ${name}`).toBe(true);
    }
  });
});
