/**
 * What `hdfs dfsadmin -report` and `-printTopology` print, as Hadoop 3.4.1 writes it
 * (tools/DFSAdmin.report / printTopology, DatanodeInfo.getDatanodeReport): the capacity lines
 * (StringUtils.byteDesc, formatPercent), the replicated and erasure-coded block counts, then one
 * block per DataNode of each report type, or the racks with their nodes. Pure text from the
 * NameNode's answers; host names are looked up by the caller (NetUtils.getHostNameOfIP).
 */
import type { ECBlockGroupStats, GetFsStatsResponse, ReplicatedBlockStats } from '../protocol/client-protocol.ts';
import type { DatanodeInfo } from '../protocol/hdfs-types.ts';
import { byteDesc, fixedHalfUp, formatPercent, javaDate } from '../../lib/text/java-format.ts';

/** NetworkTopology.DEFAULT_RACK. */
const DEFAULT_RACK = '/default-rack';

const sized = (n: number) => `${n} (${byteDesc(n)})`;

/** The summary DFSAdmin.report prints before the DataNodes, ending with the dashed line. */
export function summaryText(fs: GetFsStatsResponse, safeMode: boolean, replicated: ReplicatedBlockStats, ec: ECBlockGroupStats): string {
  const present = fs.used + fs.remaining;
  const lines: string[] = [];
  if (safeMode) lines.push('Safe mode is ON');
  lines.push(
    `Configured Capacity: ${sized(fs.capacity)}`,
    `Present Capacity: ${sized(present)}`,
    `DFS Remaining: ${sized(fs.remaining)}`,
    `DFS Used: ${sized(fs.used)}`,
    `DFS Used%: ${formatPercent(present !== 0 ? fs.used / present : 0, 2)}`,
    'Replicated Blocks:',
    `\tUnder replicated blocks: ${replicated.low_redundancy}`,
    `\tBlocks with corrupt replicas: ${replicated.corrupt_blocks}`,
    `\tMissing blocks: ${replicated.missing_blocks}`,
    `\tMissing blocks (with replication factor 1): ${replicated.missing_repl_one_blocks}`,
  );
  if (replicated.highest_prio_low_redundancy_blocks !== undefined) {
    lines.push(`\tLow redundancy blocks with highest priority to recover: ${replicated.highest_prio_low_redundancy_blocks}`);
  }
  lines.push(
    `\tPending deletion blocks: ${replicated.pending_deletion_blocks}`,
    'Erasure Coded Block Groups: ',
    `\tLow redundancy block groups: ${ec.low_redundancy}`,
    `\tBlock groups with corrupt internal blocks: ${ec.corrupt_blocks}`,
    `\tMissing block groups: ${ec.missing_blocks}`,
  );
  if (ec.highest_prio_low_redundancy_blocks !== undefined) {
    lines.push(`\tLow redundancy blocks with highest priority to recover: ${ec.highest_prio_low_redundancy_blocks}`);
  }
  lines.push(`\tPending deletion blocks: ${ec.pending_deletion_blocks}`, '', '-------------------------------------------------');
  return `${lines.join('\n')}\n`;
}

/** DFSAdmin.printDataNodeReports: the heading when there are nodes or the type was asked for, then each node and a blank line. */
export function nodesText(state: string, nodes: readonly DatanodeInfo[], asked: boolean, lookupName: (name: string) => string | undefined): string {
  let out = nodes.length > 0 || asked ? `${state} datanodes (${nodes.length}):\n\n` : '';
  for (const dn of nodes) out += `${datanodeReport(dn, lookupName(datanodeName(dn)))}\n`;
  return out;
}

/** DatanodeID.getName: `ip:xferPort`. */
export function datanodeName(dn: DatanodeInfo): string {
  return `${dn.id.ipAddr}:${dn.id.xferPort}`;
}

