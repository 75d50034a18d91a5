/**
 * Method table and pure codecs of HDFS's ClientProtocol (org.apache.hadoop.hdfs.protocol.ClientProtocol,
 * protocol version 1, served over Hadoop IPC v9 with the protobuf engine;
 * ClientNamenodeProtocolTranslatorPB / ServerSideTranslatorPB): the calls a stock DFSClient makes
 * for mkdir / put / appendToFile / get / ls / rm / mv / chmod / chown / du / count / touch / setrep / test / truncate / concat, the
 * quota calls of `hdfs dfsadmin -setQuota` and friends, and
 * `hdfs storagepolicies`, the ACL calls of -getfacl / -setfacl, the xattr calls of -getfattr / -setfattr
 * (./ClientNamenodeProtocol.proto, shared messages in ./hdfs.proto, ./acl.proto and ./xattr.proto) and the delegation-token calls (hadoop.common Security.proto
 * messages). `CLIENT_PROTOCOL_CODEC` encodes and decodes every method's request and response in
 * both directions; the named delegation-token and server-defaults functions below are kept for the
 * token service and tools that use them.
 */
import { decodeProto, encodeProto } from './hdfs-proto.ts';
import { RpcCodec } from './rpc-codec.ts';
import { Token } from '../../security/token/token.ts';
import { HDFS_DELEGATION_KIND } from '../../security/token/delegation-token-identifier.ts';
import type { ProtocolSecurityInfo } from '../../security/sasl/rpc/protocol-security.ts';
import type { TokenProtoObject } from '../../security/token/token.ts';
import type { AclEntryProto, AclStatusProto } from './acl-entry.ts';
import type { XAttrProto } from './xattr.ts';
import type {
  ChecksumType, CipherSuite, CryptoProtocolVersion, DataEncryptionKey, DatanodeId, DatanodeInfo, DirectoryListing, ErasureCodingPolicy,
  ExtendedBlock, FsPermission, HdfsFileStatus, LocatedBlock, LocatedBlocks, StorageReport, StorageType,
} from './hdfs-types.ts';

/** declaringClassProtocolName and connection-context protocol of ClientProtocol. */
export const CLIENT_PROTOCOL = 'org.apache.hadoop.hdfs.protocol.ClientProtocol';
/** `ClientProtocol.versionID`, sent as clientProtocolVersion. */
export const CLIENT_PROTOCOL_VERSION = 1n;
/** The proto service (HdfsConstants / ClientNamenodeProtocol.proto). */
export const CLIENT_PROTOCOL_SERVICE = 'hadoop.hdfs.ClientNamenodeProtocol';

/**
 * ClientProtocol's `@KerberosInfo(serverPrincipal = DFS_NAMENODE_KERBEROS_PRINCIPAL_KEY)` and
 * `@TokenInfo(DelegationTokenSelector.class)`: clients check the NameNode principal and present
 * HDFS delegation tokens.
 */
export const CLIENT_PROTOCOL_INFO: ProtocolSecurityInfo = {
  protocol: CLIENT_PROTOCOL,
  version: CLIENT_PROTOCOL_VERSION,
  kerberos: { serverPrincipalKey: 'dfs.namenode.kerberos.principal' },
  token: { kind: HDFS_DELEGATION_KIND },
};

