// Where Wharf may send a notification. A subscription's URL is typed by a project maintainer,
// so without a check it would let them make the server call internal services (SSRF): cloud
// metadata at 169.254.169.254, the database, admin consoles on a private network. Only http(s),
// no user:password@, and every address the host resolves to must be public, unless an admin
// allowed private networks for the subscription. The caller then connects to the address
// checked here (pinnedLookup), so a DNS answer that changes in between changes nothing.
import { lookup } from 'node:dns/promises';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';

export class OutboundAddressError extends Error {}

export interface CheckedAddress {
  url: URL;
  address: string;
  family: 4 | 6;
}

/** IPv4 ranges no notification goes to by default: [network address, prefix bits, why]. */
const BLOCKED_V4: [string, number, string][] = [
  ['0.0.0.0', 8, 'this network'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

function v4ToInt(address: string): number {
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function v4Problem(address: string): string | null {
  const n = v4ToInt(address);
  for (const [base, bits, why] of BLOCKED_V4) {
    const size = 2 ** (32 - bits);
    const start = v4ToInt(base);
    if (n >= start && n < start + size) return why;
  }
  return null;
}

/** The 16 bytes of an IPv6 address (with an embedded dotted quad allowed at the end). */
function v6Bytes(address: string): number[] {
  let text = address.split('%')[0]!;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    tail.push(...dotted[1]!.split('.').map(Number));
    text = text.slice(0, -dotted[1]!.length) + '0:0';
  }
  const [head = '', rest] = text.split('::');
  const h = head ? head.split(':') : [];
  const r = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const groups = rest === undefined ? h : [...h, ...Array<string>(8 - h.length - r.length).fill('0'), ...r];
  const bytes = groups.flatMap((g) => {
    const v = parseInt(g || '0', 16);
    return [v >> 8, v & 255];
  });
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

function v6Problem(address: string): string | null {
  const b = v6Bytes(address);
  const zeroPrefix = (n: number) => b.slice(0, n).every((x) => x === 0);
  if (zeroPrefix(15) && b[15] === 0) return 'unspecified';
  if (zeroPrefix(15) && b[15] === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d): judge the IPv4 inside.
  const v4 = b.slice(12).join('.');
  if (zeroPrefix(10) && b[10] === 0xff && b[11] === 0xff) return v4Problem(v4);
  if (zeroPrefix(12)) return v4Problem(v4);
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && b.slice(4, 12).every((x) => x === 0))
    return v4Problem(v4);
  if ((b[0]! & 0xfe) === 0xfc) return 'unique local (private)';
  if (b[0] === 0xfe && (b[1]! & 0xc0) === 0x80) return 'link-local';
  if (b[0] === 0xff) return 'multicast';
  return null;
}

/** Why `address` is not a public unicast address, or null when it is. */
export function privateAddressProblem(address: string): string | null {
  const family = isIP(address);
  if (family === 4) return v4Problem(address);
  if (family === 6) return v6Problem(address);
  return 'not an IP address';
}

/** Scheme and host, for display (never the path or query: chat webhooks carry their token there). */
export function urlHint(raw: string): string {
  const url = new URL(raw);
  return `${url.protocol}//${url.host}`;
}

export type Resolver = (host: string) => Promise<LookupAddress[]>;

const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true });

/**
 * Checks a URL and resolves its host. Error messages name only scheme and host: the rest of a
 * chat webhook URL is its access token.
 */
export async function checkOutboundUrl(
  raw: string,
  allowPrivateNetwork: boolean,
  resolve: Resolver = systemResolver,
): Promise<CheckedAddress> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundAddressError('the URL is not valid');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OutboundAddressError('only http and https URLs');
  if (url.username || url.password) throw new OutboundAddressError('the URL must not carry a user name or password');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: LookupAddress[];
  if (isIP(host)) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = await resolve(host);
    } catch {
      throw new OutboundAddressError(`${url.host} could not be resolved`);
    }
    if (addresses.length === 0) throw new OutboundAddressError(`${url.host} could not be resolved`);
  }
  if (!allowPrivateNetwork) {
    for (const a of addresses) {
      const problem = privateAddressProblem(a.address);
      if (problem) {
        throw new OutboundAddressError(
          `${url.host} is a ${problem} address (${a.address}); only an administrator can allow private networks for a notification`,
        );
      }
    }
  }
  const first = addresses[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for http.request that answers with the checked address, whatever DNS says now. */
export function pinnedLookup(checked: CheckedAddress) {
  return (_host: string, opts: LookupOptions, cb: LookupCallback): void => {
    if (opts.all) cb(null, [{ address: checked.address, family: checked.family }]);
    else cb(null, checked.address, checked.family);
  };
}
