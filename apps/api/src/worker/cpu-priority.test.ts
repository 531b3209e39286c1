// lowerCpuPriority changes the process it runs in, so each case runs it in a child process
// (the module compiled to plain JavaScript with swc) and reads the result from /proc.
import { transformFileSync } from '@swc/core';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const linux = existsSync('/proc/self/task') && existsSync('/proc/self/autogroup');
let dir: string;

const PROBE = `
import { readdirSync, readFileSync } from 'node:fs';
import { lowerCpuPriority } from './cpu-priority.mjs';
const result = lowerCpuPriority(Number(process.argv[2]));
// A helper thread may end between the listing and the read: it is skipped, not a failure.
const threadNice = readdirSync('/proc/self/task').flatMap((t) => {
  try {
    return [Number(readFileSync('/proc/self/task/' + t + '/stat', 'utf8').split(') ')[1].split(' ')[16])];
  } catch {
    return [];
  }
});
// Empty (null here) for a process in the root autogroup: see autogroupNice below.
const match = /nice (-?\\d+)/.exec(readFileSync('/proc/self/autogroup', 'utf8'));
const autogroup = match ? Number(match[1]) : null;
process.stdout.write(JSON.stringify({ result, threadNice, autogroup }));
`;

/**
 * The nice value in /proc/self/autogroup; null when the file is empty, as it is for a process
 * in the root autogroup (no setsid anywhere above it, e.g. in some CI containers).
 */
function autogroupNice(text: string): number | null {
  const match = /nice (-?\d+)/.exec(text);
  return match ? Number(match[1]) : null;
}

function run(
  increment: number,
  ownSession: boolean,
): Promise<{
  result: { nice: number; threads: number; autogroup: boolean };
  threadNice: number[];
  autogroup: number | null;
}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(dir, 'probe.mjs'), String(increment)], {
      detached: ownSession,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.once('error', reject);
    // 'close', not 'exit': by then stdout has been read to its end.
    child.once('close', (code, signal) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`probe exited ${code ?? signal}: ${err || out}`)),
    );
  });
}

describe.runIf(linux)('lowerCpuPriority', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cpu-priority-'));
    const { code } = transformFileSync(new URL('./cpu-priority.ts', import.meta.url).pathname, {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'es6' },
    });
    await writeFile(join(dir, 'cpu-priority.mjs'), code);
    await writeFile(join(dir, 'probe.mjs'), PROBE);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('sets every thread, not only the main one, and leaves a shared session alone', async () => {
    const { result, threadNice, autogroup } = await run(7, false);
    const base = (await run(0, false)).result.nice;
    expect(result.nice).toBe(Math.min(19, base + 7));
    // Node starts V8's and libuv's helper threads before any JavaScript runs.
    expect(threadNice.length).toBeGreaterThan(1);
    expect(new Set(threadNice)).toEqual(new Set([result.nice]));
    // The autogroup of the session it shares (here the test runner's) keeps its value.
    expect(result.autogroup).toBe(false);
    expect(autogroup).toBe(autogroupNice(readFileSync('/proc/self/autogroup', 'utf8')));
  });

  it('in a session of its own, its autogroup gets the same nice value', async () => {
    const { result, autogroup } = await run(7, true);
    expect(result.autogroup).toBe(true);
    expect(autogroup).toBe(result.nice);
  });

  it('never goes past 19', async () => {
    const { result, threadNice } = await run(40, true);
    expect(result.nice).toBe(19);
    expect(new Set(threadNice)).toEqual(new Set([19]));
  });
});