/** IPC method names (the `rpc` names of the ClientNamenodeProtocol service). */
export const ClientProtocolMethod = {
  GET_DELEGATION_TOKEN: 'getDelegationToken',
  RENEW_DELEGATION_TOKEN: 'renewDelegationToken',
  CANCEL_DELEGATION_TOKEN: 'cancelDelegationToken',
  GET_SERVER_DEFAULTS: 'getServerDefaults',
  GET_DATA_ENCRYPTION_KEY: 'getDataEncryptionKey',
  GET_BLOCK_LOCATIONS: 'getBlockLocations',
  CREATE: 'create',
  APPEND: 'append',
  ADD_BLOCK: 'addBlock',
  ABANDON_BLOCK: 'abandonBlock',
  GET_ADDITIONAL_DATANODE: 'getAdditionalDatanode',
  COMPLETE: 'complete',
  FSYNC: 'fsync',
  UPDATE_BLOCK_FOR_PIPELINE: 'updateBlockForPipeline',
  UPDATE_PIPELINE: 'updatePipeline',
  RENEW_LEASE: 'renewLease',
  RECOVER_LEASE: 'recoverLease',
  CONCAT: 'concat',
  TRUNCATE: 'truncate',
  MKDIRS: 'mkdirs',
  SET_PERMISSION: 'setPermission',
  SET_OWNER: 'setOwner',
  GET_FILE_INFO: 'getFileInfo',
  GET_LISTING: 'getListing',
  DELETE: 'delete',
  RENAME: 'rename',
  RENAME2: 'rename2',
  GET_FS_STATS: 'getFsStats',
  GET_CONTENT_SUMMARY: 'getContentSummary',
  GET_QUOTA_USAGE: 'getQuotaUsage',
  SET_QUOTA: 'setQuota',
  SET_TIMES: 'setTimes',
  SET_REPLICATION: 'setReplication',
  CHECK_ACCESS: 'checkAccess',
  GET_FILE_LINK_INFO: 'getFileLinkInfo',
  GET_STORAGE_POLICIES: 'getStoragePolicies',
  GET_STORAGE_POLICY: 'getStoragePolicy',
  // the storage policy changes of `hdfs storagepolicies`
  SET_STORAGE_POLICY: 'setStoragePolicy',
  UNSET_STORAGE_POLICY: 'unsetStoragePolicy',
  SATISFY_STORAGE_POLICY: 'satisfyStoragePolicy',
  GET_FS_REPLICATED_BLOCK_STATS: 'getFsReplicatedBlockStats',
  GET_FS_EC_BLOCK_GROUP_STATS: 'getFsECBlockGroupStats',
  GET_DATANODE_REPORT: 'getDatanodeReport',
  GET_SLOW_DATANODE_REPORT: 'getSlowDatanodeReport',
  SET_SAFE_MODE: 'setSafeMode',
  SAVE_NAMESPACE: 'saveNamespace',
  ROLL_EDITS: 'rollEdits',
  GET_SNAPSHOTTABLE_DIR_LISTING: 'getSnapshottableDirListing',
  ALLOW_SNAPSHOT: 'allowSnapshot',
  DISALLOW_SNAPSHOT: 'disallowSnapshot',
  CREATE_SNAPSHOT: 'createSnapshot',
  // the other snapshot calls (h-snap)
  DELETE_SNAPSHOT: 'deleteSnapshot',
  RENAME_SNAPSHOT: 'renameSnapshot',
  GET_SNAPSHOT_LISTING: 'getSnapshotListing',
  GET_SNAPSHOT_DIFF_REPORT: 'getSnapshotDiffReport',
  GET_SNAPSHOT_DIFF_REPORT_LISTING: 'getSnapshotDiffReportListing',
  MSYNC: 'msync',
  GET_HA_SERVICE_STATE: 'getHAServiceState',
  GET_ENCLOSING_ROOT: 'getEnclosingRoot',
  SET_BALANCER_BANDWIDTH: 'setBalancerBandwidth',
  LIST_OPEN_FILES: 'listOpenFiles',
  MODIFY_ACL_ENTRIES: 'modifyAclEntries',
  REMOVE_ACL_ENTRIES: 'removeAclEntries',
  REMOVE_DEFAULT_ACL: 'removeDefaultAcl',
  REMOVE_ACL: 'removeAcl',
  SET_ACL: 'setAcl',
  GET_ACL_STATUS: 'getAclStatus',
  SET_XATTR: 'setXAttr',
  GET_XATTRS: 'getXAttrs',
  LIST_XATTRS: 'listXAttrs',
  REMOVE_XATTR: 'removeXAttr',
  // file queries, batched listing, symlinks, encryption zones and corrupt files
  IS_FILE_CLOSED: 'isFileClosed',
  GET_PREFERRED_BLOCK_SIZE: 'getPreferredBlockSize',
  GET_LOCATED_FILE_INFO: 'getLocatedFileInfo',
  GET_BATCHED_LISTING: 'getBatchedListing',
  CREATE_SYMLINK: 'createSymlink',
  GET_LINK_TARGET: 'getLinkTarget',
  LIST_ENCRYPTION_ZONES: 'listEncryptionZones',
  LIST_REENCRYPTION_STATUS: 'listReencryptionStatus',
  LIST_CORRUPT_FILE_BLOCKS: 'listCorruptFileBlocks',
  // admin and erasure-coding calls (h-admin)
  GET_DATANODE_STORAGE_REPORT: 'getDatanodeStorageReport',
  RESTORE_FAILED_STORAGE: 'restoreFailedStorage',
  REFRESH_NODES: 'refreshNodes',
  FINALIZE_UPGRADE: 'finalizeUpgrade',
  UPGRADE_STATUS: 'upgradeStatus',
  META_SAVE: 'metaSave',
  GET_CURRENT_EDIT_LOG_TXID: 'getCurrentEditLogTxid',
  GET_EDITS_FROM_TXID: 'getEditsFromTxid',
  SET_ERASURE_CODING_POLICY: 'setErasureCodingPolicy',
  UNSET_ERASURE_CODING_POLICY: 'unsetErasureCodingPolicy',
  GET_EC_TOPOLOGY_RESULT_FOR_POLICIES: 'getECTopologyResultForPolicies',
  GET_ERASURE_CODING_POLICIES: 'getErasureCodingPolicies',
  ADD_ERASURE_CODING_POLICIES: 'addErasureCodingPolicies',
  REMOVE_ERASURE_CODING_POLICY: 'removeErasureCodingPolicy',
  ENABLE_ERASURE_CODING_POLICY: 'enableErasureCodingPolicy',
  DISABLE_ERASURE_CODING_POLICY: 'disableErasureCodingPolicy',
  GET_ERASURE_CODING_POLICY: 'getErasureCodingPolicy',
  GET_ERASURE_CODING_CODECS: 'getErasureCodingCodecs',
  // centralized cache management (`hdfs cacheadmin`)
  ADD_CACHE_DIRECTIVE: 'addCacheDirective',
  MODIFY_CACHE_DIRECTIVE: 'modifyCacheDirective',
  REMOVE_CACHE_DIRECTIVE: 'removeCacheDirective',
  LIST_CACHE_DIRECTIVES: 'listCacheDirectives',
  ADD_CACHE_POOL: 'addCachePool',
  MODIFY_CACHE_POOL: 'modifyCachePool',
  REMOVE_CACHE_POOL: 'removeCachePool',
  LIST_CACHE_POOLS: 'listCachePools',
  // reportBadBlocks: a client found corrupt replicas (h-corrupt)
  REPORT_BAD_BLOCKS: 'reportBadBlocks',
} as const;

