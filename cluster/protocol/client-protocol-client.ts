/**
 * A typed client for ClientProtocol (Hadoop's ClientNamenodeProtocolTranslatorPB): one RpcClient,
 * one NameNode address, the caller's credentials (Kerberos and/or tokens). Each method sends one
 * call and returns the response's field, as the translator does (an absent optional field is
 * `undefined`: no such file, no encryption key). `getDelegationToken` sets the token's service to
 * the NameNode's `ip:port` as DFSClient does (SecurityUtil.setTokenService). Server-side errors
 * arrive as the RpcClient's typed RemoteError.
 */
import { isIP } from 'node:net';
import { resolveAddress } from '../../lib/net/resolve.ts';
import type { RpcCallCredentials, RpcClient } from '../../security/sasl/rpc/rpc-client.ts';
import { buildTokenService } from '../../security/sasl/rpc/token-selector.ts';
import type { Token } from '../../security/token/token.ts';
import {
  CLIENT_PROTOCOL, CLIENT_PROTOCOL_CODEC, CLIENT_PROTOCOL_VERSION, ClientProtocolMethod,
  decodeGetDelegationTokenResponse, decodeGetServerDefaultsResponse, decodeRenewDelegationTokenResponse,
  encodeGetDelegationTokenRequest, encodeTokenRequest,
} from './client-protocol.ts';
import type { AclEntryProto, AclStatusProto } from './acl-entry.ts';
import type { XAttrProto } from './xattr.ts';
import type {
  AddBlockRequest, BlockStoragePolicy, ClientProtocolMessages, ClientProtocolMethodName, ContentSummary, CreateRequest, DatanodeReportType,
  ECBlockGroupStats, FsActionName, FsServerDefaults, GetAdditionalDatanodeRequest, GetFsStatsResponse, QuotaUsage, ReplicatedBlockStats,
  OpenFileEntry, OpenFilesType, SafeModeAction, EncryptionZone, ZoneReencryptionStatus, CorruptFileBlocks,
  CacheDirectiveInfoProto, CacheDirectiveStatsProto, CachePoolInfoProto, CachePoolStatsProto,
  SnapshotDiffReport, SnapshotDiffReportCursor, SnapshotDiffReportListing, SnapshotStatus, SnapshottableDirectoryStatus,
} from './client-protocol.ts';
import type {
  DataEncryptionKey, DatanodeInfo, DirectoryListing, ExtendedBlock, FsPermission, HdfsFileStatus, LocatedBlock, LocatedBlocks, StorageType,
} from './hdfs-types.ts';

export interface ClientProtocolClientOptions {
  rpc: RpcClient;
  address: { host: string; port: number };
  credentials: RpcCallCredentials;
  /** hadoop.security.token.service.use_ip (default true): service = ip:port, else host:port. */
  tokenServiceUseIp?: boolean;
  timeoutMs?: number;
}

export class ClientProtocolClient {
  readonly #o: ClientProtocolClientOptions;

  constructor(options: ClientProtocolClientOptions) {
    this.#o = options;
  }

