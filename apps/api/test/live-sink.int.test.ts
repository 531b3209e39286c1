// LogSink against real Postgres and Redis: dense seqs, stream == table, masking, the cap with
// its truncation marker and failed-target tail, resume, and retries through real failures.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogSink, LogSinkOptions } from '../src/live/log-sink.js';
import { decodeStreamEntry, logStreamKey } from '../src/live/log-line.js';
import { PrismaService } from '../src/prisma/prisma.service.js';
import { createDeployment, createFixture, expectDense, testLogSink, type Fixture } from './live-helpers.js';
import { startTestApp, type TestApp } from './test-env.js';

let t: TestApp;
let f: Fixture;
let prisma: PrismaService;
let redis: Redis;
const sinks: LogSink[] = [];

beforeAll(async () => {
  t = await startTestApp();
  f = await createFixture(t);
  prisma = t.app.get(PrismaService);
  redis = new Redis(t.config.REDIS_URL);
});
afterAll(async () => {
  await Promise.all(sinks.map((s) => s.close()));
  redis?.disconnect();
  await t?.close();
});

async function openSink(deploymentId: string, extra: Partial<LogSinkOptions> = {}): Promise<LogSink> {
  const sink = testLogSink(t, redis, deploymentId, extra);
  sinks.push(sink);
  return sink.open();
}

async function dbLines(deploymentId: string) {
  return prisma.deploymentLog.findMany({ where: { deploymentId }, orderBy: { seq: 'asc' } });
}

/**
 * The stream's lines, one `[id, fields]` per line as `0-<seq>` / `l` (the stream holds one
 * entry per stored batch: field `b`, a JSON array of line views).
 */
async function streamEntries(deploymentId: string): Promise<[string, string[]][]> {
  const raw = (await redis.xrange(logStreamKey(t.config.WHARF_REDIS_PREFIX, deploymentId), '-', '+')) as [
    string,
    string[],
  ][];
  return raw.flatMap(([id, fields]) => {
    const lines = decodeStreamEntry(fields) ?? [];
    // An entry's id is the seq of its last line.
    expect(id).toBe(`0-${lines.at(-1)?.seq}`);
    return lines.map((l): [string, string[]] => [`0-${l.seq}`, ['l', JSON.stringify(l)]]);
  });
}

