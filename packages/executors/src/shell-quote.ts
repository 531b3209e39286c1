// The one way to build a remote shell command. Every interpolated value is single-quoted
// (POSIX), so the shell sees it as exactly one literal word whatever it contains.

const BRAND = Symbol('ShellCommand');

/** A command string that is safe to hand to a POSIX shell. Only `sh`/`command`/`trustedCommand` make one. */
export interface ShellCommand {
  readonly [BRAND]: true;
  readonly text: string;
  toString(): string;
}

function make(text: string): ShellCommand {
  return { [BRAND]: true, text, toString: () => text };
}

export function isShellCommand(v: unknown): v is ShellCommand {
  return typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[BRAND] === true;
}

/** Quotes one argument: `'...'` with each `'` written as `'\''`. The empty string becomes `''`. */
export function quote(arg: string | number): string {
  const s = String(arg);
  // A NUL byte cannot be part of an argv entry; refuse rather than truncate silently.
  if (s.includes('\0')) throw new TypeError('shell argument contains a NUL byte');
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

type Value = string | number | ShellCommand | readonly (string | number)[];

function render(v: Value): string {
  if (isShellCommand(v)) return v.text; // already built by this module
  if (Array.isArray(v)) return (v as readonly (string | number)[]).map(quote).join(' ');
  return quote(v as string | number);
}

/**
 * Tagged template: literal parts are trusted command text written in this codebase,
 * every `${value}` is quoted (arrays become several quoted words, ShellCommands are spliced
 * as they are).
 */
export function sh(strings: TemplateStringsArray, ...values: Value[]): ShellCommand {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return make(out);
}

/** `command(['tar', '-xzf', file])` -> every word quoted. */
export function command(argv: readonly (string | number)[]): ShellCommand {
  if (argv.length === 0) throw new TypeError('command needs at least one word');
  return make(argv.map(quote).join(' '));
}

/**
 * A shell snippet supplied on purpose by a project maintainer (install, pre- and
 * post-commands). It runs as shell code by design; it is never built from deploy inputs.
 */
export function trustedCommand(text: string): ShellCommand {
  if (text.includes('\0')) throw new TypeError('command contains a NUL byte');
  return make(text);
}

/** Joins commands with a separator such as `&&` or `;`. */
export function join(commands: readonly ShellCommand[], separator: '&&' | ';' | '||' = '&&'): ShellCommand {
  return make(commands.map((c) => c.text).join(` ${separator} `));
}
