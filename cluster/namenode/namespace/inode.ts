/**
 * The namespace tree's nodes, after Hadoop's INodeDirectory / INodeFile / BlockInfo (hadoop-hdfs
 * server/namenode, server/blockmanagement): every inode has an id (the root is 16385,
 * INodeId.ROOT_INODE_ID), a local name, owner, group, permission bits and times; a directory keeps
 * its children sorted by their UTF-8 name bytes (binary search, as INodeDirectory.searchChildren);
 * an inode with an extended ACL keeps its entries beyond the permission bits (AclFeature,
 * acl-storage.ts) and its extended attributes (XAttrFeature; a directory's block storage policy is
 * one of them, storage-policy-id.ts); a file has a replication factor, a preferred block size,
 * the storage policy set on it (its header's), its blocks, and while it is open for writing the lease holder (client name) and client machine (FileUnderConstructionFeature); a
 * directory may have a quota (DirectoryWithQuotaFeature, quota.ts).
 *
 * A block is UNDER_CONSTRUCTION while a pipeline writes it, COMMITTED once the client reported its
 * final length, and COMPLETE once it is committed and a DataNode reported a finalized replica with
 * that length and generation stamp (BlockUCState; dfs.namenode.replication.min = 1). Lease
 * recovery puts an unfinished last block UNDER_RECOVERY with a recovery id (a new generation stamp)
 * until its primary DataNode commits the agreed length (commitBlockSynchronization); a truncate in
 * the middle of a block puts that block under recovery the same way, with the length it is to be
 * cut to (BlockUnderConstructionFeature.truncateBlock, in place: same id). Replica locations and
 * the recovery state are runtime state rebuilt from block reports, never persisted (the truncate
 * length is: it is part of the namespace's change).
 */
import type { AclEntry } from '../../protocol/acl-entry.ts';
import type { XAttr } from '../../protocol/xattr.ts';
import { compareNames } from './paths.ts';
import type { DirectoryQuota } from './quota.ts';

/** INodeId.ROOT_INODE_ID (LAST_RESERVED_ID 2^14 + 1). */
export const ROOT_INODE_ID = 16385;

export type BlockState = 'UNDER_CONSTRUCTION' | 'UNDER_RECOVERY' | 'COMMITTED' | 'COMPLETE';

/** A storage on a DataNode: where a replica is or is expected. */
export interface StorageRef {
  datanodeUuid: string;
  storageUuid: string;
}

/** A finalized replica a DataNode reported. */
export interface Replica {
  datanodeUuid: string;
  numBytes: number;
  generationStamp: number;
}

/** Block.toString: `blk_<id>_<generation stamp>` ("null" for none). */
export function blockString(b: { blockId: number; generationStamp: number } | undefined): string {
  return b ? `blk_${b.blockId}_${b.generationStamp}` : 'null';
}

export class BlockInfo {
  readonly blockId: number;
  generationStamp: number;
  numBytes: number;
  state: BlockState;
  /** The file the block belongs to (null once the file is gone). */
  file: INodeFile | null;
  /** Finalized replicas DataNodes reported, by storageUuid. */
  readonly replicas = new Map<string, Replica>();
  /** The pipeline the block was given to (addBlock targets), while it is under construction. */
  expected: StorageRef[] = [];
  /** BlockUnderConstructionFeature.blockRecoveryId: the generation stamp the recovery gives the block (0 = none). */
  recoveryId = 0;
  /**
   * BlockUnderConstructionFeature.truncateBlock's length: the block is being truncated in place
   * to this many bytes (null = not a truncate). Its stamp is the recovery id.
   */
  truncateLength: number | null = null;
  /** Storages already chosen as the recovery's primary (ReplicaUnderConstruction.chosenAsPrimary). */
  readonly triedAsPrimary = new Set<string>();

  constructor(blockId: number, generationStamp: number, numBytes: number, state: BlockState, file: INodeFile | null) {
    this.blockId = blockId;
    this.generationStamp = generationStamp;
    this.numBytes = numBytes;
    this.state = state;
    this.file = file;
  }

  get complete(): boolean {
    return this.state === 'COMPLETE';
  }

  /** UNDER_CONSTRUCTION or UNDER_RECOVERY (BlockInfo.isUnderConstruction... minus COMMITTED). */
  get beingWritten(): boolean {
    return this.state === 'UNDER_CONSTRUCTION' || this.state === 'UNDER_RECOVERY';
  }
}

