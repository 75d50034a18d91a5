/**
 * Centralized cache management, the NameNode's side (Hadoop 3.4.1's CacheManager with
 * CachePoolInfo.validate and the statistics of CacheReplicationMonitor.rescan): validation of pool
 * and directive requests with Hadoop's InvalidRequestException texts and order, the pool
 * permission check (FSPermissionChecker.checkPermission(CachePool, FsAction)), the records the
 * journal takes (namespace/edit-log.ts; the state itself is namespace/cache-state.ts), and the two
 * listings in batches.
 *
 * Nothing is ever cached here: hsec DataNodes have no mlock cache (a stock DataNode with the default
 * dfs.datanode.max.locked.memory = 0 caches nothing either), so no DataNode is told to cache and
 * bytesCached stays 0. What the monitor computes from the namespace is computed as it does: with
 * dfs.namenode.caching.enabled, a rescan (every cache change asks for one, and listings and
 * non-forced adds wait for it, as waitForRescanIfNeeded; otherwise at most every
 * dfs.namenode.path.based.cache.refresh.interval.ms) resets every statistic, then for each directive
 * not expired (expiryTime <= now) takes the file at its path, or the files directly in its
 * directory: filesNeeded + 1 and bytesNeeded + the length without a last block under construction
 * times the replication; a file whose pool is over its limit stops there, any other whose needed
 * bytes equal its cached bytes (0: an empty file) counts as cached (filesCached + 1), as
 * rescanFile does. Without caching there is no monitor: the statistics are what adding and removing
 * directives left (cache-state.ts).
 */
import { AccessControlError } from '../../lib/errors/index.ts';
import { isValidName } from './namespace/paths.ts';
import { fsError, HadoopException } from './namespace/fs-errors.ts';
import type { CacheDirective, CachePool, CacheState } from './namespace/cache-state.ts';
import type { CacheDirectiveRecord, CachePoolRecord } from './namespace/edit-log.ts';
import type { FsDirectory } from './namespace/fs-directory.ts';
import { lastInode } from './namespace/fs-directory.ts';
import type { PermissionChecker } from './namespace/permission-checker.ts';
import { permissionDenied } from './namespace/fs-errors.ts';
import type { CachingSettings } from './namesystem.ts';
import {
  CACHE_POOL_DEFAULT_MODE, DEFAULT_CACHE_REPLICATION, expirationString, LIMIT_UNLIMITED, MAX_RELATIVE_EXPIRY_MS,
} from '../protocol/cache-format.ts';

/** A CacheDirectiveInfo as the server translator builds it (PBHelperClient.convert): absent = null. */
export interface DirectiveRequest {
  /** any Java long a caller names */
  id?: bigint;
  path?: string;
  replication?: number;
  pool?: string;
  expiration?: { millis: bigint; isRelative: boolean };
}

/** A CachePoolInfo as the server translator builds it. */
export interface PoolRequest {
  poolName: string;
  ownerName?: string;
  groupName?: string;
  mode?: number;
  limit?: bigint;
  defaultReplication?: number;
  maxRelativeExpiryMs?: bigint;
}

/** org.apache.hadoop.fs.InvalidRequestException. */
export const invalidRequest = (message: string) => fsError('FS_INVALID_ARGUMENT', HadoopException.INVALID_REQUEST, message);
const ioException = (message: string) => fsError('FS_INVALID_ARGUMENT', HadoopException.IO, message);

/** CachePoolInfo.validate (an IOException for the empty name, InvalidRequestException for the rest). */
export function validatePoolInfo(info: PoolRequest): void {
  if (info.limit !== undefined && info.limit < 0n) throw invalidRequest('Limit is negative.');
  if (info.defaultReplication !== undefined && info.defaultReplication < 0) throw invalidRequest('Default Replication is negative');
  if (info.maxRelativeExpiryMs !== undefined) {
    if (info.maxRelativeExpiryMs < 0n) throw invalidRequest('Max relative expiry is negative.');
    if (info.maxRelativeExpiryMs > MAX_RELATIVE_EXPIRY_MS) throw invalidRequest('Max relative expiry is too big.');
  }
  validatePoolName(info.poolName);
}

