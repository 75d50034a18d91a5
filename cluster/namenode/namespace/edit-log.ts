/**
 * The namespace's durable records (pure codec, no I/O), in the framing of lib/journal/frame.ts:
 * journals `HSEC-NSJ`, snapshots `HSEC-NSS`. Hadoop keeps the same facts in its edit log and fsimage
 * (FSEditLogOp OP_MKDIR, OP_ADD, OP_ADD_BLOCK, OP_UPDATE_BLOCKS, OP_CLOSE, OP_DELETE, OP_RENAME_OLD /
 * OP_RENAME, OP_TIMES, OP_SET_GENSTAMP_V2, OP_SET_PERMISSIONS, OP_SET_OWNER, OP_SET_REPLICATION, OP_APPEND,
 * OP_SET_ACL, OP_SET_XATTR / OP_REMOVE_XATTR, OP_REASSIGN_LEASE, OP_TRUNCATE, OP_CONCAT_DELETE, OP_SET_QUOTA,
 * OP_SET_STORAGE_POLICY, OP_ADD_CACHE_POOL / OP_MODIFY_CACHE_POOL / OP_REMOVE_CACHE_POOL,
 * OP_ADD_CACHE_DIRECTIVE / OP_MODIFY_CACHE_DIRECTIVE / OP_REMOVE_CACHE_DIRECTIVE;
 * FSImageFormatPBINode with its AclFeatureProto, XAttrFeatureProto, a directory's nsQuota / dsQuota and
 * a file's storagePolicyID; the CacheManagerSection with its pools and directives);
 * this layout is hsec's own. Op codes never change meaning: new ops take new codes.
 *
 * A journal record is one transaction: the edit ops of one client call (a mkdirs with its parents,
 * a create with its parents), applied together or not at all. Ops carry every value they set (inode
 * and block ids, times, owner and group), so replaying them rebuilds exactly the state they made.
 * A snapshot holds the identity and counters, every inode parent-first (an inode with an ACL
 * followed by an ACL record of its feature entries, one with xattrs by an XATTRS record, a file
 * being truncated by a TRUNCATE_BLOCK record of its last block's new length, a directory with a
 * quota by a QUOTA record, a file with a storage policy by a STORAGE_POLICY record; the counts are recomputed on load),
 * the cache manager's next directive id, pools and directives (CACHE_NEXT_DIRECTIVE_ID, CACHE_POOL,
 * CACHE_DIRECTIVE records, pools before the directives naming them), and an end record
 * with the inode count. Payload fields are big-endian int32 / int64 numbers and uint32-length UTF-8 strings
 * (record-io.ts).
 */
import { ProtocolError } from '../../../lib/errors/index.ts';
import type { AclEntry, AclEntryScope, AclEntryType } from '../../protocol/acl-entry.ts';
import { XATTR_NAMESPACES, type XAttr } from '../../protocol/xattr.ts';
import type { JournalMagic, PayloadVisitor } from '../../../lib/journal/frame.ts';
import { RecordReader, RecordWriter } from './record-io.ts';

export const NAMESPACE_MAGIC: JournalMagic = { journal: 'HSEC-NSJ', snapshot: 'HSEC-NSS' };

/** A block as an op records it. */
export interface BlockRecord {
  blockId: number;
  generationStamp: number;
  numBytes: number;
}

export interface PermissionRecord {
  owner: string;
  group: string;
  mode: number;
}

/** A cache pool as journaled and snapshotted (CachePool.getInfo(true): every field set). */
export interface CachePoolRecord {
  poolName: string;
  ownerName: string;
  groupName: string;
  /** the permission bits (FsPermission.toShort) */
  mode: number;
  /** bytes; Long.MAX_VALUE = unlimited */
  limit: bigint;
  defaultReplication: number;
  /** ms; Expiration.MAX_RELATIVE_EXPIRY_MS = never */
  maxRelativeExpiryMs: bigint;
}

/** A cache directive as journaled and snapshotted (CacheDirective.toInfo: the expiry always absolute). */
export interface CacheDirectiveRecord {
  id: number;
  path: string;
  replication: number;
  pool: string;
  /** ms since the epoch */
  expiryTime: bigint;
}

