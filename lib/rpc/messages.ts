/**
 * Typed encode/decode for the protobuf messages of Hadoop IPC v9: RpcRequestHeaderProto,
 * RpcResponseHeaderProto, RpcSaslProto (RpcHeader.proto), IpcConnectionContextProto
 * (IpcConnectionContext.proto) and RequestHeaderProto (ProtobufRpcEngine2.proto), via protobufjs
 * and the .proto files in lib/proto. Handles the sign traps of RpcHeader.proto: request callId is
 * sint32, response callId is uint32 and is read back as int32. Garbage raises ProtocolError.
 */
import type protobuf from 'protobufjs';
import { decodeMessage, loadProto, type DecodeLimits } from '../proto/load.ts';
import { ProtocolError } from '../errors/index.ts';
import { MAX_ENVELOPE_FIELDS, MAX_SASL_AUTHS, SASL_STATE_NAMES, type RpcErrorCodeValue, type RpcStatusCode, type SaslStateCode } from './constants.ts';

const root = (): protobuf.Root =>
  loadProto('RpcHeader.proto', 'IpcConnectionContext.proto', 'ProtobufRpcEngine.proto');
const types = new Map<string, protobuf.Type>();
function type(name: string): protobuf.Type {
  let t = types.get(name);
  if (!t) {
    t = root().lookupType(`hadoop.common.${name}`);
    types.set(name, t);
  }
  return t;
}

export interface RpcRequestHeader {
  rpcKind?: number;
  rpcOp?: number;
  callId: number;
  clientId: Uint8Array;
  retryCount?: number;
  stateId?: bigint;
}

export interface RpcResponseHeader {
  callId: number;
  status: RpcStatusCode;
  serverIpcVersionNum?: number;
  exceptionClassName?: string;
  errorMsg?: string;
  errorDetail?: RpcErrorCodeValue;
  clientId?: Uint8Array;
  retryCount?: number;
}

export interface SaslAuth {
  method: string;
  mechanism: string;
  protocol?: string;
  serverId?: string;
  challenge?: Uint8Array;
}

export interface RpcSaslMessage {
  version?: number;
  state: SaslStateCode;
  token?: Uint8Array;
  auths?: SaslAuth[];
  /** hsec only (field 1000, docs/fast-privacy.md): fast privacy suites offered (INITIATE) or accepted (SUCCESS). */
  fastPrivacy?: { suites: string[] };
}

export interface IpcConnectionContext {
  userInfo?: { effectiveUser?: string; realUser?: string };
  protocol?: string;
}

export interface RequestHeader {
  methodName: string;
  declaringClassProtocolName: string;
  clientProtocolVersion: bigint;
}

function encode(name: string, value: object): Uint8Array {
  const t = type(name);
  try {
    return t.encode(t.fromObject(value)).finish();
  } catch (cause) {
    throw new ProtocolError('PROTOCOL_MALFORMED', `Cannot encode ${name}: ${(cause as Error).message}`, { message: name }, { cause });
  }
}

/** Every envelope message is small; RpcSaslProto.auths holds at most one entry per AuthMethod. */
const ENVELOPE_LIMITS: DecodeLimits = { maxFields: MAX_ENVELOPE_FIELDS, maxRepeated: MAX_SASL_AUTHS };

function decode(name: string, bytes: Uint8Array): Record<string, unknown> {
  try {
    const msg = decodeMessage(type(name), bytes, ENVELOPE_LIMITS);
    // Only fields present on the wire, as plain values (protobufjs puts defaults on the prototype).
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(msg)) out[key] = (msg as unknown as Record<string, unknown>)[key];
    return out;
  } catch (cause) {
    throw new ProtocolError('PROTOCOL_MALFORMED', `Malformed ${name} (${bytes.length} bytes): ${(cause as Error).message}`, { message: name }, { cause });
  }
}

function has(o: Record<string, unknown>, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k) && o[k] !== undefined && o[k] !== null;
}

function toBigInt(v: unknown): bigint {
  if (typeof v === 'number') return BigInt(v);
  if (typeof v === 'bigint') return v;
  const l = v as { low: number; high: number; unsigned: boolean };
  return (BigInt(l.high >>> 0) << 32n) | BigInt(l.low >>> 0);
}

export function encodeRequestHeader(h: RpcRequestHeader): Uint8Array {
  return encode('RpcRequestHeaderProto', { ...h, clientId: h.clientId, stateId: h.stateId?.toString() });
}

