/**
 * NameNode namespace throughput with durability on (every change appended and fdatasync'ed to the
 * namespace journal before it takes effect; changes run one at a time under the write lock):
 * mkdirs and a whole one-block file (create + addBlock + the DataNode's RECEIVED + complete, three
 * journal records) per second with 64 callers, getFileInfo and getBlockLocations per second (reads
 * take no lock and touch no disk), and the start-up of a namespace of HSEC_BENCH_INODES inodes
 * (default 100 000) from its snapshot and from a journal holding all of them: time and RSS.
 * Store files go to a temp dir on the default file system, removed at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SAFE_MODE_SETTINGS } from '../../cluster/namenode/blocks/startup-safe-mode.ts';
import { ManualClock } from '../../lib/time/clock.ts';
import { BlockTokenSecretManager } from '../../security/token/block-token-secret-manager.ts';
import { dummyExportedBlockKeys } from '../../security/token/keys/exported-block-keys.ts';
import { BlockManager } from '../../cluster/namenode/blocks/block-manager.ts';
import { DatanodeManager } from '../../cluster/namenode/blocks/datanode-manager.ts';
import { FileWrites } from '../../cluster/namenode/file-writes.ts';
import { FsDirectory } from '../../cluster/namenode/namespace/fs-directory.ts';
import { NamespaceStore } from '../../cluster/namenode/namespace/namespace-store.ts';
import { FsNamesystem, type CallerInfo } from '../../cluster/namenode/namesystem.ts';
import { exportedBlockKeysToProto } from '../../cluster/protocol/datanode-protocol.ts';
import type { Harness } from '../harness.ts';

export const name = 'namespace';

const HDFS: CallerInfo = { user: 'hdfs', groups: [], address: '127.0.0.1', ugi: 'hdfs (auth:SIMPLE)' };
const IDENTITY = { namespaceId: 1, clusterId: 'CID-bench', blockPoolId: 'BP-1-127.0.0.1-1', cTime: 0 };
const CALLERS = 64;

async function open(dir: string, compactionMinBytes?: number): Promise<{ ns: FsNamesystem; writes: FileWrites }> {
  const clock = new ManualClock(Date.now());
  const tokens = BlockTokenSecretManager.master({ keyUpdateInterval: 36_000_000, tokenLifetime: 36_000_000, blockPoolId: IDENTITY.blockPoolId, clock });
  const blocks = new BlockManager({ tokens });
  const datanodes = new DatanodeManager({ blocks, tokens, heartbeatExpireMs: 630_000, reportLeaseMs: 300_000, invalidateLimit: 1000, minDatanodeVersion: '2.1.0-beta', softwareVersion: '3.4.1' });
  const ns = new FsNamesystem({
    settings: {
      permissions: { enabled: true, superUser: 'hdfs', superGroup: 'supergroup' }, maxComponentLength: 255, maxDirectoryItems: 1_048_576,
      minBlockSize: 1_048_576, maxBlocksPerFile: 10_000, maxReplication: 512, lsLimit: 1000, batchedListingLimit: 100, maxCorruptFileBlocksReturned: 100, maxListOpenFilesResponses: 1000, accessTimePrecision: 0, leaseHardLimitMs: 1_200_000, supportAppends: true, auditDebugCmds: [], aclsEnabled: true, posixAclInheritance: true, xattrsEnabled: true, maxXAttrsPerInode: 32, maxXAttrSize: 16384,
      storagePolicyEnabled: true, storagePolicySuperuserOnly: false,
      caching: { enabled: true, maxListCachePoolsResponses: 100, maxListCacheDirectivesResponses: 100, refreshIntervalMs: 30_000 },
      safeMode: { ...DEFAULT_SAFE_MODE_SETTINGS, thresholdPct: 0 }, // no DataNodes report here
    },
    clock, blocks, datanodes, store: new NamespaceStore({ dir, ...(compactionMinBytes ? { compactionMinBytes } : {}) }),
  });
  await ns.load(() => new FsDirectory(IDENTITY, { owner: 'hdfs', group: 'supergroup', mtime: clock.now() }));
  const reg = ns.datanodes.register({
    datanodeID: { ipAddr: '127.0.0.1', hostName: 'localhost', datanodeUuid: 'dn', xferPort: 9866, infoPort: 9864, ipcPort: 9867 },
    storageInfo: { layoutVersion: -57, namespceID: IDENTITY.namespaceId, clusterID: IDENTITY.clusterId, cTime: 0 },
    keys: exportedBlockKeysToProto(dummyExportedBlockKeys()), softwareVersion: '3.4.1',
  }, { address: '127.0.0.1' }, clock.now());
  ns.datanodes.heartbeat({ registration: reg, reports: [{ storageUuid: 'DS-1', remaining: 2 ** 50, storage: { storageUuid: 'DS-1' } }] }, clock.now(), 0);
  return { ns, writes: new FileWrites(ns) };
}

/** `CALLERS` concurrent callers for `ms`; ops and seconds. */
async function concurrently(ms: number, op: (i: number) => Promise<unknown>): Promise<{ ops: number; seconds: number }> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CALLERS }, async () => {
    while (performance.now() - t0 < ms) await op(next++);
  }));
  return { ops: next, seconds: (performance.now() - t0) / 1000 };
}

