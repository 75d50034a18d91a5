/**
 * The DataTransferProtocol messages (../datatransfer.proto; Hadoop 3.4.1 datatransfer.proto) as
 * plain objects, with their codecs: the WRITE_BLOCK / READ_BLOCK / TRANSFER_BLOCK / BLOCK_CHECKSUM op protos,
 * BlockOpResponseProto, ClientReadStatusProto and PipelineAckProto, plus the pipeline-ack `flag`
 * word (PipelineAck.combineHeader / getStatusFromHeader: bits 0-3 status, 4 reserved, 5-6 ECN,
 * 7-8 SLOW; LongBitFormat). Bytes in, objects out; framing is in ./op-frame.ts.
 */
import { decodeProto, encodeProto } from '../hdfs-proto.ts';
import type { ChecksumType, DatanodeInfo, ExtendedBlock, StorageType, TokenProtoObject } from '../hdfs-types.ts';
import { encodeOpRequest } from './op-frame.ts';

export type Status =
  | 'SUCCESS' | 'ERROR' | 'ERROR_CHECKSUM' | 'ERROR_INVALID' | 'ERROR_EXISTS' | 'ERROR_ACCESS_TOKEN' | 'CHECKSUM_OK'
  | 'ERROR_UNSUPPORTED' | 'OOB_RESTART' | 'OOB_RESERVED1' | 'OOB_RESERVED2' | 'OOB_RESERVED3' | 'IN_PROGRESS'
  | 'ERROR_BLOCK_PINNED';

/** Status numbers (datatransfer.proto `Status`, a 4-bit value in ack flags). */
export const STATUS_VALUES: readonly Status[] = [
  'SUCCESS', 'ERROR', 'ERROR_CHECKSUM', 'ERROR_INVALID', 'ERROR_EXISTS', 'ERROR_ACCESS_TOKEN', 'CHECKSUM_OK',
  'ERROR_UNSUPPORTED', 'OOB_RESTART', 'OOB_RESERVED1', 'OOB_RESERVED2', 'OOB_RESERVED3', 'IN_PROGRESS', 'ERROR_BLOCK_PINNED',
];

export type BlockConstructionStage =
  | 'PIPELINE_SETUP_APPEND' | 'PIPELINE_SETUP_APPEND_RECOVERY' | 'DATA_STREAMING' | 'PIPELINE_SETUP_STREAMING_RECOVERY'
  | 'PIPELINE_CLOSE' | 'PIPELINE_CLOSE_RECOVERY' | 'PIPELINE_SETUP_CREATE' | 'TRANSFER_RBW' | 'TRANSFER_FINALIZED';

export interface ChecksumSpec {
  type: ChecksumType;
  bytesPerChecksum: number;
}

/** CachingStrategyProto; a stock client sends an empty one. */
export interface CachingStrategy {
  dropBehind?: boolean;
  readahead?: number;
}

export interface ClientOperationHeader {
  baseHeader: {
    block: ExtendedBlock;
    /** the block token (a stock client always sends it; EMPTY_TOKEN when tokens are off) */
    token?: TokenProtoObject;
    traceInfo?: { traceId?: number; parentId?: number; spanContext?: Uint8Array };
  };
  /** empty when the sender is a DataNode */
  clientName: string;
}

export interface OpWriteBlock {
  header: ClientOperationHeader;
  /** downstream nodes only (the pipeline minus the receiver) */
  targets?: DatanodeInfo[];
  source?: DatanodeInfo;
  stage: BlockConstructionStage;
  pipelineSize: number;
  minBytesRcvd: number;
  maxBytesRcvd: number;
  latestGenerationStamp: number;
  requestedChecksum: ChecksumSpec;
  cachingStrategy?: CachingStrategy;
  /** default DISK */
  storageType?: StorageType;
  targetStorageTypes?: StorageType[];
  allowLazyPersist?: boolean;
  pinning?: boolean;
  /** a stock client sends one `false` even with no targets */
  targetPinnings?: boolean[];
  storageId?: string;
  targetStorageIds?: string[];
}

export interface OpReadBlock {
  header: ClientOperationHeader;
  /** offset inside the block */
  offset: number;
  len: number;
  /** default true */
  sendChecksums?: boolean;
  cachingStrategy?: CachingStrategy;
}

export interface OpTransferBlock {
  header: ClientOperationHeader;
  targets?: DatanodeInfo[];
  targetStorageTypes?: StorageType[];
  targetStorageIds?: string[];
}

/** BlockChecksumTypeProto (hdfs.proto): MD5 of the chunk CRCs, or the CRCs composed into one (CrcComposer). */
export type BlockChecksumType = 'MD5CRC' | 'COMPOSITE_CRC';

/** BlockChecksumOptionsProto; PBHelperClient.convert(BlockChecksumOptions) always sets both fields. */
export interface BlockChecksumOptions {
  /** default MD5CRC */
  blockChecksumType?: BlockChecksumType;
  /** COMPOSITE_CRC only: one CRC per this many bytes of the block; 0 (the default) = one CRC for the block */
  stripeLength?: number;
}

/** OpBlockChecksumProto (Sender.blockChecksum): the block with numBytes = the length to cover, its token, the options. */
export interface OpBlockChecksum {
  header: ClientOperationHeader['baseHeader'];
  blockChecksumOptions?: BlockChecksumOptions;
}

