/**
 * The in-memory namespace (Hadoop's FSDirectory with its inode map and the blocks map): the tree of
 * inodes, inodes by id, blocks by id, the id counters (inode ids after the root 16385, block ids
 * after 2^30 as SequentialBlockIdGenerator, generation stamps after 1000 as
 * GenerationStamp.LAST_RESERVED_STAMP) and the namespace's identity.
 *
 * Every change goes through `apply(op)`, live (after the op is durable) and when a journal is
 * replayed at start, so the two cannot diverge. `apply` assumes the op was validated by the
 * namesystem; an op that does not fit the tree (a corrupted or foreign journal) throws. It returns
 * what a change removed (files, for their leases; blocks, for their replicas to be deleted).
 *
 * The quota counts of directories with a quota (quota.ts) follow every change: an inode added,
 * removed or moved moves its subtree's names and space; a file whose blocks, lengths, states or
 * replication change is charged the difference of its storage space (`refreshUsage`, which the
 * block manager also calls when a block completes). A load recomputes them all (`finishLoad`).
 */
import type { EditOp, InodeRecord, NamespaceCounters, NamespaceIdentity } from './edit-log.ts';
import type { AclEntry } from '../../protocol/acl-entry.ts';
import { aclRecord, identityRecord, inodeRecord, quotaRecord, snapshotEndRecord, storagePolicyRecord, truncateBlockRecord, xattrsRecord } from './edit-log.ts';
import { STORAGE_POLICY_UNSPECIFIED, withDirStoragePolicy } from './storage-policy-id.ts';
import type { XAttr } from '../../protocol/xattr.ts';
import { BlockInfo, INodeDirectory, INodeFile, ROOT_INODE_ID, type INode } from './inode.ts';
import { joinPath, pathComponents } from './paths.ts';
import { fileSpace, isQuotaSet, QUOTA_DONT_SET, QUOTA_RESET, subtreeUsage, type QuotaDelta } from './quota.ts';

/** SequentialBlockIdGenerator.LAST_RESERVED_BLOCK_ID (2^30): the first block is 1073741825. */
export const LAST_RESERVED_BLOCK_ID = 1024 * 1024 * 1024;
/** GenerationStamp.LAST_RESERVED_STAMP: the first generation stamp is 1001. */
export const LAST_RESERVED_STAMP = 1000;

/** The inodes along a path (INodesInPath): `inodes[0]` is the root, `inodes[i]` the i-th component or undefined. */
export interface ResolvedPath {
  readonly path: string;
  readonly components: readonly string[];
  readonly inodes: readonly (INode | undefined)[];
}

export function lastInode(r: ResolvedPath): INode | undefined {
  return r.inodes[r.inodes.length - 1];
}

/** What a change removed. */
export interface Removed {
  files: INodeFile[];
  blocks: BlockInfo[];
}

const none = (): Removed => ({ files: [], blocks: [] });

export class FsDirectory {
  readonly root: INodeDirectory;
  readonly identity: NamespaceIdentity;
  readonly #inodes = new Map<number, INode>();
  readonly #blocks = new Map<number, BlockInfo>();
  lastInodeId = ROOT_INODE_ID;
  lastBlockId = LAST_RESERVED_BLOCK_ID;
  generationStamp = LAST_RESERVED_STAMP;

  /** A namespace with only its root (owner = the NameNode's user, group = the supergroup, 0755, as FSDirectory.createRoot). */
  constructor(identity: NamespaceIdentity, root: { owner: string; group: string; mtime: number }) {
    this.identity = identity;
    this.root = new INodeDirectory({ id: ROOT_INODE_ID, name: '', owner: root.owner, group: root.group, mode: 0o755, mtime: root.mtime, atime: 0 });
    // FSDirectory.createRoot: the root always has a quota feature, namespace quota Long.MAX_VALUE
    this.root.quota = { nsQuota: QUOTA_DONT_SET, ssQuota: QUOTA_RESET, namespace: 1, storagespace: 0 };
    this.#inodes.set(ROOT_INODE_ID, this.root);
  }

  get inodeCount(): number {
    return this.#inodes.size;
  }

