/**
 * `hsec fs -ls` with FsShell's Ls options, through the hsec NameNode over the MIT KDC: Ls's line
 * format (widths starting at 3 and 10 and growing over the whole command), "Found N items", -d, -C,
 * -R (depth first, no header, name order), -t / -S / -r / -u ordering, -h sizes, -q, -e, -lsr's
 * deprecation line, and a failing argument between good ones; `-find` with Find's expressions;
 * `-df [-h]` (FsUsage.Df).
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import { lsDate } from '../../../cluster/cli/fs-ls.ts';
import { startSecureHdfs, type SecureHdfs } from '../../../cluster/mini/secure-hdfs.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { fsShellUser, type FsShellUser } from '../../support/fs-shell.ts';

describe('hdfs: hsec fs -ls with its options, -find and -df, through the hsec NameNode (MIT KDC)', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  let dir: string;
  let hdfs: SecureHdfs;
  let alice: HdfsClient;
  let shell: FsShellUser;
  const fs = (...args: string[]) => shell.fs(...args);
  const lines = (out: string) => out.split('\n').filter((l) => l !== '');
  const paths = (out: string) => lines(out).filter((l) => /^[d-]/.test(l)).map((l) => l.slice(l.lastIndexOf(' ') + 1));
  const T0 = Date.UTC(2026, 0, 2, 3, 4); // whole minutes: -ls shows minutes

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-ls-'));
    hdfs = await startSecureHdfs(realm.kdc, dir, { conf: { 'dfs.data.transfer.protection': 'authentication', 'dfs.replication': '1' } });
    alice = await hdfs.client('alice');
    shell = await fsShellUser(hdfs, 'alice');
    await alice.mkdir('t/d/e');
    // small is newest by mtime, big oldest; by atime the other way round
    await alice.writeFile('t/small', 'abc');
    await alice.writeFile('t/big', Buffer.alloc(123_456, 7));
    await alice.writeFile('t/d/inner', 'x');
    await alice.setTimes('t/small', T0 + 3 * 60_000, T0);
    await alice.setTimes('t/big', T0, T0 + 3 * 60_000);
    await alice.setTimes('t/d', T0 + 60_000, T0 + 60_000);
  });
  after(async () => {
    await hdfs?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lays lines out as Ls's format: %3s replication, %-Ns owner and group, %10s size", async () => {
    const r = await fs('-ls', 't');
    expect(r.code, r.err).to.equal(0);
    const g = (await alice.stat('t/small')).group;
    expect(lines(r.out)).to.deep.equal([
      'Found 3 items',
      `-rw-r--r--   1 alice ${g}     123456 ${lsDate(T0)} t/big`,
      `drwxr-xr-x   - alice ${g}          0 ${lsDate(T0 + 60_000)} t/d`,
      `-rw-r--r--   1 alice ${g}          3 ${lsDate(T0 + 3 * 60_000)} t/small`,
    ]);
    const file = await fs('-ls', '-d', 't', 't/small');
    expect(lines(file.out)).to.deep.equal([
      `drwxr-xr-x   - alice ${g}          0 ${lsDate((await alice.stat('t')).modificationTime)} t`,
      `-rw-r--r--   1 alice ${g}          3 ${lsDate(T0 + 3 * 60_000)} t/small`,
    ]);
  });

  it('-R lists depth first without headers, each directory before its entries; -C prints paths only', async () => {
    const r = await fs('-ls', '-R', 't');
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.not.include('Found');
    expect(paths(r.out)).to.deep.equal(['t/big', 't/d', 't/d/e', 't/d/inner', 't/small']);
    expect(lines((await fs('-ls', '-C', 't')).out)).to.deep.equal(['t/big', 't/d', 't/small']);
    expect(lines((await fs('-ls', '-C', '-R', '/user/alice/t')).out)).to.deep.equal(['/user/alice/t/big', '/user/alice/t/d', '/user/alice/t/d/e', '/user/alice/t/d/inner', '/user/alice/t/small']);
    const lsr = await fs('-lsr', '-C', 't/d');
    expect(lsr.err).to.equal("lsr: DEPRECATED: Please use 'ls -R' instead.\n");
    expect(lines(lsr.out)).to.deep.equal(['t/d/e', 't/d/inner']);
  });

  it('-t sorts newest first, -S largest first, -r reverses, -u uses and shows the access time', async () => {
    expect(paths((await fs('-ls', '-t', 't')).out)).to.deep.equal(['t/small', 't/d', 't/big']);
    expect(paths((await fs('-ls', '-t', '-r', 't')).out)).to.deep.equal(['t/big', 't/d', 't/small']);
    expect(paths((await fs('-ls', '-S', 't')).out)).to.deep.equal(['t/big', 't/small', 't/d']);
    expect(paths((await fs('-ls', '-rS', 't')).out)).to.deep.equal(['t/d', 't/small', 't/big']);
    expect(paths((await fs('-ls', '-tS', 't')).out), '-t wins over -S').to.deep.equal(['t/small', 't/d', 't/big']);
    expect(paths((await fs('-ls', '-r', 't')).out)).to.deep.equal(['t/small', 't/d', 't/big']);
    const atime = await fs('-ls', '-t', '-u', 't');
    expect(paths(atime.out)).to.deep.equal(['t/big', 't/d', 't/small']);
    expect(atime.out).to.include(`${lsDate(T0 + 3 * 60_000)} t/big`);
  });

  it('-h shows sizes with binary prefixes in the same width; -e adds the erasure coding policy column', async () => {
    const h = await fs('-ls', '-h', 't');
    expect(h.out).to.match(/[a-z] {4}120\.6 K \d{4}-\d\d-\d\d \d\d:\d\d t\/big\n/);
    expect(h.out).to.match(/[a-z] {10}3 \d{4}-\d\d-\d\d \d\d:\d\d t\/small\n/);
    const e = await fs('-ls', '-e', 't');
    expect(e.code, e.err).to.equal(0);
    expect(e.out).to.match(/^-rw-r--r-- {3}1 {2}Replicated alice /m);
    expect(e.out).to.match(/^drwxr-xr-x {3}- {13}alice .* t\/d$/m);
  });

  it('-q shows non-printable characters as ?; a missing argument is reported between the others', async () => {
    await alice.writeFile('t2/tab\there', 'z');
    expect(paths((await fs('-ls', '-q', 't2')).out)).to.deep.equal(['t2/tab?here']);
    const r = await fs('-ls', '-C', 't/small', 't/none', 't/big');
    expect(r.code).to.equal(1);
    expect(lines(r.out)).to.deep.equal(['t/small', 't/big']);
    expect(r.err).to.equal("ls: `t/none': No such file or directory\n");
    const refused = await fs('-ls', '-x', 't').then(() => undefined, (e: Error) => e);
    expect(refused?.message).to.equal('-ls: Illegal option -x');
  });

  it("-df prints Df's table: the file system's URI, capacity, used, available and Use% right-aligned, one row per argument", async () => {
    const uri = `hdfs://${/^hdfs:\/\/([^/]+)/.exec(hdfs.conf.get('fs.defaultFS')!)![1]}`;
    const r = await fs('-df');
    expect(r.code, r.err).to.equal(0);
    const [header, row, ...rest] = lines(r.out);
    expect(rest).to.deep.equal([]);
    const [fsCol, size, used, avail, pct] = row!.split(/ {2,}/);
    expect(fsCol).to.equal(uri);
    const status = await alice.fsStatus();
    expect(Number(size)).to.equal(status.capacity);
    expect(Number(used)).to.be.within(0, Number(size)); // the DataNode's dfsUsed arrives with its next heartbeat
    expect(pct).to.equal(`${Math.round((Number(used) / Number(size)) * 100)}%`);
    expect(Number(avail)).to.be.within(0, Number(size));
    // Size, Used, Available and Use% right-aligned under their headers: each header ends where its column ends
    for (const name of ['Size', 'Used', 'Available', 'Use%']) expect(row!.length >= header!.indexOf(name) + name.length).to.equal(true);
    expect(header!.length).to.equal(row!.length);
    expect(header!.startsWith(`Filesystem${' '.repeat(uri.length - 'Filesystem'.length + 2)}`)).to.equal(true);
    const h = await fs('-df', '-h', '/', 't', 't/none');
    expect(h.code).to.equal(1);
    expect(lines(h.out)).to.have.length(3);
    expect(lines(h.out)[1]).to.match(new RegExp(`^${uri} +\\d+(\\.\\d)? [KMGTPE] +\\d+(\\.\\d)?( [KMGTPE])? +\\d+(\\.\\d)? [KMGTPE] +\\d+%$`));
    expect(h.err).to.equal("df: `t/none': No such file or directory\n");
  });

  it('-find walks each path depth first; -name / -iname match the last component, -print0, -a and ( ), implicit -print at the end', async () => {
    const found = async (...args: string[]) => {
      const r = await fs('-find', ...args);
      expect(r.code, r.err).to.equal(0);
      return lines(r.out);
    };
    expect(await found('t')).to.deep.equal(['t', 't/big', 't/d', 't/d/e', 't/d/inner', 't/small']);
    expect(await found('t', '-name', '*i*')).to.deep.equal(['t/big', 't/d/inner']);
    expect(await found('/user/alice/t', '-iname', 'B?G')).to.deep.equal(['/user/alice/t/big']);
    expect(await found('t', '-name', '*a*', '-a', '(', '-name', 's*', ')')).to.deep.equal(['t/small']);
    // as in Find.processOptions, everything before the first argument starting with '-' is a path, '(' too
    expect((await fs('-find', 't', '(', '-name', 'x', ')')).err).to.equal("find: `(': No such file or directory\n");
    expect(await found('t/d', 't/small', '-name', '{e,small}', '-print')).to.deep.equal(['t/d/e', 't/small']);
    expect((await fs('-find', 't', '-name', 'd', '-print0')).out).to.equal('t/d\0');
    expect((await fs('-find', 't', '-print0', '-name', 'd')).out, 'an action before a failing test still ran').to.equal('t\0t/big\0t/d\0t/d/e\0t/d/inner\0t/small\0');
  });

  it('-find reports a missing path and walks the others; FsShell refuses an unknown expression and an option before the paths', async () => {
    const r = await fs('-find', 't/none', 't/d');
    expect(r.code).to.equal(1);
    expect(lines(r.out)).to.deep.equal(['t/d', 't/d/e', 't/d/inner']);
    expect(r.err).to.equal("find: `t/none': No such file or directory\n");
    expect(await fs('-find', 't', '-o', '-name', 'x')).to.include({ code: 1, out: '', err: 'find: Unexpected argument: -o\n' });
    const refusal = (p: Promise<unknown>) => p.then(() => undefined, (e: Error) => e.message);
    expect(await refusal(fs('-find', '-name', 'x'))).to.equal('-find: Illegal option -name');
    expect(await refusal(fs('-find', 't', '-name'))).to.equal('-find: -name needs a pattern');
    expect(await refusal(fs('-find'))).to.equal('-find: Not enough arguments: expected 1 but got 0');
  });
});
