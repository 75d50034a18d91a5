/**
 * HdfsFileStatus as a stock client reads it (FSDirStatAndListingOp.createFileStatus and
 * PBHelperClient.convert(HdfsFileStatus)): file type, the name (empty for getFileInfo and create,
 * the local name in listings), length (the sum of the blocks, an incomplete last block included),
 * permission, owner, group, times, and for files the replication and preferred block size; always
 * the inode id as fileId, childrenNum (a directory's children, 0 for a file), storagePolicy the
 * inode's effective policy id (its own, else the nearest ancestor's, 0 when none is set: getFileInfo's
 * node.getStoragePolicyID(), a listing's getStoragePolicyID(child's own, the directory's)) and flags HAS_ACL for an inode with an ACL feature (no encryption, erasure coding or
 * snapshots), as Hadoop writes them; the permission of such an inode also carries the ACL bit (bit
 * 12) of FsPermissionExtension.toExtendedShort, which older clients read instead of the flags. A
 * file under construction reports its current length.
 */
import { HdfsFileStatusFlags, type HdfsFileStatus, type LocatedBlocks } from '../../protocol/hdfs-types.ts';
import type { INode } from './inode.ts';
import { effectiveStoragePolicyId } from './storage-policy-id.ts';

export const EMPTY_NAME = new Uint8Array(0);

/** FsPermissionExtension.ACL_BIT (1 << 12). */
const ACL_BIT = 1 << 12;

export function fileStatus(node: INode, name: Uint8Array, locations?: LocatedBlocks): HdfsFileStatus {
  const common = {
    path: name,
    permission: { perm: node.acl.length > 0 ? node.mode | ACL_BIT : node.mode },
    owner: node.owner,
    group: node.group,
    modification_time: node.mtime,
    access_time: node.atime,
    fileId: node.id,
    storagePolicy: effectiveStoragePolicyId(node),
    flags: node.acl.length > 0 ? HdfsFileStatusFlags.HAS_ACL : 0,
  };
  if (node.kind === 'directory') {
    return { fileType: 'IS_DIR', ...common, length: 0, block_replication: 0, blocksize: 0, childrenNum: node.children.length };
  }
  return {
    fileType: 'IS_FILE', ...common, length: node.length(true), block_replication: node.replication, blocksize: node.blockSize, childrenNum: 0,
    ...(locations ? { locations } : {}),
  };
}
