/**
 * The refusals of the namespace and block operations as typed FileSystemErrors carrying the Java
 * class a stock Hadoop client rebuilds (RemoteException.unwrapRemoteException in DFSClient: it maps
 * FileNotFoundException, FileAlreadyExistsException, ParentNotDirectoryException, AccessControlException,
 * ... back to their types). Messages follow Hadoop's (FSDirectory, FSDir*Op, FSNamesystem,
 * FSPermissionChecker, NameNodeRpcServer); paths and inode ids travel in details.
 */
import { AccessControlError, FileSystemError, type ErrorDetails, type FileSystemErrorCode } from '../../../lib/errors/index.ts';

/** Hadoop exception classes the NameNode raises. */
export const HadoopException = {
  FILE_NOT_FOUND: 'java.io.FileNotFoundException',
  FILE_ALREADY_EXISTS: 'org.apache.hadoop.fs.FileAlreadyExistsException',
  PARENT_NOT_DIRECTORY: 'org.apache.hadoop.fs.ParentNotDirectoryException',
  PATH_IS_NOT_EMPTY_DIRECTORY: 'org.apache.hadoop.fs.PathIsNotEmptyDirectoryException',
  INVALID_PATH: 'org.apache.hadoop.fs.InvalidPathException',
  PATH_COMPONENT_TOO_LONG: 'org.apache.hadoop.hdfs.protocol.FSLimitException$PathComponentTooLongException',
  MAX_DIRECTORY_ITEMS: 'org.apache.hadoop.hdfs.protocol.FSLimitException$MaxDirectoryItemsExceededException',
  LEASE_EXPIRED: 'org.apache.hadoop.hdfs.server.namenode.LeaseExpiredException',
  NOT_REPLICATED_YET: 'org.apache.hadoop.hdfs.server.namenode.NotReplicatedYetException',
  ALREADY_BEING_CREATED: 'org.apache.hadoop.hdfs.protocol.AlreadyBeingCreatedException',
  RECOVERY_IN_PROGRESS: 'org.apache.hadoop.hdfs.protocol.RecoveryInProgressException',
  ACCESS_CONTROL: 'org.apache.hadoop.security.AccessControlException',
  ACL: 'org.apache.hadoop.hdfs.protocol.AclException',
  XATTR_NOT_FOUND: 'org.apache.hadoop.hdfs.protocol.XAttrNotFoundException',
  ILLEGAL_ARGUMENT: 'org.apache.hadoop.HadoopIllegalArgumentException',
  UNSUPPORTED: 'java.lang.UnsupportedOperationException',
  /** java.lang's, not Hadoop's own (Guava's Preconditions.checkArgument, FSDirAttrOp.unprotectedSetQuota) */
  JAVA_ILLEGAL_ARGUMENT: 'java.lang.IllegalArgumentException',
  IO: 'java.io.IOException',
  /** org.apache.hadoop.fs.InvalidRequestException: a cache pool or directive request the CacheManager refuses */
  INVALID_REQUEST: 'org.apache.hadoop.fs.InvalidRequestException',
  UNREGISTERED_NODE: 'org.apache.hadoop.hdfs.protocol.UnregisteredNodeException',
  INCORRECT_VERSION: 'org.apache.hadoop.hdfs.server.common.IncorrectVersionException',
  DISALLOWED_DATANODE: 'org.apache.hadoop.hdfs.server.protocol.DisallowedDatanodeException',
  INVALID_BLOCK_REPORT_LEASE: 'org.apache.hadoop.hdfs.server.protocol.InvalidBlockReportLeaseException',
  SAFE_MODE: 'org.apache.hadoop.hdfs.server.namenode.SafeModeException',
  NS_QUOTA_EXCEEDED: 'org.apache.hadoop.hdfs.protocol.NSQuotaExceededException',
  DS_QUOTA_EXCEEDED: 'org.apache.hadoop.hdfs.protocol.DSQuotaExceededException',
  PATH_IS_NOT_DIRECTORY: 'org.apache.hadoop.fs.PathIsNotDirectoryException',
  UNSUPPORTED_ACTION: 'org.apache.hadoop.hdfs.protocol.UnsupportedActionException',
  SNAPSHOT: 'org.apache.hadoop.hdfs.protocol.SnapshotException',
  /** an AccessControlException: a change asked of a path inside a snapshot (FSDirectory.checkTraverse) */
  SNAPSHOT_ACCESS_CONTROL: 'org.apache.hadoop.hdfs.protocol.SnapshotAccessControlException',
  /** protobuf-java's, shaded by hadoop-thirdparty (a message a NameNode parses itself, e.g. a batched listing's key) */
  INVALID_PROTOCOL_BUFFER: 'org.apache.hadoop.thirdparty.protobuf.InvalidProtocolBufferException',
  NO_EC_POLICY_SET: 'org.apache.hadoop.hdfs.protocol.NoECPolicySetException',
  /** java.nio.file's, from a local file the NameNode opens (metaSave's output, the dfs.hosts files) */
  NIO_NO_SUCH_FILE: 'java.nio.file.NoSuchFileException',
  NIO_ACCESS_DENIED: 'java.nio.file.AccessDeniedException',
  NIO_FILE_SYSTEM: 'java.nio.file.FileSystemException',
  NIO_INVALID_PATH: 'java.nio.file.InvalidPathException',
} as const;

