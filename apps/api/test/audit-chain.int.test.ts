// The tamper-evident audit chain against real Postgres: concurrent writers keep one dense
// chain, and Verify (GET /audit/verify) names the first event altered, removed or inserted
// directly in the database. Tampering goes around the append-only trigger the way someone
// with database superuser access would (session_replication_role = replica).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditService } from '../src/audit/audit.service.js';
import { TestClient } from './http-client.js';
import { startTestApp, TEST_ADMIN, type TestApp } from './test-env.js';

let t: TestApp;
let admin: TestClient;
let db: pg.Client;

interface Verify {
  ok: boolean;
  checked: number;
  chainLength: string;
  problem: { kind: string; eventId: string | null; seq: string | null; message: string } | null;
}

async function verify(): Promise<Verify> {
  const res = await admin.get('/api/v1/audit/verify');
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  // The same walk cut into ranges of 4 events over 3 worker threads must give the same answer.
  const split = await t.app.get(AuditService).verify({ rangeSize: 4, workers: 3 });
  expect(JSON.parse(JSON.stringify(split))).toEqual(res.body);
  return res.body as Verify;
}

/** Runs SQL with triggers off, then puts everything back as it was. */
async function tampered<T>(sql: string, params: unknown[], check: () => Promise<T>): Promise<T> {
  await db.query('BEGIN');
  await db.query('SET LOCAL session_replication_role = replica');
  await db.query(sql, params);
  await db.query('COMMIT');
  try {
    return await check();
  } finally {
    await db.query('BEGIN');
    await db.query('SET LOCAL session_replication_role = replica');
    await db.query('DELETE FROM "AuditEvent"');
    await db.query(`INSERT INTO "AuditEvent" SELECT * FROM audit_backup`);
    await db.query(
      `UPDATE "AuditChainHead" SET "seq" = (SELECT "seq" FROM head_backup), "hash" = (SELECT "hash" FROM head_backup)`,
    );
    await db.query('COMMIT');
  }
}

beforeAll(async () => {
  t = await startTestApp();
  admin = new TestClient(t.url);
  await admin.login(TEST_ADMIN.email, TEST_ADMIN.password);
  db = new pg.Client({ connectionString: t.db.url });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await t?.close();
});

describe('audit chain', () => {
  it('keeps one dense, valid chain under concurrent writers', async () => {
    const audit = t.app.get(AuditService);
    const ctx = { actor: { type: 'system' as const, label: 'test' }, ip: null };
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        audit.record(ctx, {
          action: 'test.concurrent',
          subjectType: 'test',
          subjectId: String(i),
          data: { i, at: new Date() },
        }),
      ),
    );
    const { rows } = await db.query<{ seq: string }>(
      'SELECT "chainSeq"::text AS seq FROM "AuditEvent" WHERE "chainSeq" IS NOT NULL ORDER BY "chainSeq"',
    );
    expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i + 1));
    const v = await verify();
    expect(v).toMatchObject({ ok: true, problem: null, chainLength: String(rows.length) });
    expect(v.checked).toBe(rows.length);
    expect(rows.length).toBeGreaterThanOrEqual(40);
    await db.query('CREATE TABLE audit_backup AS SELECT * FROM "AuditEvent"');
    await db.query('CREATE TABLE head_backup AS SELECT * FROM "AuditChainHead"');
  });

  it('names an altered event', async () => {
    const v = await tampered(`UPDATE "AuditEvent" SET "data" = '{"i": 999}' WHERE "chainSeq" = 7`, [], verify);
    expect(v.ok).toBe(false);
    expect(v.problem).toMatchObject({ kind: 'altered', seq: '7' });
    expect(v.checked).toBe(6);
  });

  it('names an event whose actor was rewritten', async () => {
    const v = await tampered(`UPDATE "AuditEvent" SET "actorLabel" = 'someone-else' WHERE "chainSeq" = 3`, [], verify);
    expect(v.problem).toMatchObject({ kind: 'altered', seq: '3' });
  });

  it('names a removed event, in the middle and at the end', async () => {
    const middle = await tampered(`DELETE FROM "AuditEvent" WHERE "chainSeq" = 12`, [], verify);
    expect(middle.problem).toMatchObject({ kind: 'removed', seq: '13' });
    expect(middle.problem!.message).toMatch(/events 12 of the chain are missing/);
    const last = await tampered(
      `DELETE FROM "AuditEvent" WHERE "chainSeq" = (SELECT MAX("chainSeq") FROM "AuditEvent")`,
      [],
      verify,
    );
    expect(last.problem).toMatchObject({ kind: 'removed', eventId: null });
  });

  it('names an event inserted directly, chained or not', async () => {
    const plain = await tampered(
      `INSERT INTO "AuditEvent" ("actorLabel", "action", "subjectType") VALUES ('x', 'deployment.succeeded', 'deployment')`,
      [],
      verify,
    );
    expect(plain.problem).toMatchObject({ kind: 'inserted', seq: null });
    // A forged event given the next position and a made-up hash, with the head moved to match.
    const forged = await tampered(
      `WITH h AS (UPDATE "AuditChainHead" SET "seq" = "seq" + 1 RETURNING "seq")
       INSERT INTO "AuditEvent" ("actorLabel", "action", "subjectType", "chainSeq", "chainHash")
       SELECT 'x', 'deployment.succeeded', 'deployment', h."seq", decode(repeat('ab', 32), 'hex') FROM h`,
      [],
      verify,
    );
    expect(forged.problem?.kind).toBe('altered');
  });

  it('is whole again once the tampering is undone, and only admins may verify', async () => {
    expect((await verify()).ok).toBe(true);
    const anonymous = new TestClient(t.url);
    expect((await anonymous.get('/api/v1/audit/verify')).status).toBe(401);
  });
});
