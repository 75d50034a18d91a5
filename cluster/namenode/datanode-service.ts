/**
 * The NameNode's side of DatanodeProtocol (Hadoop's NameNodeRpcServer DataNode methods +
 * DatanodeProtocolServerSideTranslatorPB): versionRequest, the registration and heartbeats of
 * blocks/datanode-manager.ts, full block reports (both encodings of block-list-as-longs.ts; checked
 * against the node's report lease; RegisterCommand for a node the NameNode does not know;
 * FinalizeCommand otherwise, as an active NameNode with a finalized upgrade answers), incremental
 * reports (applied in order; a failure is logged, not returned: the next heartbeat sorts the node
 * out, as Hadoop's queued processing does), error reports (a fatal disk error removes the node) and
 * bad block reports (the replica is marked corrupt: bad-blocks.ts), and commitBlockSynchronization, the end
 * of a block recovery (lease-recovery.ts). Who may call is the service
 * authorization's business (the DataNode principal check, security/authorize).
 */
import { getLogger } from '../../lib/log/logger.ts';
import type { CallContext, MethodHandler, ProtocolHandlers } from '../../lib/rpc/call-context.ts';
import { CAPABILITY_STORAGE_BLOCK_REPORT_BUFFERS, decodeBlockList } from '../protocol/block-list-as-longs.ts';
import {
  DATANODE_PROTOCOL_CODEC, DatanodeErrorCode, NAMENODE_LAYOUT_VERSION, REGISTER_COMMAND,
  type DatanodeProtocolMessages, type DatanodeProtocolMethodName, type NamespaceInfo,
} from '../protocol/datanode-protocol.ts';
import { reportBadBlocks } from './bad-blocks.ts';
import type { FileWrites } from './file-writes.ts';
import type { FsNamesystem } from './namesystem.ts';

/** Hadoop's VersionInfo of the release hsec speaks as. */
export const SOFTWARE_VERSION = '3.4.1';
/** VersionInfo.getRevision() reported as buildVersion (hsec has no Hadoop source revision). */
export const BUILD_VERSION = 'hsec';

type Messages = DatanodeProtocolMessages;
type Impl<M extends DatanodeProtocolMethodName> = (req: Messages[M]['request'], ctx: CallContext) => Promise<Messages[M]['response']> | Messages[M]['response'];

const log = getLogger('namenode.datanode-protocol');

export class DatanodeService {
  readonly #ns: FsNamesystem;
  readonly #writes: FileWrites;

  constructor(namesystem: FsNamesystem, writes: FileWrites) {
    this.#ns = namesystem;
    this.#writes = writes;
  }

  /** FSNamesystem.getNamespaceInfo. */
  namespaceInfo(): NamespaceInfo {
    const id = this.#ns.fsd.identity;
    return {
      buildVersion: BUILD_VERSION, unused: 0, blockPoolID: id.blockPoolId, softwareVersion: SOFTWARE_VERSION,
      storageInfo: { layoutVersion: NAMENODE_LAYOUT_VERSION, namespceID: id.namespaceId, clusterID: id.clusterId, cTime: id.cTime },
      capabilities: CAPABILITY_STORAGE_BLOCK_REPORT_BUFFERS, state: 'ACTIVE',
    };
  }

  #method<M extends DatanodeProtocolMethodName>(name: M, impl: Impl<M>): [string, MethodHandler] {
    return [name, async (bytes, ctx) => DATANODE_PROTOCOL_CODEC.encodeResponse(name, await impl(DATANODE_PROTOCOL_CODEC.decodeRequest(name, bytes), ctx))];
  }

  handlers(): ProtocolHandlers {
    const ns = this.#ns;
    const now = () => ns.clock.now();
    return Object.fromEntries([
      this.#method('versionRequest', () => ({ info: this.namespaceInfo() })),
      this.#method('registerDatanode', (r, ctx) => ({ registration: ns.datanodes.register(r.registration, { address: ctx.remoteAddress }, now()) })),
      this.#method('sendHeartbeat', (r) => ns.datanodes.heartbeat(r, now(), ns.txid, ns.isInSafeMode())),
      this.#method('blockReport', (r) => {
        const dn = ns.datanodes.reporting(r.registration);
        if (!dn) {
          log.warn({ datanode: r.registration.datanodeID.datanodeUuid }, 'a DataNode is attempting to report but not registered yet; asking it to register');
          return { cmd: REGISTER_COMMAND };
        }
        const c = r.context;
        if (c) ns.datanodes.checkReportLease(dn, c.id, c.leaseId ?? 0, now(), c.totalRpcs === c.curRpc + 1);
        for (const report of r.reports ?? []) {
          ns.blocks.processReport(dn, report.storage.storageUuid, report.storage.storageType ?? 'DISK', decodeBlockList(report));
        }
        dn.lastBlockReport = now();
        return { cmd: { cmdType: 'FinalizeCommand', finalizeCmd: { blockPoolId: ns.fsd.identity.blockPoolId } } };
      }),
      this.#method('blockReceivedAndDeleted', (r) => {
        const dn = ns.datanodes.reporting(r.registration);
        if (!dn) {
          log.error({ datanode: r.registration.datanodeID.datanodeUuid }, '*BLOCK* NameNode.blockReceivedAndDeleted: failed: unregistered or dead node');
          return {};
        }
        for (const s of r.blocks ?? []) {
          const storageUuid = s.storage?.storageUuid ?? s.storageUuid;
          ns.blocks.processIncremental(dn, storageUuid, s.storage?.storageType ?? dn.storages.get(storageUuid)?.storageType ?? 'DISK', s.blocks ?? []);
        }
        return {};
      }),
      this.#method('cacheReport', (r) => {
        ns.datanodes.verify(r.registration);
        return {};
      }),
      this.#method('errorReport', (r) => {
        const reg = r.registartion;
        const name = `${reg.datanodeID.ipAddr}:${reg.datanodeID.xferPort}`;
        if (r.errorCode === DatanodeErrorCode.NOTIFY) {
          log.info({ datanode: name, msg: r.msg }, `Error report from ${name}: ${r.msg}`);
          return {};
        }
        ns.datanodes.verify(reg);
        if (r.errorCode === DatanodeErrorCode.FATAL_DISK_ERROR) {
          log.warn({ datanode: name, msg: r.msg }, `Fatal disk error on ${name}: ${r.msg}`);
          ns.datanodes.remove(reg);
        } else {
          log.warn({ datanode: name, msg: r.msg, errorCode: r.errorCode }, `${r.errorCode === DatanodeErrorCode.DISK_ERROR ? 'Disk error' : 'Error report'} on ${name}: ${r.msg}`);
        }
        return {};
      }),
      // NameNodeRpcServer.reportBadBlocks serves both protocols: the replica is marked corrupt (bad-blocks.ts)
      this.#method('reportBadBlocks', (r, ctx) => {
        reportBadBlocks(ns, r.blocks ?? [], ctx.remoteAddress);
        return {};
      }),
      this.#method('commitBlockSynchronization', async (r) => {
        await this.#writes.commitBlockSynchronization({
          block: r.block, newGenStamp: r.newGenStamp, newLength: r.newLength, closeFile: r.closeFile, deleteBlock: r.deleteBlock,
          newTargets: r.newTaragets ?? [], newTargetStorages: r.newTargetStorages ?? [],
        });
        return {};
      }),
    ]);
  }
}
