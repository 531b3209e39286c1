// The steps of one host's release, each a small function over a TargetSession. Every
// remote command is built with `sh` (quoted values) or is a maintainer's own command.
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChecksumMismatchError, ExecutorError } from './errors.js';
import { join, sh, trustedCommand, type ShellCommand } from './shell-quote.js';
import { uploadFile } from './sftp-upload.js';
import type { RunOptions, TargetSession } from './target-session.js';
import type { ReloadSettings } from './types.js';

/**
 * Wharf's own bookkeeping on a host lives in `<base>/.wharf/`, never inside a release: a
 * release directory is the tarball's, and anything there (a symlink named like a marker
 * included) is the tarball's to decide. Per release Wharf made: `<version>.owned` (written
 * just before the release directory is moved into place) and `<version>.complete` (the
 * artifact's sha256, written after install).
 */
export const STATE_DIR = '.wharf';
/** Where releases before this layout kept their marker; read once to adopt them. */
const LEGACY_MARKER = '.wharf-release';

export interface ReleasePaths {
  base: string;
  releases: string;
  release: string;
  current: string;
  /** `<base>/.wharf`: Wharf's markers, out of every tarball's reach. */
  state: string;
  /** Marks `releases/<version>` as made by Wharf (only such releases are ever removed). */
  owned: string;
  /** Holds the sha256 of the artifact once the release is unpacked and installed. */
  complete: string;
}

export function releasePaths(baseDir: string, version: string): ReleasePaths {
  const base = posix.normalize(baseDir).replace(/\/+$/, '') || '/';
  const releases = posix.join(base, 'releases');
  const state = posix.join(base, STATE_DIR);
  return {
    base,
    releases,
    release: posix.join(releases, version),
    current: posix.join(base, 'current'),
    state,
    owned: posix.join(state, `${version}.owned`),
    complete: posix.join(state, `${version}.complete`),
  };
}

/** Fails unless `dir` is a real directory (not a symlink to one). */
export const realDir = (dir: string): ShellCommand =>
  sh`{ [ -d ${dir} ] && [ ! -L ${dir} ] || { echo ${`${dir} is not a directory (or is a symlink)`} >&2; exit 3; }; }`;

/**
 * Writes a file of Wharf's own without following any link at its path: a fresh name in the
 * state directory (noclobber), then rename(2) over the target, which replaces a link there
 * instead of writing through it.
 */
export function writeStateFile(file: string, content: string, rand: string): ShellCommand {
  const tmp = posix.join(posix.dirname(file), `.tmp-${rand}`);
  return sh`( umask 077 && set -C && printf '%s\\n' ${content} > ${tmp} ) && mv -fT -- ${tmp} ${file}`;
}

/**
 * Creates releases/ and the state dir, removes leftovers (temp dirs, partial uploads, temp
 * markers) of interrupted runs, and adopts releases marked the old way (a regular
 * `.wharf-release` file inside) so they can still be pruned and reused.
 */
export async function prepareHost(s: TargetSession, p: ReleasePaths): Promise<void> {
  s.system(`preparing ${p.releases}`);
  await s.run('prepare', prepareCommand(p));
}

/** The command of prepareHost (also the first step of the host inspection script). */
export function prepareCommand(p: ReleasePaths): ShellCommand {
  return join([
    // Every host runs this once per release: shell builtins where they do, so that a host
    // with nothing to create or clean up starts no process here (mkdir, two finds before).
    sh`{ [ -d ${p.releases} ] && [ -d ${p.state} ]; } || mkdir -p -- ${p.releases} ${p.state}`,
    realDir(p.state),
    sh`for __f in ${p.releases}/.tmp-* ${p.releases}/.upload-*; do if [ -e "$__f" ] || [ -L "$__f" ]; then rm -rf -- "$__f" || exit $?; fi; done`,
    sh`for __f in ${p.state}/.tmp-*; do if [ -e "$__f" ] || [ -L "$__f" ]; then rm -f -- "$__f" || exit $?; fi; done`,
    sh`cd -- ${p.releases}`,
    sh`for d in */; do n="\${d%/}"; m="$n"/${LEGACY_MARKER}; if [ -f "$m" ] && [ ! -L "$m" ] && [ ! -e ${p.state}/"$n".owned ]; then : > ${p.state}/"$n".owned && head -c 100 -- "$m" > ${p.state}/"$n".complete; fi; done`,
  ]);
}

