/**
 * How a NameNode client (fetchdt, dtutil) authenticates, as Hadoop's UserGroupInformation login
 * does: tokens from the file named by HADOOP_TOKEN_FILE_LOCATION (TOKEN auth, no ticket needed),
 * and Kerberos from the credential cache (KRB5CCNAME or the default) when
 * hadoop.security.authentication=kerberos. The GSSAPI client takes its service ticket from a
 * ServiceTicketSource: by default a ticket-cache KerberosLogin (TGS exchange with the cached TGT,
 * security/kerberos/login), or one the caller supplies (`ccacheTicketSource` uses only service
 * tickets already in the cache). A missing or expired ticket is a KerberosError naming `hsec kinit`.
 */
import { KerberosError } from '../../lib/errors/index.ts';
import type { Configuration } from '../../lib/config/index.ts';
import { findTgt, findTicket, readCcache, resolveCcacheName } from '../../security/kerberos/ccache/index.ts';
import { principalToString } from '../../security/kerberos/types.ts';
import type { Credential } from '../../security/kerberos/types.ts';
import { loadKrb5Config, type Krb5Config } from '../../security/kerberos/config/krb5-conf.ts';
import { loginFromCcache } from '../../security/kerberos/login/index.ts';
import { kerberosLoginOptionsFromConfig } from './login-options.ts';
import { createSaslClient } from '../../security/sasl/index.ts';
import '../../security/sasl/mechanisms/gssapi/index.ts';
import type { ServiceTicketSource } from '../../security/sasl/mechanisms/gssapi/index.ts';
import type { RpcCallCredentials } from '../../security/sasl/rpc/rpc-client.ts';
import type { KerberosClientCredentials } from '../../security/sasl/rpc/sasl-rpc-client.ts';
import { readTokenStorageFile } from '../../security/token/credentials-file.ts';
import type { Token } from '../../security/token/token.ts';

/** Path of a FILE: ccache name (other types are not supported here). */
export function ccachePath(env: NodeJS.ProcessEnv = process.env): string {
  const name = resolveCcacheName(env);
  if (/^[A-Z]+:/.test(name) && !name.startsWith('FILE:')) {
    throw new KerberosError('KRB_CCACHE', `Credential cache ${name} is not a FILE cache; set KRB5CCNAME=FILE:/path and run hsec kinit`, { ccache: name });
  }
  return name.replace(/^FILE:/, '');
}

/** The client principal of the ccache (fails with a hint to run `hsec kinit`). */
export async function ccachePrincipal(path: string, now = Date.now()): Promise<string> {
  let cc;
  try {
    cc = await readCcache(path);
  } catch (e) {
    throw new KerberosError('KRB_NO_CREDENTIALS', `No Kerberos credentials in ${path}: run hsec kinit <principal> first`, { ccache: path }, { cause: e });
  }
  if (!findTgt(cc, undefined, now) && cc.credentials.every((c) => c.endTime <= now)) {
    throw new KerberosError('KRB_EXPIRED', `The Kerberos tickets in ${path} have expired: run hsec kinit ${principalToString(cc.defaultPrincipal)}`, { ccache: path });
  }
  return principalToString(cc.defaultPrincipal);
}

/** A ticket source that uses service tickets already in a FILE ccache. */
export function ccacheTicketSource(path: string, clock: () => number = Date.now): ServiceTicketSource {
  return {
    async getServiceTicket(servicePrincipal: string): Promise<Credential> {
      const cc = await readCcache(path);
      if (!servicePrincipal.includes('@')) servicePrincipal = `${servicePrincipal}@${cc.defaultPrincipal.realm}`;
      const t = findTicket(cc, servicePrincipal, clock());
      if (t) return t;
      const tgt = findTgt(cc, undefined, clock());
      throw new KerberosError(
        tgt ? 'KRB_NO_CREDENTIALS' : 'KRB_EXPIRED',
        tgt
          ? `No service ticket for ${servicePrincipal} in ${path} and no Kerberos login to get one: run hsec kinit again or obtain one (kvno ${servicePrincipal})`
          : `No valid Kerberos ticket in ${path} for ${servicePrincipal}: run hsec kinit ${principalToString(cc.defaultPrincipal)}`,
        { ccache: path, principal: servicePrincipal },
      );
    },
  };
}

