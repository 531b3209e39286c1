// The steps of one host's release, each a small function over a TargetSession. Every
// remote command is built with `sh` (quoted values) or is a maintainer's own command.
import { posix } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChecksumMismatchError, ExecutorError } from './errors.js';
import { join, sh, trustedCommand, type ShellCommand } from './shell-quote.js';
import { uploadFile } from './sftp-upload.js';
import type { RunOptions, TargetSession } from './target-session.js';
import type { ReloadSettings } from './types.js';

export const RELEASE_MARKER = '.wharf-release';

export interface ReleasePaths {
  base: string;
  releases: string;
  release: string;
  current: string;
  marker: string;
}

export function releasePaths(baseDir: string, version: string): ReleasePaths {
  const base = posix.normalize(baseDir).replace(/\/+$/, '') || '/';
  const releases = posix.join(base, 'releases');
  const release = posix.join(releases, version);
  return { base, releases, release, current: posix.join(base, 'current'), marker: posix.join(release, RELEASE_MARKER) };
}

/** Creates releases/ and removes leftovers (temp dirs, partial uploads) of interrupted runs. */
export async function prepareHost(s: TargetSession, p: ReleasePaths): Promise<void> {
  s.system(`preparing ${p.releases}`);
  await s.run(
    'prepare',
    sh`mkdir -p -- ${p.releases} && find ${p.releases} -mindepth 1 -maxdepth 1 '(' -name '.tmp-*' -o -name '.upload-*' ')' -exec rm -rf -- {} +`,
  );
}

/** A release is complete when its marker holds the artifact's sha256 (written after install). */
export async function isReleaseComplete(s: TargetSession, p: ReleasePaths, sha256: string): Promise<boolean> {
  const r = await s.capture('check release', sh`if [ -f ${p.marker} ]; then cat -- ${p.marker}; fi`);
  return r.exitCode === 0 && r.stdout.trim() === sha256;
}

export interface UploadInput {
  localPath: string;
  sha256: string;
  version: string;
  rand: string;
}

/** SFTP to a temp file, verify sha256 on the host, unpack to a temp dir, then move into place. */
export async function uploadAndUnpack(s: TargetSession, p: ReleasePaths, a: UploadInput): Promise<void> {
  const upload = posix.join(p.releases, `.upload-${a.version}-${a.rand}.tar.gz`);
  const tmp = posix.join(p.releases, `.tmp-${a.version}-${a.rand}`);
  try {
    s.system(`uploading artifact to ${upload}`);
    let nextPct = 25;
    await uploadFile(s.conn, a.localPath, upload, {
      signal: s.signal,
      onProgress: (done, total) => {
        const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
        if (pct >= nextPct) {
          s.system(`upload ${pct}% (${done}/${total} bytes)`);
          nextPct = Math.floor(pct / 25) * 25 + 25;
        }
      },
    });
    s.system('verifying sha256 on the host');
    const r = await s.capture(
      'verify checksum',
      sh`if command -v sha256sum >/dev/null 2>&1; then sha256sum -- ${upload}; else shasum -a 256 -- ${upload}; fi`,
    );
    const actual = r.stdout.trim().split(/\s+/)[0] ?? '';
    if (r.exitCode !== 0 || actual !== a.sha256) throw new ChecksumMismatchError(a.sha256, actual || 'unreadable');
    s.system(`unpacking into ${tmp}, then moving to ${p.release}`);
    await s.run(
      'unpack',
      join([
        sh`mkdir -- ${tmp}`,
        sh`tar -xzf ${upload} -C ${tmp} --no-same-owner`,
        sh`rm -f -- ${upload}`,
        sh`rm -rf -- ${p.release}`,
        sh`mv -T -- ${tmp} ${p.release}`,
      ]),
    );
  } catch (err) {
    // Cleanup must run even after a cancel, so it does not use the session signal.
    await s
      .run('cleanup', sh`rm -rf -- ${tmp} ${upload}`, { signal: AbortSignal.timeout(30_000), timeoutMs: 30_000 })
      .catch(() => undefined);
    throw err;
  }
}

export async function install(
  s: TargetSession,
  p: ReleasePaths,
  installCommand: string | null,
  extraEnv: Record<string, string>,
): Promise<void> {
  let cmd: ShellCommand;
  if (installCommand === null) {
    const has = await s.capture('check lockfile', sh`test -f ${posix.join(p.release, 'package-lock.json')}`);
    if (has.exitCode !== 0) {
      s.system('install: no package-lock.json and no install command, skipping');
      return;
    }
    cmd = sh`npm ci --omit=dev --no-audit --no-fund`;
    s.system('install: npm ci --omit=dev');
  } else {
    cmd = trustedCommand(installCommand);
    s.system('install: running the configured install command');
  }
  await s.run('install', sh`cd -- ${p.release} && ${cmd}`, { withEnv: true, extraEnv });
}

export async function markComplete(s: TargetSession, p: ReleasePaths, sha256: string): Promise<void> {
  await s.run('mark release complete', sh`printf '%s\\n' ${sha256} > ${p.marker}`);
}

export async function runHook(
  s: TargetSession,
  name: 'pre-command' | 'post-command',
  dir: string,
  command: string,
  extraEnv: Record<string, string>,
): Promise<void> {
  s.system(`${name}: running in ${dir}`);
  await s.run(name, sh`cd -- ${dir} && ${trustedCommand(command)}`, { withEnv: true, extraEnv });
}