/** A Java long field that may exceed 53 bits: a number when it fits, else a bigint (hdfs-proto.ts JAVA_WIDE_LONG_FIELDS). */
export type WideLong = number | bigint;

/** CacheDirectiveInfoExpirationProto: ms, relative to the NameNode's clock or absolute (since the epoch). */
export interface CacheDirectiveExpirationProto {
  millis: WideLong;
  isRelative: boolean;
}

/** CacheDirectiveInfoProto: every field optional (a request, a filter, or a listed directive with all set). */
export interface CacheDirectiveInfoProto {
  id?: WideLong;
  path?: string;
  replication?: number;
  pool?: string;
  expiration?: CacheDirectiveExpirationProto;
}

export interface CacheDirectiveStatsProto {
  bytesNeeded: number;
  bytesCached: number;
  filesNeeded: number;
  filesCached: number;
  hasExpired: boolean;
}

/** CachePoolInfoProto: the name, then what is set (defaultReplication's proto default is 1). */
export interface CachePoolInfoProto {
  poolName?: string;
  ownerName?: string;
  groupName?: string;
  mode?: number;
  limit?: WideLong;
  maxRelativeExpiry?: WideLong;
  defaultReplication?: number;
}

export interface CachePoolStatsProto {
  bytesNeeded: number;
  bytesCached: number;
  bytesOverlimit: WideLong;
  filesNeeded: number;
  filesCached: number;
}

/** CacheFlagProto.FORCE: skip the pool's limit check. */
export const CACHE_FLAG_FORCE = 0x01;

/** CreateFlagProto bits, OR-ed into CreateRequestProto.createFlag (overwrite=true gives CREATE|OVERWRITE = 3). */
export const CreateFlag = { CREATE: 0x01, OVERWRITE: 0x02, APPEND: 0x04, LAZY_PERSIST: 0x10, NEW_BLOCK: 0x20, SHOULD_REPLICATE: 0x80 } as const;

export type AddBlockFlag = 'NO_LOCAL_WRITE' | 'IGNORE_CLIENT_LOCALITY';
type Empty = Record<string, never>;

/** hadoop.common.HAServiceStateProto. */
export type HAServiceState = 'INITIALIZING' | 'ACTIVE' | 'STANDBY' | 'OBSERVER';

/** SnapshottableDirectoryStatusProto (hsec has no snapshottable directory, so it never sends one). */
export interface SnapshottableDirectoryStatus {
  dirStatus: HdfsFileStatus;
  snapshot_quota: number;
  snapshot_number: number;
  parent_fullpath: Uint8Array;
}

/** SnapshotStatusProto: one snapshot of a snapshottable directory (hsec has none, so it never sends one). */
export interface SnapshotStatus {
  dirStatus: HdfsFileStatus;
  snapshotID: number;
  parent_fullpath: Uint8Array;
  isDeleted: boolean;
}

/** SnapshotDiffReportEntryProto: modificationLabel "+", "M", "-" or "R" (then targetPath). */
export interface SnapshotDiffReportEntry {
  fullpath: Uint8Array;
  modificationLabel: string;
  targetPath?: Uint8Array;
}

/** SnapshotDiffReportProto: fromSnapshot / toSnapshot "" for the current tree. */
export interface SnapshotDiffReport {
  snapshotRoot: string;
  fromSnapshot: string;
  toSnapshot: string;
  diffReportEntries?: SnapshotDiffReportEntry[];
}

/** SnapshotDiffReportListingEntryProto. */
export interface SnapshotDiffReportListingEntry {
  fullpath: Uint8Array;
  dirId: number;
  isReference: boolean;
  targetPath?: Uint8Array;
  fileId?: number;
}

/** SnapshotDiffReportCursorProto: where the next call goes on; an empty path and index -1 when the listing is complete. */
export interface SnapshotDiffReportCursor {
  startPath: Uint8Array;
  /** proto default -1 */
  index?: number;
}

/** SnapshotDiffReportListingProto: one batch of getSnapshotDiffReportListing. */
export interface SnapshotDiffReportListing {
  modifiedEntries?: SnapshotDiffReportListingEntry[];
  createdEntries?: SnapshotDiffReportListingEntry[];
  deletedEntries?: SnapshotDiffReportListingEntry[];
  isFromEarlier: boolean;
  cursor?: SnapshotDiffReportCursor;
}

/** OpenFilesTypeProto. */
export type OpenFilesType = 'ALL_OPEN_FILES' | 'BLOCKING_DECOMMISSION';

/** OpenFilesBatchResponseProto (OpenFileEntry): a file under construction and its lease holder. */
export interface OpenFileEntry {
  /** the file's inode id */
  id: number;
  path: string;
  clientName: string;
  clientMachine: string;
}

export interface CreateRequest {
  src: string;
  masked: FsPermission;
  clientName: string;
  /** CreateFlag bits */
  createFlag: number;
  createParent: boolean;
  replication: number;
  /** bytes */
  blockSize: number;
  cryptoProtocolVersion?: CryptoProtocolVersion[];
  unmasked?: FsPermission;
  ecPolicyName?: string;
  storagePolicy?: string;
}

