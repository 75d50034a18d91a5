/**
 * The text of `hdfs dfsadmin -metasave` (Hadoop 3.4.1 FSNamesystem.metaSave(PrintWriter) ->
 * BlockManager.metaSave -> dumpBlockMeta, PendingReconstructionBlocks.metaSave,
 * InvalidateBlocks.dump, DatanodeManager.datanodeDump -> DatanodeDescriptor.dumpDatanode), in its
 * sections and line formats, from what hsec knows:
 *  - "N files and directories, B blocks = N+B total filesystem objects" (inodes with the root);
 *  - live and dead DataNodes;
 *  - blocks waiting for reconstruction: complete blocks with fewer live replicas than their file's
 *    replication, by LowRedundancyBlocks priority (one replica left, then fewer than a third, then
 *    the rest); then the missing ones (no live replica: Hadoop's corrupt-blocks queue);
 *  - no postponed mis-replicated blocks (one rack: none is ever mis-replicated);
 *  - the blocks being reconstructed (PendingReconstructionBlocks.metaSave): each with the time its
 *    copy was asked for and how many copies are awaited;
 *  - the corrupt replicas (the corrupt replicas map), one line per replica with its reason;
 *  - the replicas waiting deletion on each DataNode (its INVALIDATE queue);
 *  - every DataNode (dumpDatanode), sorted by uuid as DatanodeManager's TreeMap is.
 */
import { byteDesc, formatPercent, javaDate } from '../../lib/text/java-format.ts';
import type { DatanodeDescriptor } from './blocks/datanode-descriptor.ts';
import type { FsNamesystem } from './namesystem.ts';
import type { BlockInfo } from './namespace/inode.ts';

/** Block.toString: `blk_<id>_<generation stamp>`. */
const blockName = (id: number, gs: number) => `blk_${id}_${gs}`;

