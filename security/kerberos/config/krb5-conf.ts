/**
 * The typed krb5.conf (krb5.conf(5)): [libdefaults] default_realm, the enctype lists, clockskew,
 * ticket_lifetime, renew_lifetime, udp_preference_limit, kdc_timeout, forwardable,
 * default_ccache_name, default_keytab_name, default_client_keytab_name, kcm_socket, rdns; [realms] kdc / admin_server per realm; [domain_realm]; [capaths]
 * (realmPath gives the cross-realm path as MIT k5_client_realm_path does). The file comes
 * from KRB5_CONFIG (a colon-separated list, as MIT reads it) else /etc/krb5.conf. dns_lookup_kdc
 * and dns_lookup_realm are accepted and ignored: KDCs come from the file only.
 */
import { existsSync } from 'node:fs';
import { ConfigError } from '../../../lib/errors/index.ts';
import { parseDuration } from './duration.ts';
import { DEFAULT_ENCTYPES, parseEnctypeList } from './enctypes.ts';
import { mergeProfile, newNode, parseProfile, readProfileFile, subsections, values, type ProfileNode } from './profile.ts';

export const DEFAULT_KRB5_CONF = '/etc/krb5.conf';
export const KDC_PORT = 88;

export interface KdcAddress {
  readonly host: string;
  readonly port: number;
  /** Forced transport from a `tcp/` or `udp/` prefix; otherwise chosen by udp_preference_limit. */
  readonly transport?: 'tcp' | 'udp';
}

export interface RealmConfig {
  readonly kdcs: readonly KdcAddress[];
  readonly adminServers: readonly string[];
}

export interface Krb5Config {
  readonly files: readonly string[];
  readonly defaultRealm?: string;
  /** Etypes for AS-REQ (default_tkt_enctypes), strongest-preferred order. */
  readonly defaultTktEnctypes: readonly number[];
  /** Etypes for TGS-REQ (default_tgs_enctypes). */
  readonly defaultTgsEnctypes: readonly number[];
  readonly permittedEnctypes: readonly number[];
  /** Enctype names from the file we cannot use (des3, rc4, camellia, unknown). */
  readonly droppedEnctypes: readonly string[];
  /** clockskew, default 300 s, in ms. */
  readonly clockSkewMs: number;
  /**
   * kdc_timesync, default true (MIT init_ctx.c DEFAULT_KDC_TIMESYNC): the AS reply's time sets the
   * KDC offset instead of being checked against clockskew (MIT get_in_tkt.c verify_as_reply).
   */
  readonly kdcTimesync: boolean;
  /** ticket_lifetime, default 1 day, in ms. */
  readonly ticketLifetimeMs: number;
  /** renew_lifetime, default 0 (no renewable tickets requested), in ms. */
  readonly renewLifetimeMs: number;
  /** udp_preference_limit, default 1465 bytes; requests larger than this go over TCP. */
  readonly udpPreferenceLimit: number;
  /** kdc_timeout per KDC attempt, default 3 s, in ms. */
  readonly kdcTimeoutMs: number;
  readonly forwardable: boolean;
  readonly proxiable: boolean;
  readonly defaultCcacheName?: string;
  /** default_keytab_name (MIT default FILE:/etc/krb5.keytab), tokens unexpanded. */
  readonly defaultKeytabName?: string;
  /** default_client_keytab_name (kinit -i, klist -k -i), tokens unexpanded. */
  readonly defaultClientKeytabName?: string;
  /** kcm_socket: the KCM daemon's Unix socket ("-" disables KCM); default Heimdal's path. */
  readonly kcmSocket?: string;
  readonly rdns: boolean;
  readonly realms: ReadonlyMap<string, RealmConfig>;
  /** [domain_realm] entries: host or `.domain` -> realm. */
  readonly domainRealm: ReadonlyMap<string, string>;
  /** [capaths]: client realm -> server realm -> intermediate realms in order ('.' = direct). */
  readonly capaths: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
}

const TRUE = /^(true|yes|on|1|y|t)$/i;

