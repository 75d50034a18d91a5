/**
 * The two block-report encodings of `BlockListAsLongs` (hadoop-hdfs protocol/BlockListAsLongs.java,
 * DatanodeProtocolClientSideTranslatorPB.blockReport / ServerSideTranslatorPB.blockReport):
 *  - buffers (when the NameNode's NamespaceInfo capabilities has STORAGE_BLOCK_REPORT_BUFFERS): per
 *    replica blockId as a zigzag (sint64) varint, then bytesOnDisk, generationStamp and replica state
 *    as plain varints; the byte stream is cut into 64 KiB `blocksBuffers` (one buffer, possibly
 *    empty, when it fits) and `numberOfBlocks` says how many replicas it holds. Decoders mask the
 *    length to 48 bits and the state to 4 bits (bits kept for future use).
 *  - longs (legacy): `[numFinalized, numUnderConstruction, (id, len, gs) x finalized, -1, -1, -1,
 *    (id, len, gs, state) x under construction]`; `BlockListAsLongs.EMPTY` is `[0, 0]`.
 * A StorageBlockReportProto with `numberOfBlocks` is the buffers form, else the longs form; both
 * present is refused ("cannot send both blocks list and buffers"). Pure codecs. The buffer varints
 * are handled as two 32-bit halves (numbers): BigInt arithmetic in hot loops is slow and has crashed
 * V8 11's optimizing compiler (Node 20) on 64-bit truncations.
 */
import { ProtocolError } from '../../lib/errors/index.ts';

/** `HdfsServerConstants.ReplicaState` values. */
export const ReplicaState = { FINALIZED: 0, RBW: 1, RWR: 2, RUR: 3, TEMPORARY: 4 } as const;
export type ReplicaStateName = keyof typeof ReplicaState;
const STATE_NAMES = Object.keys(ReplicaState) as ReplicaStateName[];

/** `NamespaceInfo.Capability.STORAGE_BLOCK_REPORT_BUFFERS` bit of NamespaceInfoProto.capabilities. */
export const CAPABILITY_STORAGE_BLOCK_REPORT_BUFFERS = 1;
/** BlockListAsLongs.CHUNK_SIZE */
export const BLOCKS_BUFFER_CHUNK = 64 * 1024;

export interface ReportedReplica {
  blockId: number;
  /** bytes on disk */
  numBytes: number;
  generationStamp: number;
  state: ReplicaStateName;
}

/** The report part of StorageBlockReportProto: either `numberOfBlocks` + `blocksBuffers`, or `blocks`. */
export interface EncodedBlockList {
  numberOfBlocks?: number;
  blocksBuffers?: Uint8Array[];
  blocks?: bigint[];
}

const TWO_32 = 4294967296;
const TWO_64 = 18446744073709551616n;
const TWO_63 = 9223372036854775808n;

function malformed(reason: string): ProtocolError {
  return new ProtocolError('PROTOCOL_MALFORMED', `Malformed block report: ${reason}`, { message: 'StorageBlockReportProto' });
}

/** `BlockListAsLongs.encode(replicas).getBlocksBuffers()` with the replica count. */
export function encodeBlocksBuffers(replicas: readonly ReportedReplica[]): { numberOfBlocks: number; blocksBuffers: Uint8Array[] } {
  const bytes: number[] = [];
  for (const r of replicas) {
    const [lo, hi] = halves(r.blockId, 'blockId');
    const sign = hi >> 31; // zigzag: (n << 1) ^ (n >> 63)
    writeVarint64(bytes, ((lo << 1) ^ sign) >>> 0, (((hi << 1) | (lo >>> 31)) ^ sign) >>> 0);
    writeVarint64(bytes, ...halves(r.numBytes, 'numBytes'));
    writeVarint64(bytes, ...halves(r.generationStamp, 'generationStamp'));
    writeVarint64(bytes, ReplicaState[r.state], 0);
  }
  const all = Uint8Array.from(bytes);
  const blocksBuffers: Uint8Array[] = [];
  if (all.length <= BLOCKS_BUFFER_CHUNK) blocksBuffers.push(all);
  else for (let at = 0; at < all.length; at += BLOCKS_BUFFER_CHUNK) blocksBuffers.push(all.subarray(at, at + BLOCKS_BUFFER_CHUNK));
  return { numberOfBlocks: replicas.length, blocksBuffers };
}

