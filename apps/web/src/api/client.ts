// One small fetch wrapper for the Wharf REST API. Every non-2xx answer becomes an ApiError
// carrying the server's ErrorView, so forms can show `issues` next to their fields.
import type { ErrorView } from '@wharf/shared';

export const API_BASE = '/api/v1';

export type Issue = { path: string; message: string };

export class ApiError extends Error {
  readonly statusCode: number;
  readonly error: string;
  readonly issues: Issue[];

  constructor(view: ErrorView) {
    super(view.message);
    this.name = 'ApiError';
    this.statusCode = view.statusCode;
    this.error = view.error;
    this.issues = view.issues ?? [];
  }

  /** Issues keyed by dotted path ("config.host"); the first message per path wins. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const issue of this.issues) {
      if (!(issue.path in out)) out[issue.path] = issue.message;
    }
    return out;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

function normalizeIssues(raw: unknown): Issue[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const issues: Issue[] = [];
  for (const item of raw) {
    if (item && typeof item === 'object' && 'message' in item) {
      const rec = item as { path?: unknown; message?: unknown };
      const path = Array.isArray(rec.path) ? rec.path.join('.') : typeof rec.path === 'string' ? rec.path : '';
      issues.push({ path, message: String(rec.message) });
    }
  }
  return issues;
}

/** Turns any error body into an ErrorView; tolerates non-JSON bodies from proxies. */
export function toErrorView(status: number, statusText: string, bodyText: string): ErrorView {
  let parsed: unknown;
  try {
    parsed = bodyText ? JSON.parse(bodyText) : undefined;
  } catch {
    parsed = undefined;
  }
  if (parsed && typeof parsed === 'object') {
    const body = parsed as Record<string, unknown>;
    // Nest's default pipes send message as string[]; the contract says string. Accept both.
    const message = Array.isArray(body.message)
      ? body.message.map(String).join('; ')
      : typeof body.message === 'string'
        ? body.message
        : statusText || `HTTP ${status}`;
    const issues = normalizeIssues(body.issues);
    return {
      statusCode: typeof body.statusCode === 'number' ? body.statusCode : status,
      error: typeof body.error === 'string' ? body.error : statusText,
      message,
      ...(issues ? { issues } : {}),
    };
  }
  const text = bodyText.trim();
  return {
    statusCode: status,
    error: statusText,
    message: text && text.length < 300 && !text.startsWith('<') ? text : statusText || `HTTP ${status}`,
  };
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Query;
  signal?: AbortSignal;
}

export function buildUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return `${API_BASE}${path}${qs ? `?${qs}` : ''}`;
}

/** Encodes one path segment (slugs, ids and versions are validated, but never trust that). */
export const seg = (s: string): string => encodeURIComponent(s);

export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  // Every state-changing request declares JSON, bodyless ones too: the API refuses any other
  // Content-Type there, since a cross-site form or beacon cannot send JSON without a preflight.
  if (method !== 'GET') headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(buildUrl(path, opts.query), {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError({
      statusCode: 0,
      error: 'NetworkError',
      message: 'network error: the API could not be reached',
    });
  }
  const text = await res.text();
  if (!res.ok) throw new ApiError(toErrorView(res.status, res.statusText, text));
  if (res.status === 204 || text === '') return undefined as T;
  return JSON.parse(text) as T;
}
