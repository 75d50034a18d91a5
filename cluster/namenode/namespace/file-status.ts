/**
 * HdfsFileStatus as a stock client reads it (FSDirStatAndListingOp.createFileStatus and
 * PBHelperClient.convert(HdfsFileStatus)): file type, the name (empty for getFileInfo and create,
 * the local name in listings), length (the sum of the blocks, an incomplete last block included),
 * permission, owner, group, times, and for files the replication and preferred block size; always
 * the inode id as fileId, childrenNum (a directory's children, 0 for a file), storagePolicy 0
 * (unspecified) and flags 0 (no ACL, encryption, erasure coding or snapshots), as Hadoop writes
 * them. A file under construction reports its current length.
 */
import type { HdfsFileStatus, LocatedBlocks } from '../../protocol/hdfs-types.ts';
import type { INode } from './inode.ts';

export const EMPTY_NAME = new Uint8Array(0);

export function fileStatus(node: INode, name: Uint8Array, locations?: LocatedBlocks): HdfsFileStatus {
  const common = {
    path: name,
    permission: { perm: node.mode },
    owner: node.owner,
    group: node.group,
    modification_time: node.mtime,
    access_time: node.atime,
    fileId: node.id,
    storagePolicy: 0,
    flags: 0,
  };
  if (node.kind === 'directory') {
    return { fileType: 'IS_DIR', ...common, length: 0, block_replication: 0, blocksize: 0, childrenNum: node.children.length };
  }
  return {
    fileType: 'IS_FILE', ...common, length: node.length(true), block_replication: node.replication, blocksize: node.blockSize, childrenNum: 0,
    ...(locations ? { locations } : {}),
  };
}