  get blockCount(): number {
    return this.#blocks.size;
  }

  inode(id: number): INode | undefined {
    return this.#inodes.get(id);
  }

  block(blockId: number): BlockInfo | undefined {
    return this.#blocks.get(blockId);
  }

  /** Every block of the namespace (the blocks map), in no particular order. */
  allBlocks(): IterableIterator<BlockInfo> {
    return this.#blocks.values();
  }

  counters(): NamespaceCounters {
    return { lastInodeId: this.lastInodeId, lastBlockId: this.lastBlockId, generationStamp: this.generationStamp };
  }

  /** INodesInPath.resolve: walks from the root while components exist and are directories. */
  resolve(src: string): ResolvedPath {
    const components = pathComponents(src);
    const inodes: (INode | undefined)[] = [this.root];
    let cur: INode | undefined = this.root;
    for (const name of components) {
      cur = cur?.kind === 'directory' ? cur.child(name) : undefined;
      inodes.push(cur);
    }
    return { path: joinPath(components), components, inodes };
  }

  /** The inodes along an existing inode's path (INodesInPath.fromINode). */
  resolveInode(node: INode): ResolvedPath {
    const chain: INode[] = [];
    for (let n: INode | null = node; n; n = n.parent) chain.unshift(n);
    const components = chain.slice(1).map((n) => n.name);
    return { path: joinPath(components), components, inodes: chain };
  }

  /** Every file under `node` (itself included). */
  *files(node: INode): Generator<INodeFile> {
    if (node.kind === 'file') {
      yield node;
      return;
    }
    for (const c of node.children) yield* this.files(c);
  }

  // ---- the one way the namespace changes ---------------------------------------------------

  apply(op: EditOp): Removed {
    const removed = this.#apply(op);
    const file = 'fileId' in op ? this.#inodes.get(op.fileId) : op.op === 'SET_REPLICATION' || op.op === 'APPEND' || op.op === 'TRUNCATE' ? this.resolveExisting(op.path) : undefined;
    if (file?.kind === 'file') this.refreshUsage(file);
    return removed;
  }

