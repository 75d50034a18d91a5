/**
 * Jute, ZooKeeper's record serialization (org.apache.jute.BinaryOutputArchive /
 * BinaryInputArchive), over our Java DataInput/DataOutput: int and long big-endian, boolean one
 * byte, `ustring` and `buffer` an int32 length (-1 = null) then the bytes, `vector` an int32 count
 * (-1 = null) then the elements. Plus the records of zookeeper.jute's `org.apache.zookeeper.data`
 * module: Id, ACL and Stat. Lengths are checked against the bytes left before anything is read.
 * Pure: no sockets.
 */
import { DataInput, DataOutput } from '../codec/index.ts';
import { ProtocolError } from '../errors/index.ts';

/** An ACL entry: scheme:id with permission bits (zookeeper.jute `ACL { int perms; Id id; }`). */
export interface Acl {
  readonly perms: number;
  readonly scheme: string;
  readonly id: string;
}

/** A znode's metadata (zookeeper.jute `Stat`); zxids and the ephemeral owner are exact 64-bit values. */
export interface Stat {
  readonly czxid: bigint;
  readonly mzxid: bigint;
  /** Creation and modification times, ms since the epoch. */
  readonly ctime: number;
  readonly mtime: number;
  /** Data version: the `version` a compare-and-set passes. */
  readonly version: number;
  readonly cversion: number;
  readonly aversion: number;
  /** Session id owning an ephemeral node, 0n otherwise. */
  readonly ephemeralOwner: bigint;
  readonly dataLength: number;
  readonly numChildren: number;
  readonly pzxid: bigint;
}

function malformed(what: string, reason: string): ProtocolError {
  return new ProtocolError('PROTOCOL_MALFORMED', `Malformed ZooKeeper ${what}: ${reason}`, { what });
}

/** `buffer`: int32 length (-1 for null) + bytes. */
export function writeBuffer(out: DataOutput, bytes: Uint8Array | null): void {
  if (bytes === null) out.writeInt(-1);
  else out.writeInt(bytes.length).write(bytes);
}

/** `buffer`; null (-1) is returned as null. */
export function readBuffer(input: DataInput, what: string): Uint8Array | null {
  const n = input.readInt();
  if (n === -1) return null;
  if (n < 0) throw malformed(what, `negative length ${n}`);
  return input.readFully(n, what);
}

/** `ustring`: int32 length + UTF-8 (null as -1). */
export function writeUString(out: DataOutput, s: string | null): void {
  out.writeString(s);
}

/** A `ustring` that must be present. */
export function readUString(input: DataInput, what: string): string {
  const s = input.readString(input.remaining, what);
  if (s === null) throw malformed(what, 'null string');
  return s;
}

/** `vector<T>`: int32 count + elements. */
export function writeVector<T>(out: DataOutput, items: readonly T[], writeItem: (out: DataOutput, item: T) => void): void {
  out.writeInt(items.length);
  for (const item of items) writeItem(out, item);
}

/** `vector<T>`; a null vector (-1) reads as empty. The count is checked against the bytes left. */
export function readVector<T>(input: DataInput, what: string, minItemBytes: number, readItem: (input: DataInput) => T): T[] {
  const n = input.readInt();
  if (n === -1) return [];
  if (n < 0) throw malformed(what, `negative count ${n}`);
  if (n * minItemBytes > input.remaining) throw malformed(what, `count ${n} exceeds the ${input.remaining} bytes left`);
  const items: T[] = [];
  for (let i = 0; i < n; i++) items.push(readItem(input));
  return items;
}

export function writeAcl(out: DataOutput, acl: Acl): void {
  out.writeInt(acl.perms);
  writeUString(out, acl.scheme);
  writeUString(out, acl.id);
}

export function readAcl(input: DataInput): Acl {
  const perms = input.readInt();
  const scheme = readUString(input, 'ACL scheme');
  const id = readUString(input, 'ACL id');
  return { perms, scheme, id };
}

/** Bytes one Stat takes on the wire (6 longs, 5 ints... as zookeeper.jute lays it out). */
export const STAT_LENGTH = 8 * 6 + 4 * 5;

export function writeStat(out: DataOutput, s: Stat): void {
  out.writeLong(s.czxid).writeLong(s.mzxid).writeLong(s.ctime).writeLong(s.mtime);
  out.writeInt(s.version).writeInt(s.cversion).writeInt(s.aversion);
  out.writeLong(s.ephemeralOwner).writeInt(s.dataLength).writeInt(s.numChildren).writeLong(s.pzxid);
}

export function readStat(input: DataInput): Stat {
  return {
    czxid: input.readLongBig(),
    mzxid: input.readLongBig(),
    ctime: input.readLong(),
    mtime: input.readLong(),
    version: input.readInt(),
    cversion: input.readInt(),
    aversion: input.readInt(),
    ephemeralOwner: input.readLongBig(),
    dataLength: input.readInt(),
    numChildren: input.readInt(),
    pzxid: input.readLongBig(),
  };
}
