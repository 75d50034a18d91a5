/**
 * The replicas known to be corrupt (Hadoop 3.4.1 CorruptReplicasMap, replicated blocks only): per
 * block, the DataNodes whose replica is corrupt and why. A block is in the map while at least one
 * of its replicas is; its size is the "blocks with corrupt replicas" count of getStats and
 * `dfsadmin -report`. A corrupt replica stays a replica of its block (a storage holds it) but is no
 * location clients are given while a good one exists, and no source for re-replication; once the
 * block has enough live replicas it is deleted on its DataNode (BlockManager.invalidateCorruptReplicas).
 */
import { getLogger } from '../../../lib/log/logger.ts';
import { blockString, type BlockInfo } from '../namespace/inode.ts';

/** CorruptReplicasMap.Reason. */
export type CorruptReason = 'NONE' | 'ANY' | 'GENSTAMP_MISMATCH' | 'SIZE_MISMATCH' | 'INVALID_STATE' | 'CORRUPTION_REPORTED';

/** NameNode.blockStateChangeLog (BlockStateChange) */
const blockLog = getLogger('namenode.block-state-change');

export class CorruptReplicasMap {
  /** block -> DataNode uuid -> reason, in the order blocks became corrupt */
  readonly #map = new Map<BlockInfo, Map<string, CorruptReason>>();

  /**
   * addToCorruptReplicasMap: marks the replica of `block` on DataNode `datanodeUuid` (`datanode`:
   * its transfer address, for the log; `by`: the caller's address) corrupt, or updates the reason.
   */
  add(block: BlockInfo, datanodeUuid: string, reason: string | null, reasonCode: CorruptReason, datanode = datanodeUuid, by = ''): void {
    let nodes = this.#map.get(block);
    if (!nodes) this.#map.set(block, (nodes = new Map()));
    const reasonText = reason !== null ? ` because ${reason}` : '';
    // Server.getRemoteIp(): an InetAddress ("/ip"), null outside an RPC call
    const remote = by ? `/${by}` : 'null';
    if (!nodes.has(datanodeUuid)) {
      blockLog.debug({ block: block.blockId, datanode }, `BLOCK NameSystem.addToCorruptReplicasMap: ${blockString(block)} added as corrupt on ${datanode} by ${remote} ${reasonText}`);
    } else {
      blockLog.debug({ block: block.blockId, datanode }, `BLOCK NameSystem.addToCorruptReplicasMap: duplicate requested for ${blockString(block)} to add as corrupt on ${datanode} by ${remote} ${reasonText}`);
    }
    nodes.set(datanodeUuid, reasonCode);
  }

  /** removeFromCorruptReplicasMap(blk): the block and all its corrupt replicas leave the map. */
  removeBlock(block: BlockInfo): boolean {
    return this.#map.delete(block);
  }

  /**
   * removeFromCorruptReplicasMap(blk, datanode, reason): one replica leaves the map (not when a
   * reason other than ANY is given and the stored one differs); the block leaves with its last.
   */
  remove(block: BlockInfo, datanodeUuid: string, reason: CorruptReason = 'ANY'): boolean {
    const nodes = this.#map.get(block);
    if (!nodes) return false;
    const stored = nodes.get(datanodeUuid);
    if (reason !== 'ANY' && stored !== undefined && reason !== stored) return false;
    if (!nodes.delete(datanodeUuid)) return false;
    if (nodes.size === 0) this.#map.delete(block);
    return true;
  }

  /** getNodes: the uuids of the DataNodes holding a corrupt replica of `block` (empty when none). */
  nodes(block: BlockInfo): string[] {
    return [...(this.#map.get(block)?.keys() ?? [])];
  }

  isReplicaCorrupt(block: BlockInfo, datanodeUuid: string): boolean {
    return this.#map.get(block)?.has(datanodeUuid) ?? false;
  }

  numCorruptReplicas(block: BlockInfo): number {
    return this.#map.get(block)?.size ?? 0;
  }

  /** getCorruptReason: the reason's name, or null when the replica is not in the map. */
  reason(block: BlockInfo, datanodeUuid: string): CorruptReason | null {
    return this.#map.get(block)?.get(datanodeUuid) ?? null;
  }

  /** size / getCorruptBlocks: how many blocks have a corrupt replica. */
  get size(): number {
    return this.#map.size;
  }

  /** getCorruptBlocksSet, in the order the blocks entered the map. */
  blocks(): BlockInfo[] {
    return [...this.#map.keys()];
  }
}