/** OpBlockChecksumResponseProto (DataXceiver.blockChecksum's reply). */
export interface BlockChecksumResponse {
  bytesPerCrc: number;
  /** stored chunk checksums of the replica (its meta file), not of the requested length */
  crcPerBlock: number;
  /** MD5CRC: the 16-byte MD5; COMPOSITE_CRC: 4-byte big-endian CRCs, one per stripe */
  blockChecksum: Uint8Array;
  crcType?: ChecksumType;
  blockChecksumOptions?: BlockChecksumOptions;
}

export interface BlockOpResponse {
  status: Status;
  /** `ip:xferPort` of the first failed downstream node; a DataNode answering a write always sets it (empty on success) */
  firstBadLink?: string;
  /** the answer to BLOCK_CHECKSUM */
  checksumResponse?: BlockChecksumResponse;
  /** needed for a successful READ_BLOCK: the checksum and the chunk-aligned start offset */
  readOpChecksumInfo?: { checksum: ChecksumSpec; chunkOffset: number };
  message?: string;
  shortCircuitAccessVersion?: number;
}

export interface PipelineAck {
  /** -1 for a heartbeat */
  seqno: number;
  /** one per pipeline node, the receiver first */
  reply?: Status[];
  downstreamAckTimeNanos?: number;
  /** per reply: status | ECN | SLOW bits (see ackFlag) */
  flag?: number[];
}

export function encodeOpWriteBlock(op: OpWriteBlock): Uint8Array {
  return encodeOpRequest('WRITE_BLOCK', encodeProto('hadoop.hdfs.OpWriteBlockProto', op));
}
export function decodeOpWriteBlock(body: Uint8Array): OpWriteBlock {
  return decodeProto('hadoop.hdfs.OpWriteBlockProto', body);
}
export function encodeOpReadBlock(op: OpReadBlock): Uint8Array {
  return encodeOpRequest('READ_BLOCK', encodeProto('hadoop.hdfs.OpReadBlockProto', op));
}
export function decodeOpReadBlock(body: Uint8Array): OpReadBlock {
  return decodeProto('hadoop.hdfs.OpReadBlockProto', body);
}
export function encodeOpTransferBlock(op: OpTransferBlock): Uint8Array {
  return encodeOpRequest('TRANSFER_BLOCK', encodeProto('hadoop.hdfs.OpTransferBlockProto', op));
}
export function decodeOpTransferBlock(body: Uint8Array): OpTransferBlock {
  return decodeProto('hadoop.hdfs.OpTransferBlockProto', body);
}
export function encodeOpBlockChecksum(op: OpBlockChecksum): Uint8Array {
  return encodeOpRequest('BLOCK_CHECKSUM', encodeProto('hadoop.hdfs.OpBlockChecksumProto', op));
}
export function decodeOpBlockChecksum(body: Uint8Array): OpBlockChecksum {
  return decodeProto('hadoop.hdfs.OpBlockChecksumProto', body);
}

/** The raw message; frame it with encodeDelimited. */
export function encodeBlockOpResponse(r: BlockOpResponse): Uint8Array {
  return encodeProto('hadoop.hdfs.BlockOpResponseProto', r);
}
export function decodeBlockOpResponse(bytes: Uint8Array): BlockOpResponse {
  return decodeProto('hadoop.hdfs.BlockOpResponseProto', bytes);
}
export function encodeClientReadStatus(status: Status): Uint8Array {
  return encodeProto('hadoop.hdfs.ClientReadStatusProto', { status });
}
export function decodeClientReadStatus(bytes: Uint8Array): Status {
  return decodeProto<{ status: Status }>('hadoop.hdfs.ClientReadStatusProto', bytes).status;
}
export function encodePipelineAck(ack: PipelineAck): Uint8Array {
  return encodeProto('hadoop.hdfs.PipelineAckProto', ack);
}
export function decodePipelineAck(bytes: Uint8Array): PipelineAck {
  return decodeProto('hadoop.hdfs.PipelineAckProto', bytes);
}

export type Ecn = 'DISABLED' | 'SUPPORTED' | 'SUPPORTED2' | 'CONGESTED';
export type Slow = 'DISABLED' | 'NORMAL' | 'SLOW' | 'RESERVED';
const ECN: readonly Ecn[] = ['DISABLED', 'SUPPORTED', 'SUPPORTED2', 'CONGESTED'];
const SLOW: readonly Slow[] = ['DISABLED', 'NORMAL', 'SLOW', 'RESERVED'];

/** `PipelineAck.combineHeader(ecn, status, slow)`: status in bits 0-3, ECN in 5-6, SLOW in 7-8. */
export function ackFlag(status: Status, ecn: Ecn = 'DISABLED', slow: Slow = 'DISABLED'): number {
  return STATUS_VALUES.indexOf(status) | (ECN.indexOf(ecn) << 5) | (SLOW.indexOf(slow) << 7);
}

/** The parts of a flag word. */
export function parseAckFlag(flag: number): { status: Status | number; ecn: Ecn; slow: Slow } {
  const s = flag & 0xf;
  return { status: STATUS_VALUES[s] ?? s, ecn: ECN[(flag >>> 5) & 3]!, slow: SLOW[(flag >>> 7) & 3]! };
}

/**
 * The status of each pipeline node as a client reads an ack (PipelineAck.getHeaderFlag /
 * getStatusFromHeader): from `flag[i]` when flags are present, else from `reply[i]`.
 */
export function ackStatuses(ack: PipelineAck): (Status | number)[] {
  if (ack.flag && ack.flag.length > 0) return ack.flag.map((f) => parseAckFlag(f).status);
  return ack.reply ?? [];
}