/** CachePoolInfo.validateName. */
export function validatePoolName(poolName: string): void {
  if (poolName === '') throw ioException('invalid empty cache pool name');
}

/** FsAction.toString of the two actions a pool is checked for. */
type PoolAction = 'READ' | 'WRITE';
const BITS: Record<PoolAction, number> = { READ: 4, WRITE: 2 };

/** FSPermissionChecker.checkPermission(CachePool, FsAction); `pc` null = permissions off. */
export function checkPoolPermission(pc: PermissionChecker | null, pool: CachePool, access: PoolAction): void {
  if (!pc || pc.superUser) return;
  const { user, groups } = pc.caller;
  const bit = BITS[access];
  const owner = user === pool.ownerName;
  const member = groups.includes(pool.groupName);
  if (owner && ((pool.mode >> 6) & bit)) return;
  if (member && ((pool.mode >> 3) & bit)) return;
  if (!owner && !member && (pool.mode & bit)) return;
  throw permissionDenied(`Permission denied while accessing pool ${pool.poolName}: user ${user} does not have ${access} permissions.`, { user });
}

const mayRead = (pc: PermissionChecker | null, pool: CachePool): boolean => {
  try {
    checkPoolPermission(pc, pool, 'READ');
    return true;
  } catch (e) {
    if (e instanceof AccessControlError) return false;
    throw e;
  }
};

/** A listed directive: its info (expiry absolute) and stats (CacheDirective.toInfo / toStats). */
export interface DirectiveEntry {
  info: CacheDirectiveRecord;
  stats: { bytesNeeded: number; bytesCached: number; filesNeeded: number; filesCached: number; hasExpired: boolean };
}

/** A listed pool: everything when the caller may read it, else only its name and zero stats (CachePool.getEntry). */
export interface PoolEntry {
  info: CachePoolRecord | { poolName: string };
  stats: { bytesNeeded: number; bytesCached: number; bytesOverlimit: bigint; filesNeeded: number; filesCached: number };
}

const ZERO_POOL_STATS = { bytesNeeded: 0, bytesCached: 0, bytesOverlimit: 0n, filesNeeded: 0, filesCached: 0 };

export class CacheManager {
  readonly #settings: CachingSettings;
  readonly #fsd: () => FsDirectory;
  /** CacheReplicationMonitor.setNeedsRescan: a change since the last rescan (the first one runs at start) */
  #needsRescan = true;
  #lastRescan = Number.NEGATIVE_INFINITY;

  constructor(settings: CachingSettings, fsd: () => FsDirectory) {
    this.#settings = settings;
    this.#fsd = fsd;
  }

  get enabled(): boolean {
    return this.#settings.enabled;
  }

  /** CacheManager.setNeedsRescan (a no-op without a monitor). */
  setNeedsRescan(): void {
    this.#needsRescan = true;
  }

