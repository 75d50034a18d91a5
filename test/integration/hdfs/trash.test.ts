/**
 * The trash end to end: `hsec fs -rm` and `-expunge` as alice against the hsec NameNode and DataNode
 * secured with Kerberos (MIT KDC, RPC privacy, block tokens), with alice's ticket cache from MIT
 * kinit; HdfsClient.moveToTrash; and the NameNode's trash emptier with the server's
 * fs.trash.interval overriding the client's (Trash.moveToAppropriateTrash).
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { checkpointTime } from '../../../cluster/client/trash.ts';
import type { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import { startSecureHdfs, type SecureHdfs } from '../../../cluster/mini/secure-hdfs.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { fsShellUser, type FsShellUser } from '../../support/fs-shell.ts';

const names = async (c: HdfsClient, dir: string) => (await c.list(dir)).map((s) => s.path.slice(s.path.lastIndexOf('/') + 1));

describe('hdfs: the trash of hsec fs -rm and -expunge (client fs.trash.interval) through the hsec NameNode and DataNode (MIT KDC)', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  let dir: string;
  let hdfs: SecureHdfs;
  let alice: HdfsClient;
  /** `hsec fs` as alice and as bob, with fs.trash.interval=1440 in their core-site.xml (the NameNode's is 0). */
  const shells: Record<string, FsShellUser> = {};
  const fs = (...args: string[]) => shells['alice']!.fs(...args);
  const fsAs = (user: string, ...args: string[]) => shells[user]!.fs(...args);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-trash-'));
    hdfs = await startSecureHdfs(realm.kdc, dir, { conf: { 'dfs.data.transfer.protection': 'authentication' } });
    alice = await hdfs.client('alice');
    for (const user of ['alice', 'bob']) shells[user] = await fsShellUser(hdfs, user, { extraConf: { 'fs.trash.interval': '1440' } });
  });
  after(async () => {
    await hdfs?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await alice.delete('t', { recursive: true });
    await alice.delete('.Trash', { recursive: true });
    await alice.mkdir('t/d');
    await alice.writeFile('t/f', 'F\n');
    await alice.writeFile('t/d/g', 'G\n');
  });

  it('-rm moves a file to .Trash/Current under its path (0700), prints Hadoop\'s "Moved:" line on stderr and no "Deleted"; a taken name gets the time appended', async () => {
    const uri = hdfs.conf.get('fs.defaultFS')!.replace(/\/$/, '');
    const r = await fs('-rm', 't/f');
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.equal('');
    expect(r.err).to.equal(`Moved: '${uri}/user/alice/t/f' to trash at: ${uri}/user/alice/.Trash/Current/user/alice/t/f\n`);
    expect(await alice.exists('t/f')).to.equal(false);
    expect((await alice.readFile('.Trash/Current/user/alice/t/f')).toString()).to.equal('F\n');
    for (const d of ['.Trash', '.Trash/Current', '.Trash/Current/user/alice/t']) expect((await alice.stat(d)).permission & 0o777, d).to.equal(0o700);
    await alice.writeFile('t/f', 'F2\n');
    expect((await fs('-rm', 't/f')).code).to.equal(0);
    const taken = (await names(alice, '.Trash/Current/user/alice/t')).filter((n) => n !== 'f');
    expect(taken).to.have.length(1);
    expect(taken[0]).to.match(/^f\d{13}$/);
    expect((await alice.readFile(`.Trash/Current/user/alice/t/${taken[0]}`)).toString()).to.equal('F2\n');
  });

  it('-rm -r moves a directory; -skipTrash deletes at once; a path already in the trash is deleted; the home directory is refused (it contains the trash)', async () => {
    expect((await fs('-rm', 't/d')).err).to.equal('rm: `t/d\': Is a directory\n');
    expect((await fs('-rm', '-r', 't/d')).code).to.equal(0);
    expect((await alice.readFile('.Trash/Current/user/alice/t/d/g')).toString()).to.equal('G\n');
    const skip = await fs('-rm', '-skipTrash', 't/f');
    expect([skip.code, skip.out, skip.err]).to.deep.equal([0, 'Deleted t/f\n', '']);
    expect(await alice.exists('.Trash/Current/user/alice/t/f')).to.equal(false);
    const inTrash = await fs('-rm', '-r', '.Trash/Current/user/alice/t/d');
    expect([inTrash.code, inTrash.out]).to.deep.equal([0, 'Deleted .Trash/Current/user/alice/t/d\n']);
    const home = await fs('-rm', '-r', '/user/alice');
    expect(home.code).to.equal(1);
    expect(home.err).to.equal('rm: Cannot move "/user/alice" to the trash, as it contains the trash. Consider using -skipTrash option\n');
    expect(await alice.exists('t')).to.equal(true);
  });

  it('moving to trash needs delete permission on the whole subtree (rename2 TO_TRASH): refused with the NameNode\'s reason and the -skipTrash hint, nothing moved', async () => {
    const su = await hdfs.admin();
    await su.mkdir('/shared', { permission: 0o777 });
    await su.chmod('/shared', 0o777);
    await alice.mkdir('/shared/d/locked');
    await alice.chmod('/shared/d', 0o777);
    await alice.writeFile('/shared/d/locked/f', 'L');
    await alice.chmod('/shared/d/locked', 0o555);
    const r = await fsAs('bob', '-rm', '-r', '/shared/d');
    expect(r.code).to.equal(1);
    expect(r.err).to.match(/^rm: Failed to move hdfs:\/\/[^ ]+\/shared\/d to trash hdfs:\/\/[^ ]+\/user\/bob\/\.Trash\/Current\/shared\/d: Permission denied: user=bob, access=ALL, inode="\/shared\/d\/locked".*\. Consider using -skipTrash option\n$/);
    expect((await alice.readFile('/shared/d/locked/f')).toString()).to.equal('L');
  });

  it('-expunge deletes checkpoints older than fs.trash.interval and checkpoints Current; -expunge -immediate empties the trash', async () => {
    await fs('-rm', 't/f');
    await alice.mkdir('.Trash/200101000000'); // a checkpoint of 2020: older than 1440 minutes
    const before = Date.now();
    const r = await fs('-expunge');
    expect(r.code, r.err).to.equal(0);
    const entries = await names(alice, '.Trash');
    expect(entries).to.have.length(1);
    const made = checkpointTime(entries[0]!)!;
    expect(made).to.be.within(Math.floor(before / 1000) * 1000 - 1000, Date.now());
    expect((await alice.readFile(`.Trash/${entries[0]}/user/alice/t/f`)).toString()).to.equal('F\n');
    expect(r.err).to.contain('Deleted trash checkpoint: /user/alice/.Trash/200101000000\n');
    expect(r.err).to.contain(`Created trash checkpoint: /user/alice/.Trash/${entries[0]}\n`);
    await fs('-rm', '-r', 't/d');
    expect((await fs('-expunge', '-immediate')).code).to.equal(0);
    expect(await names(alice, '.Trash')).to.deep.equal([]);
    const usage = await fs('-expunge', 'x').then(() => undefined, (e: Error) => e);
    expect(usage?.message).to.equal('-expunge: Too many arguments: expected 0 but got 1');
  });

  it('-rm -r -skipTrash -safely asks before deleting more than hadoop.shell.delete.limit.num.files files: no (or the end of input) keeps them, yes deletes', async () => {
    const few = await fsShellUser(hdfs, 'alice', { confName: 'conf-safely', extraConf: { 'hadoop.shell.delete.limit.num.files': '2' } });
    await alice.writeFile('t/d/h', 'H');
    await alice.writeFile('t/d/i', 'I');
    const no = await few.fsWithStdin(Readable.from(['maybe\n', 'n\n']), '-rm', '-r', '-skipTrash', '-safely', 't/d');
    expect([no.code, no.out]).to.deep.equal([0, '']);
    expect(no.err).to.equal('Proceed deleting 3 files? (Y or N) Invalid input: maybe\nProceed deleting 3 files? (Y or N) Delete aborted at user request.\n\n');
    expect((await few.fsWithStdin(Readable.from([]), '-rm', '-r', '-safely', '-skipTrash', 't/d')).err).to.contain('Delete aborted at user request.');
    expect(await alice.exists('t/d/g')).to.equal(true);
    const yes = await few.fsWithStdin(Readable.from(['Y\n']), '-rm', '-r', '-skipTrash', '-safely', 't/d');
    expect([yes.code, yes.out, yes.err]).to.deep.equal([0, 'Deleted t/d\n', 'Proceed deleting 3 files? (Y or N) ']);
    // a directory within the limit is deleted without a question
    await alice.mkdir('t/e');
    await alice.writeFile('t/e/x', 'X');
    expect(await few.fsWithStdin(Readable.from([]), '-rm', '-r', '-skipTrash', '-safely', 't/e')).to.deep.include({ code: 0, out: 'Deleted t/e\n', err: '' });
  });

  it('HdfsClient.moveToTrash: where the path went; undefined with fs.trash.interval 0 on both sides', async () => {
    const withTrash = await hdfs.client('alice', { 'fs.trash.interval': '1440' });
    expect(await withTrash.moveToTrash('t/f')).to.equal('/user/alice/.Trash/Current/user/alice/t/f');
    expect(await alice.moveToTrash('t/d')).to.equal(undefined); // the cluster's conf: 0
    expect(await alice.exists('t/d')).to.equal(true);
  });
});

