/**
 * Truncate (HDFS-3107) end to end over a real MIT KDC with the hsec NameNode and DataNode
 * (Kerberos RPC, block tokens), blocks of 4096 bytes:
 *
 *  - on a block boundary: true at once, the bytes past it gone, the removed blocks' replicas deleted
 *    on the DataNode (BlockCommand INVALIDATE);
 *  - inside a block: false; the DataNode cuts its replica in place (DNA_RECOVERBLOCK with the
 *    truncate block, initReplicaRecovery / updateReplicaUnderRecovery, commitBlockSynchronization)
 *    and the file closes at the new length under the recovery id, holding the prefix;
 *  - `hsec fs -truncate` with and without -w, FsShell's lines; `-truncate -w` returns once the
 *    file has the new length;
 *  - refusals: a negative length (over the wire, as a stock client could send it), a larger one, a
 *    directory, a file another client writes, no WRITE permission;
 *  - append after a truncate, and a NameNode restart keeping the truncated length;
 *  - with two DataNodes (replication 2, service authorization on), the primary cuts the other's
 *    replica over InterDatanodeProtocol: both replicas end at the new length under the recovery id.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import { acquireRpcClient } from '../../../cluster/client/shared-rpc-client.ts';
import { startSecureHdfs, type SecureHdfs } from '../../../cluster/mini/secure-hdfs.ts';
import type { INodeFile } from '../../../cluster/namenode/namespace/inode.ts';
import { CLIENT_PROTOCOL_INFO } from '../../../cluster/protocol/client-protocol.ts';
import { ClientProtocolClient } from '../../../cluster/protocol/client-protocol-client.ts';
import { callCredentials } from '../../../security/sasl/rpc/protocol-security.ts';
import { UsageError } from '../../../cluster/cli/usage.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { fsShellUser, type FsShellUser } from '../../support/fs-shell.ts';
import { until } from '../../support/until.ts';

const BLOCK = 4096;
const SMALL_BLOCKS = { 'dfs.blocksize': String(BLOCK), 'dfs.namenode.fs-limits.min-block-size': '1024', 'dfs.data.transfer.protection': 'authentication' };

/** Bytes that differ from block to block and within a block. */
function pattern(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + (i >> 12) * 7) & 0xff;
  return b;
}

async function refusal(p: Promise<unknown>): Promise<Error & { details?: Record<string, unknown> }> {
  const e = await p.then(() => undefined, (x: Error & { details?: Record<string, unknown> }) => x);
  expect(e, 'expected a refusal').to.be.instanceOf(Error);
  return e!;
}

