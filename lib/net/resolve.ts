/**
 * Host name resolution as the JDK does it for Hadoop, in one place:
 * - `resolveAddress(host)`: `InetAddress.getByName(host).getHostAddress()` with the JDK default
 *   ordering (`java.net.preferIPv6Addresses=false`: IPv4 first): look up with `family: 4`, fall back
 *   to any family. Used for client connects, token services (`SecurityUtil.buildTokenService`) and
 *   the server's bind address.
 * - `canonicalHostName(hostOrIp)`: `InetAddress.getCanonicalHostName()` (JDK
 *   `InetAddress.getHostFromNameService(addr, true)`): getnameinfo on the address (the system
 *   resolver, /etc/hosts first: `dns.lookupService`, not a c-ares PTR query), then a forward
 *   lookup of that name that must contain the address; on any failure the address string itself.
 *   Lower-cased, as `SecurityUtil.replacePattern` does with the result.
 * - `localCanonicalHostName()`: `InetAddress.getLocalHost().getCanonicalHostName()` (the local
 *   host name's address, canonicalised), Hadoop's `SecurityUtil.getLocalHostName()`.
 * - `socketHostName(host)`: `InetSocketAddress.getHostName()` for a configured address: a name stays
 *   as given, an IP literal is reverse-resolved as above, 0.0.0.0 / empty is the local canonical name.
 */
import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import { hostname as osHostname } from 'node:os';

/** The wildcard addresses a server may be configured with. */
export function isWildcard(host: string | undefined): boolean {
  return host === undefined || host === '' || host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** A getaddrinfo-style lookup (node:dns `lookup`); injectable so the ordering policy can be tested on a single-stack host. */
export type AddressLookup = (host: string, options: { family?: 4 }) => Promise<{ address: string }>;

const systemLookup: AddressLookup = (host, options) => dns.lookup(host, options);

/**
 * One address of `host`, IPv4 preferred (JDK default ordering, whatever getaddrinfo's order); an IP
 * literal (bracketed or not) is returned as is. Rejects when the name does not resolve at all.
 */
export async function resolveAddress(host: string, lookup: AddressLookup = systemLookup): Promise<string> {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(bare)) return bare;
  try {
    return (await lookup(bare, { family: 4 })).address;
  } catch {
    return (await lookup(bare, {})).address;
  }
}

/** Java's `getCanonicalHostName()` of `hostOrIp` (a name is resolved first, IPv4 preferred), lower-cased; never rejects. */
export async function canonicalHostName(hostOrIp: string): Promise<string> {
  let ip: string;
  try {
    ip = await resolveAddress(hostOrIp);
  } catch {
    return hostOrIp.toLowerCase();
  }
  try {
    const { hostname } = await dns.lookupService(ip, 0);
    if (!hostname || hostname === ip) return ip.toLowerCase();
    // Forward-confirm, as the JDK does, so a spoofed reverse entry is not trusted.
    const forward = await dns.lookup(hostname, { all: true });
    if (!forward.some((a) => sameAddress(a.address, ip))) return ip.toLowerCase();
    return hostname.toLowerCase();
  } catch {
    return ip.toLowerCase();
  }
}

/** `InetAddress.getLocalHost().getCanonicalHostName()`; the OS host name when it does not resolve. */
export async function localCanonicalHostName(): Promise<string> {
  const name = osHostname();
  try {
    await resolveAddress(name);
  } catch {
    return name.toLowerCase();
  }
  return canonicalHostName(name);
}

/** `InetSocketAddress.getHostName()` of a configured host (see the file comment). */
export async function socketHostName(host: string | undefined): Promise<string> {
  if (host === undefined || isWildcard(host)) return localCanonicalHostName();
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return isIP(bare) ? canonicalHostName(bare) : host;
}

function sameAddress(a: string, b: string): boolean {
  const strip = (s: string): string => s.toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return strip(a) === strip(b);
}
