/**
 * Choosing the DataNodes of a new block's pipeline (after Hadoop's BlockPlacementPolicyDefault,
 * without racks): up to `replication` live DataNodes in service (not decommissioning or
 * decommissioned: BlockPlacementPolicyDefault.isGoodDatanode) that the client did not exclude, each with a
 * storage that has room for a whole block. The client's favored nodes (`ip:xferPort`) come first,
 * then a DataNode on the client's own host (the writer-local replica), then the others in random
 * order. With the file's storage policy (the one in force, the default HOT when none is set), each
 * replica needs a storage of the type the policy chooses for it (BlockStoragePolicy
 * .chooseStorageTypes); a type no usable DataNode offers is replaced by the policy's first creation
 * fallback (a new block) or replication fallback (getAdditionalDatanode) that one does, or dropped
 * (BlockPlacementPolicyDefault's retry with unavailableStorages). hsec's DataNodes offer DISK only:
 * every policy but COLD (ARCHIVE, no fallback) places on DISK, and a COLD block finds no target, as
 * on a stock cluster without ARCHIVE storage. Fewer nodes than asked is fine (the block is
 * under-replicated); none is the IOException "could only be written to 0 of the 1 minReplication nodes".
 */
import { randomInt } from 'node:crypto';
import { chooseStorageTypesWithFallback } from '../../protocol/block-storage-policy.ts';
import type { BlockStoragePolicy } from '../../protocol/client-protocol.ts';
import type { DatanodeInfo, StorageType } from '../../protocol/hdfs-types.ts';
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
  /** the file's storage policy in force; without one, any storage with room will do */
  storagePolicy?: BlockStoragePolicy;
  /** the storage types of the replicas the block already has (getAdditionalDatanode's pipeline); none for a new block */
  chosenTypes?: readonly StorageType[];
}

const STORAGE_TYPES: readonly StorageType[] = ['RAM_DISK', 'SSD', 'DISK', 'ARCHIVE', 'PROVIDED', 'NVDIMM'];

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
  const chosen = req.storagePolicy ? byStorageType(ordered, req, req.storagePolicy) : ordered.slice(0, Math.max(0, req.replication)).map((dn) => located(dn, dn.chooseStorage(req.blockSize)!));
  if (chosen.length < MIN_REPLICATION) {
    throw ioError('FS_NO_DATANODES',
      `File ${req.src} could only be written to ${chosen.length} of the ${MIN_REPLICATION} minReplication nodes. There are ${live.filter((d) => d.alive).length} ` +
        `datanode(s) running and ${req.excludeNodes?.length ? req.excludeNodes.length : 'no'} node(s) are excluded in this operation.`,
      { path: req.src, datanodes: live.length });
  }
  return chosen;
}

const located = (dn: DatanodeDescriptor, s: { storageUuid: string; storageType: StorageType }): Location => ({ datanode: dn, storageUuid: s.storageUuid, storageType: s.storageType });

/** One node per storage type the policy wants, in the order the nodes were ranked. */
function byStorageType(ordered: readonly DatanodeDescriptor[], req: PlacementRequest, policy: BlockStoragePolicy, isNewBlock = (req.chosenTypes ?? []).length === 0): Location[] {
  const chosenTypes = req.chosenTypes ?? [];
  const unavailable = new Set(STORAGE_TYPES.filter((t) => !ordered.some((dn) => dn.chooseStorage(req.blockSize, t))));
  const wanted = chooseStorageTypesWithFallback(policy, Math.max(0, req.replication) + chosenTypes.length, chosenTypes, unavailable, isNewBlock);
  const out: Location[] = [];
  for (const type of wanted.slice(0, Math.max(0, req.replication))) {
    const dn = ordered.find((d) => !out.some((l) => l.datanode === d) && d.chooseStorage(req.blockSize, type));
    if (dn) out.push(located(dn, dn.chooseStorage(req.blockSize, type)!));
  }
  return out;
}

/**
 * Targets for re-replicating a block (ReplicationWork.chooseTargets -> chooseTarget with the source
 * as writer and the live replicas as chosen): up to `count` live DataNodes in service with room for
 * the block, none of `excluded` (uuids: the nodes holding the block and its pending targets), each
 * with a storage of the type the file's storage policy wants next to the live replicas' types (the
 * policy's replication fallbacks when a type is missing). The source holds the block, so no
 * writer-local choice applies: the nodes come in random order. May be fewer, or none.
 */
export function chooseReplicationTargets(live: readonly DatanodeDescriptor[], count: number, blockSize: number, excluded: ReadonlySet<string>,
  storagePolicy: BlockStoragePolicy, chosenTypes: readonly StorageType[]): Location[] {
  const usable = shuffle(live.filter((dn) => dn.alive && !dn.decommissioning && !excluded.has(dn.uuid) && dn.chooseStorage(blockSize)));
  return byStorageType(usable, { src: '', replication: count, blockSize, clientAddress: '', chosenTypes }, storagePolicy, false);
}

function shuffle<T>(items: T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = randomInt(0, i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
