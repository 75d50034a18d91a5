/**
 * Method table and pure codecs of DatanodeProtocol, the DataNode -> NameNode protocol
 * (org.apache.hadoop.hdfs.server.protocol.DatanodeProtocol over Hadoop IPC with the protobuf engine;
 * DatanodeProtocolPB, DatanodeProtocolClientSideTranslatorPB / ServerSideTranslatorPB): version
 * handshake, registration, heartbeats with their commands (KeyUpdateCommand carries the block keys),
 * full and incremental block reports, error reports. Messages in ./DatanodeProtocol.proto,
 * ./HdfsServer.proto and ./hdfs.proto; block-report payloads in ./block-list-as-longs.ts.
 * `DATANODE_PROTOCOL_CODEC` encodes and decodes every request and response in both directions.
 */
import { DelegationKey } from '../../security/token/keys/delegation-key.ts';
import type { ExportedBlockKeys } from '../../security/token/keys/exported-block-keys.ts';
import type { ProtocolSecurityInfo } from '../../security/sasl/rpc/protocol-security.ts';
import { RpcCodec } from './rpc-codec.ts';
import type {
  Block, BlockKeyProtoObject, DatanodeId, DatanodeInfo, DatanodeStorage, ExportedBlockKeysProtoObject, ExtendedBlock,
  LocatedBlock, StorageReport, StorageType,
} from './hdfs-types.ts';

/** Protocol name on the wire (`DatanodeProtocolPB`'s @ProtocolInfo protocolName). */
export const DATANODE_PROTOCOL = 'org.apache.hadoop.hdfs.server.protocol.DatanodeProtocol';
/** clientProtocolVersion in the RPC header (@ProtocolInfo protocolVersion; the interface's versionID 28 is not sent). */
export const DATANODE_PROTOCOL_VERSION = 1n;
export const DATANODE_PROTOCOL_SERVICE = 'hadoop.hdfs.datanode.DatanodeProtocolService';

/**
 * DatanodeProtocolPB's `@KerberosInfo(serverPrincipal = DFS_NAMENODE_KERBEROS_PRINCIPAL_KEY,
 * clientPrincipal = DFS_DATANODE_KERBEROS_PRINCIPAL_KEY)`; no @TokenInfo: DataNodes authenticate
 * with Kerberos only. Service ACL: security.datanode.protocol.acl.
 */
export const DATANODE_PROTOCOL_INFO: ProtocolSecurityInfo = {
  protocol: DATANODE_PROTOCOL,
  version: DATANODE_PROTOCOL_VERSION,
  kerberos: { serverPrincipalKey: 'dfs.namenode.kerberos.principal', clientPrincipalKey: 'dfs.datanode.kerberos.principal' },
};

/** Layout versions of Hadoop 3.4.1 (NameNodeLayoutVersion / DataNodeLayoutVersion CURRENT_LAYOUT_VERSION). */
export const NAMENODE_LAYOUT_VERSION = -67;
export const DATANODE_LAYOUT_VERSION = -57;

/** `DatanodeProtocol` action codes (DNA_*), as DatanodeCommand.getAction() reports them. */
export const DatanodeAction = {
  DNA_UNKNOWN: 0, DNA_TRANSFER: 1, DNA_INVALIDATE: 2, DNA_SHUTDOWN: 3, DNA_REGISTER: 4, DNA_FINALIZE: 5,
  DNA_RECOVERBLOCK: 6, DNA_ACCESSKEYUPDATE: 7, DNA_BALANCERBANDWIDTHUPDATE: 8, DNA_CACHE: 9, DNA_UNCACHE: 10,
} as const;

/** ErrorReportRequestProto.ErrorCode values (errorCode is a plain uint32). */
export const DatanodeErrorCode = { NOTIFY: 0, DISK_ERROR: 1, INVALID_BLOCK: 2, FATAL_DISK_ERROR: 3 } as const;

export type HaState = 'ACTIVE' | 'STANDBY' | 'OBSERVER';
type Empty = Record<string, never>;

