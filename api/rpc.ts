/**
 * `hsec/rpc`: for Node services that speak Hadoop IPC themselves, as client or server: the secured
 * RPC client and server (SASL GSSAPI and DIGEST-MD5 at every QOP), per-protocol security metadata,
 * a daemon's Kerberos identity, QOP resolvers, and the delegation-token secret manager (with the
 * ZooKeeper token store several services can share: zk-dt-secret-manager.* keys). See
 * docs/protocol.md, docs/sasl.md and docs/tokens.md.
 */
export { RpcClient, RpcServer, callCredentials, type RpcClientOptions, type RpcServerOptions, type RpcCallOptions, type RpcCallCredentials, type ProtocolSecurityInfo, type CallContext, type MethodHandler, type ProtocolHandlers } from '../security/sasl/rpc/index.ts';
export { delegationTokenAuthority } from '../security/sasl/rpc/token-authority.ts';
export { rpcServerOptionsFromConfig, rpcClientOptionsFromConfig } from '../security/sasl/rpc/config.ts';
export { createServerResolver, createClientResolver, type SaslPropertiesResolver } from '../security/resolver/index.ts';
export { ServiceIdentity, type ServiceIdentitySpec } from '../cluster/service/service-identity.ts';
export { RpcService, type RpcServiceSpec } from '../cluster/service/rpc-service.ts';
export { DelegationTokenSecretManager, type SecretManagerOptions } from '../security/token/secret-manager.ts';
export type { TokenStore } from '../security/token/store/token-store.ts';
export { zkTokenStoreFromConfig } from '../security/token/store/zookeeper/config.ts';
