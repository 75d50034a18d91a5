/**
 * The one interface every SASL mechanism implements (DIGEST-MD5, GSSAPI, ...), on both sides.
 * Modelled on javax.security.sasl's SaslClient / SaslServer, which is what Hadoop runs: a
 * step-based exchange, then a security layer (wrap/unwrap) for auth-int and auth-conf.
 * The RPC layer and the data-transfer handshake know only these types.
 */

/** SASL quality of protection tokens (RFC 2222 / 4422), in the JDK's spelling. */
export type Qop = 'auth' | 'auth-int' | 'auth-conf';

export const ALL_QOPS: readonly Qop[] = ['auth', 'auth-int', 'auth-conf'];

/** The security layer negotiated by a completed exchange. For `auth`, wrap/unwrap throw. */
export interface SaslSecurityLayer {
  readonly qop: Qop;
  /** Largest plaintext (bytes) one `wrap` call accepts: the JDK's javax.security.sasl.rawsendsize. */
  readonly rawSendSize: number;
  wrap(plaintext: Uint8Array): Uint8Array;
  unwrap(token: Uint8Array): Uint8Array;
}

/** Options common to both sides of every mechanism. */
export interface SaslOptions {
  /** Acceptable QOPs in order of preference (javax.security.sasl.qop). Default ['auth']. */
  readonly qop?: readonly Qop[];
  /** Largest wrapped token (bytes) we accept from the peer: javax.security.sasl.maxbuffer. Default 65536. */
  readonly maxBuffer?: number;
}

export interface SaslClient {
  readonly mechanism: string;
  /** True when the mechanism sends data first (GSSAPI); false when it waits for a challenge (DIGEST-MD5). */
  readonly hasInitialResponse: boolean;
  /**
   * One step of the exchange. Pass `undefined` (or an empty array) for the initial response of a
   * client-first mechanism. Returns the bytes to send, or `undefined` when nothing is to be sent.
   */
  step(challenge: Uint8Array | undefined): Promise<Uint8Array | undefined>;
  readonly isComplete: boolean;
  /** The negotiated layer; throws SASL_NOT_COMPLETE before completion. */
  securityLayer(): SaslSecurityLayer;
}

export interface SaslServer {
  readonly mechanism: string;
  /** One step: evaluates the client's response, returns the challenge (or final data) to send. */
  step(response: Uint8Array): Promise<Uint8Array | undefined>;
  readonly isComplete: boolean;
  /** The authenticated identity (authentication id); defined once complete. */
  readonly authenticationId: string | undefined;
  /** The authorization id the client asked for (defaults to the authentication id). */
  readonly authorizationId: string | undefined;
  securityLayer(): SaslSecurityLayer;
}