export interface AddBlockRequest {
  src: string;
  clientName: string;
  previous?: ExtendedBlock;
  excludeNodes?: DatanodeInfo[];
  /** default 0 */
  fileId?: number;
  favoredNodes?: string[];
  flags?: AddBlockFlag[];
}

export interface GetAdditionalDatanodeRequest {
  src: string;
  blk: ExtendedBlock;
  existings?: DatanodeInfo[];
  excludes?: DatanodeInfo[];
  numAdditionalNodes: number;
  clientName: string;
  existingStorageUuids?: string[];
  fileId?: number;
}

export interface GetFsStatsResponse {
  capacity: number;
  used: number;
  remaining: number;
  under_replicated: number;
  corrupt_blocks: number;
  missing_blocks: number;
  missing_repl_one_blocks?: number;
  blocks_in_future?: number;
  pending_deletion_blocks?: number;
}

/** GetFsReplicatedBlockStatsResponseProto (ReplicatedBlockStats). */
export interface ReplicatedBlockStats {
  low_redundancy: number;
  corrupt_blocks: number;
  missing_blocks: number;
  missing_repl_one_blocks: number;
  blocks_in_future: number;
  pending_deletion_blocks: number;
  highest_prio_low_redundancy_blocks?: number;
}

/** GetFsECBlockGroupStatsResponseProto (ECBlockGroupStats). */
export interface ECBlockGroupStats {
  low_redundancy: number;
  corrupt_blocks: number;
  missing_blocks: number;
  blocks_in_future: number;
  pending_deletion_blocks: number;
  highest_prio_low_redundancy_blocks?: number;
}

/** DatanodeReportTypeProto (HdfsConstants.DatanodeReportType). */
export type DatanodeReportType = 'ALL' | 'LIVE' | 'DEAD' | 'DECOMMISSIONING' | 'ENTERING_MAINTENANCE' | 'IN_MAINTENANCE';
/** SafeModeActionProto (HdfsConstants.SafeModeAction). */
export type SafeModeAction = 'SAFEMODE_LEAVE' | 'SAFEMODE_ENTER' | 'SAFEMODE_GET' | 'SAFEMODE_FORCE_EXIT';

/** StorageTypeQuotaInfoProto: one storage type's quota and use (sent only when some quota or use is set). */
export interface StorageTypeQuotaInfo {
  /** default DISK */
  type?: StorageType;
  /** -1 = none */
  quota: number;
  /** bytes */
  consumed: number;
}

/** ContentSummaryProto (org.apache.hadoop.fs.ContentSummary). */
export interface ContentSummary {
  /** bytes */
  length: number;
  fileCount: number;
  directoryCount: number;
  /** namespace quota, -1 = none (the root's is Long.MAX_VALUE, a bigint) */
  quota: number | bigint;
  /** bytes, length x replication (a block being written counts as a full preferred block) */
  spaceConsumed: number;
  /** bytes, -1 = none (past 2^53, a bigint) */
  spaceQuota: number | bigint;
  typeQuotaInfos?: { typeQuotaInfo?: StorageTypeQuotaInfo[] };
  snapshotLength?: number;
  snapshotFileCount?: number;
  snapshotDirectoryCount?: number;
  snapshotSpaceConsumed?: number;
  /** "Replicated" for a file, "" for a directory without an erasure coding policy */
  erasureCodingPolicy?: string;
}

/** QuotaUsageProto (org.apache.hadoop.fs.QuotaUsage). */
export interface QuotaUsage {
  fileAndDirectoryCount: number;
  /** -1 = none (the root's is Long.MAX_VALUE, a bigint) */
  quota: number | bigint;
  spaceConsumed: number;
  /** bytes, -1 = none (past 2^53, a bigint) */
  spaceQuota: number | bigint;
  typeQuotaInfos?: { typeQuotaInfo?: StorageTypeQuotaInfo[] };
}

/** BlockStoragePolicyProto: a fallback list that is empty is absent. */
export interface BlockStoragePolicy {
  policyId: number;
  name: string;
  creationPolicy: { storageTypes?: StorageType[] };
  creationFallbackPolicy?: { storageTypes?: StorageType[] };
  replicationFallbackPolicy?: { storageTypes?: StorageType[] };
}

/** RemoteExceptionProto: an exception carried inside a response (a batched listing's failed path). */
export interface RemoteExceptionInfo {
  /** the Java class's canonical name (Class.getCanonicalName: a nested class joined with '.') */
  className: string;
  message?: string;
}

/** BatchedDirectoryListingProto: one path's listing (or its exception) in a getBatchedListing answer. */
export interface BatchedDirectoryListing {
  partialListing?: HdfsFileStatus[];
  /** the index of the path in the request */
  parentIdx: number;
  exception?: RemoteExceptionInfo;
}

/** EncryptionZoneProto (hsec has no encryption zones and never sends one). */
export interface EncryptionZone {
  id: number;
  path: string;
  suite: CipherSuite;
  cryptoProtocolVersion: CryptoProtocolVersion;
  keyName: string;
}

/** ZoneReencryptionStatusProto (hsec has no encryption zones and never sends one). */
export interface ZoneReencryptionStatus {
  id: number;
  path: string;
  state: 'SUBMITTED' | 'PROCESSING' | 'COMPLETED';
  ezKeyVersionName: string;
  submissionTime: number;
  canceled: boolean;
  numReencrypted: number;
  numFailures: number;
  completionTime?: number;
  lastFile?: string;
}

