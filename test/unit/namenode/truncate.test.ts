// ClientProtocol.truncate on the namesystem without RPC (a real journal store, a ManualClock), as
// Hadoop 3.4.1's FSNamesystem.truncate / FSDirTruncateOp: the refusals and their messages, a cut on
// a block boundary (true, the blocks past it gone and their replicas queued for deletion, the
// file closed), a cut inside a block (false, the file reopened under the caller's lease, the
// block UNDER_RECOVERY with a new recovery id, the BlockRecoveryCommand carrying the truncate
// block, commitBlockSynchronization closing it at the new length), the same truncate asked again,
// the audit lines, and restarts at every stage (journal and snapshot).
import { expect } from 'chai';
import { CreateFlag } from '../../../cluster/protocol/client-protocol.ts';
import type { DatanodeCommand } from '../../../cluster/protocol/datanode-protocol.ts';
import { HadoopException } from '../../../cluster/namenode/namespace/fs-errors.ts';
import type { INodeFile } from '../../../cluster/namenode/namespace/inode.ts';
import type { CallerInfo } from '../../../cluster/namenode/namesystem.ts';
import { alice, bob, datanode, hdfsUser, MiB, namesystem, type TestNamesystem } from '../../support/namesystem.ts';
import { auditLines } from '../../support/log-lines.ts';
import { refused } from '../../support/expect-code.ts';

const TRUNCATER = 'DFSClient_truncater';
const WRITER = 'DFSClient_writer';

