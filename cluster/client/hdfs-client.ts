/**
 * The HDFS client for programs (Hadoop's DistributedFileSystem / DFSClient): one NameNode, one
 * user, the process's shared RpcClient. `HdfsClient.connect()` with no arguments does what
 * `hdfs dfs` does: configuration from HADOOP_CONF_DIR (else /etc/hadoop/conf), the login user of
 * UGI.getLoginUser (the ticket cache, plus tokens from HADOOP_TOKEN_FILE_LOCATION), the NameNode of
 * fs.defaultFS. Each part can be given instead: a Configuration, a User (keytab, password, ticket
 * cache or token file login), a NameNode address or `hdfs://` URI.
 */
import { DEFAULT_CONF_DIR, loadConfiguration, type Configuration } from '../../lib/config/index.ts';
import { ConfigError, FileError, FileSystemError } from '../../lib/errors/index.ts';
import { AuthToLocal } from '../../security/kerberos/names/index.ts';
import { toFileStatus, type FileStatus } from './file-status.ts';
import { globStatus } from './globber.ts';
import { childPath, normalizePath, resolveHdfsPath } from './hdfs-path.ts';
import { formatHostPort, parseHostPort, type HostPort } from '../../lib/net/host-port.ts';
import { User } from '../../security/identity/user.ts';
import { callCredentials } from '../../security/sasl/rpc/protocol-security.ts';
import type { Token } from '../../security/token/token.ts';
import type { CacheDirectiveInfoProto, CacheDirectiveStatsProto, CachePoolInfoProto, CachePoolStatsProto } from '../protocol/client-protocol.ts';
import type { SnapshotDiffReport, SnapshotDiffReportCursor, SnapshotStatus, SnapshottableDirectoryStatus } from '../protocol/client-protocol.ts';
import { CLIENT_PROTOCOL_INFO, CreateFlag, type BlockStoragePolicy, type ContentSummary, type EncryptionZone, type FsActionName, type FsServerDefaults, type QuotaUsage } from '../protocol/client-protocol.ts';
import { remoteToError } from '../../lib/rpc/remote-exception.ts';
import type { ChecksumType } from '../protocol/hdfs-types.ts';
import { DataNodeChannels } from './datanode-channel.ts';
import { computeFileChecksum } from './file-checksum-computer.ts';
import type { ChecksumCombineMode, FileChecksum } from './file-checksum.ts';
import { readBlockLength } from './block-length.ts';
import { HdfsInputStream, type ReadRange } from './hdfs-input-stream.ts';
import { HdfsOutputStream, type CreateOptions, type OutputStreamContext } from './hdfs-output-stream.ts';
import { ReplaceDatanodeOnFailure } from './replace-datanode-on-failure.ts';
import { LeaseRenewer } from './lease-renewer.ts';
import { Trash, trashRootOf, type TrashNamespace } from './trash.ts';
import { parseUmaskMode } from './permission-parser.ts';
import { randomInt } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ClientProtocolClient } from '../protocol/client-protocol-client.ts';
import { aclEntryToProto, aclStatusFromProto, type AclEntry, type AclStatus } from '../protocol/acl-entry.ts';
import { parseXAttrName, prefixedName, xattrSetFlagBits, xattrToProto } from '../protocol/xattr.ts';
import { nameNodeClientAddress, parseHdfsUri } from '../protocol/namenode-address.ts';
import { acquireRpcClient, type SharedRpcClient } from './shared-rpc-client.ts';

export interface HdfsClientOptions {
  /** Hadoop configuration (default: the site files of `confDir`, else HADOOP_CONF_DIR, else /etc/hadoop/conf). */
  conf?: Configuration;
  /** A Hadoop configuration directory (core-site.xml, hdfs-site.xml) to read when `conf` is not given. */
  confDir?: string;
  /** Who to act as (default: User.login(conf): the ticket cache and HADOOP_TOKEN_FILE_LOCATION). */
  user?: User;
  /** The NameNode: `hdfs://host:port`, `host:port` or an address (default: fs.defaultFS). */
  nameNode?: string | HostPort;
  /** Per-call timeout, ms (default: none beyond the IPC settings). */
  timeoutMs?: number;
  /** Environment for the defaults above (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** What getFileChecksum covers and how. */
/** org.apache.hadoop.fs.FsStatus: bytes. */
export interface FsStatus {
  readonly capacity: number;
  readonly used: number;
  readonly remaining: number;
}

export interface FileChecksumOptions {
  /** Bytes from the start of the file (default: all of it; Hadoop's Long.MAX_VALUE). */
  length?: number;
  /** MD5MD5CRC or COMPOSITE_CRC (default: dfs.checksum.combine.mode, MD5MD5CRC). */
  combineMode?: ChecksumCombineMode;
}

/** org.apache.hadoop.fs.BlockLocation: one block of a file and the DataNodes holding it. */
export interface BlockLocation {
  /** the block's offset in the file */
  offset: number;
  length: number;
  /** `ip:xferPort` of each replica's DataNode */
  names: string[];
  /** the host name of each replica's DataNode */
  hosts: string[];
  corrupt: boolean;
}

export class HdfsClient {
  readonly conf: Configuration;
  readonly user: User;
  /** The NameNode this client talks to. */
  readonly nameNode: HostPort;
  readonly #rpc: SharedRpcClient;
  readonly #nn: ClientProtocolClient;
  readonly #ownsUser: boolean;
  readonly #shortName: string;
  readonly #workingDir: string;
  readonly #umask: number;
  readonly #clientName = `DFSClient_NONMAPREDUCE_${randomInt(-0x80000000, 0x7fffffff)}_1`;
  readonly #channels: DataNodeChannels;
  readonly #leases: LeaseRenewer;

