/**
 * Hadoop IPC with SASL: the public API for daemons and the CLI (RpcServer, RpcClient, CallContext)
 * and the negotiation state machines underneath.
 */
export { RpcServer, defaultTokenServer, type RpcServerOptions } from './rpc-server.ts';
export { RpcClient, defaultTokenClient, type RpcCallOptions, type RpcCallCredentials, type RpcClientOptions } from './rpc-client.ts';
export { SaslRpcClient, ClientState, checkServerPrincipal, type KerberosClientCredentials, type SaslRpcClientOptions } from './sasl-rpc-client.ts';
export { SaslRpcServer, ServerState, principalParts, type KerberosServerCredentials, type SaslRpcServerOptions, type TokenAuthority, type TokenUser } from './sasl-rpc-server.ts';
export { buildTokenService, serviceTokenSelector, type RpcToken, type TokenSelector } from './token-selector.ts';
export { AUTH_METHODS, knownAuthMethod } from './auth-method.ts';
export type { CallContext, MethodHandler, ProtocolHandlers } from '../../../lib/rpc/call-context.ts';
export type { AuthMethodName } from '../../../lib/rpc/auth-hooks.ts';
export { delegationTokenAuthority } from './token-authority.ts';
export { kerberosServer, kerberosClient, type KerberosClientOptions } from './kerberos.ts';
export { callCredentials, type ProtocolSecurityInfo } from './protocol-security.ts';
export { rpcServerOptionsFromConfig, rpcClientOptionsFromConfig } from './config.ts';
