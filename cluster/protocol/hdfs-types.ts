/**
 * Plain-object forms of the shared HDFS messages (./hdfs.proto, ./acl.proto, ./HdfsServer.proto,
 * hadoop.common TokenProto), as `encodeProto` takes and `decodeProto` returns them: the .proto field
 * names, enums by name, bytes as Uint8Array, 64-bit integers as number, optional fields optional
 * (absent = the proto2 default noted on the field). Only types: the codecs are in hdfs-proto.ts and
 * the protocol files that use these messages.
 */
import type { TokenProtoObject } from '../../security/token/token.ts';

export type { TokenProtoObject };

export type StorageType = 'DISK' | 'SSD' | 'ARCHIVE' | 'RAM_DISK' | 'PROVIDED' | 'NVDIMM';
export type ChecksumType = 'CHECKSUM_NULL' | 'CHECKSUM_CRC32' | 'CHECKSUM_CRC32C';
export type CipherSuite = 'UNKNOWN' | 'AES_CTR_NOPADDING' | 'SM4_CTR_NOPADDING';
export type CryptoProtocolVersion = 'UNKNOWN_PROTOCOL_VERSION' | 'ENCRYPTION_ZONES';

/** acl.proto FsPermissionProto: `perm` = the low 16 bits of the mode (e.g. 0o644 = 420). */
export interface FsPermission {
  perm: number;
}

export interface ExtendedBlock {
  poolId: string;
  blockId: number;
  generationStamp: number;
  /** default 0 */
  numBytes?: number;
}

/** BlockProto (DatanodeProtocol's block without pool). */
export interface Block {
  blockId: number;
  genStamp: number;
  /** default 0 */
  numBytes?: number;
}

export interface DatanodeId {
  ipAddr: string;
  hostName: string;
  datanodeUuid: string;
  /** data-transfer (streaming) port */
  xferPort: number;
  /** HTTP port */
  infoPort: number;
  /** ClientDatanodeProtocol IPC port */
  ipcPort: number;
  /** default 0 */
  infoSecurePort?: number;
}

export type AdminState = 'NORMAL' | 'DECOMMISSION_INPROGRESS' | 'DECOMMISSIONED' | 'ENTERING_MAINTENANCE' | 'IN_MAINTENANCE';

/** DatanodeInfoProto: only `id` is required; every number defaults to 0, adminState to NORMAL. */
export interface DatanodeInfo {
  id: DatanodeId;
  capacity?: number;
  dfsUsed?: number;
  remaining?: number;
  blockPoolUsed?: number;
  /** ms since epoch */
  lastUpdate?: number;
  xceiverCount?: number;
  /** network location, e.g. /default-rack */
  location?: string;
  nonDfsUsed?: number;
  adminState?: AdminState;
  cacheCapacity?: number;
  cacheUsed?: number;
  lastUpdateMonotonic?: number;
  upgradeDomain?: string;
  lastBlockReportTime?: number;
  lastBlockReportMonotonic?: number;
  numBlocks?: number;
}

export interface DatanodeStorage {
  storageUuid: string;
  /** default NORMAL */
  state?: 'NORMAL' | 'READ_ONLY_SHARED';
  /** default DISK */
  storageType?: StorageType;
}

export interface StorageReport {
  /** deprecated but required */
  storageUuid: string;
  failed?: boolean;
  capacity?: number;
  dfsUsed?: number;
  remaining?: number;
  blockPoolUsed?: number;
  storage?: DatanodeStorage;
  nonDfsUsed?: number;
  mount?: string;
}

export interface LocatedBlock {
  b: ExtendedBlock;
  /** offset of the block's first byte in the file */
  offset: number;
  /** pipeline / replica order */
  locs?: DatanodeInfo[];
  corrupt: boolean;
  /** required: an all-empty token when block tokens are off (see EMPTY_TOKEN) */
  blockToken: TokenProtoObject;
  isCached?: boolean[];
  /** none, or one per loc */
  storageTypes?: StorageType[];
  /** none, or one per loc; a stock client needs them in addBlock responses */
  storageIDs?: string[];
  /** present only for striped (erasure-coded) blocks */
  blockIndices?: Uint8Array;
  blockTokens?: TokenProtoObject[];
}