/** A release is complete when Wharf's marker holds the artifact's sha256 (written after install). */
export async function isReleaseComplete(s: TargetSession, p: ReleasePaths, sha256: string): Promise<boolean> {
  const r = await s.capture(
    'check release',
    sh`if [ -d ${p.release} ] && [ -f ${p.owned} ] && [ -f ${p.complete} ] && [ ! -L ${p.complete} ]; then cat -- ${p.complete}; fi`,
  );
  return r.exitCode === 0 && r.stdout.trim() === sha256;
}

export interface UploadInput {
  localPath: string;
  sha256: string;
  version: string;
  rand: string;
}

/** A directory at the release path that Wharf did not make is left alone: the release fails. */
async function refuseForeignRelease(s: TargetSession, p: ReleasePaths): Promise<void> {
  const r = await s.capture(
    'check release owner',
    sh`if [ -e ${p.release} ] || [ -L ${p.release} ]; then if [ -f ${p.owned} ]; then echo ours; else echo foreign; fi; else echo none; fi`,
  );
  if (r.exitCode !== 0) throw new ExecutorError('prepare', 'could not check the release directory');
  if (r.stdout.trim() === 'foreign') {
    throw new ExecutorError(
      'release_not_wharfs',
      `${p.release} exists but was not made by Wharf; move it away (Wharf never replaces or prunes it)`,
    );
  }
}

/** SFTP to a temp file, verify sha256 on the host, unpack to a temp dir, then move into place. */
export async function uploadAndUnpack(s: TargetSession, p: ReleasePaths, a: UploadInput): Promise<void> {
  await refuseForeignRelease(s, p);
  const upload = posix.join(p.releases, `.upload-${a.version}-${a.rand}.tar.gz`);
  const tmp = posix.join(p.releases, `.tmp-${a.version}-${a.rand}`);
  try {
    await uploadArtifact(s, a.localPath, upload);
    s.system('verifying sha256 on the host');
    const r = await s.capture('verify checksum', sha256Command(upload));
    const actual = r.stdout.trim().split(/\s+/)[0] ?? '';
    if (r.exitCode !== 0 || actual !== a.sha256) throw new ChecksumMismatchError(a.sha256, actual || 'unreadable');
    s.system(`unpacking into ${tmp}, then moving to ${p.release}`);
    await s.run('unpack', unpackCommand(p, { upload, tmp, version: a.version, rand: a.rand }));
  } catch (err) {
    // Cleanup must run even after a cancel, so it does not use the session signal.
    await s
      .run('cleanup', sh`rm -rf -- ${tmp} ${upload}`, { signal: AbortSignal.timeout(30_000), timeoutMs: 30_000 })
      .catch(() => undefined);
    throw err;
  }
}

/**
 * Unpacks the verified upload into a temp dir, marks the release as Wharf's, then moves it
 * into place. --no-same-owner: files belong to the ssh user, whatever uid the tarball names.
 * --no-same-permissions with umask 022: no setuid/setgid/sticky or world-writable bits (root
 * would otherwise keep them). --no-overwrite-dir: the tarball's "./" entry cannot change the
 * mode of the directory Wharf made for it.
 */
export function unpackCommand(
  p: ReleasePaths,
  a: { upload: string; tmp: string; version: string; rand: string },
): ShellCommand {
  return join([
    sh`umask 022`,
    sh`mkdir -- ${a.tmp}`,
    sh`tar -xzf ${a.upload} -C ${a.tmp} --no-same-owner --no-same-permissions --no-overwrite-dir`,
    sh`rm -f -- ${a.upload}`,
    sh`rm -rf -- ${p.release}`,
    writeStateFile(p.owned, a.version, `${a.rand}-owned`),
    sh`mv -T -- ${a.tmp} ${p.release}`,
  ]);
}

/** Prints the sha256 of `file` (first word), with sha256sum or shasum. */
export const sha256Command = (file: string): ShellCommand =>
  sh`if command -v sha256sum >/dev/null 2>&1; then sha256sum -- ${file}; else shasum -a 256 -- ${file}; fi`;

