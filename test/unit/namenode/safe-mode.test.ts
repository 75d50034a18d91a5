// Manual safe mode and saveNamespace on the namesystem without RPC (a real journal store in a temp
// dir): FSNamesystem.setSafeMode / enterSafeMode / leaveSafeMode / checkNameNodeSafeMode /
// saveNamespace of Hadoop 3.4.1, the messages and exception classes of each refused change, reads
// going on, the audit lines, and what a restart finds.
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AclOps } from '../../../cluster/namenode/acl-ops.ts';
import { ClusterStatus } from '../../../cluster/namenode/cluster-status.ts';
import { HadoopException } from '../../../cluster/namenode/namespace/fs-errors.ts';
import { MANUAL_SAFE_MODE_TIP } from '../../../cluster/namenode/namesystem.ts';
import { XAttrOps } from '../../../cluster/namenode/xattr-ops.ts';
import { CreateFlag } from '../../../cluster/protocol/client-protocol.ts';
import { auditLines, logLines } from '../../support/log-lines.ts';
import { alice, datanode, hdfsUser, MiB, namesystem, writeFile, type TestNamesystem } from '../../support/namesystem.ts';

const HOST = 'nn.example.com';

async function refusal(p: Promise<unknown> | (() => unknown)): Promise<Error & { code?: string; details: Record<string, unknown> }> {
  const run = typeof p === 'function' ? Promise.resolve().then(p) : p;
  const e = await run.then(() => undefined, (x: Error & { code?: string; details: Record<string, unknown> }) => x);
  expect(e, 'expected a refusal').to.be.instanceOf(Error);
  return e!;
}

/** FSNamesystem.newSafemodeException's text for a manual safe mode. */
const safeModeText = (what: string) => `${what}. Name node is in safe mode.\n${MANUAL_SAFE_MODE_TIP} NamenodeHostName:${HOST}`;

async function refusedInSafeMode(p: Promise<unknown> | (() => unknown), what: string): Promise<void> {
  const e = await refusal(p);
  expect(e.details['exceptionClassName'], e.message).to.equal(HadoopException.SAFE_MODE);
  expect(e.code).to.equal('FS_SAFE_MODE');
  expect(e.message).to.equal(safeModeText(what));
}

const snapshots = (t: TestNamesystem) => readdirSync(join(t.dir)).filter((f) => f.startsWith('snapshot.')).sort();

