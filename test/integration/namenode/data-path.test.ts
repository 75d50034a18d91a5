// The NameNode's side of the HDFS data path over real Hadoop IPC with Kerberos (MIT KDC): two
// DataNodes (DatanodeProtocolClient as dn/localhost) register, heartbeat and report; users drive
// ClientProtocol in the sequences a stock 3.4.1 DFSClient uses (mkdirs,
// create, addBlock, getServerDefaults, getDataEncryptionKey, complete retried until the replica is
// reported, getBlockLocations, getListing, rename, delete), and the DataNodes verify the block
// tokens of the located blocks with the keys the NameNode handed them.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NameNode } from '../../../cluster/namenode/namenode.ts';
import { CreateFlag } from '../../../cluster/protocol/client-protocol.ts';
import { utf8 } from '../../../cluster/protocol/hdfs-types.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { TestDataNode, clientAs, clientName, secureConf, setUpRealm, type Session } from './hdfs-fixture.ts';
import { rejection } from './namenode-fixture.ts';

const MiB = 1024 * 1024;

describe('namenode: the HDFS data path over Kerberos IPC (MIT KDC, two DataNodes)', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  let dir: string;
  let keytab: string;
  let nn: NameNode;
  let dn1: TestDataNode;
  let dn2: TestDataNode;
  let hdfs: Session;
  let alice: Session;
  let bob: Session;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-nn-data-'));
    keytab = join(dir, 'service.keytab');
    await setUpRealm(realm.kdc, keytab, ['hdfs', 'alice', 'bob']);
    nn = await NameNode.start(secureConf(realm.kdc, dir, keytab), { monitorIntervalMs: 100 });
    dn1 = await TestDataNode.login(realm.kdc, keytab, nn.address, { uuid: 'dn-uuid-1', xferPort: 19866, storageUuid: 'DS-1' });
    dn2 = await TestDataNode.login(realm.kdc, keytab, nn.address, { uuid: 'dn-uuid-2', xferPort: 29866, storageUuid: 'DS-2' });
    await dn1.start();
    await dn2.start();
    hdfs = await clientAs(realm.kdc, 'hdfs', nn.address);
    alice = await clientAs(realm.kdc, 'alice', nn.address);
    bob = await clientAs(realm.kdc, 'bob', nn.address);
  });

  after(async () => {
    for (const s of [hdfs, alice, bob]) s?.close();
    dn1?.close();
    dn2?.close();
    await nn?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('DataNodes get the namespace info and the block keys; a non-DataNode principal is refused DatanodeProtocol', async () => {
    expect(dn1.info!.blockPoolID).to.match(/^BP-\d+-127\.0\.0\.1-\d+$/);
    expect(dn1.info!.storageInfo.clusterID).to.match(/^CID-[0-9a-f-]{36}$/);
    expect(dn1.info!.storageInfo.layoutVersion).to.equal(-67);
    expect(dn1.info!.capabilities).to.equal(1);
    expect(dn1.registration!.datanodeID.ipAddr).to.equal('127.0.0.1'); // the address the call came from
    expect(dn1.tokens!.currentKeyId).to.equal(nn.blockTokens!.currentKeyId);
    expect(dn1.registration!.keys.allKeys!.map((k) => k.keyId).sort()).to.deep.equal(nn.blockTokens!.allKeys().map((k) => k.keyId).sort());

    const impostor = await TestDataNode.login(realm.kdc, keytab, nn.address, { uuid: 'x', xferPort: 1, storageUuid: 'DS-x', principal: 'nn/localhost' });
    try {
      const e = await rejection(impostor.client.versionRequest());
      expect(e.details!['exceptionClassName']).to.equal('org.apache.hadoop.security.authorize.AuthorizationException');
      expect(e.message).to.contain(`this service is only accessible by dn/localhost@${realm.kdc.realm}`);
    } finally {
      impostor.close();
    }
  });

  it('block reports need the lease the heartbeat granted (or lease 0); a node the NameNode does not know is told to register', async () => {
    const hb = await dn2.heartbeat(true);
    const lease = hb.fullBlockReportLeaseId!;
    const e = await rejection(dn2.report([], lease + 1));
    expect(e.details!['exceptionClassName']).to.equal('org.apache.hadoop.hdfs.server.protocol.InvalidBlockReportLeaseException');
    expect(e.message).to.match(new RegExp(`was rejected as lease 0x${(lease + 1).toString(16)} is invalid`));
    expect((await dn2.report([], lease))!.cmdType).to.equal('FinalizeCommand');
    await rejection(dn2.report([], lease)); // the last RPC of a report ends its lease
    expect((await dn2.report([], 0))!.cmdType).to.equal('FinalizeCommand');
    const stranger = await TestDataNode.login(realm.kdc, keytab, nn.address, { uuid: 'never-registered', xferPort: 39866, storageUuid: 'DS-9' });
    try {
      stranger.info = dn1.info;
      stranger.registration = { ...dn1.registration!, datanodeID: { ...dn1.registration!.datanodeID, datanodeUuid: 'never-registered' } };
      expect((await stranger.report([]))!.cmdType).to.equal('RegisterCommand');
    } finally {
      stranger.close();
    }
  });

  it('put: mkdirs, create, addBlock (WRITE token, two targets), getServerDefaults, getDataEncryptionKey, complete once the replica is reported', async () => {
    expect(await hdfs.nn.mkdirs({ src: '/tmp', masked: { perm: 0o1777 }, createParent: true })).to.equal(true);
    expect(await alice.nn.mkdirs({ src: '/tmp/alice/d', masked: { perm: 0o755 }, createParent: true, unmasked: { perm: 0o777 } })).to.equal(true);
    const client = clientName('put');
    const st = (await alice.nn.create({
      src: '/tmp/alice/d/f', masked: { perm: 0o644 }, clientName: client, createFlag: CreateFlag.CREATE | CreateFlag.OVERWRITE,
      createParent: true, replication: 3, blockSize: 128 * MiB, cryptoProtocolVersion: ['ENCRYPTION_ZONES'], unmasked: { perm: 0o666 },
    }))!;
    expect(st).to.include({ fileType: 'IS_FILE', owner: 'alice', group: 'supergroup', length: 0, block_replication: 3, blocksize: 128 * MiB, childrenNum: 0 });
    expect(st.permission.perm).to.equal(0o644);
    expect(st.fileId).to.be.greaterThan(16385);

    const lb = await alice.nn.addBlock({ src: '/tmp/alice/d/f', clientName: client, fileId: st.fileId });
    expect(lb.b.blockId).to.equal(1073741825);
    expect(lb.b.generationStamp).to.equal(1001);
    expect(lb.locs!.map((l) => l.id.datanodeUuid).sort()).to.deep.equal(['dn-uuid-1', 'dn-uuid-2']); // replication 3, two nodes
    expect(lb.storageIDs!.length).to.equal(2);
    expect(lb.storageTypes).to.deep.equal(['DISK', 'DISK']);
    expect(lb.blockToken.kind).to.equal('HDFS_BLOCK_TOKEN');
    dn1.check(lb, 'WRITE', lb.b, ['DISK', 'DISK'], lb.storageIDs);
    expect(() => dn1.check(lb, 'READ')).to.throw(/doesn't have READ permission/);

    const defaults = await alice.nn.getServerDefaults();
    expect(defaults.encryptDataTransfer).to.equal(true);
    const dek = (await alice.nn.getDataEncryptionKey())!;
    expect(dek.blockPoolId).to.equal(dn1.info!.blockPoolID);
    expect(Buffer.from(dn1.tokens!.retrieveDataEncryptionKey(dek.keyId, dek.nonce))).to.deep.equal(Buffer.from(dek.encryptionKey));

    const last = { ...lb.b, numBytes: 200_000 };
    expect(await alice.nn.complete('/tmp/alice/d/f', client, last, st.fileId)).to.equal(false); // not reported yet: the client retries
    await dn1.incremental(last, 'RECEIVED');
    expect(await alice.nn.complete('/tmp/alice/d/f', client, last, st.fileId)).to.equal(true);
    expect(await alice.nn.complete('/tmp/alice/d/f', client, last, st.fileId)).to.equal(true); // an RPC retry of a completed file
    const done = (await alice.nn.getFileInfo('/tmp/alice/d/f'))!;
    expect(done.length).to.equal(200_000);
  });

  it('get: getBlockLocations returns the reported replica with a READ token the DataNode accepts; wrong block, wrong mode and forged tokens are refused', async () => {
    const lbs = (await bob.nn.getBlockLocations('/tmp/alice/d/f', 0, 1342177280))!;
    expect(lbs).to.include({ fileLength: 200_000, underConstruction: false, isLastBlockComplete: true });
    expect(lbs.blocks!.length).to.equal(1);
    const lb = lbs.blocks![0]!;
    expect(lb.b).to.deep.equal({ poolId: dn1.info!.blockPoolID, blockId: 1073741825, generationStamp: 1001, numBytes: 200_000 });
    expect(lb.locs!.map((l) => l.id.datanodeUuid)).to.deep.equal(['dn-uuid-1']);
    expect(lb.locs![0]!.id.xferPort).to.equal(19866);
    expect(lb.storageIDs).to.deep.equal(['DS-1']);
    dn1.check(lb, 'READ');
    expect(() => dn1.check(lb, 'WRITE')).to.throw(/doesn't have WRITE permission/);
    expect(() => dn1.check(lb, 'READ', { ...lb.b, blockId: lb.b.blockId + 1 })).to.throw(/doesn't apply to block/);
    const forged = { ...lb, blockToken: { ...lb.blockToken, password: Uint8Array.from(lb.blockToken.password, (b) => b ^ 0xff) } };
    expect(() => dn1.check(forged, 'READ')).to.throw(/doesn't have the correct token password/);
    expect(lbs.lastBlock!.b.blockId).to.equal(lb.b.blockId);
  });

  it('ls: getListing pages with startAfter and remainingEntries; getFileInfo has Hadoop\'s fields', async () => {
    for (const n of ['a', 'b', 'c']) await alice.nn.mkdirs({ src: `/tmp/alice/list/${n}`, masked: { perm: 0o700 }, createParent: true });
    const all = (await alice.nn.getListing('/tmp/alice/list'))!;
    expect(all.remainingEntries).to.equal(0);
    expect(all.partialListing!.map((s) => Buffer.from(s.path).toString())).to.deep.equal(['a', 'b', 'c']);
    const rest = (await alice.nn.getListing('/tmp/alice/list', utf8('a')))!;
    expect(rest.partialListing!.map((s) => Buffer.from(s.path).toString())).to.deep.equal(['b', 'c']);
    const dirInfo = (await alice.nn.getFileInfo('/tmp/alice/list'))!;
    expect(dirInfo).to.include({ fileType: 'IS_DIR', owner: 'alice', childrenNum: 3, access_time: 0 });
    expect(dirInfo.path.length).to.equal(0);
    expect(await alice.nn.getFileInfo('/tmp/alice/nothing')).to.equal(undefined);
    expect(await alice.nn.getListing('/tmp/alice/nothing')).to.equal(undefined);
  });

  it('refusals travel with Hadoop\'s exception classes', async () => {
    const cls = async (p: Promise<unknown>) => (await rejection(p)).details!['exceptionClassName'];
    expect(await cls(alice.nn.mkdirs({ src: '/top', masked: { perm: 0o755 }, createParent: true }))).to.equal('org.apache.hadoop.security.AccessControlException');
    const denied = await rejection(alice.nn.mkdirs({ src: '/top', masked: { perm: 0o755 }, createParent: true }));
    expect(denied.message).to.contain('Permission denied: user=alice, access=WRITE, inode="/":hdfs:supergroup:drwxr-xr-x');
    expect(await cls(alice.nn.getBlockLocations('/tmp/alice/none', 0, 1))).to.equal('java.io.FileNotFoundException');
    expect(await cls(alice.nn.create({ src: '/tmp/alice/d/f', masked: { perm: 0o644 }, clientName: clientName('x'), createFlag: CreateFlag.CREATE, createParent: true, replication: 1, blockSize: 128 * MiB })))
      .to.equal('org.apache.hadoop.fs.FileAlreadyExistsException');
    expect(await cls(alice.nn.mkdirs({ src: '/tmp/alice/d/f/x', masked: { perm: 0o755 }, createParent: true }))).to.equal('org.apache.hadoop.fs.ParentNotDirectoryException');
    expect(await cls(bob.nn.delete('/tmp/alice/d/f', false))).to.equal('org.apache.hadoop.security.AccessControlException');
    expect(await cls(alice.nn.delete('/tmp/alice/list', false))).to.equal('org.apache.hadoop.fs.PathIsNotEmptyDirectoryException');
    expect(await cls(alice.nn.create({ src: '/tmp/alice/app', masked: { perm: 0o644 }, clientName: clientName('x'), createFlag: CreateFlag.CREATE | CreateFlag.APPEND, createParent: true, replication: 1, blockSize: 128 * MiB })))
      .to.equal('java.lang.UnsupportedOperationException');
    expect(await cls(alice.nn.addBlock({ src: '/tmp/alice/d/f', clientName: clientName('put') }))).to.equal('org.apache.hadoop.hdfs.server.namenode.LeaseExpiredException');
  });

  it('mv and rm: rename moves into a directory; delete removes the file and its replica goes in dn1\'s next heartbeat', async () => {
    expect(await alice.nn.rename('/tmp/alice/d/f', '/tmp/alice/list/a')).to.equal(true); // into the directory a
    expect((await alice.nn.getFileInfo('/tmp/alice/list/a/f'))!.length).to.equal(200_000);
    expect(await alice.nn.rename('/tmp/alice/none', '/tmp/alice/x')).to.equal(false);
    expect(await alice.nn.delete('/tmp/alice/list/a/f', false)).to.equal(true);
    expect(await alice.nn.delete('/tmp/alice/list/a/f', false)).to.equal(false);
    const hb = await dn1.heartbeat();
    const invalidate = (hb.cmds ?? []).find((c) => c.cmdType === 'BlockCommand');
    expect(invalidate?.blkCmd).to.deep.include({ action: 'INVALIDATE', blockPoolId: dn1.info!.blockPoolID });
    expect(invalidate!.blkCmd!.blocks!.map((b) => b.blockId)).to.deep.equal([1073741825]);
  });
});
