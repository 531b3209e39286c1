// One host's release in few round trips: a release used to cost ~13 remote commands one
// after another; here it is two step scripts (inspect and prepare, with the upload streamed
// on its stdin; activate) plus the health probe(s), which the prune rides when it has work.
// The steps, their log lines, their exit codes and their quoting are those of
// deploy-steps.ts; only the grouping differs.
// Cancel: each script is one process group (killed as a whole, see remote-exec.ts), and the
// executor checks the signal between prepare and activate, so a cancel before the switch
// still never switches.
import { posix } from 'node:path';
import {
  prepareCommand,
  realDir,
  releaseListingCommand,
  sha256Command,
  unpackCommand,
  writeStateFile,
  type ReleasePaths,
} from './deploy-steps.js';
import { ChecksumMismatchError, ExecutorError } from './errors.js';
import { sh, trustedCommand, type ShellCommand } from './shell-quote.js';
import { StepScript, type ScriptStep } from './step-script.js';
import type { TargetSession } from './target-session.js';
import type { ReloadSettings } from './types.js';

export interface HostFacts {
  /** The release is on the host, made by Wharf and complete for this artifact. */
  complete: boolean;
  /** Who owns a directory at the release path (`none`: there is none). */
  owner: 'ours' | 'foreign' | 'none';
  /** Where `current` points, or null on a first deploy. */
  current: string | null;
  hasCurl: boolean;
}

export interface PrepareInput {
  upload: string;
  tmp: string;
  sha256: string;
  version: string;
  rand: string;
  installCommand: string | null;
  preCommand: string | null;
}

/**
 * Upload (on fd 3), verify, unpack, install, mark complete: a new release's steps. Steps that
 * may be cut short without leaving a half-written release behind (see cleanupUpload) come first.
 */
function addUploadAndInstall(script: StepScript, p: ReleasePaths, a: PrepareInput): void {
  script
    // The artifact arrives on fd 3, streamed after the env (no SFTP channel); 0600 like
    // any upload of Wharf's, in a subshell so the umask stays there.
    .input('upload', `uploading artifact to ${a.upload}`, sh`( umask 077 && exec cat > ${a.upload} ) <&3`)
    .step(
      'verify checksum',
      'verifying sha256 on the host',
      sh`__sum=$(${sha256Command(a.upload)}) || __sum=; __sum=\${__sum%% *}; printf '%s%s\\n' ${`${script.mark}v:sha256=`} "$__sum"; [ "$__sum" = ${a.sha256} ]`,
    )
    .step('unpack', `unpacking into ${a.tmp}, then moving to ${p.release}`, unpackCommand(p, a));
  const inRelease = (cmd: ShellCommand): ShellCommand => sh`cd -- ${p.release} && ${cmd}`;
  if (a.installCommand === null) {
    script.choose(
      sh`test -f ${posix.join(p.release, 'package-lock.json')}`,
      {
        name: 'install',
        announce: 'install: npm ci --omit=dev',
        cmd: inRelease(sh`npm ci --omit=dev --no-audit --no-fund`),
        userEnv: true,
      },
      { name: 'install', announce: 'install: no package-lock.json and no install command, skipping' },
    );
  } else {
    script.userStep(
      'install',
      'install: running the configured install command',
      inRelease(trustedCommand(a.installCommand)),
    );
  }
  script.step(
    'mark release complete',
    `release ${a.version} prepared in ${p.release}`,
    sh`${realDir(p.state)} && ${writeStateFile(p.complete, a.sha256, `${a.rand}-complete`)}`,
  );
}

function addPreCommand(script: StepScript, p: ReleasePaths, a: PrepareInput): void {
  if (a.preCommand !== null) {
    script.userStep(
      'pre-command',
      `pre-command: running in ${p.release}`,
      sh`cd -- ${p.release} && ${trustedCommand(a.preCommand)}`,
    );
  }
}

/** The announcement when the release is already on the host (no upload, no install). */
const reusedAnnounce = (version: string): string =>
  `release ${version} is already complete on this host (sha256 matches): skipping upload and install`;

/**
 * Inspection and preparation as one remote command, the host deciding between them: it
 * prepares the dirs and reports what it found (complete, owner, current, curl), then reuses a
 * complete release of this artifact (closes the upload's fd 3 unread), stops at a release
 * directory Wharf did not make (or one it could not check: the executor refuses both from the
 * values), or uploads, verifies, unpacks, installs and marks it; then the pre-command. Saves
 * the inspection's round trip (a remote command, an sshd session) on every host.
 */