export async function run(h: Harness): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'hsec-bench-ns-'));
  try {
    const { ns, writes } = await open(join(root, 'ops'));
    const dirs = await concurrently(3000, (i) => ns.mkdirs(`/d${i % 64}/x${i}`, { perm: 0o755 }, true, HDFS));
    h.results.push(row(h, `mkdirs, ${CALLERS} callers`, 'changes', true, dirs));
    const dn = ns.datanodes.get('dn')!;
    const files = await concurrently(3000, async (i) => {
      const src = `/f/${i}`;
      const client = `DFSClient_bench_${i}`;
      const st = await writes.create({ src, masked: { perm: 0o644 }, clientName: client, createFlag: 1, createParent: true, replication: 1, blockSize: 128 * 2 ** 20 }, HDFS);
      const lb = await writes.addBlock({ src, clientName: client, fileId: st.fileId }, HDFS);
      ns.blocks.processIncremental(dn, 'DS-1', 'DISK', [{ block: { blockId: lb.b.blockId, genStamp: lb.b.generationStamp, numBytes: 1000 }, status: 'RECEIVED' }]);
      await writes.complete(src, client, { ...lb.b, numBytes: 1000 }, st.fileId);
    });
    h.results.push(row(h, `one-block file (create, addBlock, complete), ${CALLERS} callers`, 'changes', false, files));
    let i = 0;
    await h.measure('getFileInfo', () => ns.getFileInfo(`/d${i % 64}/x${i++ % dirs.ops}`, HDFS), { group: 'reads', baseline: true });
    let j = 0;
    await h.measure('getBlockLocations (1 block, READ token)', () => ns.getBlockLocations(`/f/${j++ % files.ops}`, 0, 1000, HDFS), { group: 'reads' });
    await ns.store.close();

    const n = Number(process.env.HSEC_BENCH_INODES ?? 100_000);
    const big = join(root, 'big');
    const fill = await open(big, 2 ** 40); // no compaction: every inode stays in the journal
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 16 }, async (_, lane) => {
      for (let k = lane; k < n; k += 16) await fill.ns.mkdirs(`/p${k % 1000}/q${k}`, { perm: 0o755 }, true, HDFS);
    }));
    h.note(`filled ${n.toLocaleString('en-US')} directories in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await fill.ns.store.close();
    const replay = await timedOpen(big);
    h.note(`start-up replaying a journal of ${n.toLocaleString('en-US')} mkdirs: ${replay.ms.toFixed(0)} ms, RSS ${replay.rssMiB.toFixed(0)} MiB`);
    await replay.ns.store.compact(replay.ns.fsd);
    while (replay.ns.store.stats.compactions === 0) await new Promise((r) => setTimeout(r, 20)); // the snapshot is written in the background
    await replay.ns.store.close();
    const snap = await timedOpen(big);
    h.note(`start-up from a snapshot of ${snap.ns.fsd.inodeCount.toLocaleString('en-US')} inodes: ${snap.ms.toFixed(0)} ms, RSS ${snap.rssMiB.toFixed(0)} MiB`);
    await snap.ns.store.close();
    h.note('each change is one fdatasync, one at a time: change throughput is the disk\'s fsync rate');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function timedOpen(dir: string): Promise<{ ns: FsNamesystem; ms: number; rssMiB: number }> {
  const t0 = performance.now();
  const { ns } = await open(dir);
  return { ns, ms: performance.now() - t0, rssMiB: process.memoryUsage().rss / 2 ** 20 };
}

function row(h: Harness, label: string, group: string, baseline: boolean, m: { ops: number; seconds: number }) {
  const opsPerSec = m.ops / m.seconds;
  return { suite: h.suite, name: label, group, baseline, ops: m.ops, seconds: m.seconds, opsPerSec, nsPerOp: 1e9 / opsPerSec, bytesPerOp: undefined, mbPerSec: undefined };
}