  #call(method: string, request: Uint8Array): Promise<Uint8Array> {
    return this.#o.rpc.call(this.#o.address, CLIENT_PROTOCOL, method, request, {
      ...this.#o.credentials,
      declaringProtocol: CLIENT_PROTOCOL,
      protocolVersion: CLIENT_PROTOCOL_VERSION,
      timeoutMs: this.#o.timeoutMs,
    });
  }

  async #invoke<M extends ClientProtocolMethodName>(method: M, request: ClientProtocolMessages[M]['request']): Promise<ClientProtocolMessages[M]['response']> {
    return CLIENT_PROTOCOL_CODEC.decodeResponse(method, await this.#call(method, CLIENT_PROTOCOL_CODEC.encodeRequest(method, request)));
  }

  /** The token service string of this NameNode (`ip:port` by default; IPv4 first, as SecurityUtil.buildTokenService under the JDK's ordering). */
  async tokenService(): Promise<string> {
    const { host, port } = this.#o.address;
    if (this.#o.tokenServiceUseIp === false || isIP(host)) return buildTokenService({ host, port });
    return buildTokenService({ host: await resolveAddress(host), port });
  }

  /** Undefined when the NameNode has no running secret manager (security off). */
  async getDelegationToken(renewer: string): Promise<Token | undefined> {
    const token = decodeGetDelegationTokenResponse(await this.#call(ClientProtocolMethod.GET_DELEGATION_TOKEN, encodeGetDelegationTokenRequest(renewer)));
    return token?.withService(await this.tokenService());
  }

  /** Returns the new expiry time, ms since epoch. */
  async renewDelegationToken(token: Token): Promise<number> {
    return decodeRenewDelegationTokenResponse(await this.#call(ClientProtocolMethod.RENEW_DELEGATION_TOKEN, encodeTokenRequest('renew', token)));
  }

  async cancelDelegationToken(token: Token): Promise<void> {
    await this.#call(ClientProtocolMethod.CANCEL_DELEGATION_TOKEN, encodeTokenRequest('cancel', token));
  }

  async getServerDefaults(): Promise<FsServerDefaults> {
    return decodeGetServerDefaultsResponse(await this.#call(ClientProtocolMethod.GET_SERVER_DEFAULTS, new Uint8Array(0)));
  }

  /** Undefined unless the NameNode encrypts data transfer (`encryptDataTransfer` in the server defaults). */
  async getDataEncryptionKey(): Promise<DataEncryptionKey | undefined> {
    return (await this.#invoke('getDataEncryptionKey', {})).dataEncryptionKey;
  }

  /** The blocks covering [offset, offset + length) of `src`; undefined when the NameNode sends none. */
  async getBlockLocations(src: string, offset: number, length: number): Promise<LocatedBlocks | undefined> {
    return (await this.#invoke('getBlockLocations', { src, offset, length })).locations;
  }

  /** ClientProtocol.append: the file's status and, when its partial last block is to be written again, that block. */
  async append(src: string, clientName: string, flag: number): Promise<{ block?: LocatedBlock; stat?: HdfsFileStatus }> {
    return this.#invoke('append', { src, clientName, flag });
  }

  /** The new file's status (a stock client refuses a create response without one). */
  async create(request: CreateRequest): Promise<HdfsFileStatus | undefined> {
    return (await this.#invoke('create', request)).fs;
  }

  async addBlock(request: AddBlockRequest): Promise<LocatedBlock> {
    return (await this.#invoke('addBlock', request)).block;
  }

  async abandonBlock(b: ExtendedBlock, src: string, holder: string, fileId?: number): Promise<void> {
    await this.#invoke('abandonBlock', { b, src, holder, fileId });
  }

  async getAdditionalDatanode(request: GetAdditionalDatanodeRequest): Promise<LocatedBlock> {
    return (await this.#invoke('getAdditionalDatanode', request)).block;
  }

  /** False while the last block lacks its minimal replication: callers retry (DFSOutputStream.completeFile). */
  async complete(src: string, clientName: string, last?: ExtendedBlock, fileId?: number): Promise<boolean> {
    return (await this.#invoke('complete', { src, clientName, last, fileId })).result;
  }

  async fsync(src: string, client: string, lastBlockLength?: number, fileId?: number): Promise<void> {
    await this.#invoke('fsync', { src, client, lastBlockLength, fileId });
  }

  /** A new generation stamp and token for `block` (pipeline recovery). */
  async updateBlockForPipeline(block: ExtendedBlock, clientName: string): Promise<LocatedBlock> {
    return (await this.#invoke('updateBlockForPipeline', { block, clientName })).block;
  }

  async updatePipeline(request: ClientProtocolMessages['updatePipeline']['request']): Promise<void> {
    await this.#invoke('updatePipeline', request);
  }

  async renewLease(clientName: string, namespaces?: string[]): Promise<void> {
    await this.#invoke('renewLease', { clientName, namespaces });
  }

  /** DFSClient.recoverLease: true once the file is closed; false while the NameNode recovers its last block. */
  async recoverLease(src: string, clientName: string): Promise<boolean> {
    return (await this.#invoke('recoverLease', { src, clientName })).result;
  }

  /** ClientProtocol.concat: the blocks of `srcs`, in order, go to the end of `trg`; the sources are gone. */
  async concat(trg: string, srcs: readonly string[]): Promise<void> {
    await this.#invoke('concat', { trg, srcs: [...srcs] });
  }

  /** ClientProtocol.truncate: true when the file is closed at `newLength` now; false while block recovery cuts its last block. */
  async truncate(src: string, newLength: number, clientName: string): Promise<boolean> {
    return (await this.#invoke('truncate', { src, newLength, clientName })).result;
  }

  async mkdirs(request: ClientProtocolMessages['mkdirs']['request']): Promise<boolean> {
    return (await this.#invoke('mkdirs', request)).result;
  }

  /** Sets the permission bits of `src` (the NameNode keeps 0o1777 of them). */
  async setPermission(src: string, perm: number): Promise<void> {
    await this.#invoke('setPermission', { src, permission: { perm } });
  }

  /** Sets the owner and/or group of `src`; an undefined one is not sent and stays as it is. */
  async setOwner(src: string, username?: string, groupname?: string): Promise<void> {
    await this.#invoke('setOwner', { src, ...(username !== undefined ? { username } : {}), ...(groupname !== undefined ? { groupname } : {}) });
  }

  /** Undefined when `src` does not exist. */
  async getFileInfo(src: string): Promise<HdfsFileStatus | undefined> {
    return (await this.#invoke('getFileInfo', { src })).fs;
  }

  /** One page of `src`'s entries after `startAfter` (UTF-8 name bytes; empty for the first page); undefined when `src` does not exist. */
  async getListing(src: string, startAfter: Uint8Array = new Uint8Array(0), needLocation = false): Promise<DirectoryListing | undefined> {
    return (await this.#invoke('getListing', { src, startAfter, needLocation })).dirList;
  }

  async delete(src: string, recursive: boolean): Promise<boolean> {
    return (await this.#invoke('delete', { src, recursive })).result;
  }

  async rename(src: string, dst: string): Promise<boolean> {
    return (await this.#invoke('rename', { src, dst })).result;
  }

  async rename2(src: string, dst: string, overwriteDest: boolean, moveToTrash?: boolean): Promise<void> {
    await this.#invoke('rename2', { src, dst, overwriteDest, moveToTrash });
  }

  async getFsStats(): Promise<GetFsStatsResponse> {
    return this.#invoke('getFsStats', {});
  }

  async getReplicatedBlockStats(): Promise<ReplicatedBlockStats> {
    return this.#invoke('getFsReplicatedBlockStats', {});
  }

  async getECBlockGroupStats(): Promise<ECBlockGroupStats> {
    return this.#invoke('getFsECBlockGroupStats', {});
  }

  /** The DataNodes of `type` (a superuser call). */
  async getDatanodeReport(type: DatanodeReportType): Promise<DatanodeInfo[]> {
    return (await this.#invoke('getDatanodeReport', { type })).di ?? [];
  }

  async getSlowDatanodeReport(): Promise<DatanodeInfo[]> {
    return (await this.#invoke('getSlowDatanodeReport', {})).datanodeInfoProto ?? [];
  }

  /** Whether the NameNode is in safe mode after `action` (ENTER, LEAVE and FORCE_EXIT are superuser calls). */
  async setSafeMode(action: SafeModeAction): Promise<boolean> {
    return (await this.#invoke('setSafeMode', { action, checked: false })).result;
  }

  /** ClientProtocol.setBalancerBandwidth (superuser): bytes per second, sent to every DataNode with its next heartbeat. */
  async setBalancerBandwidth(bandwidth: number): Promise<void> {
    await this.#invoke('setBalancerBandwidth', { bandwidth });
  }

  /**
   * Every open file (DFSClient.listOpenFiles with OpenFilesIterator, superuser): batches after
   * inode id 0, each next one after the last id of the one before, while the NameNode says hasMore.
   */
  async listOpenFiles(types: readonly OpenFilesType[], path: string): Promise<OpenFileEntry[]> {
    const all: OpenFileEntry[] = [];
    let id = 0;
    for (;;) {
      const r = await this.#invoke('listOpenFiles', { id, types: [...types], path });
      const entries = r.entries ?? [];
      all.push(...entries);
      if (!r.hasMore || entries.length === 0) return all;
      id = entries[entries.length - 1]!.id;
    }
  }

  /** ClientProtocol.saveNamespace (superuser, in safe mode): `timeWindowSec` and `txGap` 0 save unconditionally. */
  async saveNamespace(timeWindowSec = 0, txGap = 0): Promise<boolean> {
    return (await this.#invoke('saveNamespace', { timeWindow: timeWindowSec, txGap })).saved ?? true;
  }

  // the snapshot calls (h-snap): ClientNamenodeProtocolTranslatorPB's, each answer as the translator hands it on

  /** ClientProtocol.createSnapshot: the snapshot's path, `<root>/.snapshot/<name>`; no name lets the NameNode choose one. */
  async createSnapshot(snapshotRoot: string, snapshotName?: string): Promise<string> {
    return (await this.#invoke('createSnapshot', { snapshotRoot, ...(snapshotName === undefined ? {} : { snapshotName }) })).snapshotPath;
  }

  async deleteSnapshot(snapshotRoot: string, snapshotName: string): Promise<void> {
    await this.#invoke('deleteSnapshot', { snapshotRoot, snapshotName });
  }

  async renameSnapshot(snapshotRoot: string, snapshotOldName: string, snapshotNewName: string): Promise<void> {
    await this.#invoke('renameSnapshot', { snapshotRoot, snapshotOldName, snapshotNewName });
  }

  /** ClientProtocol.getSnapshottableDirListing: undefined (Hadoop's null) when the response has no listing. */
  async getSnapshottableDirListing(): Promise<SnapshottableDirectoryStatus[] | undefined> {
    const list = (await this.#invoke('getSnapshottableDirListing', {})).snapshottableDirList;
    return list ? (list.snapshottableDirListing ?? []) : undefined;
  }

  /** ClientProtocol.getSnapshotListing: undefined (Hadoop's null) when the response has no listing. */
  async getSnapshotListing(snapshotRoot: string): Promise<SnapshotStatus[] | undefined> {
    const list = (await this.#invoke('getSnapshotListing', { snapshotRoot })).snapshotList;
    return list ? (list.snapshotListing ?? []) : undefined;
  }

  /** ClientProtocol.getSnapshotDiffReport: "" names the current tree. */
  async getSnapshotDiffReport(snapshotRoot: string, fromSnapshot: string, toSnapshot: string): Promise<SnapshotDiffReport> {
    return (await this.#invoke('getSnapshotDiffReport', { snapshotRoot, fromSnapshot, toSnapshot })).diffReport;
  }

  /** ClientProtocol.getSnapshotDiffReportListing: one batch from `cursor` (the translator always sends one). */
  async getSnapshotDiffReportListing(snapshotRoot: string, fromSnapshot: string, toSnapshot: string, cursor: SnapshotDiffReportCursor): Promise<SnapshotDiffReportListing> {
    return (await this.#invoke('getSnapshotDiffReportListing', { snapshotRoot, fromSnapshot, toSnapshot, cursor })).diffReport;
  }

  /** ClientProtocol.rollEdits (superuser, not in safe mode): the first transaction id of the new edit log segment. */
  async rollEdits(): Promise<number> {
    return (await this.#invoke('rollEdits', {})).newSegmentTxId;
  }

  // ---- admin calls of dfsadmin (h-admin) ----

  /** ClientProtocol.finalizeUpgrade (superuser). */
  async finalizeUpgrade(): Promise<void> {
    await this.#invoke('finalizeUpgrade', {});
  }

  /** ClientProtocol.upgradeStatus: whether the last upgrade is finalized. */
  async upgradeStatus(): Promise<boolean> {
    return (await this.#invoke('upgradeStatus', {})).upgradeFinalized;
  }

  /** ClientProtocol.restoreFailedStorage (superuser): "check", "true" or "false"; the flag afterwards. */
  async restoreFailedStorage(arg: string): Promise<boolean> {
    return (await this.#invoke('restoreFailedStorage', { arg })).result;
  }

  /** ClientProtocol.metaSave (superuser): writes `filename` under the NameNode's log directory. */
  async metaSave(filename: string): Promise<void> {
    await this.#invoke('metaSave', { filename });
  }

  /** ClientProtocol.refreshNodes (superuser): the NameNode reads dfs.hosts and dfs.hosts.exclude again. */
  async refreshNodes(): Promise<void> {
    await this.#invoke('refreshNodes', {});
  }

  async getContentSummary(path: string): Promise<ContentSummary> {
    return (await this.#invoke('getContentSummary', { path })).summary;
  }

  async getQuotaUsage(path: string): Promise<QuotaUsage> {
    return (await this.#invoke('getQuotaUsage', { path })).usage;
  }

  /** ClientProtocol.setQuota: -1n = QUOTA_RESET, Long.MAX_VALUE = QUOTA_DONT_SET; `storageType` sets that type's space quota. */
  async setQuota(path: string, namespaceQuota: bigint, storagespaceQuota: bigint, storageType?: StorageType): Promise<void> {
    await this.#invoke('setQuota', { path, namespaceQuota, storagespaceQuota, ...(storageType ? { storageType } : {}) });
  }

  /** ms since epoch; -1 leaves a time as it is */
  async setTimes(src: string, mtime: number, atime: number): Promise<void> {
    await this.#invoke('setTimes', { src, mtime, atime });
  }

  async setReplication(src: string, replication: number): Promise<boolean> {
    return (await this.#invoke('setReplication', { src, replication })).result;
  }

  async checkAccess(path: string, mode: FsActionName): Promise<void> {
    await this.#invoke('checkAccess', { path, mode });
  }

  async modifyAclEntries(src: string, aclSpec: AclEntryProto[]): Promise<void> {
    await this.#invoke('modifyAclEntries', { src, aclSpec });
  }

  async removeAclEntries(src: string, aclSpec: AclEntryProto[]): Promise<void> {
    await this.#invoke('removeAclEntries', { src, aclSpec });
  }

  async removeDefaultAcl(src: string): Promise<void> {
    await this.#invoke('removeDefaultAcl', { src });
  }

  async removeAcl(src: string): Promise<void> {
    await this.#invoke('removeAcl', { src });
  }

  async setAcl(src: string, aclSpec: AclEntryProto[]): Promise<void> {
    await this.#invoke('setAcl', { src, aclSpec });
  }

  async getAclStatus(src: string): Promise<AclStatusProto> {
    return (await this.#invoke('getAclStatus', { src })).result;
  }

  async setXAttr(src: string, xAttr: XAttrProto, flag: number): Promise<void> {
    await this.#invoke('setXAttr', { src, xAttr, flag });
  }

  /** An empty `xAttrs` asks for every attribute the caller may see. */
  async getXAttrs(src: string, xAttrs: XAttrProto[]): Promise<XAttrProto[]> {
    return (await this.#invoke('getXAttrs', { src, xAttrs })).xAttrs ?? [];
  }

  async listXAttrs(src: string): Promise<XAttrProto[]> {
    return (await this.#invoke('listXAttrs', { src })).xAttrs ?? [];
  }

  async removeXAttr(src: string, xAttr: XAttrProto): Promise<void> {
    await this.#invoke('removeXAttr', { src, xAttr });
  }

  async getFileLinkInfo(src: string): Promise<HdfsFileStatus | undefined> {
    return (await this.#invoke('getFileLinkInfo', { src })).fs;
  }

  async getStoragePolicies(): Promise<BlockStoragePolicy[]> {
    return (await this.#invoke('getStoragePolicies', {})).policies ?? [];
  }

  async getStoragePolicy(path: string): Promise<BlockStoragePolicy> {
    return (await this.#invoke('getStoragePolicy', { path })).storagePolicy;
  }

  // the storage policy changes (`hsec storagepolicies`)
  async setStoragePolicy(src: string, policyName: string): Promise<void> {
    await this.#invoke('setStoragePolicy', { src, policyName });
  }

  async unsetStoragePolicy(src: string): Promise<void> {
    await this.#invoke('unsetStoragePolicy', { src });
  }

  async satisfyStoragePolicy(src: string): Promise<void> {
    await this.#invoke('satisfyStoragePolicy', { src });
  }

  // file queries, batched listing, symlinks, encryption zones and corrupt files

  /** ClientProtocol.isFileClosed: true when `src` is a file nobody is writing. */
  async isFileClosed(src: string): Promise<boolean> {
    return (await this.#invoke('isFileClosed', { src })).result;
  }

  /** ClientProtocol.getPreferredBlockSize (DFSClient.getBlockSize): bytes. */
  async getPreferredBlockSize(filename: string): Promise<number> {
    return (await this.#invoke('getPreferredBlockSize', { filename })).bsize;
  }

  /** ClientProtocol.getLocatedFileInfo: the status with the file's block locations (READ block tokens when `needBlockToken`); undefined when `src` does not exist. */
  async getLocatedFileInfo(src: string, needBlockToken = false): Promise<HdfsFileStatus | undefined> {
    return (await this.#invoke('getLocatedFileInfo', { src, needBlockToken })).fs;
  }

  /** ClientProtocol.getBatchedListing: one page over several paths; pass the answer's startAfter back while hasMore. */
  async getBatchedListing(paths: readonly string[], startAfter: Uint8Array = new Uint8Array(0), needLocation = false): Promise<ClientProtocolMessages['getBatchedListing']['response']> {
    return this.#invoke('getBatchedListing', { paths: [...paths], startAfter, needLocation });
  }

  /** ClientProtocol.createSymlink (a Hadoop 3 NameNode refuses it: symlinks are disabled). */
  async createSymlink(target: string, link: string, dirPerm: FsPermission, createParent: boolean): Promise<void> {
    await this.#invoke('createSymlink', { target, link, dirPerm, createParent });
  }

  async getLinkTarget(path: string): Promise<string | undefined> {
    return (await this.#invoke('getLinkTarget', { path })).targetPath;
  }

  /** Every encryption zone (superuser), batch after batch as EncryptionZoneIterator asks: each after the last id of the one before, while hasMore. */
  async listEncryptionZones(): Promise<EncryptionZone[]> {
    return this.#batches((id) => this.#invoke('listEncryptionZones', { id }).then((r) => ({ entries: r.zones ?? [], hasMore: r.hasMore })));
  }

  /** Every zone's re-encryption status (superuser), as ReencryptionStatusIterator asks. */
  async listReencryptionStatus(): Promise<ZoneReencryptionStatus[]> {
    return this.#batches((id) => this.#invoke('listReencryptionStatus', { id }).then((r) => ({ entries: r.statuses ?? [], hasMore: r.hasMore })));
  }

  async #batches<T extends { id: number }>(ask: (prevId: number) => Promise<{ entries: T[]; hasMore: boolean }>): Promise<T[]> {
    const all: T[] = [];
    let id = 0;
    for (;;) {
      const { entries, hasMore } = await ask(id);
      all.push(...entries);
      if (!hasMore || entries.length === 0) return all;
      id = entries[entries.length - 1]!.id;
    }
  }

  /** ClientProtocol.listCorruptFileBlocks (superuser): one page of files under `path` with corrupt blocks, and the cookie to ask for the next. */
  async listCorruptFileBlocks(path: string, cookie?: string): Promise<Required<CorruptFileBlocks>> {
    const { corrupt } = await this.#invoke('listCorruptFileBlocks', { path, ...(cookie !== undefined ? { cookie } : {}) });
    return { files: corrupt.files ?? [], cookie: corrupt.cookie };
  }

  // ---- centralized cache management (`hsec cacheadmin`; DFSClient's cache calls) ----

  /** ClientProtocol.addCacheDirective: the new directive's id. `flags`: CacheFlagProto bits (FORCE 1). */
  async addCacheDirective(info: CacheDirectiveInfoProto, flags = 0): Promise<number> {
    return (await this.#invoke('addCacheDirective', { info, cacheFlags: flags })).id;
  }

  async modifyCacheDirective(info: CacheDirectiveInfoProto, flags = 0): Promise<void> {
    await this.#invoke('modifyCacheDirective', { info, cacheFlags: flags });
  }

  async removeCacheDirective(id: number | bigint): Promise<void> {
    await this.#invoke('removeCacheDirective', { id });
  }

  /**
   * The directives matching `filter`, batch by batch as CacheDirectiveIterator (a
   * BatchedRemoteIterator) asks for them: after id 0, then after the last id listed, while the
   * NameNode says hasMore. A refusal surfaces when the batch is asked for.
   */
  async *listCacheDirectives(filter: CacheDirectiveInfoProto = {}): AsyncGenerator<{ info: CacheDirectiveInfoProto; stats: CacheDirectiveStatsProto }> {
    let prevId: number | bigint = 0;
    for (;;) {
      const r: ClientProtocolMessages['listCacheDirectives']['response'] = await this.#invoke('listCacheDirectives', { prevId, filter });
      const elements = r.elements ?? [];
      yield* elements;
      if (!r.hasMore || elements.length === 0) return;
      prevId = elements[elements.length - 1]!.info.id ?? prevId;
    }
  }

  async addCachePool(info: CachePoolInfoProto): Promise<void> {
    await this.#invoke('addCachePool', { info });
  }

  async modifyCachePool(info: CachePoolInfoProto): Promise<void> {
    await this.#invoke('modifyCachePool', { info });
  }

  async removeCachePool(poolName: string): Promise<void> {
    await this.#invoke('removeCachePool', { poolName });
  }

  /** Every pool, batch by batch as CachePoolIterator asks: after "", then after the last name listed, while hasMore. */
  async *listCachePools(): AsyncGenerator<{ info: CachePoolInfoProto; stats: CachePoolStatsProto }> {
    let prevPoolName = '';
    for (;;) {
      const r = await this.#invoke('listCachePools', { prevPoolName });
      const entries = r.entries ?? [];
      yield* entries;
      if (!r.hasMore || entries.length === 0) return;
      prevPoolName = entries[entries.length - 1]!.info.poolName ?? prevPoolName;
    }
  }

  // ---- reportBadBlocks (h-corrupt) ----
  /** ClientProtocol.reportBadBlocks: the replicas on each block's `locs` are corrupt (DFSClient.reportBadBlocks). */
  async reportBadBlocks(blocks: LocatedBlock[]): Promise<void> {
    await this.#invoke('reportBadBlocks', { blocks });
  }
}