interface INodeFields {
  id: number;
  name: string;
  owner: string;
  group: string;
  /** permission bits, 0o7777 at most (sticky = 0o1000) */
  mode: number;
  /** ms since epoch */
  mtime: number;
  /** ms since epoch; 0 for directories, which keep none */
  atime: number;
}

abstract class INodeBase implements INodeFields {
  readonly id: number;
  name: string;
  owner: string;
  group: string;
  mode: number;
  mtime: number;
  atime: number;
  /** the ACL feature's entries (acl-storage.ts), sorted; empty = no extended ACL */
  acl: readonly AclEntry[] = [];
  /** the XAttrFeature's attributes (xattr-ops.ts), in the order they were set; empty = none */
  xattrs: readonly XAttr[] = [];
  parent: INodeDirectory | null = null;

  constructor(f: INodeFields) {
    this.id = f.id;
    this.name = f.name;
    this.owner = f.owner;
    this.group = f.group;
    this.mode = f.mode;
    this.mtime = f.mtime;
    this.atime = f.atime;
  }

  /** The absolute path ("/" for the root). */
  path(): string {
    const names: string[] = [];
    for (let n: INodeBase | null = this; n?.parent; n = n.parent) names.push(n.name);
    return `/${names.reverse().join('/')}`;
  }
}

export class INodeDirectory extends INodeBase {
  readonly kind = 'directory' as const;
  /** Sorted by UTF-8 name bytes. */
  readonly children: INode[] = [];
  /** DirectoryWithQuotaFeature (quota.ts): the root always has one; null = no quota */
  quota: DirectoryQuota | null = null;

  /** Index of `name`, or -(insertion point) - 1 (Collections.binarySearch). */
  search(name: string): number {
    let lo = 0;
    let hi = this.children.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareNames(this.children[mid]!.name, name);
      if (c < 0) lo = mid + 1;
      else if (c > 0) hi = mid - 1;
      else return mid;
    }
    return -(lo + 1);
  }

  child(name: string): INode | undefined {
    const i = this.search(name);
    return i >= 0 ? this.children[i] : undefined;
  }

  /** INodeDirectory.addChild: inserts in order; a child without a group takes this directory's (the BSD rule). */
  addChild(node: INode): void {
    const last = this.children[this.children.length - 1];
    // snapshots list children in order: appending is the common case
    const i = !last || compareNames(last.name, node.name) < 0 ? -this.children.length - 1 : this.search(node.name);
    if (i >= 0) throw new Error(`${this.path()} already has a child ${node.name}`);
    node.parent = this;
    if (node.group === '') node.group = this.group;
    this.children.splice(-i - 1, 0, node);
  }

  removeChild(node: INode): void {
    const i = this.search(node.name);
    if (i >= 0 && this.children[i] === node) this.children.splice(i, 1);
    node.parent = null;
  }
}

export interface UnderConstruction {
  /** the lease holder: DFSClient's client name */
  clientName: string;
  clientMachine: string;
}

export class INodeFile extends INodeBase {
  readonly kind = 'file' as const;
  replication: number;
  /** preferred block size, bytes */
  blockSize: number;
  blocks: BlockInfo[] = [];
  uc: UnderConstruction | null;
  /** the storage space (quota.ts fileSpace) the quota counts of the ancestors hold for this file */
  accountedSpace = 0;
  /** INodeFile.HeaderFormat's STORAGE_POLICY_ID: the block storage policy set on the file (0 = none; storage-policy-id.ts) */
  storagePolicyId = 0;

  constructor(f: INodeFields & { replication: number; blockSize: number; uc: UnderConstruction | null }) {
    super(f);
    this.replication = f.replication;
    this.blockSize = f.blockSize;
    this.uc = f.uc;
  }

  get lastBlock(): BlockInfo | undefined {
    return this.blocks[this.blocks.length - 1];
  }

  /** INodeFile.computeFileSize(includesLastUcBlock): the sum of the block lengths, the last one only if complete or asked for. */
  length(includeIncompleteLast = true): number {
    let n = 0;
    for (const b of this.blocks) {
      if (!includeIncompleteLast && b === this.lastBlock && !b.complete) break;
      n += b.numBytes;
    }
    return n;
  }
}

export type INode = INodeDirectory | INodeFile;