/** StorageInfoProto; layoutVersion and namespceID (sic) are Java ints (negative layout versions). */
export interface StorageInfo {
  layoutVersion: number;
  namespceID: number;
  clusterID: string;
  /** ms */
  cTime: number;
}

export interface NamespaceInfo {
  buildVersion: string;
  /** always 0 */
  unused: number;
  blockPoolID: string;
  storageInfo: StorageInfo;
  softwareVersion: string;
  /** bit mask; 3.4.1 sends CAPABILITY_STORAGE_BLOCK_REPORT_BUFFERS (default 0) */
  capabilities?: number;
  state?: HaState;
}

export interface DatanodeRegistration {
  datanodeID: DatanodeId;
  storageInfo: StorageInfo;
  keys: ExportedBlockKeysProtoObject;
  softwareVersion: string;
}

export interface BlockCommand {
  action: 'TRANSFER' | 'INVALIDATE' | 'SHUTDOWN';
  blockPoolId: string;
  blocks?: Block[];
  targets?: { datanodes?: DatanodeInfo[] }[];
  targetStorageUuids?: { storageUuids?: string[] }[];
  targetStorageTypes?: { storageTypes?: StorageType[] }[];
}

export type DatanodeCommandType =
  | 'BalancerBandwidthCommand' | 'BlockCommand' | 'BlockRecoveryCommand' | 'FinalizeCommand' | 'KeyUpdateCommand'
  | 'RegisterCommand' | 'UnusedUpgradeCommand' | 'NullDatanodeCommand' | 'BlockIdCommand' | 'BlockECReconstructionCommand';

/** DatanodeCommandProto: `cmdType` says which one of the optional command fields is set. */
export interface DatanodeCommand {
  cmdType: DatanodeCommandType;
  balancerCmd?: { bandwidth: number };
  blkCmd?: BlockCommand;
  recoveryCmd?: { blocks?: { newGenStamp: number; block: LocatedBlock; truncateBlock?: Block }[] };
  finalizeCmd?: { blockPoolId: string };
  keyUpdateCmd?: { keys: ExportedBlockKeysProtoObject };
  registerCmd?: Empty;
  blkIdCmd?: { action: 'CACHE' | 'UNCACHE'; blockPoolId: string; blockIds?: number[] };
}

export interface HeartbeatRequest {
  registration: DatanodeRegistration;
  reports?: StorageReport[];
  xmitsInProgress?: number;
  xceiverCount?: number;
  failedVolumes?: number;
  cacheCapacity?: number;
  cacheUsed?: number;
  volumeFailureSummary?: { failedStorageLocations?: string[]; lastVolumeFailureDate: number; estimatedCapacityLostTotal: number };
  /** the first heartbeat after registration asks for a full-block-report lease */
  requestFullBlockReportLease?: boolean;
  slowPeers?: { dataNodeId?: string; aggregateLatency?: number }[];
  slowDisks?: { basePath?: string; meanMetadataOpLatency?: number; meanReadIoLatency?: number; meanWriteIoLatency?: number }[];
}

export interface HeartbeatResponse {
  cmds?: DatanodeCommand[];
  /** required */
  haStatus: { state: HaState; txid: number };
  rollingUpgradeStatus?: { blockPoolId: string; finalized?: boolean };
  rollingUpgradeStatusV2?: { blockPoolId: string; finalized?: boolean };
  /** default 0 (no lease) */
  fullBlockReportLeaseId?: number;
  isSlownode?: boolean;
}

/** StorageBlockReportProto: the block list as encodeBlockList (./block-list-as-longs.ts) makes it. */
export interface StorageBlockReport {
  storage: DatanodeStorage;
  blocks?: bigint[];
  numberOfBlocks?: number;
  blocksBuffers?: Uint8Array[];
}

export interface BlockReportRequest {
  registration: DatanodeRegistration;
  blockPoolId: string;
  reports?: StorageBlockReport[];
  context?: { totalRpcs: number; curRpc: number; id: number; leaseId?: number; sorted?: boolean };
}

export interface ReceivedDeletedBlockInfo {
  block: Block;
  status: 'RECEIVING' | 'RECEIVED' | 'DELETED';
  deleteHint?: string;
}