/** CorruptFileBlocksProto: paths of files with corrupt blocks and the cookie to ask for more. */
export interface CorruptFileBlocks {
  files?: string[];
  cookie: string;
}

/** AclEntryProto.FsActionProto names (checkAccess's mode). */
export type FsActionName = 'NONE' | 'EXECUTE' | 'WRITE' | 'WRITE_EXECUTE' | 'READ' | 'READ_EXECUTE' | 'READ_WRITE' | 'PERM_ALL';

/** DatanodeStorageReportProto: a DataNode and the storage reports of its last heartbeat. */
export interface DatanodeStorageReport {
  datanodeInfo: DatanodeInfo;
  storageReports?: StorageReport[];
}

/** AddErasureCodingPolicyResponseProto. */
export interface AddErasureCodingPolicyResponse {
  policy: ErasureCodingPolicy;
  succeed: boolean;
  errorMsg?: string;
}

/** ECTopologyVerifierResultProto. */
export interface ECTopologyVerifierResult {
  resultMessage: string;
  isSupported: boolean;
}

/** Request and response of every ClientProtocol method this project encodes (plain-object forms). */
export interface ClientProtocolMessages {
  getServerDefaults: { request: Empty; response: { serverDefaults: FsServerDefaults } };
  getDataEncryptionKey: { request: Empty; response: { dataEncryptionKey?: DataEncryptionKey } };
  getBlockLocations: { request: { src: string; offset: number; length: number }; response: { locations?: LocatedBlocks } };
  create: { request: CreateRequest; response: { fs?: HdfsFileStatus } };
  /** flag: CreateFlag bits (APPEND, optionally NEW_BLOCK); block: the partial last block to write again, if any */
  append: { request: { src: string; clientName: string; flag?: number }; response: { block?: LocatedBlock; stat?: HdfsFileStatus } };
  addBlock: { request: AddBlockRequest; response: { block: LocatedBlock } };
  abandonBlock: { request: { b: ExtendedBlock; src: string; holder: string; fileId?: number }; response: Empty };
  getAdditionalDatanode: { request: GetAdditionalDatanodeRequest; response: { block: LocatedBlock } };
  complete: { request: { src: string; clientName: string; last?: ExtendedBlock; fileId?: number }; response: { result: boolean } };
  /** lastBlockLength default -1 (unknown) */
  fsync: { request: { src: string; client: string; lastBlockLength?: number; fileId?: number }; response: Empty };
  updateBlockForPipeline: { request: { block: ExtendedBlock; clientName: string }; response: { block: LocatedBlock } };
  updatePipeline: {
    request: { clientName: string; oldBlock: ExtendedBlock; newBlock: ExtendedBlock; newNodes?: DatanodeId[]; storageIDs?: string[] };
    response: Empty;
  };
  renewLease: { request: { clientName: string; namespaces?: string[] }; response: Empty };
  /** true when the file is closed; false while its last block is being recovered (ask again) */
  recoverLease: { request: { src: string; clientName: string }; response: { result: boolean } };
  /** the sources' blocks move to the end of `trg` in order and the sources go (FSDirConcatOp) */
  concat: { request: { trg: string; srcs?: string[] }; response: Empty };
  /** a Java long (uint64 on the wire; a negative one arrives negative); true when closed at newLength now, false while block recovery cuts the last block */
  truncate: { request: { src: string; newLength: number; clientName: string }; response: { result: boolean } };
  mkdirs: { request: { src: string; masked: FsPermission; createParent: boolean; unmasked?: FsPermission }; response: { result: boolean } };
  setPermission: { request: { src: string; permission: FsPermission }; response: Empty };
  /** an absent username or groupname leaves it unchanged (the server translator passes null) */
  setOwner: { request: { src: string; username?: string; groupname?: string }; response: Empty };
  getFileInfo: { request: { src: string }; response: { fs?: HdfsFileStatus } };
  /** startAfter: UTF-8 bytes of the last name returned, empty for the first call */
  getListing: { request: { src: string; startAfter: Uint8Array; needLocation: boolean }; response: { dirList?: DirectoryListing } };
  delete: { request: { src: string; recursive: boolean }; response: { result: boolean } };
  rename: { request: { src: string; dst: string }; response: { result: boolean } };
  rename2: { request: { src: string; dst: string; overwriteDest: boolean; moveToTrash?: boolean }; response: Empty };
  getFsStats: { request: Empty; response: GetFsStatsResponse };
  getFsReplicatedBlockStats: { request: Empty; response: ReplicatedBlockStats };
  getFsECBlockGroupStats: { request: Empty; response: ECBlockGroupStats };
  getDatanodeReport: { request: { type: DatanodeReportType }; response: { di?: DatanodeInfo[] } };
  getSlowDatanodeReport: { request: Empty; response: { datanodeInfoProto?: DatanodeInfo[] } };
  /** checked: ask only an active NameNode (HA); result: whether it is in safe mode afterwards */
  setSafeMode: { request: { action: SafeModeAction; checked?: boolean }; response: { result: boolean } };
  /** timeWindow: seconds; txGap: transactions (0 and 0: save unconditionally); saved defaults to true */
  saveNamespace: { request: { timeWindow?: number; txGap?: number }; response: { saved?: boolean } };
  /** the first transaction id of the edit log segment the roll started (superuser) */
  rollEdits: { request: Empty; response: { newSegmentTxId: number } };
  /** an absent listing: no snapshottable directory (the server translator's answer for null) */
  getSnapshottableDirListing: { request: Empty; response: { snapshottableDirList?: { snapshottableDirListing?: SnapshottableDirectoryStatus[] } } };
  allowSnapshot: { request: { snapshotRoot: string }; response: Empty };
  disallowSnapshot: { request: { snapshotRoot: string }; response: Empty };
  /** snapshotName absent or empty: a generated name; snapshotPath: `<root>/.snapshot/<name>` */
  createSnapshot: { request: { snapshotRoot: string; snapshotName?: string }; response: { snapshotPath: string } };
  // the other snapshot calls (h-snap)
  deleteSnapshot: { request: { snapshotRoot: string; snapshotName: string }; response: Empty };
  renameSnapshot: { request: { snapshotRoot: string; snapshotOldName: string; snapshotNewName: string }; response: Empty };
  /** an absent listing: Hadoop's null (never from a NameNode; the root's is present and empty) */
  getSnapshotListing: { request: { snapshotRoot: string }; response: { snapshotList?: { snapshotListing?: SnapshotStatus[] } } };
  /** fromSnapshot / toSnapshot "" for the current tree */
  getSnapshotDiffReport: { request: { snapshotRoot: string; fromSnapshot: string; toSnapshot: string }; response: { diffReport: SnapshotDiffReport } };
  /** cursor absent: from the start (the server reads the proto defaults: an empty path, index -1) */
  getSnapshotDiffReportListing: { request: { snapshotRoot: string; fromSnapshot: string; toSnapshot: string; cursor?: SnapshotDiffReportCursor }; response: { diffReport: SnapshotDiffReportListing } };
  /** observer reads: wait until this NameNode has caught up (a no-op on an active NameNode) */
  msync: { request: Empty; response: Empty };
  getHAServiceState: { request: Empty; response: { state: HAServiceState } };
  /** the encryption zone root of `filename`, or "/" */
  getEnclosingRoot: { request: { filename?: string }; response: { enclosingRootPath?: string } };
  /** bytes per second, for every DataNode's balancer (superuser) */
  setBalancerBandwidth: { request: { bandwidth: number }; response: Empty };
  /** the open files after inode id `id` (0 for the first batch), under `path` (default "/") */
  listOpenFiles: { request: { id: number; types?: OpenFilesType[]; path?: string }; response: { entries?: OpenFileEntry[]; hasMore: boolean; types?: OpenFilesType[] } };
  getContentSummary: { request: { path: string }; response: { summary: ContentSummary } };
  getQuotaUsage: { request: { path: string }; response: { usage: QuotaUsage } };
  /** Java longs (number or bigint): -1 = QUOTA_RESET, Long.MAX_VALUE = QUOTA_DONT_SET; storageType: a quota by storage type */
  setQuota: { request: { path: string; namespaceQuota: number | bigint; storagespaceQuota: number | bigint; storageType?: StorageType }; response: Empty };
  /** ms since epoch; -1 = leave unchanged */
  setTimes: { request: { src: string; mtime: number; atime: number }; response: Empty };
  setReplication: { request: { src: string; replication: number }; response: { result: boolean } };
  checkAccess: { request: { path: string; mode: FsActionName }; response: Empty };
  getFileLinkInfo: { request: { src: string }; response: { fs?: HdfsFileStatus } };
  getStoragePolicies: { request: Empty; response: { policies?: BlockStoragePolicy[] } };
  getStoragePolicy: { request: { path: string }; response: { storagePolicy: BlockStoragePolicy } };
  /** the storage policy changes: a policy name (any case), none (unset), a request to move replicas to match */
  setStoragePolicy: { request: { src: string; policyName: string }; response: Empty };
  unsetStoragePolicy: { request: { src: string }; response: Empty };
  satisfyStoragePolicy: { request: { src: string }; response: Empty };
  /** the ACL calls (acl.proto): an ACL spec is a list of entries, a removal spec's permissions NONE */
  modifyAclEntries: { request: { src: string; aclSpec?: AclEntryProto[] }; response: Empty };
  removeAclEntries: { request: { src: string; aclSpec?: AclEntryProto[] }; response: Empty };
  removeDefaultAcl: { request: { src: string }; response: Empty };
  removeAcl: { request: { src: string }; response: Empty };
  setAcl: { request: { src: string; aclSpec?: AclEntryProto[] }; response: Empty };
  getAclStatus: { request: { src: string }; response: { result: AclStatusProto } };
  /** the xattr calls (xattr.proto): flag holds XAttrSetFlag bits (CREATE 1, REPLACE 2); getXAttrs with no names asks for all */
  setXAttr: { request: { src: string; xAttr?: XAttrProto; flag?: number }; response: Empty };
  getXAttrs: { request: { src: string; xAttrs?: XAttrProto[] }; response: { xAttrs?: XAttrProto[] } };
  listXAttrs: { request: { src: string }; response: { xAttrs?: XAttrProto[] } };
  removeXAttr: { request: { src: string; xAttr?: XAttrProto }; response: Empty };
  // file queries, batched listing, symlinks, encryption zones and corrupt files
  /** true when `src` is a file not under construction */
  isFileClosed: { request: { src: string }; response: { result: boolean } };
  /** the file's preferred block size, bytes */
  getPreferredBlockSize: { request: { filename: string }; response: { bsize: number } };
  /** the status with the file's block locations (READ block tokens when needBlockToken); absent when `src` does not exist */
  getLocatedFileInfo: { request: { src?: string; needBlockToken?: boolean }; response: { fs?: HdfsFileStatus } };
  /** several paths' listings; startAfter: empty for the first call, then the opaque key of the previous answer */
  getBatchedListing: {
    request: { paths?: string[]; startAfter: Uint8Array; needLocation: boolean };
    response: { listings?: BatchedDirectoryListing[]; hasMore: boolean; startAfter: Uint8Array };
  };
  /** refused: symlinks are disabled in Hadoop 3 */
  createSymlink: { request: { target: string; link: string; dirPerm: FsPermission; createParent: boolean }; response: Empty };
  getLinkTarget: { request: { path: string }; response: { targetPath?: string } };
  /** the zones after zone id `id` (0 for the first batch; superuser) */
  listEncryptionZones: { request: { id: number }; response: { zones?: EncryptionZone[]; hasMore: boolean } };
  listReencryptionStatus: { request: { id: number }; response: { statuses?: ZoneReencryptionStatus[]; hasMore: boolean } };
  /** files under `path` with corrupt blocks (superuser); cookie: where the previous answer stopped */
  listCorruptFileBlocks: { request: { path: string; cookie?: string }; response: { corrupt: CorruptFileBlocks } };
  // admin and erasure-coding calls (h-admin)
  getDatanodeStorageReport: { request: { type: DatanodeReportType }; response: { datanodeStorageReports?: DatanodeStorageReport[] } };
  /** arg: "check", "true" or anything else (false); result: the value afterwards */
  restoreFailedStorage: { request: { arg: string }; response: { result: boolean } };
  refreshNodes: { request: Empty; response: Empty };
  finalizeUpgrade: { request: Empty; response: Empty };
  upgradeStatus: { request: Empty; response: { upgradeFinalized: boolean } };
  /** filename: relative to the NameNode's log directory */
  metaSave: { request: { filename: string }; response: Empty };
  getCurrentEditLogTxid: { request: Empty; response: { txid: number } };
  /** hsec refuses it (no inotify); the response type is inotify.proto's EventsListProto */
  getEditsFromTxid: { request: { txid: number }; response: { eventsList: { batches?: object[]; firstTxid: number; lastTxid: number; syncTxid: number } } };
  /** ecPolicyName absent: the NameNode's default policy (dfs.namenode.ec.system.default.policy) */
  setErasureCodingPolicy: { request: { src: string; ecPolicyName?: string }; response: Empty };
  unsetErasureCodingPolicy: { request: { src: string }; response: Empty };
  getECTopologyResultForPolicies: { request: { policies?: string[] }; response: { response: ECTopologyVerifierResult } };
  getErasureCodingPolicies: { request: Empty; response: { ecPolicies?: ErasureCodingPolicy[] } };
  addErasureCodingPolicies: { request: { ecPolicies?: ErasureCodingPolicy[] }; response: { responses?: AddErasureCodingPolicyResponse[] } };
  removeErasureCodingPolicy: { request: { ecPolicyName: string }; response: Empty };
  enableErasureCodingPolicy: { request: { ecPolicyName: string }; response: Empty };
  disableErasureCodingPolicy: { request: { ecPolicyName: string }; response: Empty };
  /** an absent policy: replicated (no policy, or the REPLICATION policy) */
  getErasureCodingPolicy: { request: { src: string }; response: { ecPolicy?: ErasureCodingPolicy } };
  /** codec name and its coders, comma-separated (CodecRegistry.getCodec2CoderCompactMap) */
  getErasureCodingCodecs: { request: Empty; response: { codec?: { codec: string; coders: string }[] } };
  // centralized cache management (`hdfs cacheadmin`): cacheFlags holds CacheFlagProto bits (FORCE 1)
  addCacheDirective: { request: { info: CacheDirectiveInfoProto; cacheFlags?: number }; response: { id: number } };
  modifyCacheDirective: { request: { info: CacheDirectiveInfoProto; cacheFlags?: number }; response: Empty };
  removeCacheDirective: { request: { id: WideLong }; response: Empty };
  /** the directives after id `prevId` matching `filter` (pool, path, id) */
  listCacheDirectives: {
    request: { prevId: WideLong; filter: CacheDirectiveInfoProto };
    response: { elements?: { info: CacheDirectiveInfoProto; stats: CacheDirectiveStatsProto }[]; hasMore: boolean };
  };
  addCachePool: { request: { info: CachePoolInfoProto }; response: Empty };
  modifyCachePool: { request: { info: CachePoolInfoProto }; response: Empty };
  removeCachePool: { request: { poolName: string }; response: Empty };
  /** the pools after `prevPoolName` ("" for the first batch) */
  listCachePools: {
    request: { prevPoolName: string };
    response: { entries?: { info: CachePoolInfoProto; stats: CachePoolStatsProto }[]; hasMore: boolean };
  };
  getDelegationToken: { request: { renewer: string }; response: { token?: TokenProtoObject } };
  renewDelegationToken: { request: { token: TokenProtoObject }; response: { newExpiryTime: number } };
  cancelDelegationToken: { request: { token: TokenProtoObject }; response: Empty };
  // reportBadBlocks (h-corrupt): each block's locs are the DataNodes whose replica failed its checksum
  reportBadBlocks: { request: { blocks?: LocatedBlock[] }; response: Empty };
}