/** Parses `host`, `host:port`, `[v6]:port`, with an optional `tcp/` or `udp/` prefix. */
export function parseKdcAddress(text: string): KdcAddress {
  let t = text.trim();
  let transport: KdcAddress['transport'];
  const prefix = /^(tcp|udp)\//i.exec(t);
  if (prefix) {
    transport = prefix[1]!.toLowerCase() as 'tcp' | 'udp';
    t = t.slice(prefix[0].length);
  }
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(t) ?? /^([^:]+)(?::(\d+))?$/.exec(t);
  if (!m) throw new ConfigError('CONFIG_INVALID', `krb5.conf kdc = '${text}' is not host[:port]`, { configKey: 'kdc' });
  const port = m[2] === undefined ? KDC_PORT : Number(m[2]);
  if (!(port > 0 && port < 65536)) throw new ConfigError('CONFIG_INVALID', `krb5.conf kdc = '${text}': port out of range`, { configKey: 'kdc' });
  return { host: m[1]!, port, ...(transport ? { transport } : {}) };
}

function lib(root: ProfileNode, tag: string): string | undefined {
  return values(root, 'libdefaults', tag)[0];
}

function enctypes(root: ProfileNode, tag: string, dropped: string[], fallback?: readonly number[]): number[] {
  const text = lib(root, tag);
  if (text === undefined) return [...(fallback ?? DEFAULT_ENCTYPES)];
  const list = parseEnctypeList(text);
  dropped.push(...list.dropped.filter((d) => !dropped.includes(d)));
  return list.etypes;
}

function int(root: ProfileNode, tag: string, dflt: number): number {
  const v = lib(root, tag);
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v.trim())) throw new ConfigError('CONFIG_INVALID', `krb5.conf [libdefaults] ${tag} = '${v}' must be a whole number`, { configKey: tag });
  return Number(v);
}

/** Builds the typed view of a parsed profile. */
export function krb5ConfigFromProfile(root: ProfileNode, files: readonly string[] = []): Krb5Config {
  const dropped: string[] = [];
  const permitted = enctypes(root, 'permitted_enctypes', dropped);
  const duration = (tag: string, dflt: number) => {
    const v = lib(root, tag);
    return v === undefined ? dflt : parseDuration(v, tag);
  };
  const realms = new Map<string, RealmConfig>();
  for (const [name, node] of subsections(root, 'realms')) {
    realms.set(name, {
      kdcs: (node.relations.get('kdc') ?? []).filter((v): v is string => typeof v === 'string').map(parseKdcAddress),
      adminServers: (node.relations.get('admin_server') ?? []).filter((v): v is string => typeof v === 'string'),
    });
  }
  const domainRealm = new Map<string, string>();
  const dr = root.relations.get('domain_realm')?.[0];
  if (typeof dr === 'object') {
    for (const [host, vals] of dr.relations) if (typeof vals[0] === 'string') domainRealm.set(host.toLowerCase(), vals[0]);
  }
  const capaths = new Map<string, Map<string, string[]>>();
  for (const [client, node] of subsections(root, 'capaths')) {
    const paths = new Map<string, string[]>();
    for (const [server, vals] of node.relations) paths.set(server, vals.filter((v): v is string => typeof v === 'string'));
    capaths.set(client, paths);
  }
  const defaultRealm = lib(root, 'default_realm');
  const ccache = lib(root, 'default_ccache_name');
  const keytabName = lib(root, 'default_keytab_name');
  const clientKeytabName = lib(root, 'default_client_keytab_name');
  const kcmSocket = lib(root, 'kcm_socket');
  return Object.freeze({
    files,
    ...(defaultRealm ? { defaultRealm } : {}),
    defaultTktEnctypes: enctypes(root, 'default_tkt_enctypes', dropped, permitted),
    defaultTgsEnctypes: enctypes(root, 'default_tgs_enctypes', dropped, permitted),
    permittedEnctypes: permitted,
    droppedEnctypes: dropped,
    clockSkewMs: duration('clockskew', 300_000),
    // MIT reads kdc_timesync as an integer (0 off, anything else on); booleans are accepted too.
    kdcTimesync: !/^(0+|false|no|off|n|f)$/i.test((lib(root, 'kdc_timesync') ?? '1').trim()),
    ticketLifetimeMs: duration('ticket_lifetime', 86_400_000),
    renewLifetimeMs: duration('renew_lifetime', 0),
    udpPreferenceLimit: int(root, 'udp_preference_limit', 1465),
    kdcTimeoutMs: duration('kdc_timeout', 3_000),
    forwardable: TRUE.test(lib(root, 'forwardable') ?? 'false'),
    proxiable: TRUE.test(lib(root, 'proxiable') ?? 'false'),
    ...(ccache ? { defaultCcacheName: ccache } : {}),
    ...(keytabName ? { defaultKeytabName: keytabName } : {}),
    ...(clientKeytabName ? { defaultClientKeytabName: clientKeytabName } : {}),
    ...(kcmSocket ? { kcmSocket } : {}),
    rdns: TRUE.test(lib(root, 'rdns') ?? 'true'),
    realms,
    domainRealm,
    capaths,
  });
}

