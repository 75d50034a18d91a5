/**
 * What a protocol handler sees about the call it serves: the effective user (with real user when
 * proxied), the auth method and QOP of the connection, and the call's identity. Mirrors what
 * Hadoop's Server.getRemoteUser() / getRemoteIp() / getCallId() expose to a protocol
 * implementation, without the thread-local.
 */
import type { AuthMethodName } from './auth-hooks.ts';

export interface CallContext {
  /** Effective user: full Kerberos principal, token owner, or the SIMPLE user name. */
  readonly user: string;
  /** Short name of `user` (auth_to_local for Kerberos principals; the name itself otherwise). */
  readonly shortUser: string;
  /** The authenticated user when `user` is a proxied (impersonated) user, or the token's real user. */
  readonly realUser?: string | undefined;
  /** How the connection authenticated (PROXY connections keep the real user's method here). */
  readonly authMethod: AuthMethodName;
  /** Negotiated SASL QOP (auth, auth-int, auth-conf), undefined for SIMPLE. */
  readonly qop?: string | undefined;
  /** Connection protocol from IpcConnectionContextProto. */
  readonly connectionProtocol?: string | undefined;
  /** declaringClassProtocolName and methodName of this call. */
  readonly protocol: string;
  readonly method: string;
  readonly clientProtocolVersion: bigint;
  readonly callId: number;
  readonly clientId: Uint8Array;
  readonly retryCount: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Facts from authentication (e.g. token identifier fields). */
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** A protocol method implementation: request message bytes in, response message bytes out. */
export type MethodHandler = (request: Uint8Array, ctx: CallContext) => Promise<Uint8Array> | Uint8Array;

/** Handlers of one protocol by method name. */
export type ProtocolHandlers = Readonly<Record<string, MethodHandler>>;