/** `BlockListAsLongs.decodeBuffers`: the chunks are one stream (a varint may span two). */
export function decodeBlocksBuffers(numberOfBlocks: number, blocksBuffers: readonly Uint8Array[]): ReportedReplica[] {
  const total = blocksBuffers.reduce((n, b) => n + b.length, 0);
  // each replica takes at least 4 bytes: refuse a count the bytes cannot hold before allocating
  if (numberOfBlocks < 0 || numberOfBlocks * 4 > total) throw malformed(`${numberOfBlocks} blocks declared in ${total} bytes`);
  const all = new Uint8Array(total);
  let at = 0;
  for (const b of blocksBuffers) {
    all.set(b, at);
    at += b.length;
  }
  const reader = { pos: 0 };
  const replicas: ReportedReplica[] = [];
  const v: [number, number] = [0, 0];
  for (let i = 0; i < numberOfBlocks; i++) {
    readVarint64(all, reader, v);
    const mask = -(v[0] & 1); // zigzag back: (n >>> 1) ^ -(n & 1)
    const blockId = toNumber(((v[0] >>> 1) | (v[1] << 31)) ^ mask, (v[1] >>> 1) ^ mask, 'blockId');
    readVarint64(all, reader, v);
    const numBytes = toNumber(v[0], v[1] & 0xffff, 'numBytes'); // masked to 48 bits
    readVarint64(all, reader, v);
    const generationStamp = toNumber(v[0], v[1], 'generationStamp');
    readVarint64(all, reader, v);
    replicas.push({ blockId, numBytes, generationStamp, state: stateName(v[0] & 0xf) }); // masked to 4 bits
  }
  return replicas;
}

/** `BlockListAsLongs.getBlockListAsLongs()`: finalized first, then the -1 delimiter, then the rest (`[0, 0]` when empty). */
export function encodeBlockLongs(replicas: readonly ReportedReplica[]): bigint[] {
  if (replicas.length === 0) return [0n, 0n];
  const finalized = replicas.filter((r) => r.state === 'FINALIZED');
  const underConstruction = replicas.filter((r) => r.state !== 'FINALIZED');
  const longs: bigint[] = [BigInt(finalized.length), BigInt(underConstruction.length)];
  for (const r of finalized) longs.push(BigInt(r.blockId), BigInt(r.numBytes), BigInt(r.generationStamp));
  longs.push(-1n, -1n, -1n);
  for (const r of underConstruction) longs.push(BigInt(r.blockId), BigInt(r.numBytes), BigInt(r.generationStamp), BigInt(ReplicaState[r.state]));
  return longs;
}