/** Uploads over SFTP, logging progress at 25% steps. */
export async function uploadArtifact(s: TargetSession, localPath: string, remotePath: string): Promise<void> {
  s.system(`uploading artifact to ${remotePath}`);
  let nextPct = 25;
  await uploadFile(s.conn, localPath, remotePath, {
    signal: s.signal,
    onProgress: (done, total) => {
      const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
      if (pct >= nextPct) {
        s.system(`upload ${pct}% (${done}/${total} bytes)`);
        nextPct = Math.floor(pct / 25) * 25 + 25;
      }
    },
  });
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

/** Records the sha256 in Wharf's state dir; never writes inside the release (see STATE_DIR). */
export async function markComplete(s: TargetSession, p: ReleasePaths, sha256: string): Promise<void> {
  const rand = randomBytes(6).toString('hex');
  await s.run('mark release complete', join([realDir(p.state), writeStateFile(p.complete, sha256, rand)]));
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

/** Release names (newest first), `---`, then Wharf's marker files; one per line. */
export const releaseListingCommand = (p: ReleasePaths): ShellCommand =>
  sh`cd -- ${p.releases} && ls -1t && echo --- && cd -- ${p.state} && for f in *.owned *.complete; do [ -f "$f" ] && [ ! -L "$f" ] && printf '%s\\n' "$f"; done; true`;

/** What a prune will do: the log lines that say so, and the command (null: nothing to remove). */
export interface PrunePlan {
  notes: string[];
  command: ShellCommand | null;
}

/**
 * Keeps the newest `keep` complete releases (by activation time) among those Wharf made; the
 * current release always stays. Wharf's partial releases (owned, never completed: an
 * interrupted upload or install) are removed. A directory Wharf did not make is never touched.
 * Decided from releaseListingCommand's output; running the command is the caller's.
 */
export function planPrune(p: ReleasePaths, keep: number, current: string | null, listing: string): PrunePlan {
  const currentName = current ? posix.basename(current) : null;
  const lines = listing.split('\n');
  const sep = lines.indexOf('---');
  const markers = lines.slice(sep + 1).filter(Boolean);
  const owned = new Set(markers.filter((m) => m.endsWith('.owned')).map((m) => m.slice(0, -'.owned'.length)));
  const complete = new Set(markers.filter((m) => m.endsWith('.complete')).map((m) => m.slice(0, -'.complete'.length)));
  const names = [...new Set(lines.slice(0, Math.max(0, sep)).filter((n) => n && !n.startsWith('.')))];
  const others = names.filter((n) => n !== currentName);
  const foreign = others.filter((n) => !owned.has(n));
  const ours = others.filter((n) => owned.has(n));
  const partial = ours.filter((n) => !complete.has(n));
  const old = ours.filter((n) => complete.has(n)).slice(Math.max(0, keep - (currentName ? 1 : 0)));
  const remove = [...partial, ...old];
  // Markers of releases that are gone (removed by hand, or a prune cut short) go too.
  const present = new Set(names);
  const stale = [...new Set([...owned, ...complete])].filter((n) => !present.has(n));
  const notes: string[] = [];
  if (foreign.length) notes.push(`prune: leaving ${foreign.join(', ')} alone (not made by Wharf)`);
  if (remove.length === 0 && stale.length === 0) {
    notes.push(`prune: ${ours.length + (currentName ? 1 : 0)} Wharf release(s) on host, keeping up to ${keep}`);
    return { notes, command: null };
  }
  if (remove.length) {
    notes.push(
      `prune: removing ${remove.join(', ')} (keeping ${keep}${partial.length ? `; ${partial.length} partial` : ''})`,
    );
  }
  const markerFiles = [...remove, ...stale].flatMap((n) => [
    posix.join(p.state, `${n}.owned`),
    posix.join(p.state, `${n}.complete`),
  ]);
  // Directories first: a prune cut short leaves a marker without a directory (cleaned next
  // time), never a Wharf release without its marker (which would then count as foreign).
  return {
    notes,
    command: join([
      ...(remove.length ? [sh`rm -rf -- ${remove.map((n) => posix.join(p.releases, n))}`] : []),
      sh`rm -f -- ${markerFiles}`,
    ]),
  };
}

/** Prunes old releases (see planPrune), in a remote command of its own when there is work. */
export async function pruneReleases(
  s: TargetSession,
  p: ReleasePaths,
  keep: number,
  /** Where `current` points, when the caller knows (it just switched it): saves a round trip. */
  knownCurrent?: string,
  /** releaseListingCommand's output, when an earlier script already printed it. */
  knownListing?: string,
): Promise<void> {
  const current = knownCurrent ?? (await readCurrent(s, p));
  let listing = knownListing;
  if (listing === undefined) {
    const r = await s.capture('list releases', releaseListingCommand(p));
    if (r.exitCode !== 0) throw new ExecutorError('prune', 'could not list releases');
    listing = r.stdout;
  }
  const plan = planPrune(p, keep, current, listing);
  for (const note of plan.notes) s.system(note);
  if (plan.command) await s.run('prune', plan.command);
}
