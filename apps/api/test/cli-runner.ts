// Runs the real `wharf` CLI against a test Wharf, as a CI job does: the bundle is built from
// this checkout, downloaded from the running API's /cli/wharf.mjs, and run with plain `node`,
// the token in WHARF_TOKEN only. Output can be watched while the process runs.
import { execFile, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestClient } from './http-client.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Bundles apps/cli into apps/cli/dist/wharf.mjs (what the API serves), so the test runs this checkout's CLI. */
export async function buildCliBundle(): Promise<void> {
  await promisify(execFile)(process.execPath, [join(repoRoot, 'apps/cli/build.mjs')], { cwd: repoRoot });
}

/** `curl -fsS "$WHARF_URL/cli/wharf.mjs" -o wharf.mjs`, in `dir`; returns the file's path. */
export async function downloadCli(baseUrl: string, dir: string): Promise<string> {
  const res = await fetch(`${baseUrl}/cli/wharf.mjs`);
  if (res.status !== 200) throw new Error(`GET /cli/wharf.mjs answered ${res.status}`);
  const path = join(dir, 'wharf.mjs');
  await writeFile(path, Buffer.from(await res.arrayBuffer()));
  return path;
}

export interface CliRun {
  /** Output so far (complete once `done` resolves). */
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves when `pred(output so far)` holds; rejects if the process ends first. */
  until(pred: (out: { stdout: string; stderr: string }) => boolean, timeoutMs?: number): Promise<void>;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

export function runCli(cli: string, args: string[], env: Record<string, string>, cwd: string): CliRun {
  const child = spawn(process.execPath, [cli, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let ended = false;
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of waiters) w();
  };
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
    notify();
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
    notify();
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      ended = true;
      notify();
      resolve({ code, stdout, stderr });
    });
  });
  return {
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    done,
    until(pred, timeoutMs = 120_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`CLI output never matched; stdout:\n${stdout}\nstderr:\n${stderr}`));
        }, timeoutMs);
        const check = () => {
          if (pred({ stdout, stderr })) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve();
          } else if (ended) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(new Error(`CLI exited before its output matched; stdout:\n${stdout}\nstderr:\n${stderr}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/**
 * The stored log (the dashboard's download), turned into what `release --wait` prints for it:
 * `[target] text` when there are several targets, the bare text for deployment-wide lines.
 */
export async function storedLogAsPrinted(
  admin: TestClient,
  slug: string,
  deploymentId: string,
  multiTarget: boolean,
): Promise<string[]> {
  const res = await admin.get(`/api/v1/projects/${slug}/deployments/${deploymentId}/logs/download`);
  if (res.status !== 200 || typeof res.body !== 'string') throw new Error(`log download answered ${res.status}`);
  return res.body
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const m = /^\S+ \[([^\]]*)\] (?:stdout|stderr|system): (.*)$/.exec(l);
      if (!m) throw new Error(`unexpected stored log line: ${l}`);
      const [, target, text] = m;
      return target === '-' || !multiTarget ? text! : `[${target}] ${text}`;
    });
}

/** The deployment id from the CLI's "releasing ...: deployment <id>" line. */
export function deploymentIdFrom(stderr: string): string | null {
  return /deployment ([0-9a-f-]{36}) \(/.exec(stderr)?.[1] ?? null;
}
