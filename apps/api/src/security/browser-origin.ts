// The cross-site rule shared by the HTTP API and the socket.io handshake. Browsers say where a
// request comes from (Origin, Sec-Fetch-Site); a request that says it comes from another site
// is refused. A request with neither header is not made by a browser page (CLI, curl, CI,
// server-to-server webhooks): it cannot carry a victim's cookie by accident, so it passes
// this check and is authenticated as usual.
import type { IncomingHttpHeaders } from 'node:http';

/** Methods that must not change state; every other method is checked. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Why the request is refused, or null when it may come from a Wharf page. */
export function crossSiteRefusal(headers: IncomingHttpHeaders, accepted: ReadonlySet<string>): string | null {
  const origin = headers.origin;
  if (origin !== undefined && !accepted.has(origin)) {
    return `cross-site request refused: it comes from ${origin.slice(0, 200)}, not from this Wharf's address (WHARF_PUBLIC_URL)`;
  }
  const site = headers['sec-fetch-site'];
  // "none": the user opened it directly (address bar, bookmark), not another page.
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return `cross-site request refused (Sec-Fetch-Site: ${site.slice(0, 40)})`;
  }
  return null;
}
