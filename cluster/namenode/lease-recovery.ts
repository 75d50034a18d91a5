/**
 * Lease recovery that keeps the data (Hadoop 3.4.1 FSNamesystem.recoverLeaseInternal,
 * internalReleaseLease, commitBlockSynchronization; BlockUnderConstructionFeature
 * .initializeBlockRecovery; BlockManager's PendingRecoveryBlocks). A file whose writer is gone is
 * closed with every block complete; an unfinished last block is not dropped but recovered through
 * its DataNodes: a new generation stamp becomes the recovery id (OP_SET_GENSTAMP_V2), the block goes
 * UNDER_RECOVERY, the replica on the most recently heard-from live DataNode not yet tried is the
 * primary, and that DataNode's next heartbeat carries BlockRecoveryCommand (DNA_RECOVERBLOCK). The
 * primary agrees a length with the replicas and calls commitBlockSynchronization, which sets the
 * block's stamp and length, records the replicas, completes the block and closes the file. A new
 * attempt (recoverLease again, or the lease monitor) starts another recovery only once the previous
 * one timed out (30 heartbeat intervals). A truncate off a block boundary (file-truncate.ts) starts
 * the same recovery with the length the block is cut to; a later attempt keeps that length. Every
 * change is journaled, so a restart keeps the result.
 */
import { getLogger } from '../../lib/log/logger.ts';
import type { ExtendedBlock } from '../protocol/hdfs-types.ts';
import type { BlockRecord } from './namespace/edit-log.ts';
import { fileNotFound, fsError, HadoopException, ioError } from './namespace/fs-errors.ts';
import { blockString, type BlockInfo, type INodeFile } from './namespace/inode.ts';
import { leaseString } from './namespace/lease-manager.ts';
import type { FsNamesystem } from './namesystem.ts';

const log = getLogger('namenode.lease-recovery');

/** HdfsServerConstants.NAMENODE_LEASE_HOLDER: who holds a lease the lease monitor recovers. */
export const NAMENODE_LEASE_HOLDER = 'HDFS_NameNode';

/** BlockManager.BLOCK_RECOVERY_TIMEOUT_MULTIPLIER: a recovery times out after 30 heartbeat intervals. */
export const BLOCK_RECOVERY_TIMEOUT_MULTIPLIER = 30;

/** FSNamesystem.RecoverLeaseOp: who asks, for the refusal messages. */
export type RecoverLeaseOp = 'CREATE_FILE' | 'APPEND_FILE' | 'TRUNCATE_FILE' | 'RECOVER_LEASE';

/** RecoverLeaseOp.getExceptionMessage. */
export function recoverLeaseMessage(op: RecoverLeaseOp, src: string, holder: string, clientMachine: string, reason: string): string {
  return `Failed to ${op} ${src} for ${holder} on ${clientMachine} because ${reason}`;
}

/** commitBlockSynchronization's arguments (CommitBlockSynchronizationRequestProto). */
export interface BlockSynchronization {
  block: ExtendedBlock;
  newGenStamp: number;
  newLength: number;
  closeFile: boolean;
  deleteBlock: boolean;
  newTargets: readonly { datanodeUuid: string }[];
  newTargetStorages: readonly string[];
}

const record = (b: BlockInfo, numBytes = b.numBytes, generationStamp = b.generationStamp): BlockRecord => ({ blockId: b.blockId, generationStamp, numBytes });

export class LeaseRecovery {
  readonly #ns: FsNamesystem;
  readonly #timeoutMs: number;
  /** PendingRecoveryBlocks: block id -> when the current attempt times out (ms) */
  readonly #pending = new Map<number, number>();