/** Parses krb5.conf text (includes are refused: use loadKrb5Config for files). */
export function parseKrb5Conf(text: string, file = '<string>'): Krb5Config {
  return krb5ConfigFromProfile(parseProfile(text, file), [file]);
}

/**
 * Loads krb5.conf from `path`, else from KRB5_CONFIG (colon-separated; missing entries skipped,
 * as MIT does), else /etc/krb5.conf. No existing file is ConfigError CONFIG_MISSING.
 */
export function loadKrb5Config(path?: string, env: NodeJS.ProcessEnv = process.env): Krb5Config {
  const candidates = path ? [path] : (env.KRB5_CONFIG ?? DEFAULT_KRB5_CONF).split(':').filter(Boolean);
  const files = candidates.filter((f) => existsSync(f));
  if (files.length === 0) {
    throw new ConfigError('CONFIG_MISSING', `No krb5.conf found (looked for ${candidates.join(', ')}); set KRB5_CONFIG to your krb5.conf`, {
      configKey: 'KRB5_CONFIG',
      files: candidates,
    });
  }
  const root = newNode();
  for (const f of files) mergeProfile(root, readProfileFile(f));
  return krb5ConfigFromProfile(root, files);
}

/**
 * The realm of a host by [domain_realm], else default_realm. The walk is MIT's
 * (hostrealm_domain.c domain_realm_lookup) and the JDK's (PrincipalName.mapHostToRealm): the host
 * itself, then for each parent domain `.domain` and then `domain`, nearest first
 * (nn.ex.com, .ex.com, ex.com, .com, com).
 */
export function realmForHost(conf: Krb5Config, host: string): string | undefined {
  const h = host.toLowerCase().replace(/\.$/, '');
  const exact = conf.domainRealm.get(h);
  if (exact) return exact;
  for (let i = h.indexOf('.'); i >= 0; i = h.indexOf('.', i + 1)) {
    const r = conf.domainRealm.get(h.slice(i)) ?? (i + 1 < h.length ? conf.domainRealm.get(h.slice(i + 1)) : undefined);
    if (r) return r;
  }
  return conf.defaultRealm;
}

/** The KDCs of a realm; none configured is ConfigError naming the realm and the files read. */
export function kdcsForRealm(conf: Krb5Config, realm: string): readonly KdcAddress[] {
  const kdcs = conf.realms.get(realm)?.kdcs ?? [];
  if (kdcs.length === 0) {
    throw new ConfigError('CONFIG_MISSING', `No KDC configured for realm ${realm} in ${conf.files.join(', ') || 'krb5.conf'}; add 'kdc = host:port' under [realms] ${realm} (DNS lookup of KDCs is not supported)`, {
      realm,
      configKey: 'realms.kdc',
    });
  }
  return kdcs;
}

/**
 * The realms to pass through from `client` to `server`, ending with `server` (MIT
 * k5_client_realm_path, krb5.conf(5) [capaths]): the [capaths] entry when present ('.' meaning
 * direct), else the hierarchical path up to the longest common domain suffix and down again
 * (A.EX.COM -> EX.COM -> B.EX.COM); realms with no common suffix are reached directly.
 */
export function realmPath(conf: Krb5Config, client: string, server: string): string[] {
  if (client === server) return [];
  const configured = conf.capaths.get(client)?.get(server);
  if (configured) return [...configured.filter((r) => r !== '.' && r !== server), server];
  return hierarchicalPath(client, server);
}

export function hierarchicalPath(client: string, server: string): string[] {
  const a = client.split('.');
  const b = server.split('.');
  let common = 0;
  while (common < a.length && common < b.length && a[a.length - 1 - common] === b[b.length - 1 - common]) common++;
  if (common === 0) return [server];
  const hops: string[] = [];
  for (let i = 1; i <= a.length - common; i++) hops.push(a.slice(i).join('.'));
  for (let i = b.length - common - 1; i >= 1; i--) hops.push(b.slice(i).join('.'));
  return [...hops.filter((r) => r !== server && r !== client), server];
}
