/**
 * Writing files (Hadoop's FSDirWriteFileOp and the lease parts of FSNamesystem): create with its
 * lease, append (file-append.ts), truncate (file-truncate.ts), addBlock choosing a pipeline and committing the previous block,
 * complete (true only once every block is complete, so a stock client retries while the last
 * block's replica is not yet reported), abandonBlock, fsync, renewLease, the pipeline-recovery
 * calls, recoverLease, and the lease monitor for holders past the hard limit (lease-recovery.ts
 * closes their files or recovers the last block through the DataNodes). Checks, order and messages
 * follow Hadoop; every change goes through the namesystem's `write` + `commit`.
 */
import { getLogger } from '../../lib/log/logger.ts';
import type { CreateRequest, AddBlockRequest, GetAdditionalDatanodeRequest } from '../protocol/client-protocol.ts';
import { CreateFlag } from '../protocol/client-protocol.ts';
import type { DatanodeId, ExtendedBlock, HdfsFileStatus, LocatedBlock } from '../protocol/hdfs-types.ts';
import type { Location } from './blocks/block-manager.ts';
import { chooseTargets } from './blocks/block-placement.ts';
import { FileAppends, type AppendRequest, type AppendResult } from './file-append.ts';
import { FileConcats } from './file-concat.ts';
import { FileTruncates } from './file-truncate.ts';
import type { BlockRecord, EditOp } from './namespace/edit-log.ts';
import { EMPTY_NAME, fileStatus } from './namespace/file-status.ts';
import { lastInode } from './namespace/fs-directory.ts';
import {
  alreadyExists, fileNotFound, fsError, HadoopException, illegalArgument, invalidPath, ioError, leaseExpired,
} from './namespace/fs-errors.ts';
import { blockString, type BlockInfo, type INode, type INodeFile } from './namespace/inode.ts';
import { leaseString } from './namespace/lease-manager.ts';
import { BLOCK_RECOVERY_TIMEOUT_MULTIPLIER, LeaseRecovery, NAMENODE_LEASE_HOLDER, type BlockSynchronization } from './lease-recovery.ts';
import { FsAction } from './namespace/permission-checker.ts';
import { isValidName, joinPath } from './namespace/paths.ts';
import { verifyQuota } from './namespace/quota.ts';
import { effectiveStoragePolicyId, LAZY_PERSIST_POLICY_ID, STORAGE_POLICY_UNSPECIFIED } from './namespace/storage-policy-id.ts';
import { fileOf, type CallerInfo, type FsNamesystem } from './namesystem.ts';
import { isCopyOnCreateFile, policyById, policyByName, requirePolicyByName } from './storage-policies.ts';

const log = getLogger('namenode.writes');

/** Block.matchingIdAndGenStamp. */
function matches(a: ExtendedBlock | undefined, b: BlockInfo | undefined): boolean {
  if (!a || !b) return !a && !b;
  return a.blockId === b.blockId && a.generationStamp === b.generationStamp;
}

/** BlockManager.commitOrCompleteLastBlock while lease recovery holds the block (a writer that was thought gone). */
function underRecovery(commit: ExtendedBlock, path: string): Error {
  return ioError('FS_LEASE', `Commit or complete block ${blockString(commit)}, whereas it is under recovery.`, { path });
}

const record = (b: BlockInfo, numBytes = b.numBytes, generationStamp = b.generationStamp): BlockRecord => ({ blockId: b.blockId, generationStamp, numBytes });

export class FileWrites {
  readonly #ns: FsNamesystem;
  readonly #appends: FileAppends;
  readonly #truncates: FileTruncates;
  readonly #concats: FileConcats;
  readonly #recovery: LeaseRecovery;