export type EditOp =
  | { op: 'MKDIR'; id: number; path: string; perm: PermissionRecord; mtime: number }
  | {
    op: 'ADD_FILE'; id: number; path: string; perm: PermissionRecord; mtime: number; replication: number; blockSize: number;
    clientName: string; clientMachine: string; overwrite: boolean;
  }
  /** `previous` = the last block's committed length and stamp; `block` = the new under-construction block */
  | { op: 'ADD_BLOCK'; fileId: number; previous?: BlockRecord; block: BlockRecord }
  | { op: 'ABANDON_BLOCK'; fileId: number; blockId: number }
  /** the length or stamp of an under-construction block (fsync, pipeline update) */
  | { op: 'UPDATE_BLOCK'; fileId: number; block: BlockRecord }
  /** the file is closed with exactly these blocks (complete, lease recovery) */
  | { op: 'CLOSE'; fileId: number; mtime: number; atime: number; blocks: BlockRecord[] }
  | { op: 'DELETE'; path: string; mtime: number }
  /** `dst` is the final path; with `overwrite` an existing dst is deleted first */
  | { op: 'RENAME'; src: string; dst: string; mtime: number; overwrite: boolean }
  /** -1 = unchanged */
  | { op: 'TIMES'; path: string; mtime: number; atime: number }
  | { op: 'GENSTAMP'; generationStamp: number }
  /** the permission bits (at most 0o1777, FsPermission.toShort) */
  | { op: 'SET_PERMISSIONS'; path: string; mode: number }
  /** '' = unchanged, as SetOwnerOp writes a null name and reads it back (readString_EmptyAsNull) */
  | { op: 'SET_OWNER'; path: string; owner: string; group: string }
  /** a file's replication factor (a short, as SetReplicationOp writes it) */
  | { op: 'SET_REPLICATION'; path: string; replication: number }
  /**
   * a closed file reopened for append under `clientName`'s lease (AppendOp: path, client name and
   * machine, newBlock); without `newBlock` a last block shorter than the file's block size goes
   * back under construction (BlockManager.convertLastBlockToUnderConstruction)
   */
  | { op: 'APPEND'; path: string; clientName: string; clientMachine: string; newBlock: boolean }
  /**
   * an inode's ACL as stored (OP_SET_ACL; acl-storage.ts): the permission bits (the mask in the
   * group bits) and the ACL feature's entries, empty for none. Also follows the MKDIR or ADD_FILE
   * of an inode that inherited a default ACL, in the same transaction.
   */
  | { op: 'SET_ACL'; path: string; mode: number; entries: AclEntry[] }
  /**
   * an inode's extended attributes after a setXAttr or removeXAttr (Hadoop journals OP_SET_XATTR
   * with the set ones and OP_REMOVE_XATTR with the removed ones; hsec journals the whole resulting
   * list, in the XAttrFeature's order, empty for none)
   */
  | { op: 'SET_XATTRS'; path: string; xattrs: XAttr[] }
  /** lease recovery hands an open file to `newHolder` (ReassignLeaseOp: the NameNode or the recoverLease caller) */
  | { op: 'REASSIGN_LEASE'; fileId: number; newHolder: string }
  /**
   * a closed file cut to `newLength` (TruncateOp: src, client name and machine, new length, time,
   * truncate block): the blocks past it go; without `truncateBlock` the cut is on a block boundary
   * and the file stays closed, with it the file is open under `clientName`'s lease and its last
   * block (that block's id; the recovery id as stamp; the length it keeps) is to be cut in place
   * by block recovery (FSDirTruncateOp.unprotectedTruncate)
   */
  | { op: 'TRUNCATE'; path: string; clientName: string; clientMachine: string; newLength: number; mtime: number; truncateBlock?: BlockRecord }
  /**
   * closed files `srcs`, in order, appended to the closed file `target` in the same directory
   * (ConcatDeleteOp: target, sources, time; FSDirConcatOp.unprotectedConcat): their blocks move to
   * the end of the target, which keeps its replication, and the sources go
   */
  | { op: 'CONCAT'; target: string; srcs: string[]; mtime: number }
  /**
   * a directory's quotas as they now are (SetQuotaOp: src, nsQuota, dsQuota; Java longs, -1 = none):
   * both -1 removes the quota feature (not the root's, which keeps Long.MAX_VALUE as its namespace quota)
   */
  | { op: 'SET_QUOTA'; path: string; nsQuota: bigint; ssQuota: bigint }
  /**
   * the block storage policy set on a file or directory (SetStoragePolicyOp: path, policy id byte;
   * 0 unsets it): a file keeps it in its header, a directory in its system xattr
   * (storage-policy-id.ts). Also follows the ADD_FILE of a file that starts with a policy (a
   * create naming one, LAZY_PERSIST, or an inherited LAZY_PERSIST), in the same transaction.
   */
  | { op: 'SET_STORAGE_POLICY'; path: string; policyId: number }
  /** a new cache pool with every field resolved (AddCachePoolOp with the info addCachePool returned) */
  | { op: 'ADD_CACHE_POOL'; pool: CachePoolRecord }
  /** a cache pool as it is after modifyCachePool (Hadoop journals the request; hsec the resulting pool) */
  | { op: 'MODIFY_CACHE_POOL'; pool: CachePoolRecord }
  /** a cache pool removed with its directives (RemoveCachePoolOp) */
  | { op: 'REMOVE_CACHE_POOL'; poolName: string }
  /** a new cache directive (AddCacheDirectiveInfoOp with the effective directive: id, absolute expiry) */
  | { op: 'ADD_CACHE_DIRECTIVE'; directive: CacheDirectiveRecord }
  /**
   * a cache directive as it is after modifyCacheDirective (Hadoop journals the request, whose
   * relative expiry replay would read against the replaying clock; hsec journals the resulting
   * directive with its absolute expiry, so replay is exact)
   */
  | { op: 'MODIFY_CACHE_DIRECTIVE'; directive: CacheDirectiveRecord }
  /** a cache directive removed (RemoveCacheDirectiveInfoOp) */
  | { op: 'REMOVE_CACHE_DIRECTIVE'; id: number };

