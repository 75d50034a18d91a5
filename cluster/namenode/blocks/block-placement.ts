/**
 * Choosing the DataNodes of a new block's pipeline (after Hadoop's BlockPlacementPolicyDefault,
 * without racks): up to `replication` live DataNodes in service (not decommissioning or
 * decommissioned: BlockPlacementPolicyDefault.isGoodDatanode) that the client did not exclude, each with a
 * storage that has room for a whole block. The client's favored nodes (`ip:xferPort`) come first,
 * then a DataNode on the client's own host (the writer-local replica), then the others in random
 * order. Fewer nodes than asked is fine (the block is under-replicated); none is the IOException
 * "could only be written to 0 of the 1 minReplication nodes".
 */
import { randomInt } from 'node:crypto';
import type { DatanodeInfo } from '../../protocol/hdfs-types.ts';
import { ioError } from '../namespace/fs-errors.ts';
import type { DatanodeDescriptor } from './datanode-descriptor.ts';
import type { Location } from './block-manager.ts';

export interface PlacementRequest {
  src: string;
  replication: number;
  blockSize: number;
  /** the client's address (the RPC peer), for the writer-local replica */
  clientAddress: string;
  excludeNodes?: readonly DatanodeInfo[];
  /** `host:port` transfer addresses */
  favoredNodes?: readonly string[];
}

/** dfs.namenode.replication.min */
export const MIN_REPLICATION = 1;

export function chooseTargets(live: readonly DatanodeDescriptor[], req: PlacementRequest): Location[] {
  const excluded = new Set<string>();
  for (const e of req.excludeNodes ?? []) {
    excluded.add(e.id.datanodeUuid);
    excluded.add(`${e.id.ipAddr}:${e.id.xferPort}`);
  }
  const usable = live.filter((dn) => dn.alive && !dn.decommissioning && !excluded.has(dn.uuid) && !excluded.has(dn.xferAddr) && dn.chooseStorage(req.blockSize));
  const ordered: DatanodeDescriptor[] = [];
  const take = (dn: DatanodeDescriptor | undefined) => {
    if (dn && !ordered.includes(dn)) ordered.push(dn);
  };
  for (const f of req.favoredNodes ?? []) take(usable.find((dn) => dn.xferAddr === f || `${dn.id.hostName}:${dn.id.xferPort}` === f));
  take(shuffle(usable.filter((dn) => dn.id.ipAddr === req.clientAddress))[0]);
  for (const dn of shuffle(usable)) take(dn);
  const chosen = ordered.slice(0, Math.max(0, req.replication));
  if (chosen.length < MIN_REPLICATION) {
    throw ioError('FS_NO_DATANODES',
      `File ${req.src} could only be written to ${chosen.length} of the ${MIN_REPLICATION} minReplication nodes. There are ${live.filter((d) => d.alive).length} ` +
        `datanode(s) running and ${req.excludeNodes?.length ? req.excludeNodes.length : 'no'} node(s) are excluded in this operation.`,
      { path: req.src, datanodes: live.length });
  }
  return chosen.map((dn) => {
    const s = dn.chooseStorage(req.blockSize)!;
    return { datanode: dn, storageUuid: s.storageUuid, storageType: s.storageType };
  });
}

/**
 * Targets for re-replicating a block (ReplicationWork.chooseTargets -> chooseTarget with the source
 * as writer): up to `count` live DataNodes in service with room for the block, none of `excluded`
 * (uuids: the nodes holding the block and its pending targets). The source holds the block, so
 * no writer-local choice applies: the nodes come in random order. May be fewer, or none.
 */
export function chooseReplicationTargets(live: readonly DatanodeDescriptor[], count: number, blockSize: number, excluded: ReadonlySet<string>): Location[] {
  const usable = live.filter((dn) => dn.alive && !dn.decommissioning && !excluded.has(dn.uuid) && dn.chooseStorage(blockSize));
  return shuffle(usable).slice(0, Math.max(0, count)).map((dn) => {
    const s = dn.chooseStorage(blockSize)!;
    return { datanode: dn, storageUuid: s.storageUuid, storageType: s.storageType };
  });
}

function shuffle<T>(items: T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = randomInt(0, i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