  #apply(op: EditOp): Removed {
    switch (op.op) {
      case 'MKDIR': {
        const { parent, name } = this.#parentOf(op.path);
        this.#add(parent, new INodeDirectory({ id: op.id, name, ...op.perm, mtime: op.mtime, atime: 0 }), op.mtime);
        return none();
      }
      case 'ADD_FILE': {
        const removed = op.overwrite && this.resolveExisting(op.path) ? this.#delete(op.path, op.mtime) : none();
        const { parent, name } = this.#parentOf(op.path);
        const file = new INodeFile({
          id: op.id, name, ...op.perm, mtime: op.mtime, atime: op.mtime, replication: op.replication, blockSize: op.blockSize,
          uc: { clientName: op.clientName, clientMachine: op.clientMachine },
        });
        this.#add(parent, file, op.mtime);
        return removed;
      }
      case 'ADD_BLOCK': {
        const file = this.#openFile(op.fileId);
        const last = file.lastBlock;
        if (op.previous) {
          if (!last || last.blockId !== op.previous.blockId) throw new Error(`ADD_BLOCK: block ${op.previous.blockId} is not the last block of inode ${op.fileId}`);
          this.#commit(last, op.previous.numBytes, op.previous.generationStamp);
        }
        const block = new BlockInfo(op.block.blockId, op.block.generationStamp, 0, 'UNDER_CONSTRUCTION', file);
        file.blocks.push(block);
        this.#blocks.set(block.blockId, block);
        this.#seen(op.block.blockId, op.block.generationStamp);
        return none();
      }
      case 'ABANDON_BLOCK': {
        const file = this.#openFile(op.fileId);
        const last = file.lastBlock;
        if (!last || last.blockId !== op.blockId) throw new Error(`ABANDON_BLOCK: block ${op.blockId} is not the last block of inode ${op.fileId}`);
        file.blocks.pop();
        this.#blocks.delete(last.blockId);
        last.file = null;
        return { files: [], blocks: [last] };
      }
      case 'UPDATE_BLOCK': {
        const block = this.#fileBlock(this.#openFile(op.fileId), op.block.blockId);
        block.generationStamp = op.block.generationStamp;
        block.numBytes = op.block.numBytes;
        this.#seen(0, op.block.generationStamp);
        return none();
      }
      case 'CLOSE':
        return this.#close(this.#openFile(op.fileId), op);
      case 'DELETE':
        return this.#delete(op.path, op.mtime);
      case 'RENAME':
        return this.#rename(op.src, op.dst, op.mtime, op.overwrite);
      case 'TIMES': {
        const node = this.#existing(op.path, op.op);
        if (op.mtime >= 0) node.mtime = op.mtime;
        if (op.atime >= 0) node.atime = op.atime;
        return none();
      }
      case 'GENSTAMP':
        this.#seen(0, op.generationStamp);
        return none();
      case 'SET_PERMISSIONS':
        this.#existing(op.path, op.op).mode = op.mode;
        return none();
      case 'SET_OWNER': {
        const node = this.#existing(op.path, op.op);
        if (op.owner !== '') node.owner = op.owner;
        if (op.group !== '') node.group = op.group;
        return none();
      }
      case 'SET_REPLICATION': {
        const node = this.#existing(op.path, op.op);
        if (node.kind !== 'file') throw new Error(`${op.op}: ${op.path} is not a file`);
        node.replication = op.replication;
        return none();
      }
      case 'APPEND': {
        const node = this.#existing(op.path, op.op);
        if (node.kind !== 'file' || node.uc) throw new Error(`${op.op}: ${op.path} is not a closed file`);
        node.uc = { clientName: op.clientName, clientMachine: op.clientMachine };
        const last = node.lastBlock;
        if (!op.newBlock && last && last.numBytes !== node.blockSize) last.state = 'UNDER_CONSTRUCTION';
        return none();
      }
      case 'SET_ACL': {
        const node = this.#existing(op.path, op.op);
        node.mode = op.mode;
        node.acl = op.entries;
        return none();
      }
      case 'SET_XATTRS': {
        this.#existing(op.path, op.op).xattrs = op.xattrs;
        return none();
      }
      case 'REASSIGN_LEASE': {
        const file = this.#openFile(op.fileId);
        file.uc = { clientName: op.newHolder, clientMachine: file.uc!.clientMachine };
        return none();
      }
      case 'TRUNCATE':
        return this.#truncate(op);
      case 'CONCAT':
        return this.#concat(op);
      case 'SET_QUOTA': {
        const node = this.#existing(op.path, op.op);
        if (node.kind !== 'directory') throw new Error(`${op.op}: ${op.path} is not a directory`);
        this.#setQuota(node, op.nsQuota, op.ssQuota, true);
        return none();
      }
      case 'SET_STORAGE_POLICY': {
        // FSDirAttrOp.unprotectedSetStoragePolicy: the file's header, the directory's system xattr
        // (the per-inode xattr limit was checked when the change was made, not on replay)
        const node = this.#existing(op.path, op.op);
        if (node.kind === 'file') node.storagePolicyId = op.policyId;
        else node.xattrs = withDirStoragePolicy(node.xattrs, op.policyId, Infinity);
        return none();
      }
    }
  }

  // ---- quota counts --------------------------------------------------------------------------

  /**
   * INodeDirectory.setQuota: a directory with a quota takes the new values and loses the feature
   * when neither is set (never the root's); one without gets a feature counting its subtree now.
   */
  #setQuota(dir: INodeDirectory, nsQuota: bigint, ssQuota: bigint, count: boolean): void {
    if (dir.quota) {
      dir.quota.nsQuota = nsQuota;
      dir.quota.ssQuota = ssQuota;
      if (!isQuotaSet(dir.quota) && dir !== this.root) dir.quota = null;
      return;
    }
    const u = count ? subtreeUsage(dir) : { ns: 0, ss: 0 };
    dir.quota = { nsQuota, ssQuota, namespace: u.ns, storagespace: u.ss };
  }

  /** FSDirectory.unprotectedUpdateCount: every directory with a quota from `from` up to the root. */
  #addUsage(from: INodeDirectory | null, delta: QuotaDelta): void {
    if (delta.ns === 0 && delta.ss === 0) return;
    for (let d = from; d; d = d.parent) {
      if (!d.quota) continue;
      d.quota.namespace += delta.ns;
      d.quota.storagespace += delta.ss;
    }
  }

  /** Charges the ancestors of `file` the change of its storage space since it was last counted. */
  refreshUsage(file: INodeFile): void {
    const space = fileSpace(file);
    const delta = space - file.accountedSpace;
    if (delta === 0) return;
    file.accountedSpace = space;
    if (file.parent && this.#inodes.get(file.id) === file) this.#addUsage(file.parent, { ns: 0, ss: delta });
  }

  /** Recounts every file's space and every quota directory's use (after a load: counts recomputed, as FSImage.updateCountForQuota). */
  recountQuotas(): void {
    const visit = (dir: INodeDirectory): QuotaDelta => {
      const u = { ns: 1, ss: 0 };
      for (const c of dir.children) {
        if (c.kind === 'file') {
          c.accountedSpace = fileSpace(c);
          u.ns++;
          u.ss += c.accountedSpace;
        } else {
          const cu = visit(c);
          u.ns += cu.ns;
          u.ss += cu.ss;
        }
      }
      if (dir.quota) {
        dir.quota.namespace = u.ns;
        dir.quota.storagespace = u.ss;
      }
      return u;
    };
    visit(this.root);
  }

  #existing(src: string, what: string): INode {
    const node = this.resolveExisting(src);
    if (!node) throw new Error(`${what}: ${src} does not exist`);
    return node;
  }

  /** The inode at `src`, if it exists. */
  resolveExisting(src: string): INode | undefined {
    return lastInode(this.resolve(src));
  }

  #seen(blockId: number, generationStamp: number): void {
    if (blockId > this.lastBlockId) this.lastBlockId = blockId;
    if (generationStamp > this.generationStamp) this.generationStamp = generationStamp;
  }

  #parentOf(src: string): { parent: INodeDirectory; name: string } {
    const r = this.resolve(src);
    const parent = r.inodes[r.inodes.length - 2];
    const name = r.components[r.components.length - 1];
    if (parent?.kind !== 'directory' || name === undefined) throw new Error(`the parent of ${src} is not a directory`);
    if (parent.child(name)) throw new Error(`${src} already exists`);
    return { parent, name };
  }

  #add(parent: INodeDirectory, node: INode, mtime: number): void {
    parent.addChild(node);
    this.#addUsage(parent, subtreeUsage(node));
    parent.mtime = mtime;
    this.#inodes.set(node.id, node);
    if (node.id > this.lastInodeId) this.lastInodeId = node.id;
  }

  #openFile(id: number): INodeFile {
    const file = this.#inodes.get(id);
    if (file?.kind !== 'file' || !file.uc) throw new Error(`inode ${id} is not a file open for writing`);
    return file;
  }

  #fileBlock(file: INodeFile, blockId: number): BlockInfo {
    const block = file.blocks.find((b) => b.blockId === blockId);
    if (!block) throw new Error(`block ${blockId} is not in inode ${file.id}`);
    return block;
  }

  /** commitBlock: the client's length and stamp (the block manager completes it once a finalized replica matches). */
  #commit(block: BlockInfo, numBytes: number, generationStamp: number): void {
    block.numBytes = numBytes;
    block.generationStamp = generationStamp;
    if (block.state === 'UNDER_CONSTRUCTION') block.state = 'COMMITTED';
  }

  #close(file: INodeFile, op: Extract<EditOp, { op: 'CLOSE' }>): Removed {
    const keep = new Map(op.blocks.map((b) => [b.blockId, b]));
    const removed = file.blocks.filter((b) => !keep.has(b.blockId));
    for (const b of removed) {
      this.#blocks.delete(b.blockId);
      b.file = null;
    }
    file.blocks = file.blocks.filter((b) => keep.has(b.blockId));
    for (const b of file.blocks) {
      const r = keep.get(b.blockId)!;
      b.numBytes = r.numBytes;
      b.generationStamp = r.generationStamp;
      b.state = 'COMPLETE';
      b.expected = [];
      b.truncateLength = null;
    }
    file.uc = null;
    file.mtime = op.mtime;
    file.atime = op.atime;
    return { files: [], blocks: removed };
  }

  /**
   * FSDirTruncateOp.unprotectedTruncate (INodeFile.collectBlocksBeyondMax): the file keeps the
   * fewest blocks that hold more than `newLength` bytes (none for 0); the others are removed. Off a
   * block boundary the file goes under construction and its last block is to be cut in place to
   * the truncate block's length (prepareFileForTruncate; convertLastBlockToUnderConstruction: its
   * replicas' storages become its expected locations). The block keeps its stamp and length
   * until the recovery commits them, so the file's length until then counts the whole block.
   */
  #truncate(op: Extract<EditOp, { op: 'TRUNCATE' }>): Removed {
    const file = this.#existing(op.path, op.op);
    if (file.kind !== 'file' || file.uc) throw new Error(`${op.op}: ${op.path} is not a closed file`);
    let kept = 0;
    let size = 0;
    for (; kept < file.blocks.length && op.newLength > size; kept++) size += file.blocks[kept]!.numBytes;
    if (size < op.newLength) throw new Error(`${op.op}: ${op.path} holds ${size} bytes, fewer than ${op.newLength}`);
    const onBoundary = size === op.newLength;
    if (onBoundary !== (op.truncateBlock === undefined)) throw new Error(`${op.op}: a truncate block is given if and only if ${op.newLength} is not on a block boundary of ${op.path}`);
    const removed = file.blocks.splice(kept);
    for (const b of removed) {
      this.#blocks.delete(b.blockId);
      b.file = null;
    }
    file.mtime = op.mtime;
    if (op.truncateBlock) {
      const last = file.lastBlock!;
      const t = op.truncateBlock;
      if (t.blockId !== last.blockId || t.numBytes !== last.numBytes - (size - op.newLength)) throw new Error(`${op.op}: truncate block ${t.blockId} (${t.numBytes} bytes) does not fit the last block of ${op.path}`);
      file.uc = { clientName: op.clientName, clientMachine: op.clientMachine };
      last.state = 'UNDER_CONSTRUCTION';
      last.truncateLength = t.numBytes;
      last.expected = [...last.replicas].map(([storageUuid, r]) => ({ datanodeUuid: r.datanodeUuid, storageUuid }));
      this.#seen(0, t.generationStamp);
    }
    return { files: [], blocks: removed };
  }

  /**
   * FSDirConcatOp.unprotectedConcat with INodeFile.concatBlocks: the sources' blocks, in order, go
   * to the end of the target's list and belong to it (under its replication); the sources leave the
   * directory and the inode map. Their blocks stay (none is deleted), so nothing is returned to remove.
   */
  #concat(op: Extract<EditOp, { op: 'CONCAT' }>): Removed {
    const target = this.#existing(op.target, op.op);
    if (target.kind !== 'file' || target.uc) throw new Error(`${op.op}: ${op.target} is not a closed file`);
    const parent = target.parent!;
    const sources = op.srcs.map((src) => {
      const file = this.#existing(src, op.op);
      if (file.kind !== 'file' || file.uc || file.blocks.length === 0) throw new Error(`${op.op}: ${src} is not a closed file with blocks`);
      if (file.parent !== parent || file === target) throw new Error(`${op.op}: ${src} is not another file in the directory of ${op.target}`);
      return file;
    });
    if (new Set(sources).size !== sources.length) throw new Error(`${op.op}: a source is named twice`);
    for (const file of sources) {
      // the source's name and space leave the counts; its blocks come back below as the target's
      this.#addUsage(parent, { ns: -1, ss: -file.accountedSpace });
      for (const b of file.blocks) {
        b.file = target;
        target.blocks.push(b);
      }
      file.blocks = [];
      parent.removeChild(file);
      this.#inodes.delete(file.id);
    }
    this.refreshUsage(target); // the moved blocks at the target's replication
    target.mtime = op.mtime;
    parent.mtime = op.mtime;
    return none();
  }

  #delete(src: string, mtime: number): Removed {
    const node = this.resolveExisting(src);
    if (!node?.parent) throw new Error(`DELETE: ${src} does not exist or is the root`);
    node.parent.mtime = mtime;
    const u = subtreeUsage(node);
    this.#addUsage(node.parent, { ns: -u.ns, ss: -u.ss });
    node.parent.removeChild(node);
    return this.#forget(node);
  }

  /** Drops a detached subtree from the inode and block maps. */
  #forget(node: INode): Removed {
    const removed = none();
    const stack: INode[] = [node];
    while (stack.length > 0) {
      const n = stack.pop()!;
      this.#inodes.delete(n.id);
      if (n.kind === 'directory') {
        stack.push(...n.children);
        continue;
      }
      removed.files.push(n);
      for (const b of n.blocks) {
        this.#blocks.delete(b.blockId);
        b.file = null;
        removed.blocks.push(b);
      }
    }
    return removed;
  }

  #rename(src: string, dst: string, mtime: number, overwrite: boolean): Removed {
    const node = this.resolveExisting(src);
    if (!node?.parent) throw new Error(`RENAME: ${src} does not exist or is the root`);
    const removed = overwrite && this.resolveExisting(dst) ? this.#delete(dst, mtime) : none();
    const from = node.parent;
    const u = subtreeUsage(node);
    this.#addUsage(from, { ns: -u.ns, ss: -u.ss });
    from.removeChild(node);
    from.mtime = mtime;
    const { parent, name } = this.#parentOf(dst);
    node.name = name;
    parent.addChild(node);
    this.#addUsage(parent, u);
    parent.mtime = mtime;
    return removed;
  }

  // ---- snapshots ---------------------------------------------------------------------------

  /** The whole state as snapshot records: identity and counters, the root, every inode parent-first, the end. */
  snapshotRecords(): Buffer[] {
    const out = [identityRecord(this.identity, this.counters()), inodeRecord({ ...toRecord(this.root), parentId: 0 })];
    if (this.root.acl.length > 0) out.push(aclRecord(this.root.id, this.root.acl));
    if (this.root.xattrs.length > 0) out.push(xattrsRecord(this.root.id, this.root.xattrs));
    const rq = this.root.quota!;
    if (rq.nsQuota !== QUOTA_DONT_SET || rq.ssQuota !== QUOTA_RESET) out.push(quotaRecord(this.root.id, rq.nsQuota, rq.ssQuota));
    let count = 1;
    const stack: INode[] = [...this.root.children].reverse();
    while (stack.length > 0) {
      const n = stack.pop()!;
      out.push(inodeRecord(toRecord(n)));
      if (n.acl.length > 0) out.push(aclRecord(n.id, n.acl));
      if (n.xattrs.length > 0) out.push(xattrsRecord(n.id, n.xattrs));
      if (n.kind === 'directory' && n.quota) out.push(quotaRecord(n.id, n.quota.nsQuota, n.quota.ssQuota));
      if (n.kind === 'file' && n.storagePolicyId !== STORAGE_POLICY_UNSPECIFIED) out.push(storagePolicyRecord(n.id, n.storagePolicyId));
      const truncating = n.kind === 'file' ? n.lastBlock?.truncateLength ?? null : null;
      if (truncating !== null) out.push(truncateBlockRecord(n.id, truncating));
      count++;
      if (n.kind === 'directory') for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
    }
    out.push(snapshotEndRecord(count));
    return out;
  }

  /** Adds one snapshot inode (its parent came earlier; the root's record sets the root's attributes). */
  loadInode(r: InodeRecord): void {
    if (r.id === ROOT_INODE_ID) {
      Object.assign(this.root, { ...r.perm, mtime: r.mtime, atime: r.atime });
      return;
    }
    const parent = this.#inodes.get(r.parentId);
    if (parent?.kind !== 'directory') throw new Error(`inode ${r.id} (${r.name}) has no parent directory ${r.parentId}`);
    if (parent.child(r.name)) throw new Error(`inode ${r.id}: ${parent.path()} already has a child ${r.name}`);
    const base = { id: r.id, name: r.name, ...r.perm, mtime: r.mtime, atime: r.atime };
    let node: INode;
    if (r.kind === 'directory') {
      node = new INodeDirectory(base);
    } else {
      const file = new INodeFile({ ...base, replication: r.replication ?? 0, blockSize: r.blockSize ?? 0, uc: r.uc ?? null });
      const blocks = r.blocks ?? [];
      file.blocks = blocks.map((b, i) => {
        // the last block of an open file is still under construction; every other one is complete
        const state = file.uc && i === blocks.length - 1 ? 'UNDER_CONSTRUCTION' : 'COMPLETE';
        const info = new BlockInfo(b.blockId, b.generationStamp, b.numBytes, state, file);
        this.#blocks.set(b.blockId, info);
        this.#seen(b.blockId, b.generationStamp);
        return info;
      });
      node = file;
    }
    parent.addChild(node);
    this.#inodes.set(node.id, node);
    if (node.id > this.lastInodeId) this.lastInodeId = node.id;
  }

  /** Sets the ACL feature of a snapshot inode loaded just before. */
  loadAcl(id: number, entries: AclEntry[]): void {
    const node = this.#inodes.get(id);
    if (!node) throw new Error(`an ACL for inode ${id}, which is not loaded`);
    node.acl = entries;
  }

  /** Sets the XAttrFeature of a snapshot inode loaded just before. */
  loadXAttrs(id: number, xattrs: XAttr[]): void {
    const node = this.#inodes.get(id);
    if (!node) throw new Error(`xattrs for inode ${id}, which is not loaded`);
    node.xattrs = xattrs;
  }

  /** Sets the quotas of a snapshot directory loaded just before (the counts are recomputed by finishLoad). */
  loadQuota(id: number, nsQuota: bigint, ssQuota: bigint): void {
    const node = this.#inodes.get(id);
    if (node?.kind !== 'directory') throw new Error(`a quota for inode ${id}, which is not a loaded directory`);
    this.#setQuota(node, nsQuota, ssQuota, false);
  }

  /** Sets the storage policy of a snapshot file loaded just before. */
  loadStoragePolicy(id: number, policyId: number): void {
    const node = this.#inodes.get(id);
    if (node?.kind !== 'file') throw new Error(`a storage policy for inode ${id}, which is not a loaded file`);
    node.storagePolicyId = policyId;
  }

  /** Sets the truncate length of the last block of a snapshot file loaded just before (open for the truncate). */
  loadTruncateBlock(id: number, numBytes: number): void {
    const node = this.#inodes.get(id);
    const last = node?.kind === 'file' && node.uc ? node.lastBlock : undefined;
    if (!last) throw new Error(`a truncate block for inode ${id}, which is not a loaded open file with blocks`);
    last.truncateLength = numBytes;
  }

  /**
   * After a load: every block but the last of an open file is complete (FSEditLogLoader
   * force-completes the penultimate block it replays; its replicas come back with block reports).
   */
  finishLoad(): void {
    for (const b of this.#blocks.values()) {
      const file = b.file!;
      if (!file.uc || b !== file.lastBlock) b.state = 'COMPLETE';
    }
    this.recountQuotas();
  }

  restoreCounters(c: NamespaceCounters): void {
    this.lastInodeId = Math.max(this.lastInodeId, c.lastInodeId);
    this.lastBlockId = Math.max(this.lastBlockId, c.lastBlockId);
    this.generationStamp = Math.max(this.generationStamp, c.generationStamp);
  }
}

function toRecord(n: INode): InodeRecord {
  const base = { id: n.id, parentId: n.parent?.id ?? 0, name: n.name, perm: { owner: n.owner, group: n.group, mode: n.mode }, mtime: n.mtime, atime: n.atime };
  if (n.kind === 'directory') return { kind: 'directory', ...base };
  return {
    kind: 'file', ...base, replication: n.replication, blockSize: n.blockSize,
    blocks: n.blocks.map((b) => ({ blockId: b.blockId, generationStamp: b.generationStamp, numBytes: b.numBytes })),
    ...(n.uc ? { uc: { ...n.uc } } : {}),
  };
}
