// A namesystem for tests, built as NameNode.start builds it (journal store in a temp dir,
// block and DataNode managers, a master block token manager) but without RPC, on a ManualClock;
// callers are given as short name + groups + address + UGI text (what ClientService takes from the
// call). Also in-process DataNodes registered directly with the DatanodeManager.
import { DEFAULT_SAFE_MODE_SETTINGS } from '../../cluster/namenode/blocks/startup-safe-mode.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../lib/time/clock.ts';
import { BlockTokenSecretManager } from '../../security/token/block-token-secret-manager.ts';
import { dummyExportedBlockKeys } from '../../security/token/keys/exported-block-keys.ts';
import { BlockManager } from '../../cluster/namenode/blocks/block-manager.ts';
import { DatanodeManager } from '../../cluster/namenode/blocks/datanode-manager.ts';
import type { HostResolver } from '../../cluster/namenode/blocks/host-file-manager.ts';
import type { DatanodeDescriptor } from '../../cluster/namenode/blocks/datanode-descriptor.ts';
import { FileAttributes } from '../../cluster/namenode/file-attributes.ts';
import { FileWrites } from '../../cluster/namenode/file-writes.ts';
import { FsDirectory } from '../../cluster/namenode/namespace/fs-directory.ts';
import { NamespaceStore } from '../../cluster/namenode/namespace/namespace-store.ts';
import { FsNamesystem, type CallerInfo, type NamesystemSettings } from '../../cluster/namenode/namesystem.ts';
import { DATANODE_LAYOUT_VERSION, exportedBlockKeysToProto, type DatanodeRegistration } from '../../cluster/protocol/datanode-protocol.ts';

export const MiB = 1024 * 1024;
export const IDENTITY = { namespaceId: 12345, clusterId: 'CID-test', blockPoolId: 'BP-1-127.0.0.1-1', cTime: 0 };

export const hdfsUser: CallerInfo = { user: 'hdfs', groups: ['hadoop'], address: '127.0.0.1', ugi: 'hdfs/nn.example.com@EXAMPLE.COM (auth:KERBEROS)' };
export const alice: CallerInfo = { user: 'alice', groups: ['staff'], address: '127.0.0.1', ugi: 'alice@EXAMPLE.COM (auth:KERBEROS)' };
export const bob: CallerInfo = { user: 'bob', groups: ['staff'], address: '127.0.0.2', ugi: 'bob@EXAMPLE.COM (auth:KERBEROS)' };
export const carol: CallerInfo = { user: 'carol', groups: [], address: '127.0.0.3', ugi: 'carol@EXAMPLE.COM (auth:TOKEN)' };

export const SETTINGS: NamesystemSettings = {
  permissions: { enabled: true, superUser: 'hdfs', superGroup: 'supergroup' },
  // no start-up safe mode unless a test asks for one: a restart here has no DataNodes to report
  safeMode: { ...DEFAULT_SAFE_MODE_SETTINGS, thresholdPct: 0 },
  maxComponentLength: 255,
  maxDirectoryItems: 1_048_576,
  minBlockSize: 1_048_576,
  maxBlocksPerFile: 10_000,
  maxReplication: 512,
  lsLimit: 1000,
  batchedListingLimit: 100,
  maxCorruptFileBlocksReturned: 100,
  maxListOpenFilesResponses: 1000,
  accessTimePrecision: 3_600_000,
  leaseHardLimitMs: 1_200_000,
  supportAppends: true,
  auditDebugCmds: [],
  aclsEnabled: true,
  posixAclInheritance: true,
  xattrsEnabled: true,
  maxXAttrsPerInode: 32,
  maxXAttrSize: 16384,
  storagePolicyEnabled: true,
  storagePolicySuperuserOnly: false,
  caching: { enabled: true, maxListCachePoolsResponses: 100, maxListCacheDirectivesResponses: 100, refreshIntervalMs: 30_000 },
};

export interface TestNamesystem {
  ns: FsNamesystem;
  writes: FileWrites;
  attributes: FileAttributes;
  clock: ManualClock;
  tokens: BlockTokenSecretManager;
  dir: string;
  /** Stops the store and loads the directory again into a new namesystem (a restart). */
  restart(): Promise<TestNamesystem>;
}