export function inspectAndPrepareScript(p: ReleasePaths, a: PrepareInput, nonce?: string): StepScript {
  const script = new StepScript(nonce)
    .step('prepare', `preparing ${p.releases}`, prepareCommand(p))
    .code(
      sh`__wharf_done=$(if [ -d ${p.release} ] && [ -f ${p.owned} ] && [ -f ${p.complete} ] && [ ! -L ${p.complete} ]; then head -c 100 -- ${p.complete}; fi)`,
    )
    .code(
      sh`__wharf_own=$(if [ -e ${p.release} ] || [ -L ${p.release} ]; then if [ -f ${p.owned} ]; then echo ours; else echo foreign; fi; else echo none; fi)`,
    )
    .value('complete', sh`printf '%s' "$__wharf_done"`)
    .value('owner', sh`printf '%s' "$__wharf_own"`)
    .value('current', sh`if [ -L ${p.current} ]; then readlink -- ${p.current}; fi`)
    .value('curl', sh`if command -v curl >/dev/null 2>&1; then echo yes; else echo no; fi`)
    // Not complete, and a directory Wharf did not make (or an unreadable answer): stop here.
    .code(sh`if [ "$__wharf_done" != ${a.sha256} ]; then case "$__wharf_own" in none | ours) ;; *) exit 0 ;; esac; fi`)
    .branch(
      sh`[ "$__wharf_done" = ${a.sha256} ]`,
      (s) => s.step('reuse', reusedAnnounce(a.version), sh`exec 3<&-`),
      (s) => addUploadAndInstall(s, p, a),
    );
  addPreCommand(script, p, a);
  return script;
}

/** Steps after which an interrupted prepare leaves temp files that must go (upload, temp dir). */
const UPLOAD_STEPS = new Set(['upload', 'verify checksum', 'unpack']);

/**
 * Runs inspectAndPrepareScript and returns what the host reported (see HostFacts); a release
 * directory Wharf did not make is refused. A checksum mismatch becomes ChecksumMismatchError; a
 * failure or cancel before the release is in place removes the upload and the temp dir (with
 * its own budget, so it runs after a cancel too).
 */
export async function inspectAndPrepare(
  s: TargetSession,
  p: ReleasePaths,
  a: PrepareInput,
  /** The artifact on this machine; streamed to the host, which reads it only when it needs it. */
  artifact: { path: string; size: number },
  /**
   * The host reported what it has and goes on with the release (upload or reuse): called
   * once, while the script still runs (e.g. to open the next remote command ahead of time).
   */
  onProceeding?: (facts: HostFacts) => void,
): Promise<HostFacts> {
  let failedIn: ScriptStep | null = null;
  let valuesAtFailure: ReadonlyMap<string, string> = new Map();
  let sent = 0;
  let uploading = false;
  let nextPct = 25;
  const progress = (n: number): void => {
    sent = n;
    const pct = artifact.size > 0 ? Math.floor((n / artifact.size) * 100) : 100;
    // Sent is not yet written: 100% is said once the host has it all (next step started).
    if (uploading && pct >= nextPct && pct < 100) {
      s.system(`upload ${pct}% (${n}/${artifact.size} bytes sent)`);
      nextPct = Math.floor(pct / 25) * 25 + 25;
    }
  };
  let values: ReadonlyMap<string, string>;
  try {
    const r = await s.runScript('prepare release', inspectAndPrepareScript(p, a), {
      input: { ...artifact, onProgress: progress },
      onStep: (step, v) => {
        if (step.name === 'upload' || step.name === 'reuse') onProceeding?.(facts(v, a.sha256));
        if (step.name === 'upload') uploading = true;
        if (step.name === 'verify checksum') {
          uploading = false;
          s.system(`upload 100% (${sent}/${artifact.size} bytes)`);
        }
      },
      onError: (step, v) => {
        failedIn = step;
        valuesAtFailure = v;
      },
    });
    values = r.values;
  } catch (err) {
    const step = failedIn as ScriptStep | null;
    // Cleanup is for an upload this run started: not when the host reused its release.
    const reused = (valuesAtFailure.get('complete') ?? '').trim() === a.sha256;
    if (!reused && (step === null || UPLOAD_STEPS.has(step.name))) await cleanupUpload(s, a);
    const sum = valuesAtFailure.get('sha256');
    if (step?.name === 'verify checksum' && sum !== a.sha256)
      throw new ChecksumMismatchError(a.sha256, sum || 'unreadable');
    throw err;
  }
  const f = facts(values, a.sha256);
  if (!f.complete && f.owner === 'foreign') {
    throw new ExecutorError(
      'release_not_wharfs',
      `${p.release} exists but was not made by Wharf; move it away (Wharf never replaces or prunes it)`,
    );
  }
  return f;
}

function facts(values: ReadonlyMap<string, string>, sha256: string): HostFacts {
  const v = (k: string): string => (values.get(k) ?? '').trim();
  const owner = v('owner');
  if (owner !== 'ours' && owner !== 'foreign' && owner !== 'none') {
    throw new ExecutorError('prepare', 'could not check the release directory');
  }
  return { complete: v('complete') === sha256, owner, current: v('current') || null, hasCurl: v('curl') === 'yes' };
}