  /** `timeoutMs`: 30 x dfs.heartbeat.interval (BlockManager.getBlockRecoveryTimeout). */
  constructor(ns: FsNamesystem, timeoutMs: number) {
    this.#ns = ns;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * recoverLeaseInternal for a file under construction, inside the write lock. `force`
   * (ClientProtocol.recoverLease) recovers at once; otherwise (create or append by another client)
   * only past the holder's soft limit. True when the file is closed now.
   */
  async recoverLeaseInternal(op: RecoverLeaseOp, file: INodeFile, src: string, holder: string, clientMachine: string, force: boolean): Promise<boolean> {
    const ns = this.#ns;
    const uc = file.uc;
    if (!uc) return true;
    const mine = ns.leases.get(holder);
    if (!force && mine?.files.has(file.id)) {
      throw fsError('FS_LEASE', HadoopException.ALREADY_BEING_CREATED, recoverLeaseMessage(op, src, holder, clientMachine, `${holder} is already the current lease holder.`), { path: src });
    }
    const lease = ns.leases.get(uc.clientName);
    if (!lease) {
      throw fsError('FS_LEASE', HadoopException.ALREADY_BEING_CREATED, recoverLeaseMessage(op, src, holder, clientMachine, 'the file is under construction but no leases found.'), { path: src });
    }
    if (force) {
      log.info({ src, holder: uc.clientName, client: holder }, `recoverLease: ${leaseString(lease)}, src=${src} from client ${uc.clientName}`);
      return this.internalReleaseLease(file, src, holder);
    }
    if (ns.leases.softLimitExpired(uc.clientName, ns.clock.now())) {
      log.info({ src, holder: uc.clientName, client: holder }, `startFile: recover ${leaseString(lease)}, src=${src} client ${uc.clientName}`);
      if (await this.internalReleaseLease(file, src, null)) return true;
      throw fsError('FS_LEASE', HadoopException.RECOVERY_IN_PROGRESS, recoverLeaseMessage(op, src, holder, clientMachine, 'lease recovery is in progress. Try again later.'), { path: src });
    }
    if (file.lastBlock?.state === 'UNDER_RECOVERY') {
      throw fsError('FS_LEASE', HadoopException.RECOVERY_IN_PROGRESS, recoverLeaseMessage(op, src, holder, clientMachine, `another recovery is in progress by ${uc.clientName} on ${uc.clientMachine}`), { path: src });
    }
    throw fsError('FS_LEASE', HadoopException.ALREADY_BEING_CREATED, recoverLeaseMessage(op, src, holder, clientMachine, `this file lease is currently owned by ${uc.clientName} on ${uc.clientMachine}`), { path: src });
  }

  /**
   * FSNamesystem.internalReleaseLease (3.4.1), inside the write lock: closes the file when every
   * block is complete (or the last one committed with a replica, or empty with no replica at all);
   * refuses a committed last block while the penultimate has no replica; else starts the last
   * block's recovery (a committed one no DataNode reported too) and hands the lease to
   * `recoveryLeaseHolder` (null: the holder keeps it, renewed). True when the file is closed now.
   */
  async internalReleaseLease(file: INodeFile, src: string, recoveryLeaseHolder: string | null): Promise<boolean> {
    const ns = this.#ns;
    log.info({ src, holder: file.uc?.clientName }, `Recovering lease of ${file.uc?.clientName}, src=${src}`);
    const blocks = file.blocks;
    let nrComplete = 0;
    while (nrComplete < blocks.length && blocks[nrComplete]!.complete) nrComplete++;
    if (nrComplete === blocks.length) {
      await this.finalize(file, src, blocks.map((b) => record(b)));
      log.warn({ src }, `BLOCK* internalReleaseLease: All existing blocks are COMPLETE, lease removed, file ${src} closed.`);
      return true;
    }
    const penultimate = blocks[blocks.length - 2];
    if (nrComplete < blocks.length - 2 || (nrComplete === blocks.length - 2 && penultimate!.state !== 'COMMITTED')) {
      const message = `DIR* NameSystem.internalReleaseLease: attempt to release a create lock on ${src} but file is already closed.`;
      log.warn({ src }, message);
      throw ioError('FS_LEASE', message, { path: src });
    }
    const last = file.lastBlock!;
    const penultimateMinStorage = !penultimate || ns.blocks.hasMinStorage(penultimate);
    if (last.state === 'COMMITTED') {
      if (penultimateMinStorage && ns.blocks.hasMinStorage(last)) {
        ns.blocks.tryComplete(last);
        await this.finalize(file, src, blocks.map((b) => record(b)));
        log.warn({ src }, `BLOCK* internalReleaseLease: Committed blocks are minimally replicated, lease removed, file${src} closed.`);
        return true;
      }
      const message = `DIR* NameSystem.internalReleaseLease: Failed to release lease for file ${src}. Committed blocks are waiting to be minimally replicated.`;
      log.warn({ src }, message);
      if (!penultimateMinStorage) throw fsError('FS_LEASE', HadoopException.ALREADY_BEING_CREATED, message, { path: src });
      // HDFS-14498: a committed last block no DataNode reported (the writer died before its
      // pipeline finished) is recovered like an unfinished one instead of refused at every try,
      // which left the lease monitor retrying such a file forever
    }
    // UNDER_CONSTRUCTION or UNDER_RECOVERY: the expected locations come from the replicas reported, if none are known
    if (last.expected.length === 0) last.expected = [...last.replicas].map(([storageUuid, r]) => ({ datanodeUuid: r.datanodeUuid, storageUuid }));
    if (last.expected.length === 0 && last.numBytes === 0) {
      // no DataNode reported the block: the client died before writing to the pipeline
      await this.finalize(file, src, blocks.slice(0, -1).map((b) => record(b)));
      log.warn({ src }, `BLOCK* internalReleaseLease: Removed empty last block and closed file ${src}`);
      return true;
    }
    if (this.#addRecoveryAttempt(last)) {
      const recoveryId = ns.fsd.generationStamp + 1;
      await ns.commit([{ op: 'GENSTAMP', generationStamp: recoveryId }], `recovery id for ${blockString(last)} of ${src}`);
      this.#initializeBlockRecovery(last, recoveryId);
      log.warn({ src, block: blockString(last), recoveryId }, `DIR* NameSystem.internalReleaseLease: File ${src} has not been closed. Lease recovery is in progress. RecoveryId = ${recoveryId} for block ${blockString(last)}`);
    }
    if (recoveryLeaseHolder !== null) await this.#reassignLease(file, src, recoveryLeaseHolder);
    else ns.leases.renew(file.uc!.clientName, ns.clock.now());
    return false;
  }

  /**
   * FSDirTruncateOp.prepareFileForTruncate's initializeBlockRecovery: the truncate's last block goes
   * UNDER_RECOVERY with `recoveryId` (the truncate block's stamp) and its primary is told on its next
   * heartbeat. Recorded as an attempt, so a recoverLease right after does not start a second one
   * before this one timed out.
   */
  startTruncateRecovery(block: BlockInfo, recoveryId: number): void {
    this.#pending.set(block.blockId, this.#ns.clock.now() + this.#timeoutMs);
    this.#initializeBlockRecovery(block, recoveryId);
  }

  /** PendingRecoveryBlocks.add: false while an earlier attempt for the block has not timed out. */
  #addRecoveryAttempt(block: BlockInfo): boolean {
    const now = this.#ns.clock.now();
    const until = this.#pending.get(block.blockId);
    if (until !== undefined && now < until) {
      log.info({ block: blockString(block) }, `Block recovery attempt for ${blockString(block)} rejected, as the previous attempt times out in ${Math.ceil((until - now) / 1000)} seconds.`);
      return false;
    }
    this.#pending.set(block.blockId, now + this.#timeoutMs);
    return true;
  }

