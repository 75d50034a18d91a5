/**
 * reportBadBlocks, the one call clients (ClientProtocol) and DataNodes (DatanodeProtocol) share
 * (Hadoop 3.4.1 NameNodeRpcServer.reportBadBlocks -> FSNamesystem.reportBadBlocks): every location
 * of every reported block is logged ("*DIR* reportBadBlocks for block: B on datanode: H:P") and
 * marked corrupt with reason CORRUPTION_REPORTED (BlockManager.findAndMarkBlockAsCorrupt, with the
 * location's storage ID when the report names one). An unknown block, or a node that holds no
 * replica of it, is skipped; an unknown DataNode fails the call with an IOException (a known uuid
 * at another transfer address with an UnregisteredNodeException), leaving the locations before it
 * marked, as in Hadoop; storage IDs that are not one per location fail the whole call first
 * (IllegalStateException, PBHelperClient). No permission check: Hadoop makes none either.
 */
import { HsecError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import type { LocatedBlock } from '../protocol/hdfs-types.ts';
import type { FsNamesystem } from './namesystem.ts';

/** NameNode.stateChangeLog */
const stateLog = getLogger('namenode.state');

/** FSNamesystem.reportBadBlocks; `by`: the caller's address (the corrupt map's log line). */
export function reportBadBlocks(ns: FsNamesystem, blocks: readonly LocatedBlock[], by: string): void {
  // PBHelperClient.convertLocatedBlockProto, run on the whole request first: storage IDs are none or
  // one per location (Preconditions.checkState, an IllegalStateException; nothing is marked)
  for (const lb of blocks) {
    const ids = lb.storageIDs?.length ?? 0;
    const locs = lb.locs?.length ?? 0;
    if (ids !== 0 && ids !== locs) {
      throw new HsecError('FS_INVALID_ARGUMENT', `Cannot report ${lb.b.poolId}:blk_${lb.b.blockId}_${lb.b.generationStamp} as bad: it names ${ids} storage IDs for ${locs} locations (give none, or one per location)`, {
        blockId: lb.b.blockId, exceptionClassName: 'java.lang.IllegalStateException',
      });
    }
  }
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