describe('namenode/safe mode: manual safe mode and saveNamespace (FSNamesystem, Hadoop 3.4.1)', () => {
  let t: TestNamesystem;
  let status: ClusterStatus;
  beforeEach(async () => {
    t = await namesystem();
    t.ns.nameNodeHostName = HOST;
    status = new ClusterStatus(t.ns);
    await t.ns.mkdirs('/tmp', { perm: 0o1777 }, true, hdfsUser);
  });
  afterEach(() => t.ns.store.close());

  it('GET is for anyone; ENTER, LEAVE and FORCE_EXIT need the superuser; each call is audited as safemode_<action>', async () => {
    const lines = await auditLines(async () => {
      expect(await status.setSafeMode('SAFEMODE_GET', alice)).to.equal(false);
      for (const action of ['SAFEMODE_ENTER', 'SAFEMODE_LEAVE', 'SAFEMODE_FORCE_EXIT'] as const) {
        const e = await refusal(status.setSafeMode(action, alice));
        expect(e.details['exceptionClassName']).to.equal(HadoopException.ACCESS_CONTROL);
        expect(e.message).to.equal('Access denied for user alice. Superuser privilege is required');
      }
      expect(t.ns.isInSafeMode()).to.equal(false);
      expect(await status.setSafeMode('SAFEMODE_ENTER', hdfsUser)).to.equal(true);
      expect(await status.setSafeMode('SAFEMODE_GET', alice)).to.equal(true);
      expect(await status.setSafeMode('SAFEMODE_LEAVE', hdfsUser)).to.equal(false);
    });
    const cmd = (l: Record<string, unknown>) => String(l['line']).replace(/^allowed=(\w+)\tugi=([^\t]+)\tip=[^\t]+\tcmd=([^\t]+)\t.*$/, '$1 $2 $3');
    expect(lines.map(cmd)).to.deep.equal([
      'true alice@EXAMPLE.COM (auth:KERBEROS) safemode_get',
      'false alice@EXAMPLE.COM (auth:KERBEROS) safemode_enter',
      'false alice@EXAMPLE.COM (auth:KERBEROS) safemode_leave',
      'false alice@EXAMPLE.COM (auth:KERBEROS) safemode_force_exit',
      'true hdfs/nn.example.com@EXAMPLE.COM (auth:KERBEROS) safemode_enter',
      'true alice@EXAMPLE.COM (auth:KERBEROS) safemode_get',
      'true hdfs/nn.example.com@EXAMPLE.COM (auth:KERBEROS) safemode_leave',
    ]);
  });

  it('the STATE* lines: ON with the tip, already OFF, forceExit treated as a normal exit, leaving after N secs', async () => {
    const info = await logLines('namenode.state', 'info', async () => {
      await status.setSafeMode('SAFEMODE_LEAVE', hdfsUser);
      await status.setSafeMode('SAFEMODE_ENTER', hdfsUser);
      t.clock.advance(42_000);
      await status.setSafeMode('SAFEMODE_LEAVE', hdfsUser);
    });
    expect(info.map((l) => l['line'])).to.deep.equal([
      'STATE* Safe mode is already OFF',
      `STATE* Safe mode is ON.\n${MANUAL_SAFE_MODE_TIP}`,
      'STATE* Leaving safe mode after 42 secs',
      'STATE* Network topology has 0 racks and 0 datanodes',
      'STATE* UnderReplicatedBlocks has 0 blocks',
    ]);
    await status.setSafeMode('SAFEMODE_ENTER', hdfsUser);
    const warn = await logLines('namenode.state', 'warn', async () => {
      expect(await status.setSafeMode('SAFEMODE_FORCE_EXIT', hdfsUser)).to.equal(false);
    });
    expect(warn.map((l) => l['line'])).to.deep.equal(['forceExit used when normal exist would suffice. Treating force exit as normal safe mode exit.']);
  });

  it('in safe mode every namespace change refuses with SafeModeException and Hadoop\'s text, nothing reaches the journal, and none is audited', async () => {
    const dn = datanode(t.ns, 'dn-1');
    await writeFile(t, '/tmp/closed', 10, alice, dn);
    const open = await t.writes.create({ src: '/tmp/open', masked: { perm: 0o644 }, clientName: 'DFSClient_w', createFlag: CreateFlag.CREATE, createParent: true, replication: 1, blockSize: 128 * MiB }, alice);
    const lb = await t.writes.addBlock({ src: '/tmp/open', clientName: 'DFSClient_w', fileId: open.fileId }, alice);
    const acls = new AclOps(t.ns);
    const xattrs = new XAttrOps(t.ns);
    await status.setSafeMode('SAFEMODE_ENTER', hdfsUser);
    const records = t.ns.store.stats.records;
    const txid = t.ns.txid;
    const b = lb.b;
    const blk = `${b.poolId}:blk_${b.blockId}_${b.generationStamp}`;
    const lines = await auditLines(async () => {
      await refusedInSafeMode(t.ns.mkdirs('/tmp/d', { perm: 0o755 }, true, alice), 'Cannot create directory /tmp/d');
      // FSNamesystem.startFileInt and appendFile write no space after "file"
      await refusedInSafeMode(t.writes.create({ src: '/tmp/new', masked: { perm: 0o644 }, clientName: 'DFSClient_x', createFlag: CreateFlag.CREATE, createParent: true, replication: 1, blockSize: 128 * MiB }, alice),
        'Cannot create file/tmp/new');
      await refusedInSafeMode(t.writes.append({ src: '/tmp/closed', clientName: 'DFSClient_x' }, alice), 'Cannot append to file/tmp/closed');
      await refusedInSafeMode(t.ns.delete('/tmp/closed', false, alice), 'Cannot delete /tmp/closed');
      await refusedInSafeMode(t.ns.rename('/tmp/closed', '/tmp/moved', alice), 'Cannot rename /tmp/closed');
      await refusedInSafeMode(t.ns.rename2('/tmp/closed', '/tmp/moved', true, alice), 'Cannot rename /tmp/closed');
      await refusedInSafeMode(t.attributes.setPermission('/tmp/closed', { perm: 0o600 }, alice), 'Cannot set permission for /tmp/closed');
      await refusedInSafeMode(t.attributes.setOwner('/tmp/closed', undefined, 'staff', alice), 'Cannot set owner for /tmp/closed');
      await refusedInSafeMode(t.attributes.setReplication('/tmp/closed', 2, alice), 'Cannot set replication for /tmp/closed');
      await refusedInSafeMode(t.attributes.setTimes('/tmp/closed', 1, -1, alice), 'Cannot set times /tmp/closed');
      const spec = [{ type: 'USER' as const, scope: 'ACCESS' as const, name: 'bob', permission: 4 }];
      await refusedInSafeMode(acls.modifyAclEntries('/tmp/closed', spec, alice), 'Cannot modify ACL entries on /tmp/closed');
      await refusedInSafeMode(acls.removeAclEntries('/tmp/closed', spec, alice), 'Cannot remove ACL entries on /tmp/closed');
      await refusedInSafeMode(acls.removeDefaultAcl('/tmp/closed', alice), 'Cannot remove default ACL entries on /tmp/closed');
      await refusedInSafeMode(acls.removeAcl('/tmp/closed', alice), 'Cannot remove ACL on /tmp/closed');
      await refusedInSafeMode(acls.setAcl('/tmp/closed', spec, alice), 'Cannot set ACL on /tmp/closed');
      const x = { namespace: 'USER' as const, name: 'a', value: Uint8Array.of(1) };
      await refusedInSafeMode(xattrs.setXAttr('/tmp/closed', x, 1, alice), 'Cannot set XAttr on /tmp/closed');
      await refusedInSafeMode(xattrs.removeXAttr('/tmp/closed', x, alice), 'Cannot remove XAttr entry on /tmp/closed');
      await refusedInSafeMode(t.writes.addBlock({ src: '/tmp/open', clientName: 'DFSClient_w', fileId: open.fileId, previous: { ...b, numBytes: 5 } }, alice), 'Cannot add block to /tmp/open');
      await refusedInSafeMode(t.writes.abandonBlock(b, '/tmp/open', 'DFSClient_w', open.fileId), `Cannot abandon block ${blk} for file/tmp/open`);
      await refusedInSafeMode(t.writes.complete('/tmp/open', 'DFSClient_w', { ...b, numBytes: 5 }, open.fileId), 'Cannot complete file /tmp/open');
      await refusedInSafeMode(t.writes.fsync('/tmp/open', 'DFSClient_w', 5, open.fileId), 'Cannot fsync file /tmp/open');
      await refusedInSafeMode(() => t.writes.renewLease('DFSClient_w'), 'Cannot renew lease for DFSClient_w');
      await refusedInSafeMode(t.writes.recoverLease('/tmp/open', 'DFSClient_other', alice), 'Cannot recover the lease of /tmp/open');
      await refusedInSafeMode(t.writes.updateBlockForPipeline(b, 'DFSClient_w', alice), `Cannot get a new generation stamp and an access token for block ${blk}`);
      await refusedInSafeMode(t.writes.updatePipeline({ clientName: 'DFSClient_w', oldBlock: b, newBlock: { ...b, generationStamp: b.generationStamp + 1 } }), 'Pipeline not updated');
      await refusedInSafeMode(() => t.writes.getAdditionalDatanode({ src: '/tmp/open', blk: b, existings: [], excludes: [], numAdditionalNodes: 1, clientName: 'DFSClient_w', fileId: open.fileId } as never, alice),
        `Cannot add datanode; src=/tmp/open, blk=${blk}`);
      await refusedInSafeMode(t.writes.commitBlockSynchronization({ block: b, newGenStamp: b.generationStamp + 1, newLength: 5, closeFile: true, deleteBlock: false, newTargets: [], newTargetStorages: [] }),
        'Cannot commitBlockSynchronization while in safe mode');
    });
    expect(lines, 'SafeModeException is no AccessControlException: not audited').to.deep.equal([]);
    expect(t.ns.store.stats.records).to.equal(records);
    expect(t.ns.txid).to.equal(txid);
    expect(t.ns.getFileInfo('/tmp/d', alice)).to.equal(undefined);
  });

  it('reads go on in safe mode without access-time updates; a block with no location is "Zero blocklocations"', async () => {
    const dn = datanode(t.ns, 'dn-1');
    await writeFile(t, '/tmp/f', 10, alice, dn);
    await status.setSafeMode('SAFEMODE_ENTER', hdfsUser);
    const atime = t.ns.getFileInfo('/tmp/f', alice)!.access_time;
    t.clock.advance(2 * 3_600_000);
    const records = t.ns.store.stats.records;
    const located = await t.ns.getBlockLocations('/tmp/f', 0, 10, alice);
    expect(located.blocks![0]!.locs!.map((l) => l.id.datanodeUuid)).to.deep.equal(['dn-1']);
    expect(t.ns.getFileInfo('/tmp/f', alice)!.access_time).to.equal(atime);
    expect(t.ns.store.stats.records).to.equal(records);
    expect(t.ns.getListing('/tmp', new Uint8Array(0), false, alice)!.partialListing!.map((s) => Buffer.from(s.path).toString())).to.deep.equal(['f']);
    // the replica's DataNode goes away: the block has no location left
    t.ns.datanodes.check(t.clock.now() + 3_600_000, false);
    await refusedInSafeMode(t.ns.getBlockLocations('/tmp/f', 0, 10, alice), 'Zero blocklocations for /tmp/f');
    await status.setSafeMode('SAFEMODE_LEAVE', hdfsUser);
    expect((await t.ns.getBlockLocations('/tmp/f', 0, 10, alice)).blocks![0]!.locs ?? []).to.deep.equal([]);
    expect(t.ns.getFileInfo('/tmp/f', alice)!.access_time).to.be.greaterThan(atime);
  });

  it('saveNamespace: superuser, only in safe mode; writes a snapshot now and starts a new journal; a time window and gap can make it a no-op', async () => {
    await t.ns.mkdirs('/tmp/a', { perm: 0o755 }, true, alice);
    let e = await refusal(status.saveNamespace(0, 0, hdfsUser));
    expect([e.details['exceptionClassName'], e.message]).to.deep.equal([HadoopException.IO, 'Safe mode should be turned ON in order to create namespace image.']);
    await status.setSafeMode('SAFEMODE_ENTER', hdfsUser);
    e = await refusal(status.saveNamespace(0, 0, alice));
    expect([e.details['exceptionClassName'], e.message]).to.deep.equal([HadoopException.ACCESS_CONTROL, 'Access denied for user alice. Superuser privilege is required']);
    const before = snapshots(t);
    const lines = await auditLines(async () => {
      expect(await status.saveNamespace(0, 0, hdfsUser)).to.equal(true);
    });
    expect(lines.map((l) => l['line'])).to.deep.equal(['allowed=true\tugi=hdfs/nn.example.com@EXAMPLE.COM (auth:KERBEROS)\tip=/127.0.0.1\tcmd=saveNamespace\tsrc=null\tdst=null\tperm=null\tproto=rpc']);
    const after = snapshots(t);
    expect(after).to.have.length(1);
    expect(after).to.not.deep.equal(before);
    expect(readdirSync(t.dir).filter((f) => f.startsWith('journal.'))).to.deep.equal([after[0]!.replace('snapshot.', 'journal.')]);
    // just saved, nothing since: within any window and gap there is nothing to do
    expect(await status.saveNamespace(3600, 10, hdfsUser)).to.equal(false);
    expect(snapshots(t)).to.deep.equal(after);
    // a window of 0 s is always exceeded
    expect(await status.saveNamespace(0, 10, hdfsUser)).to.equal(true);
    expect(snapshots(t)).to.not.deep.equal(after);
  });

  it('the transaction gap counts the changes after the newest snapshot, replayed ones included', async () => {
    await status.setSafeMode('SAFEMODE_ENTER', hdfsUser);
    expect(await status.saveNamespace(0, 0, hdfsUser)).to.equal(true);
    await status.setSafeMode('SAFEMODE_LEAVE', hdfsUser);
    for (const d of ['/tmp/1', '/tmp/2', '/tmp/3']) await t.ns.mkdirs(d, { perm: 0o755 }, true, alice);
    t = await t.restart(); // replays the three
    t.ns.nameNodeHostName = HOST;
    status = new ClusterStatus(t.ns);
    await status.setSafeMode('SAFEMODE_ENTER', hdfsUser);
    expect(await status.saveNamespace(3600, 3, hdfsUser)).to.equal(false);
    expect(await status.saveNamespace(3600, 2, hdfsUser)).to.equal(true);
    expect(await status.saveNamespace(3600, 0, hdfsUser)).to.equal(false);
  });

  it('leaving safe mode lets changes through again; a restart comes up out of safe mode with the saved namespace', async () => {
    await t.ns.mkdirs('/tmp/kept', { perm: 0o755 }, true, alice);
    await status.setSafeMode('SAFEMODE_ENTER', hdfsUser);
    await status.saveNamespace(0, 0, hdfsUser);
    await refusedInSafeMode(t.ns.mkdirs('/tmp/no', { perm: 0o755 }, true, alice), 'Cannot create directory /tmp/no');
    expect(await status.setSafeMode('SAFEMODE_LEAVE', hdfsUser)).to.equal(false);
    expect(await t.ns.mkdirs('/tmp/after', { perm: 0o755 }, true, alice)).to.equal(true);
    await status.setSafeMode('SAFEMODE_ENTER', hdfsUser);
    t = await t.restart();
    expect(t.ns.isInSafeMode()).to.equal(false);
    expect(t.ns.store.stats.replayed).to.equal(1); // /tmp/after, the one change after the saved snapshot
    expect(t.ns.getFileInfo('/tmp/kept', alice)).to.not.equal(undefined);
    expect(t.ns.getFileInfo('/tmp/after', alice)).to.not.equal(undefined);
    expect(await t.ns.mkdirs('/tmp/again', { perm: 0o755 }, true, alice)).to.equal(true);
  });
});
