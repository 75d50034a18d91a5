/**
 * Lease recovery that keeps the data, end to end over a real MIT KDC with the hsec NameNode and
 * DataNode (Kerberos RPC privacy, block tokens): a writer in its own process writes a full 4096-byte
 * block and 1500 bytes of a second, hflushes, and is SIGKILLed. Then:
 *
 *  - another client's recoverLease (ClientProtocol) answers false while the DataNode recovers the
 *    block (DNA_RECOVERBLOCK, initReplicaRecovery / updateReplicaUnderRecovery on its RBW replica,
 *    commitBlockSynchronization), then true; the file holds every hflushed byte at the length the
 *    DataNode agreed, under the recovery id, and keeps it across a NameNode restart;
 *  - another client's append (and create) past the soft limit (the NameNode's ManualClock moved 61 s):
 *    AlreadyBeingCreated before it, RecoveryInProgress while the block is recovered, then the append
 *    goes on after the recovered bytes (the create finds the file);
 *  - an appender SIGKILLed after hflush: the RBW replica of the append keeps its acknowledged bytes
 *    and block recovery keeps them (Hadoop does not roll an unfinished append back);
 *  - a reader of the file while its writer lives sees every hflushed byte (getReplicaVisibleLength on
 *    the DataNode's IPC port, authenticated by the block token), and the protocol's refusals;
 *  - with two DataNodes the primary recovers the other's replica over InterDatanodeProtocol;
 *  - the hard limit (3 s on a second cluster): the lease monitor recovers under HDFS_NameNode;
 *  - `hsec debug recoverLease -path P -retries N` prints DebugAdmin's lines around the same;
 *  - commitBlockSynchronization over real IPC as the DataNode principal with a recovery id the
 *    NameNode never gave is refused with Hadoop's message, the open file untouched.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import type { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import { acquireRpcClient } from '../../../cluster/client/shared-rpc-client.ts';
import { runDebug } from '../../../cluster/cli/commands/debug.ts';
import { startSecureHdfs, type SecureHdfs } from '../../../cluster/mini/secure-hdfs.ts';
import type { INodeFile } from '../../../cluster/namenode/namespace/inode.ts';
import { DATANODE_PROTOCOL_INFO } from '../../../cluster/protocol/datanode-protocol.ts';
import { DatanodeProtocolClient } from '../../../cluster/protocol/datanode-protocol-client.ts';
import { readBlockLength } from '../../../cluster/client/block-length.ts';
import { CLIENT_DATANODE_PROTOCOL_INFO, ClientDatanodeProtocolClient } from '../../../cluster/protocol/client-datanode-protocol.ts';
import { InterDatanodeProtocolClient } from '../../../cluster/protocol/inter-datanode-protocol-client.ts';
import { INTER_DATANODE_PROTOCOL_INFO } from '../../../cluster/protocol/inter-datanode-protocol.ts';
import { ManualClock } from '../../../lib/time/clock.ts';
import { User } from '../../../security/identity/user.ts';
import { loadKrb5Config } from '../../../security/kerberos/config/index.ts';
import { callCredentials } from '../../../security/sasl/rpc/protocol-security.ts';
import { waitForOutput } from '../../support/child-output.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { fsShellUser } from '../../support/fs-shell.ts';
import { until } from '../../support/until.ts';
import { leaseRecoveryPattern } from './lease-recovery-pattern.ts';

/** `until` for a condition that is a call: polls every 200 ms. */
async function untilAsync(cond: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const BLOCK = 4096;
const FLUSHED = BLOCK + 1500;
const SMALL_BLOCKS = { 'dfs.blocksize': String(BLOCK), 'dfs.namenode.fs-limits.min-block-size': '1024', 'dfs.data.transfer.protection': 'authentication' };

describe('hdfs: lease recovery keeps the hflushed bytes (MIT KDC, hsec NameNode and DataNode, a writer killed with SIGKILL)', function () {
  this.timeout(240_000);
  const realm = useMiniKdc();
  const children = new Set<ChildProcess>();
  afterEach(() => {
    for (const c of children) c.kill('SIGKILL');
    children.clear();
  });

  /** Runs the writer as alice in its own process until it has hflushed, then SIGKILLs it. */
  async function writeAndDie(hdfs: SecureHdfs, path: string): Promise<INodeFile> {
    const alice = await fsShellUser(hdfs, 'alice');
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test/integration/hdfs/hflush-writer-child.ts'), path, String(FLUSHED)], {
      cwd: REPO, env: { ...process.env, ...alice.env, HSEC_LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    await waitForOutput(child, `FLUSHED ${FLUSHED}`, 60_000, 'the hflush writer');
    const file = hdfs.nn.namesystem.fsd.resolveExisting(path) as INodeFile;
    const last = file.lastBlock!;
    const bpid = hdfs.nn.namesystem.blocks.blockPoolId;
    // hflush: every byte is on the DataNode and acknowledged before FLUSHED
    for (const dn of hdfs.dns) expect(dn.dataset.getReplica(bpid, last.blockId)).to.deep.include({ state: 'RBW', numBytes: 1500 });
    expect([file.blocks.length, file.blocks[0]!.state, file.uc!.clientName]).to.deep.include.members([2, 'COMPLETE']);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    children.delete(child);
    return file;
  }

  async function expectRecovered(hdfs: SecureHdfs, fs: HdfsClient, path: string, file: INodeFile, stampBefore: number): Promise<void> {
    const last = file.lastBlock!;
    expect([file.uc, file.length(), last.numBytes, last.state]).to.deep.equal([null, FLUSHED, 1500, 'COMPLETE']);
    expect(last.generationStamp, 'the recovery id is the block\'s new stamp').to.be.greaterThan(stampBefore);
    for (const dn of hdfs.dns) {
      expect(dn.dataset.getReplica(hdfs.nn.namesystem.blocks.blockPoolId, last.blockId), 'every replica recovered').to.deep.include({ state: 'FINALIZED', numBytes: 1500, genStamp: last.generationStamp });
    }
    expect(last.replicas.size, 'the recovered replicas are the block\'s locations').to.equal(hdfs.dns.length);
    const back = await fs.readFile(path);
    expect(back.length).to.equal(FLUSHED);
    expect(Buffer.compare(back, leaseRecoveryPattern(FLUSHED)), 'every hflushed byte').to.equal(0);
    expect((await fs.stat(path)).length).to.equal(FLUSHED);
  }

  describe('one DataNode, the NameNode on a ManualClock (the soft limit)', () => {
    let dir: string;
    let hdfs: SecureHdfs;
    let clock: ManualClock;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'hsec-lease-recovery-'));
      clock = new ManualClock(Date.now());
      hdfs = await startSecureHdfs(realm.kdc, dir, { conf: SMALL_BLOCKS, clock });
    });
    after(async () => {
      await hdfs?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('recoverLease: false while the DataNode recovers the last block, then true; every hflushed byte is kept at the agreed length, also after a NameNode restart', async () => {
      const path = '/user/alice/recover-lease';
      const file = await writeAndDie(hdfs, path);
      const stampBefore = file.lastBlock!.generationStamp;
      const fs = await hdfs.client('alice');
      expect(await fs.recoverLease(path), 'block recovery started').to.equal(false);
      expect(file.lastBlock!.state === 'UNDER_RECOVERY' || file.uc === null).to.equal(true);
      expect(await untilAsync(() => fs.recoverLease(path), 30_000), 'recoverLease returns true once the DataNode committed').to.equal(true);
      await expectRecovered(hdfs, fs, path, file, stampBefore);

      await hdfs.restartNameNode();
      const again = hdfs.nn.namesystem.fsd.resolveExisting(path) as INodeFile;
      expect([again.uc, again.length(), again.lastBlock!.generationStamp]).to.deep.equal([null, FLUSHED, file.lastBlock!.generationStamp]);
      expect(await untilAsync(async () => (await fs.readFile(path).catch(() => Buffer.alloc(0))).length === FLUSHED, 30_000), 'readable after the restart (the DataNode reported again)').to.equal(true);
      expect(Buffer.compare(await fs.readFile(path), leaseRecoveryPattern(FLUSHED))).to.equal(0);
    });

    it('append and create by another client: AlreadyBeingCreated within the soft limit, RecoveryInProgress past it while the block is recovered, then the append continues after the kept bytes', async () => {
      const path = '/user/alice/soft-limit';
      const file = await writeAndDie(hdfs, path);
      const stampBefore = file.lastBlock!.generationStamp;
      const fs = await hdfs.client('alice');
      const refusal = async (p: Promise<unknown>) => (await p.then(() => undefined, (e: Error & { details?: Record<string, unknown> }) => e))!;
      const appendTail = () => pipeline(Readable.from([Buffer.from('tail')]), fs.append(path));
      const early = await refusal(appendTail());
      expect(early.details?.['exceptionClassName']).to.equal('org.apache.hadoop.hdfs.protocol.AlreadyBeingCreatedException');
      expect(early.details?.['errorMsg']).to.match(/^Failed to APPEND_FILE \/user\/alice\/soft-limit for DFSClient_\S+ on 127\.0\.0\.1 because this file lease is currently owned by DFSClient_\S+ on 127\.0\.0\.1$/);

      clock.advance(61_000);
      const recovering = await refusal(fs.writeFile(path, 'x'));
      expect(recovering.details?.['exceptionClassName']).to.equal('org.apache.hadoop.hdfs.protocol.RecoveryInProgressException');
      expect(recovering.details?.['errorMsg']).to.match(/^Failed to CREATE_FILE \/user\/alice\/soft-limit for DFSClient_\S+ on 127\.0\.0\.1 because lease recovery is in progress\. Try again later\.$/);
      expect(await until(() => file.uc === null, 30_000), 'the DataNode recovered the block and the file closed').to.equal(true);
      await expectRecovered(hdfs, fs, path, file, stampBefore);
      const exists = await refusal(fs.writeFile(path, 'x'));
      expect(exists.details?.['exceptionClassName']).to.equal('org.apache.hadoop.fs.FileAlreadyExistsException');

      await appendTail();
      const back = await fs.readFile(path);
      expect(Buffer.compare(back, Buffer.concat([leaseRecoveryPattern(FLUSHED), Buffer.from('tail')]))).to.equal(0);
    });

    it('a reader sees every hflushed byte of a file still being written: the last block\'s length from the DataNode (ClientDatanodeProtocol.getReplicaVisibleLength, block token over DIGEST-MD5); its refusals', async () => {
      const path = '/user/alice/being-written';
      const alice = await fsShellUser(hdfs, 'alice');
      const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test/integration/hdfs/hflush-writer-child.ts'), path, String(FLUSHED)], {
        cwd: REPO, env: { ...process.env, ...alice.env, HSEC_LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.add(child);
      await waitForOutput(child, `FLUSHED ${FLUSHED}`, 60_000, 'the hflush writer');
      const file = hdfs.nn.namesystem.fsd.resolveExisting(path) as INodeFile;
      expect([file.uc?.clientName !== undefined, file.lastBlock!.numBytes], 'the NameNode knows no byte of the last block').to.deep.equal([true, 0]);
      const fs = await hdfs.client('bob');
      const back = await fs.readFile(path);
      expect(back.length, 'the complete block and the hflushed bytes of the one being written').to.equal(FLUSHED);
      expect(Buffer.compare(back, leaseRecoveryPattern(FLUSHED))).to.equal(0);

      // the protocol itself: a block token for the block is the only way in
      const located = (await hdfs.nn.namesystem.blocks.locatedBlocks(file, 0, FLUSHED, 'bob')).lastBlock!;
      const rpc = acquireRpcClient(hdfs.conf);
      const krb5 = loadKrb5Config(hdfs.kdc.krb5ConfPath);
      const dnUser = await User.fromKeytab(hdfs.kdc.principal('dn/localhost'), join(dir, 'dn.keytab'), { krb5, conf: hdfs.conf, env: {} });
      try {
        expect(await readBlockLength(rpc.rpc, located, 20_000)).to.equal(1500);
        const ipc = { host: '127.0.0.1', port: hdfs.dns[0]!.ipcAddress.port };
        const kerberosOnly = new ClientDatanodeProtocolClient({ rpc: rpc.rpc, address: ipc, credentials: callCredentials(dnUser, CLIENT_DATANODE_PROTOCOL_INFO, hdfs.conf, krb5), timeoutMs: 20_000 });
        const refusal = async (p: Promise<unknown>) => (await p.then(() => undefined, (e: Error & { details?: Record<string, unknown> }) => e))!;
        const noToken = await refusal(kerberosOnly.getReplicaVisibleLength(located.b));
        expect([noToken.details?.['exceptionClassName'], noToken.details?.['errorMsg']]).to.deep.equal(['java.io.IOException', 'Can\'t continue since none or more than one BlockTokenIdentifier is found.']);
        const first = (await hdfs.nn.namesystem.blocks.locatedBlocks(file, 0, 1, 'bob')).blocks![0]!;
        const otherBlock = await refusal(readBlockLength(rpc.rpc, { ...located, blockToken: first.blockToken }, 20_000));
        expect(otherBlock.message).to.match(/^Cannot obtain block length for LocatedBlock\{/);
      } finally {
        rpc.release();
        dnUser.close();
      }
    });

    it('an appender SIGKILLed after hflush: its replica stays RBW under the append\'s stamp and recoverLease keeps every hflushed appended byte (FsDatasetImpl.append, BlockRecoveryWorker)', async () => {
      const path = '/user/alice/append-dies';
      const fs = await hdfs.client('alice');
      const BEFORE = 1000;
      const AFTER = 2600; // within the block
      await fs.writeFile(path, leaseRecoveryPattern(BEFORE));
      const file = hdfs.nn.namesystem.fsd.resolveExisting(path) as INodeFile;
      const stampBefore = file.lastBlock!.generationStamp;
      const alice = await fsShellUser(hdfs, 'alice');
      const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test/integration/hdfs/hflush-writer-child.ts'), path, String(AFTER), String(BEFORE)], {
        cwd: REPO, env: { ...process.env, ...alice.env, HSEC_LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.add(child);
      await waitForOutput(child, `FLUSHED ${AFTER - BEFORE}`, 60_000, 'the hflush appender');
      const bpid = hdfs.nn.namesystem.blocks.blockPoolId;
      const last = file.lastBlock!;
      const appendStamp = last.generationStamp;
      expect(appendStamp, 'updatePipeline recorded the append\'s stamp').to.be.greaterThan(stampBefore);
      expect(hdfs.dns[0]!.dataset.getReplica(bpid, last.blockId)).to.deep.include({ state: 'RBW', numBytes: AFTER, genStamp: appendStamp });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      children.delete(child);
      expect(await untilAsync(() => fs.recoverLease(path), 30_000), 'recoverLease returns true once the DataNode committed').to.equal(true);
      expect([file.uc, file.length(), last.numBytes, last.state]).to.deep.equal([null, AFTER, AFTER, 'COMPLETE']);
      expect(last.generationStamp, 'the recovery id is the block\'s new stamp').to.be.greaterThan(appendStamp);
      expect(hdfs.dns[0]!.dataset.getReplica(bpid, last.blockId)).to.deep.include({ state: 'FINALIZED', numBytes: AFTER, genStamp: last.generationStamp });
      expect(Buffer.compare(await fs.readFile(path), leaseRecoveryPattern(AFTER)), 'the old bytes and every hflushed appended byte').to.equal(0);
    });

    it('hsec debug recoverLease as DebugAdmin: returned false, a retry after 5 s, then SUCCEEDED; a closed file at once; its refusals', async function () {
      this.timeout(120_000);
      const path = '/user/alice/debug';
      const file = await writeAndDie(hdfs, path);
      const stampBefore = file.lastBlock!.generationStamp;
      const alice = await fsShellUser(hdfs, 'alice');
      const run = async (...args: string[]) => {
        let out = '';
        let err = '';
        const code = await runDebug(alice.confDir, args, { out: (s) => void (out += s), err: (s) => void (err += s), env: alice.env });
        return { code, out, err };
      };
      expect(await run('recoverLease', '-path', path, '-retries', '3')).to.deep.equal({
        code: 0, out: `recoverLease SUCCEEDED on ${path}\n`, err: 'recoverLease returned false.\nRetrying in 5000 ms...\nRetry #1\n',
      });
      await expectRecovered(hdfs, await hdfs.client('alice'), path, file, stampBefore);
      expect(await run('recoverLease', '-path', path)).to.deep.equal({ code: 0, out: `recoverLease SUCCEEDED on ${path}\n`, err: '' });
      expect(await run('recoverLease', '-retries', '1')).to.deep.equal({ code: 1, out: '', err: 'You must supply a -path argument to recoverLease.\n' });
      expect(await run('recoverLease', '-path', path, '-retries', 'x')).to.deep.include({ code: 1, err: 'Failed to parse the argument to -retries: java.lang.NumberFormatException: For input string: "x"\n' });
      expect(await run('recoverLease', '-path', '/user/alice/none')).to.deep.equal({
        code: 1, out: '', err: 'recoverLease got exception: File does not exist: /user/alice/none\nGiving up on recoverLease for /user/alice/none after 1 try\n',
      });
    });

    it('commitBlockSynchronization with a recovery id the NameNode never gave is refused over IPC; the open file is untouched', async () => {
      const fs = await hdfs.client('alice');
      const out = fs.createWriteStream('/user/alice/open');
      await new Promise<void>((resolve, reject) => out.write(Buffer.alloc(700, 7), (e) => (e ? reject(e) : resolve())));
      await out.hflush();
      const file = hdfs.nn.namesystem.fsd.resolveExisting('/user/alice/open') as INodeFile;
      const block = { poolId: hdfs.nn.namesystem.blocks.blockPoolId, blockId: file.lastBlock!.blockId, generationStamp: file.lastBlock!.generationStamp, numBytes: 700 };
      const krb5 = loadKrb5Config(hdfs.kdc.krb5ConfPath);
      const dnUser = await User.fromKeytab(hdfs.kdc.principal('dn/localhost'), join(dir, 'dn.keytab'), { krb5, conf: hdfs.conf, env: {} });
      const rpc = acquireRpcClient(hdfs.conf); // hadoop.rpc.protection of the cluster (privacy), as the DataNode's own
      try {
        const dnClient = new DatanodeProtocolClient({ rpc: rpc.rpc, address: hdfs.nn.address, credentials: callCredentials(dnUser, DATANODE_PROTOCOL_INFO, hdfs.conf, krb5), timeoutMs: 20_000 });
        const e = await dnClient.commitBlockSynchronization({ block, newGenStamp: 999_999, newLength: 700, closeFile: true, deleteBlock: false, newTaragets: [], newTargetStorages: [] })
          .then(() => undefined, (x: Error & { details?: Record<string, unknown> }) => x);
        expect(e, 'refused').to.be.instanceOf(Error);
        expect(e!.details?.['exceptionClassName'], e!.stack).to.equal('java.io.IOException');
        expect(e!.message).to.contain(`The recovery id 999999 does not match current recovery id 0 for block ${block.poolId}:blk_${block.blockId}_${block.generationStamp}`);
      } finally {
        rpc.release();
        dnUser.close();
      }
      expect(file.uc).to.not.equal(null);
      await new Promise<void>((resolve, reject) => out.end(Buffer.alloc(100, 8), (e?: Error | null) => (e ? reject(e) : resolve())));
      expect((await fs.readFile('/user/alice/open')).length).to.equal(800);
    });
  });

  describe('two DataNodes, replication 2: the primary recovers the other replica over InterDatanodeProtocol (Kerberos IPC)', () => {
    let dir: string;
    let hdfs: SecureHdfs;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'hsec-lease-recovery2-'));
      // service authorization on: InterDatanodeProtocol admits only the DataNode principal (its @KerberosInfo clientPrincipal)
      hdfs = await startSecureHdfs(realm.kdc, dir, { dataNodes: 2, conf: { ...SMALL_BLOCKS, 'dfs.replication': '2', 'hadoop.security.authorization': 'true' } });
    });
    after(async () => {
      await hdfs?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('both replicas are agreed on, finalized under the recovery id and become the block\'s locations; each holds every hflushed byte; a user may not call InterDatanodeProtocol', async () => {
      const path = '/user/alice/two-replicas';
      const file = await writeAndDie(hdfs, path);
      const stampBefore = file.lastBlock!.generationStamp;
      const fs = await hdfs.client('alice');
      expect(await untilAsync(() => fs.recoverLease(path), 30_000)).to.equal(true);
      await expectRecovered(hdfs, fs, path, file, stampBefore);
      // a user is not a DataNode: InterDatanodeProtocol refuses alice (service authorization, the DataNode principal check)
      const krb5 = loadKrb5Config(hdfs.kdc.krb5ConfPath);
      const alice = await User.fromKeytab(hdfs.kdc.principal('alice'), join(dir, 'alice.keytab'), { krb5, conf: hdfs.conf, env: {} });
      const rpc = acquireRpcClient(hdfs.conf);
      try {
        const peer = new InterDatanodeProtocolClient({ rpc: rpc.rpc, address: hdfs.dns[0]!.ipcAddress, credentials: callCredentials(alice, INTER_DATANODE_PROTOCOL_INFO, hdfs.conf, krb5), timeoutMs: 20_000 });
        const b = { poolId: hdfs.nn.namesystem.blocks.blockPoolId, blockId: file.lastBlock!.blockId, generationStamp: file.lastBlock!.generationStamp, numBytes: 1500 };
        const e = await peer.call('updateReplicaUnderRecovery', { block: b, recoveryId: b.generationStamp + 100, newLength: 0 }).then(() => undefined, (x: Error) => x);
        expect(e, 'refused').to.be.instanceOf(Error);
        expect(e!.message).to.match(/alice/);
        expect((e as Error & { details?: Record<string, unknown> }).details?.['exceptionClassName']).to.match(/AuthorizationException|AccessControlException/);
      } finally {
        rpc.release();
        alice.close();
      }
      // each replica holds the very bytes, with the checksums a read verifies
      for (const dn of hdfs.dns) {
        const r = dn.dataset.getReplica(hdfs.nn.namesystem.blocks.blockPoolId, file.lastBlock!.blockId)!;
        expect(Buffer.compare(readFileSync(r.blockFile), leaseRecoveryPattern(FLUSHED).subarray(BLOCK)), dn.xferAddress.port.toString()).to.equal(0);
      }
    });
  });

  describe('one DataNode, dfs.namenode.lease-hard-limit-sec = 3', () => {
    let dir: string;
    let hdfs: SecureHdfs;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'hsec-lease-hard-'));
      hdfs = await startSecureHdfs(realm.kdc, dir, { conf: { ...SMALL_BLOCKS, 'dfs.namenode.lease-hard-limit-sec': '3', 'dfs.namenode.lease-recheck-interval-ms': '500' } });
    });
    after(async () => {
      await hdfs?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('the lease monitor recovers the dead writer\'s lease under HDFS_NameNode and the DataNode keeps every hflushed byte', async () => {
      const path = '/user/alice/hard-limit';
      const file = await writeAndDie(hdfs, path);
      const stampBefore = file.lastBlock!.generationStamp;
      expect(await until(() => file.uc?.clientName === 'HDFS_NameNode' || file.uc === null, 20_000), 'the monitor took the lease').to.equal(true);
      expect(await until(() => file.uc === null, 30_000), 'closed after block recovery').to.equal(true);
      await expectRecovered(hdfs, await hdfs.client('alice'), path, file, stampBefore);
    });
  });
});