  /** `blockRecoveryTimeoutMs`: 30 x dfs.heartbeat.interval (3 s by default). */
  constructor(ns: FsNamesystem, blockRecoveryTimeoutMs = BLOCK_RECOVERY_TIMEOUT_MULTIPLIER * 3000) {
    this.#ns = ns;
    this.#recovery = new LeaseRecovery(ns, blockRecoveryTimeoutMs);
    this.#appends = new FileAppends(ns, (node, src, holder, clientMachine) => this.#recoverLease('APPEND_FILE', node, src, holder, clientMachine));
    this.#truncates = new FileTruncates(ns, this.#recovery);
    this.#concats = new FileConcats(ns);
  }

  // ---- create ---------------------------------------------------------------------------------

  /**
   * FSNamesystem.startFile: the new file's status (empty name), open for writing under
   * `clientName`'s lease. Audited as "create" with the status; a refusal (AccessControlException)
   * as allowed=false, as startFile's catch block does.
   */
  create(req: CreateRequest, caller: CallerInfo): Promise<HdfsFileStatus> {
    const ns: FsNamesystem = this.#ns;
    return ns.write(async () => {
      const { src, clientName } = req;
      let file: INode;
      try {
        if (req.createFlag & CreateFlag.APPEND) {
          throw fsError('FS_UNSUPPORTED', HadoopException.UNSUPPORTED, `create of ${src} with the APPEND flag: a file is appended to with ClientProtocol.append`, { path: src });
        }
        if (req.ecPolicyName) throw illegalArgument(`Erasure coding is not supported by this NameNode: policy ${req.ecPolicyName} for ${src}`, { path: src });
        if (!isValidName(src) || src === '/.reserved' || src.startsWith('/.reserved/')) throw invalidPath(src, src);
        ns.checkNameNodeSafeMode(`Cannot create file${src}`);
        // the server translator reads the uint32 as a Java short: dfs.replication=-3 arrives as 2^32-3 and is -3 again
        const replication = (req.replication << 16) >> 16;
        this.#ns.verifyReplication(src, replication, caller.address);
        if (req.blockSize < ns.settings.minBlockSize) {
          throw ioError('FS_INVALID_ARGUMENT', `Specified block size is less than configured minimum value (dfs.namenode.fs-limits.min-block-size): ${req.blockSize} < ${ns.settings.minBlockSize}`, { path: src });
        }
        const pc = ns.checker(caller);
        const r = ns.resolve(pc, src, true);
        pc.check(r, { ancestor: FsAction.WRITE });
        const overwrite = (req.createFlag & CreateFlag.OVERWRITE) !== 0;
        const existing = lastInode(r);
        if (existing?.kind === 'directory') throw alreadyExists(`${r.path} already exists as a directory`, r.path);
        if (existing) {
          if (overwrite) pc.check(r, { access: FsAction.WRITE });
        } else {
          if (!req.createParent) ns.verifyParentDir(r);
          if (!(req.createFlag & CreateFlag.CREATE)) throw fileNotFound(`Can't overwrite non-existent ${src}`, src);
        }
        if (existing && !overwrite) {
          await this.#recoverLeaseForCreate(existing, r.path, clientName, caller.address);
          throw alreadyExists(`${src} for client ${caller.address} already exists`, src);
        }
        const now = ns.clock.now();
        const last = r.components.length;
        const parentIndex = last - 1;
        const ancestor = r.inodes.slice(0, last).filter(Boolean).pop()!;
        const mode = req.masked.perm & 0o1777;
        // createAncestorDirectories: missing parents get the existing parent's mode with u+wx (addImplicitUwx)
        const parentPerm = { owner: caller.user, group: '', mode: (ancestor.mode & 0o777) | 0o300 };
        const ops: EditOp[] = parentIndex >= 1 && !r.inodes[parentIndex] ? ns.mkdirOps(r, parentIndex, parentPerm, parentPerm, now) : [];
        const parent = r.inodes[parentIndex];
        const group = parent?.kind === 'directory' ? parent.group : ancestor.group;
        if (!existing) ns.verifyLimits(joinPath(r.components, parentIndex), r.components[last - 1]!, parent?.kind === 'directory' ? parent.children.length : 0);
        // FSDirWriteFileOp.addFile, after createAncestorDirectories: a storage policy the create names must exist
        const named = req.storagePolicy ? policyByName(req.storagePolicy) : undefined;
        if (req.storagePolicy && !named) {
          if (ops.length > 0) await ns.commitCreates(r, ns.inheritAcls(ops, undefined), `create of ${r.path}`);
          requirePolicyByName(req.storagePolicy);
        }
        const id = ns.nextInodeIds(ops.length + 1)[ops.length]!;
        ops.push({
          op: 'ADD_FILE', id, path: r.path, perm: { owner: caller.user, group, mode }, mtime: now, replication,
          blockSize: req.blockSize, clientName, clientMachine: caller.address, overwrite: existing !== undefined,
        });
        // FSDirWriteFileOp.startFile: an overwritten file is deleted before the new one is added
        const freed = existing?.kind === 'file' ? { ns: 1, ss: existing.accountedSpace } : undefined;
        const policyId = newFileStoragePolicy(named?.policyId ?? STORAGE_POLICY_UNSPECIFIED, (req.createFlag & CreateFlag.LAZY_PERSIST) !== 0, parent ?? ancestor);
        const withPolicy = policyId === STORAGE_POLICY_UNSPECIFIED ? [] : [{ op: 'SET_STORAGE_POLICY' as const, path: r.path, policyId }];
        await ns.commitCreates(r, [...ns.inheritAcls(ops, req.unmasked), ...withPolicy], `create of ${r.path}`, freed);
        ns.leases.add(clientName, id, now);
        file = ns.fsd.inode(id)!;
      } catch (e) {
        ns.auditRefusal(e, caller, 'create', src);
      }
      ns.audit(caller, 'create', src, file);
      return fileStatus(file, EMPTY_NAME);
    });
  }