/** `BlockListAsLongs.decodeLongs` (values as they come off the wire: uint64, so -1 is 2^64-1). */
export function decodeBlockLongs(values: readonly bigint[]): ReportedReplica[] {
  if (values.length === 0) return [];
  const v = values.map((x) => (x >= TWO_63 ? x - TWO_64 : x)); // uint64 -> Java long
  if (v.length < 2) throw malformed('the longs list has no header');
  const finalized = Number(v[0]!);
  const underConstruction = Number(v[1]!);
  const needed = 2 + 3 * finalized + (underConstruction > 0 ? 3 + 4 * underConstruction : 0);
  if (finalized < 0 || underConstruction < 0 || v.length < needed) {
    throw malformed(`header says ${finalized} finalized + ${underConstruction} under construction, list has ${v.length} longs`);
  }
  const replicas: ReportedReplica[] = [];
  let at = 2;
  const block = (): [number, number, number] => [safe(v[at++]!, 'blockId'), safe(v[at++]!, 'numBytes'), safe(v[at++]!, 'generationStamp')];
  for (let i = 0; i < finalized; i++) {
    const [blockId, numBytes, generationStamp] = block();
    replicas.push({ blockId, numBytes, generationStamp, state: 'FINALIZED' });
  }
  if (underConstruction > 0) {
    if (v[at] !== -1n || v[at + 1] !== -1n || v[at + 2] !== -1n) throw malformed('Invalid delimiter block');
    at += 3;
    for (let i = 0; i < underConstruction; i++) {
      const [blockId, numBytes, generationStamp] = block();
      replicas.push({ blockId, numBytes, generationStamp, state: stateName(Number(v[at++]!)) });
    }
  }
  return replicas;
}

/** The report a DataNode sends: buffers when the NameNode advertised the capability, else longs. */
export function encodeBlockList(replicas: readonly ReportedReplica[], useBuffers: boolean): EncodedBlockList {
  return useBuffers ? encodeBlocksBuffers(replicas) : { blocks: encodeBlockLongs(replicas) };
}

/** The NameNode side: `numberOfBlocks` present means buffers (and then no longs). */
export function decodeBlockList(report: EncodedBlockList): ReportedReplica[] {
  if (report.numberOfBlocks !== undefined) {
    if ((report.blocks?.length ?? 0) > 0) throw malformed('cannot send both blocks list and buffers');
    return decodeBlocksBuffers(report.numberOfBlocks, report.blocksBuffers ?? []);
  }
  return decodeBlockLongs(report.blocks ?? []);
}

function stateName(value: number): ReplicaStateName {
  const name = STATE_NAMES[value];
  if (name === undefined) throw malformed(`unknown replica state ${value}`);
  return name;
}

function safe(v: bigint, what: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw malformed(`${what} ${v} does not fit in 53 bits`);
  return n;
}

/** A safe integer as its two's-complement 64-bit halves [low, high] (unsigned 32-bit each). */
function halves(n: number, what: string): [number, number] {
  if (!Number.isSafeInteger(n)) throw malformed(`${what} ${n} is not a safe integer`);
  const hi = Math.floor(n / TWO_32);
  return [(n - hi * TWO_32) >>> 0, hi >>> 0];
}

/** Signed 64-bit halves -> number; refuses values outside the safe-integer range. */
function toNumber(lo: number, hi: number, what: string): number {
  const n = (hi | 0) * TWO_32 + (lo >>> 0);
  if (!Number.isSafeInteger(n)) throw malformed(`${what} does not fit in 53 bits`);
  return n;
}

function writeVarint64(out: number[], lo: number, hi: number): void {
  while (hi !== 0) {
    out.push((lo & 0x7f) | 0x80);
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  while (lo > 0x7f) {
    out.push((lo & 0x7f) | 0x80);
    lo >>>= 7;
  }
  out.push(lo);
}

/** Reads a varint into `out` as [low 32 bits, high 32 bits] (unsigned); at most 10 bytes. */
function readVarint64(bytes: Uint8Array, reader: { pos: number }, out: [number, number]): void {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < 10; i++) {
    if (reader.pos >= bytes.length) throw malformed(`replica data ends inside a varint at byte ${reader.pos}`);
    const b = bytes[reader.pos++]!;
    if (i < 4) lo |= (b & 0x7f) << (7 * i);
    else if (i === 4) {
      lo |= (b & 0x0f) << 28;
      hi |= (b & 0x7f) >>> 4;
    } else hi |= (b & 0x7f) << (7 * i - 32);
    if ((b & 0x80) === 0) {
      out[0] = lo >>> 0;
      out[1] = hi >>> 0;
      return;
    }
  }
  throw malformed('varint longer than 10 bytes');
}
