/**
 * Every stable error code hsec raises, in one table. Codes never change meaning once released;
 * add new ones under the family they belong to. Tests assert on codes, not on message text.
 */
export const ERROR_CODES = [
  // configuration
  'CONFIG_INVALID',
  'CONFIG_MISSING',
  'CONFIG_PARSE',
  // SASL
  'SASL_NO_COMMON_QOP',
  'SASL_BAD_RESPONSE',
  'SASL_BAD_CHALLENGE',
  'SASL_AUTH_FAILED',
  'SASL_STATE',
  'SASL_UNSUPPORTED',
  'SASL_INTEGRITY',
  'SASL_REPLAY',
  'SASL_SEQUENCE',
  'SASL_NOT_COMPLETE',
  // Kerberos
  'KRB_KDC_ERROR',
  'KRB_KDC_UNREACHABLE',
  'KRB_CLOCK_SKEW',
  'KRB_PREAUTH_FAILED',
  'KRB_PRINCIPAL_UNKNOWN',
  'KRB_ENCTYPE_UNSUPPORTED',
  'KRB_INTEGRITY',
  'KRB_BAD_FORMAT',
  'KRB_KEYTAB',
  'KRB_KEYTAB_NOT_FOUND',
  'KRB_KEYTAB_NO_ENTRY',
  'KRB_CCACHE',
  'KRB_NO_CREDENTIALS',
  'KRB_EXPIRED',
  'KRB_REPLAY',
  'KRB_NAME',
  // hsec kdiag: a diagnostic probe failed (Hadoop KDiag.KerberosDiagsFailure, exit 41)
  'KRB_DIAGNOSTICS',
  'GSS_DEFECTIVE_TOKEN',
  'GSS_BAD_MIC',
  'GSS_SEQUENCE',
  'GSS_CONTEXT',
  // authentication and authorization
  'AUTH_FAILED',
  'ACCESS_DENIED',
  // tokens
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'TOKEN_UNKNOWN',
  'TOKEN_BAD_FORMAT',
  // local state on disk (token store, name dir): cannot be created, read or written
  'STORAGE_IO',
  // wire formats
  'PROTOCOL_MALFORMED',
  'PROTOCOL_TRUNCATED',
  'PROTOCOL_TOO_LARGE',
  'PROTOCOL_VERSION',
  // a data chunk does not match its checksum (Hadoop: ChecksumException)
  'PROTOCOL_CHECKSUM',
  // data transfer (DataNode streaming port): the SASL handshake and the protected streams
  'DATA_TRANSFER_BAD_MAGIC',
  'DATA_TRANSFER_ENCRYPTION_KEY',
  'DATA_TRANSFER_BLOCK_TOKEN',
  'DATA_TRANSFER_HANDSHAKE',
  'DATA_TRANSFER_CIPHER',
  // the DataNode refused a data transfer connection for lack of capacity (dfs.datanode.max.transfer.threads)
  'DATA_TRANSFER_OVERLOADED',
  // an op or write stage the hsec DataNode does not implement (append, pipeline recovery, ...)
  'DATA_TRANSFER_UNSUPPORTED',
  // DataNode replicas (Hadoop: ReplicaNotFoundException, ReplicaAlreadyExistsException) and a data
  // directory that belongs to another cluster (incompatible clusterID / namespaceID) or is locked by
  // another running DataNode
  'REPLICA_NOT_FOUND',
  'REPLICA_ALREADY_EXISTS',
  // a replica to append to whose length or last partial-chunk CRC is not what it should be, or an
  // append whose new generation stamp is not newer (FsDatasetImpl.append, BlockReceiver.computePartialChunkCrc)
  'REPLICA_CORRUPT',
  'REPLICA_GENERATION_STAMP',
  // block recovery refused on a replica: a newer recovery holds it (RecoveryInProgressException), a
  // stamp or length that cannot be (FsDatasetImpl.initReplicaRecovery / updateReplicaUnderRecovery)
  'REPLICA_RECOVERY',
  'STORAGE_INCOMPATIBLE',
  'STORAGE_LOCKED',
  // IPC
  'RPC_REMOTE',
  'RPC_CONNECTION_CLOSED',
  'RPC_TIMEOUT',
  // a server refused work for lack of capacity (connection limit, pre-authentication memory budget)
  'RPC_OVERLOADED',
  // a server could not listen on its address: the port is taken, or binding is not allowed
  'ADDRESS_IN_USE',
  'BIND_FAILED',
  // ZooKeeper (lib/zk; ZooKeeperError): client-side states first, then KeeperException.Code meanings
  'ZK_UNREACHABLE',
  'ZK_CONNECTION_LOSS',
  'ZK_TIMEOUT',
  'ZK_SESSION_EXPIRED',
  'ZK_AUTH_FAILED',
  'ZK_CLOSED',
  'ZK_NO_AUTH',
  'ZK_NO_NODE',
  'ZK_NODE_EXISTS',
  'ZK_BAD_VERSION',
  'ZK_NOT_EMPTY',
  'ZK_INVALID_ACL',
  'ZK_BAD_ARGUMENTS',
  'ZK_ERROR',
  // remote services and environment
  'UNREACHABLE',
  'MISSING_DEPENDENCY',
  'TIMEOUT',
  // lifecycle: a service used before start() or after stop() (a programming error)
  'SERVICE_NOT_RUNNING',
  // local files: the path and the OS error are in details
  'FILE_NOT_FOUND',
  'FILE_ACCESS',
  'FILE_IO',
  // a selection (alias, service, kind) matched nothing
  'NOTHING_SELECTED',
  // a glob pattern GlobPattern refuses (GlobSyntaxError), or one with RE2 escapes hsec does not read
  'GLOB_INVALID',
  'GLOB_UNSUPPORTED',
  // HDFS namespace (FileSystemError; Hadoop's class name travels in details.exceptionClassName)
  'FS_NOT_FOUND',
  'FS_ALREADY_EXISTS',
  'FS_PARENT_NOT_DIRECTORY',
  'FS_NOT_EMPTY',
  'FS_INVALID_PATH',
  'FS_LIMIT',
  'FS_LEASE',
  'FS_NOT_REPLICATED_YET',
  'FS_UNSUPPORTED',
  'FS_INVALID_ARGUMENT',
  'FS_NO_DATANODES',
  // an ACL the NameNode refuses or ACLs turned off (Hadoop's AclException)
  'FS_ACL',
  // an extended attribute refused or not found, or xattrs turned off (FSDirXAttrOp's IOExceptions, XAttrNotFoundException)
  'FS_XATTR',
  // a namespace change refused while the NameNode is in safe mode, or saveNamespace outside it (SafeModeException, IOException)
  'FS_SAFE_MODE',
  // a directory quota exceeded (NSQuotaExceededException, DSQuotaExceededException) or a quota refused
  'FS_QUOTA',
  // DataNodes talking to the NameNode (DatanodeProtocol)
  'DATANODE_UNREGISTERED',
  'DATANODE_VERSION',
  'DATANODE_DISALLOWED',
  // an HDFS client's write pipeline (DataStreamer): a DataNode failed or reported an error (recovered
  // from), every DataNode of the pipeline is bad, recovery tried too often for one packet, or no
  // replacement DataNode could be added (ReplaceDatanodeOnFailure)
  'PIPELINE_DATANODE_ERROR',
  'PIPELINE_ALL_BAD',
  'PIPELINE_RECOVERY_LIMIT',
  'PIPELINE_REPLACE_FAILED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The codes a FileSystemError carries. */
export type FileSystemErrorCode = Extract<ErrorCode, `FS_${string}` | `DATANODE_${string}`>;

/** The codes a WritePipelineError carries. */
export type WritePipelineErrorCode = Extract<ErrorCode, `PIPELINE_${string}`>;

/** The codes a ZooKeeperError carries. */
export type ZooKeeperErrorCode = Extract<ErrorCode, `ZK_${string}`>;
