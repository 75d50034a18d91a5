/**
 * The client protocol records of zookeeper.jute's `org.apache.zookeeper.proto` module that this
 * client uses, as pure encode/decode functions. A request payload is RequestHeader {xid, type} +
 * the operation's record (ClientCnxn.Packet.createBB); the session's first payload is a bare
 * ConnectRequest followed by the `readOnly` boolean ClientCnxn appends; a reply is ReplyHeader
 * {xid, zxid, err} + the response record, present only when err is 0. Frames (int32 length
 * prefix) are frame.ts's business.
 */
import { DataInput, DataOutput } from '../codec/index.ts';
import { PROTOCOL_VERSION } from './constants.ts';
import { readAcl, readBuffer, readStat, readUString, readVector, writeAcl, writeBuffer, writeUString, writeVector, type Acl, type Stat } from './jute.ts';

export interface ConnectRequest {
  readonly lastZxidSeen: bigint;
  /** Requested session timeout, ms. */
  readonly timeOut: number;
  /** 0n asks for a new session. */
  readonly sessionId: bigint;
  readonly passwd: Uint8Array;
}

export interface ConnectResponse {
  readonly protocolVersion: number;
  /** Negotiated session timeout, ms; 0 means the session asked for has expired. */
  readonly timeOut: number;
  readonly sessionId: bigint;
  readonly passwd: Uint8Array;
  /** Absent (false) from servers older than 3.4. */
  readonly readOnly: boolean;
}

export interface ReplyHeader {
  readonly xid: number;
  readonly zxid: bigint;
  readonly err: number;
}

export interface WatcherEvent {
  readonly type: number;
  readonly state: number;
  readonly path: string;
}

/** ConnectRequest + `readOnly` false (we never accept a read-only server). */
export function encodeConnectRequest(req: ConnectRequest): Uint8Array {
  const out = new DataOutput(64);
  out.writeInt(PROTOCOL_VERSION).writeLong(req.lastZxidSeen).writeInt(req.timeOut).writeLong(req.sessionId);
  writeBuffer(out, req.passwd);
  out.writeBoolean(false);
  return out.toBytes();
}

export function decodeConnectResponse(payload: Uint8Array): ConnectResponse {
  const input = new DataInput(payload);
  const protocolVersion = input.readInt();
  const timeOut = input.readInt();
  const sessionId = input.readLongBig();
  const passwd = readBuffer(input, 'ConnectResponse passwd') ?? new Uint8Array(0);
  const readOnly = input.remaining > 0 ? input.readBoolean() : false;
  return { protocolVersion, timeOut, sessionId, passwd: Uint8Array.from(passwd), readOnly };
}

/** RequestHeader {xid, type} followed by the operation's record. */
export function encodeRequest(xid: number, type: number, writeBody?: (out: DataOutput) => void): Uint8Array {
  const out = new DataOutput(64);
  out.writeInt(xid).writeInt(type);
  writeBody?.(out);
  return out.toBytes();
}

export function readReplyHeader(input: DataInput): ReplyHeader {
  return { xid: input.readInt(), zxid: input.readLongBig(), err: input.readInt() };
}

export function readWatcherEvent(input: DataInput): WatcherEvent {
  return { type: input.readInt(), state: input.readInt(), path: readUString(input, 'WatcherEvent path') };
}

// Request records.

/** AuthPacket {type 0, scheme, auth} (ZooKeeper.addAuthInfo). */
export const authPacket = (scheme: string, auth: Uint8Array) => (out: DataOutput): void => {
  out.writeInt(0);
  writeUString(out, scheme);
  writeBuffer(out, auth);
};

/** GetSASLRequest {token}: what ZooKeeperSaslClient sends with OpCode.sasl. */
export const saslRequest = (token: Uint8Array) => (out: DataOutput): void => writeBuffer(out, token);

/** GetDataRequest / ExistsRequest / GetChildren2Request {path, watch}. */
export const pathWatchRequest = (path: string, watch: boolean) => (out: DataOutput): void => {
  writeUString(out, path);
  out.writeBoolean(watch);
};

/** GetACLRequest {path}. */
export const pathRequest = (path: string) => (out: DataOutput): void => writeUString(out, path);

/** DeleteRequest / CheckVersionRequest {path, version}. */
export const pathVersionRequest = (path: string, version: number) => (out: DataOutput): void => {
  writeUString(out, path);
  out.writeInt(version);
};

/** SetDataRequest {path, data, version}. */
export const setDataRequest = (path: string, data: Uint8Array, version: number) => (out: DataOutput): void => {
  writeUString(out, path);
  writeBuffer(out, data);
  out.writeInt(version);
};

/** CreateRequest {path, data, acl, flags}. */
export const createRequest = (path: string, data: Uint8Array, acl: readonly Acl[], flags: number) => (out: DataOutput): void => {
  writeUString(out, path);
  writeBuffer(out, data);
  writeVector(out, acl, writeAcl);
  out.writeInt(flags);
};

/** SetACLRequest {path, acl, version}. */
export const setAclRequest = (path: string, acl: readonly Acl[], version: number) => (out: DataOutput): void => {
  writeUString(out, path);
  writeVector(out, acl, writeAcl);
  out.writeInt(version);
};

// Response records.

/** GetDataResponse {data, stat}; a null buffer reads as empty data. */
export function readGetDataResponse(input: DataInput): { data: Uint8Array; stat: Stat } {
  const data = readBuffer(input, 'GetDataResponse data') ?? new Uint8Array(0);
  return { data: Uint8Array.from(data), stat: readStat(input) };
}

/** CreateResponse {path}. */
export function readCreateResponse(input: DataInput): string {
  return readUString(input, 'CreateResponse path');
}

/** SetDataResponse / ExistsResponse / SetACLResponse {stat}. */
export function readStatResponse(input: DataInput): Stat {
  return readStat(input);
}

/** GetChildren2Response {children, stat}. */
export function readGetChildren2Response(input: DataInput): { children: string[]; stat: Stat } {
  const children = readVector(input, 'GetChildren2Response children', 4, (i) => readUString(i, 'child name'));
  return { children, stat: readStat(input) };
}

/** GetACLResponse {acl, stat}. */
export function readGetAclResponse(input: DataInput): { acl: Acl[]; stat: Stat } {
  const acl = readVector(input, 'GetACLResponse acl', 12, readAcl);
  return { acl, stat: readStat(input) };
}

/** SetSASLResponse {token}; the server sends null once it has nothing more to say. */
export function readSaslResponse(input: DataInput): Uint8Array | null {
  const token = readBuffer(input, 'SetSASLResponse token');
  return token === null ? null : Uint8Array.from(token);
}