export type EditOpName = EditOp['op'];

const OP_CODES: Record<EditOpName, number> = {
  MKDIR: 1, ADD_FILE: 2, ADD_BLOCK: 3, ABANDON_BLOCK: 4, UPDATE_BLOCK: 5, CLOSE: 6, DELETE: 7, RENAME: 8, TIMES: 9, GENSTAMP: 10,
  SET_PERMISSIONS: 11, SET_OWNER: 12, SET_REPLICATION: 13, APPEND: 14, SET_ACL: 15,
  REASSIGN_LEASE: 16,
  SET_XATTRS: 17,
  TRUNCATE: 18,
  CONCAT: 19,
  SET_QUOTA: 20,
  SET_STORAGE_POLICY: 21,
  ADD_CACHE_POOL: 22,
  MODIFY_CACHE_POOL: 23,
  REMOVE_CACHE_POOL: 24,
  ADD_CACHE_DIRECTIVE: 25,
  MODIFY_CACHE_DIRECTIVE: 26,
  REMOVE_CACHE_DIRECTIVE: 27,
};
const OP_NAMES = new Map(Object.entries(OP_CODES).map(([k, v]) => [v, k as EditOpName]));

/** Record types (the first payload byte). */
export const NsRecord = { TRANSACTION: 1, IDENTITY: 2, INODE: 3, SNAPSHOT_END: 4, ACL: 5, XATTRS: 6, TRUNCATE_BLOCK: 7, QUOTA: 8, LAST_TXID: 9, STORAGE_POLICY: 10,
  CACHE_NEXT_DIRECTIVE_ID: 11, CACHE_POOL: 12, CACHE_DIRECTIVE: 13 } as const;

/** Who this namespace is (Hadoop's VERSION file / NamespaceInfo) and its id counters. */
export interface NamespaceIdentity {
  namespaceId: number;
  clusterId: string;
  blockPoolId: string;
  /** ms; Hadoop's cTime (0 for a namespace never upgraded) */
  cTime: number;
}

export interface NamespaceCounters {
  lastInodeId: number;
  lastBlockId: number;
  generationStamp: number;
}

/** An inode as a snapshot stores it (parents before children). */
export interface InodeRecord {
  kind: 'directory' | 'file';
  id: number;
  parentId: number;
  name: string;
  perm: PermissionRecord;
  mtime: number;
  atime: number;
  replication?: number;
  blockSize?: number;
  blocks?: BlockRecord[];
  /** set for a file open for writing */
  uc?: { clientName: string; clientMachine: string };
}

export interface SnapshotVisitor {
  identity(id: NamespaceIdentity, counters: NamespaceCounters): void;
  inode(record: InodeRecord): void;
  /** the ACL feature of the inode `id` (its inode record came just before) */
  acl(id: number, entries: AclEntry[]): void;
  /** the XAttrFeature of the inode `id` (its inode record came just before) */
  xattrs(id: number, xattrs: XAttr[]): void;
  /** the length the last block of the open file `id` is being truncated to (its inode record came before) */
  truncateBlock(id: number, numBytes: number): void;
  /** the quotas of the directory `id` (its inode record came before) */
  quota(id: number, nsQuota: bigint, ssQuota: bigint): void;
  /** the last transaction id the snapshot covers (absent in snapshots written before hsec kept it: 0) */
  lastTxid(txid: number): void;
  /** the storage policy set on the file `id` (its inode record came before; a directory's is in its xattrs) */
  storagePolicy(id: number, policyId: number): void;
  /** the cache manager's next directive id (CacheManagerSection.nextDirectiveId) */
  cacheNextDirectiveId(id: number): void;
  /** one cache pool (before any directive naming it) */
  cachePool(pool: CachePoolRecord): void;
  /** one cache directive */
  cacheDirective(directive: CacheDirectiveRecord): void;
  end(inodes: number): void;
}

