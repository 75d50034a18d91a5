/**
 * `hsec fs` path globs and directory copies end to end: the hsec NameNode and a DataNode secured with Kerberos (MIT KDC,
 * RPC privacy, block tokens), `hsec fs` run in-process as alice with a ticket cache MIT kinit
 * filled from her keytab. -ls, -cat, -rm, -get, -mv and -put's destination with `*`, `?`, `[..]`, `[!..]`, `{..}` (also
 * across a `/`) and `\` escapes; FsShell's messages for a glob matching nothing, a malformed
 * pattern, a destination that is not a directory and one matching several paths; and
 * HdfsClient.glob, the library call under them. -put and -get of a directory copy everything under
 * it (Put and Get are recursive in FsShell), into an existing directory or as a new one, with
 * "File exists" for a file already there (the rest still copied) and "Is not a directory". -head,
 * -tail, and -tail -f in an `hsec fs` process following a file that grows.
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import type { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import { startSecureHdfs, type SecureHdfs } from '../../../cluster/mini/secure-hdfs.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { fsShellUser, type FsShellUser } from '../../support/fs-shell.ts';
import { waitForOutput } from '../../support/child-output.ts';

describe('hdfs: hsec fs path globs and directory copies through the hsec NameNode and DataNode (MIT KDC)', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  let dir: string;
  let hdfs: SecureHdfs;
  let alice: HdfsClient;
  let shell: FsShellUser;
  /** `hsec fs ARGS` as alice: exit code, stdout, stderr and the raw data (-cat); with `stdin` as what `-put -` reads. */
  const fs = (...args: string[]) => shell.fs(...args);
  const fsWithStdin = (stdin: NodeJS.ReadableStream | undefined, ...args: string[]) => shell.fsWithStdin(stdin, ...args);
  /** The paths an -ls printed, in order. */
  const listed = (out: string) => out.split('\n').filter((l) => /^[d-]/.test(l)).map((l) => l.slice(l.lastIndexOf(' ') + 1));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-glob-'));
    hdfs = await startSecureHdfs(realm.kdc, dir, { conf: { 'dfs.data.transfer.protection': 'authentication' } });
    alice = await hdfs.client('alice');
    shell = await fsShellUser(hdfs, 'alice');
  });
  after(async () => {
    await hdfs?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await alice.delete('g', { recursive: true });
    await alice.mkdir('g/sub');
    for (const [name, text] of [['a1.csv', 'A1\n'], ['a2.csv', 'A2\n'], ['b.txt', 'B\n'], ['.hidden.csv', 'H\n'], ['sub/c.csv', 'C\n'], ['st*r', 'S\n']]) await alice.writeFile(`g/${name}`, text!);
  });

  it('-ls: *, ?, [..], [!..], {..} within and across a slash, \\ escapes; relative and absolute arguments print as written', async () => {
    expect(listed((await fs('-ls', 'g/*.csv')).out)).to.deep.equal(['g/.hidden.csv', 'g/a1.csv', 'g/a2.csv']);
    expect(listed((await fs('-ls', '/user/alice/g/a?.csv')).out)).to.deep.equal(['/user/alice/g/a1.csv', '/user/alice/g/a2.csv']);
    expect(listed((await fs('-ls', 'g/[ab]*')).out)).to.deep.equal(['g/a1.csv', 'g/a2.csv', 'g/b.txt']);
    const notA = await fs('-ls', 'g/[!a.]*');
    // a matched directory is listed: its entries, under "Found 1 items"
    expect(notA.out).to.contain('Found 1 items\n');
    expect(listed(notA.out)).to.deep.equal(['g/b.txt', 'g/st*r', 'g/sub/c.csv']);
    expect(listed((await fs('-ls', 'g/{a1,b}.*')).out)).to.deep.equal(['g/a1.csv', 'g/b.txt']);
    expect(listed((await fs('-ls', 'g/{sub/c,a1}.csv')).out)).to.deep.equal(['g/a1.csv', 'g/sub/c.csv']);
    expect(listed((await fs('-ls', '-d', 'g/s*')).out)).to.deep.equal(['g/st*r', 'g/sub']);
    expect(listed((await fs('-ls', 'g/st\\*r')).out)).to.deep.equal(['g/st*r']);
    expect(listed((await fs('-ls', `${hdfs.conf.get('fs.defaultFS')}/user/alice/g/a*`)).out)).to.deep.equal([`${hdfs.conf.get('fs.defaultFS')}/user/alice/g/a1.csv`, `${hdfs.conf.get('fs.defaultFS')}/user/alice/g/a2.csv`]);
    expect(listed((await fs('-ls', '../alice/g/b*')).out)).to.deep.equal(['g/b.txt']); // PathData.relativize
  });

  it('a glob matching nothing is "`p\': No such file or directory" (exit 1), the other arguments go on; -rm -f says nothing', async () => {
    const r = await fs('-ls', 'g/*.nope', 'g/b.txt');
    expect(r.code).to.equal(1);
    expect(r.err).to.equal("ls: `g/*.nope': No such file or directory\n");
    expect(listed(r.out)).to.deep.equal(['g/b.txt']);
    expect(await fs('-cat', 'g/{x,y}')).to.include({ code: 1, err: "cat: `g/{x,y}': No such file or directory\n" });
    expect(await fs('-rm', '-f', 'g/*.nope')).to.include({ code: 0, err: '', out: '' });
    // a plain missing path keeps its message
    expect(await fs('-ls', 'g/none')).to.include({ code: 1, err: "ls: `g/none': No such file or directory\n" });
  });

  it('a malformed pattern gets GlobFilter\'s "Illegal file pattern" with re2j\'s message', async () => {
    expect(await fs('-ls', 'g/[a-')).to.include({ code: 1, err: 'ls: Illegal file pattern: error parsing regexp: Unclosed character class at pos 3: `[a-`\n' });
    expect(await fs('-ls', 'g/{a,b')).to.include({ code: 1, err: 'ls: Illegal file pattern: error parsing regexp: Unclosed group at pos 4: `{a,b`\n' });
    expect(await fs('-ls', 'g/x[]')).to.include({ code: 1, err: 'ls: Illegal file pattern: error parsing regexp: missing closing ]: `[]`\n' });
  });

  it('-cat prints every match in order; -rm removes every match', async () => {
    expect(await fs('-cat', 'g/a*.csv', 'g/sub/?.csv')).to.include({ code: 0, data: 'A1\nA2\nC\n' });
    expect(await fs('-rm', 'g/[a.]*.csv')).to.include({ code: 0, out: 'Deleted g/.hidden.csv\nDeleted g/a1.csv\nDeleted g/a2.csv\n' });
    expect((await alice.list('g')).map((s) => s.path.slice(s.path.lastIndexOf('/') + 1)).sort()).to.deep.equal(['b.txt', 'st*r', 'sub']);
  });

  it('-get: several matches into a local directory; a local target that is not a directory, or missing, is refused', async () => {
    const local = join(dir, 'get-out');
    rmSync(local, { recursive: true, force: true });
    mkdirSync(local);
    expect(await fs('-get', 'g/a*.csv', local)).to.include({ code: 0, err: '' });
    expect(readdirSync(local).sort()).to.deep.equal(['a1.csv', 'a2.csv']);
    expect(readFileSync(join(local, 'a2.csv'), 'utf8')).to.equal('A2\n');
    const file = join(dir, 'plain-file');
    writeFileSync(file, 'x');
    expect(await fs('-get', 'g/a*.csv', file)).to.include({ code: 1, err: `get: \`${file}': Is not a directory\n` });
    expect(await fs('-get', 'g/a*.csv', join(dir, 'nowhere'))).to.include({ code: 1, err: `get: \`${join(dir, 'nowhere')}': No such file or directory\n` });
  });

  it('-mv: several matches into a directory; a file or a glob of several as the destination is refused', async () => {
    expect(await fs('-mv', 'g/a*.csv', 'g/b.txt')).to.include({ code: 1, err: "mv: `g/b.txt': Is not a directory\n" });
    expect(await fs('-mv', 'g/b.txt', 'g/*')).to.include({ code: 1, err: "mv: `g/*': Too many matches\n" });
    expect(await fs('-mv', 'g/a*.csv', 'g/su?')).to.include({ code: 0, err: '' });
    expect(listed((await fs('-ls', 'g/sub')).out)).to.deep.equal(['g/sub/a1.csv', 'g/sub/a2.csv', 'g/sub/c.csv']);
    expect(await fs('-mv', 'g/b.txt', 'g/sub/c.csv')).to.include({ code: 1, err: "mv: `g/sub/c.csv': File exists\n" });
  });

  it('-put: the destination is a glob naming one path; several sources need a directory', async () => {
    const local = join(dir, 'up.txt');
    writeFileSync(local, 'UP\n');
    expect(await fs('-put', local, 'g/su?')).to.include({ code: 0, err: '' });
    expect((await alice.readFile('g/sub/up.txt')).toString()).to.equal('UP\n');
    expect(await fs('-put', local, '/user/alice/g/')).to.include({ code: 0, err: '' });
    expect(await alice.exists('g/up.txt')).to.equal(true);
    expect(await fs('-put', local, local, 'g/b.txt')).to.include({ code: 1, err: "put: `g/b.txt': Is not a directory\n" });
    expect(await fs('-put', local, 'g/*')).to.include({ code: 1, err: "put: `g/*': Too many matches\n" });
    expect(await fs('-put', local, 'g/none/x')).to.include({ code: 1, err: "put: `g/none/x': No such file or directory\n" });
    // CopyFromLocal and CopyToLocal are Put and Get under their own names
    expect(await fs('-copyFromLocal', local, 'g/from-local.txt')).to.include({ code: 0, err: '' });
    expect(await fs('-copyFromLocal', local, 'g/from-local.txt')).to.include({ code: 1, err: "copyFromLocal: `g/from-local.txt': File exists\n" });
    const back = join(dir, 'to-local.txt');
    rmSync(back, { force: true });
    expect(await fs('-copyToLocal', 'g/from-local.txt', back)).to.include({ code: 0, err: '' });
    expect(readFileSync(back, 'utf8')).to.equal('UP\n');
  });

  it('-put of a local directory copies the tree: into an existing directory, or as a new one; a file in the way is reported and the rest copied', async () => {
    const tree = join(dir, 'tree');
    rmSync(tree, { recursive: true, force: true });
    mkdirSync(join(tree, 'a', 'b'), { recursive: true });
    mkdirSync(join(tree, 'empty'));
    writeFileSync(join(tree, 'top.txt'), 'TOP\n');
    writeFileSync(join(tree, 'a', 'one.txt'), 'ONE\n');
    writeFileSync(join(tree, 'a', 'b', 'two.bin'), Buffer.alloc(200_000, 7));
    // into an existing directory: g/sub/tree
    expect(await fs('-put', tree, 'g/sub')).to.include({ code: 0, err: '' });
    expect(listed((await fs('-ls', 'g/sub/tree')).out)).to.deep.equal(['g/sub/tree/a', 'g/sub/tree/empty', 'g/sub/tree/top.txt']);
    expect((await alice.readFile('g/sub/tree/a/one.txt')).toString()).to.equal('ONE\n');
    expect(Buffer.compare(await alice.readFile('g/sub/tree/a/b/two.bin'), Buffer.alloc(200_000, 7))).to.equal(0);
    expect((await alice.stat('g/sub/tree/empty')).type).to.equal('directory');
    // a new directory named by the destination
    expect(await fs('-put', tree, 'g/copy')).to.include({ code: 0, err: '' });
    expect((await alice.readFile('g/copy/top.txt')).toString()).to.equal('TOP\n');
    // again without -f: each file already there is reported, a new one still lands
    writeFileSync(join(tree, 'a', 'new.txt'), 'NEW\n');
    const again = await fs('-put', tree, 'g/sub');
    expect(again.code).to.equal(1);
    expect(again.err.split('\n').filter(Boolean).sort()).to.deep.equal([
      "put: `g/sub/tree/a/b/two.bin': File exists",
      "put: `g/sub/tree/a/one.txt': File exists",
      "put: `g/sub/tree/top.txt': File exists",
    ]);
    expect((await alice.readFile('g/sub/tree/a/new.txt')).toString()).to.equal('NEW\n');
    // with -f the files are replaced
    writeFileSync(join(tree, 'top.txt'), 'TOP2\n');
    expect(await fs('-put', '-f', tree, 'g/sub')).to.include({ code: 0, err: '' });
    expect((await alice.readFile('g/sub/tree/top.txt')).toString()).to.equal('TOP2\n');
    // a file where a directory of the tree goes
    await alice.writeFile('g/clash/tree/a', 'file\n');
    expect(await fs('-put', tree, 'g/clash')).to.deep.include({ code: 1, err: "put: `g/clash/tree/a': Is not a directory\n" });
    expect((await alice.readFile('g/clash/tree/top.txt')).toString()).to.equal('TOP2\n');
  });

  it('-get of an HDFS directory copies the tree to a local directory, new or existing', async () => {
    await alice.writeFile('g/sub/deep/x.txt', 'X\n');
    const out = join(dir, 'get-tree');
    rmSync(out, { recursive: true, force: true });
    expect(await fs('-get', 'g/sub', out)).to.include({ code: 0, err: '' });
    expect(readdirSync(out).sort()).to.deep.equal(['c.csv', 'deep']);
    expect(readFileSync(join(out, 'deep', 'x.txt'), 'utf8')).to.equal('X\n');
    // into the existing directory: out/sub, and the globbed sources each into it
    expect(await fs('-get', 'g/s*', out)).to.include({ code: 0, err: '' });
    expect(readFileSync(join(out, 'sub', 'c.csv'), 'utf8')).to.equal('C\n');
    expect(readFileSync(join(out, 'st*r'), 'utf8')).to.equal('S\n');
    // without -f each file already there is reported by its local path (PathExistsException names the target)
    const again = await fs('-get', 'g/sub', out);
    expect(again).to.include({ code: 1 });
    expect(again.err.split('\n').filter(Boolean).sort()).to.deep.equal([`get: \`${out}/sub/c.csv': File exists`, `get: \`${out}/sub/deep/x.txt': File exists`]);
    // a local file where a directory of the tree goes
    rmSync(join(out, 'sub', 'deep'), { recursive: true });
    writeFileSync(join(out, 'sub', 'deep'), 'file\n');
    expect(await fs('-get', '-f', 'g/sub', out)).to.include({ code: 1, err: `get: \`${out}/sub/deep': Is not a directory\n` });
  });

  it('-cp: files and whole directories within HDFS, globbed sources, File exists without -f, never a directory into itself', async () => {
    expect(await fs('-cp', 'g/a*.csv', 'g/sub')).to.include({ code: 0, err: '' });
    expect((await alice.readFile('g/sub/a2.csv')).toString()).to.equal('A2\n');
    expect((await alice.readFile('g/a2.csv')).toString()).to.equal('A2\n'); // the source stays
    expect(await fs('-cp', 'g/sub', 'g/copy')).to.include({ code: 0, err: '' });
    expect(listed((await fs('-ls', 'g/copy')).out)).to.deep.equal(['g/copy/a1.csv', 'g/copy/a2.csv', 'g/copy/c.csv']);
    expect(await fs('-cp', 'g/b.txt', 'g/a1.csv')).to.include({ code: 1, err: "cp: `g/a1.csv': File exists\n" });
    expect(await fs('-cp', '-f', 'g/b.txt', 'g/a1.csv')).to.include({ code: 0, err: '' });
    expect((await alice.readFile('g/a1.csv')).toString()).to.equal('B\n');
    expect(await fs('-cp', 'g', 'g/sub')).to.include({ code: 1, err: "cp: `g' to `g/sub/g': is a subdirectory of itself\n" });
    expect(await alice.exists('g/sub/g')).to.equal(false);
  });

  it('-put writes DST._COPYING_ and renames it at the end; -put -d writes DST itself', async () => {
    for (const [flags, during] of [[[], 'up._COPYING_'], [['-d'], 'up']] as const) {
      await alice.delete('g/up');
      const stdin = new PassThrough();
      const done = fsWithStdin(stdin, '-put', ...flags, '-', 'g/up');
      stdin.write('part one\n');
      const seen = async (): Promise<string[]> => (await alice.list('g')).map((st) => st.path.slice(st.path.lastIndexOf('/') + 1)).filter((n) => n.startsWith('up'));
      const deadline = Date.now() + 20_000;
      while ((await seen()).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(await seen(), `while -put ${flags.join(' ')} writes`).to.deep.equal([during]);
      stdin.end('part two\n');
      expect(await done).to.include({ code: 0, err: '' });
      expect(await seen()).to.deep.equal(['up']);
      expect((await alice.readFile('g/up')).toString()).to.equal('part one\npart two\n');
    }
  });

  it('-rmdir removes empty directories only; -touchz makes zero-length files and refuses one with data or a directory', async () => {
    await alice.mkdir('g/empty');
    expect(await fs('-rmdir', 'g/empty', 'g/sub', 'g/b.txt', 'g/none')).to.include({
      code: 1,
      err: "rmdir: `g/sub': Directory is not empty\nrmdir: `g/b.txt': Is not a directory\nrmdir: `g/none': No such file or directory\n",
    });
    expect(await alice.exists('g/empty')).to.equal(false);
    expect(await fs('-rmdir', '--ignore-fail-on-non-empty', 'g/sub')).to.include({ code: 0, err: '' });
    expect(await alice.exists('g/sub/c.csv')).to.equal(true);

    expect(await fs('-touchz', 'g/zero', 'g/b.txt', 'g/sub', 'g/nodir/x')).to.include({
      code: 1,
      err: "touchz: `g/b.txt': Not a zero-length file\ntouchz: `g/sub': Is a directory\ntouchz: `g/nodir/x': No such file or directory\n",
    });
    expect(await alice.stat('g/zero')).to.include({ type: 'file', length: 0 });
    expect(await fs('-touchz', 'g/zero')).to.include({ code: 0, err: '' }); // made again
  });

  it('-head and -tail: the first and last 1 KiB of one file; a directory or a missing file is refused', async () => {
    const text = Array.from({ length: 300 }, (_, i) => `line ${i}\n`).join(''); // 2,890 bytes
    await alice.writeFile('g/log.txt', text);
    expect(await fs('-head', 'g/log.txt')).to.include({ code: 0, err: '', data: text.slice(0, 1024) });
    expect(await fs('-tail', 'g/log.txt')).to.include({ code: 0, err: '', data: text.slice(-1024) });
    expect(await fs('-tail', 'g/b.txt')).to.include({ code: 0, data: 'B\n' });
    expect(await fs('-head', 'g/sub')).to.include({ code: 1, err: "head: `g/sub': Is a directory\n" });
    expect(await fs('-tail', 'g/nope')).to.include({ code: 1, err: "tail: `g/nope': No such file or directory\n" });
  });

  it('-tail -f -s prints what is added as the file grows, until the process is stopped', async function () {
    this.timeout(60_000);
    await alice.writeFile('g/grow.txt', 'first\n');
    const child = spawn(process.execPath, [resolve('bin/hsec'), 'fs', '-tail', '-f', '-s', '200', 'g/grow.txt'], {
      env: { ...process.env, ...shell.env, HSEC_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let all = '';
    child.stdout.on('data', (b: Buffer) => (all += b.toString()));
    try {
      await waitForOutput(child, 'first\n', 30_000, 'hsec fs -tail -f');
      await alice.writeFile('g/grow.txt', 'first\nsecond\n', { overwrite: true });
      await waitForOutput(child, 'second\n', 30_000, 'hsec fs -tail -f');
      expect(all).to.equal('first\nsecond\n'); // only the new bytes the second time
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('HdfsClient.glob: the statuses sorted by path, [] when nothing matches', async () => {
    expect((await alice.glob('g/{a*,sub/*}')).map((s) => s.path)).to.deep.equal(['/user/alice/g/a1.csv', '/user/alice/g/a2.csv', '/user/alice/g/sub/c.csv']);
    expect((await alice.glob('/user/alice/g/b.txt'))[0]).to.include({ type: 'file', length: 2 });
    expect(await alice.glob('g/*.nope')).to.deep.equal([]);
    expect(await alice.glob('g/missing')).to.deep.equal([]);
  });
});
