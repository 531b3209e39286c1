/**
 * `scheme://host[:port]` (as URL.origin spells it: lower-case host, no default port) when
 * `value` is an http(s) URL with nothing after the host but "/": no user, path, query or hash.
 */
export function httpOrigin(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return null;
  return url.origin;
}
