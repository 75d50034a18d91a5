// Lease recovery that keeps the data, on the namesystem without RPC (a real journal store, a
// ManualClock): ClientProtocol.recoverLease (FSNamesystem.recoverLease / recoverLeaseInternal with
// force), internalReleaseLease's cases (all blocks complete, an empty last block nobody reported,
// an unfinished last block recovered through its DataNode), the BlockRecoveryCommand on the
// primary's heartbeat and its re-sending after the recovery timeout, commitBlockSynchronization's
// checks (a stale recovery id, an unknown block, a file already closed, deleteBlock) and a restart
// keeping the recovered length.
import { expect } from 'chai';
import { CreateFlag } from '../../../cluster/protocol/client-protocol.ts';
import type { DatanodeCommand } from '../../../cluster/protocol/datanode-protocol.ts';
import type { LocatedBlock } from '../../../cluster/protocol/hdfs-types.ts';
import { HadoopException } from '../../../cluster/namenode/namespace/fs-errors.ts';
import type { INodeFile } from '../../../cluster/namenode/namespace/inode.ts';
import { NAMENODE_LEASE_HOLDER } from '../../../cluster/namenode/lease-recovery.ts';
import { alice, bob, datanode, hdfsUser, MiB, namesystem, writeFile, type TestNamesystem } from '../../support/namesystem.ts';

async function refused(p: Promise<unknown>, cls: string, message?: string | RegExp): Promise<void> {
  const e = await p.then(() => undefined, (x: Error & { details?: Record<string, unknown> }) => x);
  expect(e, 'expected a refusal').to.be.instanceOf(Error);
  expect(e!.details?.['exceptionClassName'], e!.message).to.equal(cls);
  if (typeof message === 'string') expect(e!.message).to.equal(message);
  else if (message) expect(e!.message).to.match(message);
}

const WRITER = 'DFSClient_writer';
const RECOVERER = 'DFSClient_recoverer';
const TIMEOUT_MS = 90_000;

