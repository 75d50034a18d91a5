/**
 * The seam that lets the ZooKeeper session carry a SASL exchange without knowing Kerberos (lib
 * never imports security; compare lib/rpc/auth-hooks.ts). ZooKeeperSaslClient's exchange: after
 * the ConnectResponse and before any other request, the client sends GetSASLRequest {token} with
 * OpCode.sasl (102), starting with its initial response (GSSAPI: the AP-REQ), and answers each
 * SetSASLResponse {token} until its mechanism is complete and the server's reply to the last token
 * arrives (GSSAPI: a null token). A reply with err AUTHFAILED ends the session. The structural
 * types below are what security/sasl's SaslClient already is.
 */

/** A SASL client mechanism (security/sasl SaslClient fits). */
export interface ZkSaslMechanism {
  readonly mechanism: string;
  /** True when the client sends first (GSSAPI); otherwise an empty token opens the exchange. */
  readonly hasInitialResponse: boolean;
  /** Evaluates a server token (undefined for the initial response); returns the token to send, if any. */
  step(challenge: Uint8Array | undefined): Promise<Uint8Array | undefined>;
  readonly isComplete: boolean;
}

/** One SASL exchange with one server, with the names its error messages need. */
export interface ZkSaslSession {
  readonly client: ZkSaslMechanism;
  /** Who we authenticate as, e.g. alice@EXAMPLE.TEST (the id of `sasl:` ACLs, before the server's rewriting). */
  readonly clientPrincipal: string;
  /** The server principal we expect, e.g. zookeeper/localhost@EXAMPLE.TEST. */
  readonly serverPrincipal: string;
}

/**
 * Creates the SASL exchange for one connection to `host:port` (the server as named in the connect
 * string: the GSSAPI server principal is computed from it, as ZooKeeper's SaslServerPrincipal).
 */
export type ZkSaslFactory = (server: { readonly host: string; readonly port: number }) => Promise<ZkSaslSession>;
