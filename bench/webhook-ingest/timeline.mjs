#!/usr/bin/env node
// Prints a kept run's timeline (BENCH_KEEP_LOGS=1): per 200 ms of the load, the answers' median
// and max time, and the CPU and GC milliseconds of that side's endpoint and worker then (from
// loop-probe.mjs). Lines slow answers up with what each process was doing.
// Usage: node bench/webhook-ingest/timeline.mjs <kept work dir> [wharf|peer]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, side = 'wharf'] = process.argv.slice(2);
if (!dir) {
  console.error('usage: timeline.mjs <kept work dir> [wharf|peer]');
  process.exit(2);
}
const read = (name) => {
  try {
    return JSON.parse(readFileSync(join(dir, name), 'utf8'));
  } catch {
    return [];
  }
};
const answers = read(`${side}-answers.json`);
const endpoint = read(`${side}-endpoint-ticks.json`);
const worker = read(`${side}-worker-ticks.json`);
const TICK_MS = 200;
const fmt = (t) => (t ? `${String(t[0]).padStart(4)} cpu ${String(t[1]).padStart(4)} gc` : '');
console.log('  at   n  median     max | endpoint ms (cpu, gc) | worker ms (cpu, gc)');
for (let i = 0; ; i++) {
  const slot = answers.filter(([due]) => due >= i * TICK_MS && due < (i + 1) * TICK_MS).map(([, ms]) => ms);
  if (slot.length === 0 && i * TICK_MS > (answers.at(-1)?.[0] ?? 0)) break;
  slot.sort((a, b) => a - b);
  const med = slot[Math.floor(slot.length / 2)] ?? 0;
  const max = slot.at(-1) ?? 0;
  console.log(
    `${((i * TICK_MS) / 1000).toFixed(1).padStart(5)}s ${String(slot.length).padStart(3)} ${med.toFixed(1).padStart(7)} ${max
      .toFixed(1)
      .padStart(7)} | ${fmt(endpoint[i]).padEnd(21)} | ${fmt(worker[i])}`,
  );
}