describe('namenode/lease recovery: recoverLease, block recovery, commitBlockSynchronization', () => {
  let t: TestNamesystem;
  beforeEach(async () => {
    t = await namesystem();
    datanode(t.ns, 'dn-1');
    await t.ns.mkdirs('/tmp', { perm: 0o1777 }, true, hdfsUser);
  });
  afterEach(() => t.ns.store.close());

  /** An open file: `full` complete blocks of 1 MiB, then an under-construction block whose pipeline is dn-1 with `tail` bytes fsynced. */
  async function openFile(path: string, full: number, tail: number): Promise<{ fileId: number; last: LocatedBlock | undefined }> {
    const st = await t.writes.create({ src: path, masked: { perm: 0o644 }, clientName: WRITER, createFlag: CreateFlag.CREATE, createParent: true, replication: 1, blockSize: MiB }, alice);
    let previous: LocatedBlock | undefined;
    for (let i = 0; i <= full; i++) {
      const lb = await t.writes.addBlock({ src: path, clientName: WRITER, fileId: st.fileId, ...(previous ? { previous: { ...previous.b, numBytes: MiB } } : {}) }, alice);
      if (i < full) t.ns.blocks.processIncremental(t.ns.datanodes.get('dn-1')!, 'DS-dn-1', 'DISK', [{ block: { blockId: lb.b.blockId, genStamp: lb.b.generationStamp, numBytes: MiB }, status: 'RECEIVED' }]);
      previous = lb;
    }
    if (tail > 0) await t.writes.fsync(path, WRITER, tail, st.fileId);
    return { fileId: st.fileId!, last: previous };
  }

  function heartbeat(uuid = 'dn-1'): DatanodeCommand[] {
    const dn = t.ns.datanodes.get(uuid)!;
    return t.ns.datanodes.heartbeat({ registration: dn.registration }, t.ns.clock.now(), 0).cmds ?? [];
  }
  const recoveries = (cmds: DatanodeCommand[]) => cmds.filter((c) => c.cmdType === 'BlockRecoveryCommand').flatMap((c) => c.recoveryCmd!.blocks ?? []);
  const fileOf = (id: number) => t.ns.fsd.inode(id) as INodeFile;
  const sync = (b: LocatedBlock['b'], newGenStamp: number, newLength: number, extra: { closeFile?: boolean; deleteBlock?: boolean } = {}) => t.writes.commitBlockSynchronization({
    block: b, newGenStamp, newLength, closeFile: extra.closeFile ?? true, deleteBlock: extra.deleteBlock ?? false, newTargets: [{ datanodeUuid: 'dn-1' }], newTargetStorages: ['DS-dn-1'],
  });

  it('recoverLease: true for a closed file; FileNotFound, not a file, WRITE needed, as FSNamesystem.recoverLease checks', async () => {
    await writeFile(t, '/tmp/closed', 100);
    expect(await t.writes.recoverLease('/tmp/closed', RECOVERER, bob)).to.equal(true);
    await refused(t.writes.recoverLease('/tmp/nope', RECOVERER, alice), HadoopException.FILE_NOT_FOUND, 'File does not exist: /tmp/nope');
    await refused(t.writes.recoverLease('/tmp', RECOVERER, alice), HadoopException.FILE_NOT_FOUND, 'Path is not a file: /tmp');
    await openFile('/tmp/open', 0, 10);
    await refused(t.writes.recoverLease('/tmp/open', RECOVERER, bob), HadoopException.ACCESS_CONTROL, /^Permission denied: user=bob, access=WRITE/);
  });

  it('an open file whose blocks are all complete (or that has none) is closed at once; an empty last block nobody reported is removed', async () => {
    const none = await t.writes.create({ src: '/tmp/none', masked: { perm: 0o644 }, clientName: WRITER, createFlag: CreateFlag.CREATE, createParent: true, replication: 1, blockSize: MiB }, alice);
    expect(await t.writes.recoverLease('/tmp/none', RECOVERER, alice)).to.equal(true);
    expect(fileOf(none.fileId!).uc).to.equal(null);

    const { fileId } = await openFile('/tmp/empty-tail', 1, 0);
    fileOf(fileId).lastBlock!.expected = []; // the client died before any DataNode said RECEIVING
    expect(await t.writes.recoverLease('/tmp/empty-tail', RECOVERER, alice)).to.equal(true);
    expect([fileOf(fileId).uc, fileOf(fileId).blocks.length, fileOf(fileId).length()]).to.deep.equal([null, 1, MiB]);
    expect(t.ns.leases.get(WRITER), 'the lease ends with its last file').to.equal(undefined);
  });

  it('an unfinished last block: recovery id, UNDER_RECOVERY, the lease goes to the caller, DNA_RECOVERBLOCK on the primary\'s heartbeat; the agreed length closes the file and survives a restart', async () => {
    const { fileId, last } = await openFile('/tmp/f', 1, 1500);
    const stampBefore = t.ns.fsd.generationStamp;
    expect(await t.writes.recoverLease('/tmp/f', RECOVERER, alice)).to.equal(false);
    const file = fileOf(fileId);
    const block = file.lastBlock!;
    expect([block.state, block.recoveryId, t.ns.fsd.generationStamp]).to.deep.equal(['UNDER_RECOVERY', stampBefore + 1, stampBefore + 1]);
    expect(file.uc!.clientName, 'reassignLease to the recoverLease caller').to.equal(RECOVERER);
    expect(t.ns.leases.get(WRITER), 'the writer holds nothing any more').to.equal(undefined);
    // the dead writer cannot go on
    await refused(t.writes.complete('/tmp/f', WRITER, { ...last!.b, numBytes: 1500 }, fileId), HadoopException.LEASE_EXPIRED);

    const [rb, ...more] = recoveries(heartbeat());
    expect(more).to.deep.equal([]);
    expect(rb!.newGenStamp).to.equal(stampBefore + 1);
    expect(rb!.block.b).to.deep.include({ blockId: block.blockId, generationStamp: last!.b.generationStamp, numBytes: 1500 });
    expect([rb!.block.offset, rb!.block.locs!.map((l) => l.id.datanodeUuid), rb!.block.blockToken.identifier.length]).to.deep.equal([-1, ['dn-1'], 0]);
    expect(recoveries(heartbeat()), 'sent once').to.deep.equal([]);
    expect(await t.writes.recoverLease('/tmp/f', RECOVERER, alice), 'still recovering').to.equal(false);
    expect(recoveries(heartbeat()), 'no second attempt before the timeout').to.deep.equal([]);

    // the primary agreed on 1400 bytes (the shortest RBW replica)
    await sync(rb!.block.b, rb!.newGenStamp, 1400);
    expect([file.uc, block.state, block.generationStamp, block.numBytes, file.length()]).to.deep.equal([null, 'COMPLETE', stampBefore + 1, 1400, MiB + 1400]);
    expect(t.ns.leases.get(RECOVERER)).to.equal(undefined);
    expect(await t.writes.recoverLease('/tmp/f', RECOVERER, alice)).to.equal(true);
    const located = await t.ns.getBlockLocations('/tmp/f', 0, 10 * MiB, alice);
    expect([located.fileLength, located.blocks![1]!.locs!.length, located.blocks![1]!.b.generationStamp]).to.deep.equal([MiB + 1400, 1, stampBefore + 1]);
    // a retry of the same commit is ignored (the file is closed)
    await sync(rb!.block.b, rb!.newGenStamp, 1400);

    t = await t.restart();
    const again = fileOf(fileId);
    expect([again.uc, again.length(), again.lastBlock!.generationStamp]).to.deep.equal([null, MiB + 1400, stampBefore + 1]);
  });

  it('a COMMITTED last block no DataNode reported is recovered, not refused (HDFS-14498); refused while the penultimate block has no replica; closed once a replica is reported', async () => {
    // the writer committed its last block (complete() answered false) and died before any DataNode reported it
    const { fileId, last } = await openFile('/tmp/f', 1, 0);
    expect(await t.writes.complete('/tmp/f', WRITER, { ...last!.b, numBytes: 500 }, fileId)).to.equal(false);
    const block = fileOf(fileId).lastBlock!;
    expect(block.state).to.equal('COMMITTED');
    const stampBefore = t.ns.fsd.generationStamp;
    expect(await t.writes.recoverLease('/tmp/f', RECOVERER, alice)).to.equal(false);
    expect([block.state, block.recoveryId, fileOf(fileId).uc!.clientName]).to.deep.equal(['UNDER_RECOVERY', stampBefore + 1, RECOVERER]);
    const [rb] = recoveries(heartbeat());
    expect(rb!.block.b).to.deep.include({ blockId: block.blockId, numBytes: 500 });
    await sync(rb!.block.b, rb!.newGenStamp, 500);
    expect([fileOf(fileId).uc, fileOf(fileId).length()]).to.deep.equal([null, MiB + 500]);

    // the penultimate block lost its only replica: AlreadyBeingCreatedException, no recovery started
    const g = await openFile('/tmp/g', 1, 0);
    const penultimate = fileOf(g.fileId).blocks[0]!;
    t.ns.blocks.processIncremental(t.ns.datanodes.get('dn-1')!, 'DS-dn-1', 'DISK', [{ block: { blockId: penultimate.blockId, genStamp: penultimate.generationStamp, numBytes: MiB }, status: 'DELETED' }]);
    expect(await t.writes.complete('/tmp/g', WRITER, { ...g.last!.b, numBytes: 200 }, g.fileId)).to.equal(false);
    await refused(t.writes.recoverLease('/tmp/g', RECOVERER, alice), HadoopException.ALREADY_BEING_CREATED,
      'DIR* NameSystem.internalReleaseLease: Failed to release lease for file /tmp/g. Committed blocks are waiting to be minimally replicated.');
    expect(fileOf(g.fileId).lastBlock!.state).to.equal('COMMITTED');

    // both blocks reported: the file closes at once
    const tail = fileOf(g.fileId).lastBlock!;
    t.ns.blocks.processIncremental(t.ns.datanodes.get('dn-1')!, 'DS-dn-1', 'DISK', [
      { block: { blockId: penultimate.blockId, genStamp: penultimate.generationStamp, numBytes: MiB }, status: 'RECEIVED' },
      { block: { blockId: tail.blockId, genStamp: tail.generationStamp, numBytes: 200 }, status: 'RECEIVED' },
    ]);
    expect(await t.writes.recoverLease('/tmp/g', RECOVERER, alice)).to.equal(true);
    expect([fileOf(g.fileId).uc, fileOf(g.fileId).length()]).to.deep.equal([null, MiB + 200]);
  });

  it('the recovery command leaves out stale DataNodes (no heartbeat for dfs.namenode.stale.datanode.interval) unless that leaves one or none (DatanodeManager.getBlockRecoveryCommand)', async () => {
    datanode(t.ns, 'dn-2', '127.0.0.2');
    datanode(t.ns, 'dn-3', '127.0.0.3');
    const open = async (path: string) => {
      const st = await t.writes.create({ src: path, masked: { perm: 0o644 }, clientName: WRITER, createFlag: CreateFlag.CREATE, createParent: true, replication: 3, blockSize: MiB }, alice);
      const lb = await t.writes.addBlock({ src: path, clientName: WRITER, fileId: st.fileId }, alice);
      expect(lb.locs!.map((l) => l.id.datanodeUuid).sort()).to.deep.equal(['dn-1', 'dn-2', 'dn-3']);
      await t.writes.fsync(path, WRITER, 10, st.fileId);
    };
    await open('/tmp/three');
    t.clock.advance(31_000); // past the 30 s default
    heartbeat('dn-1');
    heartbeat('dn-2');
    expect(await t.writes.recoverLease('/tmp/three', RECOVERER, alice)).to.equal(false);
    const sent = [...recoveries(heartbeat('dn-1')), ...recoveries(heartbeat('dn-2'))];
    expect(sent).to.have.length(1);
    expect(sent[0]!.block.locs!.map((l) => l.id.datanodeUuid).sort(), 'dn-3 is stale').to.deep.equal(['dn-1', 'dn-2']);

    await open('/tmp/three-b');
    t.clock.advance(31_000);
    heartbeat('dn-1'); // dn-2 and dn-3 stale: one fresh node is too few, every location is named
    expect(await t.writes.recoverLease('/tmp/three-b', RECOVERER, alice)).to.equal(false);
    const [rb] = recoveries(heartbeat('dn-1'));
    expect(rb!.block.locs!.map((l) => l.id.datanodeUuid).sort()).to.deep.equal(['dn-1', 'dn-2', 'dn-3']);
  });

  it('commitBlockSynchronization refuses a stale recovery id and an unknown block; deleteBlock removes the last block', async () => {
    const { fileId } = await openFile('/tmp/f', 1, 700);
    expect(await t.writes.recoverLease('/tmp/f', RECOVERER, alice)).to.equal(false);
    const [first] = recoveries(heartbeat());
    // the recovery times out: the next attempt takes a new recovery id and asks the primary again
    t.clock.advance(TIMEOUT_MS + 1);
    expect(await t.writes.recoverLease('/tmp/f', RECOVERER, alice)).to.equal(false);
    const [second] = recoveries(heartbeat());
    expect(second!.newGenStamp).to.equal(first!.newGenStamp + 1);
    const name = `${t.ns.blocks.blockPoolId}:blk_${first!.block.b.blockId}_${first!.block.b.generationStamp}`;
    await refused(sync(first!.block.b, first!.newGenStamp, 700), HadoopException.IO,
      `The recovery id ${first!.newGenStamp} does not match current recovery id ${second!.newGenStamp} for block ${name}`);
    expect(fileOf(fileId).uc, 'a stale commit changes nothing').to.not.equal(null);
    await refused(sync({ ...first!.block.b, blockId: 999 }, second!.newGenStamp, 700), HadoopException.IO, `Block (=${t.ns.blocks.blockPoolId}:blk_999_${first!.block.b.generationStamp}) not found`);
    await sync({ ...first!.block.b, blockId: 999 }, second!.newGenStamp, 0, { deleteBlock: true }); // a retry of a delete: ignored

    // no replica had bytes: the primary asks for the block to go
    await sync(second!.block.b, second!.newGenStamp, 0, { deleteBlock: true });
    expect([fileOf(fileId).uc, fileOf(fileId).blocks.length, fileOf(fileId).length()]).to.deep.equal([null, 1, MiB]);
  });

  it('another client\'s create or append: AlreadyBeingCreated within the soft limit, then RecoveryInProgress while the block is recovered; the lease monitor recovers under HDFS_NameNode', async () => {
    const { fileId } = await openFile('/tmp/f', 0, 300);
    const createAgain = () => t.writes.create({ src: '/tmp/f', masked: { perm: 0o644 }, clientName: 'DFSClient_bob', createFlag: CreateFlag.CREATE, createParent: true, replication: 1, blockSize: MiB }, bob);
    await refused(createAgain(), HadoopException.ALREADY_BEING_CREATED, `Failed to CREATE_FILE /tmp/f for DFSClient_bob on 127.0.0.2 because this file lease is currently owned by ${WRITER} on 127.0.0.1`);
    t.clock.advance(60_001);
    await refused(createAgain(), HadoopException.RECOVERY_IN_PROGRESS, 'Failed to CREATE_FILE /tmp/f for DFSClient_bob on 127.0.0.2 because lease recovery is in progress. Try again later.');
    expect(fileOf(fileId).uc!.clientName, 'the holder keeps the lease, renewed').to.equal(WRITER);
    // the holder was not gone after all: its block is under recovery, it may not commit it
    const tail = fileOf(fileId).lastBlock!;
    const commit = { poolId: t.ns.blocks.blockPoolId, blockId: tail.blockId, generationStamp: tail.generationStamp, numBytes: 300 };
    await refused(t.writes.complete('/tmp/f', WRITER, commit, fileId), HadoopException.IO, `Commit or complete block blk_${tail.blockId}_${tail.generationStamp}, whereas it is under recovery.`);
    await refused(t.writes.addBlock({ src: '/tmp/f', clientName: WRITER, previous: commit, fileId }, alice), HadoopException.IO, /whereas it is under recovery\.$/);
    expect(tail.state).to.equal('UNDER_RECOVERY');
    await refused(createAgain(), HadoopException.RECOVERY_IN_PROGRESS, `Failed to CREATE_FILE /tmp/f for DFSClient_bob on 127.0.0.2 because another recovery is in progress by ${WRITER} on 127.0.0.1`);
    expect(recoveries(heartbeat())).to.have.length(1);

    // nobody finishes it: past the hard limit the lease monitor tries again under the NameNode's name
    t.clock.advance(t.ns.settings.leaseHardLimitMs + 1);
    expect(await t.writes.recoverExpiredLeases()).to.equal(0);
    expect(fileOf(fileId).uc!.clientName).to.equal(NAMENODE_LEASE_HOLDER);
    const [rb] = recoveries(heartbeat());
    await sync(rb!.block.b, rb!.newGenStamp, 300);
    expect([fileOf(fileId).uc, fileOf(fileId).length()]).to.deep.equal([null, 300]);
    await refused(createAgain(), HadoopException.FILE_ALREADY_EXISTS);
  });
});
