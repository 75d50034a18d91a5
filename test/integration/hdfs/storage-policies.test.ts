/**
 * Block storage policies end to end over a real MIT KDC with the hsec NameNode and a DataNode
 * (Kerberos RPC, block tokens): `hsec storagepolicies -listPolicies / -setStoragePolicy /
 * -getStoragePolicy / -unsetStoragePolicy / -satisfyStoragePolicy` with StoragePolicyAdmin's lines
 * and exit codes; the policy a path's status and getStoragePolicy carry (its own or the nearest
 * ancestor's); files under a policy still read, new blocks placed on DISK where the policy falls
 * back to it and refused under COLD (no ARCHIVE storage; nothing moves); refusals
 * over the wire with Hadoop's exception class and text; the directory's system xattr hidden from
 * listXAttrs; and the policies after a NameNode restart.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import { startSecureHdfs, type SecureHdfs } from '../../../cluster/mini/secure-hdfs.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { dfsadminShell, type DfsadminShell } from '../../support/dfsadmin-shell.ts';

const BLOCK = 4096;
const SMALL_BLOCKS = { 'dfs.blocksize': String(BLOCK), 'dfs.namenode.fs-limits.min-block-size': '1024', 'dfs.data.transfer.protection': 'authentication', 'dfs.replication': '1' };
const COLD = 'BlockStoragePolicy{COLD:2, storageTypes=[ARCHIVE], creationFallbacks=[], replicationFallbacks=[]}';
const ONE_SSD = 'BlockStoragePolicy{ONE_SSD:10, storageTypes=[SSD, DISK], creationFallbacks=[SSD, DISK], replicationFallbacks=[SSD, DISK]}';

type RemoteError = Error & { details?: Record<string, unknown> };
const refusal = (p: Promise<unknown>) => p.then(() => undefined, (e: RemoteError) => ({ cls: e.details?.['exceptionClassName'], msg: String(e.details?.['errorMsg'] ?? e.message).split('\n')[0] }));

describe('hdfs: storage policies (MIT KDC, hsec NameNode and DataNode, hsec storagepolicies)', function () {
  this.timeout(180_000);
  const realm = useMiniKdc();
  let dir: string;
  let hdfs: SecureHdfs;
  let fs: HdfsClient;
  let shell: DfsadminShell;

  const sp = (user: string, ...args: string[]) => shell.storagepolicies(user, ...args);
  const get = async (path: string) => (await sp('alice', '-getStoragePolicy', '-path', path)).out;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-storage-policies-'));
    hdfs = await startSecureHdfs(realm.kdc, dir, { conf: SMALL_BLOCKS });
    fs = await hdfs.client('alice');
    shell = await dfsadminShell(realm.kdc, hdfs, dir, undefined, 'conf-sp');
    await fs.mkdir('/user/alice/sp/sub');
    await fs.writeFile('/user/alice/sp/sub/f', Buffer.alloc(BLOCK + 10, 7));
    await fs.writeFile('/user/alice/sp/sub/g', Buffer.alloc(BLOCK * 2 + 1, 3));
    await fs.writeFile('/user/alice/sp/sub/h', 'x');
  });
  after(async () => {
    await hdfs?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('-listPolicies prints the suite; an unset path is "unspecified" while getStoragePolicy answers the default HOT', async () => {
    const list = await sp('alice', '-listPolicies');
    expect([list.code, list.err]).to.deep.equal([0, '']);
    const lines = list.out.split('\n');
    expect(lines[0]).to.equal('Block Storage Policies:');
    expect(lines.slice(1, -1).map((l) => l.replace(/^\tBlockStoragePolicy\{([A-Z_]+):(\d+),.*$/, '$1:$2'))).to.deep.equal(
      ['PROVIDED:1', 'COLD:2', 'WARM:5', 'HOT:7', 'ONE_SSD:10', 'ALL_SSD:12', 'ALL_NVDIMM:14', 'LAZY_PERSIST:15']);
    expect(lines).to.include(`\t${COLD}`);
    expect(await sp('alice', '-getStoragePolicy', '-path', '/user/alice/sp')).to.deep.equal({ code: 0, out: 'The storage policy of /user/alice/sp is unspecified\n', err: '' });
    expect((await fs.getStoragePolicy('/user/alice/sp')).name).to.equal('HOT');
  });

  it('-setStoragePolicy on a directory: its subtree reports it, its files are still read; a file\'s own policy wins; -unsetStoragePolicy', async () => {
    expect(await sp('alice', '-setStoragePolicy', '-path', 'sp', '-policy', 'cold')).to.deep.equal({ code: 0, out: 'Set storage policy cold on sp\n', err: '' });
    expect(await get('/user/alice/sp/sub/f')).to.equal(`The storage policy of /user/alice/sp/sub/f:\n${COLD}\n`);
    expect([(await fs.stat('/user/alice/sp/sub')).storagePolicy, (await fs.getStoragePolicy('/user/alice/sp/sub/f')).name]).to.deep.equal([2, 'COLD']);
    expect((await fs.list('/user/alice/sp/sub')).map((s) => s.storagePolicy)).to.deep.equal([2, 2, 2]);
    expect((await fs.readFile('/user/alice/sp/sub/g')).equals(Buffer.alloc(BLOCK * 2 + 1, 3))).to.equal(true);
    expect((await fs.readFile('/user/alice/sp/sub/f')).length).to.equal(BLOCK + 10);
    expect((await sp('alice', '-setStoragePolicy', '-path', '/user/alice/sp/sub/f', '-policy', 'ONE_SSD')).code).to.equal(0);
    expect(await get('/user/alice/sp/sub/f')).to.equal(`The storage policy of /user/alice/sp/sub/f:\n${ONE_SSD}\n`);
    // the directory's policy is a system xattr: no client lists it, not even the superuser
    expect(await fs.listXAttrs('/user/alice/sp')).to.deep.equal([]);
    expect(await (await hdfs.admin()).listXAttrs('/user/alice/sp')).to.deep.equal([]);
    expect(await sp('alice', '-unsetStoragePolicy', '-path', '/user/alice/sp/sub/h')).to.deep.equal({ code: 0, out: 'Unset storage policy from /user/alice/sp/sub/h\n', err: '' });
    expect(await get('/user/alice/sp/sub/h')).to.equal(`The storage policy of /user/alice/sp/sub/h:\n${COLD}\n`);
  });

  it('new blocks: DISK replicas where the policy falls back to DISK (ONE_SSD, WARM); none under COLD, which has no fallback, as on a stock cluster without ARCHIVE storage', async () => {
    await fs.mkdir('/user/alice/ssd');
    expect((await sp('alice', '-setStoragePolicy', '-path', '/user/alice/ssd', '-policy', 'ONE_SSD')).code).to.equal(0);
    await fs.writeFile('/user/alice/ssd/f', Buffer.alloc(BLOCK + 1, 5));
    expect((await fs.readFile('/user/alice/ssd/f')).equals(Buffer.alloc(BLOCK + 1, 5))).to.equal(true);
    expect((await sp('alice', '-setStoragePolicy', '-path', '/user/alice/ssd', '-policy', 'WARM')).code).to.equal(0);
    await fs.writeFile('/user/alice/ssd/g', 'warm');
    expect((await fs.readFile('/user/alice/ssd/g')).toString()).to.equal('warm');
    const cold = await fs.writeFile('/user/alice/sp/sub/new', Buffer.alloc(10)).then(() => undefined, (e: RemoteError) => e);
    expect(cold, 'a block under COLD is refused').to.be.instanceOf(Error);
    expect(String(cold?.details?.['errorMsg'] ?? cold?.message)).to.contain('File /user/alice/sp/sub/new could only be written to 0 of the 1 minReplication nodes. There are 1 datanode(s) running and no node(s) are excluded in this operation.');
  });

  it('refusals over the wire with Hadoop\'s class and text, and as StoragePolicyAdmin prints them (exit 2)', async () => {
    expect(await refusal(fs.setStoragePolicy('/user/alice/sp', 'FAST'))).to.deep.equal({ cls: 'org.apache.hadoop.HadoopIllegalArgumentException', msg: 'Cannot find a block policy with the name FAST' });
    expect(await sp('alice', '-setStoragePolicy', '-path', '/user/alice/sp', '-policy', 'FAST')).to.deep.equal({ code: 2, out: '', err: 'RemoteException: Cannot find a block policy with the name FAST\n' });
    const denied = await sp('alice', '-setStoragePolicy', '-path', '/', '-policy', 'HOT');
    expect(denied.code).to.equal(2);
    expect(denied.err).to.match(/^AccessControlException: Permission denied: user=alice, access=WRITE, inode="\/":[^:]+:supergroup:drwxr-xr-x\n$/);
    expect(await refusal(fs.unsetStoragePolicy('/user/alice/nope'))).to.deep.equal({ cls: 'java.io.FileNotFoundException', msg: 'File/Directory does not exist: /user/alice/nope' });
    expect(await sp('alice', '-unsetStoragePolicy', '-path', '/user/alice/nope')).to.deep.equal({ code: 2, out: '', err: 'FileNotFoundException: File/Directory does not exist: /user/alice/nope\n' });
    expect(await sp('alice', '-getStoragePolicy', '-path', '/user/alice/nope')).to.deep.equal({ code: 2, out: '', err: 'File/Directory does not exist: /user/alice/nope\n' });
    expect(await refusal(fs.setStoragePolicy('/user/alice/sp/sub/f', 'LAZY_PERSIST'))).to.deep.equal({
      cls: 'org.apache.hadoop.HadoopIllegalArgumentException',
      msg: 'Policy BlockStoragePolicy{LAZY_PERSIST:15, storageTypes=[RAM_DISK, DISK], creationFallbacks=[DISK], replicationFallbacks=[DISK]} cannot be set after file creation.',
    });
    const satisfier = 'Cannot request to satisfy storage policy when storage policy satisfier feature has been disabled by admin. Seek for an admin help to enable it or use Mover tool.';
    expect(await refusal(fs.satisfyStoragePolicy('/user/alice/sp'))).to.deep.equal({ cls: 'org.apache.hadoop.hdfs.protocol.UnsupportedActionException', msg: satisfier });
    expect(await sp('alice', '-satisfyStoragePolicy', '-path', '/user/alice/sp')).to.deep.equal({ code: 2, out: '', err: `RemoteException: ${satisfier}\n` });
    expect((await shell.run('nn', '-safemode', 'enter')).code).to.equal(0);
    try {
      expect(await sp('alice', '-setStoragePolicy', '-path', '/user/alice/sp', '-policy', 'WARM')).to.deep.equal({
        code: 2, out: '', err: 'SafeModeException: Cannot set storage policy for /user/alice/sp. Name node is in safe mode.\n',
      });
      expect(await get('/user/alice/sp')).to.equal(`The storage policy of /user/alice/sp:\n${COLD}\n`);
    } finally {
      expect((await shell.run('nn', '-safemode', 'leave')).code).to.equal(0);
    }
  });

  it('a NameNode restart keeps every policy (a directory\'s xattr, a file\'s own); unset then goes back to the default', async () => {
    await hdfs.restartNameNode();
    expect(await get('/user/alice/sp')).to.equal(`The storage policy of /user/alice/sp:\n${COLD}\n`);
    expect(await get('/user/alice/sp/sub/f')).to.equal(`The storage policy of /user/alice/sp/sub/f:\n${ONE_SSD}\n`);
    expect(await get('/user/alice/sp/sub/h')).to.equal(`The storage policy of /user/alice/sp/sub/h:\n${COLD}\n`);
    expect((await sp('alice', '-unsetStoragePolicy', '-path', '/user/alice/sp')).code).to.equal(0);
    await hdfs.restartNameNode();
    expect(await get('/user/alice/sp/sub/g')).to.equal('The storage policy of /user/alice/sp/sub/g is unspecified\n');
    expect((await fs.getStoragePolicy('/user/alice/sp/sub/f')).name).to.equal('ONE_SSD');
  });
});
