/**
 * The ClientProtocol calls of the HDFS data path (Hadoop's NameNodeRpcServer +
 * ClientNamenodeProtocolServerSideTranslatorPB): decodes each request with CLIENT_PROTOCOL_CODEC,
 * runs it on the namesystem as the calling user (its auth_to_local short name and groups; the RPC
 * peer's address is the client machine), and encodes the response. Refusals are typed errors that
 * carry the Java class a stock client expects (namespace/fs-errors.ts). The delegation-token calls
 * and getServerDefaults are token-service.ts's. getFileLinkInfo answers as getFileInfo (hsec has no
 * symlinks; NameNodeRpcServer.getFileLinkInfo is getFileInfo without resolving a final link), an
 * empty response for a missing path. The storage policy calls are storage-policies.ts's. The status calls of `hdfs dfsadmin` (stats, DataNode reports,
 * safe mode, saveNamespace, rollEdits) are cluster-status.ts's; the snapshot calls (hsec has no
 * snapshots) are snapshot-ops.ts's. msync is NameNodeRpcServer.msync on an active NameNode (a
 * write-category check that always passes: nothing to wait for), getHAServiceState answers ACTIVE
 * (hsec runs one NameNode, never standby or observer), and getEnclosingRoot is the namesystem's; setQuota is quota-ops.ts's; the ACL calls are acl-ops.ts's (AclEntryProto lists converted
 * as PBHelperClient.convertAclEntry does); the xattr calls are xattr-ops.ts's (XAttrProto as
 * PBHelperClient.convertXAttr does; an absent flag is 0, which setXAttr refuses). isFileClosed,
 * getPreferredBlockSize, getLocatedFileInfo, createSymlink and getLinkTarget are file-queries.ts's
 * (symlinks are refused, as Hadoop 3 disables them), getBatchedListing is batched-listing.ts's, the
 * encryption-zone listings (always empty: hsec has no zones) encryption-zone-ops.ts's and
 * listCorruptFileBlocks corrupt-files.ts's. The NameNode admin calls of `hdfs dfsadmin` and the Balancer (upgrade status and finalize, restoreFailedStorage,
 * metaSave, refreshNodes, getDatanodeStorageReport, the edit-log txid, inotify refused) are
 * namenode-admin-ops.ts's; the erasure-coding calls of `hdfs ec` are erasure-coding-ops.ts's; the
 * centralized cache management calls of `hdfs cacheadmin` are cache-ops.ts's.
 */
import type { CallContext, MethodHandler, ProtocolHandlers } from '../../lib/rpc/call-context.ts';
import { ugiString } from '../../lib/rpc/ugi-string.ts';
import type { Groups } from '../../security/identity/groups.ts';
import type { BlockTokenSecretManager } from '../../security/token/block-token-secret-manager.ts';
import { aclEntryFromProto, aclStatusToProto } from '../protocol/acl-entry.ts';
import { CLIENT_PROTOCOL_CODEC, type ClientProtocolMessages, type ClientProtocolMethodName } from '../protocol/client-protocol.ts';
import { AclOps } from './acl-ops.ts';
import { CacheOps } from './cache-ops.ts';
import { xattrFromProto, xattrToProto } from '../protocol/xattr.ts';
import { XAttrOps } from './xattr-ops.ts';
import { BatchedListing } from './batched-listing.ts';
import { CorruptFiles } from './corrupt-files.ts';
import { reportBadBlocks } from './bad-blocks.ts';
import { EncryptionZoneOps } from './encryption-zone-ops.ts';
import { FileQueries } from './file-queries.ts';
import { ClusterStatus } from './cluster-status.ts';
import { ContentSummaries } from './content-summary.ts';
import { DatanodeAdminOps } from './datanode-admin-ops.ts';
import { ErasureCodingOps } from './erasure-coding-ops.ts';
import { NameNodeAdminOps, type NameNodeAdminOpsOptions } from './namenode-admin-ops.ts';
import type { FileAttributes } from './file-attributes.ts';
import type { FileWrites } from './file-writes.ts';
import type { CallerInfo, FsNamesystem } from './namesystem.ts';
import { checkPathLength } from './namespace/paths.ts';
import { FsAction } from './namespace/permission-checker.ts';
import { QuotaOps } from './quota-ops.ts';
import { SnapshotOps } from './snapshot-ops.ts';
import { StoragePolicies } from './storage-policies.ts';

