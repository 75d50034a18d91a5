// The block and DataNode managers without RPC: registration checks (software version, cTime,
// registration id), heartbeats (RegisterCommand for strangers, INVALIDATE batches, KeyUpdateCommand
// after a roll, report leases), full and incremental reports (unknown blocks deleted, stale
// replicas ignored, vanished replicas forgotten, committed blocks completed), placement (favored
// nodes, the writer's own host, excluded nodes, room for a block) and dead nodes.
import { expect } from 'chai';
import { HadoopException } from '../../../cluster/namenode/namespace/fs-errors.ts';
import { chooseTargets } from '../../../cluster/namenode/blocks/block-placement.ts';
import { exportedBlockKeysToProto, type DatanodeRegistration } from '../../../cluster/protocol/datanode-protocol.ts';
import { dummyExportedBlockKeys } from '../../../security/token/keys/exported-block-keys.ts';
import { expectCode } from '../../support/expect-code.ts';
import { IDENTITY, MiB, alice, datanode, hdfsUser, namesystem, writeFile, type TestNamesystem } from '../../support/namesystem.ts';

function registration(uuid: string, overrides: Partial<DatanodeRegistration> = {}): DatanodeRegistration {
  return {
    datanodeID: { ipAddr: '10.9.9.9', hostName: 'localhost', datanodeUuid: uuid, xferPort: 9866, infoPort: 9864, ipcPort: 9867 },
    storageInfo: { layoutVersion: -57, namespceID: IDENTITY.namespaceId, clusterID: IDENTITY.clusterId, cTime: 0 },
    keys: exportedBlockKeysToProto(dummyExportedBlockKeys()),
    softwareVersion: '3.4.1',
    ...overrides,
  };
}

describe('namenode/blocks: DataNode registration and heartbeats', () => {
  let t: TestNamesystem;
  beforeEach(async () => {
    t = await namesystem();
  });
  afterEach(() => t.ns.store.close());

  it('registration records the caller\'s address, answers with the current block keys, and refuses old or foreign DataNodes', () => {
    const dm = t.ns.datanodes;
    const reg = dm.register(registration('dn-a'), { address: '127.0.0.1' }, t.clock.now());
    expect(reg.datanodeID.ipAddr).to.equal('127.0.0.1');
    expect(reg.keys.isBlockTokenEnabled).to.equal(true);
    expect(reg.keys.currentKey.keyId).to.equal(t.tokens.currentKeyId);
    expect(reg.keys.allKeys!.length).to.equal(2);
    const old = expectCode(() => dm.register(registration('dn-b', { softwareVersion: '2.0.0' }), { address: '127.0.0.1' }, 0), 'DATANODE_VERSION');
    expect(old.details['exceptionClassName']).to.equal(HadoopException.INCORRECT_VERSION);
    expect(old.message).to.equal("The reported DataNode version is too low to communicate with this NameNode. DataNode version: '2.0.0' Minimum DataNode version: '2.1.0-beta'");
    dm.register(registration('dn-c', { softwareVersion: '3.3.6' }), { address: '127.0.0.2' }, 0); // another version with the same cTime is fine
    expectCode(() => dm.register(registration('dn-d', { softwareVersion: '3.3.6', storageInfo: { ...registration('x').storageInfo, cTime: 5 } }), { address: '127.0.0.3' }, 0), 'DATANODE_VERSION');
    const foreign = registration('dn-a', { storageInfo: { ...registration('x').storageInfo, clusterID: 'CID-other' } });
    const e = expectCode(() => dm.heartbeat({ registration: foreign }, 0, 0), 'DATANODE_UNREGISTERED');
    expect(e.details['exceptionClassName']).to.equal(HadoopException.UNREGISTERED_NODE);
    expect(e.message).to.match(/^Unregistered server: DatanodeRegistration\(10\.9\.9\.9:9866, datanodeUuid=dn-a, .*storageInfo=lv=-57;cid=CID-other;nsid=12345;c=0\)$/);
  });

  it('heartbeats: a stranger is told to register; deletions come in dfs.block.invalidate.limit batches; keys after a roll; report leases', async () => {
    const small = await namesystem();
    try {
      const dm = small.ns.datanodes;
      expect(dm.heartbeat({ registration: registration('nobody') }, 0, 0).cmds!.map((c) => c.cmdType)).to.deep.equal(['RegisterCommand']);
      const reg = dm.register(registration('dn-a'), { address: '127.0.0.1' }, 0);
      const dn = dm.get('dn-a')!;
      for (let i = 0; i < 1001; i++) dn.invalidate.push({ blockId: 1073741825 + i, generationStamp: 1001, numBytes: 1 });
      const first = dm.heartbeat({ registration: reg, requestFullBlockReportLease: true }, 0, 7);
      expect(first.haStatus).to.deep.equal({ state: 'ACTIVE', txid: 7 });
      expect(first.fullBlockReportLeaseId).to.be.greaterThan(0);
      expect(first.cmds!.map((c) => c.cmdType)).to.deep.equal(['BlockCommand']);
      expect(first.cmds![0]!.blkCmd!.blocks!.length).to.equal(1000);
      expect(first.cmds![0]!.blkCmd!.blockPoolId).to.equal(IDENTITY.blockPoolId);
      const second = dm.heartbeat({ registration: reg }, 0, 7);
      expect(second.cmds![0]!.blkCmd!.blocks!.map((b) => b.blockId)).to.deep.equal([1073742825]);
      expect(second.fullBlockReportLeaseId).to.equal(undefined);
      small.tokens.rollKeys();
      dm.check(0, true);
      const keyed = dm.heartbeat({ registration: reg }, 0, 7);
      expect(keyed.cmds!.map((c) => c.cmdType)).to.deep.equal(['KeyUpdateCommand']);
      expect(keyed.cmds![0]!.keyUpdateCmd!.keys.currentKey.keyId).to.equal(small.tokens.currentKeyId);
      expect(dm.heartbeat({ registration: reg }, 0, 7).cmds).to.deep.equal([]);
    } finally {
      await small.ns.store.close();
    }
  });

  it('a new DataNode at an old one\'s transfer address replaces it; a silent one dies and loses its locations', async () => {
    const dm = t.ns.datanodes;
    datanode(t.ns, 'dn-old', '127.0.0.1', 9866);
    await writeFile(t, '/f', 10, hdfsUser, dm.get('dn-old'));
    datanode(t.ns, 'dn-new', '127.0.0.1', 9866);
    expect(dm.get('dn-old')).to.equal(undefined); // removed and wiped (DatanodeManager.registerDatanode)
    expect((await t.ns.getBlockLocations('/f', 0, 10, alice)).blocks![0]!.locs).to.deep.equal([]);
    t.clock.advance(630_001);
    expect(dm.check(t.clock.now(), false).map((d) => d.uuid)).to.deep.equal(['dn-new']);
    expect(dm.live()).to.deep.equal([]);
  });
});

