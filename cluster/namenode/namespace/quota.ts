/**
 * Directory quotas (Hadoop 3.4.1's DirectoryWithQuotaFeature, Quota.isViolated,
 * FSDirectory.verifyQuota and INodeFile.storagespaceConsumedContiguous): a directory with a quota
 * keeps its namespace and storage-space quotas and the counts of its subtree (itself included:
 * a new quota directory counts 1 name), kept current by FsDirectory as the tree changes and
 * recomputed when a namespace is loaded. A file's storage space is its blocks' lengths times its
 * replication, every block not yet complete (under construction, committed, under recovery)
 * counted as a whole preferred block, as INodeFile.storagespaceConsumedContiguous does: a new
 * block is charged in full at addBlock and corrected to its length when it completes
 * (FSDirectory.updateSpaceForCompleteBlock), not when it is committed. Quotas are Java longs: bigint, so Long.MAX_VALUE (the root's
 * namespace quota, QUOTA_DONT_SET) stays exact; counts are numbers.
 *
 * `verifyQuota` checks the quota directories along a path from the deepest up, as
 * FSDirectory.verifyQuota does, and throws NSQuotaExceededException or DSQuotaExceededException
 * with the directory's path and Hadoop's message.
 */
import type { FileSystemError } from '../../../lib/errors/index.ts';
import { long2String } from '../../../lib/text/java-format.ts';
import { fsError, HadoopException } from './fs-errors.ts';
import type { INode, INodeDirectory, INodeFile } from './inode.ts';
import { QUOTA_DONT_SET, QUOTA_RESET } from '../../protocol/hdfs-types.ts';

export { QUOTA_DONT_SET, QUOTA_RESET };

/** DirectoryWithQuotaFeature: the quotas (-1 = none) and what the subtree uses. */
export interface DirectoryQuota {
  nsQuota: bigint;
  ssQuota: bigint;
  /** names in the subtree, the directory itself included */
  namespace: number;
  /** bytes times replication */
  storagespace: number;
}

/** A change of use: names and storage space. */
export interface QuotaDelta {
  ns: number;
  ss: number;
}

/**
 * INodeFile.storagespaceConsumedContiguous: each block's length, or the preferred block size for
 * a block not complete (not only the last: a committed block whose replicas are not yet reported
 * stays charged in full), times the replication.
 */
export function fileSpace(file: INodeFile): number {
  let bytes = 0;
  for (const b of file.blocks) bytes += b.complete ? b.numBytes : file.blockSize;
  return bytes * file.replication;
}

/**
 * INodeFile.computeFileSize(true, true): each block's length, the last one counted at the preferred
 * block size while it is not complete (a committed block before it counts its length).
 */
export function fileSizeWithLastUcBlock(file: INodeFile): number {
  let bytes = 0;
  file.blocks.forEach((b, i) => (bytes += i === file.blocks.length - 1 && !b.complete ? file.blockSize : b.numBytes));
  return bytes;
}

/** INode.computeQuotaUsage: names and storage space of a subtree as the quota counts see them. */
export function subtreeUsage(node: INode): QuotaDelta {
  const u = { ns: 0, ss: 0 };
  const stack: INode[] = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    u.ns++;
    if (n.kind === 'file') u.ss += n.accountedSpace;
    else stack.push(...n.children);
  }
  return u;
}

/** Quota.isViolated: a quota is set, the use grows, and the result would pass the quota. */
export function isViolated(quota: bigint, usage: number, delta: number): boolean {
  return quota >= 0n && delta > 0 && BigInt(usage) > quota - BigInt(delta);
}

/** DirectoryWithQuotaFeature.isQuotaSet (the root always keeps its feature). */
export function isQuotaSet(q: { nsQuota: bigint; ssQuota: bigint }): boolean {
  return q.nsQuota >= 0n || q.ssQuota >= 0n;
}

/** NSQuotaExceededException.getMessage with the path set (FSDirectory.verifyQuota's setPathName). */
export function nsQuotaExceeded(path: string, quota: bigint, count: number): FileSystemError {
  return fsError('FS_QUOTA', HadoopException.NS_QUOTA_EXCEEDED,
    `The NameSpace quota (directories and files) of directory ${path} is exceeded: quota=${quota} file count=${count}`, { path });
}

/** DSQuotaExceededException.getMessage with the path set. */
export function dsQuotaExceeded(path: string, quota: bigint, count: number): FileSystemError {
  return fsError('FS_QUOTA', HadoopException.DS_QUOTA_EXCEEDED,
    `The DiskSpace quota of ${path} is exceeded: quota = ${quota} B = ${long2String(quota, 'B', 2)} but diskspace consumed = ${count} B = ${long2String(count, 'B', 2)}`, { path });
}

/** DirectoryWithQuotaFeature.verifyQuota: the namespace first, then the storage space; `extra` is use not yet counted. */
export function verifyDirectoryQuota(dir: INodeDirectory, delta: QuotaDelta, extra: QuotaDelta = { ns: 0, ss: 0 }): void {
  const q = dir.quota;
  if (!q) return;
  const ns = q.namespace + extra.ns;
  const ss = q.storagespace + extra.ss;
  if (isViolated(q.nsQuota, ns, delta.ns)) throw nsQuotaExceeded(dir.path(), q.nsQuota, ns + delta.ns);
  if (isViolated(q.ssQuota, ss, delta.ss)) throw dsQuotaExceeded(dir.path(), q.ssQuota, ss + delta.ss);
}

/**
 * FSDirectory.verifyQuota(iip, pos, deltas, commonAncestor): the directories `inodes[0..pos)`
 * from the deepest up, stopping at `commonAncestor` (a rename within it changes nothing there);
 * nothing to check when neither count grows. `extra` is use of earlier steps of the same call not
 * yet applied (the parents a mkdirs creates before the last directory).
 */
export function verifyQuota(inodes: readonly (INode | undefined)[], pos: number, delta: QuotaDelta, commonAncestor?: INode, extra?: QuotaDelta): void {
  if (delta.ns <= 0 && delta.ss <= 0) return;
  for (let i = Math.min(pos, inodes.length) - 1; i >= 0; i--) {
    const node = inodes[i];
    if (commonAncestor && node === commonAncestor) return;
    if (node?.kind === 'directory') verifyDirectoryQuota(node, delta, extra);
  }
}