  /**
   * BlockUnderConstructionFeature.initializeBlockRecovery: UNDER_RECOVERY with the recovery id; the
   * primary is the live expected location heard from most recently that was not tried yet (all
   * are eligible again once every live one was tried).
   */
  #initializeBlockRecovery(block: BlockInfo, recoveryId: number): void {
    const ns = this.#ns;
    block.state = 'UNDER_RECOVERY';
    block.recoveryId = recoveryId;
    const live = block.expected.map((e) => ({ e, dn: ns.datanodes.get(e.datanodeUuid) })).filter((x) => x.dn?.alive);
    if (block.expected.length === 0) {
      log.warn({ block: blockString(block) }, 'BLOCK* BlockUnderConstructionFeature.initializeBlockRecovery: No blocks found, lease removed.');
      return;
    }
    if (live.every((x) => block.triedAsPrimary.has(x.e.storageUuid))) block.triedAsPrimary.clear();
    let primary: (typeof live)[number] | undefined;
    for (const x of live) {
      if (block.triedAsPrimary.has(x.e.storageUuid)) continue;
      if (!primary || x.dn!.lastHeartbeat > primary.dn!.lastHeartbeat) primary = x;
    }
    if (!primary) return;
    primary.dn!.recover.push(block);
    block.triedAsPrimary.add(primary.e.storageUuid);
    log.info({ block: blockString(block), primary: primary.dn!.xferAddr, recoveryId }, `BLOCK* ${blockString(block)} recovery started, primary=${primary.dn!.xferAddr}`);
  }

  /** FSNamesystem.reassignLease: OP_REASSIGN_LEASE, the lease moves to `newHolder` (renewed). */
  async #reassignLease(file: INodeFile, src: string, newHolder: string): Promise<void> {
    const ns = this.#ns;
    const old = file.uc!.clientName;
    if (old === newHolder) {
      ns.leases.renew(old, ns.clock.now());
      return;
    }
    await ns.commit([{ op: 'REASSIGN_LEASE', fileId: file.id, newHolder }], `lease reassignment of ${src}`);
    ns.leases.remove(old, file.id);
    ns.leases.add(newHolder, file.id, ns.clock.now());
  }

  /** finalizeINodeFileUnderConstruction: OP_CLOSE with `blocks`, the lease ends. */
  async finalize(file: INodeFile, path: string, blocks: BlockRecord[]): Promise<void> {
    const ns = this.#ns;
    const holder = file.uc!.clientName;
    await ns.commit([{ op: 'CLOSE', fileId: file.id, mtime: ns.clock.now(), atime: file.atime, blocks }], `close of ${path}`);
    ns.leases.remove(holder, file.id);
    for (const b of file.blocks) this.#pending.delete(b.blockId);
    // FSNamesystem.finalizeINodeFileUnderConstruction -> BlockManager.checkRedundancy
    ns.blocks.redundancy.checkRedundancy(file.blocks);
    log.info({ src: path, holder, blocks: blocks.length, length: file.length() }, 'DIR* completeFile: closed');
  }

  /**
   * DatanodeProtocol.commitBlockSynchronization (FSNamesystem 3.4.1): the primary DataNode reports
   * the recovered block. Refused for an unknown block (unless deleting: a retry), a deleted file, a
   * recovery id other than the current one (a stale recovery); ignored when the file is closed
   * already. Otherwise the block takes the new stamp and length (or is removed with deleteBlock),
   * the reporting storages become its replicas, and with closeFile the file closes.
   */
  commitBlockSynchronization(s: BlockSynchronization): Promise<void> {
    const ns = this.#ns;
    const name = `${s.block.poolId}:${blockString(s.block)}`;
    log.info({ block: name, newGenStamp: s.newGenStamp, newLength: s.newLength, closeFile: s.closeFile, deleteBlock: s.deleteBlock },
      `commitBlockSynchronization(oldBlock=${name}, newgenerationstamp=${s.newGenStamp}, newlength=${s.newLength}, newtargets=[${s.newTargets.map((t) => this.#nodeName(t.datanodeUuid)).join(', ')}], closeFile=${s.closeFile}, deleteBlock=${s.deleteBlock})`);
    return ns.write(async () => {
      ns.checkNameNodeSafeMode('Cannot commitBlockSynchronization while in safe mode');
      const stored = ns.fsd.block(s.block.blockId);
      if (!stored) {
        if (s.deleteBlock) {
          log.debug({ block: name }, `Block (=${name}) not found`);
          return;
        }
        throw ioError('FS_NOT_FOUND', `Block (=${name}) not found`, { blockId: s.block.blockId });
      }
      const file = stored.file;
      if (!file) throw ioError('FS_NOT_FOUND', `The blockCollection of ${blockString(stored)} is null, likely because the file owning this block was deleted and the block removal is delayed`, { blockId: stored.blockId });
      const src = file.path();
      if (!file.parent) throw fileNotFound(`File not found: ${src}, likely due to delayed block removal`, src);
      if ((!file.uc || stored.complete) && file.lastBlock?.complete) {
        log.debug({ block: name, src }, `Unexpected block (=${name}) since the file (=${file.name}) is not under construction`);
        return;
      }
      const last = file.lastBlock!;
      if (last.recoveryId !== s.newGenStamp) {
        throw ioError('FS_INVALID_ARGUMENT', `The recovery id ${s.newGenStamp} does not match current recovery id ${last.recoveryId} for block ${name}`, { blockId: stored.blockId });
      }
      let blocks = file.blocks.map((b) => record(b));
      if (s.deleteBlock) {
        if (last === stored) blocks = blocks.slice(0, -1);
      } else {
        blocks[blocks.length - 1] = record(stored, s.newLength, s.newGenStamp);
      }
      if (s.closeFile) {
        if (!s.deleteBlock) this.#addReplicas(stored, s);
        await this.finalize(file, src, blocks);
      } else {
        // persistBlocks: the new stamp and length, the file stays open
        if (!s.deleteBlock) {
          await ns.commit([{ op: 'UPDATE_BLOCK', fileId: file.id, block: record(stored, s.newLength, s.newGenStamp) }], `recovery of ${name}`);
          stored.state = 'UNDER_CONSTRUCTION';
          stored.truncateLength = null; // convertLastBlockToUC: a new under-construction feature
          this.#addReplicas(stored, s);
        } else if (last === stored) {
          await ns.commit([{ op: 'ABANDON_BLOCK', fileId: file.id, blockId: stored.blockId }], `recovery of ${name}`);
        }
      }
      this.#pending.delete(stored.blockId);
      log.info({ block: name, src, newLength: s.newLength }, s.closeFile
        ? `commitBlockSynchronization(oldBlock=${name}, file=${src}, newgenerationstamp=${s.newGenStamp}, newlength=${s.newLength}, newtargets=[${s.newTargets.map((t) => this.#nodeName(t.datanodeUuid)).join(', ')}]) successful`
        : `commitBlockSynchronization(${name}) successful`);
    });
  }

  /**
   * The recovered replicas become the block's locations at once (DatanodeStorageInfo.addBlock for
   * each new target; replicas of older stamps are no longer locations: markBlockReplicasAsCorrupt).
   */
  #addReplicas(block: BlockInfo, s: BlockSynchronization): void {
    const ns = this.#ns;
    for (const [storageUuid, r] of block.replicas) if (r.generationStamp < s.newGenStamp) block.replicas.delete(storageUuid);
    block.expected = [];
    s.newTargets.forEach((t, i) => {
      const storageUuid = s.newTargetStorages[i];
      const dn = ns.datanodes.get(t.datanodeUuid);
      if (!dn || !storageUuid) return;
      dn.storage(storageUuid).blocks.add(block.blockId);
      block.replicas.set(storageUuid, { datanodeUuid: dn.uuid, numBytes: s.newLength, generationStamp: s.newGenStamp });
      block.expected.push({ datanodeUuid: dn.uuid, storageUuid });
    });
  }

  #nodeName(uuid: string): string {
    return this.#ns.datanodes.get(uuid)?.xferAddr ?? uuid;
  }
}
