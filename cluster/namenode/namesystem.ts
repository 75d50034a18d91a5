/**
 * The namesystem (Hadoop's FSNamesystem with FSDirMkdirOp, FSDirDeleteOp, FSDirRenameOp and
 * FSDirStatAndListingOp): the namespace, its store, the leases, the blocks and the DataNodes, and
 * the directory operations of ClientProtocol with Hadoop's checks, in Hadoop's order, and its
 * messages. The file-writing operations are in file-writes.ts.
 *
 * Every change is validated, made durable in the journal, then applied (`commit`); changes run
 * one at a time (`write`, Hadoop's namesystem write lock), so each is validated against the state
 * the previous one left. Reads do not wait: they see every change that has been applied.
 *
 * Manual safe mode (FSNamesystem.enterSafeMode(false) / leaveSafeMode / isInSafeMode, `hdfs
 * dfsadmin -safemode enter|leave`): while it is on, every namespace change refuses with
 * SafeModeException, each op calling `checkNameNodeSafeMode` with Hadoop's text ("Cannot create
 * directory /a") as its first step under the write lock, as FSNamesystem's ops do; `commit` checks it
 * too, so no change reaches the journal in safe mode. Reads go on (without access-time updates).
 * It lives in memory only. A NameNode starts in the start-up safe mode (blocks/startup-safe-mode.ts,
 * BlockManagerSafeMode) until the DataNodes have reported enough of its complete blocks; the same
 * refusals apply, with that safe mode's tip.
 */