const MAX_STRING = 64 * 1024;
/** Sources of one concat a record may name (a bound for a damaged journal; a real one is far smaller). */
const MAX_CONCAT_SOURCES = 1 << 20;
/** One writer for every record: records are built synchronously, one at a time. */
const WRITER = new RecordWriter();
const MAX_BLOCKS = 16 * 1024 * 1024;

function writePerm(out: RecordWriter, p: PermissionRecord): void {
  out.writeString(p.owner).writeString(p.group).writeInt32(p.mode);
}

function readPerm(input: RecordReader): PermissionRecord {
  return { owner: input.readString(MAX_STRING, 'owner'), group: input.readString(MAX_STRING, 'group'), mode: input.readInt32() };
}

const SCOPES: readonly AclEntryScope[] = ['ACCESS', 'DEFAULT'];
const TYPES: readonly AclEntryType[] = ['USER', 'GROUP', 'MASK', 'OTHER'];
/** AclFeature entries: 32 access and 32 default at most. */
const MAX_ACL_ENTRIES = 64;

/** Each entry: scope, type and permission as bytes (AclEntryProto's numbers), then the name if any. */
function writeAcl(out: RecordWriter, entries: readonly AclEntry[]): void {
  out.writeInt32(entries.length);
  for (const e of entries) {
    out.writeByte(SCOPES.indexOf(e.scope)).writeByte(TYPES.indexOf(e.type)).writeByte(e.permission).writeBoolean(e.name !== undefined);
    if (e.name !== undefined) out.writeString(e.name);
  }
}

function readAcl(input: RecordReader): AclEntry[] {
  return Array.from({ length: input.readInt32InRange(0, MAX_ACL_ENTRIES, 'ACL entry count') }, () => {
    const scope = SCOPES[input.readUnsignedByte('ACL scope')];
    const type = TYPES[input.readUnsignedByte('ACL type')];
    const permission = input.readUnsignedByte('ACL permission');
    if (!scope || !type || permission > 7) throw new Error(`malformed ACL entry (${scope}, ${type}, ${permission})`);
    const name = input.readBoolean() ? input.readString(MAX_STRING, 'ACL name') : undefined;
    return { scope, type, permission, ...(name !== undefined ? { name } : {}) };
  });
}

/** XAttrs per record: far above dfs.namenode.fs-limits.max-xattrs-per-inode (user-visible ones only). */
const MAX_XATTRS = 65536;
/** DFS_NAMENODE_MAX_XATTR_SIZE_HARD_LIMIT: no value is larger. */
const MAX_XATTR_VALUE = 32768;

/** Each xattr: the namespace as XAttrNamespaceProto's number, the name, then the value if any. */
function writeXAttrs(out: RecordWriter, xattrs: readonly XAttr[]): void {
  out.writeInt32(xattrs.length);
  for (const x of xattrs) {
    out.writeByte(XATTR_NAMESPACES.indexOf(x.namespace)).writeString(x.name).writeBoolean(x.value !== undefined);
    if (x.value !== undefined) out.writeBytes(x.value);
  }
}

function readXAttrs(input: RecordReader): XAttr[] {
  return Array.from({ length: input.readInt32InRange(0, MAX_XATTRS, 'xattr count') }, () => {
    const namespace = XATTR_NAMESPACES[input.readUnsignedByte('xattr namespace')];
    if (!namespace) throw new Error('malformed xattr namespace');
    const name = input.readString(MAX_STRING, 'xattr name');
    return input.readBoolean() ? { namespace, name, value: input.readBytes(MAX_XATTR_VALUE, 'xattr value') } : { namespace, name };
  });
}

/**
 * Cache pool names, owners, groups and directive paths: Hadoop bounds none of them (a directive's
 * path skips checkPathLength), so only the RPC message limit (ipc.maximum.data.length, 64 MiB) does.
 */
const MAX_CACHE_STRING = 64 * 1024 * 1024;

function writeCachePool(out: RecordWriter, p: CachePoolRecord): void {
  out.writeString(p.poolName).writeString(p.ownerName).writeString(p.groupName).writeInt32(p.mode)
    .writeBigLong(p.limit).writeInt32(p.defaultReplication).writeBigLong(p.maxRelativeExpiryMs);
}

