// One error type for every expected failure: it carries the exit code and a one-line reason.

/** Exit codes. Keep in sync with the table in README.md and `wharf --help`. */
export const EXIT = {
  ok: 0,
  /** A bug in the CLI: anything that is not a CliError. */
  internal: 1,
  /** Bad command line: unknown flag, missing or invalid value, unreadable file. Nothing was sent. */
  usage: 2,
  /** WHARF_URL / WHARF_TOKEN missing or malformed. Nothing was sent. */
  config: 3,
  /** The server could not be reached, or the connection broke or went silent. */
  network: 4,
  /** 401, 403 or 404: token missing/invalid/revoked, role too low, project unknown or not yours. */
  auth: 5,
  /** Any other 4xx: 400 bad request or sha256 mismatch, 413 too large, 422 bad tarball. */
  rejected: 6,
  /** 409: the version already exists (or the resource is in use). */
  conflict: 7,
  /** 5xx, a redirect, an unknown route, or a response the CLI cannot understand. */
  server: 8,
  /** release --wait: the deployment failed (a host failed its install or health gate, ...). */
  deploymentFailed: 9,
  /** release --wait: the deployment was cancelled (by a person, or it was queued and cancelled). */
  deploymentCancelled: 10,
  /** release --wait: --timeout passed first. The deployment itself keeps going. */
  waitTimeout: 11,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A usage error: the command's help hint is appended by the dispatcher. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(EXIT.usage, message);
    this.name = 'UsageError';
  }
}

// Control characters (including ESC, so no terminal escape sequences) and line breaks.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** Collapses anything (a server message, a file name) to one printable line of bounded length. */
export function oneLine(text: string, max = 500): string {
  const flat = text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Removes every occurrence of the given secrets, so a token echoed back never reaches a log. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}