describe('LogSink', () => {
  it('stores 10,000 fast lines with dense seqs in Postgres and the stream, secrets masked in both', async () => {
    const id = await createDeployment(t, f);
    const password = 'hunter2-very-secret';
    const keyLine = 'MIIEpAIBAAKCAQEAsecretkeymaterial';
    const sink = await openSink(id, { secrets: [password, `-----BEGIN KEY-----\n${keyLine}\n-----END KEY-----`] });
    const n = 10_000;
    for (let i = 1; i <= n; i++) {
      const text = i % 1000 === 0 ? `line ${i} password=${password} key=${keyLine}` : `line ${i}`;
      sink.write({ targetId: i % 2 ? f.targetId : null, stream: i % 3 ? 'stdout' : 'stderr', text });
    }
    expect(sink.stats().lastSeq).toBe(n);
    await sink.drained();

    const rows = await dbLines(id);
    expect(
      expectDense(
        rows.map((r) => ({ ...r, at: r.at.toISOString() })),
        1,
        n,
      ),
    ).toBeNull();
    expect(rows[0]).toMatchObject({ seq: 1, targetId: f.targetId, stream: 'stdout', text: 'line 1' });
    expect(rows[2]).toMatchObject({ seq: 3, targetId: f.targetId, stream: 'stderr', text: 'line 3' });
    expect(rows[999]!.text).toBe('line 1000 password=****** key=******');

    const entries = await streamEntries(id);
    expect(entries.map((e) => e[0])).toEqual(rows.map((r) => `0-${r.seq}`));
    expect(JSON.parse(entries[999]![1][1]!)).toMatchObject({ seq: 1000, text: 'line 1000 password=****** key=******' });

    // Raw search: the secret is nowhere, neither in the table nor in the stream.
    const [leak] = await prisma.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*) AS n FROM "DeploymentLog" WHERE "text" LIKE '%' || $1 || '%' OR "text" LIKE '%' || $2 || '%'`,
      password,
      keyLine,
    );
    expect(Number(leak!.n)).toBe(0);
    const raw = entries.map((e) => e[1].join('\n')).join('\n');
    expect(raw).not.toContain(password);
    expect(raw).not.toContain(keyLine);
    expect(raw).toContain('******');

    const d = await prisma.deployment.findUniqueOrThrow({ where: { id } });
    const bytes = rows.reduce((s, r) => s + Buffer.byteLength(r.text) + 1, 0);
    expect(Number(d.logBytes)).toBe(bytes);
    expect(d.logTruncated).toBe(false);
  });

  it('keeps awkward text intact and stores the time of each line', async () => {
    const id = await createDeployment(t, f);
    const sink = await openSink(id);
    const texts = [
      'quotes " \' and \\ backslash {braces} [x]',
      'tab\there',
      'ünïcødé 日本語 🚀',
      '',
      '   ',
      'nul\u0000byte',
      'lone \ud800 surrogate',
      'two\nlines\r\nand \\N \\. \\t',
    ];
    const before = Date.now();
    for (const text of texts) sink.write({ targetId: null, stream: 'stderr', text });
    await sink.drained();
    const after = Date.now();
    const rows = await dbLines(id);
    expect(rows.map((r) => r.text)).toEqual([...texts.slice(0, 5), 'nul\uFFFDbyte', 'lone \uFFFD surrogate', texts[7]]);
    for (const r of rows) {
      expect(r.at.getTime()).toBeGreaterThanOrEqual(before);
      expect(r.at.getTime()).toBeLessThanOrEqual(after);
    }
    const streamed = (await streamEntries(id)).map((e) => JSON.parse(e[1][1]!) as { text: string; at: string });
    expect(streamed.map((l) => l.text)).toEqual(rows.map((r) => r.text));
    expect(streamed.map((l) => l.at)).toEqual(rows.map((r) => r.at.toISOString()));
  });

  it('caps the log with a visible marker and still writes the tail of a failed target', async () => {
    const id = await createDeployment(t, f);
    const other = '00000000-0000-4000-8000-000000000001';
    // 100 lines of 10 bytes (+1 newline) fit in 1100 bytes.
    const sink = await openSink(id, { maxBytes: 1100, tailLinesPerTarget: 20 });
    const pad = (i: number) => `l${String(i).padStart(9, '0')}`;
    for (let i = 1; i <= 100; i++) sink.write({ targetId: f.targetId, stream: 'stdout', text: pad(i) });
    // Beyond the cap: 300 lines of the failing target, 50 of another.
    for (let i = 101; i <= 400; i++)
      sink.write({ targetId: f.targetId, stream: i % 2 ? 'stdout' : 'stderr', text: pad(i) });
    for (let i = 0; i < 50; i++) sink.write({ targetId: other, stream: 'stdout', text: `other ${i}` });
    expect(sink.stats()).toMatchObject({ truncated: true, droppedLines: 350, lastSeq: 101 });
    await sink.drained();

    let rows = await dbLines(id);
    expect(rows).toHaveLength(101);
    expect(rows[99]!.text).toBe(pad(100));
    expect(rows[100]).toMatchObject({ seq: 101, stream: 'system', targetId: null });
    expect(rows[100]!.text).toMatch(/log truncated/);
    let d = await prisma.deployment.findUniqueOrThrow({ where: { id } });
    expect(d.logTruncated).toBe(true);

    // The target failed: its last 20 dropped lines are written after an "omitted" marker.
    expect(sink.flushTail(f.targetId)).toBe(21);
    expect(sink.flushTail(f.targetId)).toBe(0);
    await sink.drained();
    rows = await dbLines(id);
    expect(
      expectDense(
        rows.map((r) => ({ ...r, at: r.at.toISOString() })),
        1,
        122,
      ),
    ).toBeNull();
    expect(rows[101]).toMatchObject({
      seq: 102,
      stream: 'system',
      targetId: f.targetId,
      text: '… 280 lines omitted …',
    });
    expect(rows.slice(102).map((r) => r.text)).toEqual(Array.from({ length: 20 }, (_, i) => pad(381 + i)));
    expect(rows[121]).toMatchObject({ stream: 'stderr', text: pad(400) });
    expect(rows[120]).toMatchObject({ stream: 'stdout', text: pad(399) });
    expect(rows.some((r) => r.text.startsWith('other'))).toBe(false);
    d = await prisma.deployment.findUniqueOrThrow({ where: { id } });
    expect(Number(d.logBytes)).toBe(rows.reduce((s, r) => s + Buffer.byteLength(r.text) + 1, 0));
    expect((await streamEntries(id)).length).toBe(122);
  });

  it('continues the seq of a resumed deployment and keeps it truncated', async () => {
    const id = await createDeployment(t, f);
    const first = await openSink(id, { maxBytes: 30 });
    first.write({ targetId: null, stream: 'system', text: 'first run' });
    first.write({ targetId: null, stream: 'system', text: 'this one no longer fits' });
    await first.close();
    const second = await openSink(id, { maxBytes: 30 });
    expect(second.stats()).toMatchObject({ lastSeq: 2, truncated: true });
    second.write({ targetId: f.targetId, stream: 'stdout', text: 'dropped' });
    expect(second.flushTail(f.targetId)).toBe(1);
    await second.close();
    const rows = await dbLines(id);
    expect(rows.map((r) => [r.seq, r.text])).toEqual([
      [1, 'first run'],
      [2, expect.stringMatching(/log truncated/)],
      [3, 'dropped'],
    ]);
    expect(await redis.ttl(logStreamKey(t.config.WHARF_REDIS_PREFIX, id))).toBeGreaterThan(0);
    expect(await redis.ttl(logStreamKey(t.config.WHARF_REDIS_PREFIX, id))).toBeLessThanOrEqual(3600);
  });

  it('retries through a Redis failure without losing or duplicating lines', async () => {
    const id = await createDeployment(t, f);
    const key = logStreamKey(t.config.WHARF_REDIS_PREFIX, id);
    const sink = await openSink(id);
    for (let i = 1; i <= 500; i++) sink.write({ targetId: null, stream: 'stdout', text: `a${i}` });
    await sink.drained();
    // Break the stream: XADD fails with WRONGTYPE until the key is a stream again.
    await redis.del(key);
    await redis.set(key, 'not a stream');
    for (let i = 501; i <= 1500; i++) sink.write({ targetId: null, stream: 'stdout', text: `a${i}` });
    const drained = sink.drained();
    await waitFor(async () => (await dbLines(id)).length === 1500);
    expect(sink.stats().publishedSeq).toBe(500);
    await redis.del(key);
    await drained;
    const entries = await streamEntries(id);
    expect(entries.map((e) => e[0])).toEqual(Array.from({ length: 1000 }, (_, i) => `0-${501 + i}`));
  });

  it('closes once everything is in Postgres even when Redis keeps failing', async () => {
    const id = await createDeployment(t, f);
    const key = logStreamKey(t.config.WHARF_REDIS_PREFIX, id);
    await redis.set(key, 'not a stream');
    const warnings: string[] = [];
    const sink = await openSink(id, {
      closePublishTimeoutMs: 300,
      logger: { warn: (m: unknown) => void warnings.push(String(m)), error: () => undefined },
    });
    for (let i = 1; i <= 100; i++) sink.write({ targetId: null, stream: 'stdout', text: `c${i}` });
    await sink.close();
    expect((await dbLines(id)).length).toBe(100);
    expect(sink.stats()).toMatchObject({ persistedSeq: 100, publishedSeq: 0 });
    expect(warnings.some((w) => /gave up publishing/.test(w))).toBe(true);
    await redis.del(key);
  });

  it('retries through a Postgres failure without losing or duplicating lines', async () => {
    const id = await createDeployment(t, f);
    const failures: string[] = [];
    let failed!: () => void;
    const sawFailure = new Promise<void>((r) => (failed = r));
    const logger = {
      warn: (m: unknown) => {
        failures.push(String(m));
        failed();
      },
      error: () => undefined,
    };
    const sink = await openSink(id, { logger });
    for (let i = 1; i <= 300; i++) sink.write({ targetId: null, stream: 'stdout', text: `b${i}` });
    await sink.drained();
    // Inserts of seq > 300 fail until the constraint is dropped.
    await prisma.$executeRawUnsafe(
      `ALTER TABLE "DeploymentLog" ADD CONSTRAINT live_test_fail CHECK ("seq" <= 300) NOT VALID`,
    );
    try {
      for (let i = 301; i <= 1000; i++) sink.write({ targetId: null, stream: 'stdout', text: `b${i}` });
      const drained = sink.drained();
      await sawFailure;
      expect(failures[0]).toMatch(/could not store log lines/);
      expect(sink.stats().persistedSeq).toBe(300);
      await prisma.$executeRawUnsafe(`ALTER TABLE "DeploymentLog" DROP CONSTRAINT live_test_fail`);
      await drained;
    } finally {
      await prisma.$executeRawUnsafe(`ALTER TABLE "DeploymentLog" DROP CONSTRAINT IF EXISTS live_test_fail`);
    }
    const rows = await dbLines(id);
    expect(
      expectDense(
        rows.map((r) => ({ ...r, at: r.at.toISOString() })),
        1,
        1000,
      ),
    ).toBeNull();
    expect((await streamEntries(id)).map((e) => e[0])).toEqual(rows.map((r) => `0-${r.seq}`));
    const d = await prisma.deployment.findUniqueOrThrow({ where: { id } });
    expect(Number(d.logBytes)).toBe(rows.reduce((s, r) => s + Buffer.byteLength(r.text) + 1, 0));
  });

  it('stores two batches at once, yet counts and publishes them in seq order', async () => {
    const id = await createDeployment(t, f);
    // The batch holding seq 1 commits 1.5 s late; the one after it does not wait for it.
    await prisma.$executeRawUnsafe(
      `CREATE OR REPLACE FUNCTION live_test_late() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(1.5); RETURN NULL; END $$`,
    );
    await prisma.$executeRawUnsafe(
      `CREATE TRIGGER live_test_late AFTER INSERT ON "DeploymentLog" FOR EACH ROW WHEN (NEW.seq = 1) EXECUTE FUNCTION live_test_late()`,
    );
    try {
      const sink = await openSink(id, { maxBatchLines: 100, storesInFlight: 2 });
      for (let i = 1; i <= 300; i++) sink.write({ targetId: null, stream: 'stdout', text: `p${i}` });
      const drained = sink.drained();
      // The second batch is committed while the first is not: nothing counts as stored yet,
      // and nothing is in the stream (it would be out of order).
      await waitFor(async () => {
        const [r] = await prisma.$queryRawUnsafe<{ n: bigint }[]>(
          `SELECT count(*) AS n FROM "DeploymentLog" WHERE "deploymentId" = $1::uuid AND seq BETWEEN 101 AND 200`,
          id,
        );
        return Number(r!.n) === 100;
      });
      expect(sink.stats()).toMatchObject({ persistedSeq: 0, publishedSeq: 0 });
      expect(await streamEntries(id)).toEqual([]);
      await drained;
      const rows = await dbLines(id);
      expect(rows.map((r) => r.text)).toEqual(Array.from({ length: 300 }, (_, i) => `p${i + 1}`));
      expect((await streamEntries(id)).map((e) => e[0])).toEqual(rows.map((r) => `0-${r.seq}`));
      const d = await prisma.deployment.findUniqueOrThrow({ where: { id } });
      expect(Number(d.logBytes)).toBe(sink.stats().logBytes);
    } finally {
      await prisma.$executeRawUnsafe(`DROP TRIGGER IF EXISTS live_test_late ON "DeploymentLog"`);
    }
  });

  it('a flood into a slow database pauses the source, stays in bounded memory and loses nothing', async () => {
    const id = await createDeployment(t, f);
    // Every INSERT statement into the log takes 20 ms longer: Postgres is the slow end.
    await prisma.$executeRawUnsafe(
      `CREATE OR REPLACE FUNCTION live_test_slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.02); RETURN NULL; END $$`,
    );
    await prisma.$executeRawUnsafe(
      `CREATE TRIGGER live_test_slow AFTER INSERT ON "DeploymentLog" FOR EACH STATEMENT EXECUTE FUNCTION live_test_slow()`,
    );
    const highWaterLines = 10_000;
    const sink = await openSink(id, { highWaterLines, maxBytes: 512 * 1024 * 1024 });
    // A source like an SSH channel: chunks of lines, one per tick, as fast as it may, and
    // it stops reading while the sink's answer says so. 100,000 lines of ~1 KB: 100 MB of
    // text (plus per-line objects) that would sit in the worker if nothing pushed back.
    const N = 100_000;
    const CHUNK = 500;
    const pad = 'x'.repeat(1000);
    let paused = 0;
    let resumed = 0;
    const rss0 = process.memoryUsage().rss;
    let peakRss = rss0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 25);
    try {
      let n = 0;
      while (n < N) {
        let pause: { resumed: Promise<void> } | undefined;
        for (let i = 0; i < CHUNK && n < N; i++) {
          n++;
          pause = sink.write({ targetId: null, stream: 'stdout', text: `${n} ${pad}` }) ?? pause;
        }
        if (pause) {
          paused++;
          await pause.resumed;
          resumed++;
        } else {
          await new Promise((r) => setImmediate(r));
        }
      }
      await sink.close();
    } finally {
      clearInterval(sampler);
      await prisma.$executeRawUnsafe(`DROP TRIGGER IF EXISTS live_test_slow ON "DeploymentLog"`);
    }
    const stats = sink.stats();
    // The source was really stopped, more than once, and resumed each time.
    expect(paused).toBeGreaterThan(2);
    expect(resumed).toBe(paused);
    expect(stats.pauses).toBe(paused);
    expect(stats.pausedMs).toBeGreaterThan(0);
    // At most the high-water mark plus one chunk was ever waiting.
    expect(stats.peakBacklogLines).toBeLessThanOrEqual(highWaterLines + CHUNK);
    // This process is the whole API too. With one object per waiting line, V8 let promoted
    // garbage pile up before a major GC (a 150k-line run measured 236 MiB of growth on a loaded
    // machine); since batches are held as bytes (log-batch.ts) this run grows 58-81 MiB. The
    // bound that matters most is the backlog above; this one catches a return of that growth.
    const growthMb = (peakRss - rss0) / (1024 * 1024);
    console.log(`flood: ${N} lines, ${paused} pauses (${stats.pausedMs} ms), RSS growth ${growthMb.toFixed(1)} MiB`);
    expect(growthMb).toBeLessThan(200);
    // Nothing lost, nothing reordered, seq dense.
    const [check] = await prisma.$queryRawUnsafe<{ n: bigint; min: number; max: number; bad: bigint }[]>(
      `SELECT count(*) AS n, min(seq) AS min, max(seq) AS max,
              count(*) FILTER (WHERE split_part(text, ' ', 1)::int <> seq) AS bad
         FROM "DeploymentLog" WHERE "deploymentId" = $1::uuid`,
      id,
    );
    expect({ n: Number(check!.n), min: check!.min, max: check!.max, bad: Number(check!.bad) }).toEqual({
      n: N,
      min: 1,
      max: N,
      bad: 0,
    });
    const d = await prisma.deployment.findUniqueOrThrow({ where: { id } });
    expect(d.logTruncated).toBe(false);
    expect(Number(d.logBytes)).toBe(stats.logBytes);
  }, 240_000);

  it('stops quietly when the deployment row is deleted', async () => {
    const id = await createDeployment(t, f);
    const errors: string[] = [];
    const sink = await openSink(id, {
      logger: { warn: () => undefined, error: (m: unknown) => void errors.push(String(m)) },
    });
    sink.write({ targetId: null, stream: 'system', text: 'before' });
    await sink.drained();
    await prisma.deployment.delete({ where: { id } });
    sink.write({ targetId: null, stream: 'system', text: 'after' });
    await sink.drained();
    await sink.close();
    expect(errors).toEqual([expect.stringMatching(/no longer exists/)]);
  });

  it('refuses writes before open() and drops lines after close()', async () => {
    const id = await createDeployment(t, f);
    const sink = testLogSink(t, redis, id, { maxBytes: 1000 });
    expect(() => sink.write({ targetId: null, stream: 'system', text: 'x' })).toThrow(/open/);
    await sink.open();
    sink.write({ targetId: null, stream: 'system', text: 'kept' });
    await sink.close();
    sink.write({ targetId: null, stream: 'system', text: 'late' });
    await sink.drained();
    expect((await dbLines(id)).map((r) => r.text)).toEqual(['kept']);
  });
});

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
}
