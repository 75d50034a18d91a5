// DFSAdmin's report formats: Java's %.Nf rounding, TraditionalBinaryPrefix.long2String / byteDesc,
// Date.toString, DatanodeInfo.getDatanodeReport (float percentages) and printTopology.
import { expect } from 'chai';
import { datanodeReport, nodesText, summaryText, topologyText } from '../../../cluster/cli/dfsadmin-report.ts';
import { byteDesc, fixedHalfUp, formatPercent, javaDate, long2String } from '../../../lib/text/java-format.ts';
import type { DatanodeInfo } from '../../../cluster/protocol/hdfs-types.ts';

const dn = (ip: string, port: number, extra: Partial<DatanodeInfo> = {}): DatanodeInfo => ({
  id: { ipAddr: ip, hostName: 'h', datanodeUuid: 'u', xferPort: port, infoPort: 9864, ipcPort: 9867 },
  capacity: 3 * 1024 ** 3, dfsUsed: 1024 ** 3, remaining: 1024 ** 3 + 512 * 1024 ** 2, nonDfsUsed: 512 * 1024 ** 2,
  xceiverCount: 2, lastUpdate: 0, lastBlockReportTime: 0, numBlocks: 4, adminState: 'NORMAL', location: '/default-rack', ...extra,
});

describe('cli/dfsadmin report formats', () => {
  it('%.Nf rounds the shortest decimal form half up; long2String and byteDesc as Hadoop prints them', () => {
    expect([fixedHalfUp(0.125, 2), fixedHalfUp(33.333332061767578, 2), fixedHalfUp(2.5, 0), fixedHalfUp(1e-9, 2), fixedHalfUp(7, 2)]).to.deep.equal(['0.13', '33.33', '3', '0.00', '7.00']);
    expect([0, 1023, 1024, 1536, 3149228, 107374182400, 1024 ** 2 - 1].map(byteDesc)).to.deep.equal(['0 B', '1023 B', '1 KB', '1.50 KB', '3.00 MB', '100 GB', '1.00 MB']);
    expect(long2String(1280, '', 1)).to.equal('1.3 K');
    expect(formatPercent(1 / 3, 2)).to.equal('33.33%');
    expect(javaDate(Date.UTC(2026, 11, 5, 7, 52, 0), 'UTC')).to.equal('Sat Dec 05 07:52:00 UTC 2026');
    expect(javaDate(0, 'America/New_York')).to.equal('Wed Dec 31 19:00:00 EST 1969');
  });

  it('DatanodeInfo.getDatanodeReport, with Java float percentages and "Never" for no block report', () => {
    const text = datanodeReport(dn('10.0.0.5', 9866, { location: '/r1' }), 'dn5.example');
    expect(text).to.equal([
      'Name: 10.0.0.5:9866 (dn5.example)', 'Hostname: h', 'Rack: /r1', 'Decommission Status : Normal',
      'Configured Capacity: 3221225472 (3 GB)', 'DFS Used: 1073741824 (1 GB)', 'Non DFS Used: 536870912 (512 MB)',
      'DFS Remaining: 1610612736 (1.50 GB)', 'DFS Used%: 33.33%', 'DFS Remaining%: 50.00%',
      'Configured Cache Capacity: 0 (0 B)', 'Cache Used: 0 (0 B)', 'Cache Remaining: 0 (0 B)', 'Cache Used%: 100.00%', 'Cache Remaining%: 0.00%',
      'Xceivers: 2', `Last contact: ${javaDate(0)}`, 'Last Block Report: Never', 'Num of Blocks: 4', '',
    ].join('\n'));
  });

  it('the summary: Present Capacity = used + remaining, the optional highest-priority lines, the dashed line', () => {
    const s = summaryText(
      { capacity: 2048, used: 512, remaining: 1024, under_replicated: 0, corrupt_blocks: 0, missing_blocks: 0 }, true,
      { low_redundancy: 1, corrupt_blocks: 0, missing_blocks: 2, missing_repl_one_blocks: 1, blocks_in_future: 0, pending_deletion_blocks: 3 },
      { low_redundancy: 0, corrupt_blocks: 0, missing_blocks: 0, blocks_in_future: 0, pending_deletion_blocks: 0, highest_prio_low_redundancy_blocks: 0 },
    );
    expect(s).to.equal([
      'Safe mode is ON', 'Configured Capacity: 2048 (2 KB)', 'Present Capacity: 1536 (1.50 KB)', 'DFS Remaining: 1024 (1 KB)', 'DFS Used: 512 (512 B)', 'DFS Used%: 33.33%',
      'Replicated Blocks:', '\tUnder replicated blocks: 1', '\tBlocks with corrupt replicas: 0', '\tMissing blocks: 2', '\tMissing blocks (with replication factor 1): 1', '\tPending deletion blocks: 3',
      'Erasure Coded Block Groups: ', '\tLow redundancy block groups: 0', '\tBlock groups with corrupt internal blocks: 0', '\tMissing block groups: 0',
      '\tLow redundancy blocks with highest priority to recover: 0', '\tPending deletion blocks: 0', '', '-------------------------------------------------', '',
    ].join('\n'));
    expect(nodesText('Dead', [], false, () => 'x')).to.equal('');
    expect(nodesText('Dead', [], true, () => 'x')).to.equal('Dead datanodes (0):\n\n');
  });

  it('printTopology: racks and names in String order, a blank line after each rack', () => {
    const nodes = [dn('10.0.0.9', 1, { location: '/r2' }), dn('10.0.0.10', 1, { location: '/r2' }), dn('10.0.0.3', 2, { location: '/r1' })];
    expect(topologyText(nodes, (n) => `host-${n.split(':')[0]}`)).to.equal(
      'Rack: /r1\n   10.0.0.3:2 (host-10.0.0.3)\n\nRack: /r2\n   10.0.0.10:1 (host-10.0.0.10)\n   10.0.0.9:1 (host-10.0.0.9)\n\n',
    );
  });
});
