/**
 * The DataNode's link to its NameNode (docs/datanode.md; Hadoop's BPServiceActor and
 * BPOfferService for one NameNode), as a state machine run by one loop:
 *
 *   Handshake  versionRequest (the NameNode's version must be >= dfs.datanode.min.supported.
 *              namenode.version), the storage binds to the namespace (same clusterID and
 *              namespaceID, same block pool as before), registerDatanode with empty keys; the
 *              returned registration carries the block keys, which are installed        -> Running
 *   Running    every dfs.heartbeat.interval: sendHeartbeat with the storage report, asking for a
 *              full-block-report lease when a report is due; then the commands:
 *              KeyUpdateCommand -> new block keys, BlockCommand INVALIDATE -> delete replicas
 *              (DELETED reported), BlockCommand TRANSFER -> copy replicas to other DataNodes
 *              (transfer/data-transfer.ts, not awaited), BlockRecoveryCommand -> block recovery (recovery/, not
 *              awaited), RegisterCommand -> Handshake again (a restarted NameNode);
 *              incremental reports (RECEIVED at once, the rest with the heartbeat), a full block
 *              report when a lease was granted (flushing incremental ones first), then every
 *              dfs.blockreport.intervalMsec
 *   Failed     the storage or the NameNode belongs elsewhere, or the NameNode is too old or
 *              refuses this node: `onFatal`, the loop ends
 *
 * An unreachable NameNode is retried every heartbeat interval (logged once per outage). A
 * heartbeat answered UnregisteredNodeException also goes back to Handshake. One deviation: when
 * the NameNode grants no lease for a due report, the report goes with lease id 0, which Hadoop's
 * NameNode accepts (BlockReportLeaseManager.checkLease), so a NameNode that does not implement
 * leases still learns the replicas.
 */
import { HsecError, ProtocolError, StorageError } from '../../../lib/errors/index.ts';
import { getLogger, type Logger } from '../../../lib/log/logger.ts';
import { dummyExportedBlockKeys } from '../../../security/token/keys/exported-block-keys.ts';
import type { DatanodeProtocolClient } from '../../protocol/datanode-protocol-client.ts';
import {
  DATANODE_LAYOUT_VERSION, exportedBlockKeysFromProto, exportedBlockKeysToProto,
  type BlockCommand, type DatanodeCommand, type DatanodeRegistration, type NamespaceInfo, type ReceivedDeletedBlockInfo,
} from '../../protocol/datanode-protocol.ts';
import { compareVersions, HADOOP_COMPATIBLE_VERSION } from '../../protocol/hadoop-version.ts';
import { EMPTY_TOKEN, type DatanodeId, type DatanodeStorage, type ExtendedBlock, type StorageReport } from '../../protocol/hdfs-types.ts';
import type { BlockAccessVerifier } from '../block-access.ts';
import type { RecoveringBlock } from '../recovery/block-recovery-worker.ts';
import type { FsDataset } from '../storage/fs-dataset.ts';
import type { Replica } from '../storage/replica.ts';
import { IncrementalBlockReports } from './incremental-reports.ts';

const log = getLogger('datanode.bpservice');

/**
 * Longest a block's last ack waits for the NameNode to have its RECEIVED report: a client whose
 * complete() comes too early sleeps 400 ms (dfs.client.block.write.locateFollowingBlock.initial.delay.ms),
 * so waiting longer than that cannot help it.
 */
export const RECEIVED_REPORT_WAIT_MS = 400;

/** Remote exceptions that end the link (BPServiceActor.offerService shuts down on them). */
const FATAL_REMOTE = new Set([
  'org.apache.hadoop.hdfs.server.protocol.DisallowedDatanodeException',
  'org.apache.hadoop.hdfs.server.common.IncorrectVersionException',
]);
const UNREGISTERED = 'org.apache.hadoop.hdfs.protocol.UnregisteredNodeException';

/** Block names in the INFO line of a DNA_INVALIDATE: a big -rm deletes thousands at once. */
export const INVALIDATE_LOG_SAMPLE = 10;

/**
 * Logs the replicas one INVALIDATE deleted: the count and the first INVALIDATE_LOG_SAMPLE block
 * names at INFO ("and N more"), every name at DEBUG when there were more than that.
 */
