/**
 * reportBadBlocks, the one call clients (ClientProtocol) and DataNodes (DatanodeProtocol) share
 * (Hadoop 3.4.1 NameNodeRpcServer.reportBadBlocks -> FSNamesystem.reportBadBlocks): every location
 * of every reported block is logged ("*DIR* reportBadBlocks for block: B on datanode: H:P") and
 * marked corrupt with reason CORRUPTION_REPORTED (BlockManager.findAndMarkBlockAsCorrupt, with the
 * location's storage ID when the report names one). An unknown block, or a node that holds no
 * replica of it, is skipped; an unknown DataNode fails the call with an IOException (a known uuid
 * at another transfer address with an UnregisteredNodeException), leaving the locations before it
 * marked, as in Hadoop. No permission check: Hadoop makes none either.
 */
import { getLogger } from '../../lib/log/logger.ts';
import type { LocatedBlock } from '../protocol/hdfs-types.ts';
import type { FsNamesystem } from './namesystem.ts';

/** NameNode.stateChangeLog */
const stateLog = getLogger('namenode.state');

/** FSNamesystem.reportBadBlocks; `by`: the caller's address (the corrupt map's log line). */
export function reportBadBlocks(ns: FsNamesystem, blocks: readonly LocatedBlock[], by: string): void {
  for (const lb of blocks) {
    const blk = lb.b;
    const storageIDs = lb.storageIDs ?? [];
    (lb.locs ?? []).forEach((dn, j) => {
      const xfer = `${dn.id.ipAddr}:${dn.id.xferPort}`;
      stateLog.info({ blockId: blk.blockId, datanode: xfer }, `*DIR* reportBadBlocks for block: ${blk.poolId}:blk_${blk.blockId}_${blk.generationStamp} on datanode: ${xfer}`);
      ns.blocks.findAndMarkBlockAsCorrupt(blk, dn, storageIDs[j] || null, 'client machine reported it', by);
    });
  }
}
