/**
 * `hsec fs` options that follow Hadoop 3.4.1's FsShell, through the hsec NameNode and DataNode over
 * the MIT KDC: -count's -v / -e / -s / -x / -t columns, -du -x and the deprecated -dus and -rmr
 * (their DEPRECATED lines), -stat's default format and -R, -usage / -help / an unknown command,
 * -get -crc (the local .crc file) and -ignoreCrc with -cat, -text and -get over a replica whose
 * bytes were damaged on the DataNode's disk, and -put -l with -t / -q.
 */
import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import { localCrcBytes } from '../../../cluster/cli/local-crc-file.ts';
import { startSecureHdfs, type SecureHdfs } from '../../../cluster/mini/secure-hdfs.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { fsShellUser, type FsShellUser } from '../../support/fs-shell.ts';

/** Every file under `dir` whose name is `blk_<id>` (a replica's data, without the .meta). */
function blockFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => /(^|\/)blk_\d+$/.test(p)).map((p) => join(dir, p));
}

describe('hdfs: hsec fs options as Hadoop 3.4 FsShell has them (-count, -du, -stat, -usage/-help, -crc/-ignoreCrc, -put -l) through the hsec NameNode (MIT KDC)', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  let dir: string;
  let hdfs: SecureHdfs;
  let alice: HdfsClient;
  let shell: FsShellUser;
  const fs = (...args: string[]) => shell.fs(...args);
  const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-fsopt-'));
    hdfs = await startSecureHdfs(realm.kdc, dir, { conf: { 'dfs.data.transfer.protection': 'authentication', 'dfs.replication': '1' } });
    alice = await hdfs.client('alice');
    shell = await fsShellUser(hdfs, 'alice', { extraConf: { 'dfs.replication': '3' } });
    await alice.mkdir('c/sub');
    await alice.writeFile('c/a', Buffer.alloc(1000, 1));
    await alice.writeFile('c/sub/b', Buffer.alloc(500, 2));
    await alice.setTimes('c/a', T0, T0 + 1000);
  });
  after(async () => {
    await hdfs?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('-count -v -e -s prints the EC policy (%20s) and snapshot columns; -x changes nothing without snapshots, and is ignored with -q', async () => {
    const r = await fs('-count', '-v', '-e', '-s', 'c', 'c/a');
    expect(r.code, r.err).to.equal(0);
    const snap = `${'0'.padStart(18)} ${'0'.padStart(24)} ${'0'.padStart(24)} ${'0'.padStart(28)} `;
    expect(r.out).to.equal(
      `${'DIR_COUNT'.padStart(12)} ${'FILE_COUNT'.padStart(12)} ${'CONTENT_SIZE'.padStart(18)} ERASURECODING_POLICY ` +
        `${'SNAPSHOT_LENGTH'.padStart(18)} ${'SNAPSHOT_FILE_COUNT'.padStart(24)} ${'SNAPSHOT_DIR_COUNT'.padStart(24)} ${'SNAPSHOT_SPACE_CONSUMED'.padStart(28)} PATHNAME\n` +
        `${'2'.padStart(12)} ${'2'.padStart(12)} ${'1500'.padStart(18)} ${'EC:'.padStart(20)} ${snap}c\n` +
        `${'0'.padStart(12)} ${'1'.padStart(12)} ${'1000'.padStart(18)} ${'Replicated'.padStart(20)} ${snap}c/a\n`,
    );
    expect((await fs('-count', '-x', 'c')).out).to.equal((await fs('-count', 'c')).out);
    const q = await fs('-count', '-q', '-x', 'c');
    expect(q.out.split('\n')[0]).to.equal('q or u option is given, the -x option is ignored.');
  });

  it('-count -t: quota and remainder per storage type with -q or -u (none/inf without type quotas), ignored without them', async () => {
    const r = await fs('-count', '-u', '-v', '-t', 'SSD,disk', 'c');
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.equal(
      `${'SSD_QUOTA'.padStart(13)} ${'REM_SSD_QUOTA'.padStart(17)} ${'DISK_QUOTA'.padStart(13)} ${'REM_DISK_QUOTA'.padStart(17)} PATHNAME\n` +
        `${'none'.padStart(13)} ${'inf'.padStart(17)} ${'none'.padStart(13)} ${'inf'.padStart(17)} c\n`,
    );
    const all = await fs('-count', '-q', '-t', 'c'); // -t's value is "": every type with quotas
    expect(all.out).to.equal(`${`${'none'.padStart(13)} ${'inf'.padStart(17)} `.repeat(5)}c\n`);
    expect((await fs('-count', '-t', 'SSD', 'c')).out).to.equal((await fs('-count', 'c')).out);
    let thrown: unknown;
    await fs('-count', '-q', '-t', 'tape', 'c').catch((e: unknown) => (thrown = e));
    expect((thrown as Error).message).to.equal('-count: No enum constant org.apache.hadoop.fs.StorageType.TAPE');
  });

  it('-du -x, and -dus / -rmr with their DEPRECATED lines', async () => {
    expect((await fs('-du', '-x', 'c')).out).to.equal('1000  1000  c/a\n500   500   c/sub\n');
    expect(await fs('-dus', 'c')).to.deep.include({ code: 0, out: '1500  1500  c\n', err: "dus: DEPRECATED: Please use 'du -s' instead.\n" });
    await alice.mkdir('gone/deeper');
    expect(await fs('-rmr', '-skipTrash', 'gone')).to.deep.include({ code: 0, out: 'Deleted gone\n', err: "rmr: DEPRECATED: Please use '-rm -r' instead.\n" });
  });

  it("-stat: %y by default, a format needs a path after it, -R goes into directories, %l is no longer a letter", async () => {
    expect(await fs('-stat', 'c/a')).to.deep.include({ code: 0, out: '2026-01-02 03:04:05\n' });
    expect((await fs('-stat', '-R', '%n %F %b', 'c')).out).to.equal('c directory 0\na regular file 1000\nsub directory 0\nb regular file 500\n');
    expect((await fs('-stat', '%l %x %X', 'c/a')).out).to.equal('l 2026-01-02 03:04:06 1767323046000\n');
    let thrown: unknown;
    await fs('-stat', '%y').catch((e: unknown) => (thrown = e));
    expect((thrown as Error).message).to.equal('-stat: Not enough arguments: expected 1 but got 0');
  });

  it('-usage and -help print to stdout; an unknown command or name prints FsShell\'s message and the usage list on stderr, exit -1', async () => {
    expect(await fs('-usage', 'count', 'rm')).to.deep.equal({
      code: 0, err: '', data: '', bytes: Buffer.alloc(0),
      out: 'Usage: hsec fs [generic options] -count [-q] [-h] [-v] [-t [<storage type>]] [-u] [-x] [-e] [-s] <path> ...\nUsage: hsec fs [generic options] -rm [-f] [-r|-R] [-skipTrash] [-safely] <src> ...\n',
    });
    const list = await fs('-usage');
    expect(list.code).to.equal(0);
    const names = list.out.split('\n').filter((l) => l.startsWith('\t[')).map((l) => l.slice(2).split(' ')[0]!.replace(']', ''));
    expect(names).to.deep.equal([...names].sort());
    expect(names).to.include.members(['-count', '-help', '-usage', '-stat', '-get']).and.not.include.members(['-lsr', '-dus', '-rmr']);
    const help = await fs('-help', 'mkdir');
    // the option table: "-p" padded to 3, the text to its length plus one, an empty header row first
    expect(help.out).to.equal(`-mkdir [-p] <path> ... :\n  Create a directory in specified location.\n  ${' '.repeat(3 + 1 + 'Do not fail if the directory already exists'.length + 1)}\n  -p  Do not fail if the directory already exists \n`);
    expect((await fs('-help')).out).to.contain('\n-touchz <path> ... :\n  Creates a file of zero length at <path> with current time as the timestamp of\n');
    const unknown = await fs('-help', 'mkdir', 'nosuch');
    expect(unknown.code).to.equal(255);
    expect(unknown.out).to.match(/^-mkdir \[-p\]/);
    expect(unknown.err).to.match(/^-help: `nosuch': Unknown command\nUsage: hsec fs \[generic options\]\n\t\[-appendToFile /);
    expect(unknown.err.endsWith('Usage: hsec fs [generic options] -help [cmd ...]\n')).to.equal(true);
    const bad = await fs('-nosuch', 'x');
    expect(bad.code).to.equal(255);
    expect(bad.err).to.match(/^-nosuch: Unknown command\nUsage: hsec fs \[generic options\]\n/);
    expect((await fs('ls')).err).to.match(/^ls: Unknown command\nDid you mean -ls\?  This command begins with a dash\.\n/);
    const none = await fs();
    expect(none).to.deep.include({ code: 255, out: '' });
    expect(none.err).to.match(/^Usage: hsec fs \[generic options\]\n/);
  });

  it('-get -crc writes the local .crc file; -t and -q are taken (one file at a time); -ignoreCrc reads a replica whose CRCs no longer match', async () => {
    const local = join(dir, 'got');
    expect(await fs('-get', '-crc', '-t', '4', '-q', '16', 'c/a', local)).to.deep.include({ code: 0, err: '' });
    expect(readFileSync(join(dir, '.got.crc')).equals(localCrcBytes(readFileSync(local)))).to.equal(true);
    expect(await fs('-copyToLocal', '-crc', 'c', join(dir, 'tree'))).to.deep.include({ code: 0, err: '' });
    expect(statSync(join(dir, 'tree', 'sub', '.b.crc')).size).to.equal(8 + 4);
    let thrown: unknown;
    await fs('-get', '-t', 'many', 'c/a', local).catch((e: unknown) => (thrown = e));
    expect((thrown as Error).message).to.equal('-get: For input string: "many"');
    thrown = undefined;
    await fs('-get', '-t', '2147483648', 'c/a', local).catch((e: unknown) => (thrown = e));
    expect((thrown as Error).message, 'one past Integer.MAX_VALUE').to.equal('-get: For input string: "2147483648"');

    await alice.writeFile('bad', 'checksummed bytes\n');
    const [replica] = blockFiles(hdfs.dir).filter((p) => statSync(p).size === 18);
    const bytes = readFileSync(replica!);
    bytes[0] = 'C'.charCodeAt(0);
    writeFileSync(replica!, bytes);
    const strict = await fs('-cat', 'bad');
    expect(strict.code).to.equal(1);
    expect(strict.err).to.match(/^cat: /);
    expect(await fs('-cat', '-ignoreCrc', 'bad')).to.deep.include({ code: 0, err: '', data: 'Checksummed bytes\n' });
    expect(await fs('-text', '-ignoreCrc', 'bad')).to.deep.include({ code: 0, data: 'Checksummed bytes\n' });
    expect(await fs('-get', '-ignoreCrc', 'bad', join(dir, 'bad'))).to.deep.include({ code: 0, err: '' });
    expect(readFileSync(join(dir, 'bad'), 'utf8')).to.equal('Checksummed bytes\n');
  });

  it('-put -l creates the file with replication 1 whatever dfs.replication says; -t and -q are taken', async () => {
    writeFileSync(join(dir, 'up'), 'lazy\n');
    expect(await fs('-put', '-l', '-t', '2', '-q', '8', join(dir, 'up'), 'lazy')).to.deep.include({ code: 0, err: '' });
    expect((await alice.stat('lazy')).replication).to.equal(1);
    expect(await fs('-copyFromLocal', join(dir, 'up'), 'plain')).to.deep.include({ code: 0, err: '' });
    expect((await alice.stat('plain')).replication).to.equal(3);
  });
});
