// FSNamesystem.listOpenFiles (LeaseManager.getUnderConstructionFiles: batches after an inode id, in id
// order, at most dfs.namenode.list.openfiles.num.responses, hasMore, the path filter, superuser only)
// and setBalancerBandwidth (a BalancerBandwidthCommand once, with each DataNode's next heartbeat).
import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { DatanodeAdminOps, javaPathToString } from '../../../cluster/namenode/datanode-admin-ops.ts';
import { auditLines } from '../../support/log-lines.ts';
import { alice, datanode, hdfsUser, MiB, namesystem, type TestNamesystem } from '../../support/namesystem.ts';

async function refusal(f: () => unknown): Promise<Error & { details?: Record<string, unknown> }> {
  try {
    await f();
  } catch (e) {
    return e as Error & { details?: Record<string, unknown> };
  }
  throw new Error('expected a refusal');
}

describe('namenode/listOpenFiles and setBalancerBandwidth', () => {
  let t: TestNamesystem;
  let ops: DatanodeAdminOps;
  const open = async (path: string, clientName: string) =>
    (await t.writes.create({ src: path, masked: { perm: 0o644 }, clientName, createFlag: 1, createParent: true, replication: 1, blockSize: MiB }, hdfsUser)).fileId!;
  beforeEach(async () => {
    t = await namesystem({ settings: { maxListOpenFilesResponses: 2 } });
    ops = new DatanodeAdminOps(t.ns);
  });
  afterEach(async () => {
    await t.ns.store.close();
    rmSync(t.dir, { recursive: true, force: true });
  });

  it('batches of at most num.responses in inode id order after the id asked, hasMore until the last; the next batch after the last id', async () => {
    const ids = [await open('/a/one', 'DFSClient_A'), await open('/a/two', 'DFSClient_B'), await open('/b/three', 'DFSClient_A'), await open('/a/four', 'DFSClient_A'), await open('/a/five', 'DFSClient_B')];
    const first = ops.listOpenFiles(0, ['ALL_OPEN_FILES'], '/', hdfsUser);
    expect(first.entries.map((e) => [e.id, e.path, e.clientName])).to.deep.equal([[ids[0], '/a/one', 'DFSClient_A'], [ids[1], '/a/two', 'DFSClient_B']]);
    expect(first.hasMore).to.equal(true);
    const second = ops.listOpenFiles(ids[1]!, ['ALL_OPEN_FILES'], '/', hdfsUser);
    expect([second.entries.map((e) => e.path), second.hasMore]).to.deep.equal([['/b/three', '/a/four'], true]);
    const last = ops.listOpenFiles(ids[3]!, ['ALL_OPEN_FILES'], '/', hdfsUser);
    expect([last.entries.map((e) => e.path), last.hasMore]).to.deep.equal([['/a/five'], false]);
    // the path filter: files under /a only (a trailing slash is dropped); /b's is passed over and
    // does not count, so the batch reaches the last lease (hasMore: the iterator has none left)
    const filtered = ops.listOpenFiles(ids[1]!, ['ALL_OPEN_FILES'], '/a/', hdfsUser);
    expect([filtered.entries.map((e) => e.path), filtered.hasMore]).to.deep.equal([['/a/four', '/a/five'], false]);
    const firstA = ops.listOpenFiles(0, ['ALL_OPEN_FILES'], '/a', hdfsUser);
    expect([firstA.entries.map((e) => e.path), firstA.hasMore]).to.deep.equal([['/a/one', '/a/two'], true]);
    expect(ops.listOpenFiles(0, ['ALL_OPEN_FILES'], '/a/one', hdfsUser).entries.map((e) => e.path)).to.deep.equal(['/a/one']);
    expect(ops.listOpenFiles(0, ['ALL_OPEN_FILES'], '/a/on', hdfsUser).entries).to.deep.equal([]);
    // nothing blocks a decommission in hsec
    expect(ops.listOpenFiles(0, ['BLOCKING_DECOMMISSION'], '/', hdfsUser)).to.deep.equal({ entries: [], hasMore: false });
  });

  it('the path filter is read as new Path(path).toString(): doubled slashes, "." and ".." resolved as Java does', async () => {
    await open('/a/one', 'DFSClient_A');
    await open('/b/two', 'DFSClient_A');
    for (const filter of ['//a', '/a//one', '/b/../a/./one', '/a/one/']) {
      expect(ops.listOpenFiles(0, ['ALL_OPEN_FILES'], filter, hdfsUser).entries.map((e) => e.path), filter).to.deep.equal(['/a/one']);
    }
    // outputs of Java's String.replace + URI.normalize (Path.normalizePath, Path.initialize) for the same inputs
    const java: Record<string, string> = {
      '/a///b': '/a/b', '/a/.': '/a/', '/a/b/..': '/a/', '/..': '/..', '/a/b////': '/a/b/', '/a/../..': '/..', '/a/...': '/a/...', '/a/..': '/', '///': '/', '/x/../../y': '/../y',
    };
    for (const [input, expected] of Object.entries(java)) expect(javaPathToString(input), input).to.equal(expected);
  });

  it('a closed file is no longer listed', async () => {
    const id = await open('/closed', 'DFSClient_C');
    expect(ops.listOpenFiles(0, ['ALL_OPEN_FILES'], '/', hdfsUser).entries.map((e) => e.id)).to.deep.equal([id]);
    await t.writes.complete('/closed', 'DFSClient_C', undefined, id);
    expect(ops.listOpenFiles(0, ['ALL_OPEN_FILES'], '/', hdfsUser)).to.deep.equal({ entries: [], hasMore: false });
  });

  it('refusals: a plain user (superuser privilege), a relative path', async () => {
    const denied = await refusal(() => ops.listOpenFiles(0, ['ALL_OPEN_FILES'], '/', alice));
    expect([denied.details?.['exceptionClassName'], denied.message]).to.deep.equal(['org.apache.hadoop.security.AccessControlException', 'Access denied for user alice. Superuser privilege is required']);
    const relative = await refusal(() => ops.listOpenFiles(0, ['ALL_OPEN_FILES'], 'a', hdfsUser));
    expect(relative.message).to.equal("Absolute path required, but got 'a'");
    const bw = await refusal(() => ops.setBalancerBandwidth(1000, alice));
    expect(bw.message).to.equal('Access denied for user alice. Superuser privilege is required');
  });

  it('setBalancerBandwidth above MAX_BANDWIDTH_PER_DATANODE (1 TiB/s) is IllegalArgumentException, before the superuser check, and nothing is sent', async () => {
    const dn = datanode(t.ns, 'dn-1');
    const message = 'Bandwidth should not exceed maximum limit 1099511627776 bytes per second';
    for (const who of [hdfsUser, alice]) {
      const tooMuch = await refusal(() => ops.setBalancerBandwidth(1099511627777, who));
      expect([tooMuch.details?.['exceptionClassName'], tooMuch.message]).to.deep.equal(['java.lang.IllegalArgumentException', message]);
    }
    const beat = () => (t.ns.datanodes.heartbeat({ registration: dn.registration, reports: [] }, t.clock.now(), 0).cmds ?? []).filter((c) => c.cmdType === 'BalancerBandwidthCommand');
    expect(beat()).to.deep.equal([]);
    ops.setBalancerBandwidth(1099511627776, hdfsUser); // the limit itself is allowed
    expect(beat().map((c) => c.balancerCmd)).to.deep.equal([{ bandwidth: 1099511627776 }]);
  });

  it('listOpenFiles audit lines: a refusal with the path, a success with src=null (FSNamesystem.listOpenFiles)', async () => {
    const lines = await auditLines(async () => {
      await refusal(() => ops.listOpenFiles(0, ['ALL_OPEN_FILES'], '/a', alice));
      ops.listOpenFiles(0, ['ALL_OPEN_FILES'], '/a', hdfsUser);
    });
    const cmd = (l: Record<string, unknown>) => String(l['line']).replace(/^allowed=(\w+)\tugi=([^ ]+) [^\t]+\tip=[^\t]+\tcmd=([^\t]+)\tsrc=([^\t]+)\t.*$/, '$1 $2 $3 $4');
    expect(lines.map(cmd)).to.deep.equal(['false alice@EXAMPLE.COM listOpenFiles /a', 'true hdfs/nn.example.com@EXAMPLE.COM listOpenFiles null']);
  });

  it('setBalancerBandwidth: every DataNode gets a BalancerBandwidthCommand with its next heartbeat, once', () => {
    const dns = [datanode(t.ns, 'dn-1'), datanode(t.ns, 'dn-2', '127.0.0.2')];
    ops.setBalancerBandwidth(20 * MiB, hdfsUser);
    for (const dn of dns) {
      const beat = () => t.ns.datanodes.heartbeat({ registration: dn.registration, reports: [] }, t.clock.now(), 0).cmds ?? [];
      expect(beat().filter((c) => c.cmdType === 'BalancerBandwidthCommand').map((c) => c.balancerCmd)).to.deep.equal([{ bandwidth: 20 * MiB }]);
      expect(beat().filter((c) => c.cmdType === 'BalancerBandwidthCommand')).to.deep.equal([]);
    }
  });
});
