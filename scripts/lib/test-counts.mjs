// Reads test counts from runner output, for the one-line summary CI reads.
import { readFileSync } from 'node:fs';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/**
 * Sums vitest's "Tests  2 failed | 40 passed | 1 skipped (43)" lines (one per package;
 * turbo may prefix them with "pkg:test: "). "Test Files" lines are not counted.
 */
export function vitestCounts(output) {
  let passed = 0;
  let failed = 0;
  let found = 0;
  for (const raw of output.replace(ANSI, '').split('\n')) {
    const m = /(?:^|\s)Tests\s{2,}(.*?)\s*\(\d+\)\s*$/.exec(raw);
    if (!m) continue;
    found++;
    for (const part of m[1].split('|')) {
      const c = /(\d+)\s+(passed|failed)/.exec(part);
      if (c?.[2] === 'passed') passed += Number(c[1]);
      if (c?.[2] === 'failed') failed += Number(c[1]);
    }
  }
  return { passed, failed, found: found > 0 };
}

/** Playwright's JSON reporter stats; falls back to the list reporter's closing lines. */
export function playwrightCounts(output, jsonFile) {
  try {
    const { stats } = JSON.parse(readFileSync(jsonFile, 'utf8'));
    return { passed: stats.expected + stats.flaky, failed: stats.unexpected, found: true };
  } catch {
    const text = output.replace(ANSI, '');
    const passed = Number(/^\s*(\d+) passed/m.exec(text)?.[1] ?? 0);
    const failed = Number(/^\s*(\d+) failed/m.exec(text)?.[1] ?? 0);
    return { passed, failed, found: passed + failed > 0 };
  }
}
