/**
 * The one base class for every error hsec raises. Errors carry a stable `code` (a string literal
 * from `ErrorCode`), context in `details` (principal, realm, kdc, qop, configKey, remoteAddress ...),
 * and the wrapped error in `cause`. Messages say what failed and what to do; they never contain a
 * key, password or token byte. Families follow Hadoop's exception meanings (see ./codes.ts).
 */
import type { ErrorCode, FileSystemErrorCode, WritePipelineErrorCode, ZooKeeperErrorCode } from './codes.ts';

export type ErrorDetails = Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;

export class HsecError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = details;
  }

  override get name(): string {
    return this.constructor.name;
  }
}

/** Configuration is missing, malformed or inconsistent (Hadoop: IllegalArgumentException on conf). */
export class ConfigError extends HsecError {}
/** A SASL negotiation or security-layer failure (Hadoop: SaslException). */
export class SaslError extends HsecError {}
/** A Kerberos protocol, crypto or credential failure (Hadoop: KerberosAuthException / GSSException). */
export class KerberosError extends HsecError {}
/** Authentication failed or is impossible (Hadoop: AuthenticationException). */
export class AuthenticationError extends HsecError {}
/** The caller is authenticated but not allowed (Hadoop: AccessControlException). */
export class AccessControlError extends HsecError {}
/** A token is unknown, expired, cancelled, malformed or forged (Hadoop: SecretManager.InvalidToken). */
export class InvalidTokenError extends HsecError {}
/** Bytes on the wire or in a file do not follow the format (frames, Writables, protobuf, ASN.1). */
export class ProtocolError extends HsecError {}
/**
 * A local file or directory a daemon keeps state in cannot be created, read or written (full disk,
 * read-only file system, not a directory, I/O error). Hadoop: IOException. Details name the `path`,
 * the OS error (`errno`, `syscall`) and, where one applies, the `configKey` that chose the path.
 */
export class StorageError extends HsecError {}
/** A remote service (KDC, ZooKeeper, NameNode) could not be reached or answered in time. */
export class UnreachableError extends HsecError {}
/** A server could not listen on its address (Hadoop: java.net.BindException, "Problem binding to ..."). */
export class BindError extends HsecError {}
/** A binary or package the operation needs is not installed (krb5kdc, zookeeper, javac ...). */
export class MissingDependencyError extends HsecError {}
/** A call failed on the server side and was relayed to the client (Hadoop: RemoteException). */
export class RemoteError extends HsecError {}
/** A file or directory, local or in HDFS, could not be read or written (missing, permission, full disk, not a directory). */
export class FileError extends HsecError {}

/**
 * An HDFS namespace or block-management refusal (Hadoop: FileNotFoundException,
 * FileAlreadyExistsException, ParentNotDirectoryException, LeaseExpiredException,
 * NotReplicatedYetException, UnregisteredNodeException ...). The Java class a Hadoop client expects
 * is in `details.exceptionClassName`; the path, inode id or DataNode in the other details.
 */
export class FileSystemError extends HsecError {
  declare readonly code: FileSystemErrorCode;

  constructor(code: FileSystemErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(code, message, details, options);
  }
}

/**
 * A write pipeline failure in an HDFS client (Hadoop: the IOExceptions of DataStreamer). Details
 * name the `path`, the `blockId`, the `datanode` (ip:xferPort) concerned and the `pipeline`;
 * PIPELINE_DATANODE_ERROR is the one the writer recovers from (the bad DataNode is in `badNodeIndex`).
 */
export class WritePipelineError extends HsecError {
  declare readonly code: WritePipelineErrorCode;

  constructor(code: WritePipelineErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(code, message, details, options);
  }
}

/** ZooKeeper codes worth retrying: the server may answer once the connection is back. */
const ZK_RETRIABLE: ReadonlySet<ZooKeeperErrorCode> = new Set(['ZK_UNREACHABLE', 'ZK_CONNECTION_LOSS', 'ZK_TIMEOUT']);

/**
 * A ZooKeeper failure (ZooKeeper: KeeperException and the client's connection states): the
 * server's answer (ZK_NO_NODE, ZK_NO_AUTH, ZK_BAD_VERSION, ...) or the client's state
 * (ZK_UNREACHABLE, ZK_CONNECTION_LOSS, ZK_SESSION_EXPIRED, ZK_AUTH_FAILED, ZK_CLOSED). Details name
 * the path, the operation and the connect string; `retriable` marks the connection-level codes.
 */
export class ZooKeeperError extends HsecError {
  declare readonly code: ZooKeeperErrorCode;

  constructor(code: ZooKeeperErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(code, message, details, options);
  }

  /** True for ZK_UNREACHABLE, ZK_CONNECTION_LOSS and ZK_TIMEOUT: the same call may succeed later. */
  get retriable(): boolean {
    return ZK_RETRIABLE.has(this.code);
  }
}
