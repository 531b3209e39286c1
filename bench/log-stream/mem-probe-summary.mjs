// Reads what mem-probe.cjs wrote for one process: the last sample before the deployment
// (idle) and the peak of each figure after it, in MiB.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROBE = fileURLToPath(new URL('./mem-probe.cjs', import.meta.url));
const FIELDS = ['rss', 'heapTotal', 'heapUsed', 'external', 'arrayBuffers'];
const SPACES = ['new_space', 'old_space', 'large_object_space', 'code_space'];

/** Environment for the API and worker so they preload the probe, writing under `tmp`. */
export async function memProbeEnv(tmp) {
  const dir = join(tmp, 'mem-probe');
  await mkdir(dir, { recursive: true });
  // BENCH_NODE_OPTIONS: more flags for both (e.g. --max-semi-space-size=...);
  // BENCH_TRACE_GC=1: every GC in the processes' logs.
  const extra = process.env.BENCH_NODE_OPTIONS ? ` ${process.env.BENCH_NODE_OPTIONS}` : '';
  return {
    NODE_OPTIONS: `--require ${PROBE}${extra}`,
    WHARF_MEM_PROBE_DIR: dir,
    ...(process.env.BENCH_TRACE_GC === '1' ? { WHARF_MEM_PROBE_TRACE_GC: '1' } : {}),
    // BENCH_HEAP_SAMPLING=1: where promoted (old-space) garbage is allocated; see mem-probe.cjs.
    ...(process.env.BENCH_HEAP_SAMPLING === '1' ? { WHARF_MEM_PROBE_HEAP_SAMPLING: '1' } : {}),
  };
}

export async function memProbeSummary(tmp, pid, since) {
  let text;
  try {
    text = await readFile(join(tmp, 'mem-probe', `${pid}.jsonl`), 'utf8');
  } catch {
    return null;
  }
  const samples = text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const idle = samples.filter((s) => s.t < since).at(-1) ?? samples[0];
  const during = samples.filter((s) => s.t >= since);
  if (!idle || during.length === 0) return null;
  const flat = (s) => ({
    ...Object.fromEntries(FIELDS.map((f) => [f, s[f]])),
    ...Object.fromEntries(SPACES.map((k) => [k, s.spaces[k] ?? 0])),
  });
  const idleFlat = flat(idle);
  const peak = {};
  for (const s of during) for (const [k, v] of Object.entries(flat(s))) peak[k] = Math.max(peak[k] ?? 0, v);
  // The sample where RSS peaked: what the RSS was made of at that moment.
  const atPeak = flat(during.reduce((a, s) => (s.rss > a.rss ? s : a)));
  return { idle: idleFlat, peak, atPeakRss: atPeak };
}
