/**
 * The client's check of the server's Kerberos principal, after Hadoop's
 * `SaslRpcClient.getServerPrincipal(SaslAuth)`:
 * - the advertised name is `new KerberosPrincipal(protocol + "/" + serverId, KRB_NT_SRV_HST).getName()`.
 *   JDK `sun.security.krb5.PrincipalName` for KRB_NT_SRV_HST: the host is replaced by its canonical
 *   name when that extends it (`bunny` -> `bunny.rabbit.hole`), a trailing dot dropped, lower-cased;
 *   the realm is `mapHostToRealm(host)` ([domain_realm]: the exact host, then for each inner dot
 *   `.domain` and `domain`), else krb5.conf default_realm (`Realm.getDefault()`);
 * - with `<key>.pattern` set, the advertised name must match it as a Hadoop `GlobPattern`;
 * - otherwise it must equal `SecurityUtil.getServerPrincipal(conf.get(key), addr)` exactly.
 */
import { AccessControlError } from '../../../lib/errors/index.ts';
import { canonicalHostName } from '../../../lib/net/resolve.ts';
import { GlobPattern, GlobSyntaxError } from '../../../lib/text/glob-pattern.ts';
import type { Krb5Config } from '../../kerberos/config/index.ts';

export interface ServerPrincipalExpectation {
  /** Configured principal, `_HOST` substituted only for `service/_HOST@REALM` (SecurityUtil.getServerPrincipal). */
  readonly serverPrincipal?: string;
  /** `<key>.pattern` glob; replaces the exact check when set and non-empty. */
  readonly serverPrincipalPattern?: string;
}

/** JDK PrincipalName.mapHostToRealm: [domain_realm] exact host, then `.domain` / `domain` suffixes. */
export function mapHostToRealm(krb5: Krb5Config | undefined, host: string): string | undefined {
  if (!krb5) return undefined;
  const exact = krb5.domainRealm.get(host);
  if (exact) return exact;
  for (let i = 1; i < host.length; i++) {
    if (host[i] !== '.' || i === host.length - 1) continue;
    const r = krb5.domainRealm.get(host.slice(i)) ?? krb5.domainRealm.get(host.slice(i + 1));
    if (r) return r;
  }
  return undefined;
}

export interface AdvertisedPrincipalOptions {
  /** krb5.conf of the client (domain_realm, default_realm). */
  readonly krb5?: Krb5Config;
  /** Realm when krb5.conf gives none (hsec: the client's own realm). */
  readonly fallbackRealm?: string;
  /** Canonical name of a host (default: lib/net canonicalHostName, as the JDK's getCanonicalHostName). */
  readonly canonicalize?: (host: string) => Promise<string>;
}

/** `new KerberosPrincipal(protocol/serverId, KRB_NT_SRV_HST).getName()` (see the file comment). */
export async function advertisedServerPrincipal(protocol: string, serverId: string, o: AdvertisedPrincipalOptions = {}): Promise<string> {
  let host = serverId;
  if (host) {
    try {
      const canonical = await (o.canonicalize ?? canonicalHostName)(host);
      if (canonical.toLowerCase().startsWith(`${host.toLowerCase()}.`)) host = canonical;
    } catch {
      // not canonicalised: keep the name as advertised
    }
    if (host.endsWith('.')) host = host.slice(0, -1);
    host = host.toLowerCase();
  }
  const realm = mapHostToRealm(o.krb5, host) ?? o.krb5?.defaultRealm ?? o.fallbackRealm;
  const name = `${protocol}/${host}`.replace(/@/g, '\\@');
  return realm ? `${name}@${realm}` : name;
}

/**
 * SaslRpcClient.getServerPrincipal's decision, given the advertised name from
 * `advertisedServerPrincipal`: returns it, or throws AccessControlError with Hadoop's messages.
 * `serverHost` is the canonical name of the dialled address, put in place of `_HOST`.
 */
export function checkServerPrincipal(advertised: string, krb: ServerPrincipalExpectation, serverHost: string): string {
  if (krb.serverPrincipalPattern) {
    if (!serverPrincipalGlob(krb.serverPrincipalPattern).matches(advertised)) {
      throw new AccessControlError('ACCESS_DENIED', `Server has invalid Kerberos principal: ${advertised}, doesn't match the pattern: ${krb.serverPrincipalPattern}`, {
        principal: advertised,
      });
    }
    return advertised;
  }
  const configured = krb.serverPrincipal ? substituteServerHost(krb.serverPrincipal, serverHost) : undefined;
  if (!configured) {
    throw new AccessControlError('ACCESS_DENIED', "Failed to specify server's Kerberos principal name", { principal: advertised });
  }
  if (!/^[^/@]+\/[^/@]+/.test(configured)) {
    throw new AccessControlError('ACCESS_DENIED', `Kerberos principal name does NOT have the expected hostname part: ${configured}`, { principal: configured });
  }
  if (advertised !== configured) {
    throw new AccessControlError('ACCESS_DENIED', `Server has invalid Kerberos principal: ${advertised}, expecting: ${configured}`, {
      principal: advertised,
      expected: configured,
    });
  }
  return advertised;
}

/** SecurityUtil.getServerPrincipal(String, InetAddress): only `a/_HOST@b` (three parts) is substituted. */
function substituteServerHost(configured: string, host: string): string {
  const parts = configured.split(/[/@]/);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length !== 3 || parts[1] !== '_HOST') return configured;
  return `${parts[0]}/${host.toLowerCase()}@${parts[2]}`;
}

/** SaslRpcClient's GlobPattern.compile(serverPrincipalPattern); a bad pattern is ACCESS_DENIED naming it. */
export function serverPrincipalGlob(glob: string): GlobPattern {
  try {
    return GlobPattern.compile(glob);
  } catch (cause) {
    if (!(cause instanceof GlobSyntaxError)) throw cause;
    throw new AccessControlError('ACCESS_DENIED', `Invalid server principal pattern ${glob}: ${cause.message}`, { pattern: glob }, { cause });
  }
}