describe('hdfs: truncate (MIT KDC, hsec NameNode and DataNode, in-place truncate recovery)', function () {
  this.timeout(180_000);
  const realm = useMiniKdc();
  let dir: string;
  let hdfs: SecureHdfs;
  let fs: HdfsClient;
  let shell: FsShellUser;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-truncate-'));
    hdfs = await startSecureHdfs(realm.kdc, dir, { conf: SMALL_BLOCKS });
    fs = await hdfs.client('alice');
    shell = await fsShellUser(hdfs, 'alice');
  });
  after(async () => {
    await hdfs?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const bpid = () => hdfs.nn.namesystem.blocks.blockPoolId;
  const inode = (path: string) => hdfs.nn.namesystem.fsd.resolveExisting(path) as INodeFile;
  const replica = (blockId: number) => hdfs.dns[0]!.dataset.getReplica(bpid(), blockId);

  async function write(path: string, n: number): Promise<INodeFile> {
    await fs.writeFile(path, pattern(n));
    expect(await until(() => inode(path).uc === null, 10_000)).to.equal(true);
    return inode(path);
  }

  it('on a block boundary: true, the bytes past it gone, the removed blocks\' replicas deleted on the DataNode', async () => {
    const path = '/user/alice/boundary';
    const file = await write(path, 3 * BLOCK + 100);
    const removed = file.blocks.slice(1).map((b) => b.blockId);
    for (const id of removed) expect(replica(id), 'a replica before').to.deep.include({ state: 'FINALIZED' });
    expect(await fs.truncate(path, BLOCK)).to.equal(true);
    expect((await fs.stat(path)).length).to.equal(BLOCK);
    expect(Buffer.compare(await fs.readFile(path), pattern(BLOCK))).to.equal(0);
    expect(await until(() => removed.every((id) => replica(id) === undefined), 30_000), 'the DataNode deleted the removed blocks\' replicas').to.equal(true);
  });

  it('inside a block: false, then the DataNode cuts its replica in place and the file closes at the new length with the prefix; append goes on after it; a NameNode restart keeps it', async () => {
    const path = '/user/alice/middle';
    const file = await write(path, 2 * BLOCK + 500);
    const kept = file.blocks[1]!;
    const oldStamp = kept.generationStamp;
    expect(await fs.truncate(path, BLOCK + 1000)).to.equal(false);
    // as Hadoop: until the recovery commits, the length still counts the whole last block
    expect((await fs.stat(path)).length).to.be.oneOf([2 * BLOCK, BLOCK + 1000]);
    expect(await until(() => inode(path).uc === null, 30_000), 'the DataNode recovered the block and the file closed').to.equal(true);
    const last = inode(path).lastBlock!;
    expect([last.blockId, last.numBytes, last.state, inode(path).blocks.length]).to.deep.equal([kept.blockId, 1000, 'COMPLETE', 2]);
    expect(last.generationStamp, 'the recovery id is the block\'s new stamp').to.be.greaterThan(oldStamp);
    expect(replica(kept.blockId), 'the replica cut in place').to.deep.include({ state: 'FINALIZED', numBytes: 1000, genStamp: last.generationStamp });
    expect((await fs.stat(path)).length).to.equal(BLOCK + 1000);
    expect(Buffer.compare(await fs.readFile(path), pattern(BLOCK + 1000)), 'the prefix').to.equal(0);

    await pipeline(Readable.from([Buffer.from('tail')]), fs.append(path));
    expect(Buffer.compare(await fs.readFile(path), Buffer.concat([pattern(BLOCK + 1000), Buffer.from('tail')]))).to.equal(0);

    await hdfs.restartNameNode();
    expect(inode(path).length()).to.equal(BLOCK + 1004);
    const readable = async () => (await fs.readFile(path).catch(() => Buffer.alloc(0))).length === BLOCK + 1004;
    const deadline = Date.now() + 30_000;
    while (!(await readable()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(Buffer.compare(await fs.readFile(path), Buffer.concat([pattern(BLOCK + 1000), Buffer.from('tail')])), 'after the restart').to.equal(0);
  });

  it('hsec fs -truncate: FsShell\'s lines on a boundary, inside a block, and with -w (returns once the file has the new length)', async () => {
    await write('/user/alice/sh-boundary', 2 * BLOCK);
    await write('/user/alice/sh-middle', 2 * BLOCK);
    await write('/user/alice/sh-wait', 2 * BLOCK + 10);
    const a = await shell.fs('-truncate', String(BLOCK), '/user/alice/sh-boundary');
    expect([a.code, a.out, a.err]).to.deep.equal([0, `Truncated /user/alice/sh-boundary to length: ${BLOCK}\n`, '']);
    const b = await shell.fs('-truncate', '100', 'sh-middle');
    expect([b.code, b.out, b.err]).to.deep.equal([0, 'Truncating sh-middle to length: 100. Wait for block recovery to complete before further updating this file.\n', '']);
    const c = await shell.fs('-truncate', '-w', String(BLOCK + 5), '/user/alice/sh-wait');
    expect([c.code, c.out, c.err]).to.deep.equal([0, `Waiting for /user/alice/sh-wait ...\nTruncated /user/alice/sh-wait to length: ${BLOCK + 5}\n`, '']);
    expect((await fs.stat('/user/alice/sh-wait')).length).to.equal(BLOCK + 5);
    expect(Buffer.compare(await fs.readFile('/user/alice/sh-wait'), pattern(BLOCK + 5))).to.equal(0);
    expect(await until(() => inode('/user/alice/sh-middle').uc === null, 30_000)).to.equal(true);
    expect(Buffer.compare(await fs.readFile('/user/alice/sh-middle'), pattern(100))).to.equal(0);

    // the shell's refusals: a directory, a missing path, a larger length (stops the command), a length that is no number
    const dirRun = await shell.fs('-truncate', '0', '/user/alice', '/user/alice/none');
    expect([dirRun.code, dirRun.err]).to.deep.equal([1, 'truncate: `/user/alice\': Is a directory\ntruncate: `/user/alice/none\': No such file or directory\n']);
    await shell.fs('-truncate', '99999', '/user/alice/sh-wait').then(() => expect.fail('accepted'), (e: Error) => {
      expect(e).to.be.instanceOf(UsageError);
      expect(e.message).to.equal(`-truncate: Cannot truncate to a larger file size. Current size: ${BLOCK + 5}, truncate size: 99999.`);
    });
    await shell.fs('-truncate', 'ten', '/user/alice/sh-wait').then(() => expect.fail('accepted'), (e: Error) => {
      expect(e.message).to.equal('-truncate: For input string: "ten"');
    });
  });

  it('refusals: a negative length over the wire, a larger one, a directory, a file another client writes, no WRITE permission', async () => {
    const path = '/user/alice/refused';
    await write(path, 1000);
    const rpc = acquireRpcClient(hdfs.conf);
    try {
      const raw = new ClientProtocolClient({ rpc: rpc.rpc, address: fs.nameNode, credentials: callCredentials(fs.user, CLIENT_PROTOCOL_INFO, hdfs.conf), timeoutMs: 20_000 });
      const negative = await refusal(raw.truncate(path, -1, 'DFSClient_raw'));
      expect([negative.details?.['exceptionClassName'], negative.details?.['errorMsg']]).to.deep.equal(['org.apache.hadoop.HadoopIllegalArgumentException', 'Cannot truncate to a negative file size: -1.']);
    } finally {
      rpc.release();
    }
    const larger = await refusal(fs.truncate(path, 1001));
    expect([larger.details?.['exceptionClassName'], larger.details?.['errorMsg']]).to.deep.equal(['org.apache.hadoop.HadoopIllegalArgumentException', 'Cannot truncate to a larger file size. Current size: 1000, truncate size: 1001.']);
    const directory = await refusal(fs.truncate('/user/alice', 0));
    expect([directory.details?.['exceptionClassName'], directory.details?.['errorMsg']]).to.deep.equal(['java.io.FileNotFoundException', 'Path is not a file: /user/alice']);
    const bob = await hdfs.client('bob');
    const denied = await refusal(bob.truncate(path, 10));
    expect(denied.details?.['exceptionClassName']).to.equal('org.apache.hadoop.security.AccessControlException');
    expect(denied.details?.['errorMsg']).to.match(/^Permission denied: user=bob, access=WRITE, inode="\/user\/alice\/refused":alice:/);

    const writer = await hdfs.client('alice');
    const out = writer.createWriteStream('/user/alice/open');
    await new Promise<void>((resolve, reject) => out.write(Buffer.alloc(700, 7), (e) => (e ? reject(e) : resolve())));
    await out.hflush();
    const open = await refusal(fs.truncate('/user/alice/open', 10));
    expect(open.details?.['exceptionClassName']).to.equal('org.apache.hadoop.hdfs.protocol.AlreadyBeingCreatedException');
    expect(open.details?.['errorMsg']).to.match(/^Failed to TRUNCATE_FILE \/user\/alice\/open for DFSClient_\S+ on 127\.0\.0\.1 because this file lease is currently owned by DFSClient_\S+ on 127\.0\.0\.1$/);
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    expect((await fs.stat(path)).length, 'nothing refused changed the file').to.equal(1000);
  });

  describe('two DataNodes, replication 2', () => {
    let dir2: string;
    let two: SecureHdfs;
    before(async () => {
      dir2 = mkdtempSync(join(tmpdir(), 'hsec-truncate2-'));
      two = await startSecureHdfs(realm.kdc, dir2, { dataNodes: 2, conf: { ...SMALL_BLOCKS, 'dfs.replication': '2', 'hadoop.security.authorization': 'true' } });
    });
    after(async () => {
      await two?.stop();
      rmSync(dir2, { recursive: true, force: true });
    });

    it('inside a block: the primary cuts both replicas (the other over InterDatanodeProtocol); both become the block\'s locations at the new length', async () => {
      const alice = await two.client('alice');
      const path = '/user/alice/two';
      await alice.writeFile(path, pattern(BLOCK + 3000));
      const file = two.nn.namesystem.fsd.resolveExisting(path) as INodeFile;
      expect(await until(() => file.uc === null && file.blocks.every((b) => b.replicas.size === 2), 10_000)).to.equal(true);
      expect(await alice.truncate(path, BLOCK + 777)).to.equal(false);
      expect(await until(() => file.uc === null, 30_000), 'the file closed after the recovery').to.equal(true);
      const last = file.lastBlock!;
      expect([last.numBytes, last.replicas.size]).to.deep.equal([777, 2]);
      for (const dn of two.dns) {
        expect(dn.dataset.getReplica(two.nn.namesystem.blocks.blockPoolId, last.blockId)).to.deep.include({ state: 'FINALIZED', numBytes: 777, genStamp: last.generationStamp });
      }
      expect(Buffer.compare(await alice.readFile(path), pattern(BLOCK + 777))).to.equal(0);
    });
  });
});
