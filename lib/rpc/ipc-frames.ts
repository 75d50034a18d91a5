/**
 * Pure builders and parsers for each kind of IPC frame (RpcHeader.proto): SASL messages
 * and WRAP frames in both directions, the connection context (callId -3), pings (-4), calls
 * (RequestHeaderProto + request) and responses. Header field choices follow
 * org.apache.hadoop.util.ProtoUtil.makeRpcRequestHeader, SaslRpcClient.saslHeader and
 * Server.setupResponse, and match the stock Hadoop 3.4.1 traces in test/vectors/ipc-sasl-traces.json.
 */
import { CallId, DUMMY_CLIENT_ID, INVALID_RETRY_COUNT, RPC_VERSION, RpcKind, RpcOp, RpcStatus, SaslState } from './constants.ts';
import type { RpcErrorCodeValue } from './constants.ts';
import { concatBytes, delimit, encodeVarint32 } from './delimited.ts';
import { encodeFrame, encodeRawFrame, frameParts, splitFrame, splitHeader } from './frame.ts';
import {
  decodeRequestHeader,
  decodeResponseHeader,
  decodeSasl,
  encodeConnectionContext,
  encodeRequestHeader,
  encodeRequestHeaderProto,
  encodeResponseHeader,
  encodeSasl,
  type IpcConnectionContext,
  type RequestHeader,
  type RpcRequestHeader,
  type RpcResponseHeader,
  type RpcSaslMessage,
} from './messages.ts';

function requestHeader(callId: number, clientId: Uint8Array, retryCount: number): RpcRequestHeader {
  return { rpcKind: RpcKind.RPC_PROTOCOL_BUFFER, rpcOp: RpcOp.FINAL_PACKET, callId, clientId, retryCount };
}

/** Client -> server SASL message: header with callId -33, empty clientId, retryCount -1. */
export function saslRequestFrame(msg: RpcSaslMessage): Uint8Array {
  return encodeFrame(encodeRequestHeader(requestHeader(CallId.SASL, DUMMY_CLIENT_ID, INVALID_RETRY_COUNT)), encodeSasl(msg));
}

/** Server -> client SASL message: callId -33, SUCCESS, serverIpcVersionNum 9, empty clientId, retryCount -1. */
export function saslResponseFrame(msg: RpcSaslMessage): Uint8Array {
  const header: RpcResponseHeader = {
    callId: CallId.SASL,
    status: RpcStatus.SUCCESS,
    serverIpcVersionNum: RPC_VERSION,
    clientId: DUMMY_CLIENT_ID,
    retryCount: INVALID_RETRY_COUNT,
  };
  return encodeFrame(encodeResponseHeader(header), encodeSasl(msg));
}

/** The delimited header every WRAP frame of one direction starts with. */
export interface WrapPrefix {
  readonly header: Uint8Array;
}

/** Client -> server WRAP: callId -33, empty clientId, retryCount -1 (SaslRpcClient.saslHeader). */
export const WRAP_REQUEST_PREFIX: WrapPrefix = {
  header: delimit(encodeRequestHeader(requestHeader(CallId.SASL, DUMMY_CLIENT_ID, INVALID_RETRY_COUNT))),
};

/** Server -> client WRAP: a header with only callId -33 and status SUCCESS (Server.wrapWithSasl). */
export const WRAP_RESPONSE_PREFIX: WrapPrefix = {
  header: delimit(encodeResponseHeader({ callId: CallId.SASL, status: RpcStatus.SUCCESS })),
};

/**
 * The bytes of a WRAP frame before its token: int32 length, the delimited header, the delimited
 * RpcSaslProto's length, `state = WRAP` (field 2) and the token's tag (field 3) and length, as
 * protobuf encodes RpcSaslProto { state: WRAP, token }. Frame = head | token.
 */
export function wrapFrameHead(prefix: WrapPrefix, tokenLength: number): Uint8Array {
  const tokenLen = encodeVarint32(tokenLength);
  const bodyLength = 3 + tokenLen.length + tokenLength;
  const bodyLen = encodeVarint32(bodyLength);
  const head = Buffer.allocUnsafe(4 + prefix.header.length + bodyLen.length + 3 + tokenLen.length);
  head.writeInt32BE(prefix.header.length + bodyLen.length + bodyLength, 0);
  let at = 4;
  head.set(prefix.header, at);
  at += prefix.header.length;
  head.set(bodyLen, at);
  at += bodyLen.length;
  head[at++] = 0x10; // field 2 (state), varint
  head[at++] = SaslState.WRAP;
  head[at++] = 0x1a; // field 3 (token), length-delimited
  head.set(tokenLen, at);
  return head;
}

