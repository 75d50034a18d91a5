/**
 * Kerberos principal names in their string form, `component[/component...][@REALM]` (RFC 1964 section
 * 2.1.1 / MIT `krb5_parse_name`): an unescaped `/` separates components, the first unescaped `@` starts
 * the realm, and a backslash escapes the next character (`\/`, `\@`, `\\`; `\n \t \b \0` as in MIT).
 * Accessors follow Hadoop's `KerberosName` (serviceName = first component, hostName = second, realm).
 * `substituteHost` is Hadoop's `SecurityUtil.getServerPrincipal`: a configured `service/_HOST@REALM`
 * gets the server's host name, lower-cased; an empty host or `0.0.0.0` means the local host name.
 */
import { hostname as osHostname } from 'node:os';
import { KerberosError } from '../../../lib/errors/index.ts';
import { canonicalHostName as resolveCanonical, localCanonicalHostName } from '../../../lib/net/resolve.ts';
import type { Principal } from '../types.ts';
import { NAME_TYPE } from '../types.ts';

/** Hadoop's `SecurityUtil.HOSTNAME_PATTERN`. */
export const HOSTNAME_PATTERN = '_HOST';

const UNESCAPE: Record<string, string> = { n: '\n', t: '\t', b: '\b', '0': '\0' };
const ESCAPE: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\b': '\\b', '\0': '\\0', '/': '\\/', '@': '\\@', '\\': '\\\\' };

function malformed(name: string, why: string): KerberosError {
  return new KerberosError('KRB_NAME', `Malformed Kerberos name "${name}": ${why}`, { principal: name });
}

function escapePart(s: string, isRealm: boolean): string {
  return s.replace(isRealm ? /[\n\t\b\0@\\]/g : /[\n\t\b\0/@\\]/g, (c) => ESCAPE[c]!);
}

export class KerberosName {
  /** The name components (`nn`, `host.example.test`), unescaped. */
  readonly components: readonly string[];
  /** The realm, or undefined when the string had no `@REALM`. */
  readonly realm: string | undefined;

  constructor(components: readonly string[], realm?: string) {
    if (components.length === 0 || components[0] === '') throw malformed(components.join('/'), 'empty first component');
    this.components = [...components];
    this.realm = realm;
  }

  /** Parses `service/host@REALM`, `user@REALM`, `service/host` or `user`; errors are KRB_NAME. */
  static parse(name: string): KerberosName {
    const components: string[] = [];
    let current = '';
    let realm: string | undefined;
    for (let i = 0; i < name.length; i++) {
      const c = name[i]!;
      if (c === '\\') {
        const n = name[++i];
        if (n === undefined) throw malformed(name, 'trailing backslash');
        current += UNESCAPE[n] ?? n;
      } else if (realm === undefined && c === '/') {
        components.push(current);
        current = '';
      } else if (c === '@' || (realm !== undefined && c === '/')) {
        if (realm !== undefined) throw malformed(name, `unescaped "${c}" in the realm`);
        components.push(current);
        current = '';
        realm = '';
      } else {
        current += c;
      }
    }
    if (realm === undefined) components.push(current);
    else realm = current;
    if (components.some((p) => p === '')) throw malformed(name, 'empty component');
    if (realm === '') throw malformed(name, 'empty realm after "@"');
    return new KerberosName(components, realm);
  }

  /** From the structured form used by keytabs, ccaches and messages. */
  static fromPrincipal(p: Principal): KerberosName {
    return new KerberosName(p.name.components, p.realm);
  }

  /** The first component (Hadoop's `getServiceName`). */
  get serviceName(): string {
    return this.components[0]!;
  }

  /** The second component, or undefined (Hadoop's `getHostName`). */
  get hostName(): string | undefined {
    return this.components[1];
  }

  /** The structured form; `realm` fills in a missing realm (e.g. krb5.conf's default_realm). */
  toPrincipal(defaultRealm?: string): Principal {
    const realm = this.realm ?? defaultRealm;
    if (realm === undefined) throw malformed(this.toString(), 'no realm and no default realm');
    const nameType = this.components.length > 1 ? NAME_TYPE.SRV_INST : NAME_TYPE.PRINCIPAL;
    return { name: { nameType, components: this.components }, realm };
  }

  /** The string form, escaping `/ @ \` inside components (and `@ \` inside the realm). */
  toString(): string {
    const base = this.components.map((c) => escapePart(c, false)).join('/');
    return this.realm === undefined ? base : `${base}@${escapePart(this.realm, true)}`;
  }
}

/**
 * Hadoop's `SecurityUtil.getServerPrincipal(principalConfig, hostname)`: if `pattern` is exactly
 * `service/_HOST@REALM`, returns `service/<host lower-cased>@REALM`; otherwise returns `pattern` unchanged.
 * `hostname` undefined, empty or `0.0.0.0` means `localHostName` (default: the OS host name; pass the
 * result of `canonicalHostName()` to get Java's `getCanonicalHostName()` behaviour).
 */
export function substituteHost(pattern: string, hostname?: string, localHostName?: string): string {
  const parts = pattern.split(/[/@]/);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop(); // Java's split drops trailing empties
  if (parts.length !== 3 || parts[1] !== HOSTNAME_PATTERN) return pattern;
  let fqdn = hostname;
  if (fqdn === undefined || fqdn === '' || fqdn === '0.0.0.0') fqdn = localHostName ?? osHostname();
  return `${parts[0]}/${fqdn.toLowerCase()}@${parts[2]}`;
}

/**
 * The canonical (fully qualified) name of `host` (default: this machine), as Java's
 * `getCanonicalHostName()` (lib/net/resolve.ts: getnameinfo on the address, forward-confirmed,
 * lower-cased; the address itself when that fails). Never rejects.
 */
export async function canonicalHostName(host?: string): Promise<string> {
  return host === undefined ? localCanonicalHostName() : resolveCanonical(host);
}