describe('namenode/blocks: reports and placement', () => {
  let t: TestNamesystem;
  beforeEach(async () => {
    t = await namesystem();
  });
  afterEach(() => t.ns.store.close());

  it('a full report: known finalized replicas become locations, unknown blocks are deleted, stale ones ignored, missing ones forgotten', async () => {
    const a = datanode(t.ns, 'dn-a', '127.0.0.1', 1001);
    const b = datanode(t.ns, 'dn-b', '127.0.0.1', 1002);
    await writeFile(t, '/f', 100, hdfsUser, a);
    const block = t.ns.fsd.block(1073741825)!;
    t.ns.blocks.processReport(b, 'DS-dn-b', 'DISK', [
      { blockId: 1073741825, numBytes: 100, generationStamp: 1001, state: 'FINALIZED' },
      { blockId: 1073749999, numBytes: 1, generationStamp: 1001, state: 'FINALIZED' },
    ]);
    expect([...block.replicas.keys()].sort()).to.deep.equal(['DS-dn-a', 'DS-dn-b']);
    expect(b.invalidate.map((x) => x.blockId)).to.deep.equal([1073749999]);
    t.ns.blocks.processReport(a, 'DS-dn-a', 'DISK', [{ blockId: 1073741825, numBytes: 99, generationStamp: 1001, state: 'FINALIZED' }]); // wrong length
    t.ns.blocks.processReport(b, 'DS-dn-b', 'DISK', []);
    expect([...block.replicas.keys()]).to.deep.equal(['DS-dn-a']); // dn-b no longer has it; dn-a's bad copy was not added again
    const lbs = await t.ns.getBlockLocations('/f', 0, 100, alice);
    expect(lbs.blocks![0]!.locs!.map((l) => l.id.datanodeUuid)).to.deep.equal(['dn-a']);
    expect(lbs.blocks![0]!.isCached).to.deep.equal([false]);
  });

  it('placement: favored nodes first, then one on the writer\'s host; excluded nodes and full ones are skipped; none left is Hadoop\'s IOException', () => {
    const near = datanode(t.ns, 'near', '10.0.0.5', 1);
    const far = datanode(t.ns, 'far', '10.0.0.6', 2);
    const full = datanode(t.ns, 'full', '10.0.0.7', 3, MiB);
    const live = [near, far, full];
    const pick = (req: Partial<Parameters<typeof chooseTargets>[1]>) => chooseTargets(live, { src: '/f', replication: 1, blockSize: 128 * MiB, clientAddress: '10.0.0.5', ...req }).map((l) => l.datanode.uuid);
    expect(pick({})).to.deep.equal(['near']);
    expect(pick({ favoredNodes: ['10.0.0.6:2'] })).to.deep.equal(['far']);
    expect(pick({ replication: 3 }).sort()).to.deep.equal(['far', 'near']);
    expect(pick({ excludeNodes: [near.toInfo()] })).to.deep.equal(['far']);
    const e = expectCode(() => pick({ excludeNodes: [near.toInfo(), far.toInfo()] }), 'FS_NO_DATANODES');
    expect(e.message).to.equal('File /f could only be written to 0 of the 1 minReplication nodes. There are 3 datanode(s) running and 2 node(s) are excluded in this operation.');
    expect(e.details['exceptionClassName']).to.equal('java.io.IOException');
  });
});