export async function cleanupUpload(s: TargetSession, a: { upload: string; tmp: string }): Promise<void> {
  await s
    .run('cleanup', sh`rm -rf -- ${a.tmp} ${a.upload}`, { signal: AbortSignal.timeout(30_000), timeoutMs: 30_000 })
    .catch(() => undefined);
}

function pm2Command(p: ReleasePaths, reload: ReloadSettings): { announce: string; cmd: ShellCommand } {
  // -m (mini list): pm2 prints each process's status after the action, so no `pm2 jlist`
  // (another Node start, ~0.7 s) is needed to see whether the app came up.
  if (reload.mode === 'startOrReload') {
    const file = posix.join(p.current, reload.ecosystemFile);
    return {
      announce: `pm2 startOrReload ${file} --update-env`,
      cmd: sh`cd -- ${p.current} && pm2 startOrReload ${file} --update-env --no-color -m`,
    };
  }
  return {
    announce: `pm2 reload ${reload.name} --update-env`,
    cmd: sh`cd -- ${p.current} && pm2 reload ${reload.name} --update-env --no-color -m`,
  };
}

/** Switch `current` atomically, then pm2 startOrReload/reload, in one remote command. */
export function activateScript(
  p: ReleasePaths,
  reload: ReloadSettings,
  rand: string,
  nonce?: string,
  /** The first health probe, run right after pm2 (see firstProbeFrom). */
  probe?: ShellCommand,
): StepScript {
  const tmpLink = posix.join(p.base, `.current-${rand}`);
  const pm2 = pm2Command(p, reload);
  const script = new StepScript(nonce)
    .step(
      'switch current',
      `switching ${p.current} -> ${p.release}`,
      sh`touch -c -- ${p.release} && ln -sfn -- ${p.release} ${tmpLink} && mv -T -- ${tmpLink} ${p.current}`,
    )
    .userStep(`pm2 ${reload.mode}`, pm2.announce, pm2.cmd)
    // The prune step's listing, on one line ('/' cannot be part of a name), so pruning after
    // the health gate needs no round trip of its own. `ok` only if the listing itself worked.
    .value('listing', sh`if __l=$(${releaseListingCommand(p)}); then printf 'ok\n%s\n' "$__l" | tr '\n' '/'; fi`);
  // The probe's exit code and last output line, on one line: the health gate's first
  // attempt without a round trip (and a remote command) of its own.
  if (probe) script.value('probe', sh`__p=$(${probe}); __pc=$?; printf '%s %s' "$__pc" "\${__p##*\n}"`);
  return script;
}

export interface ProbeResult {
  exitCode: number;
  /** The probe's last output line. */
  last: string;
}

/** The first probe's result from activateScript's `probe` value. */
export function firstProbeFrom(value: string | undefined): ProbeResult | undefined {
  const m = value === undefined ? null : /^(\d+) (.*)$/.exec(value);
  return m ? { exitCode: Number(m[1]), last: m[2]! } : undefined;
}

/** The listing printed by activateScript, in releaseListingCommand's form, or undefined. */
export function listingFrom(value: string | undefined): string | undefined {
  if (!value?.startsWith('ok/')) return undefined;
  return value.slice(3).split('/').join('\n');
}

/**
 * Switches and reloads. `onSwitched` fires once `current` points at the release (the pm2 step
 * started, or the script finished), so a failure after it reverts. Returns pm2's output and the release listing for pruning.
 */
export async function activateRelease(
  s: TargetSession,
  p: ReleasePaths,
  reload: ReloadSettings,
  rand: string,
  onSwitched: () => void,
  probe?: ShellCommand,
  /** Open the script's remote command now and run it once this resolves true (remote-exec). */
  startWhen?: Promise<boolean>,
): Promise<{ pm2Output: string[]; listing: string | undefined; firstProbe: ProbeResult | undefined }> {
  const script = activateScript(p, reload, rand, undefined, probe);
  const r = await s.runScript('activate', script, {
    onStep: (step) => {
      if (step.name.startsWith('pm2')) onSwitched();
    },
    ...(startWhen ? { startWhen } : {}),
  });
  onSwitched();
  return {
    pm2Output: r.lastStepOutput,
    listing: listingFrom(r.values.get('listing')),
    firstProbe: firstProbeFrom(r.values.get('probe')),
  };
}

/**
 * Statuses of `appName`'s processes in pm2's mini list (`-m`): blocks that start with
 * `+--- <name>` and hold a `status : <status>` line. Empty when the app is not listed.
 */
export function pm2MiniListStatuses(lines: readonly string[], appName: string): string[] {
  const out: string[] = [];
  let inApp = false;
  for (const raw of lines) {
    const line = raw.trim();
    const head = /^\+--- (.+)$/.exec(line);
    if (head) {
      inApp = head[1] === appName;
      continue;
    }
    const st = /^status\s*:\s*(\S+)/.exec(line);
    if (inApp && st) out.push(st[1]!);
  }
  return out;
}