export function logInvalidated(logger: Logger, blockPoolId: string, deleted: readonly { blockId: number; genStamp: number }[]): void {
  if (deleted.length === 0) return;
  const names = deleted.map((r) => `blk_${r.blockId}_${r.genStamp}`);
  const more = names.length - INVALIDATE_LOG_SAMPLE;
  const listed = names.slice(0, INVALIDATE_LOG_SAMPLE).join(', ') + (more > 0 ? ` and ${more} more` : '');
  logger.info({ blockPoolId, count: names.length }, `DNA_INVALIDATE: ${names.length} replica${names.length === 1 ? '' : 's'} deleted: ${listed}`);
  if (more > 0 && logger.isLevelEnabled('debug')) logger.debug({ blockPoolId, count: names.length, deleted: names }, 'DNA_INVALIDATE: every replica deleted');
}

export enum LinkState {
  Handshake = 'Handshake',
  Running = 'Running',
  Stopped = 'Stopped',
  Failed = 'Failed',
}

export interface BPServiceActorOptions {
  readonly client: DatanodeProtocolClient;
  readonly dataset: FsDataset;
  readonly access: BlockAccessVerifier;
  /** The DataNode's id before the NameNode completes it (ip, host name, uuid, ports). */
  readonly datanodeId: DatanodeId;
  /** `host:port` of the NameNode, for messages. */
  readonly nameNode: string;
  readonly heartbeatIntervalMs: number;
  readonly blockReportIntervalMs: number;
  /** dfs.blockreport.incremental.intervalMsec (default 0). */
  readonly incrementalReportIntervalMs?: number;
  readonly blockReportInitialDelayMs: number;
  readonly minNameNodeVersion: string;
  /** Open data transfer connections (heartbeat xceiverCount). */
  readonly xceiverCount: () => number;
  /** The link gave up (see Failed). */
  readonly onFatal: (err: HsecError) => void;
  /** DNA_BALANCERBANDWIDTHUPDATE: the NameNode's new balancer bandwidth (bytes/s, > 0). */
  readonly setBalancerBandwidth?: (bandwidth: number) => void;
  /** DNA_TRANSFER: copies the blocks to their targets (DataNode.transferBlocks), in the background. */
  readonly transferBlocks?: (blockPoolId: string, cmd: BlockCommand) => void;
  /** Transfers under way (the heartbeat's xmitsInProgress; default none). */
  readonly xmitsInProgress?: () => number;
  /** DNA_RECOVERBLOCK: starts the recovery of the blocks (BlockRecoveryWorker.recoverBlocks), not awaited. */
  readonly recoverBlocks?: (who: string, blocks: readonly RecoveringBlock[]) => Promise<void>;
}

export class BPServiceActor {
  readonly #o: BPServiceActorOptions;
  readonly #ibr: IncrementalBlockReports;
  #state = LinkState.Handshake;
  #nsInfo: NamespaceInfo | undefined;
  #registration: DatanodeRegistration | undefined;
  #nextHeartbeat = 0;
  #nextBlockReport = 0;
  #leaseId = 0;
  #forceReport = false;
  #forceIbr = false;
  #lastReportId = 0;
  #outage = false;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  readonly #registeredWaiters = new Set<() => void>();

  constructor(options: BPServiceActorOptions) {
    this.#o = options;
    this.#ibr = new IncrementalBlockReports(options.incrementalReportIntervalMs ?? 0, () => this.#wake?.());
  }

  get state(): LinkState {
    return this.#state;
  }

  /** The block pool, once a handshake told it. */
  get blockPoolId(): string | undefined {
    return this.#nsInfo?.blockPoolID;
  }

