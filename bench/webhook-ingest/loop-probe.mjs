// Loaded into each measured process (`node --import .../loop-probe.mjs`, Wharf's API and worker
// and the peer's two alike) when BENCH_LOOP_PROBE_FILE is set: how late its event loop ran and
// how long V8's garbage collector paused it, per phase of the benchmark. The benchmark writes
// the phase's name into `<file>.phase`; when the name changes, the probe appends one JSON line
// with the figures of the phase that ended to `<file>` and starts counting afresh. Load-
// independent enough to compare the two sides in one run: GC pauses are the process's own, and
// loop delay beyond them is its own synchronous work (or the CPU it did not get).
import { appendFileSync, readFileSync } from 'node:fs';
import { constants, monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';

const file = process.env.BENCH_LOOP_PROBE_FILE;
if (file) {
  const GC_KINDS = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'markSweep',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakCallbacks',
  };
  const delay = monitorEventLoopDelay({ resolution: 2 });
  delay.enable();
  const fresh = () => ({
    phase: readPhase(),
    since: performance.now(),
    elu: performance.eventLoopUtilization(),
    cpu: process.cpuUsage(),
    gc: { count: 0, totalMs: 0, maxMs: 0, over10ms: 0, byKind: {} },
    // Per tick (200 ms): CPU ms used and GC ms paused, to line up with the answers' timeline.
    ticks: [],
    tickCpu: process.cpuUsage(),
    tickGcMs: 0,
  });
  let window = fresh();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const gc = window.gc;
      const kind = GC_KINDS[e.detail?.kind] ?? String(e.detail?.kind);
      gc.count++;
      gc.totalMs += e.duration;
      window.tickGcMs += e.duration;
      gc.maxMs = Math.max(gc.maxMs, e.duration);
      if (e.duration > 10) gc.over10ms++;
      const k = (gc.byKind[kind] ??= { count: 0, totalMs: 0, maxMs: 0 });
      k.count++;
      k.totalMs += e.duration;
      k.maxMs = Math.max(k.maxMs, e.duration);
    }
  }).observe({ entryTypes: ['gc'] });

  const ms = (ns) => +(ns / 1e6).toFixed(2);
  const round = (gc) => ({
    ...gc,
    totalMs: +gc.totalMs.toFixed(1),
    maxMs: +gc.maxMs.toFixed(2),
    byKind: Object.fromEntries(
      Object.entries(gc.byKind).map(([k, v]) => [
        k,
        { ...v, totalMs: +v.totalMs.toFixed(1), maxMs: +v.maxMs.toFixed(2) },
      ]),
    ),
  });
  const flush = () => {
    const cpu = process.cpuUsage(window.cpu);
    const line = {
      pid: process.pid,
      phase: window.phase,
      seconds: +((performance.now() - window.since) / 1000).toFixed(2),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      eventLoopUtilization: +performance.eventLoopUtilization(window.elu).utilization.toFixed(3),
      loopDelayMs: {
        p50: ms(delay.percentile(50)),
        p99: ms(delay.percentile(99)),
        p999: ms(delay.percentile(99.9)),
        max: ms(delay.max),
        mean: ms(delay.mean),
      },
      gc: round(window.gc),
      ticks: window.ticks,
    };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  };
  function readPhase() {
    try {
      return readFileSync(`${file}.phase`, 'utf8').trim();
    } catch {
      return '';
    }
  }
  setInterval(() => {
    const cpu = process.cpuUsage(window.tickCpu);
    window.tickCpu = process.cpuUsage();
    window.ticks.push([Math.round((cpu.user + cpu.system) / 1000), Math.round(window.tickGcMs)]);
    window.tickGcMs = 0;
    if (readPhase() === window.phase) return;
    flush();
    delay.reset();
    window = fresh();
  }, 200).unref();
}
