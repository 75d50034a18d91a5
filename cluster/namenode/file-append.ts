/**
 * ClientProtocol.append (Hadoop's FSNamesystem.appendFile and FSDirAppendOp.appendFile /
 * prepareFileForAppend): a closed file goes back under construction under the caller's lease
 * (OP_APPEND). Without NEW_BLOCK a last block shorter than the block size is returned with its
 * offset, its replicas' locations and a WRITE token, and is under construction again
 * (BlockManager.convertLastBlockToUnderConstruction); the client then takes a new generation stamp
 * (updateBlockForPipeline), writes the block with PIPELINE_SETUP_APPEND and records the stamp
 * (updatePipeline). A full last block or an empty file gives no block: the client calls addBlock.
 * With NEW_BLOCK the last block comes back without locations or token, as addBlock's `previous`.
 * Checks in Hadoop's order, with its exception classes and messages; a file under the LAZY_PERSIST
 * storage policy (its own or inherited) is refused ("Cannot append to lazy persist file /p").
 */
import { AccessControlError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import { CreateFlag } from '../protocol/client-protocol.ts';
import { EMPTY_TOKEN, type HdfsFileStatus, type LocatedBlock } from '../protocol/hdfs-types.ts';
import { MIN_REPLICATION } from './blocks/block-placement.ts';
import { EMPTY_NAME, fileStatus } from './namespace/file-status.ts';
import { lastInode } from './namespace/fs-directory.ts';
import { alreadyExists, fileNotFound, fsError, HadoopException, invalidPath, ioError } from './namespace/fs-errors.ts';
import { blockString, type INodeFile } from './namespace/inode.ts';
import { FsAction } from './namespace/permission-checker.ts';
import { effectiveStoragePolicyId, LAZY_PERSIST_POLICY_ID } from './namespace/storage-policy-id.ts';
import { isValidName } from './namespace/paths.ts';
import { verifyQuota } from './namespace/quota.ts';
import type { CallerInfo, FsNamesystem } from './namesystem.ts';

const log = getLogger('namenode.writes');

export interface AppendRequest {
  src: string;
  clientName: string;
  /** CreateFlag bits; absent = APPEND alone (the server translator's default) */
  flag?: number;
}

export interface AppendResult {
  /** the partial last block to write again, or (NEW_BLOCK) the last block as addBlock's previous */
  block?: LocatedBlock;
  /** the file's status (getFileInfo) */
  stat: HdfsFileStatus;
}

/** recoverLeaseInternal(APPEND_FILE) for a file another client holds (file-writes.ts). */
export type RecoverLease = (node: INodeFile, src: string, holder: string, clientMachine: string) => Promise<void>;

export class FileAppends {
  readonly #ns: FsNamesystem;
  readonly #recoverLease: RecoverLease;

  constructor(ns: FsNamesystem, recoverLease: RecoverLease) {
    this.#ns = ns;
    this.#recoverLease = recoverLease;
  }

  append(req: AppendRequest, caller: CallerInfo): Promise<AppendResult> {
    const ns = this.#ns;
    if (!ns.settings.supportAppends) {
      return Promise.reject(fsError('FS_UNSUPPORTED', HadoopException.UNSUPPORTED, 'Append is not enabled on this NameNode. Use the dfs.support.append configuration option to enable it.', { path: req.src }));
    }
    const newBlock = ((req.flag ?? CreateFlag.APPEND) & CreateFlag.NEW_BLOCK) !== 0;
    return ns.write(async () => {
      const { src, clientName } = req;
      ns.checkNameNodeSafeMode(`Cannot append to file${src}`);
      try {
        if (!isValidName(src)) throw invalidPath(src, src);
        const pc = ns.checker(caller);
        const r = ns.resolve(pc, src, false);
        const node = lastInode(r);
        if (node?.kind === 'directory') throw alreadyExists(`Cannot append to directory ${r.path}; already exists as a directory.`, r.path);
        pc.check(r, { access: FsAction.WRITE });
        if (!node) throw fileNotFound(`Failed to append to non-existent file ${r.path} for client ${caller.address}`, r.path);
        // FSDirAppendOp.prepareFileForAppend: a file whose effective policy is LAZY_PERSIST takes no append
        if (effectiveStoragePolicyId(node) === LAZY_PERSIST_POLICY_ID) throw fsError('FS_UNSUPPORTED', HadoopException.UNSUPPORTED, `Cannot append to lazy persist file ${r.path}`, { path: r.path });
        if (node.uc) {
          if (ns.leases.get(clientName)?.files.has(node.id)) {
            throw fsError('FS_LEASE', HadoopException.ALREADY_BEING_CREATED, `Failed to APPEND_FILE ${r.path} for ${clientName} on ${caller.address} because ${clientName} is already the current lease holder.`, { path: r.path });
          }
          await this.#recoverLease(node, r.path, clientName, caller.address);
        }
        // Hadoop's COMMITTED-but-not-COMPLETE refusal cannot arise: hsec closes a file only with complete blocks
        const last = node.lastBlock;
        if (last?.complete && ns.blocks.locations(last).length < Math.min(MIN_REPLICATION, node.replication)) {
          throw ioError('FS_NOT_REPLICATED_YET', `append: lastBlock=${blockString(last)} of src=${r.path} is not sufficiently replicated yet.`, { path: r.path });
        }
        const block = await this.#prepareFileForAppend(node, r.path, clientName, caller, newBlock);
        ns.audit(caller, 'append', src);
        return { ...(block ? { block } : {}), stat: fileStatus(node, EMPTY_NAME) };
      } catch (e) {
        log.warn({ src, holder: clientName, err: (e as Error).message }, 'DIR* NameSystem.append refused');
        // FSNamesystem.appendFile: logAuditEvent(false, "append", srcArg) for an AccessControlException
        if (e instanceof AccessControlError) ns.auditDenied(caller, 'append', src);
        throw e;
      }
    });
  }

  /** FSDirAppendOp.prepareFileForAppend: OP_APPEND, the lease, and the block to return. */
  async #prepareFileForAppend(file: INodeFile, path: string, clientName: string, caller: CallerInfo, newBlock: boolean): Promise<LocatedBlock | undefined> {
    const ns = this.#ns;
    const last = file.lastBlock;
    // convertLastBlockToUnderConstruction: the storages of the finalized replicas become the pipeline
    const reopen = !newBlock && last !== undefined && last.numBytes !== file.blockSize;
    // verifyQuotaForUCBlock (computeQuotaDeltaForUCBlock): the last block may grow to a whole preferred block
    if (last) {
      const inodes = ns.fsd.resolveInode(file).inodes;
      verifyQuota(inodes, inodes.length - 1, { ns: 0, ss: (file.blockSize - last.numBytes) * file.replication });
    }
    const locations = reopen ? ns.blocks.locations(last) : [];
    await ns.commit([{ op: 'APPEND', path, clientName, clientMachine: caller.address, newBlock }], `append to ${path}`);
    ns.leases.add(clientName, file.id, ns.clock.now());
    if (!last) return undefined;
    // new LocatedBlock(blk, new DatanodeInfo[0]): start offset unknown (-1), no locations, an empty token
    if (newBlock) return { ...ns.blocks.located(last, -1, [], caller.user, null), blockToken: EMPTY_TOKEN };
    if (!reopen) return undefined;
    last.expected = locations.map((l) => ({ datanodeUuid: l.datanode.uuid, storageUuid: l.storageUuid }));
    log.info({ src: path, block: blockString(last), holder: clientName, locations: locations.map((l) => l.datanode.xferAddr) }, 'DIR* NameSystem.appendFile: the last block is under construction again');
    return ns.blocks.located(last, file.length() - last.numBytes, locations, caller.user, 'WRITE');
  }
}
