// The post-login destination from `?next=`: only a path of this app. A bare "starts with one
// slash" check is not enough: browsers read `/\evil.example` as `//evil.example`, and drop tabs
// and newlines from URLs (`/<TAB>/evil.example`), so both leave the site. react-router then
// cannot pushState() a foreign URL and falls back to `location.assign()`, which does.
const FALLBACK = '/projects';

// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const UNSAFE = /[\\\x00-\x20\x7f]/;

export function safeNext(next: string | null, origin: string = window.location.origin): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || UNSAFE.test(next)) return FALLBACK;
  try {
    if (new URL(next, origin).origin !== origin) return FALLBACK;
  } catch {
    return FALLBACK;
  }
  return next;
}