export async function namesystem(options: { dir?: string; settings?: Partial<NamesystemSettings>; clock?: ManualClock; compactionMinBytes?: number; hostResolver?: HostResolver } = {}): Promise<TestNamesystem> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'hsec-ns-'));
  const clock = options.clock ?? new ManualClock(1_700_000_000_000);
  const tokens = BlockTokenSecretManager.master({ keyUpdateInterval: 36_000_000, tokenLifetime: 36_000_000, blockPoolId: IDENTITY.blockPoolId, clock });
  const blocks = new BlockManager({ tokens, clock });
  const datanodes = new DatanodeManager({ blocks, tokens, heartbeatExpireMs: 630_000, reportLeaseMs: 300_000, invalidateLimit: 1000, minDatanodeVersion: '2.1.0-beta', softwareVersion: '3.4.1', ...(options.hostResolver ? { hostResolver: options.hostResolver } : {}) });
  const store = new NamespaceStore({ dir, ...(options.compactionMinBytes ? { compactionMinBytes: options.compactionMinBytes } : {}) });
  const settings = { ...SETTINGS, ...options.settings };
  const ns = new FsNamesystem({ settings, clock, store, blocks, datanodes });
  await ns.load(() => new FsDirectory(IDENTITY, { owner: 'hdfs', group: 'supergroup', mtime: clock.now() }));
  const t: TestNamesystem = {
    ns, writes: new FileWrites(ns), attributes: new FileAttributes(ns), clock, tokens, dir,
    restart: async () => {
      await ns.store.close();
      return namesystem({ ...options, dir, clock });
    },
  };
  return t;
}

/** Registers a DataNode with `remaining` bytes free on storage DS-<uuid>, as registerDatanode + a heartbeat + an empty first block report would. */
export function datanode(ns: FsNamesystem, uuid: string, ip = '127.0.0.1', xferPort = 9866, remaining = 100 * 1024 * MiB): DatanodeDescriptor {
  const reg: DatanodeRegistration = {
    datanodeID: { ipAddr: ip, hostName: 'localhost', datanodeUuid: uuid, xferPort, infoPort: 9864, ipcPort: 9867 },
    storageInfo: { layoutVersion: DATANODE_LAYOUT_VERSION, namespceID: IDENTITY.namespaceId, clusterID: IDENTITY.clusterId, cTime: 0 },
    keys: exportedBlockKeysToProto(dummyExportedBlockKeys()),
    softwareVersion: '3.4.1',
  };
  const registered = ns.datanodes.register(reg, { address: ip }, ns.clock.now());
  ns.datanodes.heartbeat({ registration: registered, reports: [{ storageUuid: `DS-${uuid}`, capacity: remaining, remaining, storage: { storageUuid: `DS-${uuid}`, storageType: 'DISK' } }] }, ns.clock.now(), 0);
  const dn = ns.datanodes.get(uuid)!;
  ns.blocks.processReport(dn, `DS-${uuid}`, 'DISK', []); // the first full block report (an empty storage)
  return dn;
}

/** create + addBlock (on `dn` when given) + RECEIVED + complete: a closed one-block file of `bytes` bytes, written by `caller`. */
export async function writeFile(t: TestNamesystem, path: string, bytes: number, caller: CallerInfo = alice, dn?: DatanodeDescriptor): Promise<number> {
  const client = `DFSClient_${path}`;
  const st = await t.writes.create({ src: path, masked: { perm: 0o644 }, clientName: client, createFlag: 1, createParent: true, replication: 1, blockSize: 128 * MiB }, caller);
  if (bytes === 0) {
    await t.writes.complete(path, client, undefined, st.fileId);
    return st.fileId!;
  }
  const lb = await t.writes.addBlock({ src: path, clientName: client, fileId: st.fileId, ...(dn ? { favoredNodes: [dn.xferAddr] } : {}) }, caller);
  const holder = t.ns.datanodes.get(lb.locs![0]!.id.datanodeUuid)!;
  t.ns.blocks.processIncremental(holder, lb.storageIDs![0]!, 'DISK', [{ block: { blockId: lb.b.blockId, genStamp: lb.b.generationStamp, numBytes: bytes }, status: 'RECEIVED' }]);
  await t.writes.complete(path, client, { ...lb.b, numBytes: bytes }, st.fileId);
  return st.fileId!;
}

/**
 * What a primary DataNode does with a DNA_RECOVERBLOCK (BlockRecoveryWorker): its next heartbeat's
 * BlockRecoveryCommand, then commitBlockSynchronization of each block at `length` with the
 * DataNode's storage as the one recovered replica. Returns the recovering blocks it was sent.
 */
export async function recoverAsPrimary(t: TestNamesystem, uuid: string, length: (block: { numBytes?: number }) => number): Promise<{ newGenStamp: number; block: { b: { blockId: number; generationStamp: number; numBytes?: number } } }[]> {
  const dn = t.ns.datanodes.get(uuid)!;
  const cmds = t.ns.datanodes.heartbeat({ registration: dn.registration }, t.ns.clock.now(), 0).cmds ?? [];
  const blocks = cmds.find((c) => c.cmdType === 'BlockRecoveryCommand')?.recoveryCmd?.blocks ?? [];
  for (const rb of blocks) {
    await t.writes.commitBlockSynchronization({
      block: rb.block.b, newGenStamp: rb.newGenStamp, newLength: length(rb.block.b), closeFile: true, deleteBlock: false,
      newTargets: [{ datanodeUuid: uuid }], newTargetStorages: [`DS-${uuid}`],
    });
  }
  return blocks;
}