export interface ClientServiceOptions {
  namesystem: FsNamesystem;
  writes: FileWrites;
  attributes: FileAttributes;
  groups: Groups;
  /** the NameNode's block token manager (null = block tokens off) */
  tokens: BlockTokenSecretManager | null;
  /** dfs.encrypt.data.transfer */
  encryptDataTransfer: boolean;
  /** metaSave's log directory, the restoreFailedStorage flag at start, refreshNodes' configuration */
  admin: NameNodeAdminOpsOptions;
}

type Messages = ClientProtocolMessages;
type Impl<M extends ClientProtocolMethodName> = (req: Messages[M]['request'], caller: CallerInfo) => Promise<Messages[M]['response']> | Messages[M]['response'];

export class ClientService {
  readonly #o: ClientServiceOptions;

  constructor(options: ClientServiceOptions) {
    this.#o = options;
  }

  async #caller(ctx: CallContext): Promise<CallerInfo> {
    return {
      user: ctx.shortUser, groups: await this.#o.groups.groups(ctx.shortUser), address: ctx.remoteAddress, ugi: ugiString(ctx.user, ctx.authMethod, ctx.realUser),
      call: { clientId: ctx.clientId, callId: ctx.callId },
    };
  }

  #method<M extends ClientProtocolMethodName>(name: M, impl: Impl<M>): [string, MethodHandler] {
    return [name, async (bytes, ctx) => {
      const req = CLIENT_PROTOCOL_CODEC.decodeRequest(name, bytes);
      return CLIENT_PROTOCOL_CODEC.encodeResponse(name, await impl(req, await this.#caller(ctx)));
    }];
  }

  /** Handlers to register under CLIENT_PROTOCOL next to the token service's. */
  handlers(): ProtocolHandlers {
    const { namesystem: ns, writes, attributes } = this.#o;
    const summaries = new ContentSummaries(ns);
    const policies = new StoragePolicies(ns);
    const status = new ClusterStatus(ns);
    const acls = new AclOps(ns);
    const xattrs = new XAttrOps(ns);
    const dnAdmin = new DatanodeAdminOps(ns);
    const quotas = new QuotaOps(ns);
    const snapshots = new SnapshotOps(ns);
    const queries = new FileQueries(ns);
    const batched = new BatchedListing(ns);
    const zones = new EncryptionZoneOps(ns);
    const corrupt = new CorruptFiles(ns);
    const nnAdmin = new NameNodeAdminOps(ns, this.#o.admin);
    const ec = new ErasureCodingOps(ns);
    const cache = new CacheOps(ns);
    return Object.fromEntries([
      this.#method('getDataEncryptionKey', () => {
        const { tokens, encryptDataTransfer } = this.#o;
        return tokens && encryptDataTransfer ? { dataEncryptionKey: tokens.generateDataEncryptionKey() } : {};
      }),
      this.#method('getBlockLocations', async (r, c) => ({ locations: await ns.getBlockLocations(r.src, r.offset, r.length, c) })),
      // NameNodeRpcServer.checkPathLength before anything else: create's and mkdirs' path, a rename's destination
      this.#method('create', async (r, c) => {
        checkPathLength('create', r.src);
        return { fs: await writes.create(r, c) };
      }),
      this.#method('append', (r, c) => writes.append(r, c)),
      this.#method('addBlock', async (r, c) => ({ block: await writes.addBlock(r, c) })),
      this.#method('abandonBlock', async (r) => {
        await writes.abandonBlock(r.b, r.src, r.holder, r.fileId);
        return {};
      }),
      this.#method('getAdditionalDatanode', (r, c) => ({ block: writes.getAdditionalDatanode(r, c) })),
      this.#method('complete', async (r) => ({ result: await writes.complete(r.src, r.clientName, r.last, r.fileId) })),
      this.#method('fsync', async (r) => {
        await writes.fsync(r.src, r.client, r.lastBlockLength, r.fileId);
        return {};
      }),
      this.#method('updateBlockForPipeline', async (r, c) => ({ block: await writes.updateBlockForPipeline(r.block, r.clientName, c) })),
      this.#method('updatePipeline', async (r) => {
        await writes.updatePipeline(r);
        return {};
      }),
      this.#method('renewLease', (r) => {
        writes.renewLease(r.clientName);
        return {};
      }),
      this.#method('recoverLease', async (r, c) => ({ result: await writes.recoverLease(r.src, r.clientName, c) })),
      this.#method('concat', async (r, c) => {
        await writes.concat(r.trg, r.srcs ?? [], c);
        return {};
      }),
      this.#method('truncate', async (r, c) => ({ result: await writes.truncate(r.src, r.newLength, r.clientName, c) })),
      this.#method('mkdirs', async (r, c) => {
        checkPathLength('mkdirs', r.src);
        return { result: await ns.mkdirs(r.src, r.masked, r.createParent, c, r.unmasked) };
      }),
      this.#method('setPermission', async (r, c) => {
        await attributes.setPermission(r.src, r.permission, c);
        return {};
      }),
      this.#method('setOwner', async (r, c) => {
        await attributes.setOwner(r.src, r.username, r.groupname, c);
        return {};
      }),
      this.#method('getFileInfo', (r, c) => {
        const fs = ns.getFileInfo(r.src, c);
        return fs ? { fs } : {};
      }),
      this.#method('getListing', (r, c) => {
        const dirList = ns.getListing(r.src, r.startAfter, r.needLocation, c);
        return dirList ? { dirList } : {};
      }),
      this.#method('delete', async (r, c) => ({ result: await ns.delete(r.src, r.recursive, c) })),
      this.#method('rename', async (r, c) => {
        checkPathLength('rename', r.dst);
        return { result: await ns.rename(r.src, r.dst, c) };
      }),
      this.#method('rename2', async (r, c) => {
        checkPathLength('rename', r.dst);
        await ns.rename2(r.src, r.dst, r.overwriteDest, c, r.moveToTrash ?? false);
        return {};
      }),
      this.#method('getFileLinkInfo', (r, c) => {
        const fs = ns.getFileInfo(r.src, c);
        return fs ? { fs } : {};
      }),
      this.#method('getContentSummary', (r, c) => ({ summary: summaries.getContentSummary(r.path, c) })),
      this.#method('getQuotaUsage', (r, c) => ({ usage: summaries.getQuotaUsage(r.path, c) })),
      this.#method('setQuota', async (r, c) => {
        await quotas.setQuota(r.path, BigInt(r.namespaceQuota), BigInt(r.storagespaceQuota), r.storageType, c);
        return {};
      }),
      this.#method('setTimes', async (r, c) => {
        await attributes.setTimes(r.src, r.mtime, r.atime, c);
        return {};
      }),
      // the server translator casts the uint32 to a Java short: 40000 arrives as -25536 and is refused as below the minimum
      this.#method('setReplication', async (r, c) => ({ result: await attributes.setReplication(r.src, (r.replication << 16) >> 16, c) })),
      this.#method('checkAccess', (r, c) => {
        // PBHelperClient.convert(FsActionProto): PERM_ALL is FsAction.ALL, the others share their bits
        ns.checkAccess(r.path, r.mode === 'PERM_ALL' ? FsAction.ALL : FsAction[r.mode], c);
        return {};
      }),
      this.#method('getStoragePolicies', () => ({ policies: [...policies.getStoragePolicies()] })),
      this.#method('getStoragePolicy', (r, c) => ({ storagePolicy: policies.getStoragePolicy(r.path, c) })),
      // the storage policy changes (storage-policies.ts): recorded on the inode, journaled; the satisfier is off
      this.#method('setStoragePolicy', async (r, c) => {
        await policies.setStoragePolicy(r.src, r.policyName, c);
        return {};
      }),
      this.#method('unsetStoragePolicy', async (r, c) => {
        await policies.unsetStoragePolicy(r.src, c);
        return {};
      }),
      this.#method('satisfyStoragePolicy', (r) => {
        policies.satisfyStoragePolicy(r.src);
        return {};
      }),
      this.#method('getFsStats', () => status.fsStats()),
      this.#method('getFsReplicatedBlockStats', () => status.replicatedBlockStats()),
      this.#method('getFsECBlockGroupStats', () => status.ecBlockGroupStats()),
      this.#method('getDatanodeReport', (r, c) => ({ di: status.datanodeReport(r.type, c) })),
      this.#method('getSlowDatanodeReport', (_r, c) => ({ datanodeInfoProto: status.slowDatanodeReport(c) })),
      this.#method('setSafeMode', async (r, c) => ({ result: await status.setSafeMode(r.action, c) })),
      // NameNodeRpcServer.saveNamespace answers true whether or not an image was written
      this.#method('saveNamespace', async (r, c) => {
        await status.saveNamespace(r.timeWindow ?? 0, r.txGap ?? 0, c);
        return { saved: true };
      }),
      this.#method('rollEdits', async (_r, c) => ({ newSegmentTxId: await status.rollEdits(c) })),
      this.#method('getSnapshottableDirListing', (_r, c) => {
        const listing = snapshots.getSnapshottableDirListing(c);
        return listing ? { snapshottableDirList: { snapshottableDirListing: listing } } : {};
      }),
      this.#method('allowSnapshot', async (r, c) => {
        await snapshots.allowSnapshot(r.snapshotRoot, c);
        return {};
      }),
      this.#method('disallowSnapshot', async (r, c) => {
        await snapshots.disallowSnapshot(r.snapshotRoot, c);
        return {};
      }),
      this.#method('createSnapshot', async (r, c) => ({ snapshotPath: await snapshots.createSnapshot(r.snapshotRoot, r.snapshotName, c) })),
      // the other snapshot calls (h-snap): the translator hands the root's empty listing on as present
      this.#method('deleteSnapshot', async (r, c) => {
        await snapshots.deleteSnapshot(r.snapshotRoot, r.snapshotName, c);
        return {};
      }),
      this.#method('renameSnapshot', async (r, c) => {
        await snapshots.renameSnapshot(r.snapshotRoot, r.snapshotOldName, r.snapshotNewName, c);
        return {};
      }),
      this.#method('getSnapshotListing', (r, c) => ({ snapshotList: { snapshotListing: snapshots.getSnapshotListing(r.snapshotRoot, c) } })),
      this.#method('getSnapshotDiffReport', (r, c) => ({ diffReport: snapshots.getSnapshotDiffReport(r.snapshotRoot, r.fromSnapshot, r.toSnapshot, c) })),
      this.#method('getSnapshotDiffReportListing', (r, c) => ({ diffReport: snapshots.getSnapshotDiffReportListing(r.snapshotRoot, r.fromSnapshot, r.toSnapshot, c) })),
      this.#method('msync', () => ({})),
      this.#method('getHAServiceState', () => ({ state: 'ACTIVE' })),
      // the server translator sends Path.toUri().toString(); a request without a filename is Hadoop's getFilename() ""
      this.#method('getEnclosingRoot', (r, c) => ({ enclosingRootPath: ns.getEnclosingRoot(r.filename ?? '', c) })),
      this.#method('setBalancerBandwidth', (r, c) => {
        dnAdmin.setBalancerBandwidth(r.bandwidth, c);
        return {};
      }),
      // ClientNamenodeProtocolServerSideTranslatorPB.listOpenFiles: the types asked are echoed back
      this.#method('listOpenFiles', (r, c) => ({ ...dnAdmin.listOpenFiles(r.id, r.types ?? [], r.path ?? '', c), types: r.types ?? [] })),
      this.#method('modifyAclEntries', async (r, c) => {
        await acls.modifyAclEntries(r.src, (r.aclSpec ?? []).map(aclEntryFromProto), c);
        return {};
      }),
      this.#method('removeAclEntries', async (r, c) => {
        await acls.removeAclEntries(r.src, (r.aclSpec ?? []).map(aclEntryFromProto), c);
        return {};
      }),
      this.#method('removeDefaultAcl', async (r, c) => {
        await acls.removeDefaultAcl(r.src, c);
        return {};
      }),
      this.#method('removeAcl', async (r, c) => {
        await acls.removeAcl(r.src, c);
        return {};
      }),
      this.#method('setAcl', async (r, c) => {
        await acls.setAcl(r.src, (r.aclSpec ?? []).map(aclEntryFromProto), c);
        return {};
      }),
      this.#method('getAclStatus', (r, c) => ({ result: aclStatusToProto(acls.getAclStatus(r.src, c)) })),
      this.#method('setXAttr', async (r, c) => {
        await xattrs.setXAttr(r.src, r.xAttr && xattrFromProto(r.xAttr), r.flag ?? 0, c);
        return {};
      }),
      this.#method('getXAttrs', (r, c) => ({ xAttrs: xattrs.getXAttrs(r.src, (r.xAttrs ?? []).map(xattrFromProto), c).map(xattrToProto) })),
      this.#method('listXAttrs', (r, c) => ({ xAttrs: xattrs.listXAttrs(r.src, c).map(xattrToProto) })),
      this.#method('removeXAttr', async (r, c) => {
        await xattrs.removeXAttr(r.src, r.xAttr && xattrFromProto(r.xAttr), c);
        return {};
      }),
      // file queries, batched listing, symlinks (refused), encryption zones (none), corrupt files (file-queries.ts and the files it names)
      this.#method('isFileClosed', (r, c) => ({ result: queries.isFileClosed(r.src, c) })),
      this.#method('getPreferredBlockSize', (r, c) => ({ bsize: queries.getPreferredBlockSize(r.filename, c) })),
      // the server translator reads an absent src as ""
      this.#method('getLocatedFileInfo', (r, c) => {
        const fs = queries.getLocatedFileInfo(r.src ?? '', r.needBlockToken ?? false, c);
        return fs ? { fs } : {};
      }),
      this.#method('getBatchedListing', (r, c) => batched.getBatchedListing(r.paths ?? [], r.startAfter, r.needLocation, c)),
      this.#method('createSymlink', (r) => queries.createSymlink(r.target, r.link, r.dirPerm, r.createParent)),
      this.#method('getLinkTarget', (r, c) => queries.getLinkTarget(r.path, c)),
      this.#method('listEncryptionZones', (r, c) => {
        const b = zones.listEncryptionZones(r.id, c);
        return { zones: b.entries, hasMore: b.hasMore };
      }),
      this.#method('listReencryptionStatus', (r, c) => {
        const b = zones.listReencryptionStatus(r.id, c);
        return { statuses: b.entries, hasMore: b.hasMore };
      }),
      this.#method('listCorruptFileBlocks', (r, c) => ({ corrupt: corrupt.listCorruptFileBlocks(r.path, r.cookie, c) })),
      // ---- admin and erasure-coding calls of dfsadmin, `hdfs ec` and the Balancer (h-admin) ----
      this.#method('finalizeUpgrade', async (_r, c) => {
        await nnAdmin.finalizeUpgrade(c);
        return {};
      }),
      this.#method('upgradeStatus', () => ({ upgradeFinalized: nnAdmin.upgradeStatus() })),
      this.#method('restoreFailedStorage', async (r, c) => ({ result: await nnAdmin.restoreFailedStorage(r.arg, c) })),
      this.#method('metaSave', async (r, c) => {
        await nnAdmin.metaSave(r.filename, c);
        return {};
      }),
      this.#method('refreshNodes', async (_r, c) => {
        await nnAdmin.refreshNodes(c);
        return {};
      }),
      this.#method('getDatanodeStorageReport', (r, c) => ({ datanodeStorageReports: nnAdmin.datanodeStorageReport(r.type, c) })),
      this.#method('getCurrentEditLogTxid', (_r, c) => ({ txid: nnAdmin.currentEditLogTxid(c) })),
      this.#method('getEditsFromTxid', (r, c) => nnAdmin.editsFromTxid(r.txid, c)),
      this.#method('getErasureCodingPolicies', (_r, c) => ({ ecPolicies: ec.getErasureCodingPolicies(c) })),
      this.#method('getErasureCodingCodecs', (_r, c) => ({ codec: ec.getErasureCodingCodecs(c) })),
      this.#method('getErasureCodingPolicy', (r, c) => {
        const ecPolicy = ec.getErasureCodingPolicy(r.src, c);
        return ecPolicy ? { ecPolicy } : {};
      }),
      this.#method('getECTopologyResultForPolicies', (r, c) => ({ response: ec.getECTopologyResultForPolicies(r.policies ?? [], c) })),
      this.#method('setErasureCodingPolicy', async (r, c) => {
        await ec.setErasureCodingPolicy(r.src, r.ecPolicyName, c);
        return {};
      }),
      this.#method('unsetErasureCodingPolicy', async (r, c) => {
        await ec.unsetErasureCodingPolicy(r.src, c);
        return {};
      }),
      this.#method('enableErasureCodingPolicy', async (r, c) => {
        await ec.enableErasureCodingPolicy(r.ecPolicyName, c);
        return {};
      }),
      this.#method('disableErasureCodingPolicy', async (r, c) => {
        await ec.disableErasureCodingPolicy(r.ecPolicyName, c);
        return {};
      }),
      this.#method('removeErasureCodingPolicy', async (r, c) => {
        await ec.removeErasureCodingPolicy(r.ecPolicyName, c);
        return {};
      }),
      this.#method('addErasureCodingPolicies', (r, c) => ec.addErasureCodingPolicies(r.ecPolicies ?? [], c)),
      // ---- centralized cache management of `hdfs cacheadmin` (cache-ops.ts; h-cache) ----
      this.#method('addCacheDirective', async (r, c) => ({ id: await cache.addCacheDirective(r.info, r.cacheFlags ?? 0, c, c.call) })),
      this.#method('modifyCacheDirective', async (r, c) => {
        await cache.modifyCacheDirective(r.info, r.cacheFlags ?? 0, c, c.call);
        return {};
      }),
      this.#method('removeCacheDirective', async (r, c) => {
        await cache.removeCacheDirective(r.id, c, c.call);
        return {};
      }),
      this.#method('listCacheDirectives', (r, c) => cache.listCacheDirectives(r.prevId, r.filter, c)),
      this.#method('addCachePool', async (r, c) => {
        await cache.addCachePool(r.info, c, c.call);
        return {};
      }),
      this.#method('modifyCachePool', async (r, c) => {
        await cache.modifyCachePool(r.info, c, c.call);
        return {};
      }),
      this.#method('removeCachePool', async (r, c) => {
        await cache.removeCachePool(r.poolName, c, c.call);
        return {};
      }),
      this.#method('listCachePools', (r, c) => cache.listCachePools(r.prevPoolName, c)),
      // reportBadBlocks (h-corrupt): a client's checksum failures mark the replicas corrupt (bad-blocks.ts)
      this.#method('reportBadBlocks', (r, c) => {
        reportBadBlocks(ns, r.blocks ?? [], c.address);
        return {};
      }),
    ]);
  }
}
