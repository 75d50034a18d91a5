/**
 * `hsec dfsadmin -report / -printTopology / -safemode` against the hsec NameNode with two DataNodes
 * secured with Kerberos (MIT KDC, RPC privacy, block tokens): the capacity lines and per-DataNode
 * blocks in DFSAdmin's format with the numbers the DataNodes' heartbeats reported, a file's block
 * counted, the live/dead filters (a stopped DataNode declared dead on a ManualClock), the racks,
 * safe mode OFF (get, wait, leave), ON after enter (get, the report) until leave, and the superuser checks Hadoop makes
 * (getDatanodeReport, safe mode changes) refusing a plain user with DFSAdmin's message.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DFSADMIN_FAILURE } from '../../../cluster/cli/commands/dfsadmin.ts';
import { byteDesc } from '../../../lib/text/java-format.ts';
import { startSecureHdfs, type SecureHdfs } from '../../../cluster/mini/secure-hdfs.ts';
import { MONITOR_INTERVAL_MS } from '../../../cluster/namenode/namenode.ts';
import { ManualClock } from '../../../lib/time/clock.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { dfsadminShell, type DfsadminShell } from '../../support/dfsadmin-shell.ts';

/** Polls `cond` every 200 ms until it holds, failing after `timeoutMs` with `what`. */
async function eventually(cond: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('hdfs: hsec dfsadmin -report, -printTopology, -safemode against the hsec NameNode (MIT KDC)', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  const clock = new ManualClock(Date.now());
  let dir: string;
  let hdfs: SecureHdfs;
  let shell: DfsadminShell;

  const dfsadmin = (user: string, ...args: string[]) => shell.run(user, ...args);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-dfsadmin-report-'));
    hdfs = await startSecureHdfs(realm.kdc, dir, { dataNodes: 2, clock, conf: { 'dfs.data.transfer.protection': 'authentication', 'dfs.replication': '2' } });
    await hdfs.client('alice'); // makes alice's keytab
    await (await hdfs.admin()).writeFile('/one-block', Buffer.alloc(4096, 7));
    shell = await dfsadminShell(realm.kdc, hdfs, dir);
    // both DataNodes have sent a heartbeat with their storage and a block report holding the block
    await eventually(async () => (await dfsadmin('nn', '-report')).out.split('Num of Blocks: 1').length === 3, 30_000, 'both DataNodes report the block');
  });

  after(async () => {
    await hdfs?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('-report: the summary and one block per live DataNode, as DFSAdmin prints them', async () => {
    const { code, out, err } = await dfsadmin('nn', '-report');
    expect({ code, err }).to.deep.equal({ code: 0, err: '' });
    const capacity = Number(/^Configured Capacity: (\d+) \((.+)\)$/m.exec(out)![1]);
    expect(capacity).to.be.greaterThan(0);
    expect(out).to.contain(`Configured Capacity: ${capacity} (${byteDesc(capacity)})\n`);
    const used = Number(/^DFS Used: (\d+) /m.exec(out)![1]);
    const remaining = Number(/^DFS Remaining: (\d+) /m.exec(out)![1]);
    expect(out).to.contain(`Present Capacity: ${used + remaining} (${byteDesc(used + remaining)})\n`);
    expect(out).to.match(/^DFS Used%: \d+\.\d\d%$/m);
    expect(out).to.not.contain('Safe mode is ON');
    expect(out).to.contain([
      'Replicated Blocks:',
      '\tUnder replicated blocks: 0',
      '\tBlocks with corrupt replicas: 0',
      '\tMissing blocks: 0',
      '\tMissing blocks (with replication factor 1): 0',
      '\tLow redundancy blocks with highest priority to recover: 0',
      '\tPending deletion blocks: 0',
      'Erasure Coded Block Groups: ',
      '\tLow redundancy block groups: 0',
      '\tBlock groups with corrupt internal blocks: 0',
      '\tMissing block groups: 0',
      '\tLow redundancy blocks with highest priority to recover: 0',
      '\tPending deletion blocks: 0',
      '',
      '-------------------------------------------------',
      'Live datanodes (2):',
      '',
      'Name: 127.0.0.1:',
    ].join('\n'));
    const blocks = out.split('\n\n').filter((b) => b.startsWith('Name: '));
    expect(blocks).to.have.length(2);
    for (const b of blocks) {
      expect(b).to.match(new RegExp([
        '^Name: 127\\.0\\.0\\.1:\\d+ \\(localhost\\)',
        'Hostname: localhost',
        'Decommission Status : Normal',
        'Configured Capacity: \\d+ \\(.+\\)',
        'DFS Used: \\d+ \\(.+\\)',
        'Non DFS Used: \\d+ \\(.+\\)',
        'DFS Remaining: \\d+ \\(.+\\)',
        'DFS Used%: \\d+\\.\\d\\d%',
        'DFS Remaining%: \\d+\\.\\d\\d%',
        'Configured Cache Capacity: 0 \\(0 B\\)',
        'Cache Used: 0 \\(0 B\\)',
        'Cache Remaining: 0 \\(0 B\\)',
        'Cache Used%: 100\\.00%',
        'Cache Remaining%: 0\\.00%',
        'Xceivers: \\d+',
        'Last contact: \\w{3} \\w{3} \\d\\d \\d\\d:\\d\\d:\\d\\d \\S+ \\d{4}',
        'Last Block Report: \\w{3} \\w{3} \\d\\d \\d\\d:\\d\\d:\\d\\d \\S+ \\d{4}',
        'Num of Blocks: 1$',
      ].join('\n')));
    }
    // no dead, decommissioning or maintenance nodes: those headings are left out unless asked for
    expect(out).to.not.contain('Dead datanodes');
    const dead = await dfsadmin('nn', '-report', '-dead');
    expect(dead.out).to.match(/-------------------------------------------------\nDead datanodes \(0\):\n\n$/);
  });

  it('-printTopology: the default rack with both DataNodes, sorted', async () => {
    const { code, out } = await dfsadmin('nn', '-printTopology');
    expect(code).to.equal(0);
    const ports = [...out.matchAll(/127\.0\.0\.1:(\d+)/g)].map((m) => m[1]!);
    expect(ports).to.have.length(2);
    const names = ports.map((p) => `127.0.0.1:${p}`).sort();
    expect(out).to.equal(`Rack: /default-rack\n   ${names[0]} (localhost)\n   ${names[1]} (localhost)\n\n`);
  });

  it('-safemode: get, wait and leave say OFF; enter turns it ON until leave; a plain user may get but not change it', async () => {
    for (const word of ['get', 'wait', 'leave', 'forceExit']) {
      expect(await dfsadmin('nn', '-safemode', word)).to.deep.equal({ code: 0, out: 'Safe mode is OFF\n', err: '' });
    }
    expect(await dfsadmin('nn', '-safemode', 'enter')).to.deep.equal({ code: 0, out: 'Safe mode is ON\n', err: '' });
    expect(await dfsadmin('alice', '-safemode', 'get')).to.deep.equal({ code: 0, out: 'Safe mode is ON\n', err: '' });
    expect((await dfsadmin('nn', '-report')).out).to.contain('Safe mode is ON\n');
    expect(await dfsadmin('nn', '-safemode', 'leave')).to.deep.equal({ code: 0, out: 'Safe mode is OFF\n', err: '' });
    expect(await dfsadmin('alice', '-safemode', 'get')).to.deep.equal({ code: 0, out: 'Safe mode is OFF\n', err: '' });
    expect(await dfsadmin('alice', '-safemode', 'leave')).to.deep.equal({
      code: DFSADMIN_FAILURE, out: '', err: 'safemode: Access denied for user alice. Superuser privilege is required\n',
    });
    expect(await dfsadmin('alice', '-safemode', 'sideways')).to.deep.equal({ code: 0, out: '', err: 'Usage: hsec dfsadmin [-safemode enter | leave | get | wait | forceExit]\n' });
  });

  it('-report as a plain user: the summary, then the superuser refusal of the DataNode report', async () => {
    const { code, out, err } = await dfsadmin('alice', '-report');
    expect(code).to.equal(DFSADMIN_FAILURE);
    expect(out).to.match(/-------------------------------------------------\n$/);
    expect(err).to.equal('report: Access denied for user alice. Superuser privilege is required\n');
    expect((await dfsadmin('alice', '-printTopology')).err).to.equal('printTopology: Access denied for user alice. Superuser privilege is required\n');
  });

  it('a DataNode that stops heartbeating is listed as dead, and its block as under replicated', async () => {
    await hdfs.dns[1]!.stop();
    clock.advance(11 * 60_000); // past the 630 s expiry; the monitor then runs within its interval
    // (the running DataNode may be declared dead too before its next heartbeat, then registers and reports again)
    const settled = (out: string) => out.includes('Dead datanodes (1):') && out.includes('Live datanodes (1):') && out.includes('\tUnder replicated blocks: 1\n');
    await eventually(async () => settled((await dfsadmin('nn', '-report')).out), MONITOR_INTERVAL_MS * 6, 'one DataNode is live and one dead');
    const { out } = await dfsadmin('nn', '-report');
    expect(out).to.contain('\tLow redundancy blocks with highest priority to recover: 1\n');
    expect(out).to.contain('Live datanodes (1):');
    expect(out).to.contain('Dead datanodes (1):');
    const live = await dfsadmin('nn', '-report', '-live');
    expect(live.out).to.contain('Live datanodes (1):');
    expect(live.out).to.not.contain('Dead datanodes');
  });
});