export type ClientProtocolMethodName = keyof ClientProtocolMessages;

/** Encodes/decodes every ClientProtocol request and response, server and client side. */
export const CLIENT_PROTOCOL_CODEC = new RpcCodec<ClientProtocolMessages>(CLIENT_PROTOCOL_SERVICE);

// A malformed or truncated message is PROTOCOL_MALFORMED (the call gets an ERROR reply, as
// protobuf-java's InvalidProtocolBufferException).

export function encodeGetDelegationTokenRequest(renewer: string): Uint8Array {
  return encodeProto('hadoop.common.GetDelegationTokenRequestProto', { renewer });
}
export function decodeGetDelegationTokenRequest(bytes: Uint8Array): { renewer: string } {
  return decodeProto('hadoop.common.GetDelegationTokenRequestProto', bytes);
}

/** An absent token (secret manager not running) is an empty response, as Hadoop's translator does. */
export function encodeGetDelegationTokenResponse(token: Token | undefined): Uint8Array {
  return encodeProto('hadoop.common.GetDelegationTokenResponseProto', token ? { token: token.toProto() } : {});
}
export function decodeGetDelegationTokenResponse(bytes: Uint8Array): Token | undefined {
  const r = decodeProto<{ token?: TokenProtoObject }>('hadoop.common.GetDelegationTokenResponseProto', bytes);
  return r.token ? Token.fromProto(r.token) : undefined;
}

