/**
 * The seam between the IPC engine (lib/rpc, which knows frames and calls) and authentication
 * (security/sasl/rpc, which knows SASL mechanisms, tokens and Kerberos). The engine moves
 * RpcSaslProto messages; an authenticator decides them. `lib` never imports `security`: the SASL
 * security layer is described here structurally (security/sasl/mechanism.ts SaslSecurityLayer fits).
 */
import type { Socket } from 'node:net';
import type { AuthProtocolCode } from './constants.ts';
import type { RpcSaslMessage } from './messages.ts';

/** Hadoop's SaslRpcServer.AuthMethod names. */
export type AuthMethodName = 'SIMPLE' | 'KERBEROS' | 'TOKEN';

/** The sending half of a security layer. */
export interface WrapLayer {
  readonly qop: string;
  /** Largest plaintext one wrap() takes (javax.security.sasl.rawsendsize). */
  readonly rawSendSize: number;
  wrap(plaintext: Uint8Array): Uint8Array;
}

/** The receiving half of a security layer. */
export interface UnwrapLayer {
  readonly qop: string;
  unwrap(token: Uint8Array): Uint8Array;
}

/** A negotiated SASL security layer (auth-int / auth-conf). */
export interface SecurityLayer extends WrapLayer, UnwrapLayer {}

/**
 * The channel that replaces SASL wrapping after SUCCESS when both ends agreed on hsec's fast privacy
 * (docs/fast-privacy.md): a protected stream over the connection's socket, inside which IPC frames
 * travel unwrapped. Bytes written before it is up are queued; `ready` settles when it is up (or
 * failed); its errors arrive as the socket's 'error' events.
 */
export interface ProtectedChannel {
  readonly socket: Socket;
  readonly ready: Promise<void>;
  /**
   * Bytes (both directions) after which its keys retire: the client puts no new call on the
   * connection and closes it once idle (new calls get a new connection, so new keys); the server
   * closes a channel that carries twice as much.
   */
  readonly retireAfterBytes: number;
}

/** Client side of a fast privacy switch: send `keyMessage` in one WRAP under the SASL layer, then `secure` the socket. */
export interface ClientLayerSwitch {
  readonly keyMessage: Uint8Array;
  secure(socket: Socket): ProtectedChannel;
}

/**
 * Server side of a fast privacy switch: the client's first WRAP after SUCCESS, unwrapped by the SASL
 * layer, is its key message; `secure` checks it and returns the channel over the socket.
 */
export interface ServerLayerSwitch {
  secure(keyMessage: Uint8Array, socket: Socket): ProtectedChannel;
}

/** What a completed client-side negotiation produced. */
export interface ClientAuthResult {
  authMethod: AuthMethodName;
  /** Present iff the negotiated QOP is auth-int or auth-conf. */
  securityLayer?: SecurityLayer | undefined;
  /** Present when both ends agreed to replace `securityLayer` after SUCCESS. */
  layerSwitch?: ClientLayerSwitch | undefined;
  qop?: string | undefined;
}

/** Client side of connection setup: decides the preamble, the SASL messages and the context user. */
export interface ClientAuthenticator {
  /** NONE (plain SIMPLE, no SASL exchange) or SASL. */
  readonly authProtocol: AuthProtocolCode;
  /** The first message (NEGOTIATE). */
  initial(): RpcSaslMessage;
  /** Evaluates a server message; returns the reply to send (if any) and whether negotiation ended. */
  step(msg: RpcSaslMessage): Promise<{ reply?: RpcSaslMessage | undefined; done: boolean }>;
  /** Valid once done (or immediately for NONE). */
  result(): ClientAuthResult;
  /** userInfo for IpcConnectionContextProto (ProtoUtil.makeIpcConnectionContext); undefined sends none. */
  userInfo(result: ClientAuthResult): { effectiveUser?: string; realUser?: string } | undefined;
}

/** Who a completed server-side negotiation authenticated. */
export interface ServerAuthResult {
  authMethod: AuthMethodName;
  /** Authenticated user: full Kerberos principal, or the token owner. Undefined for SIMPLE. */
  user?: string | undefined;
  /** For TOKEN: the identifier's real user when the owner was proxied. */
  realUser?: string | undefined;
  /** Extra facts for handlers (e.g. token identifier fields). */
  attributes?: Readonly<Record<string, unknown>> | undefined;
  securityLayer?: SecurityLayer | undefined;
  /** Present when both ends agreed to replace `securityLayer` after SUCCESS. */
  layerSwitch?: ServerLayerSwitch | undefined;
  qop?: string | undefined;
  /** Why the server offered the QOPs it did (the resolver's rule, e.g. a whitelist entry), for logs and events. */
  qopRule?: string | undefined;
}

/** Server side of connection setup for one connection. */
export interface ServerAuthenticator {
  /** Whether a client may connect with auth protocol NONE (hadoop.security.authentication=simple). */
  readonly simpleAllowed: boolean;
  /** Methods advertised, in order (for messages). */
  readonly advertised: readonly AuthMethodName[];
  /** Evaluates one client SASL message; `done` with `result` ends negotiation. Throws typed errors. */
  step(msg: RpcSaslMessage): Promise<{ reply?: RpcSaslMessage | undefined; done: boolean; result?: ServerAuthResult | undefined }>;
}
