// The benchmark's viewers, as seen from run.mjs: child processes running client-proc.mjs
// (a few socket.io viewers each), started, asked for their results, and merged. Used for the
// viewers of Wharf and of the peer alike, so both sides are watched by the same code.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLIENT_PROC = fileURLToPath(new URL('./client-proc.mjs', import.meta.url));
/** Latencies beyond this are counted as overflow (1 ms buckets up to it). */
export const MAX_LATENCY_MS = 15 * 60_000;

/** A forked viewer process with a small request/reply helper over IPC. */
function startClientProc(count, profileDir) {
  // BENCH_CPU_PROFILE=1 profiles the viewer processes too (into the kept logs' profiles/).
  const execArgv = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = fork(CLIENT_PROC, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
  const proc = { child, count, received: new Array(count).fill(0), waiters: [] };
  child.on('message', (m) => {
    if (m.type === 'progress') proc.received = m.received;
    for (const w of proc.waiters.filter((x) => x.type === m.type || m.type === 'error')) {
      proc.waiters.splice(proc.waiters.indexOf(w), 1);
      if (m.type === 'error') w.reject(new Error(`viewer process: ${m.message}`));
      else w.resolve(m);
    }
  });
  child.on('exit', (code) => {
    for (const w of proc.waiters.splice(0)) w.reject(new Error(`viewer process exited with ${code}`));
  });
  proc.request = (msg, replyType, timeoutMs) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`viewer process: no ${replyType} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      proc.waiters.push({
        type: replyType,
        resolve: (m) => (clearTimeout(timer), resolve(m)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      child.send(msg);
    });
  return proc;
}

/**
 * `clients` viewers over `procCount` processes, each signed in (Wharf) or not (the peer) and
 * connected. `start` is the rest of the start message: { url, email?, password?, peer? }.
 * `onStarted(proc)` runs as soon as each process exists (for cleanup).
 */
export async function startViewers({ clients, procCount, profileDir, start, onStarted }) {
  const procs = [];
  for (let i = 0; i < procCount; i++) {
    const count = Math.floor(clients / procCount) + (i < clients % procCount ? 1 : 0);
    const p = startClientProc(count, profileDir);
    procs.push(p);
    onStarted?.(p);
  }
  await Promise.all(
    procs.map((p) =>
      p.request({ type: 'start', ...start, count: p.count, maxLatencyMs: MAX_LATENCY_MS }, 'ready', 120_000),
    ),
  );
  return procs;
}

/** True once every viewer has counted at least `n` lines. */
export const allReceived = (procs, n) => procs.every((p) => p.received.every((r) => r >= n));

/** Asks every process for its viewers' results (they disconnect and exit after it). */
export async function finishViewers(procs, maxSeq) {
  const results = await Promise.all(procs.map((p) => p.request({ type: 'finish', maxSeq }, 'result', 120_000)));
  const viewers = results.flatMap((r) => r.viewers);
  const merged = new Map();
  for (const r of results) for (const [ms, n] of r.buckets) merged.set(ms, (merged.get(ms) ?? 0) + n);
  const buckets = [...merged.entries()].sort((a, b) => a[0] - b[0]);
  const overflow = results.reduce((a, r) => a + r.overflow, 0);
  const samples = buckets.reduce((a, [, n]) => a + n, 0) + overflow;
  return { viewers, buckets, overflow, samples };
}

/** Percentile from 1 ms buckets ([ms, count] pairs, ascending). */
export function percentile(buckets, total, p) {
  const rank = Math.ceil((p / 100) * total);
  let seen = 0;
  for (const [ms, n] of buckets) {
    seen += n;
    if (seen >= rank) return ms;
  }
  return null;
}

/** The latency figures of finishViewers()' result. */
export function latencySummary({ buckets, overflow, samples }, expectedSamples) {
  return {
    samples,
    expectedSamples,
    p50: percentile(buckets, samples, 50),
    p95: percentile(buckets, samples, 95),
    p99: percentile(buckets, samples, 99),
    max: overflow ? `>= ${MAX_LATENCY_MS}` : (buckets.at(-1)?.[0] ?? null),
  };
}

/** Every viewer got every seq 1..n exactly once and nothing beyond. */
export const everyViewerGotEveryLineOnce = (viewers, n) =>
  viewers.every((v) => v.received === n && v.missing === 0 && v.duplicates === 0 && v.beyondMaxSeq === 0);

/** Per-viewer figures for the result JSON (disconnects as a count and their reasons). */
export const viewerRows = (viewers) =>
  viewers.map((v) => ({
    ...v,
    disconnects: v.disconnects.length,
    disconnectReasons: [...new Set(v.disconnects.map((x) => x.reason))],
  }));
