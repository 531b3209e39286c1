// Throughput of the log sink into Postgres + Redis (the whole path: seq, mask, cap check,
// INSERT, then XADD). Not part of `vitest run`; run with:
//   npx vitest bench --run test/live-sink.bench.ts
// Prints lines/s for each size; the machine's load matters, so run it on a quiet machine.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { LogSink } from '../src/live/log-sink.js';
import { PrismaService } from '../src/prisma/prisma.service.js';
import { createDeployment, createFixture, type Fixture } from './live-helpers.js';
import { startTestApp, type TestApp } from './test-env.js';

const SIZES = [100_000, 1_000_000];
let t: TestApp;
let f: Fixture;
let redis: Redis;

beforeAll(async () => {
  t = await startTestApp();
  f = await createFixture(t);
  redis = new Redis(t.config.REDIS_URL);
}, 120_000);
afterAll(async () => {
  redis.disconnect();
  await t.close();
}, 120_000);

async function run(lines: number): Promise<void> {
  const id = await createDeployment(t, f);
  const sink = await new LogSink({
    deploymentId: id,
    prisma: t.app.get(PrismaService),
    redis,
    prefix: t.config.WHARF_REDIS_PREFIX,
    maxBytes: 1024 * 1024 * 1024,
    secrets: ['a-secret-value', 'another-secret'],
  }).open();
  const rssBefore = process.memoryUsage().rss;
  let peakBuffered = 0;
  const started = performance.now();
  // Like an executor: bursts of lines, yielding between them.
  for (let i = 1; i <= lines; i++) {
    sink.write({
      targetId: i % 3 ? f.targetId : null,
      stream: i % 5 ? 'stdout' : 'stderr',
      text: `npm info run step ${i}: some typical log output of moderate length`,
    });
    if (i % 1000 === 0) {
      peakBuffered = Math.max(peakBuffered, sink.stats().bufferedLines);
      await new Promise((r) => setImmediate(r));
    }
  }
  const written = performance.now();
  await sink.close();
  const done = performance.now();
  const s = sink.stats();
  const secs = (done - started) / 1000;
  console.log(
    JSON.stringify({
      lines,
      linesPerSecond: Math.round(lines / secs),
      totalSeconds: Number(secs.toFixed(1)),
      writeSeconds: Number(((written - started) / 1000).toFixed(2)),
      persistSeconds: Number((s.persistMs / 1000).toFixed(1)),
      publishSeconds: Number((s.publishMs / 1000).toFixed(1)),
      peakBufferedLines: peakBuffered,
      rssGrowthMB: Math.round((process.memoryUsage().rss - rssBefore) / 1024 / 1024),
      logMB: Math.round(s.logBytes / 1024 / 1024),
    }),
  );
}

describe('LogSink throughput', () => {
  for (const lines of SIZES) {
    bench(`${lines} lines`, () => run(lines), { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 });
  }
});