  /**
   * CacheManager.waitForRescanIfNeeded, and the monitor's periodic rescan: runs CacheReplicationMonitor
   * .rescan when a change asked for one or the refresh interval has passed. Without caching, nothing.
   */
  rescanIfNeeded(now: number): void {
    if (!this.#settings.enabled) return;
    if (!this.#needsRescan && now - this.#lastRescan < this.#settings.refreshIntervalMs) return;
    this.#rescan(now);
    this.#needsRescan = false;
    this.#lastRescan = now;
  }

  /** CacheReplicationMonitor.resetStatistics + rescanCacheDirectives, with no DataNode caching anything. */
  #rescan(now: number): void {
    const fsd = this.#fsd();
    const cache = fsd.cache;
    for (const p of cache.pools()) p.resetStatistics();
    const directives = cache.directives();
    for (const d of directives) d.resetStatistics();
    for (const d of directives) {
      if (d.expiryTime > 0n && d.expiryTime <= BigInt(now)) continue;
      const node = lastInode(fsd.resolve(d.path));
      if (node?.kind === 'directory') {
        for (const c of node.children) if (c.kind === 'file') rescanFile(d, c.length(false));
      } else if (node?.kind === 'file') {
        rescanFile(d, node.length(false));
      }
    }
  }

  // ---- pools ------------------------------------------------------------------------------------

  /**
   * CacheManager.addCachePool: validate, refuse an existing name, then CachePool.createFromInfoAndDefaults
   * (owner: the caller; group: the caller's primary group; 0755; unlimited; replication 1; never).
   */
  newPool(info: PoolRequest, caller: { user: string; groups: readonly string[]; ugi: string }): CachePoolRecord {
    validatePoolInfo(info);
    if (this.#fsd().cache.pool(info.poolName)) throw invalidRequest(`Cache pool ${info.poolName} already exists.`);
    let groupName = info.groupName;
    if (groupName === undefined) {
      // UserGroupInformation.getPrimaryGroupName
      groupName = caller.groups[0];
      if (groupName === undefined) throw ioException(`There is no primary group for UGI ${caller.ugi}`);
    }
    return {
      poolName: info.poolName, ownerName: info.ownerName ?? caller.user, groupName, mode: info.mode ?? CACHE_POOL_DEFAULT_MODE,
      limit: info.limit ?? LIMIT_UNLIMITED, defaultReplication: info.defaultReplication ?? DEFAULT_CACHE_REPLICATION,
      maxRelativeExpiryMs: info.maxRelativeExpiryMs ?? MAX_RELATIVE_EXPIRY_MS,
    };
  }

  /** CacheManager.modifyCachePool: the pool with every field the request sets; whether the limit changed (a rescan). */
  modifiedPool(info: PoolRequest): { pool: CachePoolRecord; limitSet: boolean } {
    validatePoolInfo(info);
    const pool = this.#fsd().cache.pool(info.poolName);
    if (!pool) throw invalidRequest(`Cache pool ${info.poolName} does not exist.`);
    const r = pool.record();
    return {
      pool: {
        ...r, ownerName: info.ownerName ?? r.ownerName, groupName: info.groupName ?? r.groupName, mode: info.mode ?? r.mode, limit: info.limit ?? r.limit,
        defaultReplication: info.defaultReplication ?? r.defaultReplication, maxRelativeExpiryMs: info.maxRelativeExpiryMs ?? r.maxRelativeExpiryMs,
      },
      limitSet: info.limit !== undefined,
    };
  }

  /** CacheManager.removeCachePool's checks. */
  checkRemovePool(poolName: string): void {
    validatePoolName(poolName);
    if (!this.#fsd().cache.pool(poolName)) throw invalidRequest(`Cannot remove non-existent cache pool ${poolName}`);
  }

  /** CacheManager.listCachePools: the pools after `prevKey`, at most dfs.namenode.list.cache.pools.num.responses. */
  listCachePools(pc: PermissionChecker | null, prevKey: string): { entries: PoolEntry[]; hasMore: boolean } {
    const entries: PoolEntry[] = [];
    let listed = 0;
    for (const pool of this.#fsd().cache.pools()) {
      if (pool.poolName <= prevKey) continue;
      if (listed++ >= this.#settings.maxListCachePoolsResponses) return { entries, hasMore: true };
      entries.push(mayRead(pc, pool)
        ? { info: pool.record(), stats: { bytesNeeded: pool.bytesNeeded, bytesCached: pool.bytesCached, bytesOverlimit: pool.bytesOverlimit, filesNeeded: pool.filesNeeded, filesCached: pool.filesCached } }
        : { info: { poolName: pool.poolName }, stats: ZERO_POOL_STATS });
    }
    return { entries, hasMore: false };
  }

  // ---- directives -------------------------------------------------------------------------------

  /** CacheManager.addDirective: the new directive, with the next id and an absolute expiry. */
  newDirective(info: DirectiveRequest, pc: PermissionChecker | null, force: boolean, now: number): CacheDirectiveRecord {
    const pool = this.#pool(requirePoolName(info));
    checkPoolPermission(pc, pool, 'WRITE');
    const path = requirePath(info);
    const replication = validateReplication(info, pool.defaultReplication);
    const expiryTime = validateExpiryTime(info, pool.maxRelativeExpiryMs, now);
    if (!force) this.#checkLimit(pool, path, replication);
    return { id: this.#fsd().cache.nextDirectiveId, path, replication, pool: pool.poolName, expiryTime };
  }

  /** CacheManager.modifyDirective: the directive as it will be (createFromInfoAndDefaults), validated against its new pool. */
  modifiedDirective(info: DirectiveRequest, pc: PermissionChecker | null, force: boolean, now: number): CacheDirectiveRecord {
    if (info.id === undefined) throw invalidRequest('Must supply an ID.');
    const prev = this.#byId(info.id);
    checkPoolPermission(pc, prev.pool, 'WRITE');
    const merged: DirectiveRequest = {
      id: BigInt(prev.id), path: info.path ?? prev.path, replication: info.replication ?? prev.replication, pool: info.pool ?? prev.pool.poolName,
      expiration: info.expiration ?? { millis: prev.expiryTime, isRelative: false },
    };
    const path = requirePath(merged);
    const replication = validateReplication(merged, -1);
    const dest = this.#pool(requirePoolName(merged));
    if (dest !== prev.pool) {
      checkPoolPermission(pc, dest, 'WRITE');
      if (!force) this.#checkLimit(dest, path, replication);
    }
    validateExpiryTime(merged, dest.maxRelativeExpiryMs, now);
    const e = merged.expiration!;
    return { id: prev.id, path, replication, pool: dest.poolName, expiryTime: e.isRelative ? BigInt(now) + e.millis : e.millis };
  }

  /** CacheManager.removeDirective's checks: the id, then WRITE on its pool; the directive's id. */
  checkRemoveDirective(id: bigint, pc: PermissionChecker | null): number {
    const d = this.#byId(id);
    checkPoolPermission(pc, d.pool, 'WRITE');
    return d.id;
  }

  /**
   * CacheManager.listCacheDirectives: after `prevId` (or exactly the filter's id), the directives of
   * the filter's pool and path that the caller may read, at most
   * dfs.namenode.list.cache.directives.num.responses.
   */
  listCacheDirectives(prevId: bigint, filter: DirectiveRequest, pc: PermissionChecker | null, now: number): { entries: DirectiveEntry[]; hasMore: boolean } {
    const filterPath = filter.path !== undefined ? requirePath(filter) : undefined;
    if (filter.replication !== undefined) throw invalidRequest('Filtering by replication is unsupported.');
    const cache = this.#fsd().cache;
    const id = filter.id;
    if (id !== undefined) {
      if (!directiveById(cache, id)) throw invalidRequest(`Did not find requested id ${id}`);
      prevId = id - 1n;
    }
    const entries: DirectiveEntry[] = [];
    for (const d of cache.directives()) {
      if (BigInt(d.id) <= prevId) continue;
      if (entries.length >= this.#settings.maxListCacheDirectivesResponses) return { entries, hasMore: true };
      if (id !== undefined && BigInt(d.id) !== id) break;
      if (filter.pool !== undefined && d.pool.poolName !== filter.pool) continue;
      if (filterPath !== undefined && d.path !== filterPath) continue;
      if (!mayRead(pc, d.pool)) continue;
      entries.push({
        info: d.record(),
        stats: { bytesNeeded: d.bytesNeeded, bytesCached: d.bytesCached, filesNeeded: d.filesNeeded, filesCached: d.filesCached, hasExpired: BigInt(now) > d.expiryTime },
      });
    }
    return { entries, hasMore: false };
  }

  /** CacheManager.checkLimit: the pool's needs plus this path's must fit its limit. */
  #checkLimit(pool: CachePool, path: string, replication: number): void {
    const needed = this.#fsd().cacheBytesNeeded(path, replication);
    if (pool.limit === LIMIT_UNLIMITED) return;
    if (BigInt(pool.bytesNeeded) + BigInt(needed) > pool.limit) {
      throw invalidRequest(`Caching path ${path} of size ${Math.trunc(needed / replication)} bytes at replication ${replication} would exceed pool ${pool.poolName}'s remaining capacity of ${pool.limit - BigInt(pool.bytesNeeded)} bytes.`);
    }
  }

  /** CacheManager.getById. */
  #byId(id: bigint): CacheDirective {
    if (id <= 0n) throw invalidRequest('Invalid negative ID.');
    const d = directiveById(this.#fsd().cache, id);
    if (!d) throw invalidRequest(`No directive with ID ${id} found.`);
    return d;
  }

  /** CacheManager.getCachePool. */
  #pool(name: string): CachePool {
    const pool = this.#fsd().cache.pool(name);
    if (!pool) throw invalidRequest(`Unknown pool ${name}`);
    return pool;
  }
}

/** CacheManager.directivesById.get: an id past 2^53 names no directive (ids count up from 1). */
function directiveById(cache: CacheState, id: bigint): CacheDirective | undefined {
  return id <= BigInt(Number.MAX_SAFE_INTEGER) && id > 0n ? cache.directive(Number(id)) : undefined;
}

/** CacheReplicationMonitor.rescanFile with no block cached anywhere. */
function rescanFile(d: CacheDirective, lengthWithoutUcBlock: number): void {
  d.addFilesNeeded(1);
  const neededTotal = lengthWithoutUcBlock * d.replication;
  d.addBytesNeeded(neededTotal);
  if (BigInt(d.pool.bytesNeeded) > d.pool.limit) return;
  const cachedTotal = 0;
  d.addBytesCached(cachedTotal);
  if (cachedTotal === neededTotal) d.addFilesCached(1);
}

/** CacheManager.validatePoolName. */
function requirePoolName(info: DirectiveRequest): string {
  if (info.pool === undefined) throw invalidRequest('No pool specified.');
  if (info.pool === '') throw invalidRequest('Invalid empty pool name.');
  return info.pool;
}

/** CacheManager.validatePath: the path (already Path.toUri().getPath()) must be a valid absolute HDFS path. */
function requirePath(info: DirectiveRequest): string {
  if (info.path === undefined) throw invalidRequest('No path specified.');
  if (!isValidName(info.path)) throw invalidRequest(`Invalid path '${info.path}'.`);
  return info.path;
}

/** CacheManager.validateReplication. */
function validateReplication(info: DirectiveRequest, defaultValue: number): number {
  const repl = info.replication ?? defaultValue;
  if (repl <= 0) throw invalidRequest(`Invalid replication factor ${repl} <= 0`);
  return repl;
}

/** CacheManager.validateExpiryTime: the absolute expiry, the pool's maximum when none is asked. */
function validateExpiryTime(info: DirectiveRequest, maxRelativeExpiryTime: bigint, nowMs: number): bigint {
  const now = BigInt(nowMs);
  if (!info.expiration) return now + maxRelativeExpiryTime;
  const e = info.expiration;
  if (e.millis < 0n) throw invalidRequest(`Cannot set a negative expiration: ${e.millis}`);
  const rel = e.isRelative ? e.millis : e.millis - now;
  const abs = e.isRelative ? now + e.millis : e.millis;
  if (rel > MAX_RELATIVE_EXPIRY_MS) throw invalidRequest(`Expiration ${expirationString(e)} is too far in the future!`);
  if (rel > maxRelativeExpiryTime) throw invalidRequest(`Expiration ${expirationString(e)} exceeds the max relative expiration time of ${maxRelativeExpiryTime} ms.`);
  return abs;
}