/** Where `current` points now, or null on a first deploy. */
export async function readCurrent(s: TargetSession, p: ReleasePaths, opts: RunOptions = {}): Promise<string | null> {
  const r = await s.capture('read current', sh`if [ -L ${p.current} ]; then readlink -- ${p.current}; fi`, opts);
  const v = r.stdout.trim();
  return r.exitCode === 0 && v ? v : null;
}

/** Atomic switch: a new symlink under a temp name, renamed over `current` (rename(2) is atomic). */
export async function switchCurrent(
  s: TargetSession,
  p: ReleasePaths,
  targetDir: string,
  rand: string,
  opts: RunOptions = {},
): Promise<void> {
  const tmpLink = posix.join(p.base, `.current-${rand}`);
  s.system(`switching ${p.current} -> ${targetDir}`);
  await s.run(
    'switch current',
    join([sh`touch -c -- ${targetDir}`, sh`ln -sfn -- ${targetDir} ${tmpLink}`, sh`mv -T -- ${tmpLink} ${p.current}`]),
    opts,
  );
}

export async function reloadPm2(
  s: TargetSession,
  p: ReleasePaths,
  reload: ReloadSettings,
  opts: RunOptions = {},
): Promise<void> {
  switch (reload.mode) {
    case 'startOrReload': {
      const file = posix.join(p.current, reload.ecosystemFile);
      s.system(`pm2 startOrReload ${file} --update-env`);
      await s.run('pm2 startOrReload', sh`cd -- ${p.current} && pm2 startOrReload ${file} --update-env --no-color`, {
        ...opts,
        withEnv: true,
      });
      return;
    }
    case 'reload':
      s.system(`pm2 reload ${reload.name} --update-env`);
      await s.run('pm2 reload', sh`cd -- ${p.current} && pm2 reload ${reload.name} --update-env --no-color`, {
        ...opts,
        withEnv: true,
      });
      return;
  }
}

interface Pm2Process {
  name?: string;
  pm2_env?: { status?: string; restart_time?: number };
}

/** pm2 prints the JSON array on one line; anything else on stdout is ignored. */
export function parsePm2Jlist(stdout: string): Pm2Process[] {
  const line = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('['))
    .pop();
  if (!line) throw new ExecutorError('pm2_status', 'pm2 jlist printed no process list');
  try {
    const parsed: unknown = JSON.parse(line);
    if (!Array.isArray(parsed)) throw new Error('not an array');
    return parsed as Pm2Process[];
  } catch {
    throw new ExecutorError('pm2_status', 'pm2 jlist output is not valid JSON');
  }
}

/** Waits briefly for pm2 to report the app `online`; never logs jlist (it holds the app env). */
export async function confirmOnline(s: TargetSession, appName: string): Promise<void> {
  let status = 'unknown';
  for (let i = 0; i < 10; i++) {
    const r = await s.capture('pm2 jlist', sh`pm2 jlist`);
    if (r.exitCode !== 0) throw new ExecutorError('pm2_status', `pm2 jlist failed with exit code ${r.exitCode}`);
    const procs = parsePm2Jlist(r.stdout).filter((x) => x.name === appName);
    if (procs.length === 0) throw new ExecutorError('pm2_status', `pm2 has no app named ${appName}`);
    const statuses = procs.map((x) => x.pm2_env?.status ?? 'unknown');
    status = statuses.join(',');
    if (statuses.every((st) => st === 'online')) {
      s.system(`pm2 reports ${appName} online (${procs.length} process${procs.length > 1 ? 'es' : ''})`);
      return;
    }
    if (statuses.some((st) => st === 'errored' || st === 'stopped')) break;
    await sleep(500);
  }
  throw new ExecutorError('pm2_status', `pm2 reports ${appName} as ${status}, not online`);
}

/**
 * Keeps the newest `keep` complete releases (by activation time); the current release always
 * stays. Partial releases (no marker: an interrupted upload or install) are always removed.
 */
export async function pruneReleases(s: TargetSession, p: ReleasePaths, keep: number): Promise<void> {
  const current = await readCurrent(s, p);
  const currentName = current ? posix.basename(current) : null;
  const r = await s.capture(
    'list releases',
    sh`cd -- ${p.releases} && ls -1t && echo --- && for d in */; do [ -f "$d"${RELEASE_MARKER} ] && printf '%s\\n' "\${d%/}"; done; true`,
  );
  if (r.exitCode !== 0) throw new ExecutorError('prune', 'could not list releases');
  const lines = r.stdout.split('\n');
  const sep = lines.indexOf('---');
  const complete = new Set(lines.slice(sep + 1).filter(Boolean));
  const names = lines.slice(0, Math.max(0, sep)).filter((n) => n && !n.startsWith('.'));
  const others = names.filter((n) => n !== currentName);
  const partial = others.filter((n) => !complete.has(n));
  const old = others.filter((n) => complete.has(n)).slice(Math.max(0, keep - (currentName ? 1 : 0)));
  const remove = [...partial, ...old];
  if (remove.length === 0) {
    s.system(`prune: ${names.length} release(s) on host, keeping up to ${keep}`);
    return;
  }
  s.system(
    `prune: removing ${remove.join(', ')} (keeping ${keep}${partial.length ? `; ${partial.length} partial` : ''})`,
  );
  await s.run('prune', sh`rm -rf -- ${remove.map((n) => posix.join(p.releases, n))}`);
}