export type HadoopExceptionClass = (typeof HadoopException)[keyof typeof HadoopException];

export function fsError(code: FileSystemErrorCode, exceptionClassName: HadoopExceptionClass, message: string, details: ErrorDetails = {}): FileSystemError {
  return new FileSystemError(code, message, { ...details, exceptionClassName });
}

export const fileNotFound = (message: string, path?: string): FileSystemError =>
  fsError('FS_NOT_FOUND', HadoopException.FILE_NOT_FOUND, message, { path });

export const alreadyExists = (message: string, path?: string): FileSystemError =>
  fsError('FS_ALREADY_EXISTS', HadoopException.FILE_ALREADY_EXISTS, message, { path });

export const parentNotDirectory = (message: string, path?: string): FileSystemError =>
  fsError('FS_PARENT_NOT_DIRECTORY', HadoopException.PARENT_NOT_DIRECTORY, message, { path });

/** Hadoop's `InvalidPathException(String)`: "Invalid path name " + what. */
export const invalidPath = (what: string, path?: string): FileSystemError =>
  fsError('FS_INVALID_PATH', HadoopException.INVALID_PATH, `Invalid path name ${what}`, { path });

export const illegalArgument = (message: string, details: ErrorDetails = {}): FileSystemError =>
  fsError('FS_INVALID_ARGUMENT', HadoopException.ILLEGAL_ARGUMENT, message, details);

export const ioError = (code: FileSystemErrorCode, message: string, details: ErrorDetails = {}): FileSystemError =>
  fsError(code, HadoopException.IO, message, details);

/** AclException: an invalid ACL, or ACLs turned off (dfs.namenode.acls.enabled). */
export const aclError = (message: string, details: ErrorDetails = {}, cause?: unknown): FileSystemError =>
  new FileSystemError('FS_ACL', message, { ...details, exceptionClassName: HadoopException.ACL }, cause === undefined ? undefined : { cause });

/** The IOExceptions of FSDirXAttrOp and XAttrSetFlag.validate (xattrs off, CREATE/REPLACE, limit, removal). */
export const xattrError = (message: string, details: ErrorDetails = {}): FileSystemError =>
  fsError('FS_XATTR', HadoopException.IO, message, details);

/** XAttrNotFoundException: getXAttrs named an attribute the caller cannot see or that is not there. */
export const xattrNotFound = (path: string): FileSystemError =>
  fsError('FS_XATTR', HadoopException.XATTR_NOT_FOUND, 'At least one of the attributes provided was not found.', { path });

