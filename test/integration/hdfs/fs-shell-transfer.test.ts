/**
 * `hsec fs -getmerge`, `-moveFromLocal`, `-moveToLocal`, `-text`, `-p` on the copy commands and
 * `-touch -t` end to end: the hsec NameNode and a DataNode secured with Kerberos (MIT KDC, RPC
 * privacy, block tokens), `hsec fs` run in-process as alice with a ticket cache MIT kinit filled
 * from her keytab, the results read back through HdfsClient and the local file system, with
 * FsShell's messages and exit codes (Hadoop 3.4.1's CopyCommands.Merge, MoveCommands,
 * Display.Text, CommandWithDestination.preserveAttributes, TouchCommands.Touch).
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runFs } from '../../../cluster/cli/commands/fs.ts';
import type { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import { confEntries, startSecureHdfs, type SecureHdfs } from '../../../cluster/mini/secure-hdfs.ts';
import { writeSiteXml } from '../../../cluster/mini/site-xml.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { kinit } from '../../support/krb5-clients.ts';

describe('hdfs: hsec fs -getmerge, -moveFromLocal, -text, -p and -touch -t through the hsec NameNode and DataNode (MIT KDC)', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  let dir: string;
  let hdfs: SecureHdfs;
  let alice: HdfsClient;
  let confDir: string;
  let ccache: string;

  /** `hsec fs ARGS` as alice: exit code, stdout, stderr and the raw data (-cat, -text). */
  async function fs(...args: string[]): Promise<{ code: number; out: string; err: string; data: string; bytes: Buffer }> {
    let out = '';
    let err = '';
    const data = new PassThrough();
    const chunks: Buffer[] = [];
    data.on('data', (c: Buffer) => chunks.push(c));
    const code = await runFs(confDir, args, { out: (x) => void (out += x), err: (x) => void (err += x), data, env: { ...realm.kdc.env(ccache), HADOOP_CONF_DIR: confDir } });
    const bytes = Buffer.concat(chunks);
    return { code, out, err, data: bytes.toString(), bytes };
  }
  /** A fresh local directory under the test's. */
  const localDir = (name: string): string => {
    const p = join(dir, name);
    rmSync(p, { recursive: true, force: true });
    mkdirSync(p, { recursive: true });
    return p;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-fsx-'));
    hdfs = await startSecureHdfs(realm.kdc, dir, { conf: { 'dfs.data.transfer.protection': 'privacy' } });
    alice = await hdfs.client('alice');
    confDir = join(dir, 'conf');
    mkdirSync(confDir);
    writeSiteXml(join(confDir, 'core-site.xml'), Object.entries(confEntries(hdfs.conf)).map(([name, value]) => ({ name, value })));
    ccache = join(dir, 'cc-alice');
    await kinit(realm.kdc.env(ccache), ['-k', '-t', join(dir, 'alice.keytab'), realm.kdc.principal('alice')]);
  });
  after(async () => {
    await hdfs?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await alice.delete('m', { recursive: true });
    await alice.mkdir('m/d/sub');
  });

  describe('-getmerge', () => {
    beforeEach(async () => {
      // written out of order: a directory source merges its files sorted by name, subdirectories skipped
      for (const [name, text] of [['d/b.txt', 'B'], ['d/a.txt', 'A\n'], ['d/empty', ''], ['d/c.txt', 'C'], ['d/sub/deep.txt', 'DEEP'], ['x.log', 'X'], ['y.log', 'Y']]) await alice.writeFile(`m/${name}`, text!);
    });

    it('a directory: its files in Path order into one local file (parents made), -nl after each, -skip-empty-file', async () => {
      const out = join(localDir('merge'), 'new', 'all.txt');
      expect(await fs('-getmerge', 'm/d', out)).to.include({ code: 0, err: '', out: '' });
      expect(readFileSync(out, 'utf8')).to.equal('A\nBC');
      expect(await fs('-getmerge', '-nl', 'm/d', out)).to.include({ code: 0, err: '' });
      expect(readFileSync(out, 'utf8')).to.equal('A\n\nB\nC\n\n'); // a.txt, b.txt, c.txt, empty: the empty file adds its newline too
      expect(await fs('-getmerge', '-nl', '-skip-empty-file', 'm/d', out)).to.include({ code: 0, err: '' });
      expect(readFileSync(out, 'utf8')).to.equal('A\n\nB\nC\n');
      expect(await fs('-getmerge', '-skip-empty-file', 'm/d', out)).to.include({ code: 0, err: '' });
      expect(readFileSync(out, 'utf8')).to.equal('A\nBC');
      expect(existsSync(`${out}._COPYING_`)).to.equal(false);
    });

    it('globbed and several sources in argument order; files and directories mixed', async () => {
      const out = join(localDir('merge2'), 'out');
      expect(await fs('-getmerge', 'm/?.log', 'm/d/c.txt', out)).to.include({ code: 0, err: '' });
      expect(readFileSync(out, 'utf8')).to.equal('XYC');
      expect(await fs('-getmerge', '-nl', 'm/y.log', 'm/*', out)).to.include({ code: 0, err: '' });
      expect(readFileSync(out, 'utf8')).to.equal('Y\nA\n\nB\nC\n\nX\nY\n');
    });

    it('a missing source aborts the merge; a glob matching nothing is reported and the rest merged; a local directory is refused', async () => {
      const local = localDir('merge3');
      const out = join(local, 'out');
      writeFileSync(out, 'before');
      expect(await fs('-getmerge', 'm/x.log', 'm/none', out)).to.deep.include({ code: 1, err: "getmerge: `m/none': No such file or directory\n" });
      expect(readFileSync(out, 'utf8')).to.equal('before'); // not touched
      expect(await fs('-getmerge', 'm/x.log', 'm/*.nope', out)).to.deep.include({ code: 1, err: "getmerge: `m/*.nope': No such file or directory\n" });
      expect(readFileSync(out, 'utf8')).to.equal('X');
      expect(await fs('-getmerge', 'm/d', local)).to.deep.include({ code: 1, err: `getmerge: \`${local}': Is a directory\n` });
    });

    it('options as CommandFormat reads them: an unknown one, too few operands', async () => {
      let thrown: unknown;
      await fs('-getmerge', '-x', 'm/d', 'out').catch((e: unknown) => (thrown = e));
      expect((thrown as Error).message).to.equal('-getmerge: Illegal option -x');
      await fs('-getmerge', '-nl', 'm/d').catch((e: unknown) => (thrown = e));
      expect((thrown as Error).message).to.equal('-getmerge: Not enough arguments: expected 2 but got 1');
    });
  });

  describe('-moveFromLocal and -moveToLocal', () => {
    it('a file and a tree are copied and then removed locally; -f replaces, -d writes the target itself', async () => {
      const local = localDir('move');
      writeFileSync(join(local, 'one.txt'), 'ONE\n');
      mkdirSync(join(local, 'tree', 'a'), { recursive: true });
      writeFileSync(join(local, 'tree', 'top.txt'), 'TOP\n');
      writeFileSync(join(local, 'tree', 'a', 'deep.bin'), Buffer.alloc(100_000, 9));
      expect(await fs('-moveFromLocal', join(local, 'one.txt'), join(local, 'tree'), 'm/d')).to.include({ code: 0, err: '', out: '' });
      expect((await alice.readFile('m/d/one.txt')).toString()).to.equal('ONE\n');
      expect((await alice.readFile('m/d/tree/top.txt')).toString()).to.equal('TOP\n');
      expect(Buffer.compare(await alice.readFile('m/d/tree/a/deep.bin'), Buffer.alloc(100_000, 9))).to.equal(0);
      expect(existsSync(join(local, 'one.txt'))).to.equal(false);
      expect(existsSync(join(local, 'tree'))).to.equal(false);
      writeFileSync(join(local, 'one.txt'), 'ONE AGAIN\n');
      expect(await fs('-moveFromLocal', '-f', '-d', join(local, 'one.txt'), 'm/d/one.txt')).to.include({ code: 0, err: '' });
      expect((await alice.readFile('m/d/one.txt')).toString()).to.equal('ONE AGAIN\n');
      expect(existsSync(join(local, 'one.txt'))).to.equal(false);
    });

    it('a source whose copy failed stays, and so does its directory; a directory already at the target is not merged into', async () => {
      const local = localDir('move2');
      writeFileSync(join(local, 'a.txt'), 'A LOCAL\n');
      writeFileSync(join(local, 'b.txt'), 'B\n');
      await alice.writeFile('m/d/a.txt', 'A REMOTE\n');
      expect(await fs('-moveFromLocal', join(local, 'a.txt'), join(local, 'b.txt'), 'm/d')).to.deep.include({ code: 1, err: "moveFromLocal: `m/d/a.txt': File exists\n" });
      expect(readFileSync(join(local, 'a.txt'), 'utf8')).to.equal('A LOCAL\n'); // kept
      expect(existsSync(join(local, 'b.txt'))).to.equal(false);
      expect((await alice.readFile('m/d/b.txt')).toString()).to.equal('B\n');

      // a directory already there: MoveFromLocal refuses to merge into it, and nothing moves
      mkdirSync(join(local, 'sub'));
      writeFileSync(join(local, 'sub', 'fine.txt'), 'FINE\n');
      expect(await fs('-moveFromLocal', join(local, 'sub'), 'm/d')).to.deep.include({ code: 1, err: "moveFromLocal: `m/d/sub': File exists\n" });
      expect(existsSync(join(local, 'sub', 'fine.txt'))).to.equal(true);

      // an entry that cannot be listed (a dangling link, which LocalFileSystem's listing skips) stays: the directory is not removed
      symlinkSync(join(local, 'nowhere'), join(local, 'sub', 'dangling'));
      expect(await fs('-moveFromLocal', join(local, 'sub'), 'm/new')).to.deep.include({ code: 1, err: `moveFromLocal: Directory ${join(local, 'sub')} is not empty\n` });
      expect((await alice.readFile('m/new/fine.txt')).toString()).to.equal('FINE\n');
      expect(existsSync(join(local, 'sub', 'fine.txt'))).to.equal(false);
      expect(await alice.exists('m/new/dangling')).to.equal(false);
    });

    it('-t is refused as MoveFromLocal does; -moveToLocal says it is not implemented (exit 1)', async () => {
      let thrown: unknown;
      await fs('-moveFromLocal', '-t', '2', 'x', 'm').catch((e: unknown) => (thrown = e));
      expect((thrown as Error).message).to.equal('-moveFromLocal: Illegal option -t');
      expect(await fs('-moveToLocal', 'm/d', join(dir, 'x'))).to.deep.include({ code: 1, out: '', err: "moveToLocal: Option '-moveToLocal' is not implemented yet.\n" });
      expect(await fs('-moveToLocal')).to.deep.include({ code: 1, err: "moveToLocal: Option '-moveToLocal' is not implemented yet.\n" });
    });
  });
});
