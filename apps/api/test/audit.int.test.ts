// Every change made through the projects/environments/targets/credentials/tokens routes
// leaves exactly one audit event (actor, ip, subject); refused changes leave none; and the
// table itself refuses UPDATE, DELETE and TRUNCATE.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_SEARCH_TEXT, auditWhereSql, searchesFolded, searchesShort } from '../src/audit/audit-query.js';
import { containsPattern } from '../src/common/like-pattern.js';
import { AuditService } from '../src/audit/audit.service.js';
import { TestClient } from './http-client.js';
import { startTestApp, TEST_ADMIN, type TestApp } from './test-env.js';

const P = '/api/v1/projects';
let t: TestApp;
let admin: TestClient;

interface Event {
  id: string;
  action: string;
  actor: string;
  ip: string | null;
  subjectType: string;
  subjectId: string | null;
  projectId: string | null;
  data: Record<string, unknown>;
  summary: string;
}

async function allEvents(): Promise<Event[]> {
  const res = await admin.get('/api/v1/audit?limit=200');
  expect(res.status).toBe(200);
  return res.body.items as Event[];
}

beforeAll(async () => {
  t = await startTestApp();
  admin = new TestClient(t.url);
  await admin.login(TEST_ADMIN.email, TEST_ADMIN.password);
});
afterAll(async () => {
  await t?.close();
});

