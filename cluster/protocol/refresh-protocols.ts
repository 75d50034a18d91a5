/**
 * The two admin refresh protocols a Hadoop daemon serves next to its own, as Hadoop 3.4.1 declares
 * them (hadoop-common security/protocolPB): RefreshAuthorizationPolicyProtocolPB
 * (`refreshServiceAcl`, ./RefreshAuthorizationPolicyProtocol.proto) and
 * RefreshUserMappingsProtocolPB (`refreshUserToGroupsMappings`,
 * `refreshSuperUserGroupsConfiguration`, ./RefreshUserMappingsProtocol.proto), protocol version 1,
 * every message empty. Both carry `@KerberosInfo(serverPrincipal =
 * hadoop.security.service.user.name.key)`: a client such as DFSAdmin sets that key to the principal
 * of the daemon it calls (dfs.namenode.kerberos.principal) before connecting. HDFSPolicyProvider
 * guards them with security.refresh.policy.protocol.acl and
 * security.refresh.user.mappings.protocol.acl. Pure: codecs and names, no sockets.
 */
import type { ProtocolSecurityInfo } from '../../security/sasl/rpc/protocol-security.ts';
import { RpcCodec } from './rpc-codec.ts';

/** CommonConfigurationKeys.HADOOP_SECURITY_SERVICE_USER_NAME_KEY: the server principal of the refresh protocols. */
export const SERVICE_USER_NAME_KEY = 'hadoop.security.service.user.name.key';

/** @ProtocolInfo(protocolName) of RefreshAuthorizationPolicyProtocolPB. */
export const REFRESH_AUTHORIZATION_POLICY_PROTOCOL = 'org.apache.hadoop.security.authorize.RefreshAuthorizationPolicyProtocol';
/** @ProtocolInfo(protocolName) of RefreshUserMappingsProtocolPB. */
export const REFRESH_USER_MAPPINGS_PROTOCOL = 'org.apache.hadoop.security.RefreshUserMappingsProtocol';

export const REFRESH_AUTHORIZATION_POLICY_INFO: ProtocolSecurityInfo = {
  protocol: REFRESH_AUTHORIZATION_POLICY_PROTOCOL,
  version: 1n,
  kerberos: { serverPrincipalKey: SERVICE_USER_NAME_KEY },
};

export const REFRESH_USER_MAPPINGS_INFO: ProtocolSecurityInfo = {
  protocol: REFRESH_USER_MAPPINGS_PROTOCOL,
  version: 1n,
  kerberos: { serverPrincipalKey: SERVICE_USER_NAME_KEY },
};

type Empty = Record<string, never>;

export interface RefreshAuthorizationPolicyMessages {
  refreshServiceAcl: { request: Empty; response: Empty };
}

export interface RefreshUserMappingsMessages {
  refreshUserToGroupsMappings: { request: Empty; response: Empty };
  refreshSuperUserGroupsConfiguration: { request: Empty; response: Empty };
}

export const REFRESH_AUTHORIZATION_POLICY_CODEC = new RpcCodec<RefreshAuthorizationPolicyMessages>('hadoop.common.RefreshAuthorizationPolicyProtocolService');
export const REFRESH_USER_MAPPINGS_CODEC = new RpcCodec<RefreshUserMappingsMessages>('hadoop.common.RefreshUserMappingsProtocolService');

