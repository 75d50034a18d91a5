// Directory quotas on the namesystem without RPC (a real journal store, a ManualClock), as Hadoop
// 3.4.1's FSNamesystem.setQuota / FSDirAttrOp.unprotectedSetQuota, DirectoryWithQuotaFeature and
// FSDirectory.verifyQuota: the refusals of setQuota, NSQuotaExceededException on mkdirs / create /
// rename, DSQuotaExceededException on addBlock / setReplication / append, the counts through
// complete, abandonBlock, delete and truncate, getQuotaUsage, and quotas surviving a restart.
import { expect } from 'chai';
import { ContentSummaries } from '../../../cluster/namenode/content-summary.ts';
import { HadoopException } from '../../../cluster/namenode/namespace/fs-errors.ts';
import { fileSpace, isViolated, QUOTA_DONT_SET, QUOTA_RESET } from '../../../cluster/namenode/namespace/quota.ts';
import type { INodeDirectory, INodeFile } from '../../../cluster/namenode/namespace/inode.ts';
import { QuotaOps, quotaCommand } from '../../../cluster/namenode/quota-ops.ts';
import { CLIENT_PROTOCOL_CODEC, CreateFlag, type ClientProtocolMessages } from '../../../cluster/protocol/client-protocol.ts';

const MiB_BIG = 1048576n;
import { alice, datanode, hdfsUser, MiB, namesystem, writeFile, type TestNamesystem } from '../../support/namesystem.ts';
import { refused } from '../../support/expect-code.ts';

const NS = HadoopException.NS_QUOTA_EXCEEDED;
const DS = HadoopException.DS_QUOTA_EXCEEDED;