export function encodeTokenRequest(kind: 'renew' | 'cancel', token: Token): Uint8Array {
  const name = kind === 'renew' ? 'hadoop.common.RenewDelegationTokenRequestProto' : 'hadoop.common.CancelDelegationTokenRequestProto';
  return encodeProto(name, { token: token.toProto() });
}
export function decodeTokenRequest(kind: 'renew' | 'cancel', bytes: Uint8Array): Token {
  const name = kind === 'renew' ? 'hadoop.common.RenewDelegationTokenRequestProto' : 'hadoop.common.CancelDelegationTokenRequestProto';
  return Token.fromProto(decodeProto<{ token: TokenProtoObject }>(name, bytes).token);
}

/** `newExpiryTime` in ms since epoch. */
export function encodeRenewDelegationTokenResponse(newExpiryTime: number): Uint8Array {
  return encodeProto('hadoop.common.RenewDelegationTokenResponseProto', { newExpiryTime });
}
export function decodeRenewDelegationTokenResponse(bytes: Uint8Array): number {
  return decodeProto<{ newExpiryTime: number }>('hadoop.common.RenewDelegationTokenResponseProto', bytes).newExpiryTime;
}

export function encodeCancelDelegationTokenResponse(): Uint8Array {
  return new Uint8Array(0);
}