  private constructor(conf: Configuration, user: User, ownsUser: boolean, nameNode: HostPort, timeoutMs: number | undefined) {
    this.conf = conf;
    this.user = user;
    this.nameNode = nameNode;
    this.#ownsUser = ownsUser;
    this.#shortName = clientShortName(conf, user);
    this.#workingDir = childPath(normalizePath(conf.get('dfs.user.home.dir.prefix', '/user')), this.#shortName);
    this.#umask = parseUmask(conf.get('fs.permissions.umask-mode', '022'));
    this.#rpc = acquireRpcClient(conf);
    this.#nn = new ClientProtocolClient({
      rpc: this.#rpc.rpc,
      address: nameNode,
      credentials: callCredentials(user, CLIENT_PROTOCOL_INFO, conf),
      ...(this.#rpc.options.tokenServiceUseIp !== undefined ? { tokenServiceUseIp: this.#rpc.options.tokenServiceUseIp } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    });
    this.#channels = new DataNodeChannels(conf, this.#nn);
    this.#leases = new LeaseRenewer(() => this.#nn.renewLease(this.#clientName));
  }

  /** A client for the configured (or given) NameNode; nothing is sent until the first call. */
  static async connect(options: HdfsClientOptions = {}): Promise<HdfsClient> {
    const env = options.env ?? process.env;
    const conf = options.conf ?? loadConfiguration({ env, ...(options.confDir !== undefined ? { confDir: options.confDir, confDirSource: 'HdfsClient.connect({ confDir })' } : { defaultConfDir: DEFAULT_CONF_DIR }) });
    const nameNode = options.nameNode !== undefined ? nameNodeAddress(options.nameNode) : nameNodeClientAddress(conf);
    const user = options.user ?? (await User.login(conf, { env }));
    return new HdfsClient(conf, user, options.user === undefined, nameNode, options.timeoutMs);
  }

  /**
   * A delegation token for `renewer` (a principal or short name; '' = nobody may renew), with the
   * NameNode's `ip:port` as its service. Needs a Kerberos login: the NameNode issues tokens only to
   * Kerberos-authenticated callers (a token-authenticated call gets its IOException).
   */
  async getDelegationToken(renewer = ''): Promise<Token> {
    const token = await this.#nn.getDelegationToken(renewer);
    if (!token) {
      throw new ConfigError('CONFIG_INVALID', `NameNode ${formatHostPort(this.nameNode)} issued no delegation token: security is off there (hadoop.security.authentication=simple)`, {
        remoteAddress: formatHostPort(this.nameNode),
      });
    }
    return token;
  }

  /** Renews a token this NameNode issued; resolves to its new expiry time (ms since epoch). */
  renewDelegationToken(token: Token): Promise<number> {
    return this.#nn.renewDelegationToken(token);
  }

  /** Cancels a token this NameNode issued. */
  cancelDelegationToken(token: Token): Promise<void> {
    return this.#nn.cancelDelegationToken(token);
  }

  /** The NameNode's FsServerDefaults (block size, replication, checksum, encryption settings). */
  getServerDefaults(): Promise<FsServerDefaults> {
    return this.#nn.getServerDefaults();
  }

  /** The short user name (hadoop.security.auth_to_local of the user's principal, as UGI.getShortUserName). */
  get shortUserName(): string {
    return this.#shortName;
  }

  /** The directory relative paths start from: the home directory `/user/<short name>` (dfs.user.home.dir.prefix). */
  get workingDirectory(): string {
    return this.#workingDir;
  }

  /** The absolute path of `path` (absolute, relative to the working directory, or an hdfs:// URI of this NameNode). */
  resolve(path: string): string {
    return resolveHdfsPath(path, this.nameNode, this.#workingDir);
  }

  /**
   * Creates a directory and, unless `recursive: false`, its missing parents (DistributedFileSystem.mkdirs):
   * mode `permission` (default 0o777) masked by fs.permissions.umask-mode. Resolves true when the
   * directory exists afterwards.
   */
  async mkdir(path: string, options: { recursive?: boolean; permission?: number } = {}): Promise<boolean> {
    const unmasked = options.permission ?? 0o777;
    return this.#nn.mkdirs({ src: this.resolve(path), masked: { perm: unmasked & ~this.#umask }, createParent: options.recursive ?? true, unmasked: { perm: unmasked } });
  }

  // ---- block storage policies (DistributedFileSystem, `hsec storagepolicies`) ----

  /** Every block storage policy the NameNode knows (DistributedFileSystem.getAllStoragePolicies). */
  getAllStoragePolicies(): Promise<BlockStoragePolicy[]> {
    return this.#nn.getStoragePolicies();
  }

  /** The policy in force on a path: its own, else the nearest ancestor's, else the default (DistributedFileSystem.getStoragePolicy). */
  getStoragePolicy(path: string): Promise<BlockStoragePolicy> {
    return this.#nn.getStoragePolicy(this.resolve(path));
  }

  /** Sets a policy by name on a file or directory (DistributedFileSystem.setStoragePolicy). */
  setStoragePolicy(path: string, policyName: string): Promise<void> {
    return this.#nn.setStoragePolicy(this.resolve(path), policyName);
  }

  /** Removes the policy set on a file or directory (DistributedFileSystem.unsetStoragePolicy). */
  unsetStoragePolicy(path: string): Promise<void> {
    return this.#nn.unsetStoragePolicy(this.resolve(path));
  }

  /** Asks the NameNode to move replicas to match the policy (DistributedFileSystem.satisfyStoragePolicy). */
  satisfyStoragePolicy(path: string): Promise<void> {
    return this.#nn.satisfyStoragePolicy(this.resolve(path));
  }

  // ---- centralized cache management (DistributedFileSystem, `hsec cacheadmin`) ----

  /** DistributedFileSystem.addCacheDirective: the path made absolute (relative to the working directory); the new id. `flags`: FORCE 1. */
  addCacheDirective(info: CacheDirectiveInfoProto, flags = 0): Promise<number> {
    return this.#nn.addCacheDirective({ ...info, ...(info.path !== undefined ? { path: this.resolve(info.path) } : {}) }, flags);
  }

  /** DistributedFileSystem.modifyCacheDirective: a path, when given, made absolute. */
  modifyCacheDirective(info: CacheDirectiveInfoProto, flags = 0): Promise<void> {
    return this.#nn.modifyCacheDirective({ ...info, ...(info.path !== undefined ? { path: this.resolve(info.path) } : {}) }, flags);
  }

  removeCacheDirective(id: number | bigint): Promise<void> {
    return this.#nn.removeCacheDirective(id);
  }

  /** DistributedFileSystem.listCacheDirectives: the filter's path made absolute; batches asked for as the iteration goes. */
  listCacheDirectives(filter: CacheDirectiveInfoProto = {}): AsyncGenerator<{ info: CacheDirectiveInfoProto; stats: CacheDirectiveStatsProto }> {
    return this.#nn.listCacheDirectives({ ...filter, ...(filter.path !== undefined ? { path: this.resolve(filter.path) } : {}) });
  }

  addCachePool(info: CachePoolInfoProto): Promise<void> {
    return this.#nn.addCachePool(info);
  }

  modifyCachePool(info: CachePoolInfoProto): Promise<void> {
    return this.#nn.modifyCachePool(info);
  }

  removeCachePool(poolName: string): Promise<void> {
    return this.#nn.removeCachePool(poolName);
  }

  listCachePools(): AsyncGenerator<{ info: CachePoolInfoProto; stats: CachePoolStatsProto }> {
    return this.#nn.listCachePools();
  }

  /** The status of a file or directory; FILE_NOT_FOUND when there is none (DistributedFileSystem.getFileStatus). */
  async stat(path: string): Promise<FileStatus> {
    const src = this.resolve(path);
    const status = await this.#nn.getFileInfo(src);
    if (!status) throw notFound(src);
    return toFileStatus(status, src);
  }

  /** Whether a path exists. */
  async exists(path: string): Promise<boolean> {
    return (await this.#nn.getFileInfo(this.resolve(path))) !== undefined;
  }

  /**
   * The entries of a directory (or the file itself, for a file), all pages of getListing
   * (DistributedFileSystem.listStatus); FILE_NOT_FOUND when the path does not exist.
   */
  async list(path: string): Promise<FileStatus[]> {
    const src = this.resolve(path);
    const out: FileStatus[] = [];
    let after: Uint8Array = new Uint8Array(0);
    for (;;) {
      const page = await this.#nn.getListing(src, after);
      if (!page) throw notFound(src);
      const entries = page.partialListing ?? [];
      for (const e of entries) {
        const name = Buffer.from(e.path).toString('utf8');
        out.push(toFileStatus(e, name ? childPath(src, name) : src));
      }
      if (page.remainingEntries === 0 || entries.length === 0) return out;
      after = entries[entries.length - 1]!.path;
    }
  }

  /**
   * The files and directories a glob names (FileSystem.globStatus, Hadoop's GlobPattern per path
   * component: `*`, `?`, `[a-z]`, `[^a]` / `[!a]`, `{a,b}` also across `/`, `\\` escapes), sorted by
   * path; [] when nothing matches. A path without wildcards is looked up as it is. A malformed
   * pattern is FS_INVALID_ARGUMENT ("Illegal file pattern: ..."), as Hadoop's IOException.
   */
  async glob(pattern: string): Promise<FileStatus[]> {
    return (await globStatus(this, pattern)) ?? [];
  }

  /** Deletes a file, or a directory (non-empty only with `recursive: true`); resolves false when nothing was there. */
  delete(path: string, options: { recursive?: boolean } = {}): Promise<boolean> {
    return this.#nn.delete(this.resolve(path), options.recursive ?? false);
  }

  /**
   * Renames `from` to `to` (ClientProtocol.rename: into `to` when it is a directory); resolves false
   * when the NameNode refuses without an error, as DistributedFileSystem.rename does.
   */
  rename(from: string, to: string): Promise<boolean> {
    return this.#nn.rename(this.resolve(from), this.resolve(to));
  }

  /**
   * Moves `path` to the user's trash, `<home>/.Trash/Current/<path>`, as `hdfs dfs -rm` does
   * (Trash.moveToAppropriateTrash): resolves to where it went, or undefined when the trash is off or
   * the path is already in the trash (delete it instead). The NameNode's fs.trash.interval decides
   * when it is not 0, else this client's; a NameNode whose setting cannot be read is an error, so
   * nothing is deleted that the trash should have kept. The NameNode checks delete permission on the
   * whole subtree (Options.Rename.TO_TRASH). `log` receives what Hadoop logs ("Moved: ...").
   */
  async moveToTrash(path: string, options: { log?: (line: string) => void } = {}): Promise<string | undefined> {
    let serverMinutes: number;
    try {
      serverMinutes = (await this.getServerDefaults()).trashInterval;
    } catch (e) {
      throw new FileError('FILE_IO', `Failed to get server trash configuration from ${formatHostPort(this.nameNode)}: ${(e as Error).message}`, { remoteAddress: formatHostPort(this.nameNode) }, { cause: e });
    }
    const trash = this.#trash(serverMinutes !== 0 ? serverMinutes : this.conf.getFloat('fs.trash.interval'), options.log);
    return trash.moveToTrash(this.resolve(path), trashRootOf(this.#workingDir));
  }

  /**
   * Empties the user's trash as `hdfs dfs -expunge` does (Trash.expunge then checkpoint): deletes
   * the checkpoints older than this client's fs.trash.interval, then makes Current a checkpoint;
   * with `immediate`, checkpoints Current and deletes every checkpoint (expungeImmediately).
   */
  async expungeTrash(options: { immediate?: boolean; log?: (line: string) => void } = {}): Promise<void> {
    const trash = this.#trash(this.conf.getFloat('fs.trash.interval'), options.log);
    for (const root of await trash.trashRoots([this.#workingDir])) {
      if (options.immediate) {
        await trash.createCheckpoint(root);
        await trash.deleteCheckpoints(root, true);
      } else {
        await trash.deleteCheckpoints(root);
        await trash.createCheckpoint(root);
      }
    }
  }

  #trash(intervalMinutes: number, log: ((line: string) => void) | undefined): Trash {
    const nn = this.#nn;
    const ns: TrashNamespace = {
      kind: async (p) => {
        const st = await nn.getFileInfo(p);
        return st ? (st.fileType === 'IS_DIR' ? 'directory' : 'file') : undefined;
      },
      list: async (p) => {
        if (!(await nn.getFileInfo(p))) return undefined;
        return (await this.list(p)).map((st) => ({ name: st.path.slice(st.path.lastIndexOf('/') + 1), directory: st.type === 'directory' }));
      },
      mkdirs: (p, permission) => this.mkdir(p, { recursive: true, permission }),
      rename: (src, dst, toTrash) => nn.rename2(src, dst, false, toTrash),
      delete: (p, recursive) => nn.delete(p, recursive),
    };
    return new Trash(ns, {
      intervalMinutes,
      qualify: (p) => `hdfs://${formatHostPort(this.nameNode)}${p}`,
      cleanNonCheckpoints: this.conf.getBoolean('fs.trash.clean.trashroot.enable'),
      ...(log ? { log } : {}),
    });
  }

  /**
   * Sets the permission bits of a file or directory (DistributedFileSystem.setPermission): `mode`
   * like chmod(2)'s, e.g. 0o750; the NameNode keeps rwx for user, group and other and the sticky
   * bit 0o1000 (HDFS has no setuid or setgid). Only the owner or the superuser may.
   */
  async chmod(path: string, mode: number): Promise<void> {
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) {
      throw new FileSystemError('FS_INVALID_ARGUMENT', `chmod of ${path}: the mode must be an integer from 0 to 0o7777 (e.g. 0o755), got ${mode}`, { path });
    }
    await this.#nn.setPermission(this.resolve(path), mode);
  }

  /**
   * Sets the owner and/or the group of a file or directory (DistributedFileSystem.setOwner); an
   * omitted or empty one stays as it is. Only the superuser may give a file to another user; the
   * owner may change the group to one they belong to.
   */
  async chown(path: string, owner?: string, group?: string): Promise<void> {
    if (!owner && !group) {
      throw new FileSystemError('FS_INVALID_ARGUMENT', `chown of ${path} needs an owner or a group (Hadoop: username == null && groupname == null)`, { path });
    }
    await this.#nn.setOwner(this.resolve(path), owner || undefined, group || undefined);
  }

  /**
   * The space and counts of a path's subtree (DistributedFileSystem.getContentSummary): length,
   * files, directories, space consumed with all replicas, quotas (-1 = none).
   */
  contentSummary(path: string): Promise<ContentSummary> {
    return this.#nn.getContentSummary(this.resolve(path));
  }

  /**
   * The file system's capacity, the bytes its DataNodes use for blocks and what remains, in bytes
   * (DistributedFileSystem.getStatus: getFsStats' capacity, used and remaining).
   */
  async fsStatus(): Promise<FsStatus> {
    const { capacity, used, remaining } = await this.#nn.getFsStats();
    return { capacity, used, remaining };
  }

  /** Quotas and their use (DistributedFileSystem.getQuotaUsage). */
  quotaUsage(path: string): Promise<QuotaUsage> {
    return this.#nn.getQuotaUsage(this.resolve(path));
  }

  /** Sets the modification and/or access time, ms since the epoch (-1 = leave it) (DistributedFileSystem.setTimes). */
  async setTimes(path: string, mtime: number, atime: number): Promise<void> {
    await this.#nn.setTimes(this.resolve(path), mtime, atime);
  }

  /** Sets a file's replication factor; resolves false for a directory or a missing path (DistributedFileSystem.setReplication). */
  setReplication(path: string, replication: number): Promise<boolean> {
    return this.#nn.setReplication(this.resolve(path), replication);
  }

  /**
   * DistributedFileSystem.getFileBlockLocations(path, start, len): the blocks overlapping
   * [start, start + len) with their DataNodes (DFSUtilClient.locatedBlocks2Locations: `names` as
   * `ip:xferPort`, `hosts` as host names, in the NameNode's order); none for an empty file.
   */
  async getFileBlockLocations(path: string, start: number, len: number): Promise<BlockLocation[]> {
    const located = await this.#nn.getBlockLocations(this.resolve(path), start, len);
    return (located?.blocks ?? []).map((lb) => ({
      offset: lb.offset,
      length: lb.b.numBytes ?? 0,
      names: (lb.locs ?? []).map((d) => `${d.id.ipAddr}:${d.id.xferPort}`),
      hosts: (lb.locs ?? []).map((d) => d.id.hostName),
      corrupt: lb.corrupt,
    }));
  }

  /**
   * DistributedFileSystem.recoverLease: true when `path` is closed; false when the NameNode has
   * started recovering its last block through the DataNodes (the lease is then this client's): ask
   * again until true, as `hdfs debug recoverLease` and HBase's FSHDFSUtils do.
   */
  recoverLease(path: string): Promise<boolean> {
    return this.#nn.recoverLease(this.resolve(path), this.#clientName);
  }

  /**
   * DistributedFileSystem.truncate (DFSClient.truncate): cuts the closed file `path` to
   * `newLength` bytes. True when it is closed at that length now (a cut on a block boundary, or
   * nothing to cut); false when the NameNode has reopened it under this client's lease and its last
   * block is being cut by block recovery: the file closes at the new length once the DataNodes are
   * done, and must not be appended to before (poll `stat` until the length is `newLength`, as
   * `hsec fs -truncate -w` does). A negative length is refused here, as DFSClient.truncate does.
   */
  truncate(path: string, newLength: number): Promise<boolean> {
    if (!Number.isSafeInteger(newLength) || newLength < 0) {
      return Promise.reject(new FileSystemError('FS_INVALID_ARGUMENT', `Cannot truncate to a negative file size: ${newLength}.`, { path, exceptionClassName: 'org.apache.hadoop.HadoopIllegalArgumentException' }));
    }
    return this.#nn.truncate(this.resolve(path), newLength, this.#clientName);
  }

  /**
   * DistributedFileSystem.concat (DFSClient.concat): appends the closed files `srcs`, in order, to
   * the closed file `target` in the same directory, and removes them. No data moves: the sources'
   * blocks become the target's last blocks. The NameNode refuses sources that are empty, open for
   * writing, in another directory, named twice or the target itself, or with a larger block size
   * than the target's (HadoopIllegalArgumentException, with FSDirConcatOp's messages).
   */
  concat(target: string, srcs: readonly string[]): Promise<void> {
    return this.#nn.concat(this.resolve(target), srcs.map((s) => this.resolve(s)));
  }

  // ---- snapshots (DistributedFileSystem's snapshot calls) ----------------------------------------

  /** DistributedFileSystem.createSnapshot: the new snapshot's path; without a name the NameNode makes one ("s" + yyyyMMdd-HHmmss.SSS). */
  createSnapshot(path: string, snapshotName?: string): Promise<string> {
    return this.#nn.createSnapshot(this.resolve(path), snapshotName);
  }

  deleteSnapshot(path: string, snapshotName: string): Promise<void> {
    return this.#nn.deleteSnapshot(this.resolve(path), snapshotName);
  }

  renameSnapshot(path: string, oldName: string, newName: string): Promise<void> {
    return this.#nn.renameSnapshot(this.resolve(path), oldName, newName);
  }

  /** DistributedFileSystem.getSnapshottableDirListing: the caller's snapshottable directories (all for the superuser); undefined for none. */
  getSnapshottableDirListing(): Promise<SnapshottableDirectoryStatus[] | undefined> {
    return this.#nn.getSnapshottableDirListing();
  }

  /** DistributedFileSystem.getSnapshotListing: the snapshots of a snapshottable directory. */
  getSnapshotListing(path: string): Promise<SnapshotStatus[] | undefined> {
    return this.#nn.getSnapshotListing(this.resolve(path));
  }

  /**
   * DistributedFileSystem.getSnapshotDiffReport (DFSUtilClient.getSnapshotDiffReport): "" is the
   * current tree. Between two snapshots the report is asked in batches (getSnapshotDiffReportListing,
   * until the cursor comes back empty with index -1); with the current tree on either side, whole.
   * A listing that names entries is asked again whole rather than merged on the client
   * (SnapshotDiffReportGenerator), which gives the same entries.
   */
  async getSnapshotDiffReport(path: string, fromSnapshot: string, toSnapshot: string): Promise<SnapshotDiffReport> {
    const dir = this.resolve(path);
    if (!fromSnapshot || !toSnapshot) return this.#nn.getSnapshotDiffReport(dir, fromSnapshot, toSnapshot);
    let cursor: SnapshotDiffReportCursor = { startPath: new Uint8Array(0), index: -1 };
    let entries = 0;
    do {
      const batch = await this.#nn.getSnapshotDiffReportListing(dir, fromSnapshot, toSnapshot, cursor);
      entries += (batch.modifiedEntries?.length ?? 0) + (batch.createdEntries?.length ?? 0) + (batch.deletedEntries?.length ?? 0);
      cursor = { startPath: batch.cursor?.startPath ?? new Uint8Array(0), index: batch.cursor?.index ?? -1 };
    } while (!(cursor.startPath.length === 0 && cursor.index === -1));
    if (entries > 0) return this.#nn.getSnapshotDiffReport(dir, fromSnapshot, toSnapshot);
    return { snapshotRoot: dir, fromSnapshot, toSnapshot, diffReportEntries: [] };
  }

  /** Resolves when the caller has `mode` on `path` (FileSystem.access); AccessControlException or FileNotFoundException otherwise. */
  async access(path: string, mode: FsActionName): Promise<void> {
    await this.#nn.checkAccess(this.resolve(path), mode);
  }

  /**
   * Whether a file is closed: false while some client writes it (DistributedFileSystem.isFileClosed;
   * e.g. to wait after recoverLease). FileNotFoundException for a missing path or a directory.
   */
  isFileClosed(path: string): Promise<boolean> {
    return this.#nn.isFileClosed(this.resolve(path));
  }

  /**
   * The listings of several paths in few calls (DistributedFileSystem.batchedListStatusIterator,
   * ClientProtocol.getBatchedListing), in the order given: each path's entries (a file lists
   * itself), or the error the NameNode answered for that path (FileNotFoundException,
   * AccessControlException, ...) while the others are listed. At most dfs.batched.ls.limit
   * paths (100 by default) per call.
   */
  async listBatch(paths: readonly string[]): Promise<{ path: string; statuses?: FileStatus[]; error?: Error }[]> {
    const srcs = paths.map((p) => this.resolve(p));
    const out = srcs.map((path) => ({ path }) as { path: string; statuses?: FileStatus[]; error?: Error });
    let after: Uint8Array = new Uint8Array(0);
    for (;;) {
      const page = await this.#nn.getBatchedListing(srcs, after);
      for (const l of page.listings ?? []) {
        const entry = out[l.parentIdx];
        if (!entry) continue;
        if (l.exception) {
          entry.error = remoteToError({ exceptionClassName: l.exception.className, errorMsg: l.exception.message, fatal: false, remoteAddress: formatHostPort(this.nameNode) });
          continue;
        }
        const statuses = (entry.statuses ??= []);
        for (const e of l.partialListing ?? []) {
          const name = Buffer.from(e.path).toString('utf8');
          statuses.push(toFileStatus(e, name ? childPath(entry.path, name) : entry.path));
        }
      }
      if (!page.hasMore) return out;
      after = page.startAfter;
    }
  }

  /**
   * The files under `path` with blocks no DataNode has a good replica of, one entry per such block
   * (DistributedFileSystem.listCorruptFileBlocks, `hdfs fsck <path> -list-corruptfileblocks`): asks
   * page after page with the NameNode's cookie until a page comes back empty. Superuser only.
   */
  async listCorruptFileBlocks(path = '/'): Promise<string[]> {
    const src = this.resolve(path);
    const files: string[] = [];
    let cookie: string | undefined;
    for (;;) {
      const page = await this.#nn.listCorruptFileBlocks(src, cookie);
      if (page.files.length === 0) return files;
      files.push(...page.files);
      cookie = page.cookie;
    }
  }

  /** The encryption zones (HdfsAdmin.listEncryptionZones; superuser): none on an hsec NameNode. */
  listEncryptionZones(): Promise<EncryptionZone[]> {
    return this.#nn.listEncryptionZones();
  }

  /**
   * The ACL of a file or directory (DistributedFileSystem.getAclStatus): owner, group, sticky bit,
   * permission bits and the extended entries (none for a minimal ACL; aclFromPermAndEntries
   * gives the full list). FileNotFoundException ("cannot find <path>") for a missing path.
   */
  async getAclStatus(path: string): Promise<AclStatus> {
    return aclStatusFromProto(await this.#nn.getAclStatus(this.resolve(path)));
  }

  /** Adds or replaces the given entries; the mask is recalculated unless given (DistributedFileSystem.modifyAclEntries). */
  async modifyAclEntries(path: string, aclSpec: readonly AclEntry[]): Promise<void> {
    await this.#nn.modifyAclEntries(this.resolve(path), aclSpec.map(aclEntryToProto));
  }

  /** Removes the entries with the given scope, type and name; permissions are ignored (DistributedFileSystem.removeAclEntries). */
  async removeAclEntries(path: string, aclSpec: readonly AclEntry[]): Promise<void> {
    await this.#nn.removeAclEntries(this.resolve(path), aclSpec.map(aclEntryToProto));
  }

  /** Removes the default ACL of a directory (DistributedFileSystem.removeDefaultAcl). */
  async removeDefaultAcl(path: string): Promise<void> {
    await this.#nn.removeDefaultAcl(this.resolve(path));
  }

  /** Removes every extended entry, leaving the permission bits (DistributedFileSystem.removeAcl). */
  async removeAcl(path: string): Promise<void> {
    await this.#nn.removeAcl(this.resolve(path));
  }

  /**
   * Replaces the ACL (DistributedFileSystem.setAcl): the access and default scopes the spec names
   * are replaced, the other kept; the spec must hold the user, group and other entries of each.
   * Only the owner or the superuser may change an ACL; AclException for an invalid one.
   */
  async setAcl(path: string, aclSpec: readonly AclEntry[]): Promise<void> {
    await this.#nn.setAcl(this.resolve(path), aclSpec.map(aclEntryToProto));
  }

  /**
   * Sets an extended attribute (DistributedFileSystem.setXAttr). `name` is prefixed with its
   * namespace (`user.`, `trusted.`, `security.`, `system.`, `raw.`, in any case; XAttrHelper.buildXAttr's
   * HadoopIllegalArgumentException otherwise); `value` may be absent. By default the attribute is
   * created or replaced; `{ create: true }` alone fails if it exists, `{ replace: true }` alone if
   * it does not. Limits and who may set what are the NameNode's (FSDirXAttrOp).
   */
  async setXAttr(path: string, name: string, value?: Uint8Array, flags: { create?: boolean; replace?: boolean } = { create: true, replace: true }): Promise<void> {
    const xattr = parseXAttrName(name, value);
    await this.#nn.setXAttr(this.resolve(path), xattrToProto(xattr), xattrSetFlagBits(flags));
  }

  /**
   * One attribute's value (DFSClient.getXAttr: empty when it has none). The NameNode answers
   * XAttrNotFoundException ("At least one of the attributes provided was not found.") when it is
   * missing or not visible to the caller.
   */
  async getXAttr(path: string, name: string): Promise<Uint8Array> {
    const [first] = await this.#nn.getXAttrs(this.resolve(path), [xattrToProto(parseXAttrName(name))]);
    return first?.value ?? new Uint8Array(0);
  }

  /**
   * Attributes by prefixed name (DFSClient.getXAttrs): all the caller may see, or just `names`
   * (each must exist). Values are empty for attributes without one; the order is the NameNode's.
   */
  async getXAttrs(path: string, names: readonly string[] = []): Promise<Map<string, Uint8Array>> {
    const answer = await this.#nn.getXAttrs(this.resolve(path), names.map((n) => xattrToProto(parseXAttrName(n))));
    return new Map(answer.map((x) => [prefixedName(x), x.value ?? new Uint8Array(0)]));
  }

  /** The prefixed names of the attributes the caller may see (DFSClient.listXAttrs; READ on the path). */
  async listXAttrs(path: string): Promise<string[]> {
    return (await this.#nn.listXAttrs(this.resolve(path))).map(prefixedName);
  }

  /** Removes an attribute (DistributedFileSystem.removeXAttr); an IOException when the path has no such attribute. */
  async removeXAttr(path: string, name: string): Promise<void> {
    await this.#nn.removeXAttr(this.resolve(path), xattrToProto(parseXAttrName(name)));
  }

  /**
   * A Writable that creates `path` and writes it block by block through the DataNodes
   * (DistributedFileSystem.create); the file is complete when the stream finishes. Without
   * `overwrite`, an existing file is an error (FileAlreadyExistsException).
   */
  createWriteStream(path: string, options: CreateOptions = {}): HdfsOutputStream {
    const unmasked = options.permission ?? 0o666;
    return new HdfsOutputStream(this.#outputContext(), this.resolve(path), {
      createFlag: CreateFlag.CREATE | (options.overwrite ? CreateFlag.OVERWRITE : 0) | (options.lazyPersist ? CreateFlag.LAZY_PERSIST : 0),
      replication: options.replication ?? this.conf.getInt('dfs.replication', 3),
      blockSize: options.blockSize ?? this.conf.getLongBytes('dfs.blocksize', 134_217_728),
      masked: unmasked & ~this.#umask,
      unmasked,
      createParent: options.createParent ?? true,
      ...(options.append ? { append: { newBlock: options.newBlock ?? false } } : {}),
    });
  }

  /**
   * A Writable appending to the existing file `path` (DistributedFileSystem.append): the bytes
   * continue its partial last block, or with `newBlock` start a new block (CreateFlag.NEW_BLOCK).
   * FileNotFoundException when the file does not exist, AlreadyBeingCreatedException while another
   * client writes it.
   */
  append(path: string, options: { newBlock?: boolean } = {}): HdfsOutputStream {
    return this.createWriteStream(path, { append: true, ...(options.newBlock ? { newBlock: true } : {}) });
  }

  /**
   * A Readable of `path` (or of bytes `start`..`end`, inclusive) read from the DataNodes
   * (DistributedFileSystem.open). `verifyChecksum: false` (FileSystem.setVerifyChecksum, the
   * shell's -ignoreCrc) hands the bytes on without checking the DataNodes' CRCs.
   */
  createReadStream(path: string, range: ReadRange = {}, options: { verifyChecksum?: boolean } = {}): HdfsInputStream {
    const blockSize = this.conf.getLongBytes('dfs.blocksize', 134_217_728);
    return new HdfsInputStream(
      {
        nn: this.#nn, channels: this.#channels, clientName: this.#clientName, prefetchSize: this.conf.getLongBytes('dfs.client.read.prefetch.size', 10 * blockSize),
        verifyChecksum: options.verifyChecksum ?? true,
        readBlockLength: (block) => readBlockLength(this.#rpc.rpc, block, this.conf.getTimeDuration('dfs.client.socket-timeout', 'ms', 'ms', 60_000)),
      },
      this.resolve(path),
      range,
    );
  }

  /**
   * The checksum of a file as Hadoop's DistributedFileSystem.getFileChecksum computes it, from the
   * DataNodes' block checksums (BLOCK_CHECKSUM), so it matches what a stock client and DistCp get:
   * MD5MD5CRC32 (`MD5-of-<crcPerBlock>MD5-of-<bytesPerCRC>CRC32C`, 28 bytes) by default, or with
   * `combineMode: 'COMPOSITE_CRC'` the CRC of the whole file (`COMPOSITE-CRC32C`, 4 bytes). An
   * empty file has Hadoop's fixed MD5MD5CRC32 value; a directory is FILE_NOT_FOUND ("Path is not
   * a file"); a file being written is refused ("Fail to get checksum, since file ... is under
   * construction.", DFSClient.getBlockLocations). Resolves
   * undefined where Hadoop returns null (blocks without CRCs, or mixed CRC types).
   */
  async getFileChecksum(path: string, options: FileChecksumOptions = {}): Promise<FileChecksum | undefined> {
    const length = options.length ?? Number.MAX_SAFE_INTEGER;
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new FileSystemError('FS_INVALID_ARGUMENT', `getFileChecksum of ${path}: the length must be a non-negative integer, got ${length}`, { path });
    }
    const mode = options.combineMode ?? combineMode(this.conf.get('dfs.checksum.combine.mode', 'MD5MD5CRC'));
    return computeFileChecksum({ nn: this.#nn, channels: this.#channels }, this.resolve(path), length, mode);
  }

  /** Writes `data` to `path` in one go (a convenience over createWriteStream). */
  async writeFile(path: string, data: Uint8Array | string, options: CreateOptions = {}): Promise<void> {
    const out = this.createWriteStream(path, options);
    await pipeline(Readable.from([typeof data === 'string' ? Buffer.from(data) : data]), out);
  }

  /** Reads all of `path` into memory (a convenience over createReadStream). */
  async readFile(path: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of this.createReadStream(path)) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  #outputContext(): OutputStreamContext {
    return {
      nn: this.#nn,
      channels: this.#channels,
      leases: this.#leases,
      clientName: this.#clientName,
      checksum: { type: checksumType(this.conf.get('dfs.checksum.type', 'CRC32C')), bytesPerChecksum: this.conf.getInt('dfs.bytes-per-checksum', 512) },
      writePacketSize: this.conf.getInt('dfs.client-write-packet-size', 65_536),
      maxPacketsInFlight: this.conf.getInt('dfs.client.write.max-packets-in-flight', 80),
      blockWriteRetries: this.conf.getInt('dfs.client.block.write.retries', 3),
      excludedNodesExpiryMs: this.conf.getLong('dfs.client.write.exclude.nodes.cache.expiry.interval.millis', 600_000),
      locateFollowingRetries: this.conf.getInt('dfs.client.block.write.locateFollowingBlock.retries', 5),
      locateFollowingInitialDelayMs: this.conf.getInt('dfs.client.block.write.locateFollowingBlock.initial.delay.ms', 400),
      locateFollowingMaxDelayMs: this.conf.getInt('dfs.client.block.write.locateFollowingBlock.max.delay.ms', 60_000),
      replaceDatanodeOnFailure: ReplaceDatanodeOnFailure.fromConfig(this.conf),
      maxPipelineRecoveryRetries: this.conf.getInt('dfs.client.pipeline.recovery.max-retries', 5),
      datanodeRestartTimeoutMs: this.conf.getTimeDuration('dfs.client.datanode-restart.timeout', 's', 'ms', 30),
    };
  }

  /** Releases the shared connections and, when connect() logged the user in, the user's login. */
  close(): void {
    this.#leases.stop();
    this.#rpc.release();
    if (this.#ownsUser) this.user.close();
  }
}

/** dfs.checksum.type (CRC32C, CRC32 or NULL) as the ChecksumTypeProto name. */
function checksumType(value: string): ChecksumType {
  const v = value.trim().toUpperCase();
  if (v === 'CRC32C' || v === 'CRC32' || v === 'NULL') return `CHECKSUM_${v}` as ChecksumType;
  throw new ConfigError('CONFIG_INVALID', `dfs.checksum.type must be CRC32C, CRC32 or NULL, got "${value}"`, { configKey: 'dfs.checksum.type' });
}

/** dfs.checksum.combine.mode (DfsClientConf: Options.ChecksumCombineMode.valueOf). */
function combineMode(value: string): ChecksumCombineMode {
  const v = value.trim().toUpperCase();
  if (v === 'MD5MD5CRC' || v === 'COMPOSITE_CRC') return v;
  throw new ConfigError('CONFIG_INVALID', `Bad checksum combine mode: ${value} (dfs.checksum.combine.mode must be MD5MD5CRC or COMPOSITE_CRC)`, { configKey: 'dfs.checksum.combine.mode' });
}

/** FileNotFoundException, as DistributedFileSystem reports a path the NameNode does not know. */
function notFound(path: string): FileError {
  return new FileError('FILE_NOT_FOUND', `File does not exist: ${path}`, { path, fs: 'hdfs' });
}

/** UserGroupInformation.getShortUserName: auth_to_local of a Kerberos user (its realm as the default), the name of a simple user. */
function clientShortName(conf: Configuration, user: User): string {
  if (!/[/@]/.test(user.name)) return user.name;
  const realm = user.kerberos?.krb5Config.defaultRealm ?? user.name.slice(user.name.lastIndexOf('@') + 1);
  return AuthToLocal.fromConfiguration(conf, { defaultRealm: realm }).shortName(user.name);
}

/** fs.permissions.umask-mode: octal (022) or symbolic (u=rwx,g=rx,o=rx) as FsPermission.getUMask reads it (UmaskParser). */
export function parseUmask(value: string): number {
  const umask = parseUmaskMode(value);
  if (umask === undefined) {
    throw new ConfigError('CONFIG_INVALID', `Unable to parse configuration fs.permissions.umask-mode with value ${value} as octal or symbolic umask: use octal (022) or symbolic (u=rwx,g=rx,o=rx)`, { configKey: 'fs.permissions.umask-mode' });
  }
  return umask;
}

/** `hdfs://host[:port]`, or `host:port`, or an address. */
function nameNodeAddress(value: string | HostPort): HostPort {
  if (typeof value !== 'string') return value;
  const uri = parseHdfsUri(value);
  return uri ? { host: uri.host, port: uri.port } : parseHostPort(value, 'nameNode');
}
