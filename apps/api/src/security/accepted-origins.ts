// Which browser origins count as Wharf itself: the public origin (WHARF_PUBLIC_URL) and, when
// that is a loopback address, the same scheme and port under the other loopback names, since
// people type "localhost" and "127.0.0.1" interchangeably and both are this machine.
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

export function acceptedOrigins(publicUrl: string): ReadonlySet<string> {
  const url = new URL(publicUrl);
  const origins = new Set([url.origin]);
  if (LOOPBACK_HOSTS.includes(url.hostname)) {
    for (const host of LOOPBACK_HOSTS) {
      const alias = new URL(url.origin);
      alias.hostname = host;
      origins.add(alias.origin);
    }
  }
  return origins;
}