export interface FileEncryptionInfo {
  suite: CipherSuite;
  cryptoProtocolVersion: CryptoProtocolVersion;
  key: Uint8Array;
  iv: Uint8Array;
  keyName: string;
  ezKeyVersionName: string;
}

export interface ErasureCodingPolicy {
  name?: string;
  schema?: { codecName: string; dataUnits: number; parityUnits: number; options?: { key: string; value: string }[] };
  cellSize?: number;
  id: number;
  state?: 'DISABLED' | 'ENABLED' | 'REMOVED';
}

export interface LocatedBlocks {
  fileLength: number;
  blocks?: LocatedBlock[];
  underConstruction: boolean;
  lastBlock?: LocatedBlock;
  isLastBlockComplete: boolean;
  fileEncryptionInfo?: FileEncryptionInfo;
  ecPolicy?: ErasureCodingPolicy;
}

export type FileType = 'IS_DIR' | 'IS_FILE' | 'IS_SYMLINK';

/** HdfsFileStatusProto.flags bits. */
export const HdfsFileStatusFlags = { HAS_ACL: 0x01, HAS_CRYPT: 0x02, HAS_EC: 0x04, SNAPSHOT_ENABLED: 0x08 } as const;

export interface HdfsFileStatus {
  fileType: FileType;
  /** UTF-8 local name (in listings); empty for getFileInfo / create */
  path: Uint8Array;
  length: number;
  permission: FsPermission;
  owner: string;
  group: string;
  /** ms since epoch */
  modification_time: number;
  /** ms since epoch */
  access_time: number;
  symlink?: Uint8Array;
  /** default 0 */
  block_replication?: number;
  /** default 0; a stock client cannot write a file whose create status has 0 */
  blocksize?: number;
  locations?: LocatedBlocks;
  /** default 0 (the "grandfather" inode id) */
  fileId?: number;
  /** default -1 */
  childrenNum?: number;
  fileEncryptionInfo?: FileEncryptionInfo;
  /** default 0 */
  storagePolicy?: number;
  ecPolicy?: ErasureCodingPolicy;
  /** HdfsFileStatusFlags bits, default 0 */
  flags?: number;
  namespace?: string;
}

export interface DirectoryListing {
  partialListing?: HdfsFileStatus[];
  remainingEntries: number;
}

/** DataEncryptionKeyProto (hdfs.proto). */
export interface DataEncryptionKey {
  keyId: number;
  blockPoolId: string;
  nonce: Uint8Array;
  encryptionKey: Uint8Array;
  /** ms since epoch */
  expiryDate: number;
  encryptionAlgorithm?: string;
}

/** HdfsServer.proto BlockKeyProto: `keyBytes` is always written, empty when there is no key. */
export interface BlockKeyProtoObject {
  keyId: number;
  /** ms since epoch */
  expiryDate: number;
  keyBytes?: Uint8Array;
}

/** HdfsServer.proto ExportedBlockKeysProto (intervals in ms). */
export interface ExportedBlockKeysProtoObject {
  isBlockTokenEnabled: boolean;
  keyUpdateInterval: number;
  tokenLifeTime: number;
  currentKey: BlockKeyProtoObject;
  allKeys?: BlockKeyProtoObject[];
}

/** An empty TokenProto (all four required fields empty): the block token when block tokens are off. */
export const EMPTY_TOKEN: TokenProtoObject = Object.freeze({
  identifier: new Uint8Array(0),
  password: new Uint8Array(0),
  kind: '',
  service: '',
});

/** UTF-8 bytes of a path or name (HdfsFileStatusProto.path, GetListingRequestProto.startAfter). */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** HdfsConstants.QUOTA_DONT_SET (Long.MAX_VALUE): leave this quota as it is; also the root's default namespace quota. */
export const QUOTA_DONT_SET = 9_223_372_036_854_775_807n;
/** HdfsConstants.QUOTA_RESET: no quota. */
export const QUOTA_RESET = -1n;
