/**
 * Append end to end over a real MIT KDC, through the product: HdfsClient.append against the hsec
 * NameNode (ClientProtocol.append, updateBlockForPipeline, updatePipeline) and DataNodes (WRITE_BLOCK
 * PIPELINE_SETUP_APPEND, the partial-chunk CRC), with Kerberos RPC privacy and block tokens. Small
 * blocks (4096 bytes, 512-byte chunks) put the appends mid-chunk, on a chunk boundary, on a full
 * block and across block ends; every file is read back whole (a read verifies each chunk's stored
 * CRC). Then several appends in a row, NEW_BLOCK, an empty file, restarts of the NameNode and of the
 * DataNode after an append, the refusals a stock NameNode gives (another client's open file, the
 * same client twice, no WRITE permission, a missing file), `hsec fs -appendToFile` (files, `-`,
 * a missing destination, -n), a two-DataNode pipeline with privacy and AES/CTR, and a writer dying
 * mid-append after hflush (the replicas stay RBW; lease recovery keeps the old and the hflushed bytes).
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import { startSecureHdfs, type SecureHdfs } from '../../../cluster/mini/secure-hdfs.ts';
import type { INodeFile } from '../../../cluster/namenode/namespace/inode.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { fsShellUser } from '../../support/fs-shell.ts';
import { until } from '../../support/until.ts';

const BLOCK = 4096;
const SMALL_BLOCKS = { 'dfs.blocksize': String(BLOCK), 'dfs.namenode.fs-limits.min-block-size': '1024' };

async function appendBytes(fs: HdfsClient, path: string, data: Uint8Array, options: { newBlock?: boolean } = {}): Promise<void> {
  await pipeline(Readable.from([Buffer.from(data)]), fs.append(path, options));
}

async function rejection(p: Promise<unknown>): Promise<Error & { code?: string; details?: Record<string, unknown> }> {
  const e = await p.then(() => undefined, (x: Error) => x);
  expect(e, 'expected a refusal').to.be.instanceOf(Error);
  return e!;
}

describe('hdfs: append through the hsec NameNode and DataNodes (MIT KDC, RPC privacy, block tokens)', function () {
  this.timeout(240_000);
  const realm = useMiniKdc();

  describe('one DataNode, 4096-byte blocks', () => {
    let dir: string;
    let hdfs: SecureHdfs;
    let fs: HdfsClient;
    const blocksOf = (path: string) => (hdfs.nn.namesystem.fsd.resolveExisting(`/user/alice/${path}`) as INodeFile).blocks;
    const readBack = async (path: string, expected: Buffer, what: string) => {
      const back = await fs.readFile(path);
      expect(back.length, `${what}: length`).to.equal(expected.length);
      expect(Buffer.compare(back, expected), `${what}: contents`).to.equal(0);
      expect((await fs.stat(path)).length, `${what}: status length`).to.equal(expected.length);
    };

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'hsec-append-'));
      hdfs = await startSecureHdfs(realm.kdc, dir, { conf: { ...SMALL_BLOCKS, 'dfs.data.transfer.protection': 'authentication' } });
      fs = await hdfs.client('alice');
      await fs.mkdir('/user/alice/a');
    });
    after(async () => {
      await hdfs?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('appends to files ending mid-chunk, on a chunk boundary, on a full block and just short of one; the bytes and the stored CRCs read back', async () => {
      for (const [size, more] of [[700, 1500], [1024, 300], [BLOCK, 5000], [BLOCK - 100, 3000], [1, 10_000]] as const) {
        const first = randomBytes(size);
        const second = randomBytes(more);
        await fs.writeFile(`a/f${size}`, first);
        const gsBefore = blocksOf(`a/f${size}`).at(-1)!.generationStamp;
        await appendBytes(fs, `a/f${size}`, second);
        await readBack(`a/f${size}`, Buffer.concat([first, second]), `${size} + ${more}`);
        const blocks = blocksOf(`a/f${size}`);
        expect(blocks.map((b) => b.numBytes).reduce((x, y) => x + y)).to.equal(size + more);
        expect(blocks.every((b) => b.complete)).to.equal(true);
        if (size % BLOCK !== 0) expect(blocks[Math.floor(size / BLOCK)]!.generationStamp, 'the reopened block has a new stamp').to.be.greaterThan(gsBefore);
      }
    });

    it('several appends in a row, an empty file, an append of nothing, and NEW_BLOCK', async () => {
      let expected = Buffer.alloc(0);
      await fs.writeFile('a/log', expected);
      for (const n of [1, 511, 1, 700, 4000, 0, 33]) {
        const chunk = randomBytes(n);
        await appendBytes(fs, 'a/log', chunk);
        expected = Buffer.concat([expected, chunk]);
      }
      await readBack('a/log', expected, 'seven appends');
      const first = randomBytes(700);
      await fs.writeFile('a/nb', first);
      const second = randomBytes(300);
      await appendBytes(fs, 'a/nb', second, { newBlock: true });
      expect(blocksOf('a/nb').map((b) => b.numBytes)).to.deep.equal([700, 300]);
      await readBack('a/nb', Buffer.concat([first, second]), 'NEW_BLOCK');
    });

    it('refusals: another client holds the file open, the same client twice, no WRITE permission, a missing file; the DataNode keeps serving', async () => {
      await fs.writeFile('a/busy', Buffer.from('0123456789'));
      const held = fs.append('a/busy');
      held.write(Buffer.from('abc'));
      expect(await until(() => (hdfs.nn.namesystem.fsd.resolveExisting('/user/alice/a/busy') as INodeFile).uc !== null, 10_000)).to.equal(true);
      const other = await hdfs.client('alice');
      const busy = await rejection(appendBytes(other, 'a/busy', Buffer.from('x')));
      expect(busy.details?.['exceptionClassName']).to.equal('org.apache.hadoop.hdfs.protocol.AlreadyBeingCreatedException');
      expect(busy.message).to.match(/Failed to APPEND_FILE \/user\/alice\/a\/busy for DFSClient_\S+ on 127\.0\.0\.1 because this file lease is currently owned by DFSClient_\S+ on 127\.0\.0\.1/);
      const twice = await rejection(appendBytes(fs, 'a/busy', Buffer.from('x')));
      expect(twice.message).to.match(/because DFSClient_\S+ is already the current lease holder\.$/);
      await new Promise<void>((resolve, reject) => held.end((e?: Error | null) => (e ? reject(e) : resolve())));
      await readBack('a/busy', Buffer.from('0123456789abc'), 'the holder finished');

      const bob = await hdfs.client('bob');
      const denied = await rejection(appendBytes(bob, '/user/alice/a/busy', Buffer.from('x')));
      expect(denied.details?.['exceptionClassName']).to.equal('org.apache.hadoop.security.AccessControlException');
      expect(denied.message).to.match(/Permission denied: user=bob, access=WRITE, inode="\/user\/alice\/a\/busy"/);
      const missing = await rejection(appendBytes(fs, 'a/none', Buffer.from('x')));
      expect(missing.details?.['exceptionClassName']).to.equal('java.io.FileNotFoundException');
      expect(missing.message).to.contain('Failed to append to non-existent file /user/alice/a/none for client 127.0.0.1');
      await appendBytes(fs, 'a/busy', Buffer.from('!'));
      await readBack('a/busy', Buffer.from('0123456789abc!'), 'after the refusals');
    });

    it('a NameNode restart and a DataNode restart after an append keep the file readable and appendable', async () => {
      const a = randomBytes(1000);
      const b = randomBytes(1234);
      await fs.writeFile('a/r', a);
      await appendBytes(fs, 'a/r', b);
      await hdfs.restartNameNode();
      expect(await until(() => blocksOf('a/r').every((x) => x.replicas.size > 0), 30_000)).to.equal(true);
      await readBack('a/r', Buffer.concat([a, b]), 'after the NameNode restart');
      await hdfs.restartDataNode(0);
      expect(await until(() => hdfs.nn.namesystem.datanodes.live().length === 1, 30_000)).to.equal(true);
      await readBack('a/r', Buffer.concat([a, b]), 'after the DataNode restart');
      const c = randomBytes(99);
      await appendBytes(fs, 'a/r', c);
      await readBack('a/r', Buffer.concat([a, b, c]), 'appended after both restarts');
    });

    it('hsec fs -appendToFile: local files, - (stdin), a missing destination is created, -n, and its refusals', async () => {
      const alice = await fsShellUser(hdfs, 'alice');
      const shell = async (stdin: NodeJS.ReadableStream | undefined, ...args: string[]) => {
        const { code, out, err } = await alice.fsWithStdin(stdin, ...args);
        return { code, out, err };
      };
      const l1 = join(dir, 'l1');
      const l2 = join(dir, 'l2');
      writeFileSync(l1, 'one\n');
      writeFileSync(l2, randomBytes(3000));
      expect(await shell(undefined, '-appendToFile', l1, l2, 'a/shell')).to.deep.equal({ code: 0, out: '', err: '' });
      expect(await shell(undefined, '-appendToFile', l1, 'a/shell')).to.include({ code: 0 });
      const stdin = new PassThrough();
      stdin.end('from stdin\n');
      expect(await shell(stdin, '-appendToFile', '-', 'a/shell')).to.include({ code: 0 });
      expect(await shell(undefined, '-appendToFile', '-n', l1, 'a/shell')).to.include({ code: 0 });
      const expected = Buffer.concat([readFileSync(l1), readFileSync(l2), readFileSync(l1), Buffer.from('from stdin\n'), readFileSync(l1)]);
      await readBack('a/shell', expected, '-appendToFile');
      expect(blocksOf('a/shell').at(-1)!.numBytes, '-n put the last file in a block of its own').to.equal(4);
      expect(await shell(undefined, '-appendToFile', l1)).to.deep.equal({ code: 1, out: '', err: 'appendToFile: missing destination argument\n' });
      expect(await shell(undefined, '-appendToFile', join(dir, 'nope'), 'a/shell2')).to.deep.equal({ code: 1, out: '', err: `appendToFile: ${join(dir, 'nope')} (No such file or directory)\n` });
      expect((await fs.stat('a/shell2')).length, 'the destination was created before the source failed').to.equal(0);
      expect(await shell(undefined, '-appendToFile', l1, 'a')).to.deep.equal({ code: 1, out: '', err: 'appendToFile: Cannot append to directory /user/alice/a; already exists as a directory.\n' });
      expect(await shell(undefined, '-appendToFile', '-', l1, 'a/shell')).to.deep.equal({ code: 1, out: '', err: 'appendToFile: stdin (-) must be the sole input argument when present\n' });
    });
  });

  describe('two DataNodes, data-transfer privacy with AES/CTR', () => {
    let dir: string;
    let hdfs: SecureHdfs;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'hsec-append2-'));
      hdfs = await startSecureHdfs(realm.kdc, dir, {
        dataNodes: 2,
        conf: {
          ...SMALL_BLOCKS, 'dfs.replication': '2', 'dfs.data.transfer.protection': 'privacy', 'dfs.encrypt.data.transfer.cipher.suites': 'AES/CTR/NoPadding',
          // a lease not renewed for 3 s is recovered (the writer that dies below)
          'dfs.namenode.lease-hard-limit-sec': '3', 'dfs.namenode.lease-recheck-interval-ms': '500',
        },
      });
    });
    after(async () => {
      await hdfs?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('an append runs through both replicas (the mirror path); each DataNode alone serves the whole file', async () => {
      const fs = await hdfs.client('alice');
      const a = randomBytes(2500);
      const b = randomBytes(6000);
      await fs.writeFile('p', a);
      await appendBytes(fs, 'p', b);
      const expected = Buffer.concat([a, b]);
      expect(Buffer.compare(await fs.readFile('p'), expected)).to.equal(0);
      const file = hdfs.nn.namesystem.fsd.resolveExisting('/user/alice/p') as INodeFile;
      expect(await until(() => file.blocks.every((x) => x.replicas.size === 2), 10_000)).to.equal(true);
      for (const dn of hdfs.dns) {
        for (const blk of file.blocks) {
          const r = dn.dataset.getReplica(hdfs.nn.namesystem.blocks.blockPoolId, blk.blockId);
          expect(r, `replica of ${blk.blockId}`).to.include({ state: 'FINALIZED', genStamp: blk.generationStamp, numBytes: blk.numBytes });
        }
      }
      await hdfs.restartDataNode(0);
      expect(Buffer.compare(await fs.readFile('p'), expected)).to.equal(0);
    });

    it('a writer that dies mid-append after hflush: both replicas stay RBW, lease recovery (block recovery) closes the file with the old and the hflushed appended bytes', async () => {
      const fs = await hdfs.client('alice');
      const a = randomBytes(2500);
      const b = randomBytes(1200);
      await fs.writeFile('crash', a);
      const out = fs.append('crash');
      await new Promise<void>((resolve, reject) => out.write(b, (e) => (e ? reject(e) : resolve()))); // 2500 + 1200: within the block
      await out.hflush();
      const file = hdfs.nn.namesystem.fsd.resolveExisting('/user/alice/crash') as INodeFile;
      const stamp = file.lastBlock!.generationStamp; // updatePipeline has run: the append's stamp
      out.destroy(); // gone without its last packet or complete()
      expect(await until(() => file.uc === null, 20_000), 'the lease recovered').to.equal(true);
      // block recovery: the primary DataNode agreed on the RBW replicas' length under a new recovery id
      expect(file.length()).to.equal(3700);
      expect(file.lastBlock!.generationStamp).to.be.greaterThan(stamp);
      // the primary recovered the other DataNode's replica too (InterDatanodeProtocol)
      for (const dn of hdfs.dns) {
        expect(dn.dataset.getReplica(hdfs.nn.namesystem.blocks.blockPoolId, file.lastBlock!.blockId)).to.include({ state: 'FINALIZED', genStamp: file.lastBlock!.generationStamp, numBytes: 3700 });
      }
      expect(Buffer.compare(await fs.readFile('crash'), Buffer.concat([a, b]))).to.equal(0);
      await appendBytes(fs, 'crash', Buffer.from('tail'));
      expect(Buffer.compare(await fs.readFile('crash'), Buffer.concat([a, b, Buffer.from('tail')]))).to.equal(0);
    });
  });
});