export const leaseExpired = (message: string, path?: string): FileSystemError =>
  fsError('FS_LEASE', HadoopException.LEASE_EXPIRED, message, { path });

/** SafeModeException: a namespace change while the NameNode is in safe mode (FSNamesystem.newSafemodeException). */
export const safeModeError = (message: string, details: ErrorDetails = {}): FileSystemError =>
  fsError('FS_SAFE_MODE', HadoopException.SAFE_MODE, message, details);

/** FSPermissionChecker's AccessControlException (permission bits, sticky bit, superuser). */
export function permissionDenied(message: string, details: ErrorDetails = {}): AccessControlError {
  return new AccessControlError('ACCESS_DENIED', message, { ...details, exceptionClassName: HadoopException.ACCESS_CONTROL });
}

/** strerror(3)'s texts (glibc) for what open(2) and write(2) report: the reason java.nio's FileSystemException carries. */
const STRERROR: Readonly<Record<string, string>> = {
  EISDIR: 'Is a directory', ENOTDIR: 'Not a directory', EROFS: 'Read-only file system', ENAMETOOLONG: 'File name too long',
  EPERM: 'Operation not permitted', ENOSPC: 'No space left on device', EDQUOT: 'Disk quota exceeded', ETXTBSY: 'Text file busy',
  EMFILE: 'Too many open files', ENFILE: 'Too many open files in system', EIO: 'Input/output error', ENXIO: 'No such device or address',
};

/**
 * What java.nio's Files.newInputStream / newOutputStream throws for a local file the NameNode cannot
 * open (UnixException.translateToIOException): NoSuchFileException and AccessDeniedException with
 * the path as their message, FileSystemException "<path>: <strerror>" for anything else (ELOOP's
 * reason extended as the JDK does); a path holding a NUL never gets that far (File.toPath:
 * InvalidPathException "Nul character not allowed: <path>", see nulInPath).
 */
export function nioFileError(e: unknown, path: string, details: ErrorDetails = {}): FileSystemError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code ?? '';
  const d = { ...details, path, osError: code };
  if (code === 'ENOENT') return fsError('FS_NOT_FOUND', HadoopException.NIO_NO_SUCH_FILE, path, d);
  if (code === 'EACCES') return fsError('FS_INVALID_PATH', HadoopException.NIO_ACCESS_DENIED, path, d);
  const reason = code === 'ELOOP' ? 'Too many levels of symbolic links or unable to access attributes of symbolic link' : STRERROR[code] ?? (e as Error | undefined)?.message ?? String(e);
  return fsError('FS_INVALID_PATH', HadoopException.NIO_FILE_SYSTEM, `${path}: ${reason}`, d);
}

/** UnixPath.checkNotNul, when File.toPath meets a NUL: InvalidPathException (unchecked) before any file is opened. */
export function nulInPath(path: string, details: ErrorDetails = {}): FileSystemError | undefined {
  return path.includes('\0') ? fsError('FS_INVALID_PATH', HadoopException.NIO_INVALID_PATH, `Nul character not allowed: ${path}`, { ...details, path }) : undefined;
}

/** UnixFileSystem.normalize: repeated '/' collapsed, a trailing '/' dropped ("." and ".." stay). */
export function javaNormalize(path: string): string {
  const p = path.replace(/\/{2,}/g, '/');
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

/**
 * java.io.File(parent, child) on Unix (UnixFileSystem.resolve): the normalized names joined by '/',
 * an absolute child appended to the parent; nothing resolved lexically, so ".." is left for the
 * operating system to follow (through a symbolic link it leaves the link's target, not the parent).
 */
export function javaFile(parent: string, child: string): string {
  const c = javaNormalize(child);
  const p = parent === '' ? '/' : javaNormalize(parent);
  if (c === '') return p;
  if (c.startsWith('/')) return p === '/' ? c : p + c;
  return p === '/' ? `/${c}` : `${p}/${c}`;
}