function readCachePool(input: RecordReader): CachePoolRecord {
  return {
    poolName: input.readString(MAX_CACHE_STRING, 'pool name'), ownerName: input.readString(MAX_CACHE_STRING, 'pool owner'), groupName: input.readString(MAX_CACHE_STRING, 'pool group'),
    mode: input.readInt32InRange(0, 0o1777, 'pool mode'), limit: input.readBigLong('pool limit'), defaultReplication: input.readInt32InRange(0, 32767, 'pool default replication'),
    maxRelativeExpiryMs: input.readBigLong('pool max relative expiry'),
  };
}

function writeCacheDirective(out: RecordWriter, d: CacheDirectiveRecord): void {
  out.writeLong(d.id).writeString(d.path).writeInt32(d.replication).writeString(d.pool).writeBigLong(d.expiryTime);
}

function readCacheDirective(input: RecordReader): CacheDirectiveRecord {
  return {
    id: input.readLong('directive id'), path: input.readString(MAX_CACHE_STRING, 'directive path'), replication: input.readInt32InRange(1, 32767, 'directive replication'),
    pool: input.readString(MAX_CACHE_STRING, 'directive pool'), expiryTime: input.readBigLong('directive expiry'),
  };
}

function writeBlock(out: RecordWriter, b: BlockRecord): void {
  out.writeLong(b.blockId).writeLong(b.generationStamp).writeLong(b.numBytes);
}

function readBlock(input: RecordReader): BlockRecord {
  return { blockId: input.readLong(), generationStamp: input.readLong(), numBytes: input.readLong() };
}

function writeBlocks(out: RecordWriter, blocks: readonly BlockRecord[]): void {
  out.writeInt32(blocks.length);
  for (const b of blocks) writeBlock(out, b);
}

function readBlocks(input: RecordReader): BlockRecord[] {
  return Array.from({ length: input.readInt32InRange(0, MAX_BLOCKS, 'block count') }, () => readBlock(input));
}

function writeOp(out: RecordWriter, op: EditOp): void {
  out.writeByte(OP_CODES[op.op]);
  switch (op.op) {
    case 'MKDIR':
      out.writeLong(op.id).writeString(op.path);
      writePerm(out, op.perm);
      out.writeLong(op.mtime);
      return;
    case 'ADD_FILE':
      out.writeLong(op.id).writeString(op.path);
      writePerm(out, op.perm);
      out.writeLong(op.mtime).writeInt32(op.replication).writeLong(op.blockSize).writeString(op.clientName).writeString(op.clientMachine).writeBoolean(op.overwrite);
      return;
    case 'ADD_BLOCK':
      out.writeLong(op.fileId).writeBoolean(op.previous !== undefined);
      if (op.previous) writeBlock(out, op.previous);
      writeBlock(out, op.block);
      return;
    case 'ABANDON_BLOCK':
      out.writeLong(op.fileId).writeLong(op.blockId);
      return;
    case 'UPDATE_BLOCK':
      out.writeLong(op.fileId);
      writeBlock(out, op.block);
      return;
    case 'CLOSE':
      out.writeLong(op.fileId).writeLong(op.mtime).writeLong(op.atime);
      writeBlocks(out, op.blocks);
      return;
    case 'DELETE':
      out.writeString(op.path).writeLong(op.mtime);
      return;
    case 'RENAME':
      out.writeString(op.src).writeString(op.dst).writeLong(op.mtime).writeBoolean(op.overwrite);
      return;
    case 'TIMES':
      out.writeString(op.path).writeLong(op.mtime).writeLong(op.atime);
      return;
    case 'GENSTAMP':
      out.writeLong(op.generationStamp);
      return;
    case 'SET_PERMISSIONS':
      out.writeString(op.path).writeInt32(op.mode);
      return;
    case 'SET_OWNER':
      out.writeString(op.path).writeString(op.owner).writeString(op.group);
      return;
    case 'SET_REPLICATION':
      out.writeString(op.path).writeInt32(op.replication);
      return;
    case 'APPEND':
      out.writeString(op.path).writeString(op.clientName).writeString(op.clientMachine).writeBoolean(op.newBlock);
      return;
    case 'SET_ACL':
      out.writeString(op.path).writeInt32(op.mode);
      writeAcl(out, op.entries);
      return;
    case 'SET_XATTRS':
      out.writeString(op.path);
      writeXAttrs(out, op.xattrs);
      return;
    case 'REASSIGN_LEASE':
      out.writeLong(op.fileId).writeString(op.newHolder);
      return;
    case 'TRUNCATE':
      out.writeString(op.path).writeString(op.clientName).writeString(op.clientMachine).writeLong(op.newLength).writeLong(op.mtime).writeBoolean(op.truncateBlock !== undefined);
      if (op.truncateBlock) writeBlock(out, op.truncateBlock);
      return;
    case 'CONCAT':
      out.writeString(op.target).writeInt32(op.srcs.length);
      for (const src of op.srcs) out.writeString(src);
      out.writeLong(op.mtime);
      return;
    case 'SET_QUOTA':
      out.writeString(op.path).writeBigLong(op.nsQuota).writeBigLong(op.ssQuota);
      return;
    case 'SET_STORAGE_POLICY':
      out.writeString(op.path).writeByte(op.policyId);
      return;
    case 'ADD_CACHE_POOL':
    case 'MODIFY_CACHE_POOL':
      writeCachePool(out, op.pool);
      return;
    case 'REMOVE_CACHE_POOL':
      out.writeString(op.poolName);
      return;
    case 'ADD_CACHE_DIRECTIVE':
    case 'MODIFY_CACHE_DIRECTIVE':
      writeCacheDirective(out, op.directive);
      return;
    case 'REMOVE_CACHE_DIRECTIVE':
      out.writeLong(op.id);
  }
}