import { AccessControlError, HsecError, StorageError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import type { Clock } from '../../lib/time/clock.ts';
import type { AccessMode } from '../../security/token/block-token-identifier.ts';
import type { DirectoryListing, FsPermission, HdfsFileStatus, LocatedBlocks } from '../protocol/hdfs-types.ts';
import { AuditLog } from './audit-log.ts';
import { BlockManager } from './blocks/block-manager.ts';
import { MIN_REPLICATION } from './blocks/block-placement.ts';
import { DatanodeManager } from './blocks/datanode-manager.ts';
import { StartupSafeMode, type StartupSafeModeSettings } from './blocks/startup-safe-mode.ts';
import type { AclEntry } from '../protocol/acl-entry.ts';
import { inheritedAcl } from './namespace/acl-storage.ts';
import { checkUnreadableBySuperuser } from './namespace/xattr-permission-filter.ts';
import type { EditOp, PermissionRecord } from './namespace/edit-log.ts';
import { alreadyExists, fileNotFound, fsError, HadoopException, illegalArgument, invalidPath, ioError, parentNotDirectory, safeModeError } from './namespace/fs-errors.ts';
import { EMPTY_NAME, fileStatus } from './namespace/file-status.ts';
import { FsDirectory, lastInode, type Removed, type ResolvedPath } from './namespace/fs-directory.ts';
import type { INode, INodeFile } from './namespace/inode.ts';
import { LeaseManager } from './namespace/lease-manager.ts';
import { NamespaceStore } from './namespace/namespace-store.ts';
import { FsAction, PermissionChecker, permissionString, type Caller, type PermissionPolicy } from './namespace/permission-checker.ts';
import { isValidName, joinPath, pathComponents } from './namespace/paths.ts';
import { subtreeUsage, verifyQuota, type QuotaDelta } from './namespace/quota.ts';

/** The limits and policies the namesystem enforces (namenode-config.ts reads them). */
export interface NamesystemSettings {
  permissions: PermissionPolicy;
  /** the start-up safe mode's thresholds and extension (dfs.namenode.safemode.*) */
  safeMode: StartupSafeModeSettings;
  /** dfs.namenode.fs-limits.max-component-length (0 = none) */
  maxComponentLength: number;
  /** dfs.namenode.fs-limits.max-directory-items */
  maxDirectoryItems: number;
  /** dfs.namenode.snapshotdiff.allow.snap-root-descendant (default true) */
  snapshotDiffAllowSnapRootDescendant?: boolean;
  /** dfs.namenode.fs-limits.min-block-size */
  minBlockSize: number;
  /** dfs.namenode.fs-limits.max-blocks-per-file */
  maxBlocksPerFile: number;
  /** dfs.replication.max */
  maxReplication: number;
  /** dfs.ls.limit */
  lsLimit: number;
  /** dfs.batched.ls.limit (100, above 0): most paths one getBatchedListing call may name */
  batchedListingLimit: number;
  /** dfs.namenode.max-corrupt-file-blocks-returned (100): most files one listCorruptFileBlocks call returns */
  maxCorruptFileBlocksReturned: number;
  /** dfs.namenode.list.openfiles.num.responses (1000) */
  maxListOpenFilesResponses: number;
  /** dfs.namenode.accesstime.precision, ms (0 = access times off) */
  accessTimePrecision: number;
  /** dfs.namenode.lease-hard-limit-sec, as ms */
  leaseHardLimitMs: number;
  /** dfs.support.append (default true) */
  supportAppends: boolean;
  /** dfs.namenode.audit.log.debug.cmdlist: audit commands written only at DEBUG */
  auditDebugCmds: readonly string[];
  /** dfs.namenode.acls.enabled (default true): the ACL calls are served */
  aclsEnabled: boolean;
  /** dfs.namenode.posix.acl.inheritance.enabled (default true): under a default ACL a new inode takes the unmasked mode */
  posixAclInheritance: boolean;
  /** dfs.namenode.xattrs.enabled (default true): the xattr calls are served */
  xattrsEnabled: boolean;
  /** dfs.namenode.fs-limits.max-xattrs-per-inode (32): user and trusted xattrs per inode */
  maxXAttrsPerInode: number;
  /** dfs.namenode.fs-limits.max-xattr-size (16384): name bytes + value bytes of one xattr */
  maxXAttrSize: number;
  /** dfs.storage.policy.enabled (default true): storage policies may be set, unset and satisfied */
  storagePolicyEnabled: boolean;
  /** dfs.storage.policy.permissions.superuser-only (default false): only the superuser sets or unsets them */
  storagePolicySuperuserOnly: boolean;
  /** centralized cache management (cache-manager.ts) */
  caching: CachingSettings;
}

/** CacheManager's configuration. */
export interface CachingSettings {
  /** dfs.namenode.caching.enabled (default true): the CacheReplicationMonitor runs and computes directive statistics */
  enabled: boolean;
  /** dfs.namenode.list.cache.pools.num.responses (100) */
  maxListCachePoolsResponses: number;
  /** dfs.namenode.list.cache.directives.num.responses (100) */
  maxListCacheDirectivesResponses: number;
  /** dfs.namenode.path.based.cache.refresh.interval.ms (30000): statistics are at most this old */
  refreshIntervalMs: number;
}

/** Who calls: the checker's user and groups, plus the RPC peer (clientMachine) and the caller's UGI text for the audit log. */
export interface CallerInfo extends Caller {
  address: string;
  /** UserGroupInformation.toString() of the caller (lib/rpc/ugi-string.ts): the audit line's ugi */
  ugi: string;
  /** the RPC call's client id and call id (the retry cache's key), when the call came over RPC */
  call?: { clientId: Uint8Array; callId: number };
}

const log = getLogger('namenode.namesystem');
/** NameNode.stateChangeLog: the STATE* lines of safe mode */
const stateLog = getLogger('namenode.state');

/** FSNamesystem.getSafeModeTip with manualSafeMode set. */
export const MANUAL_SAFE_MODE_TIP = 'It was turned on manually. Use "hdfs dfsadmin -safemode leave" to turn safe mode off.';

export class FsNamesystem {
  readonly settings: NamesystemSettings;
  readonly clock: Clock;
  readonly store: NamespaceStore;
  readonly blocks: BlockManager;
  readonly datanodes: DatanodeManager;
  readonly leases: LeaseManager;
  /** the audit logger of every audited call (the token and admin services write to it too) */
  readonly auditLog: AuditLog;
  #fsd: FsDirectory | undefined;
  #lock: Promise<unknown> = Promise.resolve();
  /** set when a durable change could not be applied: memory no longer matches the journal */
  #broken: Error | undefined;
  /** FSNamesystem.manualSafeMode */
  #manualSafeMode = false;
  /** BlockManagerSafeMode: on from start until the DataNodes have reported enough blocks */
  readonly #startupSafeMode: StartupSafeMode;
  /**
   * FSNamesystem.nameNodeHostName (NameNode.getServiceAddress(conf, true).getHostName()), named at
   * the end of every SafeModeException message; the NameNode sets it at start
   */
  nameNodeHostName = '';

  constructor(o: { settings: NamesystemSettings; clock: Clock; store: NamespaceStore; blocks: BlockManager; datanodes: DatanodeManager }) {
    this.settings = o.settings;
    this.clock = o.clock;
    this.store = o.store;
    this.blocks = o.blocks;
    this.datanodes = o.datanodes;
    this.leases = new LeaseManager(o.settings.leaseHardLimitMs);
    this.auditLog = new AuditLog(o.settings.auditDebugCmds);
    this.#startupSafeMode = new StartupSafeMode(o.settings.safeMode, {
      now: () => this.clock.now(),
      liveDatanodes: () => this.datanodes.live().length,
      underReplicatedBlocks: () => this.blocks.underReplicatedCount(),
      underWriteLock: (fn) => this.write(async () => fn()),
      stateLog,
    });
  }

  /** Loads (or formats) the namespace and rebuilds the leases of files open for writing. */
  async load(format: () => FsDirectory): Promise<void> {
    const fsd = await this.store.open(format);
    this.#fsd = fsd;
    this.blocks.attach(fsd, (uuid) => this.datanodes.get(uuid));
    this.datanodes.attach(fsd.identity);
    const now = this.clock.now();
    for (const f of fsd.files(fsd.root)) if (f.uc) this.leases.add(f.uc.clientName, f.id, now);
    log.info({ blockPoolId: fsd.identity.blockPoolId, clusterId: fsd.identity.clusterId, leases: this.leases.size }, 'namesystem ready');
    // FSNamesystem.startCommonServices -> BlockManager.activate(conf, getCompleteBlocksTotal())
    const complete: number[] = [];
    for (const b of fsd.allBlocks()) if (b.complete && b.file) complete.push(b.blockId);
    this.blocks.safeMode = this.#startupSafeMode;
    this.#startupSafeMode.activate(complete, (id) => this.blocks.liveReplicaCount(id) >= this.settings.safeMode.safeReplication);
  }

  /** Stops the start-up safe mode's monitor (the NameNode is stopping). */
  close(): void {
    this.#startupSafeMode.close();
  }

  get fsd(): FsDirectory {
    if (!this.#fsd) throw new Error('namesystem used before load()');
    return this.#fsd;
  }

  /** The last transaction id written (the heartbeat's txid), counted on across restarts. */
  get txid(): number {
    return this.store.lastTxid;
  }

  checker(caller: Caller): PermissionChecker {
    return new PermissionChecker(caller, this.settings.permissions);
  }

  /** Runs `fn` after every earlier change has finished (the write lock). */
  write<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn, fn);
    this.#lock = run.catch(() => undefined);
    return run;
  }

  /**
   * Makes `ops` durable, applies them, then ends the leases of removed files and deletes the
   * replicas of removed blocks. Call inside `write`.
   */
  async commit(ops: EditOp[], what: string): Promise<Removed> {
    if (this.#broken) throw this.#refuseBroken(what);
    // every op checks first with Hadoop's text; this keeps any other path out of the journal too
    this.checkNameNodeSafeMode(`Cannot make the ${what}`);
    await this.store.append(ops, what);
    const removed: Removed = { files: [], blocks: [] };
    try {
      for (const op of ops) {
        const r = this.fsd.apply(op);
        removed.files.push(...r.files);
        removed.blocks.push(...r.blocks);
      }
    } catch (e) {
      // validation let through a change the tree cannot take: stop changing anything (Hadoop
      // terminates the NameNode when memory and edit log disagree)
      this.#broken = e as Error;
      log.error({ what, err: (e as Error).message }, 'a durable change could not be applied; the namespace refuses further changes until the NameNode restarts');
      throw this.#refuseBroken(what);
    }
    for (const f of removed.files) if (f.uc) this.leases.remove(f.uc.clientName, f.id);
    this.blocks.scheduleDeletion(removed.blocks);
    if (this.store.compactionDue) await this.store.compact(this.fsd);
    return removed;
  }

  #refuseBroken(what: string): Error {
    return new StorageError('STORAGE_IO', `Cannot make the ${what}: an earlier change was written to the namespace journal but could not be applied (${this.#broken!.message}); restart the NameNode`, {
      operation: what,
    }, { cause: this.#broken });
  }

  // ---- safe mode ----------------------------------------------------------------------------------

  /** FSNamesystem.isInSafeMode: the manual or the start-up safe mode (hsec has no low-resource one). */
  isInSafeMode(): boolean {
    return this.#manualSafeMode || this.#startupSafeMode.isOn();
  }

  /**
   * BlockManager.isPopulatingReplQueues: the replication queues are populated once the start-up
   * safe mode has reached its block threshold (dfs.namenode.replqueue.threshold-pct defaults to it).
   */
  replicationQueuesInitialized(): boolean {
    return this.#startupSafeMode.status !== 'PENDING_THRESHOLD';
  }

  /** FSNamesystem.getSafeModeTip: the manual safe mode's, else the start-up safe mode's. */
  safeModeTip(): string {
    return this.#manualSafeMode ? MANUAL_SAFE_MODE_TIP : this.#startupSafeMode.tip();
  }

  /**
   * FSNamesystem.checkNameNodeSafeMode: SafeModeException `errorMsg + ". Name node is in safe
   * mode.\n" + tip + " NamenodeHostName:" + host` while in safe mode (newSafemodeException). A
   * non-HA NameNode throws it as it is (no RetriableException).
   */
  checkNameNodeSafeMode(errorMsg: string): void {
    if (!this.isInSafeMode()) return;
    throw safeModeError(`${errorMsg}. Name node is in safe mode.\n${this.safeModeTip()} NamenodeHostName:${this.nameNodeHostName}`);
  }

  /**
   * FSNamesystem.enterSafeMode(resourcesLow = false): under the write lock, so every change begun
   * before it is durable and applied when safe mode is on (Hadoop's logSyncAll), and none after.
   */
  enterSafeMode(): Promise<void> {
    return this.write(async () => {
      this.#manualSafeMode = true;
      stateLog.info({ safeMode: 'ON' }, `STATE* Safe mode is ON.\n${MANUAL_SAFE_MODE_TIP}`);
    });
  }

  /**
   * FSNamesystem.leaveSafeMode(force) with BlockManagerSafeMode.leaveSafeMode: nothing to do when
   * off; otherwise both the manual and the start-up safe mode end (hsec has no bytes in future, so
   * -forceExit is a normal exit, as Hadoop warns).
   */
  leaveSafeMode(force: boolean): Promise<void> {
    return this.write(async () => {
      if (!this.isInSafeMode()) {
        stateLog.info({ safeMode: 'OFF' }, 'STATE* Safe mode is already OFF');
        return;
      }
      this.#startupSafeMode.leave(force);
      this.#manualSafeMode = false;
    });
  }

  /**
   * FSNamesystem.saveNamespace after the superuser check: only in safe mode (IOException otherwise),
   * then FSImage.saveNamespace(timeWindow, txGap) on the namespace store; whether it saved.
   */
  saveNamespace(timeWindowSec: number, txGap: number): Promise<boolean> {
    return this.write(async () => {
      if (!this.isInSafeMode()) throw ioError('FS_SAFE_MODE', 'Safe mode should be turned ON in order to create namespace image.');
      return this.store.save(this.fsd, timeWindowSec, txGap);
    });
  }

  /**
   * FSNamesystem.rollEditLog after the superuser check: under the write lock, refused in safe mode
   * ("Log not rolled"), then the namespace store continues in a new journal (FSEditLog.rollEditLog:
   * the current segment ends, the next begins). Resolves with the new segment's first transaction
   * id: the next change's number in `txid` (hsec writes no segment marker transactions, which take
   * two ids in Hadoop).
   */
  rollEditLog(from: string): Promise<number> {
    return this.write(async () => {
      this.checkNameNodeSafeMode('Log not rolled');
      log.info({ remoteAddress: from }, `Roll Edit Log from ${from}`);
      await this.store.roll();
      return this.txid + 1;
    });
  }

  /** The next inode ids, without taking them (an op takes them when applied). */
  nextInodeIds(n: number): number[] {
    return Array.from({ length: n }, (_, i) => this.fsd.lastInodeId + 1 + i);
  }

  /**
   * FSDirectory.resolvePath: the inodes along `src` and the traverse check. `create` ops refuse
   * invalid names (InvalidPathException "Invalid file name: ...") and report a file ancestor as
   * ParentNotDirectoryException.
   */
  resolve(pc: PermissionChecker, src: string, create: boolean): ResolvedPath {
    if (create && !isValidName(src)) throw invalidPath(`Invalid file name: ${src}`, src);
    const r = this.fsd.resolve(src);
    pc.checkTraverse(r, create);
    return r;
  }

  /** BlockManager.verifyReplication: `clientName` is named only by create (setReplication passes none). */
  verifyReplication(src: string, replication: number, clientName?: string): void {
    const max = this.settings.maxReplication;
    const err = replication > max ? ` exceeds maximum of ${max}` : replication < MIN_REPLICATION ? ` is less than the required minimum of ${MIN_REPLICATION}` : undefined;
    if (err) throw ioError('FS_INVALID_ARGUMENT', `Requested replication factor of ${replication}${err} for ${src}${clientName === undefined ? '' : `, clientName=${clientName}`}`, { path: src });
  }

  /** FSDirectory.verifyParentDir (createParent = false). */
  verifyParentDir(r: ResolvedPath): void {
    if (r.components.length === 0) return;
    const parent = r.inodes[r.inodes.length - 2];
    const parentPath = joinPath(r.components, r.components.length - 1);
    if (!parent) throw fileNotFound(`Parent directory doesn't exist: ${parentPath}`, r.path);
    if (parent.kind !== 'directory') throw parentNotDirectory(`Parent path is not a directory: ${parentPath}`, r.path);
  }

  /** verifyINodeName / verifyMaxComponentLength / verifyMaxDirItems for a child `name` added to `parent`. */
  verifyLimits(parentPath: string, name: string, itemsBefore: number): void {
    this.verifyName(parentPath, name);
    const { maxDirectoryItems: maxItems } = this.settings;
    if (itemsBefore >= maxItems) {
      throw fsError('FS_LIMIT', HadoopException.MAX_DIRECTORY_ITEMS,
        `The directory item limit of ${parentPath} is exceeded: limit=${maxItems} items=${itemsBefore}`, { path: parentPath });
    }
  }

  /** FSDirectory.verifyINodeName ('.snapshot' is reserved), then verifyMaxComponentLength (dfs.namenode.fs-limits.max-component-length, UTF-8 bytes). */
  verifyName(parentPath: string, name: string): void {
    if (name === '.snapshot') throw illegalArgument('".snapshot" is a reserved name.', { path: parentPath });
    const maxLen = this.settings.maxComponentLength;
    const length = Buffer.byteLength(name, 'utf8');
    if (maxLen > 0 && length > maxLen) {
      throw fsError('FS_LIMIT', HadoopException.PATH_COMPONENT_TOO_LONG,
        `The maximum path component name limit of ${name} in directory ${parentPath} is exceeded: limit=${maxLen} length=${length}`, { path: parentPath });
    }
  }

  /**
   * MKDIR ops for the missing directories of `r` up to index `upTo` (inclusive): the last gets
   * `perm`, the ones before it `ancestorPerm` (the implicit u+wx); the group is the existing
   * ancestor's (the BSD rule), written into the op so replay needs no lookup.
   */
  mkdirOps(r: ResolvedPath, upTo: number, perm: PermissionRecord, ancestorPerm: PermissionRecord, now: number): EditOp[] {
    let first = 1;
    while (first <= upTo && r.inodes[first]) first++;
    const existing = r.inodes[first - 1]!;
    if (existing.kind !== 'directory') throw parentNotDirectory(`${joinPath(r.components, first - 1)} (is not a directory)`, r.path);
    const ids = this.nextInodeIds(upTo - first + 1);
    const ops: EditOp[] = [];
    for (let i = first; i <= upTo; i++) {
      const name = r.components[i - 1]!;
      this.verifyLimits(joinPath(r.components, i - 1), name, i === first ? existing.children.length : 0);
      const p = i === upTo ? perm : ancestorPerm;
      ops.push({ op: 'MKDIR', id: ids[i - first]!, path: joinPath(r.components, i), perm: { ...p, group: existing.group }, mtime: now });
    }
    return ops;
  }

  /**
   * FSDirectory.copyINodeDefaultAcl for the MKDIR and ADD_FILE ops of one call, in order: each new
   * inode under a directory with a default ACL (existing, or made earlier in `ops`) inherits it; its
   * op then carries the resulting mode and a SET_ACL op follows it. With POSIX ACL inheritance on
   * and the client's unmasked mode given, the last op's inode starts from the unmasked mode
   * (HDFS-6962: no umask under a default ACL) and keeps its masked mode when nothing is inherited.
   * `parentsToo` (mkdirs): the implicitly created parents start from that unmasked mode as well,
   * as FSDirMkdirOp.addImplicitUwx carries it into their FsCreateModes since HDFS-14359 (3.3.0);
   * create's parents (createAncestorDirectories) have none.
   */
  inheritAcls(ops: EditOp[], unmasked: FsPermission | undefined, parentsToo = false): EditOp[] {
    const made = new Map<string, readonly AclEntry[]>();
    const out: EditOp[] = [];
    let lastCreate = -1;
    ops.forEach((op, i) => { if (op.op === 'MKDIR' || op.op === 'ADD_FILE') lastCreate = i; });
    ops.forEach((op, i) => {
      if (op.op !== 'MKDIR' && op.op !== 'ADD_FILE') {
        out.push(op);
        return;
      }
      const parentPath = op.path.slice(0, Math.max(1, op.path.lastIndexOf('/')));
      const parentAcl = made.get(parentPath) ?? this.fsd.resolveExisting(parentPath)?.acl ?? [];
      const kind = op.op === 'MKDIR' ? 'directory' : 'file';
      const useUnmasked = this.settings.posixAclInheritance && unmasked !== undefined && (i === lastCreate || (parentsToo && op.op === 'MKDIR'));
      const inherited = inheritedAcl(parentAcl, kind, useUnmasked ? unmasked.perm & 0o1777 : op.perm.mode);
      if (!inherited) {
        out.push(op);
        return;
      }
      out.push({ ...op, perm: { ...op.perm, mode: inherited.mode } });
      if (kind === 'directory') made.set(op.path, inherited.entries);
      if (inherited.entries.length > 0) out.push({ op: 'SET_ACL', path: op.path, mode: inherited.mode, entries: inherited.entries });
    });
    return out;
  }

  /**
   * Commits the MKDIR / ADD_FILE ops of one call along `r` (with the SET_ACL ops that follow
   * them), each new inode first passing FSDirectory.addLastINode's quota check (one name more
   * in every quota directory above it, `freed` already taken off by an overwrite): as Hadoop adds
   * and logs each directory of a mkdirs on its own, the ones made before a refused inode stay.
   */
  async commitCreates(r: ResolvedPath, ops: EditOp[], what: string, freed: QuotaDelta = { ns: 0, ss: 0 }): Promise<Removed> {
    let made = 0;
    for (let j = 0; j < ops.length; j++) {
      const op = ops[j]!;
      if (op.op !== 'MKDIR' && op.op !== 'ADD_FILE') continue;
      try {
        verifyQuota(r.inodes, pathComponents(op.path).length, { ns: 1, ss: 0 }, undefined, { ns: made - freed.ns, ss: -freed.ss });
      } catch (e) {
        if (j > 0) await this.commit(ops.slice(0, j), what);
        throw e;
      }
      made++;
    }
    return this.commit(ops, what);
  }

  /**
   * FSDirectory.verifyQuotaForRename: the moved subtree's names and space (less what an
   * overwritten destination frees) must fit every quota directory above the destination, up to
   * the last ancestor source and destination share.
   */
  verifyQuotaForRename(sr: ResolvedPath, dr: ResolvedPath): void {
    let i = 0;
    while (sr.inodes[i] !== undefined && sr.inodes[i] === dr.inodes[i]) i++;
    const delta = subtreeUsage(lastInode(sr)!);
    const existing = lastInode(dr);
    if (existing) {
      const freed = subtreeUsage(existing);
      delta.ns -= freed.ns;
      delta.ss -= freed.ss;
    }
    verifyQuota(dr.inodes, dr.inodes.length - 1, delta, sr.inodes[i - 1]);
  }

  // ---- directory operations -----------------------------------------------------------------------

  /** FSDirMkdirOp.mkdirs: true when the directory exists afterwards; audited with its status, a refusal as allowed=false. */
  mkdirs(src: string, masked: FsPermission, createParent: boolean, caller: CallerInfo, unmasked?: FsPermission): Promise<boolean> {
    return this.write(async () => {
      this.checkNameNodeSafeMode(`Cannot create directory ${src}`);
      let r: ResolvedPath;
      try {
        const pc = this.checker(caller);
        r = this.resolve(pc, src, true);
        const last = lastInode(r);
        if (last?.kind === 'file') throw alreadyExists(`Path is not a directory: ${src}`, src);
        if (!last) {
          pc.check(r, { ancestor: FsAction.WRITE });
          if (!createParent) this.verifyParentDir(r);
          const mode = masked.perm & 0o1777;
          const perm = { owner: caller.user, group: '', mode };
          // addImplicitUwx: the parents get the mode with u+wx (FsPermission(u|wx, g, o): no sticky bit)
          const ops = this.mkdirOps(r, r.components.length, perm, { ...perm, mode: (mode & 0o777) | 0o300 }, this.clock.now());
          await this.commitCreates(r, this.inheritAcls(ops, unmasked, true), `mkdirs of ${r.path}`);
        }
      } catch (e) {
        this.auditRefusal(e, caller, 'mkdirs', src);
      }
      this.audit(caller, 'mkdirs', src, this.fsd.resolveExisting(r.path));
      return true;
    });
  }

  /**
   * getFileInfo (also getFileLinkInfo): the status, or undefined when `src` does not exist; audited
   * as "getfileinfo" either way, a refusal as allowed=false (FSNamesystem.getFileInfo).
   */
  getFileInfo(src: string, caller: CallerInfo): HdfsFileStatus | undefined {
    let status: HdfsFileStatus | undefined;
    try {
      status = this.fileInfo(this.checker(caller), src, false, null);
    } catch (e) {
      this.auditRefusal(e, caller, 'getfileinfo', src);
    }
    this.audit(caller, 'getfileinfo', src);
    return status;
  }

  /**
   * FSDirStatAndListingOp.getFileInfo(fsd, pc, src, ...) without the audit: the status of `src`
   * (with its block locations when `needLocation`, READ block tokens when `tokenMode` is given), or
   * undefined when nothing is there. The superuser gets undefined instead of the
   * AccessControlException of a file ancestor ("/f (is not a directory)"), as Hadoop's file system
   * contracts expect.
   */
  fileInfo(pc: PermissionChecker, src: string, needLocation: boolean, tokenMode: AccessMode | null): HdfsFileStatus | undefined {
    let r: ResolvedPath;
    try {
      r = this.resolve(pc, src, false);
    } catch (e) {
      if (pc.superUser && e instanceof AccessControlError) return undefined;
      throw e;
    }
    const node = lastInode(r);
    return node ? this.#status(node, EMPTY_NAME, needLocation, pc.caller.user, tokenMode) : undefined;
  }

  /**
   * FSNamesystem.checkAccess (FileSystem.access, `hdfs dfs -test -r / -w`): FileNotFoundException
   * "Path not found" for a missing path, else `mode` on the path itself. Audited with the resolved
   * path once resolved (Hadoop reassigns src = iip.getPath()), a refusal as allowed=false.
   */
  checkAccess(src: string, mode: number, caller: CallerInfo): void {
    const pc = this.checker(caller);
    let path = src;
    try {
      const r = this.resolve(pc, src, false);
      path = r.path;
      if (!lastInode(r)) throw fileNotFound(`Path not found: ${r.path}`, r.path);
      pc.check(r, { access: mode });
    } catch (e) {
      this.auditRefusal(e, caller, 'checkAccess', path);
    }
    this.audit(caller, 'checkAccess', path);
  }

  /**
   * FSNamesystem.getEnclosingRoot: the encryption zone root of `src`, else "/". hsec has no
   * encryption zones, so it is "/" once FSDirEncryptionZoneOp.getEZForPath's checks pass: the
   * traverse check, then READ on the path itself when dfs.permissions.enabled (a missing path
   * passes). Audited as "getEZForPath" with the path's status, a refusal as allowed=false.
   */
  getEnclosingRoot(src: string, caller: CallerInfo): string {
    let node: INode | undefined;
    try {
      const pc = this.checker(caller);
      const r = this.resolve(pc, src, false);
      node = lastInode(r);
      if (this.settings.permissions.enabled) pc.check(r, { access: FsAction.READ });
    } catch (e) {
      this.auditRefusal(e, caller, 'getEZForPath', src);
    }
    this.audit(caller, 'getEZForPath', src, node);
    return '/';
  }

  /** getListing: one page of a directory after `startAfter` (UTF-8 name bytes), at most dfs.ls.limit entries. */
  getListing(src: string, startAfter: Uint8Array, needLocation: boolean, caller: CallerInfo): DirectoryListing | undefined {
    let listing: DirectoryListing | undefined;
    try {
      listing = this.listingInt(this.checker(caller), src, startAfter, needLocation);
    } catch (e) {
      this.auditRefusal(e, caller, 'listStatus', src);
    }
    this.audit(caller, 'listStatus', src);
    return listing;
  }

  /**
   * FSDirStatAndListingOp.getListingInt without the audit (getListing and getBatchedListing): the
   * traverse check, READ_EXECUTE on a directory, then one page after `startAfter` (a file lists as
   * itself with an empty name); undefined when `src` does not exist. With `needLocation`, files
   * carry their block locations (no block tokens) and the page also stops once dfs.ls.limit
   * locations (blocks x replication) are in it.
   */
  listingInt(pc: PermissionChecker, src: string, startAfter: Uint8Array, needLocation: boolean): DirectoryListing | undefined {
    const r = this.resolve(pc, src, false);
    const node = lastInode(r);
    if (node?.kind === 'directory') pc.check(r, { access: FsAction.READ_EXECUTE });
    if (!node) return undefined;
    const user = pc.caller.user;
    if (node.kind === 'file') return { partialListing: [this.#status(node, EMPTY_NAME, needLocation, user, null)], remainingEntries: 0 };
    const children = node.children;
    let start = 0;
    if (startAfter.length > 0) {
      const i = node.search(Buffer.from(startAfter).toString('utf8'));
      start = i >= 0 ? i + 1 : -i - 1;
    }
    const count = Math.min(children.length - start, this.settings.lsLimit);
    let budget = this.settings.lsLimit;
    const listing: HdfsFileStatus[] = [];
    for (let i = 0; i < count && budget > 0; i++) {
      const child = children[start + i]!;
      const status = this.#status(child, Buffer.from(child.name, 'utf8'), needLocation, user, null);
      listing.push(status);
      if (status.locations) budget -= (status.locations.blocks?.length ?? 0) * (status.block_replication ?? 0);
    }
    return { partialListing: listing, remainingEntries: children.length - start - listing.length };
  }

  /** FSDirStatAndListingOp.createFileStatus: a file's locations cover all of it (an incomplete last block included). */
  #status(node: INode, name: Uint8Array, needLocation: boolean, user: string, tokenMode: AccessMode | null): HdfsFileStatus {
    if (!needLocation || node.kind !== 'file') return fileStatus(node, name);
    const length = node.length(true);
    return fileStatus(node, name, this.blocks.locatedBlocks(node, 0, length, user, tokenMode));
  }

  /**
   * getBlockLocations: the file's blocks overlapping [offset, offset + length) with READ tokens,
   * audited as "open" (a refusal as allowed=false) before the access time is refreshed, once per
   * dfs.namenode.accesstime.precision (OP_TIMES). A failed refresh (journal closed or failing) is
   * a warning, not a failed read, as in Hadoop.
   */
  async getBlockLocations(src: string, offset: number, length: number, caller: CallerInfo, mode: AccessMode = 'READ'): Promise<LocatedBlocks> {
    if (offset < 0) throw illegalArgument(`Negative offset is not supported. File: ${src}`, { path: src });
    if (length < 0) throw illegalArgument(`Negative length is not supported. File: ${src}`, { path: src });
    const pc = this.checker(caller);
    let r: ResolvedPath;
    let file: INodeFile;
    try {
      r = this.resolve(pc, src, false);
      file = fileOf(lastInode(r), r.path);
      if (this.settings.permissions.enabled) checkUnreadableBySuperuser(pc.superUser, caller.user, file, r.path);
      pc.check(r, { access: FsAction.READ });
    } catch (e) {
      this.auditRefusal(e, caller, 'open', src);
    }
    const located = this.blocks.locatedBlocks(file, offset, length, caller.user, mode);
    // in safe mode a block without a location is refused rather than reported (a start-up NameNode
    // may not have heard of its replicas yet), and access times are not updated
    if (this.isInSafeMode() && (located.blocks ?? []).some((b) => (b.locs ?? []).length === 0)) this.checkNameNodeSafeMode(`Zero blocklocations for ${src}`);
    this.audit(caller, 'open', src);
    const precision = this.settings.accessTimePrecision;
    const now = this.clock.now();
    if (!this.isInSafeMode() && precision > 0 && now > file.atime + precision) {
      try {
        await this.write(async () => {
          if (!this.isInSafeMode() && this.fsd.inode(file.id) === file && now > file.atime + precision) await this.commit([{ op: 'TIMES', path: r.path, mtime: -1, atime: now }], `access time of ${r.path}`);
        });
      } catch (e) {
        // FSNamesystem.getBlockLocations: a failed access-time update is logged, the read goes on
        if (!(e instanceof HsecError)) throw e;
        log.warn({ path: r.path, code: e.code, err: e.message }, `Failed to update the access time of ${r.path}: ${e.message}`);
      }
    }
    return located;
  }

  /**
   * FSDirDeleteOp.delete: false when `src` does not exist or is the root. Audited as
   * logAuditEvent(ret, "delete", src): a delete that removed nothing is an allowed=false line, as is
   * a refusal.
   */
  delete(src: string, recursive: boolean, caller: CallerInfo): Promise<boolean> {
    return this.write(async () => {
      this.checkNameNodeSafeMode(`Cannot delete ${src}`);
      let deleted = false;
      try {
        const pc = this.checker(caller);
        if (src === '/.reserved') throw invalidPath(src, src);
        const r = this.resolve(pc, src, false);
        pc.check(r, { parent: FsAction.WRITE, subtree: FsAction.ALL, ignoreEmptyDir: true });
        const node = lastInode(r);
        if (node?.kind === 'directory' && node.children.length > 0 && !recursive) {
          throw fsError('FS_NOT_EMPTY', HadoopException.PATH_IS_NOT_EMPTY_DIRECTORY, `${r.path} is non empty`, { path: r.path });
        }
        if (node && r.components.length > 0) {
          await this.commit([{ op: 'DELETE', path: r.path, mtime: this.clock.now() }], `delete of ${r.path}`);
          deleted = true;
        }
      } catch (e) {
        this.auditRefusal(e, caller, 'delete', src);
      }
      if (deleted) this.audit(caller, 'delete', src);
      else this.auditDenied(caller, 'delete', src);
      return deleted;
    });
  }

  /**
   * The old rename (FSDirRenameOp.renameTo): false for most refusals; into an existing directory it
   * moves under it. Audited as "rename" with src, dst as given and the moved inode's status only when
   * it succeeds; a refusal (AccessControlException) as allowed=false with src and dst.
   */
  rename(src: string, dst: string, caller: CallerInfo): Promise<boolean> {
    return this.write(async () => {
      this.checkNameNodeSafeMode(`Cannot rename ${src}`);
      if (!isValidName(dst)) throw ioError('FS_INVALID_PATH', `Invalid name: ${dst}`, { path: dst });
      let moved: INode | undefined;
      try {
        moved = await this.#rename(src, dst, caller);
      } catch (e) {
        this.auditRefusal(e, caller, 'rename', src, dst);
      }
      if (moved) this.audit(caller, 'rename', src, moved, dst);
      return moved !== undefined;
    });
  }

  /** The inode moved (at its new place), or undefined for a rename refused by a false. */
  async #rename(src: string, dst: string, caller: CallerInfo): Promise<INode | undefined> {
    const pc = this.checker(caller);
    const sr = this.resolve(pc, src, false);
    let dr = this.resolve(pc, dst, true);
    const node = lastInode(sr);
    if (lastInode(dr)?.kind === 'directory' && sr.components.length > 0) dr = this.fsd.resolve(joinPath([...dr.components, sr.components[sr.components.length - 1]!]));
    pc.check(sr, { parent: FsAction.WRITE });
    pc.check(dr, { ancestor: FsAction.WRITE });
    const refuse = (why: string) => {
      log.warn({ src: sr.path, dst: dr.path }, `DIR* FSDirectory.unprotectedRenameTo: failed to rename ${sr.path} to ${dr.path} because ${why}`);
      return undefined;
    };
    if (!node) return refuse('source does not exist');
    if (sr.components.length === 0) return refuse('the source is the root');
    if (dr.path === sr.path) return node;
    if (isUnderPath(dr.path, sr.path)) return refuse('the destination is under the source');
    if (lastInode(dr)) return refuse('destination exists');
    const dstParent = dr.inodes[dr.inodes.length - 2];
    if (dstParent?.kind !== 'directory') return refuse('destination\'s parent does not exist');
    this.#verifyRenameLimits(dr, node);
    this.verifyQuotaForRename(sr, dr);
    await this.commit([{ op: 'RENAME', src: sr.path, dst: dr.path, mtime: this.clock.now(), overwrite: false }], `rename of ${sr.path} to ${dr.path}`);
    return this.fsd.resolveExisting(dr.path) ?? node;
  }

  /**
   * rename2 (FSDirRenameOp with Options.Rename): every refusal is an exception; OVERWRITE replaces an
   * existing file or empty directory. TO_TRASH (`toTrash`, a client's move to trash) also needs what
   * a delete needs, ALL on the whole subtree: what goes to the trash is later deleted by the
   * superuser's emptier, so the caller must be allowed to delete it (FSDirRenameOp.renameTo).
   */
  rename2(src: string, dst: string, overwrite: boolean, caller: CallerInfo, toTrash = false): Promise<void> {
    return this.write(async () => {
      this.checkNameNodeSafeMode(`Cannot rename ${src}`);
      if (!isValidName(dst)) throw invalidPath(`Invalid name: ${dst}`, dst);
      // FSNamesystem.renameTo audits "rename (options=" + Arrays.toString(options) + ")", refused or done
      const options = [...(overwrite ? ['OVERWRITE'] : []), ...(toTrash ? ['TO_TRASH'] : [])];
      const cmd = `rename (options=[${options.length > 0 ? options.join(', ') : 'NONE'}])`;
      let moved: INode | undefined;
      try {
        const pc = this.checker(caller);
        const sr = this.resolve(pc, src, false);
        const dr = this.resolve(pc, dst, true);
        pc.check(sr, toTrash ? { parent: FsAction.WRITE, subtree: FsAction.ALL, ignoreEmptyDir: true } : { parent: FsAction.WRITE });
        pc.check(dr, { ancestor: FsAction.WRITE, ...(overwrite && lastInode(dr) ? { parent: FsAction.WRITE } : {}) });
        const node = lastInode(sr);
        if (!node) throw fileNotFound(`rename source ${sr.path} is not found.`, sr.path);
        if (sr.components.length === 0) throw ioError('FS_INVALID_ARGUMENT', 'rename source cannot be the root', { path: sr.path });
        if (dr.path === sr.path) throw alreadyExists(`The source ${sr.path} and destination ${dr.path} are the same`, dr.path);
        if (isUnderPath(dr.path, sr.path)) throw ioError('FS_INVALID_ARGUMENT', `Rename destination ${dr.path} is a directory or file under source ${sr.path}`, { path: dr.path });
        if (dr.components.length === 0) throw ioError('FS_INVALID_ARGUMENT', 'rename destination cannot be the root', { path: dr.path });
        const existing = lastInode(dr);
        if (existing) {
          if (!overwrite) throw alreadyExists(`rename destination ${dr.path} already exists`, dr.path);
          if (existing.kind !== node.kind) {
            throw ioError('FS_INVALID_ARGUMENT', `Source ${sr.path} and destination ${dr.path} must both be ${node.kind === 'directory' ? 'directories' : 'files'}`, { path: dr.path });
          }
          if (existing.kind === 'directory' && existing.children.length > 0) throw ioError('FS_NOT_EMPTY', `rename destination directory is not empty: ${dr.path}`, { path: dr.path });
        }
        const dstParent = dr.inodes[dr.inodes.length - 2];
        if (!dstParent) throw fileNotFound(`rename destination parent ${dr.path} not found.`, dr.path);
        if (dstParent.kind !== 'directory') throw parentNotDirectory(`rename destination parent ${dr.path} is a file.`, dr.path);
        if (!existing) this.#verifyRenameLimits(dr, node);
        this.verifyQuotaForRename(sr, dr);
        await this.commit([{ op: 'RENAME', src: sr.path, dst: dr.path, mtime: this.clock.now(), overwrite: existing !== undefined }], `rename of ${sr.path} to ${dr.path}`);
        moved = this.fsd.resolveExisting(dr.path);
      } catch (e) {
        this.auditRefusal(e, caller, cmd, src, dst);
      }
      this.audit(caller, cmd, src, moved, dst);
    });
  }

  #verifyRenameLimits(dr: ResolvedPath, node: INode): void {
    const parent = dr.inodes[dr.inodes.length - 2];
    const sameParent = parent === node.parent;
    if (parent?.kind === 'directory') this.verifyLimits(joinPath(dr.components, dr.components.length - 1), dr.components[dr.components.length - 1]!, parent.children.length - (sameParent ? 1 : 0));
  }

  /** logAuditEvent(true, cmd, src, dst, status): `perm` is the status's owner:group:permission. */
  audit(caller: CallerInfo, cmd: string, src: string | null, perm?: INode, dst?: string): void {
    this.auditLog.log({ allowed: true, ugi: caller.ugi, ip: caller.address, cmd, src, dst, perm: permString(perm) });
  }

  /** logAuditEvent(false, cmd, src, dst, null): the AccessControlException of a call that audits its refusals. */
  auditDenied(caller: CallerInfo, cmd: string, src: string | null, dst?: string): void {
    this.auditLog.log({ allowed: false, ugi: caller.ugi, ip: caller.address, cmd, src, dst });
  }

  /**
   * FSNamesystem's catch block around an operation: an AccessControlException is audited as
   * logAuditEvent(false, cmd, src, dst), then rethrown; any other error is not audited.
   */
  auditRefusal(e: unknown, caller: CallerInfo, cmd: string, src: string | null, dst?: string): never {
    if (e instanceof AccessControlError) this.auditDenied(caller, cmd, src, dst);
    throw e;
  }
}

/** INodeFile.valueOf: the inode must be a file. */
export function fileOf(node: INode | undefined, path: string): INodeFile {
  if (!node) throw fileNotFound(`File does not exist: ${path}`, path);
  if (node.kind !== 'file') throw fileNotFound(`Path is not a file: ${path}`, path);
  return node;
}

function isUnderPath(dst: string, src: string): boolean {
  return dst.startsWith(src === '/' ? '/' : `${src}/`) && dst !== src;
}

/** The audit log's perm field: `owner:group:rwxr-xr-x`. */
function permString(node: INode | undefined): string | undefined {
  return node ? `${node.owner}:${node.group}:${permissionString(node.mode)}` : undefined;
}
