/**
 * Decommissioning (Hadoop 3.4.1 DatanodeAdminManager with HeartbeatManager.startDecommission /
 * stopDecommission and DatanodeAdminDefaultMonitor), for the DataNodes dfs.hosts.exclude names:
 *  - startDecommission: a live node goes to DECOMMISSION_INPROGRESS (a dead one straight to
 *    DECOMMISSIONED, as HeartbeatManager.startDecommission does); from then on it is no target for
 *    new replicas (block-placement.ts) but its replicas are still read;
 *  - the monitor (every heartbeat-monitor tick here, where Hadoop's runs every
 *    dfs.namenode.decommission.interval) moves an in-progress node to DECOMMISSIONED once every block
 *    it holds has enough live replicas on nodes in service (BlockManager.sufficientWithout); each
 *    block that has not is queued for re-replication (DatanodeAdminDefaultMonitor.processBlocksInternal:
 *    when not already queued or pending), and the redundancy monitor copies it from this node or
 *    another holder (block-reconstruction.ts) until the node can complete;
 *  - stopDecommission: back to NORMAL (the node left the exclude list).
 * Maintenance states (ENTERING_MAINTENANCE, IN_MAINTENANCE) need CombinedHostFileManager, which
 * hsec does not implement.
 */
import { getLogger } from '../../../lib/log/logger.ts';
import type { BlockManager } from './block-manager.ts';
import type { DatanodeDescriptor } from './datanode-descriptor.ts';

const log = getLogger('namenode.decommission');

export class DatanodeAdminManager {
  readonly #blocks: BlockManager;

  constructor(blocks: BlockManager) {
    this.#blocks = blocks;
  }

  /** DatanodeAdminManager.startDecommission: nothing when already decommissioning or decommissioned. */
  startDecommission(dn: DatanodeDescriptor, now: number): void {
    if (dn.decommissioning) {
      log.debug({ datanode: dn.xferAddr, state: dn.adminState }, `startDecommission: Node ${dn.xferAddr} in ${dn.adminState}, nothing to do.`);
      return;
    }
    if (!dn.alive) {
      dn.adminState = 'DECOMMISSIONED';
      log.info({ datanode: dn.xferAddr }, `Decommission complete for dead node ${dn.xferAddr}`);
      return;
    }
    dn.adminState = 'DECOMMISSION_INPROGRESS';
    dn.decommissionStartTime = now;
    log.info({ datanode: dn.xferAddr, blocks: dn.numBlocks }, `Starting decommission of ${dn.xferAddr} with ${dn.numBlocks} blocks`);
  }

  /** DatanodeAdminManager.stopDecommission. */
  stopDecommission(dn: DatanodeDescriptor): void {
    if (!dn.decommissioning) return;
    log.info({ datanode: dn.xferAddr, state: dn.adminState }, `Stopping decommission of ${dn.xferAddr}`);
    dn.adminState = 'NORMAL';
    dn.decommissionStartTime = 0;
  }

  /** DatanodeAdminDefaultMonitor.check: completes the in-progress nodes whose blocks are safe elsewhere. */
  check(nodes: Iterable<DatanodeDescriptor>): void {
    for (const dn of nodes) {
      if (dn.adminState !== 'DECOMMISSION_INPROGRESS') continue;
      const pending = this.#insufficientBlocks(dn);
      if (pending === 0) {
        dn.adminState = 'DECOMMISSIONED';
        log.info({ datanode: dn.xferAddr }, `Decommissioning complete for node ${dn.xferAddr}`);
      } else {
        log.debug({ datanode: dn.xferAddr, pending }, `Node ${dn.xferAddr} still has ${pending} blocks to replicate before it is a candidate to finish decommissioning.`);
      }
    }
  }

  /** How many of the node's blocks lack enough live replicas on nodes in service; those are queued for re-replication. */
  #insufficientBlocks(dn: DatanodeDescriptor): number {
    let n = 0;
    for (const s of dn.storages.values()) {
      for (const id of s.blocks) {
        const block = this.#blocks.storedBlock(id);
        if (!block || this.#blocks.sufficientWithout(block)) continue;
        n++;
        this.#blocks.redundancy.checkDecommissioningBlock(block);
      }
    }
    return n;
  }
}
