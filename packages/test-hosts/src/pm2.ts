// pm2 from this package's dependencies, exposed to remote shells through a bin dir on PATH.
import { execFile } from 'node:child_process';
import { readdir, readFile, symlink, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { isAlive, killAndWait } from './process-utils.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

/** Absolute path of pm2's CLI script (a node script with a shebang). */
export function pm2CliPath(): string {
  return join(dirname(require.resolve('pm2/package.json')), 'bin', 'pm2');
}

/** Creates `<dir>/pm2` -> pm2's CLI so a PATH entry of `dir` finds it. */
export async function linkPm2Bin(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await symlink(pm2CliPath(), join(dir, 'pm2'));
}

/** Prepares a PM2_HOME that never phones home (pm2 skips its version check when `touch` exists). */
export async function preparePm2Home(pm2Home: string): Promise<void> {
  await mkdir(pm2Home, { recursive: true });
  await writeFile(join(pm2Home, 'touch'), '');
}

export function pm2Env(pm2Home: string): NodeJS.ProcessEnv {
  return { ...process.env, PM2_HOME: pm2Home, PM2_DISCRETE_MODE: 'true' };
}

async function readPid(path: string): Promise<number | null> {
  try {
    const n = Number.parseInt((await readFile(path, 'utf8')).trim(), 10);
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

/** Pids pm2 recorded in this PM2_HOME: the daemon and every app process. */
export async function pm2Pids(pm2Home: string): Promise<number[]> {
  const pids: number[] = [];
  const daemon = await readPid(join(pm2Home, 'pm2.pid'));
  if (daemon) pids.push(daemon);
  let files: string[] = [];
  try {
    files = await readdir(join(pm2Home, 'pids'));
  } catch {
    /* no apps were ever started */
  }
  for (const f of files) {
    const pid = await readPid(join(pm2Home, 'pids', f));
    if (pid) pids.push(pid);
  }
  return pids;
}

/**
 * Stops the pm2 daemon of one PM2_HOME and its apps: `pm2 kill` first (clean), then the
 * recorded pids one by one, so nothing survives even if pm2 itself misbehaves.
 */
export async function stopPm2(pm2Home: string): Promise<void> {
  const before = await pm2Pids(pm2Home);
  if (before.some(isAlive)) {
    try {
      await run(process.execPath, [pm2CliPath(), 'kill'], { env: pm2Env(pm2Home), timeout: 20_000 });
    } catch {
      /* fall through to killing by pid */
    }
  }
  const after = new Set([...before, ...(await pm2Pids(pm2Home))]);
  for (const pid of after) await killAndWait(pid, 'SIGTERM', 3000);
}
