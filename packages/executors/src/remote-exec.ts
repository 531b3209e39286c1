// Runs one command on the remote host with streamed output, secret-safe environment,
// timeout and real cancellation.
//
// Environment: values are sent as `export NAME='value'` lines on the command's stdin (one
// line each, ended by an empty line) and eval'd by a fixed wrapper, then stdin is closed. Why not the alternatives:
//  - an `env NAME=value cmd` prefix puts values in argv, readable by any user via `ps`;
//  - ssh2's `env` option sends SSH "env" requests, which sshd silently drops unless its
//    AcceptEnv allows each name (stock configs accept only LANG/LC_*).
// Stdin works on every sshd, keeps values out of argv and out of sshd logs, and `export`
// is a shell builtin, so no process ever carries them on its command line.
//
// Cancellation: the wrapper leads its own process group (sshd's session, else `setsid`), so
// the command and all its children form one process group whose id the wrapper prints first. Closing an SSH channel does not
// stop a remote process (no pty, no SIGHUP), so on abort we signal the whole group from a
// second channel: TERM, then KILL if anything is still alive after a grace period.
import { createReadStream, type ReadStream } from 'node:fs';
import type { ClientChannel } from 'ssh2';
import {
  CancelledError,
  CommandFailedError,
  CommandTimeoutError,
  ConnectionClosedError,
  ExecutorError,
} from './errors.js';
import { LineSplitter } from './line-splitter.js';
import { quote, sh, type ShellCommand } from './shell-quote.js';
import type { SshConnection } from './ssh-connection.js';
import { isLogPause } from './types.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PGID_MARKER = '__WHARF_PGID=';
const KILL_GRACE_STEPS = 30; // x 0.1 s

// Fixed text below: no caller data is ever spliced into it. $1 is the command to run.
//
// Process group: sshd starts every session's command in a new session (setsid(2)), and a
// POSIX `sh -c` run by the login shell is exec'd in place, so the wrapper usually already
// leads its own process group; it checks that in /proc with shell builtins and only falls
// back to `setsid -w` (two more processes) when it does not. Env: read line by line with
// the shell's own `read` up to an empty line (no `cat` process), which also leaves whatever
// follows on stdin: an upload streamed after the env (see RemoteExecOptions.input).
const IS_GROUP_LEADER =
  `__wharf_leader() { read -r __wharf_st </proc/$$/stat || return 1; ` +
  `set -- \${__wharf_st##*) }; [ "$3" = "$$" ]; }; `;
// The command runs only once the env's closing empty line has arrived: a channel opened ahead
// of time and then closed unused (RemoteExecOptions.startWhen) ends in `exit 125`, running nothing.
const READ_ENV =
  `__wharf_nl='\n'; __wharf_env=; __wharf_go=; ` +
  `while IFS= read -r __wharf_l; do [ -n "$__wharf_l" ] || { __wharf_go=1; break; }; __wharf_env="$__wharf_env$__wharf_l$__wharf_nl"; done; ` +
  `[ -n "$__wharf_go" ] || exit 125; unset __wharf_l __wharf_go; `;
const ANNOUNCE_PGID = `printf '%s%s\\n' '${PGID_MARKER}' "$$"; `;

const BODY =
  ANNOUNCE_PGID +
  READ_ENV +
  `exec </dev/null; eval "$__wharf_env" || exit 125; unset __wharf_env; __wharf_cmd=$1; set --; eval "$__wharf_cmd"`;

// For step scripts (see step-script.ts): the environment stays a plain shell variable, never
// exported, and the script is eval'd in this shell, so only the steps that ask for it (in a
// subshell: `eval "$__wharf_env"`) see the deploy variables; Wharf's own steps do not. The
// rest of stdin stays readable on fd 3 for a step that takes an upload (StepScript.input).
const BODY_DEFERRED_ENV =
  ANNOUNCE_PGID + READ_ENV + `exec 3<&0 </dev/null; __wharf_script=$1; set --; eval "$__wharf_script"`;

const withGroup = (body: string): string =>
  `${IS_GROUP_LEADER}__wharf_leader 2>/dev/null || exec setsid -w sh -c ${quote(body)} wharf-exec "$1"; ${body}`;
const WRAPPER = withGroup(BODY);
const WRAPPER_DEFERRED_ENV = withGroup(BODY_DEFERRED_ENV);

