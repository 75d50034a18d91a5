/**
 * The realm of a service principal written without one, as MIT and the JDK find it for a
 * host-based name `service/host` (MIT krb5_sname_to_principal with the hostrealm "domain" and
 * "profile" modules, hostrealm_domain.c; JDK sun.security.krb5.PrincipalName for KRB_NT_SRV_HST,
 * mapHostToRealm): the [domain_realm] entry for the host or its nearest parent domain, else
 * default_realm. A name that is not host-based (one component, or krbtgt/...) keeps the caller's
 * fallback realm, then default_realm. Hostnames are not canonicalised here: the caller passes the
 * name it dialled or was told (Hadoop's SecurityUtil has already substituted `_HOST`).
 */
import { NAME_TYPE, type Principal } from '../types.ts';
import { parsePrincipal } from '../keytab/principal-text.ts';
import { realmForHost, type Krb5Config } from './krb5-conf.ts';

/** True when `text` names a realm: it has an `@` not escaped by a backslash. */
export function hasRealm(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '@') return true;
  }
  return false;
}

/**
 * The realm for a host-based service on `host`: [domain_realm] (realmForHost), else
 * default_realm, else `fallbackRealm` (hsec: the client's realm) when krb5.conf names neither.
 */
export function serviceRealm(conf: Krb5Config | undefined, host: string, fallbackRealm?: string): string | undefined {
  return (conf ? realmForHost(conf, host) : undefined) ?? fallbackRealm;
}

/**
 * A service principal from its text (or a Principal, returned as is). With `@REALM` the realm is
 * kept; `service/host` without one gets serviceRealm(host) and name type NT-SRV-HST; any other
 * realm-less name gets `fallbackRealm`, else default_realm. No realm at all is KRB_NAME.
 */
export function resolveServicePrincipal(name: Principal | string, conf: Krb5Config | undefined, fallbackRealm?: string): Principal {
  if (typeof name !== 'string') return name;
  if (hasRealm(name)) return parsePrincipal(name);
  // Parse once with a placeholder realm to split the components with MIT's escaping rules.
  const { components } = parsePrincipal(name, '-').name;
  if (components.length === 2 && components[0] !== 'krbtgt') {
    return parsePrincipal(name, serviceRealm(conf, components[1]!, fallbackRealm), NAME_TYPE.SRV_HST);
  }
  return parsePrincipal(name, fallbackRealm ?? conf?.defaultRealm);
}