function readOp(input: RecordReader): EditOp {
  const code = input.readUnsignedByte();
  const name = OP_NAMES.get(code);
  const text = (what: string) => input.readString(MAX_STRING, what);
  switch (name) {
    case 'MKDIR':
      return { op: name, id: input.readLong(), path: text('path'), perm: readPerm(input), mtime: input.readLong() };
    case 'ADD_FILE':
      return {
        op: name, id: input.readLong(), path: text('path'), perm: readPerm(input), mtime: input.readLong(), replication: input.readInt32(),
        blockSize: input.readLong(), clientName: text('clientName'), clientMachine: text('clientMachine'), overwrite: input.readBoolean(),
      };
    case 'ADD_BLOCK': {
      const fileId = input.readLong();
      const previous = input.readBoolean() ? readBlock(input) : undefined;
      return { op: name, fileId, ...(previous ? { previous } : {}), block: readBlock(input) };
    }
    case 'ABANDON_BLOCK':
      return { op: name, fileId: input.readLong(), blockId: input.readLong() };
    case 'UPDATE_BLOCK':
      return { op: name, fileId: input.readLong(), block: readBlock(input) };
    case 'CLOSE':
      return { op: name, fileId: input.readLong(), mtime: input.readLong(), atime: input.readLong(), blocks: readBlocks(input) };
    case 'DELETE':
      return { op: name, path: text('path'), mtime: input.readLong() };
    case 'RENAME':
      return { op: name, src: text('src'), dst: text('dst'), mtime: input.readLong(), overwrite: input.readBoolean() };
    case 'TIMES':
      return { op: name, path: text('path'), mtime: input.readLong(), atime: input.readLong() };
    case 'GENSTAMP':
      return { op: name, generationStamp: input.readLong() };
    case 'SET_PERMISSIONS':
      return { op: name, path: text('path'), mode: input.readInt32InRange(0, 0o1777, 'mode') };
    case 'SET_OWNER':
      return { op: name, path: text('path'), owner: text('owner'), group: text('group') };
    case 'SET_REPLICATION':
      return { op: name, path: text('path'), replication: input.readInt32InRange(1, 32767, 'replication') };
    case 'APPEND':
      return { op: name, path: text('path'), clientName: text('clientName'), clientMachine: text('clientMachine'), newBlock: input.readBoolean() };
    case 'SET_ACL':
      return { op: name, path: text('path'), mode: input.readInt32InRange(0, 0o1777, 'mode'), entries: readAcl(input) };
    case 'SET_XATTRS':
      return { op: name, path: text('path'), xattrs: readXAttrs(input) };
    case 'REASSIGN_LEASE':
      return { op: name, fileId: input.readLong(), newHolder: text('newHolder') };
    case 'TRUNCATE': {
      const head = { op: name, path: text('path'), clientName: text('clientName'), clientMachine: text('clientMachine'), newLength: input.readLong(), mtime: input.readLong() };
      return input.readBoolean() ? { ...head, truncateBlock: readBlock(input) } : head;
    }
    case 'CONCAT': {
      const target = text('target');
      const count = input.readInt32InRange(1, MAX_CONCAT_SOURCES, 'source count');
      const srcs: string[] = [];
      for (let i = 0; i < count; i++) srcs.push(text('source'));
      return { op: name, target, srcs, mtime: input.readLong() };
    }
    case 'SET_QUOTA':
      return { op: name, path: text('path'), nsQuota: input.readBigLong('nsQuota'), ssQuota: input.readBigLong('ssQuota') };
    case 'SET_STORAGE_POLICY':
      return { op: name, path: text('path'), policyId: readPolicyId(input) };
    case 'ADD_CACHE_POOL':
    case 'MODIFY_CACHE_POOL':
      return { op: name, pool: readCachePool(input) };
    case 'REMOVE_CACHE_POOL':
      return { op: name, poolName: input.readString(MAX_CACHE_STRING, 'pool name') };
    case 'ADD_CACHE_DIRECTIVE':
    case 'MODIFY_CACHE_DIRECTIVE':
      return { op: name, directive: readCacheDirective(input) };
    case 'REMOVE_CACHE_DIRECTIVE':
      return { op: name, id: input.readLong('directive id') };
    default:
      throw new Error(`unknown edit op ${code}`);
  }
}

