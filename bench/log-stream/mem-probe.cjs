// Preloaded into the API and the worker (NODE_OPTIONS=--require) when BENCH_MEM_PROBE=1: every
// 200 ms it appends process.memoryUsage() and V8's heap spaces to
// $WHARF_MEM_PROBE_DIR/<pid>.jsonl, so RSS growth can be split into JS heap (new/old space),
// external memory (Buffers) and the rest (malloc, socket buffers, code).
'use strict';
const { appendFileSync } = require('node:fs');
const { join } = require('node:path');
const v8 = require('node:v8');

const dir = process.env.WHARF_MEM_PROBE_DIR;
// --trace-gc is refused in NODE_OPTIONS; set at run time it prints every GC to stdout (the
// process's log file): the heap left after a mark-compact is what is really retained.
if (process.env.WHARF_MEM_PROBE_TRACE_GC === '1') v8.setFlagsFromString('--trace-gc');
if (dir) {
  const file = join(dir, `${process.pid}.jsonl`);
  const mib = (b) => Math.round((b / 1048576) * 10) / 10;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    const spaces = {};
    for (const s of v8.getHeapSpaceStatistics()) spaces[s.space_name] = mib(s.space_size);
    const line = {
      t: Date.now(),
      rss: mib(m.rss),
      heapTotal: mib(m.heapTotal),
      heapUsed: mib(m.heapUsed),
      external: mib(m.external),
      arrayBuffers: mib(m.arrayBuffers),
      spaces,
    };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  }, 200);
  timer.unref();
}

// WHARF_MEM_PROBE_HEAP_SAMPLING=1: V8's sampling heap profiler, counting objects that survived
// the young generation (then died in a major GC) as well as live ones, written every 5 s to
// $WHARF_MEM_PROBE_DIR/<pid>.heapprofile: where old-space garbage is allocated.
if (dir && process.env.WHARF_MEM_PROBE_HEAP_SAMPLING === '1') {
  const inspector = require('node:inspector');
  const { writeFileSync } = require('node:fs');
  const session = new inspector.Session();
  session.connect();
  session.post('HeapProfiler.startSampling', {
    samplingInterval: 16384,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: false,
  });
  const dump = setInterval(() => {
    session.post('HeapProfiler.getSamplingProfile', (err, r) => {
      if (!err) writeFileSync(join(dir, `${process.pid}.heapprofile`), JSON.stringify(r.profile));
    });
  }, 5000);
  dump.unref();
}