describe('namenode/quota: setQuota, DirectoryWithQuotaFeature counts and FSDirectory.verifyQuota', () => {
  let t: TestNamesystem;
  let quotas: QuotaOps;
  let summaries: ContentSummaries;
  beforeEach(async () => {
    t = await namesystem();
    datanode(t.ns, 'dn-1');
    quotas = new QuotaOps(t.ns);
    summaries = new ContentSummaries(t.ns);
    await t.ns.mkdirs('/q', { perm: 0o777 }, true, hdfsUser);
  });
  afterEach(() => t.ns.store.close());

  const dir = (p: string) => t.ns.fsd.resolveExisting(p) as INodeDirectory;
  const setQuota = (p: string, nsq: bigint, ssq: bigint) => quotas.setQuota(p, nsq, ssq, undefined, hdfsUser);
  const mkdir = (p: string) => t.ns.mkdirs(p, { perm: 0o755 }, true, alice);
  const create = (p: string, client = `DFSClient_${p}`, replication = 1) =>
    t.writes.create({ src: p, masked: { perm: 0o644 }, clientName: client, createFlag: CreateFlag.CREATE, createParent: true, replication, blockSize: MiB }, alice);

  it('Quota.isViolated and the audit command names (getQuotaCommand)', () => {
    expect(isViolated(3n, 3, 1)).to.equal(true);
    expect(isViolated(3n, 2, 1)).to.equal(false);
    expect(isViolated(3n, 5, 0)).to.equal(false); // nothing grows
    expect(isViolated(-1n, 1e15, 1)).to.equal(false);
    expect(isViolated(QUOTA_DONT_SET, Number.MAX_SAFE_INTEGER, 1)).to.equal(false);
    expect(quotaCommand(QUOTA_RESET, QUOTA_DONT_SET)).to.equal('clearQuota');
    expect(quotaCommand(QUOTA_DONT_SET, QUOTA_RESET)).to.equal('clearSpaceQuota');
    expect(quotaCommand(5n, QUOTA_DONT_SET)).to.equal('setQuota');
    expect(quotaCommand(QUOTA_DONT_SET, 5n)).to.equal('setSpaceQuota');
  });

  it('setQuota refusals in Hadoop\'s order and words', async () => {
    await writeFile(t, '/q/f', 10);
    await refused(quotas.setQuota('/q', 5n, QUOTA_DONT_SET, undefined, alice), HadoopException.ACCESS_CONTROL, 'Access denied for user alice. Superuser privilege is required');
    await refused(setQuota('/q', -2n, QUOTA_DONT_SET), HadoopException.JAVA_ILLEGAL_ARGUMENT, 'Illegal value for nsQuota or ssQuota : -2 and 9223372036854775807');
    await refused(quotas.setQuota('/q', 3n, 10n, 'SSD', hdfsUser), HadoopException.UNSUPPORTED_ACTION,
      'Failed to set quota by storage type because eitherdfs.quota.by.storage.type.enabled is set to true or nsQuota value is illegal 3');
    await refused(quotas.setQuota('/q', QUOTA_DONT_SET, 10n, 'SSD', hdfsUser), HadoopException.UNSUPPORTED_ACTION);
    await refused(setQuota('/nope', 5n, QUOTA_DONT_SET), HadoopException.FILE_NOT_FOUND, 'Directory does not exist: /nope');
    await refused(setQuota('/q/f', 5n, QUOTA_DONT_SET), HadoopException.PATH_IS_NOT_DIRECTORY, '`/q/f\': Is not a directory');
    await t.ns.enterSafeMode();
    await refused(setQuota('/q', 5n, QUOTA_DONT_SET), HadoopException.SAFE_MODE);
    await t.ns.leaveSafeMode(false);
    expect(dir('/q').quota).to.equal(null);
  });

  it('clearing the root\'s namespace quota puts it back to Long.MAX_VALUE (FSDirAttrOp.unprotectedSetQuota), not a refusal', async () => {
    await setQuota('/', QUOTA_RESET, QUOTA_DONT_SET); // nothing to change: no error, no journal entry
    expect(t.ns.fsd.root.quota).to.deep.include({ nsQuota: QUOTA_DONT_SET, ssQuota: QUOTA_RESET });
    await setQuota('/', 100n, 5000n);
    expect(t.ns.fsd.root.quota).to.deep.include({ nsQuota: 100n, ssQuota: 5000n });
    await setQuota('/', QUOTA_RESET, QUOTA_DONT_SET);
    expect(t.ns.fsd.root.quota).to.deep.include({ nsQuota: QUOTA_DONT_SET, ssQuota: 5000n });
    t = await t.restart();
    expect(t.ns.fsd.root.quota).to.deep.include({ nsQuota: QUOTA_DONT_SET, ssQuota: 5000n });
  });

  it('a namespace quota counts the directory itself: mkdirs and create past it are NSQuotaExceededException; mkdirs keeps the parents it made', async () => {
    await setQuota('/q', 3n, QUOTA_DONT_SET);
    expect(dir('/q').quota).to.deep.include({ nsQuota: 3n, ssQuota: -1n, namespace: 1, storagespace: 0 });
    await mkdir('/q/a');
    await create('/q/f');
    await refused(mkdir('/q/b'), NS, 'The NameSpace quota (directories and files) of directory /q is exceeded: quota=3 file count=4');
    await refused(create('/q/g'), NS, 'The NameSpace quota (directories and files) of directory /q is exceeded: quota=3 file count=4');
    expect(t.ns.fsd.resolveExisting('/q/b')).to.equal(undefined);
    // QUOTA_DONT_SET keeps the namespace quota; the deepest quota directory is named first
    await setQuota('/q', 6n, QUOTA_DONT_SET);
    await refused(mkdir('/q/a/x/y/z/w'), NS, 'The NameSpace quota (directories and files) of directory /q is exceeded: quota=6 file count=7');
    expect(t.ns.fsd.resolveExisting('/q/a/x/y/z')).to.not.equal(undefined); // x, y and z were made and stay
    expect(dir('/q').quota!.namespace).to.equal(6);
    await t.ns.delete('/q/a/x', true, alice);
    expect(dir('/q').quota!.namespace).to.equal(3);
    // clearing removes the feature; the root's namespace quota cannot be cleared, only set
    await setQuota('/q', QUOTA_RESET, QUOTA_DONT_SET);
    expect(dir('/q').quota).to.equal(null);
    await mkdir('/q/b');
  });

  it('space: addBlock charges a whole preferred block x replication, complete corrects it to the length; DSQuotaExceededException names the directory', async () => {
    await setQuota('/q', QUOTA_DONT_SET, 3n * BigInt(MiB));
    const st = await create('/q/f', 'c1', 2);
    const lb = await t.writes.addBlock({ src: '/q/f', clientName: 'c1', fileId: st.fileId }, alice);
    expect(dir('/q').quota!.storagespace).to.equal(2 * MiB);
    await refused(t.writes.addBlock({ src: '/q/g', clientName: 'c2', fileId: (await create('/q/g', 'c2', 2)).fileId }, alice), DS,
      'The DiskSpace quota of /q is exceeded: quota = 3145728 B = 3 MB but diskspace consumed = 4194304 B = 4 MB');
    t.ns.blocks.processIncremental(t.ns.datanodes.get('dn-1')!, 'DS-dn-1', 'DISK', [{ block: { blockId: lb.b.blockId, genStamp: lb.b.generationStamp, numBytes: 100 }, status: 'RECEIVED' }]);
    expect(await t.writes.complete('/q/f', 'c1', { ...lb.b, numBytes: 100 }, st.fileId)).to.equal(true);
    expect(dir('/q').quota!.storagespace).to.equal(200);
    // a higher replication must fit too (setReplication); a lower one always does
    await setQuota('/q', QUOTA_DONT_SET, 250n);
    await refused(t.attributes.setReplication('/q/f', 3, alice), DS, 'The DiskSpace quota of /q is exceeded: quota = 250 B = 250 B but diskspace consumed = 300 B = 300 B');
    expect(await t.attributes.setReplication('/q/f', 1, alice)).to.equal(true);
    expect(dir('/q').quota!.storagespace).to.equal(100);
    // append may grow the last block to a whole preferred block
    await refused(t.writes.append({ src: '/q/f', clientName: 'c3' }, alice), DS);
  });

  it('setReplication checks the quota with computeFileSize(true, true): a committed block before the last counts its length', async () => {
    const st = await create('/q/f', 'c1', 2);
    const b1 = await t.writes.addBlock({ src: '/q/f', clientName: 'c1', fileId: st.fileId }, alice);
    await t.writes.addBlock({ src: '/q/f', clientName: 'c1', fileId: st.fileId, previous: { ...b1.b, numBytes: 100 } }, alice);
    expect(t.ns.fsd.block(b1.b.blockId)!.state).to.equal('COMMITTED');
    // charged: 2 x (MiB + MiB); one more replica needs 100 + MiB (b1's length, the last block whole)
    await setQuota('/q', QUOTA_DONT_SET, BigInt(4 * MiB + 100 + MiB));
    expect(await t.attributes.setReplication('/q/f', 3, alice)).to.equal(true);
    await setQuota('/q', QUOTA_DONT_SET, BigInt(6 * MiB + 100 + MiB - 1));
    await refused(t.attributes.setReplication('/q/f', 4, alice), DS);
  });

  it('a committed block not yet complete stays charged as a whole preferred block until it completes (storagespaceConsumedContiguous, updateSpaceForCompleteBlock)', async () => {
    await setQuota('/q', QUOTA_DONT_SET, 200n * BigInt(MiB));
    const st = await create('/q/f', 'c1', 2);
    const b1 = await t.writes.addBlock({ src: '/q/f', clientName: 'c1', fileId: st.fileId }, alice);
    // no replica reported yet: the next addBlock commits b1 (100 bytes) but cannot complete it
    const b2 = await t.writes.addBlock({ src: '/q/f', clientName: 'c1', fileId: st.fileId, previous: { ...b1.b, numBytes: 100 } }, alice);
    expect(t.ns.fsd.block(b1.b.blockId)!.state).to.equal('COMMITTED');
    expect(dir('/q').quota!.storagespace, 'both blocks as whole preferred blocks').to.equal(2 * 2 * MiB);
    expect(summaries.getQuotaUsage('/q', alice)).to.deep.include({ spaceConsumed: 2 * 2 * MiB });
    t.ns.blocks.processIncremental(t.ns.datanodes.get('dn-1')!, 'DS-dn-1', 'DISK', [{ block: { blockId: b1.b.blockId, genStamp: b1.b.generationStamp, numBytes: 100 }, status: 'RECEIVED' }]);
    expect(t.ns.fsd.block(b1.b.blockId)!.complete).to.equal(true);
    expect(dir('/q').quota!.storagespace, 'b1 corrected to its length once complete').to.equal(2 * 100 + 2 * MiB);
    expect(b2.b.blockId).to.equal(b1.b.blockId + 1);
  });

  it('abandonBlock and delete give the space back; the root counts everything', async () => {
    await setQuota('/q', 10n, 200n * BigInt(MiB));
    const st = await create('/q/f', 'c1');
    const lb = await t.writes.addBlock({ src: '/q/f', clientName: 'c1', fileId: st.fileId }, alice);
    expect(dir('/q').quota).to.deep.include({ namespace: 2, storagespace: MiB });
    await t.writes.abandonBlock(lb.b, '/q/f', 'c1', st.fileId);
    expect(dir('/q').quota).to.deep.include({ namespace: 2, storagespace: 0 });
    await writeFile(t, '/q/g', 5000);
    expect(fileSpace(t.ns.fsd.resolveExisting('/q/g') as INodeFile)).to.equal(5000);
    const usage = summaries.getQuotaUsage('/q', alice);
    expect(usage).to.deep.include({ fileAndDirectoryCount: 3, quota: 10, spaceConsumed: 5000, spaceQuota: 200 * MiB });
    expect(summaries.getContentSummary('/q', alice)).to.deep.include({ quota: 10, spaceQuota: 200 * MiB, spaceConsumed: 5000 });
    expect(summaries.getQuotaUsage('/', alice)).to.deep.include({ fileAndDirectoryCount: 4, quota: QUOTA_DONT_SET, spaceQuota: -1, spaceConsumed: 5000 });
    await t.ns.delete('/q/g', false, alice);
    expect(dir('/q').quota).to.deep.include({ namespace: 2, storagespace: 0 });
    expect(t.ns.fsd.root.quota).to.deep.include({ namespace: 3, storagespace: 0 });
  });

  it('rename: verifyQuotaForRename counts the moved subtree against the destination\'s quotas up to the common ancestor', async () => {
    await t.ns.mkdirs('/src', { perm: 0o777 }, true, hdfsUser);
    await mkdir('/src/a/b');
    await writeFile(t, '/src/a/f', 10);
    await setQuota('/q', 3n, QUOTA_DONT_SET);
    await refused(t.ns.rename('/src/a', '/q/a', alice), NS, 'The NameSpace quota (directories and files) of directory /q is exceeded: quota=3 file count=4');
    await refused(t.ns.rename2('/src/a', '/q/a', false, alice), NS);
    expect(t.ns.fsd.resolveExisting('/src/a')).to.not.equal(undefined);
    // within the quota directory nothing changes above the common ancestor
    await t.ns.mkdirs('/q/x', { perm: 0o777 }, true, hdfsUser);
    await t.ns.mkdirs('/q/y', { perm: 0o777 }, true, hdfsUser);
    await t.ns.rename2('/q/x', '/q/y/x', false, alice);
    await setQuota('/q', 10n, QUOTA_DONT_SET);
    expect(await t.ns.rename('/src/a', '/q/a', alice)).to.equal(true);
    expect(dir('/q').quota).to.deep.include({ namespace: 6, storagespace: 10 }); // /q, y, y/x, a, a/b, a/f
  });

  it('truncate in a block counts the block as a whole preferred block until recovered', async () => {
    await writeFile(t, '/q/f', 3000);
    await setQuota('/q', QUOTA_DONT_SET, 4096n);
    await refused(t.writes.truncate('/q/f', 1000, 'DFSClient_t', alice), DS);
    await setQuota('/q', QUOTA_DONT_SET, 200n * BigInt(MiB));
    expect(await t.writes.truncate('/q/f', 1000, 'DFSClient_t', alice)).to.equal(false);
    expect(dir('/q').quota!.storagespace).to.equal(128 * MiB); // writeFile's preferred block size, replication 1
  });

  it('quotas past 2^53 reach a client exactly (getContentSummary / getQuotaUsage over the wire: bigints, never rounded or refused)', async () => {
    await setQuota('/q', (1n << 60n) + 1n, (1n << 62n) + 3n);
    const wire = <M extends 'getContentSummary' | 'getQuotaUsage'>(m: M, r: ClientProtocolMessages[M]['response']) =>
      CLIENT_PROTOCOL_CODEC.decodeResponse(m, CLIENT_PROTOCOL_CODEC.encodeResponse(m, r));
    const cs = wire('getContentSummary', { summary: summaries.getContentSummary('/q', alice) }).summary;
    const qu = wire('getQuotaUsage', { usage: summaries.getQuotaUsage('/q', alice) }).usage;
    for (const q of [cs, qu]) expect([q.quota, q.spaceQuota]).to.deep.equal([1152921504606846977n, 4611686018427387907n]);
    // and small ones stay numbers
    await setQuota('/q', 10n, 3n * MiB_BIG);
    expect(wire('getQuotaUsage', { usage: summaries.getQuotaUsage('/q', alice) }).usage.spaceQuota).to.equal(3 * MiB);
  });

  it('quotas survive a restart (journal and snapshot); the counts are recomputed on load', async () => {
    await setQuota('/q', 5n, 700n * BigInt(MiB));
    await setQuota('/', 100n, QUOTA_DONT_SET);
    await writeFile(t, '/q/f', 1234);
    await mkdir('/q/d');
    t = await t.restart();
    expect(dir('/q').quota).to.deep.equal({ nsQuota: 5n, ssQuota: 700n * BigInt(MiB), namespace: 3, storagespace: 1234 });
    expect(t.ns.fsd.root.quota).to.deep.include({ nsQuota: 100n, ssQuota: -1n });
    await t.ns.enterSafeMode();
    await t.ns.saveNamespace(0, 0);
    await t.ns.leaveSafeMode(false);
    t = await t.restart();
    expect(dir('/q').quota).to.deep.equal({ nsQuota: 5n, ssQuota: 700n * BigInt(MiB), namespace: 3, storagespace: 1234 });
    expect(t.ns.fsd.root.quota).to.deep.include({ nsQuota: 100n, namespace: 4 });
  });
});