export interface RemoteExecOptions {
  /** Exported into the command's environment via stdin (never argv). */
  env?: Readonly<Record<string, string>>;
  /** A LogPause answer (see types.ts) stops reading the channel until it resolves. */
  onStdout?: (line: string) => void;
  onStderr?: (line: string) => void;
  signal?: AbortSignal;
  /** Kills the process group and throws CommandTimeoutError after this long. */
  timeoutMs?: number;
  /** Name used in error messages. */
  step?: string;
  /**
   * Keep `env` in the unexported shell variable `__wharf_env` for the command to eval where
   * it needs it (step scripts), instead of exporting it to the whole command.
   */
  deferEnv?: boolean;
  /**
   * A local file streamed on stdin right after the env, under the channel's flow control
   * (deferEnv only: a step script reads it on fd 3, see StepScript.input). Saves the SFTP
   * channel and its round trips.
   */
  input?: { path: string; size: number; onProgress?: (sent: number, total: number) => void };
  /**
   * Open the channel (an sshd session and the wrapper's shell, waiting for the env) now, and
   * send the env only once this resolves true: the session's start-up is then off the
   * critical path (e.g. during a health check's interval). false closes the channel unused:
   * the wrapper exits 125 without running anything. The timeout starts at the go-ahead.
   */
  startWhen?: Promise<boolean>;
}

export interface RemoteExecResult {
  exitCode: number | null;
  signal: string | null;
}

/**
 * One `export` line per variable. A newline inside a value is written as "$__wharf_nl" (the
 * wrapper's newline), so no line is ever empty: the empty line ends the env on stdin.
 */
export function envScript(env: Readonly<Record<string, string>>): string {
  let out = '';
  for (const [name, value] of Object.entries(env)) {
    if (!ENV_NAME.test(name)) throw new TypeError(`invalid environment variable name: ${JSON.stringify(name)}`);
    out += `export ${name}=${value.split('\n').map(quote).join('"$__wharf_nl"')}\n`;
  }
  return out;
}

/** The full remote command line: wrapper + the caller's command as one quoted argument. */
export function wrapCommand(cmd: ShellCommand, deferEnv = false): ShellCommand {
  return sh`sh -c ${deferEnv ? WRAPPER_DEFERRED_ENV : WRAPPER} wharf-exec ${cmd.text}`;
}

function openExec(conn: SshConnection, commandLine: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    if (conn.closed) return reject(new ConnectionClosedError('before exec'));
    try {
      conn.client.exec(commandLine, (err, channel) =>
        err ? reject(new ConnectionClosedError(err.message)) : resolve(channel),
      );
    } catch (err) {
      reject(new ConnectionClosedError(err instanceof Error ? err.message : String(err)));
    }
  });
}

/** Signals a remote process group: TERM, wait up to ~3 s, then KILL. */
export async function killRemoteGroup(conn: SshConnection, pgid: number): Promise<void> {
  if (!Number.isInteger(pgid) || pgid <= 1) return;
  const g = `-${pgid}`;
  const cmd = sh`kill -TERM -- ${g} 2>/dev/null; i=0; while kill -0 -- ${g} 2>/dev/null && [ "$i" -lt ${KILL_GRACE_STEPS} ]; do sleep 0.1; i=$((i+1)); done; kill -KILL -- ${g} 2>/dev/null; true`;
  const channel = await openExec(conn, cmd.text);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      channel.close();
      resolve();
    }, 10_000);
    channel.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    channel.resume();
    channel.stderr.resume();
    channel.end();
  });
}