export interface BlockReceivedAndDeletedRequest {
  registration: DatanodeRegistration;
  blockPoolId: string;
  blocks?: { storageUuid: string; blocks?: ReceivedDeletedBlockInfo[]; storage?: DatanodeStorage }[];
}

/** Request and response of every DatanodeProtocol method (plain-object forms). */
export interface DatanodeProtocolMessages {
  versionRequest: { request: Empty; response: { info: NamespaceInfo } };
  registerDatanode: { request: { registration: DatanodeRegistration }; response: { registration: DatanodeRegistration } };
  sendHeartbeat: { request: HeartbeatRequest; response: HeartbeatResponse };
  blockReport: { request: BlockReportRequest; response: { cmd?: DatanodeCommand } };
  cacheReport: { request: { registration: DatanodeRegistration; blockPoolId: string; blocks?: number[] }; response: { cmd?: DatanodeCommand } };
  blockReceivedAndDeleted: { request: BlockReceivedAndDeletedRequest; response: Empty };
  /** `registartion` (sic) as in Hadoop's proto; errorCode from DatanodeErrorCode */
  errorReport: { request: { registartion: DatanodeRegistration; errorCode: number; msg: string }; response: Empty };
  reportBadBlocks: { request: { blocks?: LocatedBlock[] }; response: Empty };
  commitBlockSynchronization: {
    request: {
      block: ExtendedBlock; newGenStamp: number; newLength: number; closeFile: boolean; deleteBlock: boolean;
      newTaragets?: DatanodeId[]; newTargetStorages?: string[];
    };
    response: Empty;
  };
}

export type DatanodeProtocolMethodName = keyof DatanodeProtocolMessages;

/** Encodes/decodes every DatanodeProtocol request and response, NameNode and DataNode side. */
export const DATANODE_PROTOCOL_CODEC = new RpcCodec<DatanodeProtocolMessages>(DATANODE_PROTOCOL_SERVICE);

/** PBHelper.convert(BlockKey): key bytes always written (empty when the key has none). */
export function blockKeyToProto(key: DelegationKey): BlockKeyProtoObject {
  return { keyId: key.keyId, expiryDate: key.expiryDate, keyBytes: key.key ?? new Uint8Array(0) };
}

export function blockKeyFromProto(p: BlockKeyProtoObject): DelegationKey {
  return new DelegationKey(p.keyId, p.expiryDate, p.keyBytes ?? new Uint8Array(0));
}

/** PBHelper.convert(ExportedBlockKeys). */
export function exportedBlockKeysToProto(keys: ExportedBlockKeys): ExportedBlockKeysProtoObject {
  return {
    isBlockTokenEnabled: keys.isBlockTokenEnabled,
    keyUpdateInterval: keys.keyUpdateInterval,
    tokenLifeTime: keys.tokenLifetime,
    currentKey: blockKeyToProto(keys.currentKey),
    ...(keys.allKeys.length > 0 ? { allKeys: keys.allKeys.map(blockKeyToProto) } : {}),
  };
}

export function exportedBlockKeysFromProto(p: ExportedBlockKeysProtoObject): ExportedBlockKeys {
  return {
    isBlockTokenEnabled: p.isBlockTokenEnabled,
    keyUpdateInterval: p.keyUpdateInterval,
    tokenLifetime: p.tokenLifeTime,
    currentKey: blockKeyFromProto(p.currentKey),
    allKeys: (p.allKeys ?? []).map(blockKeyFromProto),
  };
}

/** The heartbeat command that hands a DataNode new block keys (BlockManager, after a key roll). */
export function keyUpdateCommand(keys: ExportedBlockKeys): DatanodeCommand {
  return { cmdType: 'KeyUpdateCommand', keyUpdateCmd: { keys: exportedBlockKeysToProto(keys) } };
}

/** RegisterCommand.REGISTER: asks a DataNode to register again (heartbeat from an unknown node). */
export const REGISTER_COMMAND: DatanodeCommand = Object.freeze({ cmdType: 'RegisterCommand', registerCmd: {} as Empty });