describe('hdfs: the NameNode\'s trash emptier and its fs.trash.interval (hsec NameNode, MIT KDC)', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  let dir: string;
  let hdfs: SecureHdfs;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-emptier-'));
    // a checkpoint every 1.2 s (fs.trash.checkpoint.interval in minutes, a float as TrashPolicyDefault reads it)
    hdfs = await startSecureHdfs(realm.kdc, dir, { conf: { 'dfs.data.transfer.protection': 'authentication', 'fs.trash.interval': '1', 'fs.trash.checkpoint.interval': '0.02' } });
  });
  after(async () => {
    await hdfs?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the server\'s interval wins over a client\'s 0; the emptier checkpoints Current and deletes an old checkpoint on its own', async () => {
    const alice = await hdfs.client('alice', { 'fs.trash.interval': '0' });
    await alice.writeFile('f', 'F');
    expect(await alice.moveToTrash('f')).to.equal('/user/alice/.Trash/Current/user/alice/f');
    await alice.mkdir('.Trash/200101000000');
    const deadline = Date.now() + 20_000;
    let entries: string[] = [];
    while (Date.now() < deadline) {
      entries = await names(alice, '.Trash');
      if (!entries.includes('Current') && !entries.includes('200101000000') && entries.length > 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(entries).to.not.include('Current');
    expect(entries).to.not.include('200101000000');
    const checkpoint = entries.find((n) => checkpointTime(n) !== undefined);
    expect(checkpoint, entries.join(',')).to.match(/^\d{12}/);
    expect((await alice.readFile(`.Trash/${checkpoint}/user/alice/f`)).toString()).to.equal('F');
  });
});