export async function execRemote(
  conn: SshConnection,
  cmd: ShellCommand,
  opts: RemoteExecOptions = {},
): Promise<RemoteExecResult> {
  const step = opts.step ?? 'remote command';
  if (opts.signal?.aborted) throw new CancelledError(step);
  const stdin = envScript(opts.env ?? {});
  const channel = await openExec(conn, wrapCommand(cmd, opts.deferEnv).text);

  return new Promise<RemoteExecResult>((resolve, reject) => {
    let pgid: number | null = null;
    let firstLine = true;
    let stopping: ExecutorError | null = null;
    let upload: ReadStream | null = null;
    let exit: RemoteExecResult = { exitCode: null, signal: null };
    let timer: NodeJS.Timeout | undefined;
    let started = opts.startWhen === undefined;

    const out = new LineSplitter((line) => {
      if (firstLine) {
        firstLine = false;
        if (line.startsWith(PGID_MARKER)) {
          pgid = Number.parseInt(line.slice(PGID_MARKER.length), 10);
          if (stopping) void stop();
          return;
        }
      }
      hold(opts.onStdout?.(line));
    });
    const err = new LineSplitter((line) => hold(opts.onStderr?.(line)));

    // Backpressure: while the log consumer is behind, stop reading. ssh2 then stops widening
    // the SSH window, so the remote command blocks on its pipe instead of the output piling
    // up here. Once stopping, keep reading: the channel must drain for 'close' to come.
    let held = false;
    function hold(ack: unknown): void {
      if (held || stopping || !isLogPause(ack)) return;
      held = true;
      channel.pause();
      channel.stderr.pause();
      const release = (): void => {
        if (!held) return;
        held = false;
        channel.resume();
        channel.stderr.resume();
      };
      void ack.resumed.then(release, release);
      releaseHold = release;
    }
    let releaseHold = (): void => undefined;

    const stop = async (): Promise<void> => {
      releaseHold();
      if (pgid !== null) {
        const g = pgid;
        pgid = null; // kill once
        try {
          await killRemoteGroup(conn, g);
        } catch {
          /* connection gone: nothing more we can do from here */
        }
      }
      // Without a pgid yet, closing the channel still ends the wrapper's `cat`; the marker
      // handler above kills the group if it shows up meanwhile.
      channel.close();
    };

    const onAbort = (): void => {
      if (stopping) return;
      stopping = new CancelledError(step);
      // Not started yet: the wrapper runs nothing without the env, so closing is enough.
      if (!started) return void channel.close();
      void stop();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const startTimer = (): void => {
      if (!opts.timeoutMs || opts.timeoutMs <= 0) return;
      const ms = opts.timeoutMs;
      timer = setTimeout(() => {
        if (stopping) return;
        stopping = new CommandTimeoutError(step, ms);
        void stop();
      }, ms);
    };

    channel.on('data', (chunk: Buffer) => out.push(chunk));
    channel.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    channel.on('exit', (code: number | null, signal?: string) => {
      exit = { exitCode: code ?? null, signal: signal ?? null };
    });
    channel.on('close', () => {
      // 'close' follows the end of stdout only; stderr's last lines may still be on their way.
      if (channel.stderr.readableEnded) finish();
      else {
        channel.stderr.once('end', finish);
        setTimeout(finish, 2000).unref();
      }
    });
    let finished = false;
    function finish(): void {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      upload?.destroy();
      opts.signal?.removeEventListener('abort', onAbort);
      out.end();
      err.end();
      if (stopping) reject(stopping);
      else if (exit.exitCode === null && exit.signal === null && conn.closed)
        reject(new ConnectionClosedError(`during ${step}`));
      else resolve(exit);
    }

    const send = (): void => {
      started = true;
      startTimer();
      writeInput();
    };
    if (opts.startWhen === undefined) return send();
    opts.startWhen.then(
      (go) => {
        if (stopping || finished) return;
        if (go) send();
        else {
          stopping = new CancelledError(step);
          channel.close();
        }
      },
      () => {
        stopping ??= new CancelledError(step);
        channel.close();
      },
    );

    function writeInput(): void {
      const head = `${stdin}\n`; // the empty line ends the env
      const input = opts.input;
      if (!input) return void channel.end(head);
      channel.write(head);
      const rs = createReadStream(input.path);
      upload = rs;
      let sent = 0;
      rs.on('data', (chunk) => {
        sent += chunk.length;
        input.onProgress?.(sent, input.size);
      });
      rs.on('error', (e) => {
        if (stopping) return;
        stopping = new ExecutorError('upload_failed', `could not read the artifact: ${e.message}`);
        void stop();
      });
      rs.pipe(channel);
    }
  });
}

/** Like execRemote, but a non-zero exit becomes CommandFailedError. */
export async function execChecked(conn: SshConnection, cmd: ShellCommand, opts: RemoteExecOptions = {}): Promise<void> {
  const r = await execRemote(conn, cmd, opts);
  if (r.exitCode !== 0) throw new CommandFailedError(opts.step ?? 'remote command', r.exitCode, r.signal);
}

export interface CapturedOutput extends RemoteExecResult {
  stdout: string;
  stderr: string;
}

/** Collects output (for small, machine-read results such as `pm2 jlist` or `sha256sum`). */
export async function execCapture(
  conn: SshConnection,
  cmd: ShellCommand,
  opts: Omit<RemoteExecOptions, 'onStdout' | 'onStderr'> = {},
): Promise<CapturedOutput> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const r = await execRemote(conn, cmd, { ...opts, onStdout: (l) => stdout.push(l), onStderr: (l) => stderr.push(l) });
  return { ...r, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}