/** Client -> server WRAP frame around one wrapped chunk of the plaintext frame stream. */
export function wrapRequestFrame(token: Uint8Array): Uint8Array {
  return concatBytes([wrapFrameHead(WRAP_REQUEST_PREFIX, token.length), token]);
}

/** Server -> client WRAP frame around one wrapped piece of the response stream: header has only callId and status. */
export function wrapResponseFrame(token: Uint8Array): Uint8Array {
  return concatBytes([wrapFrameHead(WRAP_RESPONSE_PREFIX, token.length), token]);
}

/** Connection context frame (callId -3, the connection's clientId, retryCount -1). */
export function contextFrame(clientId: Uint8Array, ctx: IpcConnectionContext): Uint8Array {
  return encodeFrame(encodeRequestHeader(requestHeader(CallId.CONNECTION_CONTEXT, clientId, INVALID_RETRY_COUNT)), encodeConnectionContext(ctx));
}

/** Ping frame: header only (callId -4). */
export function pingFrame(clientId: Uint8Array): Uint8Array {
  return encodeFrame(encodeRequestHeader(requestHeader(CallId.PING, clientId, INVALID_RETRY_COUNT)));
}

/** A protobuf-engine call: header, delimited RequestHeaderProto, delimited request message. */
export function callFrame(callId: number, clientId: Uint8Array, retryCount: number, header: RequestHeader, request: Uint8Array): Uint8Array {
  return encodeFrame(encodeRequestHeader(requestHeader(callId, clientId, retryCount)), encodeRequestHeaderProto(header), request);
}

/** A successful call response: header (echoing clientId / retryCount) and the delimited response. */
export function successResponseFrame(callId: number, clientId: Uint8Array, retryCount: number, response: Uint8Array): Uint8Array {
  return concatBytes(successResponseParts(callId, clientId, retryCount, response));
}

/** successResponseFrame as frameParts: a large response stays its own, uncopied part. */
export function successResponseParts(callId: number, clientId: Uint8Array, retryCount: number, response: Uint8Array): Uint8Array[] {
  const header: RpcResponseHeader = { callId, status: RpcStatus.SUCCESS, serverIpcVersionNum: RPC_VERSION, clientId, retryCount };
  return frameParts(encodeResponseHeader(header), response);
}

export interface ErrorResponse {
  callId: number;
  fatal: boolean;
  exceptionClassName: string;
  errorMsg: string;
  errorDetail: RpcErrorCodeValue;
  clientId?: Uint8Array;
  retryCount?: number;
}

/** An ERROR (connection kept) or FATAL (connection closed) response: header only. */
export function errorResponseFrame(e: ErrorResponse): Uint8Array {
  const header: RpcResponseHeader = {
    callId: e.callId,
    status: e.fatal ? RpcStatus.FATAL : RpcStatus.ERROR,
    serverIpcVersionNum: RPC_VERSION,
    exceptionClassName: e.exceptionClassName,
    errorMsg: e.errorMsg,
    errorDetail: e.errorDetail,
    clientId: e.clientId ?? DUMMY_CLIENT_ID,
    retryCount: e.retryCount ?? INVALID_RETRY_COUNT,
  };
  return encodeRawFrame(delimit(encodeResponseHeader(header)));
}

/** Parses a request frame payload into its header and the (still delimited) remainder. */
export function parseRequest(payload: Uint8Array): { header: RpcRequestHeader; rest: Uint8Array } {
  const { header, rest } = splitHeader(payload);
  return { header: decodeRequestHeader(header), rest };
}

/** Parses a response frame payload into its header and the (still delimited) remainder. */
export function parseResponse(payload: Uint8Array): { header: RpcResponseHeader; rest: Uint8Array } {
  const { header, rest } = splitHeader(payload);
  return { header: decodeResponseHeader(header), rest };
}

/** Decodes the delimited RpcSaslProto that follows a -33 header; nothing may follow it. */
export function parseSaslBody(rest: Uint8Array): RpcSaslMessage {
  const [body] = splitFrame(rest, 1);
  return decodeSasl(body!);
}
