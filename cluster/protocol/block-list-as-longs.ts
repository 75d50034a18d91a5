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
 * present is refused ("cannot send both blocks list and buffers"). Pure codecs over bigint longs.
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

const NUM_BYTES_MASK = (1n << 48n) - 1n;
const STATE_MASK = 0xfn;

function malformed(reason: string): ProtocolError {
  return new ProtocolError('PROTOCOL_MALFORMED', `Malformed block report: ${reason}`, { message: 'StorageBlockReportProto' });
}

/** `BlockListAsLongs.encode(replicas).getBlocksBuffers()` with the replica count. */
export function encodeBlocksBuffers(replicas: readonly ReportedReplica[]): { numberOfBlocks: number; blocksBuffers: Uint8Array[] } {
  const bytes: number[] = [];
  for (const r of replicas) {
    const id = BigInt(r.blockId);
    writeVarint64(bytes, (id << 1n) ^ (id >> 63n)); // zigzag
    writeVarint64(bytes, BigInt(r.numBytes));
    writeVarint64(bytes, BigInt(r.generationStamp));
    writeVarint64(bytes, BigInt(ReplicaState[r.state]));
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
  for (let i = 0; i < numberOfBlocks; i++) {
    const zz = readVarint64(all, reader);
    const blockId = BigInt.asIntN(64, (zz >> 1n) ^ -(zz & 1n));
    const numBytes = readVarint64(all, reader) & NUM_BYTES_MASK;
    const generationStamp = readVarint64(all, reader);
    const state = Number(readVarint64(all, reader) & STATE_MASK);
    replicas.push({ blockId: safe(blockId, 'blockId'), numBytes: Number(numBytes), generationStamp: safe(generationStamp, 'generationStamp'), state: stateName(state) });
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
  const v = values.map((x) => BigInt.asIntN(64, x));
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
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw malformed(`${what} ${v} does not fit in 53 bits`);
  return Number(v);
}

function writeVarint64(out: number[], value: bigint): void {
  let v = BigInt.asUintN(64, value);
  while (v > 0x7fn) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
}

function readVarint64(bytes: Uint8Array, reader: { pos: number }): bigint {
  let result = 0n;
  for (let shift = 0n; shift < 70n; shift += 7n) {
    if (reader.pos >= bytes.length) throw malformed(`replica data ends inside a varint at byte ${reader.pos}`);
    const b = bytes[reader.pos++]!;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return BigInt.asUintN(64, result);
  }
  throw malformed('varint longer than 10 bytes');
}
