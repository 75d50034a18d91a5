/**
 * What a caller sees of a file or directory: HdfsFileStatusProto as a plain object with readable
 * names (Hadoop's FileStatus / HdfsFileStatus getters), and the permission as a number and in
 * `ls` form (FsPermission.toString: `rwxr-xr-x`, with the sticky bit as `t`/`T`).
 */
import { HdfsFileStatusFlags, type HdfsFileStatus } from '../protocol/hdfs-types.ts';

export interface FileStatus {
  /** The full path. */
  readonly path: string;
  readonly type: 'file' | 'directory' | 'symlink';
  /** Bytes (0 for a directory). */
  readonly length: number;
  readonly owner: string;
  readonly group: string;
  /** Mode bits, e.g. 0o644. */
  readonly permission: number;
  /** ms since the epoch. */
  readonly modificationTime: number;
  readonly accessTime: number;
  /** Replication factor (0 for a directory). */
  readonly replication: number;
  /** Block size, bytes (0 for a directory). */
  readonly blockSize: number;
  /** The inode id (HdfsFileStatus.getFileId). */
  readonly fileId: number;
  /** Entries of a directory (-1 when unknown). */
  readonly childrenNum: number;
  /** The link target of a symlink. */
  readonly symlink?: string;
  /** True when the path has an ACL beyond its permission bits (FileStatus.hasAcl: `+` after the bits in -ls). */
  readonly hasAcl?: boolean;
  /**
   * HdfsFileStatus.getStoragePolicy: the id of the block storage policy in force (set on the path
   * or the nearest ancestor); absent when none is (0, BLOCK_STORAGE_POLICY_ID_UNSPECIFIED).
   */
  readonly storagePolicy?: number;
}

const text = (b: Uint8Array | undefined): string => (b ? Buffer.from(b).toString('utf8') : '');

/** The FileStatus of `status`, found at `path` (getFileInfo answers without the name; listings with the local name only). */
export function toFileStatus(status: HdfsFileStatus, path: string): FileStatus {
  return {
    path,
    type: status.fileType === 'IS_DIR' ? 'directory' : status.fileType === 'IS_SYMLINK' ? 'symlink' : 'file',
    length: status.length,
    owner: status.owner,
    group: status.group,
    permission: status.permission.perm & 0o7777,
    modificationTime: status.modification_time,
    accessTime: status.access_time,
    replication: status.block_replication ?? 0,
    blockSize: status.blocksize ?? 0,
    fileId: status.fileId ?? 0,
    childrenNum: status.childrenNum ?? -1,
    ...(status.symlink ? { symlink: text(status.symlink) } : {}),
    ...(hasAcl(status) ? { hasAcl: true } : {}),
    ...(status.storagePolicy ? { storagePolicy: status.storagePolicy } : {}),
  };
}

/**
 * PBHelperClient.convertFlags: HdfsFileStatusProto.flags when the server sent them (Hadoop 3), else
 * the ACL bit of the permission's extended short (FsPermissionExtension, bit 12) of older servers.
 */
function hasAcl(status: HdfsFileStatus): boolean {
  return status.flags !== undefined ? (status.flags & HdfsFileStatusFlags.HAS_ACL) !== 0 : (status.permission.perm & 0x1000) !== 0;
}

/** FsPermission.toString: nine rwx letters, the sticky bit as t (with x) or T. */
export function permissionString(mode: number): string {
  const rwx = (bits: number) => `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${bits & 1 ? 'x' : '-'}`;
  let s = `${rwx((mode >> 6) & 7)}${rwx((mode >> 3) & 7)}${rwx(mode & 7)}`;
  if (mode & 0o1000) s = s.slice(0, 8) + (mode & 1 ? 't' : 'T');
  return s;
}
