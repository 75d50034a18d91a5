/**
 * Space and count queries of a subtree (Hadoop 3.4.1's FSDirStatAndListingOp.getContentSummary /
 * getQuotaUsage behind FSNamesystem, INodeDirectory.computeContentSummary,
 * INodeFile.storagespaceConsumed, PBHelperClient.convert(ContentSummary / QuotaUsage)): what
 * `hdfs dfs -du`, `-count` and `-count -q` print.
 *
 * getContentSummary checks READ_EXECUTE on each directory as it counts it (depth first, children
 * in name order: ContentSummaryComputationContext.checkPermission, HDFS-12130), after the
 * traverse check. Space consumed is each block's length times the file's replication, a block
 * still being written counted as a full preferred block (INodeFile.storagespaceConsumedContiguous).
 * hsec has no quotas, storage policies, snapshots or erasure coding, so every inode answers as an
 * inode without a quota (-1) except the root, which Hadoop always gives a namespace quota of
 * Long.MAX_VALUE and no space quota (FSDirectory.createRoot, DirectoryWithQuotaFeature defaults);
 * the per-storage-type list is absent (Hadoop sends it only when a type quota or a type's use is
 * set, and type use is counted only under a storage policy); the snapshot counts are 0; the erasure
 * coding policy is "Replicated" for a file and "" for a directory
 * (ContentSummaryComputationContext.getErasureCodingPolicyName).
 *
 * getQuotaUsage checks READ_EXECUTE on every directory of the subtree first (checkPermission with
 * subAccess); a directory with a quota (here only the root) answers from its quota counts, any
 * other path falls back to the content summary. Both audit their call ("contentSummary",
 * "quotaUsage") and a refusal as allowed=false.
 */
import { AccessControlError } from '../../lib/errors/index.ts';
import type { ContentSummary, QuotaUsage } from '../protocol/client-protocol.ts';
import { lastInode, type ResolvedPath } from './namespace/fs-directory.ts';
import { fileNotFound } from './namespace/fs-errors.ts';
import type { INode, INodeFile } from './namespace/inode.ts';
import { FsAction, type PermissionChecker } from './namespace/permission-checker.ts';
import type { CallerInfo, FsNamesystem } from './namesystem.ts';

/** HdfsConstants.QUOTA_RESET: no quota. */
const NO_QUOTA = -1;
/** DirectoryWithQuotaFeature.DEFAULT_NAMESPACE_QUOTA (Long.MAX_VALUE), the root's namespace quota. */
const ROOT_NAMESPACE_QUOTA = 9_223_372_036_854_775_807n;
/** ErasureCodeConstants.REPLICATION_POLICY_NAME as a file's content summary names it. */
const REPLICATED = 'Replicated';

interface Counts {
  length: number;
  files: number;
  directories: number;
  space: number;
}

export class ContentSummaries {
  readonly #ns: FsNamesystem;

  constructor(ns: FsNamesystem) {
    this.#ns = ns;
  }

  /** FSNamesystem.getContentSummary. */
  getContentSummary(src: string, caller: CallerInfo): ContentSummary {
    return this.#audited('contentSummary', src, caller, (pc) => {
      const r = this.#ns.resolve(pc, src, false);
      return this.#summary(pc, r);
    });
  }

  /** FSNamesystem.getQuotaUsage. */
  getQuotaUsage(src: string, caller: CallerInfo): QuotaUsage {
    return this.#audited('quotaUsage', src, caller, (pc) => {
      const r = this.#ns.resolve(pc, src, false);
      pc.check(r, { subtree: FsAction.READ_EXECUTE });
      const node = lastInode(r);
      if (!node) throw fileNotFound(`File/Directory does not exist: ${r.path}`, r.path);
      if (node === this.#ns.fsd.root) {
        const c = this.#count(pc, node, r.path, false);
        return { fileAndDirectoryCount: c.files + c.directories, quota: ROOT_NAMESPACE_QUOTA, spaceConsumed: c.space, spaceQuota: NO_QUOTA };
      }
      const s = this.#summary(pc, r);
      return { fileAndDirectoryCount: s.fileCount + s.directoryCount, quota: s.quota, spaceConsumed: s.spaceConsumed, spaceQuota: s.spaceQuota };
    });
  }

  /** getContentSummaryInt + INode.computeAndConvertContentSummary. */
  #summary(pc: PermissionChecker, r: ResolvedPath): ContentSummary {
    const node = lastInode(r);
    if (!node) throw fileNotFound(`File does not exist: ${r.path}`, r.path);
    const c = this.#count(pc, node, r.path, true);
    return {
      length: c.length, fileCount: c.files, directoryCount: c.directories,
      quota: node === this.#ns.fsd.root ? ROOT_NAMESPACE_QUOTA : NO_QUOTA,
      spaceConsumed: c.space, spaceQuota: NO_QUOTA,
      snapshotLength: 0, snapshotFileCount: 0, snapshotDirectoryCount: 0, snapshotSpaceConsumed: 0,
      erasureCodingPolicy: node.kind === 'file' ? REPLICATED : '',
    };
  }

  /** computeContentSummary: depth first, each directory checked (`check`) before its children are counted. */
  #count(pc: PermissionChecker, root: INode, rootPath: string, check: boolean): Counts {
    const c: Counts = { length: 0, files: 0, directories: 0, space: 0 };
    const visit = (node: INode, path: string): void => {
      if (node.kind === 'file') {
        c.files++;
        c.length += node.length(true);
        c.space += spaceConsumed(node);
        return;
      }
      if (check) pc.checkInode(node, path, FsAction.READ_EXECUTE);
      for (const child of node.children) visit(child, path === '/' ? `/${child.name}` : `${path}/${child.name}`);
      c.directories++;
    };
    visit(root, rootPath);
    return c;
  }

  #audited<T>(cmd: string, src: string, caller: CallerInfo, fn: (pc: PermissionChecker) => T): T {
    const ns = this.#ns;
    try {
      const result = fn(ns.checker(caller));
      ns.audit(caller, cmd, src);
      return result;
    } catch (e) {
      if (e instanceof AccessControlError) ns.auditDenied(caller, cmd, src);
      throw e;
    }
  }
}

/** INodeFile.storagespaceConsumedContiguous: complete blocks by length, a block being written as a full preferred block, times the replication. */
function spaceConsumed(file: INodeFile): number {
  let bytes = 0;
  for (const b of file.blocks) bytes += b.complete ? b.numBytes : file.blockSize;
  return bytes * file.replication;
}
