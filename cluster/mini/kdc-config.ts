/**
 * Pure renderers for the throwaway realm's two MIT profiles: kdc.conf (read by krb5kdc, kdb5_util
 * and kadmin.local through KRB5_KDC_PROFILE) and krb5.conf (read by every client: kinit, the JDK,
 * hsec's own Kerberos). Relation names follow MIT's kdc.conf(5) and krb5.conf(5); durations are
 * written in seconds ("60s"), which both MIT and the JDK parse.
 */

/** The enctypes our realm issues keys for: RFC 3962 (AES-SHA1) and RFC 8009 (AES-SHA2). */
export const DEFAULT_ENCTYPES: readonly string[] = [
  'aes256-cts-hmac-sha1-96',
  'aes128-cts-hmac-sha1-96',
  'aes256-cts-hmac-sha384-192',
  'aes128-cts-hmac-sha256-128',
];

export interface RealmLayout {
  readonly realm: string;
  readonly host: string;
  readonly port: number;
  /** Directory holding the database, stash, logs and default ccache. */
  readonly dir: string;
  readonly enctypes: readonly string[];
  readonly maxTicketLifeSeconds: number;
  readonly maxRenewableLifeSeconds: number;
  /** New principals get +requires_preauth (kdc.conf default_principal_flags = +preauth). */
  readonly requirePreauth?: boolean;
}

export const paths = (dir: string) => ({
  kdcConf: `${dir}/kdc.conf`,
  krb5Conf: `${dir}/krb5.conf`,
  database: `${dir}/principal`,
  stash: `${dir}/stash`,
  acl: `${dir}/kadm5.acl`,
  kdcLog: `${dir}/kdc.log`,
  ccache: `${dir}/krb5cc`,
  rcacheDir: `${dir}/rcache`,
});

/** kdc.conf(5): the KDC listens on the same port over UDP (kdc_ports) and TCP (kdc_tcp_ports). */
export function renderKdcConf(l: RealmLayout): string {
  const p = paths(l.dir);
  const enctypes = l.enctypes.map((e) => `${e}:normal`).join(' ');
  return [
    '[kdcdefaults]',
    `  kdc_listen = ${l.host}:${l.port}`,
    `  kdc_tcp_listen = ${l.host}:${l.port}`,
    `  kdc_ports = ${l.port}`,
    `  kdc_tcp_ports = ${l.port}`,
    '',
    '[realms]',
    `  ${l.realm} = {`,
    `    database_name = ${p.database}`,
    `    key_stash_file = ${p.stash}`,
    `    acl_file = ${p.acl}`,
    `    kdc_listen = ${l.host}:${l.port}`,
    `    kdc_tcp_listen = ${l.host}:${l.port}`,
    `    kdc_ports = ${l.port}`,
    `    kdc_tcp_ports = ${l.port}`,
    `    max_life = ${l.maxTicketLifeSeconds}s`,
    `    max_renewable_life = ${l.maxRenewableLifeSeconds}s`,
    `    master_key_type = ${l.enctypes[0]}`,
    `    supported_enctypes = ${enctypes}`,
    ...(l.requirePreauth ? ['    default_principal_flags = +preauth'] : []),
    '  }',
    '',
    '[logging]',
    `  kdc = FILE:${p.kdcLog}`,
    `  admin_server = FILE:${p.kdcLog}`,
    `  default = FILE:${p.kdcLog}`,
    '',
  ].join('\n');
}

/** krb5.conf(5) for clients of the throwaway realm: no DNS, loopback KDC, our enctypes only. */
export function renderKrb5Conf(l: RealmLayout): string {
  const p = paths(l.dir);
  const enctypes = l.enctypes.join(' ');
  return [
    '[libdefaults]',
    `  default_realm = ${l.realm}`,
    '  dns_lookup_kdc = false',
    '  dns_lookup_realm = false',
    '  dns_canonicalize_hostname = false',
    '  rdns = false',
    '  forwardable = true',
    // Clients ask for a day (renewable for a week); the KDC caps both at the realm maxima.
    '  ticket_lifetime = 86400s',
    '  renew_lifetime = 604800s',
    `  default_tkt_enctypes = ${enctypes}`,
    `  default_tgs_enctypes = ${enctypes}`,
    `  permitted_enctypes = ${enctypes}`,
    `  default_ccache_name = FILE:${p.ccache}`,
    '',
    '[realms]',
    `  ${l.realm} = {`,
    `    kdc = ${l.host}:${l.port}`,
    '  }',
    '',
    '[domain_realm]',
    `  localhost = ${l.realm}`,
    `  .localhost = ${l.realm}`,
    `  ${l.host} = ${l.realm}`,
    '',
  ].join('\n');
}