/** One journal record: the ops of one call, applied together. */
export function transactionRecord(ops: readonly EditOp[]): Buffer {
  const out = WRITER.writeByte(NsRecord.TRANSACTION).writeInt32(ops.length);
  for (const op of ops) writeOp(out, op);
  return payloadFrame(out);
}

export function identityRecord(id: NamespaceIdentity, c: NamespaceCounters): Buffer {
  const out = WRITER.writeByte(NsRecord.IDENTITY)
    .writeInt32(id.namespaceId).writeString(id.clusterId).writeString(id.blockPoolId).writeLong(id.cTime)
    .writeLong(c.lastInodeId).writeLong(c.lastBlockId).writeLong(c.generationStamp);
  return payloadFrame(out);
}

export function inodeRecord(r: InodeRecord): Buffer {
  const out = WRITER.writeByte(NsRecord.INODE).writeBoolean(r.kind === 'file')
    .writeLong(r.id).writeLong(r.parentId).writeString(r.name);
  writePerm(out, r.perm);
  out.writeLong(r.mtime).writeLong(r.atime);
  if (r.kind === 'file') {
    out.writeInt32(r.replication ?? 0).writeLong(r.blockSize ?? 0);
    writeBlocks(out, r.blocks ?? []);
    out.writeBoolean(r.uc !== undefined);
    if (r.uc) out.writeString(r.uc.clientName).writeString(r.uc.clientMachine);
  }
  return payloadFrame(out);
}

/** The ACL feature of inode `id`, after its inode record. */
export function aclRecord(id: number, entries: readonly AclEntry[]): Buffer {
  const out = WRITER.writeByte(NsRecord.ACL).writeLong(id);
  writeAcl(out, entries);
  return payloadFrame(out);
}

/** The XAttrFeature of inode `id`, after its inode record (and ACL record). */
export function xattrsRecord(id: number, xattrs: readonly XAttr[]): Buffer {
  const out = WRITER.writeByte(NsRecord.XATTRS).writeLong(id);
  writeXAttrs(out, xattrs);
  return payloadFrame(out);
}

/** The new length of the last block of the open file `id`, which a truncate is cutting (after its inode record). */
export function truncateBlockRecord(id: number, numBytes: number): Buffer {
  return payloadFrame(WRITER.writeByte(NsRecord.TRUNCATE_BLOCK).writeLong(id).writeLong(numBytes));
}

/** The quotas of the directory `id` (after its inode record). */
export function quotaRecord(id: number, nsQuota: bigint, ssQuota: bigint): Buffer {
  return payloadFrame(WRITER.writeByte(NsRecord.QUOTA).writeLong(id).writeBigLong(nsQuota).writeBigLong(ssQuota));
}

/** The last transaction id a snapshot covers (FSImage's image txid): the journals after it continue from here. */
export function lastTxidRecord(txid: number): Buffer {
  return payloadFrame(WRITER.writeByte(NsRecord.LAST_TXID).writeLong(txid));
}

/** The storage policy set on the file `id` (after its inode record). */
export function storagePolicyRecord(id: number, policyId: number): Buffer {
  return payloadFrame(WRITER.writeByte(NsRecord.STORAGE_POLICY).writeLong(id).writeByte(policyId));
}

/** The cache manager's next directive id (before its pools and directives). */
export function cacheNextDirectiveIdRecord(id: number): Buffer {
  return payloadFrame(WRITER.writeByte(NsRecord.CACHE_NEXT_DIRECTIVE_ID).writeLong(id));
}

/** One cache pool. */
export function cachePoolRecord(p: CachePoolRecord): Buffer {
  const out = WRITER.writeByte(NsRecord.CACHE_POOL);
  writeCachePool(out, p);
  return payloadFrame(out);
}

/** One cache directive (after the pool it names). */
export function cacheDirectiveRecord(d: CacheDirectiveRecord): Buffer {
  const out = WRITER.writeByte(NsRecord.CACHE_DIRECTIVE);
  writeCacheDirective(out, d);
  return payloadFrame(out);
}