describe('audit trail', () => {
  it('records one event per change, with actor, ip and subject', async () => {
    const expected: { action: string; subjectId: string; actor: string }[] = [];
    const ok = async <T = any>(p: Promise<{ status: number; body: T }>, status: number): Promise<T> => {
      const res = await p;
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      return res.body;
    };

    const project = await ok(admin.post(P, { slug: 'audited', name: 'Audited' }), 201);
    expected.push({ action: 'project.created', subjectId: project.id, actor: TEST_ADMIN.email });
    await ok(admin.patch(`${P}/audited`, { name: 'Audited!' }), 200);
    expected.push({ action: 'project.updated', subjectId: project.id, actor: TEST_ADMIN.email });

    const user = await ok(
      admin.post('/api/v1/users', { email: 'maint@test.local', name: 'Maint', password: 'member-password-123' }),
      201,
    );
    await ok(admin.put(`${P}/audited/members`, { email: 'maint@test.local', role: 'maintainer' }), 200);
    expected.push({ action: 'member.upserted', subjectId: user.id, actor: TEST_ADMIN.email });
    const maint = new TestClient(t.url);
    await maint.login('maint@test.local', 'member-password-123');
    const m = 'maint@test.local';

    const env = await ok(maint.post(`${P}/audited/environments`, { name: 'prod' }), 201);
    expected.push({ action: 'environment.created', subjectId: env.id, actor: m });
    await ok(maint.patch(`${P}/audited/environments/${env.id}`, { protected: true }), 200);
    expected.push({ action: 'environment.updated', subjectId: env.id, actor: m });

    const cred = await ok(
      maint.post(`${P}/audited/credentials`, { name: 'tok', kind: 'token', value: 'audit-secret-value-123' }),
      201,
    );
    expected.push({ action: 'credential.created', subjectId: cred.id, actor: m });
    await ok(maint.put(`${P}/audited/credentials/${cred.id}/secret`, { value: 'audit-secret-value-456' }), 200);
    expected.push({ action: 'credential.rotated', subjectId: cred.id, actor: m });

    const target = await ok(
      maint.post(`${P}/audited/environments/${env.id}/targets`, {
        kind: 'consul',
        name: 'svc',
        config: { consulUrl: 'http://127.0.0.1:8500', service: 'svc' },
        credentialId: cred.id,
      }),
      201,
    );
    expected.push({ action: 'target.created', subjectId: target.id, actor: m });
    await ok(maint.patch(`${P}/audited/targets/${target.id}`, { credentialId: null }), 200);
    expected.push({ action: 'target.updated', subjectId: target.id, actor: m });

    const token = await ok(maint.post(`${P}/audited/tokens`, { name: 'ci' }), 201);
    expected.push({ action: 'token.created', subjectId: token.id, actor: m });
    await ok(maint.delete(`${P}/audited/tokens/${token.id}`), 204);
    expected.push({ action: 'token.revoked', subjectId: token.id, actor: m });

    await ok(maint.delete(`${P}/audited/targets/${target.id}`), 204);
    expected.push({ action: 'target.deleted', subjectId: target.id, actor: m });
    await ok(maint.delete(`${P}/audited/credentials/${cred.id}`), 204);
    expected.push({ action: 'credential.deleted', subjectId: cred.id, actor: m });
    await ok(maint.delete(`${P}/audited/environments/${env.id}`), 204);
    expected.push({ action: 'environment.deleted', subjectId: env.id, actor: m });
    await ok(maint.delete(`${P}/audited/members/${user.id}`), 204);
    expected.push({ action: 'member.removed', subjectId: user.id, actor: m });
    await ok(admin.delete(`${P}/audited`), 204);
    expected.push({ action: 'project.deleted', subjectId: project.id, actor: TEST_ADMIN.email });

    const mine = (await allEvents()).filter((e) => e.projectId === project.id).reverse();
    expect(mine.map((e) => [e.action, e.subjectId, e.actor])).toEqual(
      expected.map((x) => [x.action, x.subjectId, x.actor]),
    );
    for (const e of mine) {
      expect(e.ip, e.action).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
      expect(JSON.stringify(e.data)).not.toContain('audit-secret-value');
    }
    expect(mine.find((e) => e.action === 'environment.updated')!.data).toEqual({
      name: 'prod',
      changes: { protected: { from: false, to: true } },
    });
    expect(mine.find((e) => e.action === 'member.upserted')!.data).toEqual({
      email: 'maint@test.local',
      role: 'maintainer',
      previousRole: null,
    });
  });

  it('records nothing for a refused change', async () => {
    const project = (await admin.post(P, { slug: 'refusals', name: 'Refusals' })).body;
    const env = (await admin.post(`${P}/refusals/environments`, { name: 'prod' })).body;
    await admin.post(`${P}/refusals/environments/${env.id}/targets`, {
      kind: 'ssh',
      name: 'web',
      config: { host: '127.0.0.2', user: 'deploy', baseDir: '/srv/a', appName: 'a' },
    });
    const before = (await allEvents()).length;
    expect((await admin.delete(`${P}/refusals/environments/${env.id}`)).status).toBe(409);
    expect((await admin.post(P, { slug: 'refusals', name: 'again' })).status).toBe(409);
    expect((await admin.post(`${P}/refusals/environments`, { name: 'prod' })).status).toBe(409);
    expect(
      (await admin.post(`${P}/refusals/credentials`, { name: 'k', kind: 'ssh_key', value: 'not a key' })).status,
    ).toBe(400);
    expect((await admin.patch(`${P}/refusals/environments/${env.id}`, { name: '$(id)' })).status).toBe(400);
    const after = await allEvents();
    expect(after.length).toBe(before);
    expect(after.filter((e) => e.projectId === project.id).map((e) => e.action)).toEqual([
      'target.created',
      'environment.created',
      'project.created',
    ]);
  });

  it('is append-only in Postgres: UPDATE, DELETE and TRUNCATE fail', async () => {
    const db = new pg.Client({ connectionString: t.db.url });
    await db.connect();
    try {
      const { rows } = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM "AuditEvent"');
      expect(Number(rows[0]!.n)).toBeGreaterThan(10);
      await expect(db.query(`UPDATE "AuditEvent" SET "actorLabel" = 'someone-else'`)).rejects.toThrow(
        /append-only: UPDATE is not allowed/,
      );
      await expect(db.query(`DELETE FROM "AuditEvent" WHERE action = 'project.created'`)).rejects.toThrow(
        /append-only: DELETE is not allowed/,
      );
      await expect(db.query('TRUNCATE "AuditEvent"')).rejects.toThrow(/append-only: TRUNCATE is not allowed/);
      const again = await db.query<{ n: string; changed: string }>(
        `SELECT count(*)::text AS n, count(*) FILTER (WHERE "actorLabel" = 'someone-else')::text AS changed FROM "AuditEvent"`,
      );
      expect(again.rows[0]).toEqual({ n: rows[0]!.n, changed: '0' });
    } finally {
      await db.end();
    }
  });
});

