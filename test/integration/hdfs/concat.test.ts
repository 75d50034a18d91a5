/**
 * Concat (ClientProtocol.concat, FSDirConcatOp) end to end over a real MIT KDC with the hsec
 * NameNode and DataNode (Kerberos RPC, block tokens), blocks of 4096 bytes: files with partial last
 * blocks are joined into a target whose contents are the files in order (the sources' replicas are
 * read as the target's blocks, none deleted); the sources are gone; a NameNode restart keeps it;
 * `hsec fs -concat` prints nothing on success and FsShell Concat's lines otherwise; refusals the
 * NameNode sends come over the wire with Hadoop's exception class.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import { startSecureHdfs, type SecureHdfs } from '../../../cluster/mini/secure-hdfs.ts';
import type { INodeFile } from '../../../cluster/namenode/namespace/inode.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { fsShellUser, type FsShellUser } from '../../support/fs-shell.ts';
import { until } from '../../support/until.ts';

const BLOCK = 4096;
const SMALL_BLOCKS = { 'dfs.blocksize': String(BLOCK), 'dfs.namenode.fs-limits.min-block-size': '1024', 'dfs.data.transfer.protection': 'authentication' };

function pattern(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 17 + (i >> 12) * 7) & 0xff;
  return b;
}

describe('hdfs: concat (MIT KDC, hsec NameNode and DataNode)', function () {
  this.timeout(180_000);
  const realm = useMiniKdc();
  let dir: string;
  let hdfs: SecureHdfs;
  let fs: HdfsClient;
  let shell: FsShellUser;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-concat-'));
    hdfs = await startSecureHdfs(realm.kdc, dir, { conf: SMALL_BLOCKS });
    fs = await hdfs.client('alice');
    shell = await fsShellUser(hdfs, 'alice');
  });
  after(async () => {
    await hdfs?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const inode = (path: string) => hdfs.nn.namesystem.fsd.resolveExisting(path) as INodeFile | undefined;
  async function write(path: string, data: Buffer): Promise<void> {
    await fs.writeFile(path, data);
    expect(await until(() => inode(path)?.uc === null, 10_000)).to.equal(true);
  }

  let joined: Buffer;
  it('joins files with partial last blocks in order; the sources are gone; the bytes read back whole', async () => {
    const parts = [pattern(BLOCK + 100, 1), pattern(2 * BLOCK + 7, 2), pattern(300, 3)];
    await write('/user/alice/t', parts[0]!);
    await write('/user/alice/a', parts[1]!);
    await write('/user/alice/b', parts[2]!);
    const blocks = ['/user/alice/t', '/user/alice/a', '/user/alice/b'].flatMap((p) => inode(p)!.blocks.map((b) => b.blockId));
    await fs.concat('/user/alice/t', ['/user/alice/a', 'b']); // a relative source is resolved against the home directory
    const all = Buffer.concat(parts);
    joined = all;
    expect(inode('/user/alice/t')!.blocks.map((b) => b.blockId)).to.deep.equal(blocks);
    expect((await fs.stat('/user/alice/t')).length).to.equal(all.length);
    expect(Buffer.compare(await fs.readFile('/user/alice/t'), all)).to.equal(0);
    // a read starting inside a source's former block
    const from = BLOCK + 100 + BLOCK + 5;
    const chunks: Buffer[] = [];
    for await (const c of fs.createReadStream('/user/alice/t', { start: from, end: from + 999 })) chunks.push(c as Buffer);
    expect(Buffer.compare(Buffer.concat(chunks), all.subarray(from, from + 1000))).to.equal(0);
    expect(await fs.exists('/user/alice/a')).to.equal(false);
    expect(await fs.exists('/user/alice/b')).to.equal(false);
  });

  it('a refusal comes over the wire with Hadoop\'s exception class and text', async () => {
    await write('/user/alice/r-t', pattern(10, 4));
    await write('/user/alice/r-a', pattern(10, 5));
    const e = await fs.concat('/user/alice/r-t', ['/user/alice/r-a', '/user/alice/r-a']).then(() => undefined, (x: Error & { details?: Record<string, unknown> }) => x);
    expect(e?.details?.['exceptionClassName']).to.equal('org.apache.hadoop.HadoopIllegalArgumentException');
    expect(e?.message).to.contain('concat: at least two of the source files are the same');
    expect(await fs.exists('/user/alice/r-a')).to.equal(true);
  });

  it('hsec fs -concat: nothing printed on success; FsShell Concat\'s lines for too few paths, a missing file, and a NameNode refusal', async () => {
    await write('/user/alice/s-t', pattern(50, 6));
    await write('/user/alice/s-a', pattern(60, 7));
    await write('/user/alice/s-b', pattern(70, 8));
    await write('/user/alice/s-empty', Buffer.alloc(0));
    const usage = '<target path> <src path> <src path> ...';
    const none = await shell.fs('-concat');
    expect([none.code, none.err]).to.deep.equal([1, `concat: Target path not specified. ${usage}\n`]);
    const one = await shell.fs('-concat', 's-t', 's-a');
    expect([one.code, one.err]).to.deep.equal([1, `concat: The number of source paths is less than 2. ${usage}\n`]);
    const missing = await shell.fs('-concat', 's-t', 's-a', 's-nope');
    expect(missing.code).to.equal(1);
    expect(missing.err).to.match(/^concat: hdfs:\/\/[^/]+\/user\/alice\/s-nope does not exist or is not file\.\n$/);
    const empty = await shell.fs('-concat', 's-t', 's-a', 's-empty');
    expect([empty.code, empty.err]).to.deep.equal([1, 'concat: concat: source file /user/alice/s-empty is invalid or empty or underConstruction\n']);
    const ok = await shell.fs('-concat', '/user/alice/s-t', '/user/alice/s-a', '/user/alice/s-b');
    expect([ok.code, ok.out, ok.err]).to.deep.equal([0, '', '']);
    const cat = await shell.fs('-cat', '/user/alice/s-t');
    expect(Buffer.compare(cat.bytes, Buffer.concat([pattern(50, 6), pattern(60, 7), pattern(70, 8)]))).to.equal(0);
  });

  it('a NameNode restart keeps the joined file (journal replay) and its bytes readable', async () => {
    await hdfs.restartNameNode();
    expect(inode('/user/alice/t')!.length()).to.equal(joined.length);
    expect(inode('/user/alice/a')).to.equal(undefined);
    const readable = async () => (await fs.readFile('/user/alice/t').catch(() => Buffer.alloc(0))).length === joined.length;
    const deadline = Date.now() + 30_000;
    while (!(await readable()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(Buffer.compare(await fs.readFile('/user/alice/t'), joined), 'after the restart').to.equal(0);
  });
});
