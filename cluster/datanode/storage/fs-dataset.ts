/**
 * The DataNode's block storage in one directory (Hadoop's DataStorage + FsDatasetImpl with one
 * volume, kept small): the lock and identity of the directory (in_use.lock, current/VERSION with
 * the datanode UUID and storage id, which survive restarts), the block pools bound to their
 * NameNode's namespace (a different clusterID or namespaceID is refused), the replica map of
 * each pool filled by scanning finalized/ and rbw/ at attach time, replica creation in rbw/, a
 * finalized replica reopened in rbw/ for append under a new generation stamp, finalization into finalized/subdir../subdir../, deletion for INVALIDATE commands, the block
 * report and the storage report of heartbeats; for block recovery (replica-recovery.ts) the
 * writes in progress, an unfinished replica kept in rbw/, and a recovered replica finalized. File failures are FileErrors naming the path.
 */
import { link, mkdir, open, readdir, readFile, rename, rm, statfs, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { StorageError } from '../../../lib/errors/index.ts';
import { fileError } from '../../../lib/fs/file-errors.ts';
import { getLogger } from '../../../lib/log/logger.ts';
import type { ReportedReplica } from '../../protocol/block-list-as-longs.ts';
import type { ChecksumSpec } from '../../protocol/datatransfer/messages.ts';
import { checksumSize } from '../../protocol/datatransfer/checksum.ts';
import { DATANODE_LAYOUT_VERSION } from '../../protocol/datanode-protocol.ts';
import { decodeMetadataHeader, METADATA_HEADER_SIZE } from './block-metadata-header.ts';
import {
  BLOCK_FILE_PATTERN, BlockPoolLayout, blockFileName, META_FILE_PATTERN, metaFileLength, metaFileName, ReplicaError, type Replica,
} from './replica.ts';
import { ReplicaWriter } from './replica-writer.ts';
import { truncateBlock } from './truncate-block.ts';
import {
  newDataStorageInfo, readBlockPoolStorageInfo, readDataStorageInfo, writeBlockPoolStorageInfo, writeDataStorageInfo, type DataStorageInfo,
} from './storage-version.ts';

const log = getLogger('datanode.storage');
const KEY = 'dfs.datanode.data.dir';
const LOCK_FILE = 'in_use.lock';

/** What a NameNode's versionRequest says about the namespace (NamespaceInfo). */
export interface NamespaceBinding {
  readonly blockPoolID: string;
  readonly namespaceID: number;
  readonly clusterID: string;
  readonly cTime: number;
}

export interface StorageUsage {
  capacity: number;
  dfsUsed: number;
  remaining: number;
  nonDfsUsed: number;
}

/** Directories locked by this process (a second DataNode in the same process must not share one). */
const lockedHere = new Set<string>();

export class FsDataset {
  readonly dataDir: string;
  readonly #info: DataStorageInfo;
  readonly #pools = new Map<string, { layout: BlockPoolLayout; replicas: Map<number, Replica> }>();
  /** writes in progress by `<bpid>:<blockId>`: how to stop one, and when it is over */
  readonly #writers = new Map<string, { stop: () => void; done: Promise<void> }>();
  #closed = false;

  private constructor(dataDir: string, info: DataStorageInfo) {
    this.dataDir = dataDir;
    this.#info = info;
  }

  /** Locks the directory and loads (or creates) its identity. */
  static async open(dataDir: string): Promise<FsDataset> {
    try {
      await mkdir(join(dataDir, 'current'), { recursive: true, mode: 0o700 });
    } catch (e) {
      throw fileError('create data directory', dataDir, e, `set ${KEY} to a writable directory`, { configKey: KEY });
    }
    await lock(dataDir);
    try {
      const versionFile = join(dataDir, 'current', 'VERSION');
      let info = await readDataStorageInfo(versionFile);
      if (!info) {
        info = newDataStorageInfo();
        await writeDataStorageInfo(versionFile, info);
        log.info({ dataDir, datanodeUuid: info.datanodeUuid, storageID: info.storageID }, 'formatted a new DataNode storage directory');
      }
      return new FsDataset(dataDir, info);
    } catch (e) {
      await unlock(dataDir);
      throw e;
    }
  }

  get datanodeUuid(): string {
    return this.#info.datanodeUuid;
  }

  get storageId(): string {
    return this.#info.storageID;
  }

  get clusterId(): string | undefined {
    return this.#info.clusterID;
  }

  /**
   * Binds the directory to the NameNode's cluster on first contact, checks it on later ones
   * (DataStorage.recoverTransitionRead), then loads the block pool's replicas.
   */
  async attachBlockPool(ns: NamespaceBinding): Promise<void> {
    const versionFile = join(this.dataDir, 'current', 'VERSION');
    if (this.#info.clusterID === undefined) {
      this.#info.clusterID = ns.clusterID;
      this.#info.cTime = ns.cTime;
      await writeDataStorageInfo(versionFile, this.#info);
    } else if (this.#info.clusterID !== ns.clusterID) {
      throw new StorageError('STORAGE_INCOMPATIBLE', `Incompatible clusterIDs in ${this.dataDir}: namenode clusterID = ${ns.clusterID}; datanode clusterID = ${this.#info.clusterID}. The directory belongs to another cluster: point ${KEY} at an empty directory or this DataNode at that cluster's NameNode`, {
        path: this.dataDir, configKey: KEY, namenodeClusterID: ns.clusterID, datanodeClusterID: this.#info.clusterID,
      });
    }
    const layout = new BlockPoolLayout(this.dataDir, ns.blockPoolID);
    const bp = await readBlockPoolStorageInfo(layout.versionFile);
    if (bp && bp.namespaceID !== ns.namespaceID) {
      throw new StorageError('STORAGE_INCOMPATIBLE', `Incompatible namespaceIDs in ${layout.current}: namenode namespaceID = ${ns.namespaceID}; datanode namespaceID = ${bp.namespaceID}`, {
        path: layout.current, configKey: KEY,
      });
    }
    if (!bp) await writeBlockPoolStorageInfo(layout.versionFile, { namespaceID: ns.namespaceID, cTime: ns.cTime, blockpoolID: ns.blockPoolID, layoutVersion: DATANODE_LAYOUT_VERSION });
    if (this.#pools.has(ns.blockPoolID)) return;
    for (const dir of [layout.finalized, layout.rbw]) {
      try {
        await mkdir(dir, { recursive: true });
      } catch (e) {
        throw fileError('create', dir, e, `check ${KEY}`, { configKey: KEY });
      }
    }
    const replicas = new Map<number, Replica>();
    for (const r of await scan(layout.finalized, 'FINALIZED')) replicas.set(r.blockId, r);
    for (const r of await scan(layout.rbw, 'RWR')) if (!replicas.has(r.blockId)) replicas.set(r.blockId, r);
    this.#pools.set(ns.blockPoolID, { layout, replicas });
    log.info({ blockPoolId: ns.blockPoolID, replicas: replicas.size }, 'block pool storage ready');
  }

  hasBlockPool(blockPoolId: string): boolean {
    return this.#pools.has(blockPoolId);
  }

  getReplica(blockPoolId: string, blockId: number): Replica | undefined {
    return this.#pools.get(blockPoolId)?.replicas.get(blockId);
  }

  /** FsDatasetImpl.createRbw: a new replica in rbw/ (REPLICA_ALREADY_EXISTS when the block is known). */
  async createRbw(blockPoolId: string, blockId: number, genStamp: number, checksum: ChecksumSpec, name: string): Promise<{ replica: Replica; writer: ReplicaWriter }> {
    const pool = this.#pool(blockPoolId);
    const existing = pool.replicas.get(blockId);
    if (existing) throw new ReplicaError('REPLICA_ALREADY_EXISTS', `Block ${name} already exists in state ${existing.state} and thus cannot be created.`, { blockId, state: existing.state });
    const replica: Replica = {
      blockId, genStamp, numBytes: 0, bytesAcked: 0, state: 'RBW', checksum,
      blockFile: join(pool.layout.rbw, blockFileName(blockId)),
      metaFile: join(pool.layout.rbw, metaFileName(blockId, genStamp)),
    };
    pool.replicas.set(blockId, replica); // reserve the id before the first await
    try {
      return { replica, writer: await ReplicaWriter.create(name, replica.blockFile, replica.metaFile, checksum) };
    } catch (e) {
      pool.replicas.delete(blockId);
      throw e;
    }
  }

  /**
   * FsDatasetImpl.append: a FINALIZED replica with the block's generation stamp and the expected
   * length moves to rbw/ as an RBW replica under `newGS` (the meta file renamed to the new stamp,
   * FsVolumeImpl.append), opened to continue at its length. Refusals as Hadoop's: an older new
   * stamp, no such replica (or another stamp), an unfinalized replica, another length.
   */
  async append(blockPoolId: string, blockId: number, genStamp: number, newGS: number, expectedLength: number, name: string): Promise<{ replica: Replica; writer: ReplicaWriter }> {
    const pool = this.#pool(blockPoolId);
    if (newGS < genStamp) {
      throw new ReplicaError('REPLICA_GENERATION_STAMP', `The new generation stamp ${newGS} should be greater than the replica ${name}'s generation stamp`, { blockId, newGS });
    }
    const old = pool.replicas.get(blockId);
    if (!old || old.genStamp !== genStamp) throw new ReplicaError('REPLICA_NOT_FOUND', `Replica does not exist ${name}`, { blockId });
    if (old.state !== 'FINALIZED') throw new ReplicaError('REPLICA_NOT_FOUND', `Cannot append to an unfinalized replica ${name}`, { blockId, state: old.state });
    if (old.numBytes !== expectedLength) {
      throw new ReplicaError('REPLICA_CORRUPT', `Corrupted replica blk_${blockId}_${genStamp} with a length of ${old.numBytes} expected length is ${expectedLength}`, { blockId, numBytes: old.numBytes, expectedLength });
    }
    log.info({ block: name, newGS, numBytes: old.numBytes }, 'Appending to replica');
    const replica: Replica = {
      blockId, genStamp: newGS, numBytes: old.numBytes, bytesAcked: old.numBytes, state: 'RBW', checksum: old.checksum,
      blockFile: join(pool.layout.rbw, blockFileName(blockId)),
      metaFile: join(pool.layout.rbw, metaFileName(blockId, newGS)),
    };
    pool.replicas.set(blockId, replica); // no other op may take the replica while its files move
    try {
      await rename(old.metaFile, replica.metaFile);
      try {
        await rename(old.blockFile, replica.blockFile);
      } catch (e) {
        await rename(replica.metaFile, old.metaFile).catch(() => undefined);
        throw e;
      }
    } catch (e) {
      pool.replicas.set(blockId, old);
      throw fileError('move replica for append into', pool.layout.rbw, e, `check ${KEY}`, { configKey: KEY });
    }
    return { replica, writer: await ReplicaWriter.openForAppend(name, replica.blockFile, replica.metaFile, replica.checksum, replica.numBytes) };
  }

  /** FsDatasetImpl.finalizeBlock: closes the writer and moves both files into finalized/. */
  async finalize(blockPoolId: string, replica: Replica, writer: ReplicaWriter): Promise<void> {
    await writer.close();
    await this.finalizeReplica(blockPoolId, replica, writer.numBytes);
  }

  /** FsDatasetImpl.finalizeReplica: an RBW replica whose files are closed moves into finalized/ with `numBytes`. */
  async finalizeReplica(blockPoolId: string, replica: Replica, numBytes = replica.numBytes): Promise<void> {
    const pool = this.#pool(blockPoolId);
    const dir = pool.layout.finalizedDir(replica.blockId);
    const blockFile = join(dir, blockFileName(replica.blockId));
    const metaFile = join(dir, metaFileName(replica.blockId, replica.genStamp));
    try {
      await mkdir(dir, { recursive: true });
      await moveReplicaFiles(replica, blockFile, metaFile);
    } catch (e) {
      throw fileError('finalize replica into', dir, e, `check ${KEY}`, { configKey: KEY });
    }
    replica.numBytes = numBytes;
    replica.state = 'FINALIZED';
    delete replica.bytesAcked;
  }

  /**
   * ReplicaInfo.bumpReplicaGS: the meta file is renamed to `newGS` where it lies (rbw/ or
   * finalized/); the replica under the new stamp replaces the old one in the map and is returned.
   */
  async bumpGenerationStamp(blockPoolId: string, replica: Replica, newGS: number): Promise<Replica> {
    const pool = this.#pool(blockPoolId);
    const metaFile = join(dirname(replica.metaFile), metaFileName(replica.blockId, newGS));
    if (metaFile !== replica.metaFile) {
      try {
        await rename(replica.metaFile, metaFile);
      } catch (e) {
        throw fileError(`rename to generation stamp ${newGS} the meta file`, replica.metaFile, e, `check ${KEY}`, { configKey: KEY });
      }
    }
    const bumped: Replica = { ...replica, genStamp: newGS, metaFile };
    pool.replicas.set(replica.blockId, bumped);
    return bumped;
  }

  /** Opens the files of an RBW replica (closed) to continue writing at its length (a pipeline recovery). */
  async reopenRbw(replica: Replica, name: string): Promise<ReplicaWriter> {
    return ReplicaWriter.openForAppend(name, replica.blockFile, replica.metaFile, replica.checksum, replica.numBytes);
  }

  /**
   * FsDatasetImpl.createTemporary for a transfer (TRANSFER_RBW / TRANSFER_FINALIZED): a replica of
   * the block with the same or a newer stamp refuses (ReplicaAlreadyExistsException); an older one is
   * stopped if being written and deleted; then a new replica is created (hsec writes it in rbw/,
   * where Hadoop uses tmp/). The caller becomes the replica's writer (claimWriter, `stop` ends its
   * write): `release` marks its write over. As in Hadoop's loop, the stamp is checked again once the
   * write under way stopped (it may have been a recovery that gave the replica a newer stamp).
   */
  async createTemporary(
    blockPoolId: string, blockId: number, genStamp: number, checksum: ChecksumSpec, name: string, writerStopTimeoutMs: number, stop: () => void = () => undefined,
  ): Promise<{ replica: Replica; writer: ReplicaWriter; release: () => void }> {
    const refuseExisting = (r: Replica | undefined): void => {
      if (r && r.genStamp >= genStamp) throw new ReplicaError('REPLICA_ALREADY_EXISTS', `Block ${name} already exists in state ${r.state} and thus cannot be created.`, { blockId, state: r.state });
    };
    refuseExisting(this.#pool(blockPoolId).replicas.get(blockId));
    const release = await this.claimWriter(blockPoolId, blockId, stop, writerStopTimeoutMs);
    try {
      const current = this.#pool(blockPoolId).replicas.get(blockId);
      refuseExisting(current);
      if (current) await this.invalidate(blockPoolId, [{ blockId, genStamp: current.genStamp }]);
      return { ...(await this.createRbw(blockPoolId, blockId, genStamp, checksum, name)), release };
    } catch (e) {
      release();
      throw e;
    }
  }

  /**
   * A write that ended before its last packet (the client or the connection gone): the replica
   * stays in rbw/ as RBW with the bytes written, its files closed, for block recovery (Hadoop's
   * BlockReceiver leaves it so). For a replica reopened by append that includes the acknowledged
   * appended bytes, under the append's generation stamp (FsDatasetImpl.append made it RBW; block
   * recovery decides its length). A replica that holds no byte stays too, as in Hadoop: a pipeline
   * recovery (recoverRbw) continues it, else block recovery or INVALIDATE removes it. A replica
   * already finalized (only the last ack failed) stays as it is.
   */
  async keepRbw(_blockPoolId: string, replica: Replica, writer: ReplicaWriter): Promise<void> {
    if (replica.state === 'FINALIZED') return;
    replica.numBytes = writer.numBytes;
    await writer.close();
    log.info({ blockId: replica.blockId, genStamp: replica.genStamp, numBytes: replica.numBytes }, 'a write ended before its last packet: the replica stays in rbw/ for block recovery');
  }

  /**
   * Registers the write of a replica in progress; `stop` ends it (closes its connection). Returns
   * the call that marks the write over (after its replica was finalized, kept or deleted).
   */
  beginWrite(blockPoolId: string, blockId: number, stop: () => void): () => void {
    const key = `${blockPoolId}:${blockId}`;
    let end!: () => void;
    const done = new Promise<void>((resolve) => (end = resolve));
    this.#writers.set(key, { stop, done });
    return () => {
      if (this.#writers.get(key)?.done === done) this.#writers.delete(key);
      end();
    };
  }

  /**
   * ReplicaInPipeline.attemptToSetWriter with the MustStopExistingWriter loop of FsDatasetImpl's
   * recoverRbw / recoverAppend / recoverClose / createTemporary: the writes under way on the replica
   * are stopped (stopWriter) until none is left, within `timeoutMs`
   * (dfs.datanode.xceiver.stop.timeout.millis) in all, then the caller is registered as its writer
   * at once (beginWrite; `stop` ends the caller's op), so that a recovery or block recovery started
   * meanwhile stops and waits for it instead of working on the same files. Returns beginWrite's call.
   */
  async claimWriter(blockPoolId: string, blockId: number, stop: () => void, timeoutMs: number): Promise<() => void> {
    const key = `${blockPoolId}:${blockId}`;
    const deadline = performance.now() + timeoutMs;
    while (this.#writers.has(key)) await this.stopWriter(blockPoolId, blockId, Math.max(0, deadline - performance.now()));
    return this.beginWrite(blockPoolId, blockId, stop);
  }

  /**
   * ReplicaInPipeline.stopWriter (block recovery): ends the write of the replica in progress, if
   * any, and waits for it at most `timeoutMs` (dfs.datanode.xceiver.stop.timeout.millis).
   */
  async stopWriter(blockPoolId: string, blockId: number, timeoutMs: number): Promise<void> {
    const w = this.#writers.get(`${blockPoolId}:${blockId}`);
    if (!w) return;
    log.info({ blockId }, 'stopping the write in progress for block recovery');
    w.stop();
    let timer: NodeJS.Timeout | undefined;
    const stopped = await Promise.race([w.done.then(() => true), new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)))]);
    clearTimeout(timer);
    if (!stopped) {
      throw new ReplicaError('REPLICA_RECOVERY', `Join on writer thread of blk_${blockId} timed out after ${timeoutMs} ms (dfs.datanode.xceiver.stop.timeout.millis)`, { blockId, configKey: 'dfs.datanode.xceiver.stop.timeout.millis' });
    }
  }

  /** Puts `replica` in the map in place of the block's current one (a state change during recovery). */
  replace(blockPoolId: string, replica: Replica): void {
    this.#pool(blockPoolId).replicas.set(replica.blockId, replica);
  }

  /**
   * FsDatasetImpl.updateReplicaUnderRecovery's file work: the meta file takes the recovery id as
   * its stamp (bumpReplicaGS), both files are cut to `newLength` (truncate-block.ts) and the replica
   * is finalized into finalized/ (already there for a finalized one). Returns the new replica.
   */
  async finalizeRecovered(blockPoolId: string, rur: Replica, recoveryId: number, newLength: number): Promise<Replica> {
    const pool = this.#pool(blockPoolId);
    const dir = pool.layout.finalizedDir(rur.blockId);
    const metaFile = join(dir, metaFileName(rur.blockId, recoveryId));
    const blockFile = join(dir, blockFileName(rur.blockId));
    await truncateBlock(rur.blockFile, rur.metaFile, rur.checksum, rur.numBytes, newLength);
    try {
      await mkdir(dir, { recursive: true });
      await rename(rur.metaFile, metaFile);
      if (rur.blockFile !== blockFile) await rename(rur.blockFile, blockFile);
    } catch (e) {
      throw fileError('finalize recovered replica into', dir, e, `check ${KEY}`, { configKey: KEY });
    }
    const finalized: Replica = { blockId: rur.blockId, genStamp: recoveryId, numBytes: newLength, state: 'FINALIZED', checksum: rur.checksum, blockFile, metaFile };
    pool.replicas.set(rur.blockId, finalized);
    return finalized;
  }

  /** Drops a replica whose write failed (its files are deleted). */
  async abort(blockPoolId: string, replica: Replica, writer: ReplicaWriter): Promise<void> {
    await writer.abort();
    const pool = this.#pools.get(blockPoolId);
    if (pool?.replicas.get(replica.blockId) === replica) pool.replicas.delete(replica.blockId);
  }

  /**
   * FsDatasetImpl.invalidate: deletes the replicas named with the generation stamp the NameNode
   * knows; a missing replica or another generation stamp is reported and skipped.
   */
  async invalidate(blockPoolId: string, blocks: readonly { blockId: number; genStamp: number }[]): Promise<{ deleted: Replica[]; failures: string[] }> {
    const pool = this.#pools.get(blockPoolId);
    const deleted: Replica[] = [];
    const failures: string[] = [];
    for (const b of blocks) {
      const r = pool?.replicas.get(b.blockId);
      if (!r) {
        failures.push(`Failed to delete replica blk_${b.blockId}_${b.genStamp}: ReplicaInfo not found.`);
        continue;
      }
      if (r.genStamp !== b.genStamp) {
        failures.push(`Failed to delete replica blk_${b.blockId}_${b.genStamp}: GenerationStamp not matched, existing replica is blk_${r.blockId}_${r.genStamp}`);
        continue;
      }
      pool!.replicas.delete(b.blockId);
      const results = await Promise.allSettled([unlink(r.blockFile), unlink(r.metaFile)]);
      const bad = results.find((x) => x.status === 'rejected' && (x.reason as NodeJS.ErrnoException).code !== 'ENOENT');
      if (bad) failures.push(fileError('delete replica', r.blockFile, (bad as PromiseRejectedResult).reason).message);
      deleted.push(r);
    }
    return { deleted, failures };
  }

  /** The replicas of a block report: finalized, being written and waiting for recovery. */
  report(blockPoolId: string): ReportedReplica[] {
    const pool = this.#pools.get(blockPoolId);
    if (!pool) return [];
    return [...pool.replicas.values()].map((r) => ({ blockId: r.blockId, numBytes: r.numBytes, generationStamp: r.genStamp, state: r.state }));
  }

  /** Capacity and use of the directory's file system (FsVolumeImpl.getCapacity / getDfsUsed / getAvailable). */
  async usage(): Promise<StorageUsage> {
    let dfsUsed = 0;
    for (const pool of this.#pools.values()) for (const r of pool.replicas.values()) dfsUsed += r.numBytes + metaFileLength(r);
    try {
      const fs = await statfs(this.dataDir);
      const capacity = fs.blocks * fs.bsize;
      const remaining = fs.bavail * fs.bsize;
      return { capacity, dfsUsed, remaining, nonDfsUsed: Math.max(0, capacity - remaining - dfsUsed) };
    } catch (e) {
      throw fileError('stat the file system of', this.dataDir, e, `check ${KEY}`, { configKey: KEY });
    }
  }

  /** Releases the directory lock. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await unlock(this.dataDir);
  }

  #pool(blockPoolId: string): { layout: BlockPoolLayout; replicas: Map<number, Replica> } {
    const pool = this.#pools.get(blockPoolId);
    if (!pool) throw new ReplicaError('REPLICA_NOT_FOUND', `Block pool ${blockPoolId} is not served by this DataNode (not registered with its NameNode)`, { blockPoolId });
    return pool;
  }
}

/** Replicas in `dir` (recursively): each block file with its meta file; `state` for all of them. */
async function scan(dir: string, state: 'FINALIZED' | 'RWR'): Promise<Replica[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { recursive: true })) as string[];
  } catch (e) {
    throw fileError('list', dir, e, `check ${KEY}`, { configKey: KEY });
  }
  const metas = new Map<string, { genStamp: number; path: string }>();
  for (const rel of names) {
    const m = META_FILE_PATTERN.exec(rel.slice(rel.lastIndexOf('/') + 1));
    if (m) metas.set(`${rel.slice(0, rel.lastIndexOf('/') + 1)}${m[1]}`, { genStamp: Number(m[2]), path: join(dir, rel) });
  }
  const out: Replica[] = [];
  for (const rel of names) {
    const base = rel.slice(rel.lastIndexOf('/') + 1);
    const m = BLOCK_FILE_PATTERN.exec(base);
    if (!m) continue;
    const meta = metas.get(`${rel.slice(0, rel.lastIndexOf('/') + 1)}${m[1]}`);
    const blockFile = join(dir, rel);
    if (!meta) {
      log.warn({ blockFile }, 'block file without a meta file: skipped');
      continue;
    }
    try {
      const checksum = await readChecksumHeader(meta.path);
      const length = (await stat(blockFile)).size;
      const metaLength = (await stat(meta.path)).size;
      // A replica left in rbw/ keeps only the bytes its checksums cover (validateIntegrityAndSetLength).
      const size = checksumSize(checksum.type);
      const covered = size === 0 ? length : Math.floor((metaLength - METADATA_HEADER_SIZE) / size) * checksum.bytesPerChecksum;
      const numBytes = state === 'RWR' ? Math.min(length, covered) : length;
      out.push({ blockId: Number(m[1]), genStamp: meta.genStamp, numBytes, state, blockFile, metaFile: meta.path, checksum });
    } catch (e) {
      log.warn({ blockFile, err: e }, 'unreadable replica: skipped');
    }
  }
  return out;
}

async function readChecksumHeader(metaFile: string): Promise<ChecksumSpec> {
  const handle = await open(metaFile, 'r');
  try {
    const header = Buffer.alloc(METADATA_HEADER_SIZE);
    const { bytesRead } = await handle.read(header, 0, METADATA_HEADER_SIZE, 0);
    return decodeMetadataHeader(header.subarray(0, bytesRead), metaFile);
  } finally {
    await handle.close();
  }
}

/**
 * Storage.lock: `in_use.lock` holds `<pid>@<host>` of the DataNode using the directory; a lock left
 * by a process that is gone is taken over.
 */
async function lock(dataDir: string): Promise<void> {
  const file = join(dataDir, LOCK_FILE);
  const me = `${process.pid}@${hostname()}`;
  const holder = async (): Promise<string | undefined> => {
    try {
      return (await readFile(file, 'utf8')).trim();
    } catch {
      return undefined;
    }
  };
  if (lockedHere.has(dataDir) || isAlive(await holder())) {
    throw new StorageError('STORAGE_LOCKED', `Cannot lock storage ${dataDir}. The directory is already locked by ${lockedHere.has(dataDir) ? 'another DataNode in this process' : await holder()}: each DataNode needs its own ${KEY}`, {
      path: dataDir, configKey: KEY,
    });
  }
  try {
    await writeFile(file, `${me}\n`, { mode: 0o644 });
  } catch (e) {
    throw fileError('lock', file, e, `set ${KEY} to a writable directory`, { configKey: KEY });
  }
  lockedHere.add(dataDir);
}

async function unlock(dataDir: string): Promise<void> {
  lockedHere.delete(dataDir);
  await rm(join(dataDir, LOCK_FILE), { force: true }).catch(() => undefined);
}

/** The lock holder `<pid>@<host>` is a live process on this host (other hosts cannot be checked: treated as alive). */
function isAlive(holderText: string | undefined): boolean {
  const m = holderText ? /^(\d+)@(.*)$/.exec(holderText) : null;
  if (!m) return false;
  if (m[2] !== hostname()) return true;
  const pid = Number(m[1]);
  if (pid === process.pid) return false; // our own stale lock (e.g. a DataNode of this process that was not closed)
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Moves a replica's block and meta files to new paths so that a reader who takes the paths from
 * `replica` at any moment finds the files there: each is linked at its new path, then the replica
 * names the new paths, then the old names go. Two renames left a window (between them, and until
 * the replica named the new paths) in which a BLOCK_CHECKSUM or READ_BLOCK of a block being
 * finalized opened an old path that was already gone. Where the file system has no hard links the
 * files are renamed as before.
 */
async function moveReplicaFiles(replica: { blockFile: string; metaFile: string }, blockFile: string, metaFile: string): Promise<void> {
  const from = { blockFile: replica.blockFile, metaFile: replica.metaFile };
  try {
    await relink(from.metaFile, metaFile);
    try {
      await relink(from.blockFile, blockFile);
    } catch (e) {
      await unlink(metaFile).catch(() => undefined);
      throw e;
    }
  } catch (e) {
    if (!isNoHardLinks(e)) throw e;
    await rename(from.metaFile, metaFile);
    await rename(from.blockFile, blockFile);
    replica.blockFile = blockFile;
    replica.metaFile = metaFile;
    return;
  }
  replica.blockFile = blockFile;
  replica.metaFile = metaFile;
  await unlink(from.metaFile);
  await unlink(from.blockFile);
}

/** link(2) over whatever is at `to`, as rename(2) would replace it. */
async function relink(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    await unlink(to);
    await link(from, to);
  }
}

function isNoHardLinks(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EXDEV' || code === 'EMLINK';
}