/** Splits CSV text into rows of cells (RFC 4180: quoted cells may hold commas, quotes and newlines). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') cell += c;
      else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

describe('audit review', () => {
  it('filters by action family, actor, subject, time and free text, with a readable summary', async () => {
    const since = new Date().toISOString();
    await admin.post(P, { slug: 'review', name: '=HYPERLINK("http://127.0.0.1/x")' });
    const env = (await admin.post(`${P}/review/environments`, { name: 'qa-review' })).body;
    await admin.patch(`${P}/review/environments/${env.id}`, { protected: true });
    const q = (query: string) => admin.get(`/api/v1/audit?${query}`);

    const family = await q(`action=environment.&from=${encodeURIComponent(since)}`);
    expect(family.status).toBe(200);
    expect(family.body.items.map((e: Event) => e.action)).toEqual(['environment.updated', 'environment.created']);
    expect(family.body.items[1].summary).toBe(`${TEST_ADMIN.email} created environment (name qa-review)`);

    const bySubject = await q(`subjectType=environment&subjectId=${env.id}`);
    expect(bySubject.body.items).toHaveLength(2);
    const byText = await q('q=qa-review');
    expect(byText.body.items.map((e: Event) => e.subjectId)).toEqual([env.id, env.id]);
    expect((await q('actor=nobody-like-this')).body.items).toEqual([]);
    expect((await q(`to=${encodeURIComponent(since)}&action=environment.created&q=qa-review`)).body.items).toEqual([]);
    expect((await q('from=yesterday')).status).toBe(400);
    expect((await q('subjectType=$(id)')).status).toBe(400);
  });

  it('exports CSV, streamed, with the same filters, formulas kept as text, scoped to the project', async () => {
    const all = await admin.get('/api/v1/audit/export.csv');
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(all.headers.get('content-disposition')).toMatch(/attachment; filename="wharf-audit.csv"/);
    const rows = parseCsv(all.body as string);
    expect(rows[0]).toEqual([
      'id',
      'time',
      'actor',
      'action',
      'summary',
      'subject type',
      'subject id',
      'project id',
      'ip',
      'details',
    ]);
    const total = (await admin.get('/api/v1/audit?limit=200')).body.items.length;
    expect(rows.length - 1).toBe(total);
    const created = rows.find((r) => r[3] === 'project.created' && r[9]!.includes('HYPERLINK'))!;
    expect(created[9]!.startsWith('{')).toBe(true); // details are JSON, not a formula
    expect(rows.every((r) => !/^[=+@]/.test(r[4]!))).toBe(true);

    const project = parseCsv((await admin.get(`${P}/review/audit/export.csv?action=environment.`)).body as string);
    expect(project.slice(1).map((r) => r[3])).toEqual(['environment.updated', 'environment.created']);
    const outsider = new TestClient(t.url);
    expect((await outsider.get(`${P}/review/audit/export.csv`)).status).toBe(401);
    expect((await outsider.get('/api/v1/audit/export.csv')).status).toBe(401);
  });
});

describe('audit free text', () => {
  // Details that fold alike (`1.0.42`, `1-0-42`, `1x0x42`, `1_0_42` are all `1x0x42` in the
  // folded index), mixed case, LIKE's wildcards and escape in the text.
  const details: Record<string, string>[] = [
    { version: '1.0.42', name: 'api' },
    { version: '1-0-42' },
    { version: '1x0x42' },
    { version: '1_0_42' },
    { version: 'V1.0.42-RC.1', environment: 'Prod-EU' },
    { version: '1.0.420' },
    { reason: 'Rolled back: 50% errors at C:\\deploy\\app' },
    { comment: 'ship_it now' },
    { email: 'Ada.Lovelace@Example.COM' },
    { name: 'Release-Candidate' },
    { error: 'release candidate, exit 1' },
    // Short terms (no trigram of their own: the tripled index).
    { comment: '部署 OK, zQ' },
    { environment: 'デプロイ-Q9' },
  ];
  const subject = (i: number) => `search-${i}`;

  it('finds exactly what a case-insensitive substring (ILIKE, wildcards literal) finds, with or without punctuation', async () => {
    const audit = t.app.get(AuditService);
    const ctx = { actor: { type: 'system' as const, label: 'search-test' }, ip: null };
    for (const [i, data] of details.entries()) {
      await audit.record(ctx, { action: 'test.search', subjectType: 'test', subjectId: subject(i), data });
    }
    const db = new pg.Client({ connectionString: t.db.url });
    await db.connect();
    const ids = (rows: { id: string }[]) => rows.map((r) => r.id);
    /**
     * The search as it was before the folded index: one ILIKE over the searched text. Ordered by
     * the table's id: a bare "id" would be the text output column (then '9' sorts after '35').
     */
    const ilike = async (q: string) =>
      ids(
        (
          await db.query<{ id: string }>(
            `SELECT "id"::text AS id FROM "AuditEvent" WHERE ${AUDIT_SEARCH_TEXT} ILIKE $1 ORDER BY "AuditEvent"."id" DESC`,
            [containsPattern(q)],
          )
        ).rows,
      );
    const bySubject = async (q: string) => {
      const res = await admin.get(`/api/v1/audit?limit=200&q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      return (res.body.items as Event[]).filter((e) => e.action === 'test.search').map((e) => e.subjectId);
    };
    try {
      const punctuated = [
        '1.0.42',
        '1-0-42',
        '1_0_42',
        'v1.0.42-rc',
        'RC.1',
        'prod-eu',
        '50%',
        '50% errors',
        'c:\\deploy\\APP',
        'AT C:\\',
        'ship_it',
        'ship%it',
        'SHIP_IT NOW',
        'ada.lovelace@example.com',
        '@EXAMPLE.co',
        'release-candidate',
        'Release_Candidate',
        'release candidate',
        'candidate, exit',
        '1.0.4',
        '.0.',
        'no-such-text',
      ];
      const plain = ['1x0x42', 'x0x', 'release', 'RELEASECANDIDATE', 'search', 'Ada', 'ü.1.0'];
      // One or two characters: through the tripled index, or (cased non-ASCII) the plain ILIKE.
      const short = ['zq', 'ZQ', 'Zq', 'q9', 'Q9', '部署', '部', '署', 'プ', 'v1', 'V1', 'rc', 'x0', 'jq'];
      const shortPlain = ['ü', 'é1', 'Ü'];
      for (const q of punctuated) expect(searchesFolded(q), q).toBe(true);
      for (const q of plain) expect(searchesFolded(q), q).toBe(false);
      for (const q of short) expect(searchesShort(q), q).toBe(true);
      for (const q of shortPlain) expect(searchesShort(q), q).toBe(false);
      for (const q of [...punctuated, ...plain, ...short, ...shortPlain]) {
        const expected = await ilike(q);
        expect(expected.length, q).toBeLessThan(200);
        const page = await admin.get(`/api/v1/audit?limit=200&q=${encodeURIComponent(q)}`);
        expect(page.status, q).toBe(200);
        expect(
          (page.body.items as Event[]).map((e) => e.id),
          q,
        ).toEqual(expected);
        const csv = parseCsv((await admin.get(`/api/v1/audit/export.csv?q=${encodeURIComponent(q)}`)).body as string);
        expect(
          csv.slice(1).map((r) => r[0]),
          q,
        ).toEqual(expected);
      }
      // The oracle itself, by hand: folding alike never matches, wildcards are literal, case is ignored.
      expect(await bySubject('1.0.42')).toEqual([subject(5), subject(4), subject(0)]);
      expect(await bySubject('1_0_42')).toEqual([subject(3)]);
      expect(await bySubject('1x0x42')).toEqual([subject(2)]);
      expect(await bySubject('ship%it')).toEqual([]);
      expect(await bySubject('SHIP_IT NOW')).toEqual([subject(7)]);
      expect(await bySubject('c:\\deploy\\APP')).toEqual([subject(6)]);
      expect(await bySubject('@EXAMPLE.co')).toEqual([subject(8)]);
      expect(await bySubject('Release_Candidate')).toEqual([]);
      expect(await bySubject('release-candidate')).toEqual([subject(9)]);
      expect(await bySubject('release candidate')).toEqual([subject(10)]);
      expect(await bySubject('zq')).toEqual([subject(11)]);
      expect(await bySubject('部署')).toEqual([subject(11)]);
      expect(await bySubject('Q9')).toEqual([subject(12)]);
      expect(await bySubject('jq')).toEqual([]);
      // The folded test names the very expression of its index (else every punctuated q reads every event).
      await db.query('SET enable_seqscan = off');
      const folded = auditWhereSql({ q: '1.0.42' });
      const plan = await db.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT "id" FROM "AuditEvent" WHERE ${folded.text}`,
        folded.values,
      );
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('AuditEvent_search_folded_trgm_idx');
      const tripled = auditWhereSql({ q: 'v1' });
      const shortPlan = await db.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT "id" FROM "AuditEvent" WHERE ${tripled.text}`,
        tripled.values,
      );
      expect(shortPlan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('AuditEvent_search_tripled_trgm_idx');
      // Paging newest-first with a cursor keeps the same rows.
      const first = await admin.get(`/api/v1/audit?limit=2&q=${encodeURIComponent('1.0.4')}`);
      const next = await admin.get(
        `/api/v1/audit?limit=2&q=${encodeURIComponent('1.0.4')}&cursor=${first.body.nextCursor as string}`,
      );
      expect([...first.body.items, ...next.body.items].map((e: Event) => e.subjectId)).toEqual(
        await bySubject('1.0.4'),
      );
    } finally {
      await db.end();
    }
  });

  it('filters by actor exactly as ILIKE on the label did, through the distinct labels', async () => {
    const audit = t.app.get(AuditService);
    const labels = ['Deploy_Bot%1', 'deploy-bot-2', 'ops@Example.com', 'token:AbC_9'];
    for (const label of labels) {
      await audit.record(
        { actor: { type: 'system' as const, label }, ip: null },
        {
          action: 'test.actor',
          subjectType: 'test',
          subjectId: label,
        },
      );
    }
    const db = new pg.Client({ connectionString: t.db.url });
    await db.connect();
    try {
      for (const actor of [
        'deploy',
        'DEPLOY_BOT',
        'deploy_bot',
        'bot%1',
        'bot%',
        'bot-',
        '@example.',
        'token:abc',
        'abc_9',
        'x',
        'nobody',
        '%',
        '_',
        '\\',
      ]) {
        const expected = (
          await db.query<{ id: string }>(
            `SELECT "id"::text AS id FROM "AuditEvent" WHERE "actorLabel" ILIKE $1 ORDER BY "AuditEvent"."id" DESC`,
            [containsPattern(actor)],
          )
        ).rows.map((r) => r.id);
        const page = await admin.get(`/api/v1/audit?limit=200&actor=${encodeURIComponent(actor)}`);
        expect(page.status, actor).toBe(200);
        expect(
          (page.body.items as Event[]).map((e) => e.id),
          actor,
        ).toEqual(expected.slice(0, 200));
        const csv = parseCsv(
          (await admin.get(`/api/v1/audit/export.csv?actor=${encodeURIComponent(actor)}`)).body as string,
        );
        expect(
          csv.slice(1).map((r) => r[0]),
          actor,
        ).toEqual(expected);
      }
      // The oracle by hand: case ignored, wildcards literal.
      const subjects = async (actor: string) =>
        (
          (await admin.get(`/api/v1/audit?limit=200&actor=${encodeURIComponent(actor)}&action=test.actor`)).body
            .items as Event[]
        ).map((e) => e.subjectId);
      expect(await subjects('DEPLOY_BOT')).toEqual(['Deploy_Bot%1']);
      expect(await subjects('bot%')).toEqual(['Deploy_Bot%1']);
      expect(await subjects('bot-')).toEqual(['deploy-bot-2']);
      expect(await subjects('deploy')).toEqual(['deploy-bot-2', 'Deploy_Bot%1']);
      // The events by label go through the b-tree.
      await db.query('SET enable_seqscan = off');
      const where = auditWhereSql({ actor: 'deploy', actorLabels: ['deploy-bot-2'] });
      const plan = await db.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT "id" FROM "AuditEvent" WHERE ${where.text}`,
        where.values,
      );
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('AuditEvent_actorLabel_id_idx');
    } finally {
      await db.end();
    }
  });
});