describe('namenode/truncate: ClientProtocol.truncate (FSDirTruncateOp), in-place truncate recovery', () => {
  let t: TestNamesystem;
  beforeEach(async () => {
    t = await namesystem();
    datanode(t.ns, 'dn-1');
    await t.ns.mkdirs('/tmp', { perm: 0o1777 }, true, hdfsUser);
  });
  afterEach(() => t.ns.store.close());

  const fileAt = (path: string) => t.ns.fsd.resolveExisting(path) as INodeFile;
  const truncate = (path: string, newLength: number, caller: CallerInfo = alice, client = TRUNCATER) => t.writes.truncate(path, newLength, client, caller);

  /** A closed file of 1 MiB blocks with these lengths, each block's finalized replica on dn-1. */
  async function closedFile(path: string, lengths: number[], caller: CallerInfo = alice): Promise<INodeFile> {
    const client = `DFSClient_${path}`;
    const st = await t.writes.create({ src: path, masked: { perm: 0o644 }, clientName: client, createFlag: CreateFlag.CREATE, createParent: true, replication: 1, blockSize: MiB }, caller);
    let previous: { blockId: number; generationStamp: number; poolId: string; numBytes?: number } | undefined;
    for (const n of lengths) {
      const lb = await t.writes.addBlock({ src: path, clientName: client, fileId: st.fileId, ...(previous ? { previous } : {}) }, caller);
      t.ns.blocks.processIncremental(t.ns.datanodes.get('dn-1')!, 'DS-dn-1', 'DISK', [{ block: { blockId: lb.b.blockId, genStamp: lb.b.generationStamp, numBytes: n }, status: 'RECEIVED' }]);
      previous = { ...lb.b, numBytes: n };
    }
    expect(await t.writes.complete(path, client, previous, st.fileId)).to.equal(true);
    return fileAt(path);
  }

  function heartbeat(uuid = 'dn-1'): DatanodeCommand[] {
    const dn = t.ns.datanodes.get(uuid)!;
    return t.ns.datanodes.heartbeat({ registration: dn.registration }, t.ns.clock.now(), 0).cmds ?? [];
  }
  const recoveries = (cmds: DatanodeCommand[]) => cmds.filter((c) => c.cmdType === 'BlockRecoveryCommand').flatMap((c) => c.recoveryCmd!.blocks ?? []);
  const invalidated = (cmds: DatanodeCommand[]) => cmds.filter((c) => c.cmdType === 'BlockCommand').flatMap((c) => (c.blkCmd!.blocks ?? []).map((b) => b.blockId));
  /** What the primary DataNode reports after cutting its replica: the recovery id and the truncate length, file closed. */
  const commit = (rb: ReturnType<typeof recoveries>[number]) => t.writes.commitBlockSynchronization({
    block: rb.block.b, newGenStamp: rb.newGenStamp, newLength: rb.truncateBlock!.numBytes!, closeFile: true, deleteBlock: false,
    newTargets: [{ datanodeUuid: 'dn-1' }], newTargetStorages: ['DS-dn-1'],
  });

  it('refusals in Hadoop\'s order and words: negative, missing, a directory, no WRITE, larger than the file', async () => {
    await closedFile('/tmp/f', [MiB, 100]);
    await refused(truncate('/tmp/f', -1), HadoopException.ILLEGAL_ARGUMENT, 'Cannot truncate to a negative file size: -1.');
    await refused(truncate('/tmp/nope', 0), HadoopException.FILE_NOT_FOUND, 'File does not exist: /tmp/nope');
    await refused(truncate('/tmp', 0), HadoopException.FILE_NOT_FOUND, 'Path is not a file: /tmp');
    await refused(truncate('/tmp/f', 10, bob), HadoopException.ACCESS_CONTROL, 'Permission denied: user=bob, access=WRITE, inode="/tmp/f":alice:supergroup:-rw-r--r--');
    await refused(truncate('/tmp/f', MiB + 101), HadoopException.ILLEGAL_ARGUMENT, `Cannot truncate to a larger file size. Current size: ${MiB + 100}, truncate size: ${MiB + 101}.`);
    expect(fileAt('/tmp/f').length()).to.equal(MiB + 100);
  });

  it('safe mode: SafeModeException "Cannot truncate for /p" before any other check (the negative length is checked before, outside the lock)', async () => {
    await closedFile('/tmp/f', [MiB, 100]);
    await t.ns.enterSafeMode();
    await refused(truncate('/tmp/f', -1), HadoopException.ILLEGAL_ARGUMENT);
    await refused(truncate('/tmp/nope', 10, bob), HadoopException.SAFE_MODE, /^Cannot truncate for \/tmp\/nope\. Name node is in safe mode\./);
    await t.ns.leaveSafeMode(false);
    expect(await truncate('/tmp/f', MiB)).to.equal(true);
  });

  it('a file open for writing: the holder itself and another client within the soft limit are refused (recoverLeaseInternal TRUNCATE_FILE)', async () => {
    const st = await t.writes.create({ src: '/tmp/open', masked: { perm: 0o666 }, clientName: WRITER, createFlag: CreateFlag.CREATE, createParent: true, replication: 1, blockSize: MiB }, alice);
    await t.writes.addBlock({ src: '/tmp/open', clientName: WRITER, fileId: st.fileId }, alice);
    await t.writes.fsync('/tmp/open', WRITER, 10, st.fileId);
    await refused(truncate('/tmp/open', 5, bob), HadoopException.ALREADY_BEING_CREATED,
      `Failed to TRUNCATE_FILE /tmp/open for ${TRUNCATER} on 127.0.0.2 because this file lease is currently owned by ${WRITER} on 127.0.0.1`);
    await refused(truncate('/tmp/open', 5, alice, WRITER), HadoopException.ALREADY_BEING_CREATED,
      `Failed to TRUNCATE_FILE /tmp/open for ${WRITER} on 127.0.0.1 because ${WRITER} is already the current lease holder.`);
  });

  it('the same length: true and nothing changes (no journal record)', async () => {
    await closedFile('/tmp/f', [MiB, 100]);
    const txid = t.ns.txid;
    expect(await truncate('/tmp/f', MiB + 100)).to.equal(true);
    expect([t.ns.txid, fileAt('/tmp/f').uc]).to.deep.equal([txid, null]);
  });

  it('on a block boundary: true, the blocks past it removed and their replicas deleted on the DataNode, the file stays closed; to 0 no block is left; both survive a restart', async () => {
    const f = await closedFile('/tmp/f', [MiB, MiB, 500]);
    const [b0, b1, b2] = f.blocks.map((b) => b.blockId);
    heartbeat(); // nothing pending before
    t.clock.advance(5000);
    expect(await truncate('/tmp/f', MiB)).to.equal(true);
    expect([f.uc, f.blocks.map((b) => b.blockId), f.length(), f.mtime]).to.deep.equal([null, [b0], MiB, t.clock.now()]);
    expect([t.ns.fsd.block(b1!), t.ns.fsd.block(b2!)]).to.deep.equal([undefined, undefined]);
    expect(invalidated(heartbeat()).sort()).to.deep.equal([b1, b2].sort());
    expect(t.ns.leases.get(TRUNCATER), 'no lease for a cut on a boundary').to.equal(undefined);

    const g = await closedFile('/tmp/g', [300]);
    expect(await truncate('/tmp/g', 0)).to.equal(true);
    expect([g.blocks.length, g.length()]).to.deep.equal([0, 0]);

    t = await t.restart();
    expect([fileAt('/tmp/f').length(), fileAt('/tmp/f').blocks.map((b) => b.blockId), fileAt('/tmp/g').length()]).to.deep.equal([MiB, [b0], 0]);
  });

  it('inside a block: false; the file is reopened under the caller\'s lease, its last kept block UNDER_RECOVERY with a new recovery id; the primary\'s BlockRecoveryCommand carries the truncate block; commitBlockSynchronization closes the file at the new length', async () => {
    const f = await closedFile('/tmp/f', [MiB, MiB, 500]);
    const [b0, b1, b2] = f.blocks;
    const oldStamp = b1!.generationStamp;
    const stampBefore = t.ns.fsd.generationStamp;
    expect(await truncate('/tmp/f', MiB + 100)).to.equal(false);
    expect(f.blocks).to.deep.equal([b0, b1]);
    expect([f.uc, b1!.state, b1!.recoveryId, b1!.truncateLength, b1!.generationStamp, t.ns.fsd.generationStamp]).to.deep.equal([
      { clientName: TRUNCATER, clientMachine: '127.0.0.1' }, 'UNDER_RECOVERY', stampBefore + 1, 100, oldStamp, stampBefore + 1,
    ]);
    expect(t.ns.leases.get(TRUNCATER)?.files.has(f.id), 'the caller holds the lease').to.equal(true);
    // as Hadoop: the block keeps its length until the recovery commits, so the length counts all of it
    expect(t.ns.getFileInfo('/tmp/f', alice)!.length).to.equal(2 * MiB);

    const cmds = heartbeat();
    expect(invalidated(cmds)).to.deep.equal([b2!.blockId]);
    const [rb, ...more] = recoveries(cmds);
    expect(more).to.deep.equal([]);
    expect(rb!.newGenStamp).to.equal(stampBefore + 1);
    expect(rb!.block.b).to.deep.include({ blockId: b1!.blockId, generationStamp: oldStamp, numBytes: MiB });
    expect(rb!.truncateBlock).to.deep.equal({ blockId: b1!.blockId, genStamp: stampBefore + 1, numBytes: 100 });
    expect(rb!.block.locs!.map((l) => l.id.datanodeUuid)).to.deep.equal(['dn-1']);

    // the same truncate again waits with it; another length is refused; appending must wait
    expect(await truncate('/tmp/f', MiB + 100, alice, 'DFSClient_other')).to.equal(false);
    await refused(truncate('/tmp/f', MiB + 50, alice, 'DFSClient_other'), HadoopException.ALREADY_BEING_CREATED,
      'Failed to TRUNCATE_FILE /tmp/f for DFSClient_other on 127.0.0.1 because /tmp/f is being truncated.');
    await refused(t.writes.append({ src: '/tmp/f', clientName: 'DFSClient_other' }, alice), HadoopException.RECOVERY_IN_PROGRESS,
      /because another recovery is in progress by DFSClient_truncater on 127\.0\.0\.1$/);

    await commit(rb!);
    expect([f.uc, b1!.state, b1!.numBytes, b1!.generationStamp, b1!.truncateLength, f.length()]).to.deep.equal([null, 'COMPLETE', 100, stampBefore + 1, null, MiB + 100]);
    expect(t.ns.leases.get(TRUNCATER)).to.equal(undefined);
    expect(t.ns.getFileInfo('/tmp/f', alice)!.length).to.equal(MiB + 100);

    t = await t.restart();
    const again = fileAt('/tmp/f');
    expect([again.uc, again.length(), again.lastBlock!.generationStamp]).to.deep.equal([null, MiB + 100, stampBefore + 1]);
  });

  it('a restart while the block is being cut (journal, then snapshot) keeps the file open with its truncate length; recoverLease then recovers it to that length', async () => {
    const f = await closedFile('/tmp/f', [MiB, 700]);
    const blockId = f.lastBlock!.blockId;
    const oldStamp = f.lastBlock!.generationStamp;
    expect(await truncate('/tmp/f', MiB + 200)).to.equal(false);
    for (const snapshot of [false, true]) {
      if (snapshot) await t.ns.store.compact(t.ns.fsd);
      t = await t.restart();
      const again = fileAt('/tmp/f');
      expect([again.uc?.clientName, again.lastBlock!.state, again.lastBlock!.truncateLength, again.lastBlock!.numBytes, again.length()], snapshot ? 'from the snapshot' : 'from the journal')
        .to.deep.equal([TRUNCATER, 'UNDER_CONSTRUCTION', 200, 700, MiB + 700]);
      expect(t.ns.leases.get(TRUNCATER)?.files.has(again.id)).to.equal(true);
    }
    // the DataNode comes back and reports its finalized replica (still the old length and stamp)
    const dn = datanode(t.ns, 'dn-1');
    t.ns.blocks.processReport(dn, 'DS-dn-1', 'DISK', [
      { blockId: fileAt('/tmp/f').blocks[0]!.blockId, numBytes: MiB, generationStamp: fileAt('/tmp/f').blocks[0]!.generationStamp, state: 'FINALIZED' },
      { blockId, numBytes: 700, generationStamp: oldStamp, state: 'FINALIZED' },
    ]);
    expect(await t.writes.recoverLease('/tmp/f', 'DFSClient_recoverer', alice)).to.equal(false);
    const [rb] = recoveries(heartbeat());
    expect(rb!.truncateBlock).to.deep.equal({ blockId, genStamp: rb!.newGenStamp, numBytes: 200 });
    await commit(rb!);
    expect([fileAt('/tmp/f').uc, fileAt('/tmp/f').length()]).to.deep.equal([null, MiB + 200]);
  });

  it('audit lines: cmd truncate with the file\'s status; a permission refusal as allowed=false', async () => {
    await closedFile('/tmp/f', [MiB, 100]);
    const lines = await auditLines(async () => {
      await truncate('/tmp/f', MiB);
      await truncate('/tmp/f', 5, bob).catch(() => undefined);
      await truncate('/tmp/f', MiB + 5).catch(() => undefined); // larger: no audit line, as Hadoop
    });
    expect(lines.map((l) => l['line'])).to.deep.equal([
      'allowed=true\tugi=alice@EXAMPLE.COM (auth:KERBEROS)\tip=/127.0.0.1\tcmd=truncate\tsrc=/tmp/f\tdst=null\tperm=alice:supergroup:rw-r--r--\tproto=rpc',
      'allowed=false\tugi=bob@EXAMPLE.COM (auth:KERBEROS)\tip=/127.0.0.2\tcmd=truncate\tsrc=/tmp/f\tdst=null\tperm=null\tproto=rpc',
    ]);
  });
});