  /** The registration as the NameNode completed it (undefined until registered). */
  get registration(): DatanodeRegistration | undefined {
    return this.#state === LinkState.Running ? this.#registration : undefined;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Ends the link; waits for a call in flight at most `graceMs` (its answer is then ignored). */
  async stop(graceMs = 2000): Promise<void> {
    if (this.#state !== LinkState.Failed) this.#state = LinkState.Stopped;
    this.#wake?.();
    for (const w of this.#registeredWaiters) w();
    this.#ibr.releaseWaiters();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#loop, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }

  /** Resolves once registered (true), or false after `timeoutMs` or when the link ends. */
  async waitRegistered(timeoutMs: number): Promise<boolean> {
    if (this.registration) return true;
    if (this.#state === LinkState.Stopped || this.#state === LinkState.Failed) return false;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#registeredWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.#registeredWaiters.add(done);
    });
    return this.registration !== undefined;
  }

  /** BPOfferService.notifyNamenodeReceivingBlock. */
  notifyReceiving(replica: Replica): void {
    this.#ibr.add({ block: blockOf(replica), status: 'RECEIVING' });
  }

  /**
   * BPOfferService.notifyNamenodeReceivedBlock: sent right away. Resolves once the NameNode has the
   * report, or after RECEIVED_REPORT_WAIT_MS, or at once while not registered or when
   * dfs.blockreport.incremental.intervalMsec holds the report back longer than that: the write path
   * holds the block's last ack until then (incremental-reports.ts says why).
   */
  notifyReceived(replica: Replica): Promise<void> {
    this.#ibr.add({ block: blockOf(replica), status: 'RECEIVED' });
    if (this.#state !== LinkState.Running || this.#ibr.dueInMs > RECEIVED_REPORT_WAIT_MS) return Promise.resolve();
    return this.#ibr.whenReported(replica.blockId, RECEIVED_REPORT_WAIT_MS);
  }

  /** BPOfferService.trySendErrorReport: errorReport(code, msg) to the NameNode, failures logged. */
  trySendErrorReport(errorCode: number, msg: string): void {
    const registration = this.registration;
    if (!registration) return;
    this.#o.client.errorReport(registration, errorCode, msg).catch((e: unknown) => log.warn({ err: e, errorCode }, 'Error reporting an error to NameNode'));
  }

  /**
   * BPOfferService.reportBadBlocks: this DataNode's replica of `block` is corrupt (reportBadBlocks
   * with this node and storage as the location), failures logged.
   */
  reportBadBlock(block: ExtendedBlock, msg: string): void {
    const registration = this.registration;
    log.warn({ block: `blk_${block.blockId}_${block.generationStamp}` }, msg);
    if (!registration) return;
    const storage = this.#storage();
    this.#o.client.reportBadBlocks({
      blocks: [{
        b: block, offset: 0, locs: [{ id: registration.datanodeID, adminState: 'NORMAL' }], corrupt: false, blockToken: EMPTY_TOKEN,
        storageIDs: [storage.storageUuid], storageTypes: [storage.storageType ?? 'DISK'], isCached: [false],
      }],
    }).catch((e: unknown) => log.warn({ err: e }, 'Failed to report bad block to namenode'));
  }

  /** Sends a heartbeat now (tests, and after a command that changes what the NameNode should know). */
  triggerHeartbeat(): void {
    this.#nextHeartbeat = 0;
    this.#wake?.();
  }

  /**
   * BPServiceActor.triggerBlockReport (dfsadmin -triggerBlockReport): a full block report right
   * away (lease id 0, as forceFullBlockReport sends it), or the pending incremental one.
   */
  triggerBlockReport(incremental: boolean): void {
    log.info({ nameNode: this.#where() }, `scheduling ${incremental ? 'an incremental' : 'a full'} block report to namenode: ${this.#o.nameNode}.`);
    if (incremental) this.#forceIbr = true;
    else this.#forceReport = true;
    this.#wake?.();
  }

  async #run(): Promise<void> {
    while (this.#state === LinkState.Handshake || this.#state === LinkState.Running) {
      try {
        if (this.#state === LinkState.Handshake) await this.#handshake();
        else await this.#offerService();
        if (this.#outage) log.info({ nameNode: this.#where() }, 'NameNode link restored');
        this.#outage = false;
      } catch (e) {
        if (this.#isStopped()) return;
        if (this.#fatal(e)) return;
        if ((e as HsecError).details?.exceptionClassName === UNREGISTERED) {
          log.info({ nameNode: this.#where() }, 'the NameNode does not know this DataNode: registering again');
          this.#state = LinkState.Handshake;
          continue;
        }
        if (!this.#outage) log.warn({ nameNode: this.#where(), state: this.#state, err: e }, 'cannot reach the NameNode; retrying every heartbeat interval');
        else log.debug({ err: e }, 'NameNode still unreachable');
        this.#outage = true;
        await this.#sleep(this.#o.heartbeatIntervalMs);
      }
    }
  }

  /** connectToNNAndHandshake + register. */
  async #handshake(): Promise<void> {
    const { client, dataset } = this.#o;
    const ns = await client.versionRequest();
    this.#checkNameNode(ns);
    await dataset.attachBlockPool({ blockPoolID: ns.blockPoolID, namespaceID: ns.storageInfo.namespceID, clusterID: ns.storageInfo.clusterID, cTime: ns.storageInfo.cTime });
    this.#nsInfo = ns;
    const registration = await client.registerDatanode({
      datanodeID: this.#o.datanodeId,
      storageInfo: { layoutVersion: DATANODE_LAYOUT_VERSION, namespceID: ns.storageInfo.namespceID, clusterID: ns.storageInfo.clusterID, cTime: ns.storageInfo.cTime },
      keys: exportedBlockKeysToProto(dummyExportedBlockKeys()),
      softwareVersion: HADOOP_COMPATIBLE_VERSION,
    });
    if (registration.datanodeID.datanodeUuid !== dataset.datanodeUuid) {
      throw new StorageError('STORAGE_INCOMPATIBLE', `Inconsistent Datanode IDs. Name-node returned ${registration.datanodeID.datanodeUuid}. Expecting ${dataset.datanodeUuid}`, {});
    }
    if (this.#isStopped()) return; // stopped while the call was in flight
    const keys = exportedBlockKeysFromProto(registration.keys);
    this.#o.access.setKeys(ns.blockPoolID, keys);
    this.#registration = registration;
    const now = Date.now();
    this.#nextHeartbeat = now;
    this.#nextBlockReport = now + (this.#o.blockReportInitialDelayMs > 0 ? Math.floor(Math.random() * this.#o.blockReportInitialDelayMs) : 0);
    this.#leaseId = 0;
    this.#state = LinkState.Running;
    log.info({ nameNode: this.#where(), blockPoolId: ns.blockPoolID, datanodeUuid: dataset.datanodeUuid, blockTokens: keys.isBlockTokenEnabled, keyId: keys.currentKey.keyId }, 'registered with the NameNode');
    for (const w of this.#registeredWaiters) w();
  }

  /** BPServiceActor.checkNNVersion and BPOfferService.verifyAndSetNamespaceInfo. */
  #checkNameNode(ns: NamespaceInfo): void {
    if (compareVersions(ns.softwareVersion, this.#o.minNameNodeVersion) < 0) {
      throw new ProtocolError('PROTOCOL_VERSION', `The reported NameNode version is too low to communicate with this DataNode. NameNode version: '${ns.softwareVersion}' Minimum NameNode version: '${this.#o.minNameNodeVersion}' (dfs.datanode.min.supported.namenode.version)`, {
        nameNodeVersion: ns.softwareVersion, configKey: 'dfs.datanode.min.supported.namenode.version', fatal: true,
      });
    }
    if (this.#nsInfo && this.#nsInfo.blockPoolID !== ns.blockPoolID) {
      throw new StorageError('STORAGE_INCOMPATIBLE', `Blockpool ID mismatch: previously connected to Blockpool ID ${this.#nsInfo.blockPoolID} but now connected to Blockpool ID ${ns.blockPoolID}: the NameNode was formatted again`, {});
    }
    if (ns.softwareVersion !== HADOOP_COMPATIBLE_VERSION) {
      log.info(`Reported NameNode version '${ns.softwareVersion}' does not match DataNode version '${HADOOP_COMPATIBLE_VERSION}' but is within acceptable limits.`);
    }
  }

  /** One round of BPServiceActor.offerService, then a wait until the next thing is due. */
  async #offerService(): Promise<void> {
    const registration = this.#registration!;
    const bpid = this.#nsInfo!.blockPoolID;
    const now = Date.now();
    let heartbeatSent = false;
    if (now >= this.#nextHeartbeat) {
      this.#nextHeartbeat = now + this.#o.heartbeatIntervalMs;
      const requestLease = this.#leaseId === 0 && now >= this.#nextBlockReport;
      const response = await this.#o.client.sendHeartbeat({
        registration,
        reports: [await this.#storageReport()],
        xmitsInProgress: this.#o.xmitsInProgress?.() ?? 0,
        xceiverCount: this.#o.xceiverCount(),
        failedVolumes: 0,
        cacheCapacity: 0,
        cacheUsed: 0,
        requestFullBlockReportLease: requestLease,
      });
      heartbeatSent = true;
      if (this.#isStopped()) return;
      if (response.fullBlockReportLeaseId) this.#leaseId = response.fullBlockReportLeaseId;
      else if (requestLease) this.#forceReport = true;
      await this.#processCommands(bpid, response.cmds ?? []);
      if (this.#state !== LinkState.Running) return;
    }
    const forceIbr = this.#forceIbr;
    this.#forceIbr = false;
    if (forceIbr || this.#ibr.sendImmediately || (heartbeatSent && this.#ibr.pending > 0)) await this.#sendIncrementalReports(registration, bpid);
    if (this.#leaseId !== 0 || this.#forceReport) await this.#blockReport(registration, bpid);
    if (this.#state === LinkState.Running && (this.#forceReport || this.#forceIbr)) return; // triggered meanwhile: go again
    if (this.#state !== LinkState.Running) return;
    if (!this.#ibr.sendImmediately && !this.#forceReport && !this.#forceIbr) await this.#sleep(Math.max(0, this.#nextHeartbeat - Date.now()));
  }

  async #processCommands(bpid: string, cmds: readonly DatanodeCommand[]): Promise<void> {
    for (const cmd of cmds) {
      switch (cmd.cmdType) {
        case 'KeyUpdateCommand': {
          const keys = exportedBlockKeysFromProto(cmd.keyUpdateCmd!.keys);
          this.#o.access.setKeys(bpid, keys);
          log.info({ blockPoolId: bpid, keyId: keys.currentKey.keyId, keys: keys.allKeys.length }, 'DNA_ACCESSKEYUPDATE: new block keys');
          break;
        }
        case 'RegisterCommand':
          log.info({ nameNode: this.#where() }, 'DNA_REGISTER: the NameNode asks this DataNode to register again');
          this.#state = LinkState.Handshake;
          return;
        case 'BlockCommand':
          await this.#blockCommand(bpid, cmd);
          break;
        case 'BlockRecoveryCommand': {
          const blocks = cmd.recoveryCmd?.blocks ?? [];
          log.info({ blockPoolId: bpid, blocks: blocks.map((b) => `blk_${b.block.b.blockId}_${b.block.b.generationStamp}`) }, `DNA_RECOVERBLOCK: ${blocks.length} block${blocks.length === 1 ? '' : 's'} to recover`);
          // BPOfferService.processCommandFromActive: the recovery runs in its own thread, away from the heartbeats
          void this.#o.recoverBlocks?.(`NameNode at ${this.#o.nameNode}`, blocks);
          break;
        }
        case 'BalancerBandwidthCommand': {
          const bandwidth = cmd.balancerCmd?.bandwidth ?? 0;
          if (bandwidth > 0) this.#o.setBalancerBandwidth?.(bandwidth);
          break;
        }
        case 'NullDatanodeCommand':
        case 'FinalizeCommand':
        case 'BlockIdCommand':
          log.debug({ cmdType: cmd.cmdType }, 'DataNode command ignored (no caching or upgrades in hsec)');
          break;
        default:
          log.warn({ cmdType: cmd.cmdType }, 'DataNode command not supported by hsec (no erasure coding): ignored');
      }
    }
  }

  async #blockCommand(bpid: string, cmd: DatanodeCommand): Promise<void> {
    const bc = cmd.blkCmd!;
    if (bc.action === 'TRANSFER') {
      // BPOfferService.processCommandFromActive: DNA_TRANSFER -> DataNode.transferBlocks (threads of their own)
      log.info({ blockPoolId: bpid, blocks: bc.blocks?.length ?? 0 }, `DNA_TRANSFER: ${bc.blocks?.length ?? 0} block${bc.blocks?.length === 1 ? '' : 's'} to copy`);
      if (this.#o.transferBlocks) this.#o.transferBlocks(bc.blockPoolId || bpid, bc);
      else log.warn({ blocks: bc.blocks?.length ?? 0 }, 'BlockCommand TRANSFER ignored: this DataNode has no transfer service');
      return;
    }
    if (bc.action !== 'INVALIDATE') {
      log.warn({ action: bc.action, blocks: bc.blocks?.length ?? 0 }, `BlockCommand ${bc.action} is not supported by hsec: ignored`);
      return;
    }
    const { deleted, failures } = await this.#o.dataset.invalidate(bc.blockPoolId || bpid, (bc.blocks ?? []).map((b) => ({ blockId: b.blockId, genStamp: b.genStamp })));
    for (const r of deleted) this.#ibr.add({ block: { blockId: r.blockId, genStamp: r.genStamp, numBytes: r.numBytes }, status: 'DELETED' });
    for (const f of failures) log.warn({ blockPoolId: bpid }, f);
    logInvalidated(log, bpid, deleted);
  }

  async #sendIncrementalReports(registration: DatanodeRegistration, bpid: string): Promise<void> {
    const infos: ReceivedDeletedBlockInfo[] = this.#ibr.take();
    if (infos.length === 0) return;
    try {
      await this.#o.client.blockReceivedAndDeleted({
        registration, blockPoolId: bpid,
        blocks: [{ storageUuid: this.#o.dataset.storageId, blocks: infos, storage: this.#storage() }],
      });
      this.#ibr.reported(infos);
    } catch (e) {
      this.#ibr.putMissing(infos);
      throw e;
    }
  }

  async #blockReport(registration: DatanodeRegistration, bpid: string): Promise<void> {
    await this.#sendIncrementalReports(registration, bpid);
    const id = Math.max(Date.now() * 1000, this.#lastReportId + 1);
    this.#lastReportId = id;
    const replicas = this.#o.dataset.report(bpid);
    const cmd = await this.#o.client.blockReport(registration, bpid, this.#nsInfo!.capabilities ?? 0, [{ storage: this.#storage(), replicas }], {
      totalRpcs: 1, curRpc: 0, id, leaseId: this.#leaseId,
    });
    log.info({ blockPoolId: bpid, replicas: replicas.length, leaseId: this.#leaseId }, 'sent a full block report');
    this.#leaseId = 0;
    this.#forceReport = false;
    const now = Date.now();
    while (this.#nextBlockReport <= now) this.#nextBlockReport += this.#o.blockReportIntervalMs;
    if (cmd) await this.#processCommands(bpid, [cmd]);
  }

  #storage(): DatanodeStorage {
    return { storageUuid: this.#o.dataset.storageId, state: 'NORMAL', storageType: 'DISK' };
  }

  async #storageReport(): Promise<StorageReport> {
    const u = await this.#o.dataset.usage();
    return {
      storageUuid: this.#o.dataset.storageId, failed: false, capacity: u.capacity, dfsUsed: u.dfsUsed, remaining: u.remaining,
      blockPoolUsed: u.dfsUsed, storage: this.#storage(), nonDfsUsed: u.nonDfsUsed,
    };
  }

  /** Fatal errors end the link: a foreign storage or namespace, a too old NameNode, a refusal. */
  #fatal(e: unknown): boolean {
    const fatal = e instanceof StorageError || (e instanceof HsecError && (e.details.fatal === true || FATAL_REMOTE.has(String(e.details.exceptionClassName))));
    if (!fatal) return false;
    this.#state = LinkState.Failed;
    log.error({ nameNode: this.#where(), err: e }, 'the DataNode cannot serve this NameNode; stopping the link');
    for (const w of this.#registeredWaiters) w();
    this.#ibr.releaseWaiters();
    this.#o.onFatal(e as HsecError);
    return true;
  }

  #isStopped(): boolean {
    return this.#state === LinkState.Stopped;
  }

  #sleep(ms: number): Promise<void> {
    if (this.#isStopped()) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.#wake = undefined;
        resolve();
      }
      this.#wake = done;
    });
  }

  #where(): string {
    return this.#nsInfo ? `${this.#o.nameNode} (block pool ${this.#nsInfo.blockPoolID})` : this.#o.nameNode;
  }
}

function blockOf(r: Replica): { blockId: number; genStamp: number; numBytes: number } {
  return { blockId: r.blockId, genStamp: r.genStamp, numBytes: r.numBytes };
}
