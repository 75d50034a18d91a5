/**
 * The constants of Hadoop IPC v9, in one table: preamble bytes, reserved call ids, enum values of
 * RpcHeader.proto, and the defaults of the ipc.* keys this engine honours. Sources:
 * org.apache.hadoop.ipc.RpcConstants, Server.AuthProtocol, RpcHeader.proto.
 */

/** ASCII "hrpc": the first four bytes of every IPC connection (RpcConstants.HEADER). */
export const RPC_MAGIC = Uint8Array.of(0x68, 0x72, 0x70, 0x63);
/** RpcConstants.CURRENT_VERSION. */
export const RPC_VERSION = 9;

/** Server.AuthProtocol: the seventh preamble byte. */
export const AuthProtocol = { NONE: 0, SASL: -33 } as const;
export type AuthProtocolCode = (typeof AuthProtocol)[keyof typeof AuthProtocol];

/** Reserved call ids (RpcConstants, Server.AuthProtocol.SASL.callId). */
export const CallId = {
  AUTHORIZATION_FAILED: -1,
  INVALID: -2,
  CONNECTION_CONTEXT: -3,
  PING: -4,
  SASL: -33,
} as const;

/** RpcConstants.INVALID_RETRY_COUNT: retryCount of SASL, context and ping headers. */
export const INVALID_RETRY_COUNT = -1;

/** RpcKindProto. */
export const RpcKind = { RPC_BUILTIN: 0, RPC_WRITABLE: 1, RPC_PROTOCOL_BUFFER: 2 } as const;

/** RpcRequestHeaderProto.OperationProto. */
export const RpcOp = { FINAL_PACKET: 0, CONTINUATION_PACKET: 1, CLOSE_CONNECTION: 2 } as const;

/** RpcResponseHeaderProto.RpcStatusProto: ERROR keeps the connection, FATAL closes it. */
export const RpcStatus = { SUCCESS: 0, ERROR: 1, FATAL: 2 } as const;
export type RpcStatusCode = (typeof RpcStatus)[keyof typeof RpcStatus];

/** RpcResponseHeaderProto.RpcErrorCodeProto. */
export const RpcErrorCode = {
  ERROR_APPLICATION: 1,
  ERROR_NO_SUCH_METHOD: 2,
  ERROR_NO_SUCH_PROTOCOL: 3,
  ERROR_RPC_SERVER: 4,
  ERROR_SERIALIZING_RESPONSE: 5,
  ERROR_RPC_VERSION_MISMATCH: 6,
  FATAL_UNKNOWN: 10,
  FATAL_UNSUPPORTED_SERIALIZATION: 11,
  FATAL_INVALID_RPC_HEADER: 12,
  FATAL_DESERIALIZING_REQUEST: 13,
  FATAL_VERSION_MISMATCH: 14,
  FATAL_UNAUTHORIZED: 15,
} as const;
export type RpcErrorCodeValue = (typeof RpcErrorCode)[keyof typeof RpcErrorCode];

/** Names of RpcErrorCodeProto values, for messages and RemoteError details. */
export const RPC_ERROR_CODE_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(RpcErrorCode).map(([name, value]) => [value, name]),
);

/** RpcSaslProto.SaslState. */
export const SaslState = { SUCCESS: 0, NEGOTIATE: 1, INITIATE: 2, CHALLENGE: 3, RESPONSE: 4, WRAP: 5 } as const;
export type SaslStateCode = (typeof SaslState)[keyof typeof SaslState];

export const SASL_STATE_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(SaslState).map(([name, value]) => [value, name]),
);

/**
 * `ipc.maximum.data.length`: largest frame a peer accepts, checked before any allocation. Hadoop
 * 3.x CommonConfigurationKeys default is 128 MiB (2.x: 64 MiB).
 */
export const DEFAULT_MAX_DATA_LENGTH = 128 * 1024 * 1024;
/**
 * `hsec.ipc.server.preauth.max.data.length`: largest frame before SASL completes. The largest SASL
 * message a client sends is a GSSAPI INITIATE carrying a Kerberos AP-REQ: 772 bytes in the stock Hadoop
 * 3.4.1 trace with an MIT ticket (test/vectors/ipc-sasl-traces.json), and with an Active Directory PAC at most what Windows' MaxTokenSize allows (48,000 bytes
 * by default, 65,535 the documented ceiling). 256 KiB is four times that ceiling plus the envelope,
 * and 512 times less than `ipc.maximum.data.length`.
 */
export const DEFAULT_PREAUTH_MAX_DATA_LENGTH = 256 * 1024;
/**
 * Most `auths` an RpcSaslProto may carry. Hadoop's SaslRpcServer.AuthMethod has four values
 * (SIMPLE, KERBEROS, TOKEN, PLAIN) and a server advertises each at most once; a client's INITIATE
 * names exactly one (Server.processSaslMessage: "Client mechanism is malformed"). 16 leaves room
 * and refuses the 22 million empty entries a hostile client can pack into one frame.
 */
export const MAX_SASL_AUTHS = 16;
/**
 * Most fields (known or unknown, nested included) one IPC envelope message may have:
 * RpcRequestHeaderProto, RpcResponseHeaderProto, RpcSaslProto, IpcConnectionContextProto,
 * RequestHeaderProto. Hadoop's own have at most a dozen; the bound keeps the wire walk of a
 * header that is all tiny unknown fields from costing more than a few milliseconds.
 */
export const MAX_ENVELOPE_FIELDS = 4096;
/** `ipc.ping.interval` default (ms): the client pings an idle connection this often. */
export const DEFAULT_PING_INTERVAL_MS = 60_000;
/** `ipc.client.connection.maxidletime` default (ms): the client closes idle connections after this. */
export const DEFAULT_CLIENT_MAX_IDLE_MS = 10_000;
/**
 * The first four bytes of an hsec fast privacy key message (ASCII "HSFP", docs/fast-privacy.md).
 * Read as an IPC frame length they say 1,213,417,040 bytes, above any ipc.maximum.data.length, so
 * a peer that did not agree to switch layers refuses the message at once instead of waiting for it.
 */
export const FAST_PRIVACY_KEY_MAGIC = Uint8Array.of(0x48, 0x53, 0x46, 0x50);
/** The 16 bytes of an empty clientId (RpcConstants.DUMMY_CLIENT_ID is zero length). */
export const DUMMY_CLIENT_ID = new Uint8Array(0);