/** FsServerDefaults as a NameNode reports them (hdfs-default.xml defaults in `DEFAULT_SERVER_DEFAULTS`). */
export interface FsServerDefaults {
  /** bytes */
  blockSize: number;
  bytesPerChecksum: number;
  /** bytes */
  writePacketSize: number;
  replication: number;
  /** io.file.buffer.size, bytes */
  fileBufferSize: number;
  /** dfs.encrypt.data.transfer: a stock client then calls getDataEncryptionKey (proto default false) */
  encryptDataTransfer: boolean;
  /** fs.trash.interval, minutes (proto default 0) */
  trashInterval: number;
  /** proto default CHECKSUM_CRC32, so a NameNode sends CHECKSUM_CRC32C explicitly */
  checksumType: ChecksumType;
  keyProviderUri?: string;
  /** default storage policy id (proto default 0) */
  policyId?: number;
  /** dfs.namenode.snapshot.trashroot.enabled (proto default false) */
  snapshotTrashRootEnabled?: boolean;
}

/** dfs.blocksize 128 MiB, dfs.bytes-per-checksum 512, dfs.client-write-packet-size 64 KiB, dfs.replication 3, io.file.buffer.size 4096, CRC32C. */
export const DEFAULT_SERVER_DEFAULTS: FsServerDefaults = {
  blockSize: 134_217_728,
  bytesPerChecksum: 512,
  writePacketSize: 65_536,
  replication: 3,
  fileBufferSize: 4096,
  encryptDataTransfer: false,
  trashInterval: 0,
  checksumType: 'CHECKSUM_CRC32C',
};

export function encodeGetServerDefaultsResponse(d: FsServerDefaults): Uint8Array {
  return encodeProto('hadoop.hdfs.GetServerDefaultsResponseProto', { serverDefaults: { ...d } });
}
export function decodeGetServerDefaultsResponse(bytes: Uint8Array): FsServerDefaults {
  const r = decodeProto<{ serverDefaults: Partial<FsServerDefaults> & Omit<FsServerDefaults, 'encryptDataTransfer' | 'trashInterval' | 'checksumType'> }>(
    'hadoop.hdfs.GetServerDefaultsResponseProto', bytes);
  const d = r.serverDefaults;
  // proto2 defaults of the optional fields
  return { ...d, encryptDataTransfer: d.encryptDataTransfer ?? false, trashInterval: d.trashInterval ?? 0, checksumType: d.checksumType ?? 'CHECKSUM_CRC32' };
}
