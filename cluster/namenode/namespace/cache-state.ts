/**
 * The cache manager's durable state and its statistics (Hadoop 3.4.1's CachePool and CacheDirective,
 * and the parts of CacheManager that edit-log replay and the fsimage share: addInternal /
 * removeInternal, the directive maps, nextDirectiveId). It lives with the namespace (FsDirectory
 * applies the cache ops of edit-log.ts here, live and on replay, and writes it into snapshots), so
 * pools and directives survive a restart exactly as the inodes do.
 *
 * Statistics follow Hadoop's bookkeeping: adding a directive adds CacheManager.computeNeeded's bytes
 * (the path's file, or the files directly in its directory, at full length including a last block
 * under construction, times the directive's replication) to the directive and its pool; its
 * filesNeeded stays 0 (addInternal adds the directive's own filesNeeded, a no-op in 3.4.1);
 * removing one takes its needs back out of the pool. The CacheReplicationMonitor's rescan
 * (cache-manager.ts) resets and recomputes them all. Directives loaded from a snapshot start with
 * no statistics (CacheManager.loadState adds them without computeNeeded).
 */
import type { CacheDirectiveRecord, CachePoolRecord } from './edit-log.ts';

/** CachePool: the pool's settings and its running statistics. */
export class CachePool {
  poolName: string;
  ownerName: string;
  groupName: string;
  mode: number;
  limit: bigint;
  defaultReplication: number;
  maxRelativeExpiryMs: bigint;
  bytesNeeded = 0;
  bytesCached = 0;
  filesNeeded = 0;
  filesCached = 0;
  /** CachePool.DirectiveList, in insertion order */
  readonly directives = new Set<CacheDirective>();

  constructor(r: CachePoolRecord) {
    this.poolName = r.poolName;
    this.ownerName = r.ownerName;
    this.groupName = r.groupName;
    this.mode = r.mode;
    this.limit = r.limit;
    this.defaultReplication = r.defaultReplication;
    this.maxRelativeExpiryMs = r.maxRelativeExpiryMs;
  }

  record(): CachePoolRecord {
    const { poolName, ownerName, groupName, mode, limit, defaultReplication, maxRelativeExpiryMs } = this;
    return { poolName, ownerName, groupName, mode, limit, defaultReplication, maxRelativeExpiryMs };
  }

  /** CachePool.getBytesOverlimit: max(bytesNeeded - limit, 0). */
  get bytesOverlimit(): bigint {
    const over = BigInt(this.bytesNeeded) - this.limit;
    return over > 0n ? over : 0n;
  }

  resetStatistics(): void {
    this.bytesNeeded = this.bytesCached = this.filesNeeded = this.filesCached = 0;
  }
}

/** CacheDirective: a path cached at a replication in a pool until an absolute expiry; stats also count into the pool. */
export class CacheDirective {
  readonly id: number;
  readonly path: string;
  readonly replication: number;
  readonly expiryTime: bigint;
  pool: CachePool;
  bytesNeeded = 0;
  bytesCached = 0;
  filesNeeded = 0;
  filesCached = 0;

  constructor(r: CacheDirectiveRecord, pool: CachePool) {
    this.id = r.id;
    this.path = r.path;
    this.replication = r.replication;
    this.expiryTime = r.expiryTime;
    this.pool = pool;
  }

  record(): CacheDirectiveRecord {
    return { id: this.id, path: this.path, replication: this.replication, pool: this.pool.poolName, expiryTime: this.expiryTime };
  }

  addBytesNeeded(n: number): void {
    this.bytesNeeded += n;
    this.pool.bytesNeeded += n;
  }

  addFilesNeeded(n: number): void {
    this.filesNeeded += n;
    this.pool.filesNeeded += n;
  }

  addBytesCached(n: number): void {
    this.bytesCached += n;
    this.pool.bytesCached += n;
  }

  addFilesCached(n: number): void {
    this.filesCached += n;
    this.pool.filesCached += n;
  }

  resetStatistics(): void {
    this.bytesNeeded = this.bytesCached = this.filesNeeded = this.filesCached = 0;
  }
}

/** CacheManager.computeNeeded's bytesNeeded for (path, replication), given by the namespace. */
export type ComputeNeeded = (path: string, replication: number) => number;

/** The pools by name and the directives by id, with nextDirectiveId (CacheManager's maps). */
export class CacheState {
  readonly #pools = new Map<string, CachePool>();
  readonly #directives = new Map<number, CacheDirective>();
  /** CacheManager.nextDirectiveId: ids always increase and are never reused */
  nextDirectiveId = 1;

  pool(name: string): CachePool | undefined {
    return this.#pools.get(name);
  }

  directive(id: number): CacheDirective | undefined {
    return this.#directives.get(id);
  }

  /** The pools sorted by name (CacheManager.cachePools is a TreeMap: String.compareTo, UTF-16 code units). */
  pools(): CachePool[] {
    return [...this.#pools.values()].sort((a, b) => (a.poolName < b.poolName ? -1 : a.poolName > b.poolName ? 1 : 0));
  }

  /** The directives sorted by id (CacheManager.directivesById). */
  directives(): CacheDirective[] {
    return [...this.#directives.values()].sort((a, b) => a.id - b.id);
  }

  get isEmpty(): boolean {
    return this.#pools.size === 0 && this.nextDirectiveId === 1;
  }

  addPool(r: CachePoolRecord): void {
    if (this.#pools.has(r.poolName)) throw new Error(`cache pool ${r.poolName} already exists`);
    this.#pools.set(r.poolName, new CachePool(r));
  }

  /** The pool takes every setting of `r` (its statistics and directives stay). */
  modifyPool(r: CachePoolRecord): void {
    const pool = this.#requirePool(r.poolName);
    Object.assign(pool, r);
  }

  /** CacheManager.removeCachePool: the pool and all its directives go. */
  removePool(name: string): void {
    const pool = this.#requirePool(name);
    this.#pools.delete(name);
    for (const d of pool.directives) this.#directives.delete(d.id);
    pool.directives.clear();
  }

  /** CacheManager.addInternal (and addDirectiveFromEditLog's id counter). */
  addDirective(r: CacheDirectiveRecord, computeNeeded: ComputeNeeded | null): void {
    if (this.#directives.has(r.id)) throw new Error(`a directive with ID ${r.id} already exists`);
    const pool = this.#requirePool(r.pool);
    const d = new CacheDirective(r, pool);
    pool.directives.add(d);
    this.#directives.set(d.id, d);
    if (computeNeeded) d.addBytesNeeded(computeNeeded(d.path, d.replication));
    if (this.nextDirectiveId <= r.id) this.nextDirectiveId = r.id + 1;
  }

  /** CacheManager.modifyDirective's removeInternal + addInternal (the new directive may be in another pool). */
  modifyDirective(r: CacheDirectiveRecord, computeNeeded: ComputeNeeded | null): void {
    this.removeDirective(r.id);
    this.addDirective(r, computeNeeded);
  }

  /** CacheManager.removeInternal: the directive's needs leave its pool. */
  removeDirective(id: number): void {
    const d = this.#directives.get(id);
    if (!d) throw new Error(`no directive with ID ${id}`);
    d.addBytesNeeded(-d.bytesNeeded);
    d.addFilesNeeded(-d.filesNeeded);
    this.#directives.delete(id);
    d.pool.directives.delete(d);
  }

  #requirePool(name: string): CachePool {
    const pool = this.#pools.get(name);
    if (!pool) throw new Error(`cache pool ${name} does not exist`);
    return pool;
  }
}