export function decodeRequestHeader(bytes: Uint8Array): RpcRequestHeader {
  const m = decode('RpcRequestHeaderProto', bytes);
  const out: RpcRequestHeader = { callId: m.callId as number, clientId: m.clientId as Uint8Array };
  if (has(m, 'rpcKind')) out.rpcKind = m.rpcKind as number;
  if (has(m, 'rpcOp')) out.rpcOp = m.rpcOp as number;
  out.retryCount = has(m, 'retryCount') ? (m.retryCount as number) : -1;
  if (has(m, 'stateId')) out.stateId = toBigInt(m.stateId);
  return out;
}

export function encodeResponseHeader(h: RpcResponseHeader): Uint8Array {
  // uint32 on the wire: the Java server writes the int as its unsigned 32-bit value.
  return encode('RpcResponseHeaderProto', { ...h, callId: h.callId >>> 0 });
}

export function decodeResponseHeader(bytes: Uint8Array): RpcResponseHeader {
  const m = decode('RpcResponseHeaderProto', bytes);
  const out: RpcResponseHeader = { callId: (m.callId as number) | 0, status: m.status as RpcStatusCode };
  if (has(m, 'serverIpcVersionNum')) out.serverIpcVersionNum = m.serverIpcVersionNum as number;
  if (has(m, 'exceptionClassName')) out.exceptionClassName = m.exceptionClassName as string;
  if (has(m, 'errorMsg')) out.errorMsg = m.errorMsg as string;
  if (has(m, 'errorDetail')) out.errorDetail = m.errorDetail as RpcErrorCodeValue;
  if (has(m, 'clientId')) out.clientId = m.clientId as Uint8Array;
  if (has(m, 'retryCount')) out.retryCount = m.retryCount as number;
  return out;
}

export function encodeSasl(s: RpcSaslMessage): Uint8Array {
  const { fastPrivacy, ...standard } = s;
  return encode('RpcSaslProto', fastPrivacy ? { ...standard, hsecFastPrivacy: fastPrivacy } : standard);
}

export function decodeSasl(bytes: Uint8Array): RpcSaslMessage {
  const m = decode('RpcSaslProto', bytes);
  // proto2: an unknown enum value goes to the unknown fields, so the required `state` is missing and
  // protobuf-java's parse fails ("Message missing required fields: state"); protobufjs keeps the number.
  if (typeof m.state !== 'number' || SASL_STATE_NAMES[m.state] === undefined) {
    throw new ProtocolError('PROTOCOL_MALFORMED', `Malformed RpcSaslProto: missing required field state (unknown SaslState ${String(m.state)})`, { message: 'RpcSaslProto' });
  }
  const out: RpcSaslMessage = { state: m.state as SaslStateCode };
  if (has(m, 'version')) out.version = m.version as number;
  if (has(m, 'token')) out.token = m.token as Uint8Array;
  const auths = (m.auths as Record<string, unknown>[] | undefined) ?? [];
  if (auths.length > 0) {
    out.auths = auths.map((a) => {
      const auth: SaslAuth = { method: a.method as string, mechanism: a.mechanism as string };
      if (has(a, 'protocol')) auth.protocol = a.protocol as string;
      if (has(a, 'serverId')) auth.serverId = a.serverId as string;
      if (has(a, 'challenge')) auth.challenge = a.challenge as Uint8Array;
      return auth;
    });
  }
  if (has(m, 'hsecFastPrivacy')) out.fastPrivacy = { suites: [...(((m.hsecFastPrivacy as Record<string, unknown>).suites as string[] | undefined) ?? [])] };
  return out;
}

export function encodeConnectionContext(c: IpcConnectionContext): Uint8Array {
  return encode('IpcConnectionContextProto', c);
}

export function decodeConnectionContext(bytes: Uint8Array): IpcConnectionContext {
  const m = decode('IpcConnectionContextProto', bytes);
  const out: IpcConnectionContext = {};
  if (has(m, 'protocol')) out.protocol = m.protocol as string;
  if (has(m, 'userInfo')) {
    const u = m.userInfo as Record<string, unknown>;
    out.userInfo = {};
    if (has(u, 'effectiveUser')) out.userInfo.effectiveUser = u.effectiveUser as string;
    if (has(u, 'realUser')) out.userInfo.realUser = u.realUser as string;
  }
  return out;
}

export function encodeRequestHeaderProto(h: RequestHeader): Uint8Array {
  return encode('RequestHeaderProto', { ...h, clientProtocolVersion: h.clientProtocolVersion.toString() });
}

export function decodeRequestHeaderProto(bytes: Uint8Array): RequestHeader {
  const m = decode('RequestHeaderProto', bytes);
  return {
    methodName: m.methodName as string,
    declaringClassProtocolName: m.declaringClassProtocolName as string,
    clientProtocolVersion: toBigInt(m.clientProtocolVersion),
  };
}