/** java.sql.Time.toString: `HH:mm:ss` in the local time zone. */
function sqlTime(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

export function metaSaveText(ns: FsNamesystem): string {
  const lines: string[] = [];
  const totalInodes = ns.fsd.inodeCount;
  const blocks = [...ns.fsd.allBlocks()];
  lines.push(`${totalInodes} files and directories, ${blocks.length} blocks = ${totalInodes + blocks.length} total filesystem objects`);
  const live = ns.datanodes.live();
  const dead = ns.datanodes.dead();
  lines.push(`Live Datanodes: ${live.length}`, `Dead Datanodes: ${dead.length}`);

  const low: { block: BlockInfo; priority: number }[] = [];
  const missing: BlockInfo[] = [];
  for (const block of blocks) {
    if (!block.complete || !block.file) continue;
    const n = ns.blocks.locations(block).filter((l) => !l.datanode.decommissioning).length;
    const expected = block.file.replication;
    if (n === 0) missing.push(block);
    else if (n < expected) low.push({ block, priority: n === 1 ? 0 : n * 3 < expected ? 1 : 2 });
  }
  low.sort((a, b) => a.priority - b.priority);
  lines.push(`Metasave: Blocks waiting for reconstruction: ${low.length}`);
  for (const { block } of low) lines.push(blockMeta(ns, block));
  lines.push(`Metasave: Blocks currently missing: ${missing.length}`);
  for (const block of missing) lines.push(blockMeta(ns, block));
  lines.push('Mis-replicated blocks that have been postponed:');
  // PendingReconstructionBlocks.metaSave: `new java.sql.Time(timeStamp)` prints HH:mm:ss
  const pendingCopies = [...ns.blocks.redundancy.pending.entries()];
  lines.push(`Metasave: Blocks being reconstructed: ${pendingCopies.length}`);
  for (const p of pendingCopies) lines.push(`${blockName(p.block.blockId, p.block.generationStamp)} StartTime: ${sqlTime(p.timeStamp)} NumReconstructInProgress: ${p.numReplicas}`);

  const all = [...live, ...dead];
  const deleting = all.filter((dn) => dn.invalidate.length > 0);
  const pending = deleting.reduce((n, dn) => n + dn.invalidate.length, 0);
  lines.push(`Metasave: Blocks ${pending} waiting deletion from ${deleting.length} datanodes.`);
  for (const dn of deleting) {
    lines.push(dn.xferAddr, dn.invalidate.map((b) => blockName(b.blockId, b.generationStamp)).join(','));
  }
  lines.push('Corrupt Blocks:');
  for (const block of ns.blocks.corruptReplicas.blocks()) {
    const corruptNodes = new Set(ns.blocks.corruptReplicas.nodes(block));
    for (const [storageId, r] of block.replicas) {
      if (!corruptNodes.has(r.datanodeUuid)) continue;
      const node = ns.datanodes.get(r.datanodeUuid);
      const state = node?.storages.has(storageId) ? 'NORMAL' : null;
      lines.push(`Block=${blockName(block.blockId, block.generationStamp)}\tSize=${block.numBytes}\tNode=${node?.xferAddr ?? r.datanodeUuid}\tStorageID=${storageId}` +
        `\tStorageState=${state}\tTotalReplicas=${block.replicas.size}\tReason=${ns.blocks.corruptReplicas.reason(block, r.datanodeUuid)}`);
    }
  }
  const sorted = [...all].sort((a, b) => (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0));
  lines.push(`Metasave: Number of datanodes: ${sorted.length}`);
  for (const dn of sorted) lines.push(dumpDatanode(dn));
  return lines.map((l) => `${l}\n`).join('');
}

/** BlockManager.dumpBlockMeta: the file, the block, its replica counts, then each replica's node. */
function blockMeta(ns: FsNamesystem, block: BlockInfo): string {
  const locations = ns.blocks.locations(block);
  const liveCount = locations.filter((l) => !l.datanode.decommissioning).length;
  const decommissioning = locations.length - liveCount;
  const fileName = block.file ? block.file.path() : '[orphaned]';
  const corrupt = ns.blocks.corruptReplicas.numCorruptReplicas(block);
  let s = `${fileName}: ${blockName(block.blockId, block.generationStamp)}${liveCount + decommissioning > 0 ? '' : ' MISSING'} (replicas: live: ${liveCount} ` +
    `decommissioning and decommissioned: ${decommissioning} corrupt: ${corrupt} in excess: 0 maintenance mode: 0) `;
  for (const l of locations) s += ` ${l.datanode.xferAddr}${l.datanode.decommissioning ? '(decommissioned)' : ''} : `;
  for (const uuid of ns.blocks.corruptReplicas.nodes(block)) {
    const node = ns.datanodes.get(uuid);
    if (node?.alive) s += ` ${node.xferAddr}(corrupt) : `;
  }
  return s;
}

/** DFSUtilClient.getPercentUsed: 100 for no capacity. */
const percentUsed = (used: number, capacity: number) => (capacity <= 0 ? 100 : (used * 100) / capacity);
/** DFSUtilClient.percent2String: StringUtils.formatPercent(percent / 100, 2). */
const percent2String = (percent: number) => formatPercent(percent / 100, 2);
const sized = (n: number) => `${n}(${byteDesc(n)})`;

/** DatanodeInfo.dumpDatanode + DatanodeDescriptor.dumpDatanode (hsec has no cache: 0 capacity). */
export function dumpDatanode(dn: DatanodeDescriptor): string {
  const info = dn.toInfo();
  const c = info.capacity ?? 0;
  const u = info.dfsUsed ?? 0;
  const r = info.remaining ?? 0;
  const state = dn.adminState === 'DECOMMISSIONED' ? 'DD' : dn.adminState === 'DECOMMISSION_INPROGRESS' ? 'DP' : 'IN';
  let s = `${dn.xferAddr} ${state} ${sized(c)} ${sized(u)} ${percent2String(percentUsed(u, c))} ${sized(r)} ${sized(0)} ${sized(0)} ${percent2String(percentUsed(0, 0))} ${sized(0)} ${javaDate(info.lastUpdate ?? 0)}`;
  if (dn.invalidate.length > 0) s += ` ${dn.invalidate.length} blocks to be invalidated;`;
  if (dn.recover.length > 0) s += ` ${dn.recover.length} blocks to be recovered;`;
  return s;
}