  /**
   * recoverLeaseInternal(CREATE_FILE): a file open for writing cannot be created again; once its
   * holder's soft limit has passed the NameNode closes it for them (then the create still fails:
   * the file exists).
   */
  async #recoverLeaseForCreate(node: INodeFile | { kind: 'directory' }, src: string, holder: string, clientMachine: string): Promise<void> {
    if (node.kind !== 'file' || !node.uc) return;
    if (node.uc.clientName === holder) {
      throw fsError('FS_LEASE', HadoopException.ALREADY_BEING_CREATED, `Failed to CREATE_FILE ${src} for ${holder} on ${clientMachine} because current leaseholder is trying to recreate file.`, { path: src });
    }
    await this.#recoverLease('CREATE_FILE', node, src, holder, clientMachine);
  }

  /** recoverLeaseInternal for another client's file (lease-recovery.ts), without force: only past the holder's soft limit. */
  async #recoverLease(op: 'CREATE_FILE' | 'APPEND_FILE', node: INodeFile, src: string, holder: string, clientMachine: string): Promise<void> {
    await this.#recovery.recoverLeaseInternal(op, node, src, holder, clientMachine, false);
  }

  /**
   * ClientProtocol.recoverLease (FSNamesystem.recoverLease): true when the file is closed (already,
   * or now); otherwise block recovery has started, the lease is the caller's, and the client asks
   * again. WRITE on the file is needed; the holder's soft limit does not matter (force). Not audited,
   * as in Hadoop.
   */
  recoverLease(src: string, clientName: string, caller: CallerInfo): Promise<boolean> {
    const ns = this.#ns;
    return ns.write(async () => {
      ns.checkNameNodeSafeMode(`Cannot recover the lease of ${src}`);
      const pc = ns.checker(caller);
      const r = ns.resolve(pc, src, false);
      const file = fileOf(lastInode(r), r.path);
      if (!file.uc) return true;
      pc.check(r, { access: FsAction.WRITE });
      return this.#recovery.recoverLeaseInternal('RECOVER_LEASE', file, r.path, clientName, caller.address, true);
    });
  }

  /** DatanodeProtocol.commitBlockSynchronization (lease-recovery.ts). */
  commitBlockSynchronization(s: BlockSynchronization): Promise<void> {
    return this.#recovery.commitBlockSynchronization(s);
  }

  // ---- append ---------------------------------------------------------------------------------

  /** ClientProtocol.append (file-append.ts). */
  append(req: AppendRequest, caller: CallerInfo): Promise<AppendResult> {
    return this.#appends.append(req, caller);
  }

  // ---- truncate -------------------------------------------------------------------------------

  /** ClientProtocol.truncate (file-truncate.ts): true when closed at the new length now, false while block recovery cuts the last block. */
  truncate(src: string, newLength: number, clientName: string, caller: CallerInfo): Promise<boolean> {
    return this.#truncates.truncate(src, newLength, clientName, caller);
  }

  /** ClientProtocol.concat (file-concat.ts). */
  concat(target: string, srcs: readonly string[], caller: CallerInfo): Promise<void> {
    return this.#concats.concat(target, srcs, caller);
  }

  // ---- blocks ---------------------------------------------------------------------------------

  /**
   * FSNamesystem.checkLease: the file (by inode id when given, as FSDirectory.resolvePath(src,
   * fileId)) must be open for writing by `holder`.
   */
  #checkLease(src: string, fileId: number | undefined, holder: string): { file: INodeFile; path: string } {
    const ns = this.#ns;
    const byId = fileId ? ns.fsd.inode(fileId) : undefined;
    const node = byId ?? (fileId ? undefined : ns.fsd.resolveExisting(src));
    const path = byId ? byId.path() : src;
    const lease = ns.leases.get(holder);
    const context = `${path} (inode ${fileId ?? 0}) ${lease ? leaseString(lease) : `Holder ${holder} does not have any open files.`}`;
    if (!node) throw fileNotFound(`File does not exist: ${context}`, path);
    if (node.kind !== 'file') throw fileNotFound(`Path is not a file: ${context}`, path);
    if (!node.uc) throw leaseExpired(`File is not open for writing: ${context}`, path);
    if (node.uc.clientName !== holder) throw leaseExpired(`Client (=${holder}) is not the lease owner (=${node.uc.clientName}: ${context}`, path);
    return { file: node, path };
  }

  /** getAdditionalBlock: a new block for the file with a WRITE token, after committing `previous`. */
  addBlock(req: AddBlockRequest, caller: CallerInfo): Promise<LocatedBlock> {
    const ns = this.#ns;
    return ns.write(async () => {
      ns.checkNameNodeSafeMode(`Cannot add block to ${req.src}`);
      const { file, path } = this.#checkLease(req.src, req.fileId, req.clientName);
      const blocks = file.blocks;
      const last = file.lastBlock;
      if (!matches(req.previous, last)) {
        const penultimate = blocks[blocks.length - 2];
        if (!req.previous && last && last.numBytes >= file.blockSize && last.complete) {
          // the first block of an append that began at a block boundary: the client has no previous block
          log.debug({ src: path, lastBlock: blockString(last) }, 'BLOCK* allocate: block allocation writing to a file with a complete previous block');
        } else if (last && req.previous && matches(req.previous, penultimate) && last.numBytes === 0 && !last.complete) {
          // an RPC retry of the call that allocated `last` (FSDirWriteFileOp.validateAddBlock): the same block again
          log.info({ src: path, block: blockString(last) }, 'BLOCK* allocate: retry of an addBlock that was already done; returning the same block');
          return ns.blocks.located(last, file.length(true) - last.numBytes, ns.blocks.locations(last), caller.user, 'WRITE');
        } else {
          throw ioError('FS_INVALID_ARGUMENT', `Cannot allocate block in ${path}: passed 'previous' block ${blockString(req.previous)} does not match actual last block in file ${blockString(last)}`, { path });
        }
      }
      if (req.previous && last?.state === 'UNDER_RECOVERY') throw underRecovery(req.previous, path);
      const before = blocks[blocks.length - 2];
      if (before && !before.complete) throw fsError('FS_NOT_REPLICATED_YET', HadoopException.NOT_REPLICATED_YET, `Not replicated yet: ${path}`, { path });
      if (blocks.length >= ns.settings.maxBlocksPerFile) {
        throw ioError('FS_LIMIT', `File has reached the limit on maximum number of blocks (dfs.namenode.fs-limits.max-blocks-per-file): ${blocks.length} >= ${ns.settings.maxBlocksPerFile}`, { path });
      }
      // FSDirWriteFileOp.validateAddBlock: the file's storage policy in force (BlockManager.getStoragePolicy: the default for none)
      const targets = chooseTargets(ns.datanodes.live(), {
        src: path, replication: file.replication, blockSize: file.blockSize, clientAddress: file.uc!.clientMachine,
        ...(req.excludeNodes ? { excludeNodes: req.excludeNodes } : {}), ...(req.favoredNodes ? { favoredNodes: req.favoredNodes } : {}),
        storagePolicy: policyById(effectiveStoragePolicyId(file))!,
      });
      const block = { blockId: ns.fsd.lastBlockId + 1, generationStamp: ns.fsd.generationStamp + 1, numBytes: 0 };
      const previous = req.previous && last ? record(last, req.previous.numBytes ?? 0, req.previous.generationStamp) : undefined;
      await this.#verifyQuotaForNewBlock(file, path, last, previous);
      await ns.commit([{ op: 'ADD_BLOCK', fileId: file.id, ...(previous ? { previous } : {}), block }], `block allocation for ${path}`);
      if (last) ns.blocks.tryComplete(last);
      const info = ns.fsd.block(block.blockId)!;
      info.expected = targets.map((t) => ({ datanodeUuid: t.datanode.uuid, storageUuid: t.storageUuid }));
      log.info({ src: path, block: blockString(block), targets: targets.map((t) => t.datanode.xferAddr) }, 'BLOCK* allocate');
      return ns.blocks.located(info, file.length(true), targets, caller.user, 'WRITE');
    });
  }

  /**
   * FSDirWriteFileOp.addBlock's fsd.updateCount(iip, 0, preferredBlockSize, replication, true): the
   * new block is charged as a whole preferred block. storeAllocatedBlock commits the previous block
   * first (and completes it when a replica already has its length, which corrects its charge to
   * its length: FSDirectory.updateSpaceForCompleteBlock), and that stays when the quota refuses.
   */
  async #verifyQuotaForNewBlock(file: INodeFile, path: string, last: BlockInfo | undefined, previous: BlockRecord | undefined): Promise<void> {
    const ns = this.#ns;
    const completes = last !== undefined && previous !== undefined && !last.complete && [...last.replicas.values()].some((r) => r.numBytes === previous.numBytes && r.generationStamp === previous.generationStamp);
    const corrected = completes ? (previous.numBytes - file.blockSize) * file.replication : 0;
    try {
      verifyQuota(ns.fsd.resolveInode(file).inodes, ns.fsd.resolveInode(file).inodes.length - 1, { ns: 0, ss: file.blockSize * file.replication }, undefined, { ns: 0, ss: corrected });
    } catch (e) {
      if (last && previous && !last.complete) {
        if (last.numBytes !== previous.numBytes || last.generationStamp !== previous.generationStamp) {
          await ns.commit([{ op: 'UPDATE_BLOCK', fileId: file.id, block: previous }], `commit of ${blockString(last)} of ${path}`);
        }
        if (last.state === 'UNDER_CONSTRUCTION') last.state = 'COMMITTED';
        ns.blocks.tryComplete(last);
      }
      throw e;
    }
  }

  /** abandonBlock: drops the file's last block if it is `b` (its pipeline failed). */
  abandonBlock(b: ExtendedBlock, src: string, holder: string, fileId: number | undefined): Promise<void> {
    const ns = this.#ns;
    return ns.write(async () => {
      ns.checkNameNodeSafeMode(`Cannot abandon block ${b.poolId}:${blockString(b)} for file${src}`);
      const { file, path } = this.#checkLease(src, fileId, holder);
      if (file.lastBlock?.blockId !== b.blockId) return;
      await ns.commit([{ op: 'ABANDON_BLOCK', fileId: file.id, blockId: b.blockId }], `abandon of ${blockString(b)} of ${path}`);
      log.info({ src: path, block: blockString(b) }, 'BLOCK* abandonBlock');
    });
  }

  /**
   * completeFile: commits the last block with the client's length; true once every block is
   * complete (the file is then closed and the lease ends), false while a replica is missing. Not
   * audited (FSNamesystem.completeFile writes no audit line).
   */
  complete(src: string, holder: string, last: ExtendedBlock | undefined, fileId: number | undefined): Promise<boolean> {
    const ns = this.#ns;
    return ns.write(async () => {
      ns.checkNameNodeSafeMode(`Cannot complete file ${src}`);
      let checked: { file: INodeFile; path: string };
      try {
        checked = this.#checkLease(src, fileId, holder);
      } catch (e) {
        const node = fileId ? ns.fsd.inode(fileId) : ns.fsd.resolveExisting(src);
        if (node?.kind === 'file' && !node.uc && last && matches(last, node.lastBlock)) {
          log.info({ src, holder }, 'DIR* completeFile: the file is already closed; an RPC retry, returning success');
          return true;
        }
        throw e;
      }
      const { file, path } = checked;
      const blocks = file.blocks;
      const penultimate = blocks[blocks.length - 2];
      if (penultimate && !penultimate.complete) return false; // checkFileProgress(false)
      const tail = file.lastBlock;
      let tailLength = tail?.numBytes ?? 0;
      let tailReady = !tail || tail.complete;
      if (last && tail?.state === 'UNDER_RECOVERY') throw underRecovery(last, path);
      if (last && tail && !tail.complete) {
        // commitOrCompleteLastBlock
        if (tail.blockId !== last.blockId || tail.generationStamp !== last.generationStamp) {
          throw ioError('FS_INVALID_ARGUMENT', `Commit block with mismatching GS. NN has ${blockString(tail)}, client submits ${blockString(last)}`, { path });
        }
        tailLength = last.numBytes ?? 0;
        tailReady = [...tail.replicas.values()].some((r) => r.numBytes === tailLength && r.generationStamp === tail.generationStamp);
        if (!tailReady) {
          if (tail.numBytes !== tailLength) await ns.commit([{ op: 'UPDATE_BLOCK', fileId: file.id, block: record(tail, tailLength) }], `commit of ${blockString(tail)} of ${path}`);
          tail.state = 'COMMITTED';
          return false;
        }
      }
      // checkFileProgress(true): every block complete (the last one as just committed)
      if (!tailReady || blocks.some((b) => b !== tail && !b.complete)) return false;
      // commitOrCompleteLastBlock: pipeline nodes yet to report the last block count as pending replicas
      if (last && tail && !tail.complete) ns.blocks.redundancy.addExpectedReplicasToPending(tail);
      await this.#close(file, path, blocks.map((b) => (b === tail ? record(b, tailLength) : record(b))));
      return true;
    });
  }

  /** finalizeINodeFileUnderConstruction (lease-recovery.ts). */
  #close(file: INodeFile, path: string, blocks: BlockRecord[]): Promise<void> {
    return this.#recovery.finalize(file, path, blocks);
  }

  /** fsync: records the last block's length the client reports (hflush / hsync). */
  fsync(src: string, holder: string, lastBlockLength: number | undefined, fileId: number | undefined): Promise<void> {
    const ns = this.#ns;
    return ns.write(async () => {
      ns.checkNameNodeSafeMode(`Cannot fsync file ${src}`);
      const { file, path } = this.#checkLease(src, fileId, holder);
      const tail = file.lastBlock;
      if (lastBlockLength !== undefined && lastBlockLength > 0 && tail && !tail.complete && tail.numBytes !== lastBlockLength) {
        await ns.commit([{ op: 'UPDATE_BLOCK', fileId: file.id, block: record(tail, lastBlockLength) }], `fsync of ${path}`);
      }
    });
  }

  /** renewLease: a holder without open files has nothing to renew. */
  renewLease(clientName: string): void {
    this.#ns.checkNameNodeSafeMode(`Cannot renew lease for ${clientName}`);
    this.#ns.leases.renew(clientName, this.#ns.clock.now());
  }

  // ---- pipeline recovery ----------------------------------------------------------------------

  /** FSNamesystem.checkUCBlock: the block is the under-construction last block of a file `holder` writes. */
  #checkUCBlock(b: ExtendedBlock, holder: string): { file: INodeFile; block: BlockInfo } {
    const ns = this.#ns;
    const name = `${b.poolId}:${blockString(b)}`;
    const block = ns.fsd.block(b.blockId);
    if (!block) throw ioError('FS_NOT_FOUND', `${name} does not exist.`, { blockId: b.blockId });
    if (block.state !== 'UNDER_CONSTRUCTION') throw ioError('FS_INVALID_ARGUMENT', `Unexpected BlockUCState: ${name} is ${block.state} but not UNDER_CONSTRUCTION`, { blockId: b.blockId });
    const file = block.file;
    if (!file?.uc) throw ioError('FS_NOT_FOUND', `The file ${blockString(block)} belonged to does not exist or it is not under construction.`, { blockId: b.blockId });
    if (file.uc.clientName !== holder) throw leaseExpired(`Lease mismatch: ${name} is accessed by a non lease holder ${holder}`, file.path());
    return { file, block };
  }

  /** updateBlockForPipeline: a new generation stamp (OP_SET_GENSTAMP) and a WRITE token for the block. */
  updateBlockForPipeline(b: ExtendedBlock, clientName: string, caller: CallerInfo): Promise<LocatedBlock> {
    const ns = this.#ns;
    return ns.write(async () => {
      ns.checkNameNodeSafeMode(`Cannot get a new generation stamp and an access token for block ${b.poolId}:${blockString(b)}`);
      const { block } = this.#checkUCBlock(b, clientName);
      const generationStamp = ns.fsd.generationStamp + 1;
      await ns.commit([{ op: 'GENSTAMP', generationStamp }], `generation stamp for ${blockString(b)}`);
      const eb = { poolId: ns.blocks.blockPoolId, blockId: block.blockId, generationStamp, numBytes: b.numBytes ?? 0 };
      const token = ns.blocks.tokens ? ns.blocks.tokens.generateToken(caller.user, eb, ['WRITE']).toProto() : undefined;
      const located = ns.blocks.located(block, -1, [], caller.user, null);
      return { ...located, b: eb, ...(token ? { blockToken: token } : {}) };
    });
  }

  /** updatePipeline: the block's new stamp, length and pipeline after recovery. */
  updatePipeline(req: { clientName: string; oldBlock: ExtendedBlock; newBlock: ExtendedBlock; newNodes?: DatanodeId[]; storageIDs?: string[] }): Promise<void> {
    const ns = this.#ns;
    return ns.write(async () => {
      ns.checkNameNodeSafeMode('Pipeline not updated');
      const { file, block } = this.#checkUCBlock(req.oldBlock, req.clientName);
      const { oldBlock, newBlock } = req;
      if (newBlock.generationStamp <= block.generationStamp) {
        throw ioError('FS_INVALID_ARGUMENT', `Update ${blockString(oldBlock)} but the new block ${blockString(newBlock)} does not have a larger generation stamp than the stored block ${blockString(block)}`, { blockId: block.blockId });
      }
      if ((newBlock.numBytes ?? 0) < block.numBytes) {
        throw ioError('FS_INVALID_ARGUMENT', `Update ${blockString(oldBlock)} (size=${oldBlock.numBytes ?? 0}) to a smaller size block ${blockString(newBlock)} (size=${newBlock.numBytes ?? 0})`, { blockId: block.blockId });
      }
      await ns.commit([{ op: 'UPDATE_BLOCK', fileId: file.id, block: { blockId: block.blockId, generationStamp: newBlock.generationStamp, numBytes: newBlock.numBytes ?? 0 } }], `pipeline update of ${blockString(newBlock)}`);
      for (const [storage, r] of block.replicas) if (r.generationStamp < newBlock.generationStamp) block.replicas.delete(storage);
      const ids = req.storageIDs ?? [];
      block.expected = (req.newNodes ?? []).map((n, i) => ({ datanodeUuid: n.datanodeUuid, storageUuid: ids[i] ?? '' }));
    });
  }

  /** getAdditionalDatanode: the existing pipeline plus new nodes, with a COPY token (replace-datanode-on-failure). */
  getAdditionalDatanode(req: GetAdditionalDatanodeRequest, caller: CallerInfo): LocatedBlock {
    const ns = this.#ns;
    ns.checkNameNodeSafeMode(`Cannot add datanode; src=${req.src}, blk=${req.blk.poolId}:${blockString(req.blk)}`);
    const { file, path } = this.#checkLease(req.src, req.fileId, req.clientName);
    const existing: Location[] = [];
    (req.existings ?? []).forEach((info, i) => {
      const dn = ns.datanodes.get(info.id.datanodeUuid);
      const storageUuid = req.existingStorageUuids?.[i] ?? '';
      if (dn) existing.push({ datanode: dn, storageUuid, storageType: dn.storages.get(storageUuid)?.storageType ?? 'DISK' });
    });
    const added = chooseTargets(ns.datanodes.live(), {
      src: path, replication: req.numAdditionalNodes, blockSize: file.blockSize, clientAddress: file.uc!.clientMachine,
      excludeNodes: [...(req.existings ?? []), ...(req.excludes ?? [])],
      storagePolicy: policyById(effectiveStoragePolicyId(file))!, chosenTypes: existing.map((l) => l.storageType),
    });
    const block = ns.fsd.block(req.blk.blockId);
    if (!block) throw ioError('FS_NOT_FOUND', `${blockString(req.blk)} does not exist.`, { blockId: req.blk.blockId });
    const located = ns.blocks.located(block, -1, [...existing, ...added], caller.user, 'COPY');
    return { ...located, b: req.blk };
  }

  // ---- lease recovery -------------------------------------------------------------------------

  /**
   * LeaseManager.Monitor (checkLeases): the files of holders past the hard limit are closed, or
   * their last block's recovery starts under the NameNode's lease holder; a file that cannot be
   * released now is tried again at the next check. Returns the files closed.
   */
  recoverExpiredLeases(): Promise<number> {
    const ns = this.#ns;
    return ns.write(async () => {
      let closed = 0;
      for (const lease of ns.leases.expired(ns.clock.now())) {
        for (const id of [...lease.files]) {
          const node = ns.fsd.inode(id);
          if (node?.kind !== 'file' || node.uc?.clientName !== lease.holder) {
            ns.leases.remove(lease.holder, id);
            continue;
          }
          const path = node.path();
          try {
            if (await this.#recovery.internalReleaseLease(node, path, NAMENODE_LEASE_HOLDER)) closed++;
          } catch (e) {
            log.warn({ src: path, holder: lease.holder, err: (e as Error).message }, `Cannot release the path ${path} in the lease ${leaseString(lease)}. It will be retried.`);
          }
        }
      }
      return closed;
    });
  }
}

/**
 * The storage policy a new file starts with (FSDirWriteFileOp.addFile and setNewINodeStoragePolicy):
 * the one the create named (0 = none), replaced by LAZY_PERSIST when the LAZY_PERSIST flag is set;
 * without the flag and without its own, a copy-on-create policy (LAZY_PERSIST) the file would
 * inherit from `dir`, its directory (or the nearest existing ancestor its new parents come under),
 * is copied onto it. Any other inherited policy stays the directory's.
 */
export function newFileStoragePolicy(named: number, lazyPersistFlag: boolean, dir: INode): number {
  if (lazyPersistFlag) return LAZY_PERSIST_POLICY_ID;
  const effective = named !== STORAGE_POLICY_UNSPECIFIED ? named : effectiveStoragePolicyId(dir);
  return isCopyOnCreateFile(policyById(effective)) ? effective : named;
}