/** A policy id byte: 0 (none) to 15 (BlockStoragePolicySuite.ID_BIT_LENGTH = 4). */
function readPolicyId(input: RecordReader): number {
  const id = input.readUnsignedByte('storage policy id');
  if (id > 15) throw new Error(`storage policy id ${id} is outside [0, 15]`);
  return id;
}

export function snapshotEndRecord(inodes: number): Buffer {
  return payloadFrame(WRITER.writeByte(NsRecord.SNAPSHOT_END).writeLong(inodes));
}

function payloadFrame(out: RecordWriter): Buffer {
  return out.frame();
}

function readInode(input: RecordReader): InodeRecord {
  const isFile = input.readBoolean();
  const base = { id: input.readLong(), parentId: input.readLong(), name: input.readString(MAX_STRING, 'name'), perm: readPerm(input), mtime: input.readLong(), atime: input.readLong() };
  if (!isFile) return { kind: 'directory', ...base };
  const replication = input.readInt32();
  const blockSize = input.readLong();
  const blocks = readBlocks(input);
  const uc = input.readBoolean() ? { clientName: input.readString(MAX_STRING, 'clientName'), clientMachine: input.readString(MAX_STRING, 'clientMachine') } : undefined;
  return { kind: 'file', ...base, replication, blockSize, blocks, ...(uc ? { uc } : {}) };
}

/** Decodes journal payloads: each transaction's ops go to `onTransaction`. */
export function journalPayloads(onTransaction: (ops: EditOp[]) => void): PayloadVisitor {
  return (b, _bytes, at, end, frameAt) => {
    const ops = guarded(() => {
      const input = new RecordReader(b, at, end);
      const type = input.readUnsignedByte();
      if (type !== NsRecord.TRANSACTION) throw new Error(`record type ${type} in a journal`);
      const list = Array.from({ length: input.readInt32InRange(1, 1_000_000, 'op count') }, () => readOp(input));
      input.expectEnd('namespace transaction');
      return list;
    }, frameAt);
    onTransaction(ops);
  };
}

/** Decodes snapshot payloads into `visitor`. */
export function snapshotPayloads(visitor: SnapshotVisitor): PayloadVisitor {
  return (b, _bytes, at, end, frameAt) => {
    guarded(() => {
      const input = new RecordReader(b, at, end);
      const type = input.readUnsignedByte();
      if (type === NsRecord.IDENTITY) {
        const id = { namespaceId: input.readInt32(), clusterId: input.readString(MAX_STRING, 'clusterId'), blockPoolId: input.readString(MAX_STRING, 'blockPoolId'), cTime: input.readLong() };
        visitor.identity(id, { lastInodeId: input.readLong(), lastBlockId: input.readLong(), generationStamp: input.readLong() });
      } else if (type === NsRecord.INODE) {
        visitor.inode(readInode(input));
      } else if (type === NsRecord.ACL) {
        visitor.acl(input.readLong(), readAcl(input));
      } else if (type === NsRecord.XATTRS) {
        visitor.xattrs(input.readLong(), readXAttrs(input));
      } else if (type === NsRecord.TRUNCATE_BLOCK) {
        visitor.truncateBlock(input.readLong(), input.readLong());
      } else if (type === NsRecord.QUOTA) {
        visitor.quota(input.readLong(), input.readBigLong('nsQuota'), input.readBigLong('ssQuota'));
      } else if (type === NsRecord.LAST_TXID) {
        visitor.lastTxid(input.readLong());
      } else if (type === NsRecord.STORAGE_POLICY) {
        visitor.storagePolicy(input.readLong(), readPolicyId(input));
      } else if (type === NsRecord.CACHE_NEXT_DIRECTIVE_ID) {
        visitor.cacheNextDirectiveId(input.readLong('next directive id'));
      } else if (type === NsRecord.CACHE_POOL) {
        visitor.cachePool(readCachePool(input));
      } else if (type === NsRecord.CACHE_DIRECTIVE) {
        visitor.cacheDirective(readCacheDirective(input));
      } else if (type === NsRecord.SNAPSHOT_END) {
        visitor.end(input.readLong());
      } else {
        throw new Error(`unexpected record type ${type} in a snapshot`);
      }
      input.expectEnd('namespace snapshot record');
    }, frameAt);
  };
}

function guarded<T>(fn: () => T, frameAt: number): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ProtocolError && typeof e.details['offset'] === 'number') throw e;
    throw malformed((e as Error).message, frameAt, e);
  }
}

function malformed(what: string, offset: number, cause?: unknown): ProtocolError {
  return new ProtocolError('PROTOCOL_MALFORMED', what, { offset }, { cause });
}
