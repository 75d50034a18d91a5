/**
 * The constants of Hadoop IPC v9, in one table: preamble bytes, reserved call ids, enum values of
 * RpcHeader.proto, and the defaults of the ipc.* keys this engine honours. Sources:
 * org.apache.hadoop.ipc.RpcConstants, Server.AuthProtocol, RpcHeader.proto (hadoop-wire.md 6.1-6.3).
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
/** `ipc.ping.interval` default (ms): the client pings an idle connection this often. */
export const DEFAULT_PING_INTERVAL_MS = 60_000;
/** `ipc.client.connection.maxidletime` default (ms): the client closes idle connections after this. */
export const DEFAULT_CLIENT_MAX_IDLE_MS = 10_000;
/** The 16 bytes of an empty clientId (RpcConstants.DUMMY_CLIENT_ID is zero length). */
export const DUMMY_CLIENT_ID = new Uint8Array(0);
