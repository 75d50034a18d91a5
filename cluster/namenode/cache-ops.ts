/**
 * The ClientProtocol cache calls of `hdfs cacheadmin` (Hadoop 3.4.1's NameNodeRpcServer,
 * ClientNamenodeProtocolServerSideTranslatorPB with PBHelperClient's conversions, FSNamesystem
 * addCachePool / modifyCachePool / removeCachePool / listCachePools / addCacheDirective /
 * modifyCacheDirective / removeCacheDirective / listCacheDirectives, and FSNDNCacheOp), over
 * cache-manager.ts.
 *
 * Pools are the superuser's (checkSuperuserPrivilege, audited as refused with the pool name or
 * "{poolName: p}"); directives need WRITE on their pool (READ to be listed; a pool is listed to
 * anyone, with its settings and statistics only for those who may read it). Each change takes the
 * write lock, refuses in safe mode with FSNamesystem's text ("Cannot add cache pool" + name, no
 * space, as 3.4.1 writes it; "Cannot modify cache pool" + name for modify and remove; "Cannot add
 * cache directive" for add and modify; "Cannot remove cache directives"), validates, is journaled
 * (edit-log.ts cache ops), then audited: addCachePool with the new pool's CachePoolInfo.toString,
 * modifyCachePool with "{poolName: p}" and the request, addCacheDirective with the effective
 * directive, modifyCacheDirective with "{id: n}" and the request, removeCacheDirective "{id: n}",
 * listCacheDirectives with the filter, listCachePools with no source. The changing calls go
 * through the retry cache (retry-cache.ts), as NameNodeRpcServer's do. Conversions refuse what the
 * translator's Java does: a path "" (Path's IllegalArgumentException), a replication past a Java
 * short (Shorts.checkedCast: "Out of range: N"), a relative expiry past Long.MAX_VALUE / 4
 * (Expiration.newRelative's Preconditions).
 */
