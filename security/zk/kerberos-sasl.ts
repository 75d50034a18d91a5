/**
 * Kerberos (SASL GSSAPI) for ZooKeeper sessions, as ZooKeeper's Java client does it with a JAAS
 * `Client` login (ZooKeeperSaslClient + SecurityUtils.createSaslClient): our GSSAPI SASL client
 * (security/sasl/mechanisms/gssapi) with QOP `auth` (the server's default; ZooKeeper wraps nothing
 * after authentication), service tickets from a KerberosLogin, and the server principal computed
 * as SaslServerPrincipal.getServerPrincipal does: `zookeeper.server.principal` when given, else
 * `<service name>/<server host>` where the service name is `zookeeper.sasl.client.username`
 * (Hadoop: hadoop.zk.server.principal; default `zookeeper`) and the host is the canonical name of
 * the server's address (`zookeeper.sasl.client.canonicalize.hostname`, default true; the address
 * itself when it has no name), in the realm `zookeeper.server.realm`, default the client's realm.
 * The server then applies `sasl:<principal>` ACLs (shortened when the server sets
 * zookeeper.kerberos.removeHostFromPrincipal / removeRealmFromPrincipal).
 */
import { isIP } from 'node:net';
import { ConfigError } from '../../lib/errors/index.ts';
import { canonicalHostName, resolveAddress, socketHostName } from '../../lib/net/resolve.ts';
import type { ZkSaslFactory, ZkSaslSession } from '../../lib/zk/index.ts';
import { principalToString, type Principal } from '../kerberos/types.ts';
import { GssapiClient, type ServiceTicketSource } from '../sasl/mechanisms/gssapi/index.ts';

/** ZooKeeper's default SASL service name (ZKClientConfig.ZK_SASL_CLIENT_USERNAME_DEFAULT). */
export const ZK_SASL_SERVICE_DEFAULT = 'zookeeper';

/** A Kerberos login as this module needs it (KerberosLogin fits). */
export interface ZkKerberosLogin extends ServiceTicketSource {
  readonly principal: Principal;
}

export interface ZkKerberosSaslOptions {
  /** Service name of the server principal (zookeeper.sasl.client.username; hadoop.zk.server.principal). Default `zookeeper`. */
  readonly serviceName?: string;
  /** The whole server principal, `service/host[@REALM]` (zookeeper.server.principal): replaces the computed one. */
  readonly serverPrincipal?: string;
  /** Realm of the server principal (zookeeper.server.realm); default the client's realm. */
  readonly realm?: string;
  /** Use the canonical host name of the server's address (default true, as ZooKeeper). */
  readonly canonicalizeHostName?: boolean;
}

/** The host part of the server principal for a server named `host` in the connect string. */
export async function zkServerPrincipalHost(host: string, canonicalize = true): Promise<string> {
  if (!canonicalize) return socketHostName(host);
  let address: string;
  try {
    address = await resolveAddress(host);
  } catch {
    return host.toLowerCase();
  }
  const canonical = await canonicalHostName(address);
  // SaslServerPrincipal: "avoid using literal IP address when security check fails".
  if (canonical !== address) return canonical;
  return isIP(host) ? socketHostName(host) : host;
}

function splitPrincipal(text: string): { service: string; host: string; realm?: string } {
  const m = /^([^/@]+)\/([^/@]+)(?:@(.+))?$/.exec(text);
  if (!m) {
    throw new ConfigError('CONFIG_INVALID', `ZooKeeper server principal "${text}" is not of the form service/host[@REALM]`, { principal: text });
  }
  return { service: m[1]!, host: m[2]!, ...(m[3] ? { realm: m[3] } : {}) };
}

/** The SASL factory for ZkClientOptions.sasl. */
export function zkKerberosSasl(login: ZkKerberosLogin, opts: ZkKerberosSaslOptions = {}): ZkSaslFactory {
  const serviceName = opts.serviceName ?? ZK_SASL_SERVICE_DEFAULT;
  if (/[/@]/.test(serviceName)) {
    throw new ConfigError(
      'CONFIG_INVALID',
      `hadoop.zk.server.principal is the service name of the ZooKeeper principal (e.g. zookeeper), not a whole principal: got "${serviceName}" (ZooKeeper builds <name>/<server host>)`,
      { configKey: 'hadoop.zk.server.principal' },
    );
  }
  const fixed = opts.serverPrincipal === undefined ? undefined : splitPrincipal(opts.serverPrincipal);
  return async (server): Promise<ZkSaslSession> => {
    const service = fixed?.service ?? serviceName;
    const host = fixed?.host ?? (await zkServerPrincipalHost(server.host, opts.canonicalizeHostName ?? true));
    const realm = fixed?.realm ?? opts.realm ?? login.principal.realm;
    const client = new GssapiClient({ protocol: service, serverName: host, realm, ticketSource: login, qop: ['auth'] });
    return { client, clientPrincipal: principalToString(login.principal), serverPrincipal: `${service}/${host}@${realm}` };
  };
}
