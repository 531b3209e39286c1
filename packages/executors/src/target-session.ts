// Everything one target's steps need: the connection, a log that masks secrets and tags
// lines with the target, the cancellation signal and default timeouts.
import { execCapture, execRemote, type CapturedOutput } from './remote-exec.js';
import { CommandFailedError } from './errors.js';
import type { ShellCommand } from './shell-quote.js';
import type { SshConnection } from './ssh-connection.js';
import type { LogStream } from './types.js';

export interface RunOptions {
  /** Export the deploy environment (plain + secret) into the command. */
  withEnv?: boolean;
  timeoutMs?: number;
  /** Overrides the session signal (e.g. to revert after a cancel). */
  signal?: AbortSignal;
  /** Extra variables on top of the deploy environment (only with withEnv). */
  extraEnv?: Readonly<Record<string, string>>;
}

export class TargetSession {
  /** Which HTTP client the health probe uses on this host; found out once (see health.ts). */
  httpProbeTool: 'curl' | 'node' | undefined;

  constructor(
    readonly conn: SshConnection,
    private readonly emit: (stream: LogStream, text: string) => void,
    readonly signal: AbortSignal,
    private readonly env: Readonly<Record<string, string>>,
    readonly commandTimeoutMs: number,
  ) {}

  system(text: string): void {
    this.emit('system', text);
  }

  /** Runs a command, streaming its output to the log; non-zero exit throws. */
  async run(step: string, cmd: ShellCommand, opts: RunOptions = {}): Promise<void> {
    const r = await execRemote(this.conn, cmd, {
      step,
      env: opts.withEnv ? { ...this.env, ...opts.extraEnv } : {},
      signal: opts.signal ?? this.signal,
      timeoutMs: opts.timeoutMs ?? this.commandTimeoutMs,
      onStdout: (l) => this.emit('stdout', l),
      onStderr: (l) => this.emit('stderr', l),
    });
    if (r.exitCode !== 0) throw new CommandFailedError(step, r.exitCode, r.signal);
  }

  /** Runs a command and returns its output without logging stdout (machine-read results). */
  capture(step: string, cmd: ShellCommand, opts: RunOptions = {}): Promise<CapturedOutput> {
    return execCapture(this.conn, cmd, {
      step,
      env: opts.withEnv ? { ...this.env, ...opts.extraEnv } : {},
      signal: opts.signal ?? this.signal,
      timeoutMs: opts.timeoutMs ?? this.commandTimeoutMs,
    });
  }
}
