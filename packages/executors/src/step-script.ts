// Several release steps in one remote command. Each step prints a marker line before it
// starts; the executor turns markers back into the per-step `system` log lines (whose
// timestamps are the step timings) and knows which step failed from the last marker seen.
// Values the executor needs (where `current` points, ...) come back as marker lines too.
//
// Markers carry a random nonce and only a step's index or a value's fixed key: no caller data
// is ever part of the marker text, and every value is built with `sh` (quoted).
import { randomBytes } from 'node:crypto';
import { join, sh, type ShellCommand } from './shell-quote.js';

export interface ScriptStep {
  /** Short name for errors ("unpack", "install", ...). */
  name: string;
  /** The system log line announcing the step. */
  announce: string;
}

const VALUE_KEY = /^[a-z][a-z0-9_]*$/;

export class StepScript {
  /** `__WHARF_<nonce>:` (fresh per script, so command output cannot pass for a marker by chance). */
  readonly mark: string;
  readonly steps: ScriptStep[] = [];
  private readonly parts: ShellCommand[] = [];
  private readsInput = false;

  constructor(nonce = randomBytes(6).toString('hex')) {
    if (!/^[0-9a-f]{8,32}$/.test(nonce)) throw new TypeError('nonce must be hex');
    this.mark = `__WHARF_${nonce}:`;
  }

  /** Announces a step (prints its marker) and returns its index. */
  private announceCmd(step: ScriptStep): ShellCommand {
    this.steps.push(step);
    return sh`printf '%s\\n' ${`${this.mark}s:${this.steps.length - 1}`}`;
  }

  /** A step of Wharf's own commands; a failure ends the script with the command's exit code. */
  step(name: string, announce: string, cmd: ShellCommand): this {
    this.parts.push(sh`${this.announceCmd({ name, announce })}
{ ${cmd}
} || exit $?`);
    return this;
  }

  /**
   * A step of Wharf's own that reads the upload streamed after the env on fd 3 (see
   * remote-exec's `input`). fd 3 is closed right after it, so no later step (pm2's daemon
   * included) inherits it; a script without such a step closes it first thing.
   */
  input(name: string, announce: string, cmd: ShellCommand): this {
    this.readsInput = true;
    this.parts.push(sh`${this.announceCmd({ name, announce })}
{ ${cmd}
} || exit $?
exec 3<&-`);
    return this;
  }

  /**
   * A step that runs with the deploy variables (install, hooks, pm2): in a subshell that
   * evals them, so they reach this step only. `cmd` may be a maintainer's own command.
   */
  userStep(name: string, announce: string, cmd: ShellCommand): this {
    this.parts.push(sh`${this.announceCmd({ name, announce })}
${withDeployEnv(cmd)}`);
    return this;
  }

  /**
   * Two steps, one chosen on the host: `cond` (Wharf's own test) picks `then`, else `otherwise`
   * (which may be announce-only, with no command).
   */
  choose(
    cond: ShellCommand,
    then: { name: string; announce: string; cmd: ShellCommand; userEnv?: boolean },
    otherwise: { name: string; announce: string; cmd?: ShellCommand; userEnv?: boolean },
  ): this {
    const branch = (b: typeof otherwise): ShellCommand => {
      const marker = this.announceCmd({ name: b.name, announce: b.announce });
      if (!b.cmd) return marker;
      return sh`${marker}
${
  b.userEnv
    ? withDeployEnv(b.cmd)
    : sh`{ ${b.cmd}
} || exit $?`
}`;
    };
    const a = branch(then);
    const b = branch(otherwise);
    this.parts.push(sh`if ${cond}; then
${a}
else
${b}
fi`);
    return this;
  }

  /** Wharf's own shell code between steps, with no marker (e.g. a decision later parts read). */
  code(cmd: ShellCommand): this {
    this.parts.push(cmd);
    return this;
  }

  /**
   * Steps decided on the host: those `then` adds run when `cond` (Wharf's own test) holds,
   * those `otherwise` adds when it does not. Both add to this script (markers stay unique).
   */
  branch(cond: ShellCommand, then: (s: this) => void, otherwise: (s: this) => void): this {
    const start = this.parts.length;
    then(this);
    const a = this.parts.splice(start);
    otherwise(this);
    const b = this.parts.splice(start);
    const body = (parts: ShellCommand[]): ShellCommand => (parts.length ? join(parts, ';') : sh`:`);
    this.parts.push(sh`if ${cond}; then
${body(a)}
else
${body(b)}
fi`);
    return this;
  }

  /** Prints `value` (the output of Wharf's own command `cmd`, one line) under `key`. */
  value(key: string, cmd: ShellCommand): this {
    if (!VALUE_KEY.test(key)) throw new TypeError(`bad value key: ${key}`);
    this.parts.push(sh`printf '%s%s\\n' ${`${this.mark}v:${key}=`} "$(${cmd})"`);
    return this;
  }

  build(): ShellCommand {
    const parts = this.readsInput ? this.parts : [sh`exec 3<&-`, ...this.parts];
    return join(parts, ';');
  }
}

/** Runs `cmd` in a subshell that first evals the deploy variables (see remote-exec deferEnv). */
function withDeployEnv(cmd: ShellCommand): ShellCommand {
  return sh`( eval "$__wharf_env" || exit 125; unset __wharf_env; ${cmd}
) || exit $?`;
}

export type MarkerEvent = { kind: 'step'; index: number } | { kind: 'value'; key: string; value: string };

/**
 * Splits one stdout line into what the command printed before a marker (a command whose
 * last line had no newline) and the marker, if any.
 */
export function parseMarkerLine(mark: string, line: string): { text: string | null; event: MarkerEvent | null } {
  const at = line.indexOf(mark);
  if (at < 0) return { text: line, event: null };
  const text = at > 0 ? line.slice(0, at) : null;
  const rest = line.slice(at + mark.length);
  const step = /^s:(\d+)$/.exec(rest);
  if (step) return { text, event: { kind: 'step', index: Number(step[1]) } };
  const value = /^v:([a-z][a-z0-9_]*)=(.*)$/.exec(rest);
  if (value) return { text, event: { kind: 'value', key: value[1]!, value: value[2]! } };
  return { text: line, event: null };
}
