/**
 * `hsec fs -getmerge`, `-moveFromLocal`, `-moveToLocal`, `-text`, `-p` on the copy commands and
 * `-touch -t` end to end: the hsec NameNode and a DataNode secured with Kerberos (MIT KDC, RPC
 * privacy, block tokens), `hsec fs` run in-process as alice with a ticket cache MIT kinit filled
 * from her keytab, the results read back through HdfsClient and the local file system, with
 * FsShell's messages and exit codes (Hadoop 3.4.1's CopyCommands.Merge, MoveCommands,
 * Display.Text, CommandWithDestination.preserveAttributes, TouchCommands.Touch).
 */
import { expect } from 'chai';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { deflateSync, gzipSync } from 'node:zlib';
import type { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import { startSecureHdfs, type SecureHdfs } from '../../../cluster/mini/secure-hdfs.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { fsShellUser, type FsShellUser } from '../../support/fs-shell.ts';
import { SYNC, SYNC_ESCAPE, header, int, long, record, text, vlong } from '../../support/sequence-file-bytes.ts';

describe('hdfs: hsec fs -getmerge, -moveFromLocal, -text, -p and -touch -t through the hsec NameNode and DataNode (MIT KDC)', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  let dir: string;
  let hdfs: SecureHdfs;
  let alice: HdfsClient;
  let shell: FsShellUser;
  /** `hsec fs ARGS` as alice: exit code, stdout, stderr and the raw data (-cat, -text). */
  const fs = (...args: string[]) => shell.fs(...args);
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
    shell = await fsShellUser(hdfs, 'alice');
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

  describe('-text', () => {

    it('plain files as -cat; gzip by its magic number (every member), zlib by .deflate; short files as they are', async () => {
      await alice.writeFile('m/plain.txt', 'plain\n');
      await alice.writeFile('m/one', 'x');
      // Debian's gzip makes the members; two of them concatenated
      const local = localDir('gz');
      writeFileSync(join(local, 'a'), 'first member\n');
      writeFileSync(join(local, 'b'), 'second member\n');
      const gz = Buffer.concat([execFileSync('gzip', ['-c', join(local, 'a')]), execFileSync('gzip', ['-c', join(local, 'b')])]);
      await alice.writeFile('m/log-no-extension', gz);
      await alice.writeFile('m/data.deflate', Buffer.concat([deflateSync(Buffer.from('zlib data\n')), deflateSync(Buffer.from('second stream\n'))]));
      expect(await fs('-text', 'm/plain.txt', 'm/one', 'm/log-no-extension', 'm/data.deflate')).to.include({ code: 0, err: '', data: 'plain\nxfirst member\nsecond member\nzlib data\nsecond stream\n' });
      // getCodec's suffix match is case-sensitive: .DEFLATE prints as it is
      await alice.writeFile('m/upper.DEFLATE', deflateSync(Buffer.from('zlib data\n')));
      expect((await fs('-text', 'm/upper.DEFLATE')).bytes.equals(deflateSync(Buffer.from('zlib data\n')))).to.equal(true);
      // a large stream (many packets), then a second: every byte of both, in order
      const big = Buffer.from(Array.from({ length: 60_000 }, (_, i) => `line ${i * 7919 % 100_003}\n`).join(''));
      await alice.writeFile('m/big.deflate', Buffer.concat([deflateSync(big), deflateSync(Buffer.from('tail\n'))]));
      const bigOut = await fs('-text', 'm/big.deflate');
      expect(bigOut).to.include({ code: 0, err: '' });
      expect(Buffer.compare(bigOut.bytes, Buffer.concat([big, Buffer.from('tail\n')]))).to.equal(0);
      // a gzip file with any name is gzip; a .gz name with other content goes to GzipCodec and fails
      await alice.writeFile('m/fake.gz', 'not gzip at all');
      const bad = await fs('-text', 'm/fake.gz', 'm/plain.txt');
      expect(bad.code).to.equal(1);
      expect(bad.err).to.equal('text: incorrect header check\n'); // zlib's message, as Hadoop's ZlibDecompressor reports it
      expect(bad.data).to.equal('plain\n');
    });

    it('codecs node:zlib cannot decode, Avro and directories are refused naming what they are; the other arguments go on', async () => {
      await alice.writeFile('m/x.bz2', 'BZh91AY&SY');
      await alice.writeFile('m/x.snappy', 'snappy bytes');
      await alice.writeFile('m/x.zst', 'zstd bytes');
      await alice.writeFile('m/x.avro', Buffer.from('Obj\x01rest', 'latin1'));
      await alice.writeFile('m/Objection.txt', 'Ob but not Obj\n');
      const r = await fs('-text', 'm/x.bz2', 'm/x.snappy', 'm/x.zst', 'm/x.avro', 'm/d', 'm/Objection.txt');
      expect(r.code).to.equal(1);
      expect(r.data).to.equal('Ob but not Obj\n');
      const lines = r.err.trimEnd().split('\n');
      expect(lines[0]).to.match(/^text: `m\/x\.bz2': BZip2Codec \(\.bz2\) data: hsec fs -text decompresses gzip/);
      expect(lines[1]).to.match(/^text: `m\/x\.snappy': SnappyCodec \(\.snappy\)/);
      expect(lines[2]).to.match(/^text: `m\/x\.zst': ZStandardCodec \(\.zst\)/);
      expect(lines[3]).to.match(/^text: `m\/x\.avro': Avro data file/);
      expect(lines[4]).to.equal("text: `m/d': Is a directory");
    });

    it('SequenceFiles: uncompressed with a sync marker, record-compressed (DefaultCodec, GzipCodec) and block-compressed, printed key TAB value', async () => {
      await alice.writeFile('m/plain.seq', Buffer.concat([header('Text', 'IntWritable'), record(text('one'), int(1)), SYNC_ESCAPE, record(text('zwei – two'), int(-2))]));
      const lv = (n: bigint, bytes: number[]) => record(long(n), deflateSync(Buffer.concat([int(bytes.length), Buffer.from(bytes)])));
      await alice.writeFile('m/record.seq', Buffer.concat([header('LongWritable', 'BytesWritable', 'DefaultCodec'), lv(7n, [0, 0x0f, 0xff]), lv(-9007199254740993n, [])]));
      await alice.writeFile('m/gzip-record.seq', Buffer.concat([header('IntWritable', 'Text', 'GzipCodec'), record(int(5), gzipSync(text('five')))]));
      const keys = [text('k1'), text('k2')];
      const block = Buffer.concat([
        SYNC_ESCAPE,
        vlong(2),
        ...[Buffer.concat(keys.map((k) => vlong(k.length))), Buffer.concat(keys), Buffer.concat([vlong(0), vlong(0)]), Buffer.alloc(0)].map((b) => {
          const z = deflateSync(b);
          return Buffer.concat([vlong(z.length), z]);
        }),
      ]);
      await alice.writeFile('m/block.seq', Buffer.concat([header('Text', 'NullWritable', 'DefaultCodec', true), block]));
      expect(await fs('-text', 'm/plain.seq', 'm/record.seq', 'm/gzip-record.seq', 'm/block.seq')).to.include({
        code: 0,
        err: '',
        data: 'one\t1\nzwei – two\t-2\n7\t00 0f ff\n-9007199254740993\t\n5\tfive\nk1\t(null)\nk2\t(null)\n',
      });
    });

    it('a SequenceFile of a Writable hsec does not know, or a forged sync marker, is a clear error', async () => {
      await alice.writeFile('m/custom.seq', Buffer.concat([header('Text', 'IntWritable').subarray(0, 4), text('com.example.Custom'), text('org.apache.hadoop.io.Text'), Buffer.from([0, 0]), int(0), SYNC]));
      const forged = Buffer.from(SYNC);
      forged[0] ^= 1;
      await alice.writeFile('m/forged.seq', Buffer.concat([header('Text', 'IntWritable'), record(text('a'), int(1)), int(-1), forged, record(text('b'), int(2))]));
      const r = await fs('-text', 'm/custom.seq', 'm/forged.seq');
      expect(r.code).to.equal(1);
      expect(r.data).to.equal('a\t1\n');
      expect(r.err).to.equal(
        'text: SequenceFile key class com.example.Custom: hsec fs -text cannot print it (only Text, IntWritable, LongWritable, VIntWritable, VLongWritable, ShortWritable, ByteWritable, BooleanWritable, BytesWritable, NullWritable, MD5Hash with no, DefaultCodec or GzipCodec compression)\n' +
          'text: SequenceFile: File is corrupt! (a sync marker does not match the header); the file is not a SequenceFile hsec can read, or it is damaged\n',
      );
    });
  });

  describe('-touch -t', () => {
    const local = (y: number, mo: number, d: number, h: number, mi: number, sec: number) => new Date(y, mo, d, h, mi, sec).getTime();

    it('sets both times, or one with -a / -m, to TIMESTAMP read as yyyyMMdd:HHmmss in local time; a new file gets it too', async () => {
      expect(await fs('-touch', '-t', '20200102:030405', 'm/new')).to.include({ code: 0, err: '', out: '' });
      expect(await alice.stat('m/new')).to.include({ type: 'file', length: 0, modificationTime: local(2020, 0, 2, 3, 4, 5), accessTime: local(2020, 0, 2, 3, 4, 5) });
      expect(await fs('-touch', '-m', 'm/new', '-t', '20210304:050607')).to.include({ code: 0, err: '' }); // -t anywhere before --
      expect(await alice.stat('m/new')).to.include({ modificationTime: local(2021, 2, 4, 5, 6, 7), accessTime: local(2020, 0, 2, 3, 4, 5) });
      expect(await fs('-touch', '-a', '-t', '20220101:000000', 'm/new', 'm/d')).to.include({ code: 0, err: '' });
      expect(await alice.stat('m/new')).to.include({ modificationTime: local(2021, 2, 4, 5, 6, 7), accessTime: local(2022, 0, 1, 0, 0, 0) });
      expect(await alice.stat('m/d')).to.include({ accessTime: local(2022, 0, 1, 0, 0, 0) });
      // -c: a missing file is not made
      expect(await fs('-touch', '-c', '-t', '20200102:030405', 'm/never')).to.include({ code: 0, err: '' });
      expect(await alice.exists('m/never')).to.equal(false);
    });

    it('a lenient parse as SimpleDateFormat does (month 13, greedy day and seconds, trailing text); a bad TIMESTAMP or a missing one stops the command', async () => {
      expect(await fs('-touch', '-t', '20201301:000000', 'm/a')).to.include({ code: 0, err: '' });
      expect((await alice.stat('m/a')).modificationTime).to.equal(local(2021, 0, 1, 0, 0, 0));
      expect(await fs('-touch', '-t', '2020010:2359120xyz', 'm/a')).to.include({ code: 0, err: '' });
      expect((await alice.stat('m/a')).modificationTime).to.equal(local(2020, 0, 0, 23, 59, 120));
      for (const [args, message] of [
        [['-t', '2020-01-02', 'm/a'], '-touch: Unable to parse the specified timestamp 2020-01-02. The expected format is yyyyMMdd:HHmmss'],
        [['-t', '20200102030405', 'm/a'], '-touch: Unable to parse the specified timestamp 20200102030405. The expected format is yyyyMMdd:HHmmss'],
        [['m/a', '-t'], '-touch: option -t requires 1 argument.'],
      ] as const) {
        let thrown: unknown;
        await fs('-touch', ...args).catch((e: unknown) => (thrown = e));
        expect((thrown as Error | undefined)?.message, args.join(' ')).to.equal(message);
      }
      expect((await alice.stat('m/a')).modificationTime).to.equal(local(2020, 0, 0, 23, 59, 120));
    });
  });

  describe('-p on -put, -get and -cp', () => {
    const T1 = Date.UTC(2019, 4, 6, 7, 8, 9, 123);
    const T2 = Date.UTC(2018, 1, 2, 3, 4, 5, 678);
    /** ms as utimes' seconds, never rounded a millisecond down. */
    const secs = (ms: number) => ms / 1000 + 5e-7;
    let superuser: FsShellUser;
    /** `hsec fs ARGS` as the HDFS superuser (the NameNode's principal, from its keytab). */
    const fsAsSuperuser = (...args: string[]) => superuser.fs(...args);
    before(async () => {
      superuser = await fsShellUser(hdfs, 'nn/localhost', { keytab: join(dir, 'nn.keytab') });
    });

    it('-put -p as a user who may not give files away: copied, times set, then the NameNode refuses the owner (exit 1)', async () => {
      const local = localDir('pput');
      const file = join(local, 'f.txt');
      writeFileSync(file, 'PRESERVED\n');
      chmodSync(file, 0o640);
      utimesSync(file, secs(T2), secs(T1)); // the local file is root's: alice cannot give her copy to root
      expect(await fs('-put', '-p', file, 'm/f.txt')).to.deep.include({ code: 1, err: 'put: User alice is not a super user (non-super user cannot change owner).\n' });
      const st = await alice.stat('m/f.txt');
      expect(st).to.include({ length: 10, modificationTime: T1, accessTime: T2, owner: 'alice' });
      expect(st.permission).to.not.equal(0o640); // setPermission comes after setOwner, which failed
    });

    it('-put -p and -cp -p as the superuser carry times, owner, group and mode, for a tree its directories too', async () => {
      const local = localDir('pput2');
      mkdirSync(join(local, 'tree'));
      writeFileSync(join(local, 'tree', 'x'), 'X\n');
      chmodSync(join(local, 'tree', 'x'), 0o1604);
      utimesSync(join(local, 'tree', 'x'), secs(T2), secs(T1));
      chmodSync(join(local, 'tree'), 0o750);
      utimesSync(join(local, 'tree'), secs(T1), secs(T2));
      const root = (await import('node:os')).userInfo().username;
      const su = await hdfs.admin();
      await su.delete('/preserve', { recursive: true });
      await su.mkdir('/preserve');
      expect(await fsAsSuperuser('-put', '-p', join(local, 'tree'), '/preserve')).to.include({ code: 0, err: '' });
      const x = await su.stat('/preserve/tree/x');
      expect(x).to.include({ modificationTime: T1, accessTime: T2, owner: root, permission: 0o1604 });
      const tree = await su.stat('/preserve/tree');
      expect(tree).to.include({ modificationTime: T2, accessTime: T1, owner: root, permission: 0o750 });
      expect(x.group).to.equal(tree.group);
      // -cp -p within HDFS, as the superuser
      expect(await fsAsSuperuser('-cp', '-p', '/preserve/tree', '/preserve/copy')).to.include({ code: 0, err: '' });
      expect(await su.stat('/preserve/copy/x')).to.include({ modificationTime: T1, accessTime: T2, owner: root, group: x.group, permission: 0o1604 });
      expect(await su.stat('/preserve/copy')).to.include({ modificationTime: T2, owner: root, permission: 0o750 });
    });

    it('-cp -pt / -pp / -pa / -px pick attributes by letter; an unknown letter is refused', async () => {
      await alice.writeFile('m/src', 'S\n');
      await alice.setTimes('m/src', T1, T2);
      await alice.chmod('m/src', 0o600);
      expect(await fs('-cp', '-pt', 'm/src', 'm/t')).to.include({ code: 0, err: '' });
      expect(await alice.stat('m/t')).to.include({ modificationTime: T1, accessTime: T2 });
      expect((await alice.stat('m/t')).permission).to.not.equal(0o600);
      expect(await fs('-cp', 'm/src', 'm/p', '-pp')).to.include({ code: 0, err: '' }); // popPreserveOption looks past the operands
      expect(await alice.stat('m/p')).to.include({ permission: 0o600 });
      expect((await alice.stat('m/p')).modificationTime).to.not.equal(T1);
      expect(await fs('-cp', '-pa', 'm/src', 'm/a')).to.include({ code: 0, err: '' });
      expect(await alice.stat('m/a')).to.include({ permission: 0o600 });
      // -px: the source's xattrs (an empty value as empty), nothing else
      await alice.setXAttr('m/src', 'user.k', new TextEncoder().encode('v'));
      await alice.setXAttr('m/src', 'user.empty');
      expect(await fs('-cp', '-px', 'm/src', 'm/x')).to.include({ code: 0, err: '' });
      expect([...(await alice.getXAttrs('m/x')).entries()].map(([k, v]) => `${k}=${Buffer.from(v).toString()}`).sort()).to.deep.equal(['user.empty=', 'user.k=v']);
      expect((await alice.stat('m/x')).modificationTime).to.not.equal(T1);
      let thrown: unknown;
      await fs('-cp', '-pz', 'm/src', 'm/z').catch((e: unknown) => (thrown = e));
      expect((thrown as Error | undefined)?.message).to.equal('-cp: No attribute for z');
    });

    it('-get -p: times and mode onto the local file; the owner through chown, whose own message is printed when it fails', async () => {
      await alice.writeFile('m/g.txt', 'G\n');
      await alice.setTimes('m/g.txt', T1, T2);
      await alice.chmod('m/g.txt', 0o604);
      const local = localDir('pget');
      // alice:<group> are no local user: chown refuses, after the times are set and before the mode is
      const r = await fs('-get', '-p', 'm/g.txt', join(local, 'g.txt'));
      expect(r.code).to.equal(1);
      expect(r.err).to.match(/^get: chown: invalid user: .alice:.+\n$/);
      expect(statSync(join(local, 'g.txt')).mtimeMs).to.equal(T1);
      expect(statSync(join(local, 'g.txt')).atimeMs).to.equal(T2);
      // a file the superuser gave to root (this process's user): chown succeeds
      const su = await hdfs.admin();
      const root = (await import('node:os')).userInfo();
      const group = execFileSync('id', ['-gn']).toString().trim();
      await su.chown('/user/alice/m/g.txt', root.username, group);
      await su.setTimes('/user/alice/m/g.txt', T1, T2); // the first -get's read moved the access time on
      const r2 = await fs('-get', '-p', '-f', 'm/g.txt', join(local, 'g.txt'));
      expect(r2).to.include({ code: 0, err: '' });
      const st = statSync(join(local, 'g.txt'));
      expect({ mtime: st.mtimeMs, atime: st.atimeMs, mode: st.mode & 0o7777, uid: st.uid }).to.deep.equal({ mtime: T1, atime: T2, mode: 0o604, uid: root.uid });
      // a directory: its own times after its entries
      await alice.setTimes('m/d', T2, T1);
      expect(await fs('-get', '-p', 'm/d', join(local, 'dir'))).to.include({ code: 1 });
      expect(statSync(join(local, 'dir')).mtimeMs).to.equal(T2);
    });
  });
});
