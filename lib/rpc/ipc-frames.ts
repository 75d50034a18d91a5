/**
 * Pure builders and parsers for each kind of IPC frame (hadoop-wire.md 6.2, 6.7): SASL messages
 * and WRAP frames in both directions, the connection context (callId -3), pings (-4), calls
 * (RequestHeaderProto + request) and responses. Header field choices follow
 * org.apache.hadoop.util.ProtoUtil.makeRpcRequestHeader, SaslRpcClient.saslHeader and
 * Server.setupResponse, and match the stock Hadoop 3.4.1 traces in test/vectors/ipc-sasl-traces.json.
 */
import { CallId, DUMMY_CLIENT_ID, INVALID_RETRY_COUNT, RPC_VERSION, RpcKind, RpcOp, RpcStatus, SaslState } from './constants.ts';
import type { RpcErrorCodeValue } from './constants.ts';
import { delimit } from './delimited.ts';
import { concatBytes } from './delimited.ts';
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

/** Client -> server WRAP frame around one wrapped chunk of the plaintext frame stream. */
export function wrapRequestFrame(token: Uint8Array): Uint8Array {
  return saslRequestFrame({ state: SaslState.WRAP, token });
}

/** Server -> client WRAP frame around one wrapped framed response: header has only callId and status. */
export function wrapResponseFrame(token: Uint8Array): Uint8Array {
  return encodeFrame(encodeResponseHeader({ callId: CallId.SASL, status: RpcStatus.SUCCESS }), encodeSasl({ state: SaslState.WRAP, token }));
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
