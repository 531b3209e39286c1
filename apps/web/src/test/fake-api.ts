// A fetch stand-in for component tests: routes "METHOD /path" to handlers and records
// every request, so tests can assert on what the UI sent. Unknown routes answer 404.
import { vi } from 'vitest';

export type Handler = (req: { url: URL; body: unknown }) => Response | Promise<Response>;

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

export function errorResponse(
  statusCode: number,
  message: string,
  issues?: { path: string; message: string }[],
): Response {
  return json({ statusCode, error: 'Error', message, ...(issues ? { issues } : {}) }, statusCode);
}

export function installFakeApi(routes: Record<string, Handler>) {
  const calls: {
    method: string;
    path: string;
    search: string;
    body: unknown;
    credentials?: RequestCredentials;
    headers: Record<string, string>;
  }[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://wharf.test');
    const method = (init?.method ?? 'GET').toUpperCase();
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const headers = { ...(init?.headers as Record<string, string> | undefined) };
    calls.push({ method, path: url.pathname, search: url.search, body, credentials: init?.credentials, headers });
    const handler = routes[`${method} ${url.pathname}`];
    if (!handler) return errorResponse(404, `no fake route for ${method} ${url.pathname}`);
    return handler({ url, body });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock };
}
