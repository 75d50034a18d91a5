/**
 * Kerberos credentials for the RPC layer on our own GSSAPI (security/sasl/mechanisms/gssapi):
 * a server from its principal and keytab (Hadoop: the daemon's keytab login plus
 * SaslRpcServer's GSSAPI server for `<protocol>/<serverId>`), and a client from a Kerberos login
 * (the ServiceTicketSource) plus the configured server principal (e.g. dfs.namenode.kerberos.principal)
 * or its `.pattern` glob, checked as SaslRpcClient.getServerPrincipal does.
 */
import { AcceptorCredential } from '../../kerberos/gss/acceptor-credential.ts';
import { createSaslClient, createSaslServer } from '../registry.ts';
import type { ServiceTicketSource } from '../mechanisms/gssapi/index.ts';
import type { KerberosClientCredentials } from './sasl-rpc-client.ts';
import type { Krb5Config } from '../../kerberos/config/index.ts';
import { principalParts, type KerberosServerCredentials } from './sasl-rpc-server.ts';

/** A server principal (e.g. nn/host@REALM) with the keys it accepts tickets with. */
export function kerberosServer(principal: string, keys: string | readonly string[] | AcceptorCredential): KerberosServerCredentials {
  const credential = keys instanceof AcceptorCredential ? keys : AcceptorCredential.fromKeytab(keys);
  const { protocol } = principalParts(principal);
  return { principal, createServer: (qop, qopFor) => createSaslServer('GSSAPI', { credential, protocol, qop, ...(qopFor ? { qopFor } : {}) }) };
}

export interface KerberosClientOptions {
  /** The logged-in principal's full name (alice@REALM). */
  principal: string;
  /** Configured server principal (may contain _HOST). */
  serverPrincipal?: string;
  /** `<key>.pattern` glob; replaces the exact check when set. */
  serverPrincipalPattern?: string;
  /** krb5.conf for the advertised principal's realm (default: the login's, when it has one). */
  krb5?: Krb5Config;
}

/** Client credentials from a login (KerberosLogin fits ServiceTicketSource). */
export function kerberosClient(login: ServiceTicketSource, o: KerberosClientOptions): KerberosClientCredentials {
  const krb5 = o.krb5 ?? loginKrb5Config(login);
  return {
    principal: o.principal,
    ...(krb5 ? { krb5 } : {}),
    ...(o.serverPrincipal !== undefined ? { serverPrincipal: o.serverPrincipal } : {}),
    ...(o.serverPrincipalPattern !== undefined ? { serverPrincipalPattern: o.serverPrincipalPattern } : {}),
    createClient: (target, qop) => {
      const at = target.principal.lastIndexOf('@');
      return createSaslClient('GSSAPI', {
        protocol: target.protocol,
        serverName: target.serverId,
        ...(at >= 0 ? { realm: target.principal.slice(at + 1) } : {}),
        ticketSource: login,
        qop,
      });
    },
  };
}

/** The krb5.conf a KerberosLogin was made with (other ticket sources have none). */
function loginKrb5Config(login: ServiceTicketSource): Krb5Config | undefined {
  const c = (login as { krb5Config?: unknown }).krb5Config;
  return c && typeof c === 'object' && 'domainRealm' in c ? (c as Krb5Config) : undefined;
}