/** Kerberos client credentials for the RPC layer (GSSAPI over the ticket source). */
export function kerberosClientCredentials(principal: string, source: ServiceTicketSource, conf?: Configuration, krb5?: Krb5Config): KerberosClientCredentials {
  return {
    principal,
    // the realm of the advertised nn/<host> (JDK KRB_NT_SRV_HST: domain_realm, else default_realm)
    ...(krb5 ? { krb5 } : {}),
    serverPrincipal: conf?.getTrimmed('dfs.namenode.kerberos.principal'),
    serverPrincipalPattern: conf?.getTrimmed('dfs.namenode.kerberos.principal.pattern'),
    createClient: (target, qop) => createSaslClient('GSSAPI', {
      protocol: target.protocol,
      serverName: target.serverId,
      realm: target.principal.includes('@') ? target.principal.split('@')[1] : undefined,
      ticketSource: source,
      qop,
    }),
  };
}

/** Tokens from HADOOP_TOKEN_FILE_LOCATION (empty when unset). */
export async function tokensFromEnvironment(env: NodeJS.ProcessEnv = process.env): Promise<Token[]> {
  const path = env.HADOOP_TOKEN_FILE_LOCATION;
  if (!path) return [];
  return (await readTokenStorageFile(path)).tokens().map(([, t]) => t);
}

export interface ClientLoginOptions {
  env?: NodeJS.ProcessEnv;
  /** A Kerberos login (TGS-capable) to get service tickets from; default the ccache's tickets. */
  ticketSource?: ServiceTicketSource;
  /** Require Kerberos (token operations that need it); default: Kerberos if a ccache is usable. */
  requireKerberos?: boolean;
}

/**
 * The caller's RPC credentials: tokens from HADOOP_TOKEN_FILE_LOCATION and, with
 * hadoop.security.authentication=kerberos, the ccache's Kerberos identity.
 */
export async function clientCredentials(conf: Configuration, options: ClientLoginOptions = {}): Promise<RpcCallCredentials> {
  const env = options.env ?? process.env;
  const tokens = await tokensFromEnvironment(env);
  const creds: RpcCallCredentials = { tokens, tokenKind: 'HDFS_DELEGATION_TOKEN' };
  if (conf.getEnum('hadoop.security.authentication', 'simple') !== 'kerberos') return { ...creds, user: env.HADOOP_USER_NAME ?? env.USER };
  const path = ccachePath(env);
  let principal: string;
  try {
    principal = await ccachePrincipal(path);
  } catch (e) {
    if (options.requireKerberos || tokens.length === 0) throw e;
    return creds; // a token file alone authenticates with TOKEN
  }
  return { ...creds, kerberos: kerberosClientCredentials(principal, options.ticketSource ?? (await ccacheLogin(path, env, conf)), conf, optionalKrb5Config(env)) };
}

/** The client's krb5.conf (KRB5_CONFIG or /etc/krb5.conf), or undefined when there is none. */
function optionalKrb5Config(env: NodeJS.ProcessEnv): Krb5Config | undefined {
  try {
    return loadKrb5Config(undefined, env);
  } catch {
    return undefined;
  }
}

/**
 * A ticket-cache login that gets service tickets from the KDC with the cached TGT; it re-reads the
 * cache at most every hadoop.kerberos.min.seconds.before.relogin (UGI.reloginFromTicketCache).
 */
async function ccacheLogin(path: string, env: NodeJS.ProcessEnv, conf: Configuration): Promise<ServiceTicketSource> {
  try {
    return await loginFromCcache(`FILE:${path}`, { conf: loadKrb5Config(undefined, env), ...kerberosLoginOptionsFromConfig(conf, 'ccache') });
  } catch (e) {
    throw new KerberosError('KRB_NO_CREDENTIALS', `Cannot log in from the ticket cache ${path}: ${(e as Error).message}; run hsec kinit <principal>`, { ccache: path }, { cause: e });
  }
}
