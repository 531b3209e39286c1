// Turns HTTP responses into values or one-line CliErrors that quote the server's ErrorView.
import type { ErrorView } from '@wharf/shared';
import { CliError, EXIT, oneLine, type ExitCode } from './errors.js';
import type { HttpResponse } from './http-client.js';

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The ErrorView's message (plus field issues), or undefined if the body is not an ErrorView. */
export function errorMessage(body: string): string | undefined {
  const json = parseJson(body);
  if (!isObject(json)) return undefined;
  const view = json as Partial<ErrorView> & { message?: unknown };
  // Tolerate frameworks that send message as a list of strings.
  const message = Array.isArray(view.message)
    ? view.message.filter((m): m is string => typeof m === 'string').join('; ')
    : typeof view.message === 'string'
      ? view.message
      : undefined;
  const issues = Array.isArray(view.issues)
    ? view.issues
        .filter(isObject)
        .map(
          (i) =>
            `${typeof i.path === 'string' && i.path ? `${i.path}: ` : ''}${typeof i.message === 'string' ? i.message : ''}`,
        )
        .filter((s) => s && !message?.includes(s))
    : [];
  const parts = [message, ...issues].filter((s): s is string => !!s);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

export function exitCodeForStatus(status: number): ExitCode {
  if (status === 401 || status === 403 || status === 404) return EXIT.auth;
  if (status === 409) return EXIT.conflict;
  if (status >= 400 && status < 500) return EXIT.rejected;
  return EXIT.server;
}

function hintFor(status: number): string {
  switch (status) {
    case 401:
      return ' (check WHARF_TOKEN: missing, mistyped or revoked?)';
    case 404:
      return ' (unknown project, or WHARF_TOKEN belongs to another project)';
    default:
      return '';
  }
}

/**
 * Returns the parsed JSON of an `expected` response, or throws one line such as
 * `upload rejected (409): version 1.2.3 already exists`.
 */
export function expectJson(res: HttpResponse, expected: number, action: string): unknown {
  if (res.status === expected) {
    const json = parseJson(res.body);
    if (json === undefined) {
      throw new CliError(
        EXIT.server,
        `${action}: the server answered ${res.status} without valid JSON (is WHARF_URL a Wharf server?)`,
      );
    }
    return json;
  }
  if (res.status >= 300 && res.status < 400) {
    const location = typeof res.headers.location === 'string' ? oneLine(res.headers.location, 200) : 'elsewhere';
    throw new CliError(
      EXIT.server,
      `${action} failed: the server redirects (${res.status}) to ${location}; set WHARF_URL to the final address`,
    );
  }
  const message = errorMessage(res.body);
  // The framework's own 404 for an unknown route ("Cannot POST /api/v1/...?query"): the
  // server is not a Wharf with this route, which is not a token problem.
  const noRoute = res.status === 404 ? /^Cannot ([A-Z]+) ([^?\s]+)/.exec(message ?? '') : null;
  if (noRoute) {
    throw new CliError(
      EXIT.server,
      `${action} failed (404): the server has no route ${noRoute[1]} ${oneLine(noRoute[2] ?? '', 200)} (is WHARF_URL a Wharf server of a matching version?)`,
    );
  }
  const reason = message ?? `${res.status} ${res.statusText || 'error'} (not a Wharf error response)`;
  const verb = res.status >= 500 ? 'failed' : 'rejected';
  throw new CliError(
    exitCodeForStatus(res.status),
    `${action} ${verb} (${res.status}): ${oneLine(reason)}${hintFor(res.status)}`,
  );
}

/** Narrow shape check of a view: enough that printing it cannot crash. */
export function requireFields<T>(json: unknown, fields: readonly string[], action: string): T {
  if (!isObject(json) || fields.some((f) => !(f in json))) {
    throw new CliError(
      EXIT.server,
      `${action}: the server's answer is not the expected shape (is WHARF_URL a Wharf server?)`,
    );
  }
  return json as T;
}
