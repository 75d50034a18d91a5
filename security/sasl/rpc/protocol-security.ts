/**
 * Per-protocol security metadata, as Hadoop's `@KerberosInfo` and `@TokenInfo` annotations carry it
 * (SecurityInfo / AnnotatedSecurityInfo): which configuration key names the server's Kerberos
 * principal (and, for protocols daemons call, the client's), and which token kind authenticates a
 * caller. Both ends read it: a server takes its principal and keytab keys from it, a client checks
 * the server's advertised principal against the configured one and picks its token by kind and by
 * the server's `ip:port` (AbstractDelegationTokenSelector). The protocols themselves are declared
 * next to their method tables (cluster/protocol).
 */
import type { Configuration } from '../../../lib/config/index.ts';
import type { Krb5Config } from '../../kerberos/config/index.ts';
import type { User } from '../../identity/user.ts';
import { kerberosClient } from './kerberos.ts';
import type { RpcCallCredentials } from './rpc-client.ts';

export interface ProtocolSecurityInfo {
  /** The protocol name on the wire (the Java interface, e.g. org.apache.hadoop.hdfs.protocol.ClientProtocol). */
  readonly protocol: string;
  /** `versionID`, sent as clientProtocolVersion. */
  readonly version: bigint;
  /** @KerberosInfo: keys of the server principal (e.g. dfs.namenode.kerberos.principal) and of an expected client principal. */
  readonly kerberos?: { readonly serverPrincipalKey: string; readonly clientPrincipalKey?: string };
  /** @TokenInfo: the token kind a caller may authenticate with (e.g. HDFS_DELEGATION_TOKEN). */
  readonly token?: { readonly kind: string };
}

/**
 * What a caller presents to a server of `info`: its tokens of the protocol's kind (the RPC layer
 * picks the one whose service is the server's address) and, when it has a Kerberos login, GSSAPI
 * credentials that check the server principal against `<serverPrincipalKey>` (or its `.pattern`).
 */
export function callCredentials(user: User, info: ProtocolSecurityInfo, conf: Configuration, krb5?: Krb5Config): RpcCallCredentials {
  const key = info.kerberos?.serverPrincipalKey;
  return {
    ...(user.kerberos ? {} : { user: user.name }),
    tokens: user.tokens(),
    ...(info.token ? { tokenKind: info.token.kind } : {}),
    ...(user.kerberos
      ? {
          kerberos: kerberosClient(user.kerberos, {
            principal: user.name,
            ...(krb5 ? { krb5 } : {}),
            ...(key ? { serverPrincipal: conf.getTrimmed(key), serverPrincipalPattern: conf.getTrimmed(`${key}.pattern`) } : {}),
          }),
        }
      : {}),
  };
}