/** DFSUtilClient.getPercentUsed / getPercentRemaining, in Java float arithmetic as DatanodeInfo computes them. */
function percentUsed(used: number, capacity: number): number {
  return capacity <= 0 ? 100 : Math.fround(Math.fround(Math.fround(used) * 100) / Math.fround(capacity));
}
function percentRemaining(remaining: number, capacity: number): number {
  return capacity <= 0 ? 0 : Math.fround(Math.fround(Math.fround(remaining) * 100) / Math.fround(capacity));
}
/** DatanodeInfo.percent2String: `%.2f%%`. */
const percent = (p: number) => `${fixedHalfUp(p, 2)}%`;

/** DatanodeInfo.getDatanodeReport, with the trailing newline; `lookupName` is the reverse-resolved host of its IP. */
export function datanodeReport(dn: DatanodeInfo, lookupName: string | undefined): string {
  const c = dn.capacity ?? 0;
  const r = dn.remaining ?? 0;
  const u = dn.dfsUsed ?? 0;
  const nonDfs = dn.nonDfsUsed ?? 0;
  const cc = dn.cacheCapacity ?? 0;
  const cu = dn.cacheUsed ?? 0;
  const cr = cc - cu;
  const lines = [`Name: ${datanodeName(dn)}${lookupName !== undefined ? ` (${lookupName})` : ''}`, `Hostname: ${dn.id.hostName}`];
  const location = dn.location ?? DEFAULT_RACK;
  if (location !== DEFAULT_RACK) lines.push(`Rack: ${location}`);
  if (dn.upgradeDomain !== undefined) lines.push(`Upgrade domain: ${dn.upgradeDomain}`);
  lines.push(
    `Decommission Status : ${ADMIN_STATE[dn.adminState ?? 'NORMAL']}`,
    `Configured Capacity: ${sized(c)}`,
    `DFS Used: ${sized(u)}`,
    `Non DFS Used: ${sized(nonDfs)}`,
    `DFS Remaining: ${sized(r)}`,
    `DFS Used%: ${percent(percentUsed(u, c))}`,
    `DFS Remaining%: ${percent(percentRemaining(r, c))}`,
    `Configured Cache Capacity: ${sized(cc)}`,
    `Cache Used: ${sized(cu)}`,
    `Cache Remaining: ${sized(cr)}`,
    `Cache Used%: ${percent(percentUsed(cu, cc))}`,
    `Cache Remaining%: ${percent(percentRemaining(cr, cc))}`,
    `Xceivers: ${dn.xceiverCount ?? 0}`,
    `Last contact: ${javaDate(dn.lastUpdate ?? 0)}`,
    `Last Block Report: ${dn.lastBlockReportTime ? javaDate(dn.lastBlockReportTime) : 'Never'}`,
    `Num of Blocks: ${dn.numBlocks ?? 0}`,
  );
  return `${lines.join('\n')}\n`;
}

const ADMIN_STATE: Record<NonNullable<DatanodeInfo['adminState']>, string> = {
  NORMAL: 'Normal',
  DECOMMISSION_INPROGRESS: 'Decommission in progress',
  DECOMMISSIONED: 'Decommissioned',
  ENTERING_MAINTENANCE: 'Entering maintenance',
  IN_MAINTENANCE: 'In maintenance',
};

/** DFSAdmin.printTopology: racks sorted, each with its nodes' names sorted, a blank line after each rack. */
export function topologyText(nodes: readonly DatanodeInfo[], lookupName: (name: string) => string | undefined): string {
  const racks = new Map<string, Set<string>>();
  for (const dn of nodes) {
    const rack = dn.location ?? DEFAULT_RACK;
    if (!racks.has(rack)) racks.set(rack, new Set());
    racks.get(rack)!.add(datanodeName(dn));
  }
  let out = '';
  for (const rack of [...racks.keys()].sort(javaOrder)) {
    out += `Rack: ${rack}\n`;
    for (const name of [...racks.get(rack)!].sort(javaOrder)) {
      const host = lookupName(name);
      out += `   ${name}${host !== undefined ? ` (${host})` : ''}\n`;
    }
    out += '\n';
  }
  return out;
}

/** String.compareTo: UTF-16 code unit order. */
function javaOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