import { AccessControlError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import type {
  CacheDirectiveInfoProto, CacheDirectiveStatsProto, CachePoolInfoProto, CachePoolStatsProto,
} from '../protocol/client-protocol.ts';
import { CACHE_FLAG_FORCE } from '../protocol/client-protocol.ts';
import { cacheDirectiveInfoString, cachePoolInfoString, MAX_RELATIVE_EXPIRY_MS } from '../protocol/cache-format.ts';
import { CacheManager, type DirectiveEntry, type DirectiveRequest, type PoolEntry, type PoolRequest } from './cache-manager.ts';
import { checkSuperuserPrivilege } from './cluster-status.ts';
import { javaPathToString } from './datanode-admin-ops.ts';
import { fsError, HadoopException, ioError } from './namespace/fs-errors.ts';
import type { CacheDirectiveRecord, CachePoolRecord } from './namespace/edit-log.ts';
import type { PermissionChecker } from './namespace/permission-checker.ts';
import type { CallerInfo, FsNamesystem } from './namesystem.ts';
import { RetryCache, type CallKey } from './retry-cache.ts';

const log = getLogger('namenode.cache');

const javaIllegalArgument = (message: string) => fsError('FS_INVALID_ARGUMENT', HadoopException.JAVA_ILLEGAL_ARGUMENT, message);

/** Shorts.checkedCast of a uint32 proto field. */
function checkedShort(v: number): number {
  if (v > 32767 || v < -32768) throw javaIllegalArgument(`Out of range: ${v}`);
  return v;
}

/** `new Path(p).toUri().getPath()`: a scheme and authority dropped, "//", "." and ".." normalized. */
export function pathOf(p: string): string {
  if (p === '') throw javaIllegalArgument('Can not create a Path from an empty string');
  let path = p;
  const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:/.exec(p);
  if (scheme && !p.slice(0, scheme[0].length).includes('/')) {
    path = p.slice(scheme[0].length);
    if (path.startsWith('//')) {
      const end = path.indexOf('/', 2);
      path = end === -1 ? '' : path.slice(end);
    }
  }
  if (path.startsWith('/')) return javaPathToString(path);
  const collapsed = path.split('//').join('/');
  return collapsed.length > 1 && collapsed.endsWith('/') ? collapsed.slice(0, -1) : collapsed;
}

const wide = (v: number | bigint): bigint => BigInt(v);

/** PBHelperClient.convert(CacheDirectiveInfoProto). */
export function directiveFromProto(p: CacheDirectiveInfoProto): DirectiveRequest {
  const r: DirectiveRequest = {};
  if (p.id !== undefined) r.id = wide(p.id);
  if (p.path !== undefined) r.path = pathOf(p.path);
  if (p.replication !== undefined) r.replication = checkedShort(p.replication);
  if (p.pool !== undefined) r.pool = p.pool;
  if (p.expiration) {
    const millis = wide(p.expiration.millis);
    if (p.expiration.isRelative && millis > MAX_RELATIVE_EXPIRY_MS) throw javaIllegalArgument('Expiration time is too far in the future!');
    r.expiration = { millis, isRelative: p.expiration.isRelative };
  }
  return r;
}

/** PBHelperClient.convert(CachePoolInfoProto): an absent name reads as "" (proto2's default). */
export function poolFromProto(p: CachePoolInfoProto): PoolRequest {
  const r: PoolRequest = { poolName: p.poolName ?? '' };
  if (p.ownerName !== undefined) r.ownerName = p.ownerName;
  if (p.groupName !== undefined) r.groupName = p.groupName;
  // new FsPermission((short) mode): the permission and sticky bits
  if (p.mode !== undefined) r.mode = p.mode & 0o1777;
  if (p.limit !== undefined) r.limit = wide(p.limit);
  if (p.defaultReplication !== undefined) r.defaultReplication = checkedShort(p.defaultReplication);
  if (p.maxRelativeExpiry !== undefined) r.maxRelativeExpiryMs = wide(p.maxRelativeExpiry);
  return r;
}

/** PBHelperClient.convert(CacheDirectiveInfo) of a listed directive: every field, the expiry absolute. */
function directiveToProto(d: CacheDirectiveRecord): CacheDirectiveInfoProto {
  return { id: d.id, path: d.path, replication: d.replication, pool: d.pool, expiration: { millis: d.expiryTime, isRelative: false } };
}

/** PBHelperClient.convert(CachePoolInfo): the name, then what is set. */
function poolToProto(info: CachePoolRecord | { poolName: string }): CachePoolInfoProto {
  if (!('ownerName' in info)) return { poolName: info.poolName };
  return {
    poolName: info.poolName, ownerName: info.ownerName, groupName: info.groupName, mode: info.mode, limit: info.limit,
    defaultReplication: info.defaultReplication, maxRelativeExpiry: info.maxRelativeExpiryMs,
  };
}

const requestText = (r: DirectiveRequest): string => cacheDirectiveInfoString(r);
const recordText = (d: CacheDirectiveRecord): string => cacheDirectiveInfoString({ ...d, expiration: { millis: d.expiryTime, isRelative: false } });

export class CacheOps {
  readonly #ns: FsNamesystem;
  readonly #manager: CacheManager;
  readonly #retry: RetryCache;

  constructor(ns: FsNamesystem) {
    this.#ns = ns;
    this.#manager = new CacheManager(ns.settings.caching, () => ns.fsd);
    this.#retry = new RetryCache(ns.clock);
    // CacheManager.startMonitorThread / CacheReplicationMonitor.run's first line
    const { enabled, refreshIntervalMs } = ns.settings.caching;
    if (enabled) log.info({ intervalMs: refreshIntervalMs }, `Starting CacheReplicationMonitor with interval ${refreshIntervalMs} milliseconds`);
    else log.info({}, 'Not starting CacheReplicationMonitor as name-node caching is disabled.');
  }

  /** FSNDNCacheOp.getFsPermissionChecker: none when permissions are off. */
  #pc(caller: CallerInfo): PermissionChecker | null {
    return this.#ns.settings.permissions.enabled ? this.#ns.checker(caller) : null;
  }

  // ---- pools ------------------------------------------------------------------------------------

  /** FSNamesystem.addCachePool. */
  addCachePool(proto: CachePoolInfoProto, caller: CallerInfo, call?: CallKey): Promise<void> {
    return this.#retry.run(call, async () => {
      const ns = this.#ns;
      const req = poolFromProto(proto);
      checkSuperuserPrivilege(ns, caller, 'addCachePool', req.poolName);
      const pool = await ns.write(async () => {
        ns.checkNameNodeSafeMode(`Cannot add cache pool${req.poolName}`);
        const p = this.#logged(`addCachePool of ${cachePoolInfoString(req)}`, () => this.#manager.newPool(req, caller));
        await ns.commit([{ op: 'ADD_CACHE_POOL', pool: p }], `cache pool ${p.poolName}`);
        return p;
      });
      log.info({ pool: pool.poolName }, `addCachePool of ${cachePoolInfoString(req)} successful.`);
      ns.audit(caller, 'addCachePool', cachePoolInfoString(pool));
    });
  }

  /** FSNamesystem.modifyCachePool. */
  modifyCachePool(proto: CachePoolInfoProto, caller: CallerInfo, call?: CallKey): Promise<void> {
    return this.#retry.run(call, async () => {
      const ns = this.#ns;
      const req = poolFromProto(proto);
      const poolNameStr = `{poolName: ${req.poolName}}`;
      checkSuperuserPrivilege(ns, caller, 'modifyCachePool', poolNameStr);
      await ns.write(async () => {
        ns.checkNameNodeSafeMode(`Cannot modify cache pool${req.poolName}`);
        const { pool, limitSet } = this.#logged(`modifyCachePool of ${cachePoolInfoString(req)}`, () => this.#manager.modifiedPool(req));
        await ns.commit([{ op: 'MODIFY_CACHE_POOL', pool }], `cache pool ${pool.poolName}`);
        if (limitSet) this.#manager.setNeedsRescan();
      });
      log.info({ pool: req.poolName }, `modifyCachePool of ${req.poolName} successful.`);
      ns.audit(caller, 'modifyCachePool', poolNameStr, undefined, cachePoolInfoString(req));
    });
  }

  /** FSNamesystem.removeCachePool: the pool and its directives go. */
  removeCachePool(poolName: string, caller: CallerInfo, call?: CallKey): Promise<void> {
    return this.#retry.run(call, async () => {
      const ns = this.#ns;
      const poolNameStr = `{poolName: ${poolName}}`;
      checkSuperuserPrivilege(ns, caller, 'removeCachePool', poolNameStr);
      await ns.write(async () => {
        ns.checkNameNodeSafeMode(`Cannot modify cache pool${poolName}`);
        this.#logged(`removeCachePool of ${poolName}`, () => this.#manager.checkRemovePool(poolName));
        await ns.commit([{ op: 'REMOVE_CACHE_POOL', poolName }], `removal of cache pool ${poolName}`);
        this.#manager.setNeedsRescan();
      });
      log.info({ pool: poolName }, `removeCachePool of ${poolName} successful.`);
      ns.audit(caller, 'removeCachePool', poolNameStr);
    });
  }

  /** FSNamesystem.listCachePools: after a rescan if one is due; audited with no source. */
  listCachePools(prevKey: string, caller: CallerInfo): { entries: { info: CachePoolInfoProto; stats: CachePoolStatsProto }[]; hasMore: boolean } {
    const ns = this.#ns;
    this.#manager.rescanIfNeeded(ns.clock.now());
    let r: { entries: PoolEntry[]; hasMore: boolean };
    try {
      r = this.#manager.listCachePools(this.#pc(caller), prevKey);
    } catch (e) {
      throw ns.auditRefusal(e, caller, 'listCachePools', null);
    }
    ns.audit(caller, 'listCachePools', null);
    return { entries: r.entries.map((e) => ({ info: poolToProto(e.info), stats: e.stats })), hasMore: r.hasMore };
  }

  // ---- directives -------------------------------------------------------------------------------

  /** FSNamesystem.addCacheDirective: the new directive's id. */
  addCacheDirective(proto: CacheDirectiveInfoProto, flags: number, caller: CallerInfo, call?: CallKey): Promise<number> {
    return this.#retry.run(call, async () => {
      const ns = this.#ns;
      const req = directiveFromProto(proto);
      const force = (flags & CACHE_FLAG_FORCE) !== 0;
      if (!force) this.#manager.rescanIfNeeded(ns.clock.now());
      let directive: CacheDirectiveRecord;
      try {
        directive = await ns.write(async () => {
          ns.checkNameNodeSafeMode('Cannot add cache directive');
          const pc = this.#pc(caller);
          if (req.id !== undefined) throw ioError('FS_INVALID_ARGUMENT', 'addDirective: you cannot specify an ID for this operation.');
          const d = this.#logged(`addDirective of ${requestText(req)}`, () => this.#manager.newDirective(req, pc, force, ns.clock.now()));
          await ns.commit([{ op: 'ADD_CACHE_DIRECTIVE', directive: d }], `cache directive ${d.id}`);
          this.#manager.setNeedsRescan();
          return d;
        });
      } catch (e) {
        if (e instanceof AccessControlError) ns.auditDenied(caller, 'addCacheDirective', null);
        throw e;
      }
      log.info({ id: directive.id }, `addDirective of ${requestText(req)} successful.`);
      ns.audit(caller, 'addCacheDirective', recordText(directive));
      return directive.id;
    });
  }

  /** FSNamesystem.modifyCacheDirective. */
  modifyCacheDirective(proto: CacheDirectiveInfoProto, flags: number, caller: CallerInfo, call?: CallKey): Promise<void> {
    return this.#retry.run(call, async () => {
      const ns = this.#ns;
      const req = directiveFromProto(proto);
      const idStr = `{id: ${req.id ?? 'null'}}`;
      const force = (flags & CACHE_FLAG_FORCE) !== 0;
      if (!force) this.#manager.rescanIfNeeded(ns.clock.now());
      try {
        await ns.write(async () => {
          ns.checkNameNodeSafeMode('Cannot add cache directive');
          const pc = this.#pc(caller);
          const d = this.#logged(`modifyDirective of ${req.id ?? '(null)'}`, () => this.#manager.modifiedDirective(req, pc, force, ns.clock.now()));
          this.#manager.setNeedsRescan();
          await ns.commit([{ op: 'MODIFY_CACHE_DIRECTIVE', directive: d }], `cache directive ${d.id}`);
        });
      } catch (e) {
        if (e instanceof AccessControlError) ns.auditDenied(caller, 'modifyCacheDirective', idStr, requestText(req));
        throw e;
      }
      log.info({ id: req.id }, `modifyDirective of ${req.id} successfully applied ${requestText(req)}.`);
      ns.audit(caller, 'modifyCacheDirective', idStr, undefined, requestText(req));
    });
  }

  /** FSNamesystem.removeCacheDirective. */
  removeCacheDirective(idLong: number | bigint, caller: CallerInfo, call?: CallKey): Promise<void> {
    const id = wide(idLong);
    return this.#retry.run(call, async () => {
      const ns = this.#ns;
      const idStr = `{id: ${id}}`;
      try {
        await ns.write(async () => {
          ns.checkNameNodeSafeMode('Cannot remove cache directives');
          const pc = this.#pc(caller);
          const d = this.#logged(`removeDirective of ${id}`, () => this.#manager.checkRemoveDirective(id, pc));
          await ns.commit([{ op: 'REMOVE_CACHE_DIRECTIVE', id: d }], `removal of cache directive ${id}`);
          this.#manager.setNeedsRescan();
        });
      } catch (e) {
        if (e instanceof AccessControlError) ns.auditDenied(caller, 'removeCacheDirective', idStr);
        throw e;
      }
      log.info({ id }, `removeDirective of ${id} successful.`);
      ns.audit(caller, 'removeCacheDirective', idStr);
    });
  }

  /** FSNamesystem.listCacheDirectives: after a rescan if one is due; audited with the filter. */
  listCacheDirectives(prevId: number | bigint, filterProto: CacheDirectiveInfoProto, caller: CallerInfo): {
    elements: { info: CacheDirectiveInfoProto; stats: CacheDirectiveStatsProto }[]; hasMore: boolean;
  } {
    const ns = this.#ns;
    const filter = directiveFromProto(filterProto);
    const filterStr = requestText(filter);
    this.#manager.rescanIfNeeded(ns.clock.now());
    let r: { entries: DirectiveEntry[]; hasMore: boolean };
    try {
      r = this.#manager.listCacheDirectives(wide(prevId), filter, this.#pc(caller), ns.clock.now());
    } catch (e) {
      throw ns.auditRefusal(e, caller, 'listCacheDirectives', filterStr);
    }
    ns.audit(caller, 'listCacheDirectives', filterStr);
    return { elements: r.entries.map((e) => ({ info: directiveToProto(e.info), stats: e.stats })), hasMore: r.hasMore };
  }

  /** CacheManager's `LOG.warn(what + " failed: ", e)` around a refused request. */
  #logged<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      log.warn({ err: (e as Error).message }, `${what} failed: ${(e as Error).message}`);
      throw e;
    }
  }
}
