// Everything one target's steps need: the connection, a log that masks secrets and tags
// lines with the target, the cancellation signal and default timeouts.
import { execCapture, execRemote, type CapturedOutput } from './remote-exec.js';
import { CommandFailedError } from './errors.js';
import type { ShellCommand } from './shell-quote.js';
import { parseMarkerLine, type ScriptStep, type StepScript } from './step-script.js';
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
  /** Open the remote command now, run it once this resolves true (see remote-exec). */
  startWhen?: Promise<boolean>;
}

export interface RunScriptOptions extends Omit<RunOptions, 'withEnv'> {
  /**
   * A step's marker arrived (the step is starting; the one before it succeeded). Called
   * before the step's announce line is logged.
   */
  onStep?: (step: ScriptStep, values: ReadonlyMap<string, string>) => void;
  /** A local file the script reads on fd 3 (StepScript.input), streamed after the env. */
  input?: { path: string; size: number; onProgress?: (sent: number, total: number) => void };
  /** The script failed, was cancelled or timed out: the step it was in, and values so far. */
  onError?: (step: ScriptStep | null, values: ReadonlyMap<string, string>) => void;
}

export interface ScriptResult {
  values: Map<string, string>;
  lastStep: ScriptStep | null;
  /** Output lines of the last step (e.g. pm2's process list after startOrReload). */
  lastStepOutput: string[];
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

  /**
   * Runs a step script (several steps in one remote command): each step's marker becomes its
   * `system` line, other output is logged as usual. Non-zero exit throws CommandFailedError
   * naming the step that was running. The deploy environment reaches only the steps that
   * eval it (StepScript.userStep).
   */
  async runScript(name: string, script: StepScript, opts: RunScriptOptions = {}): Promise<ScriptResult> {
    const values = new Map<string, string>();
    let last: ScriptStep | null = null;
    let lastOutput: string[] = [];
    const onLine = (line: string): void => {
      const { text, event } = parseMarkerLine(script.mark, line);
      if (text !== null) {
        lastOutput.push(text);
        this.emit('stdout', text);
      }
      if (event?.kind === 'value') values.set(event.key, event.value);
      if (event?.kind === 'step') {
        const step = script.steps[event.index];
        if (!step) return;
        last = step;
        lastOutput = [];
        opts.onStep?.(step, values);
        this.system(step.announce);
      }
    };
    const r = await execRemote(this.conn, script.build(), {
      step: name,
      env: { ...this.env, ...opts.extraEnv },
      deferEnv: true,
      ...(opts.input ? { input: opts.input } : {}),
      ...(opts.startWhen ? { startWhen: opts.startWhen } : {}),
      signal: opts.signal ?? this.signal,
      timeoutMs: opts.timeoutMs ?? this.commandTimeoutMs,
      onStdout: onLine,
      onStderr: (l) => this.emit('stderr', l),
    }).catch((err: unknown) => {
      opts.onError?.(last, values);
      throw err;
    });
    const result: ScriptResult = { values, lastStep: last, lastStepOutput: lastOutput };
    if (r.exitCode !== 0) {
      opts.onError?.(last, values);
      throw new CommandFailedError((last as ScriptStep | null)?.name ?? name, r.exitCode, r.signal);
    }
    return result;
  }

  /** Runs a command and returns its output without logging stdout (machine-read results). */
  capture(step: string, cmd: ShellCommand, opts: RunOptions = {}): Promise<CapturedOutput> {
    return execCapture(this.conn, cmd, {
      step,
      env: opts.withEnv ? { ...this.env, ...opts.extraEnv } : {},
      signal: opts.signal ?? this.signal,
      timeoutMs: opts.timeoutMs ?? this.commandTimeoutMs,
      ...(opts.startWhen ? { startWhen: opts.startWhen } : {}),
    });
  }
}
