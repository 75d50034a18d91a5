/**
 * The NameNode settings this daemon reads, resolved once from a frozen Configuration (Hadoop:
 * NameNode / NameNodeRpcServer / FSNamesystem constructors): the RPC address
 * (cluster/protocol/namenode-address.ts), the host `_HOST` stands for in its principal, the name
 * directory (`dfs.namenode.name.dir`, first entry, `file://` stripped; Hadoop's default
 * `${hadoop.tmp.dir}/dfs/name`), the delegation-token intervals, the block-token settings
 * (BlockManager.createBlockTokenSecretManager: the intervals are minutes), the server defaults
 * (FSNamesystem's FsServerDefaults), and the namesystem's limits and timers. The principal and keytab
 * are the service foundation's (cluster/service/service-identity.ts).
 */
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { Configuration } from '../../lib/config/index.ts';
import { ConfigError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import { isWildcard, socketHostName } from '../../lib/net/resolve.ts';
import type { BlockTokenFormat } from '../../security/token/block-token-identifier.ts';
import { DEFAULT_SERVER_DEFAULTS, type FsServerDefaults } from '../protocol/client-protocol.ts';
import type { ChecksumType } from '../protocol/hdfs-types.ts';
import { nameNodeBindAddress } from '../protocol/namenode-address.ts';
import { BLOCK_RECOVERY_TIMEOUT_MULTIPLIER } from './lease-recovery.ts';
import { MIN_REPLICATION } from './blocks/block-placement.ts';
import type { StartupSafeModeSettings } from './blocks/startup-safe-mode.ts';
import type { NamesystemSettings } from './namesystem.ts';
import type { RedundancySettings } from './blocks/block-reconstruction.ts';

const log = getLogger('namenode.config');

/** Block access tokens (dfs.block.access.*), undefined when dfs.block.access.token.enable is false. */
export interface BlockTokenSettings {
  /** ms */
  keyUpdateInterval: number;
  /** ms */
  tokenLifetime: number;
  format: BlockTokenFormat;
  /** dfs.encrypt.data.transfer.algorithm */
  encryptionAlgorithm?: string;
}

/** The DataNode timers and limits of DatanodeManager / HeartbeatManager. */
export interface DatanodeSettings {
  /** 2 x dfs.namenode.heartbeat.recheck-interval + 10 x dfs.heartbeat.interval, ms */
  heartbeatExpireMs: number;
  /** dfs.namenode.stale.datanode.interval (ms), at least its minimum in heartbeats */
  staleIntervalMs: number;
  /** dfs.namenode.full.block.report.lease.length.ms */
  reportLeaseMs: number;
  invalidateLimit: number;
  minDatanodeVersion: string;
}

export interface NameNodeSettings {
  host: string;
  port: number;
  /** The key the address came from (dfs.namenode.rpc-address or fs.defaultFS). */
  addressKey: string;
  nameDir: string;
  keyUpdateInterval: number;
  tokenMaxLifetime: number;
  tokenRenewInterval: number;
  blockTokens: BlockTokenSettings | undefined;
  serverDefaults: FsServerDefaults;
  namesystem: Omit<NamesystemSettings, 'permissions'> & { permissionsEnabled: boolean; superGroup: string };
  datanodes: DatanodeSettings;
  /** the redundancy keys of the BlockManager */
  redundancy: RedundancySettings;
  /** dfs.namenode.redundancy.interval.seconds, in ms: the RedundancyMonitor's period */
  redundancyIntervalMs: number;
  /** dfs.namenode.lease-recheck-interval-ms */
  /** dfs.namenode.name.dir.restore: the restoreFailedStorage flag at start */
  restoreFailedStorage: boolean;
  leaseRecheckMs: number;
  /** a block recovery's timeout: 30 x dfs.heartbeat.interval (BlockManager.getBlockRecoveryTimeout) */
  blockRecoveryTimeoutMs: number;
  /** The trash emptier (NameNode.startTrashEmptier); undefined when fs.trash.interval is 0. */
  trash: TrashEmptierSettings | undefined;
}

export interface TrashEmptierSettings {
  /** fs.trash.interval, minutes: checkpoints older than this are deleted */
  intervalMinutes: number;
  /** fs.trash.checkpoint.interval, minutes (0 or above the interval: the interval) */
  checkpointMinutes: number;
  /** dfs.user.home.dir.prefix: where the users' trash roots are */
  homePrefix: string;
  /** fs.trash.clean.trashroot.enable: delete what in a trash root is no checkpoint */
  cleanNonCheckpoints: boolean;
}

/**
 * The host `_HOST` stands for in the NameNode principal: Hadoop's `getRpcServerAddress(conf).getHostName()`
 * (a name stays as configured, an IP literal is reverse-resolved as Java's getCanonicalHostName, a
 * wildcard is `localHostName` or the local canonical host name). Lower-casing happens in substituteHost.
 */
export async function principalHostName(conf: Configuration, localHostName?: string): Promise<string> {
  const { host } = nameNodeBindAddress(conf);
  if (isWildcard(host) && localHostName) return localHostName;
  return socketHostName(host);
}

export function nameNodeSettings(conf: Configuration): NameNodeSettings {
  const { host, port, configKey } = nameNodeBindAddress(conf);
  const dirs = conf.getTrimmedStrings('dfs.namenode.name.dir');
  const tmp = conf.getTrimmed('hadoop.tmp.dir') ?? join(tmpdir(), `hadoop-${userInfo().username}`);
  const nameDir = (dirs[0] ?? join(tmp, 'dfs', 'name')).replace(/^file:\/\//, '');
  return {
    host,
    port,
    addressKey: configKey,
    nameDir,
    keyUpdateInterval: conf.getTimeDuration('dfs.namenode.delegation.key.update-interval', 'ms', 'ms', 86_400_000),
    tokenMaxLifetime: conf.getTimeDuration('dfs.namenode.delegation.token.max-lifetime', 'ms', 'ms', 604_800_000),
    tokenRenewInterval: conf.getTimeDuration('dfs.namenode.delegation.token.renew-interval', 'ms', 'ms', 86_400_000),
    blockTokens: blockTokenSettings(conf),
    serverDefaults: serverDefaults(conf),
    trash: trashEmptierSettings(conf),
    namesystem: {
      permissionsEnabled: conf.getBoolean('dfs.permissions.enabled'),
      safeMode: safeModeSettings(conf),
      superGroup: conf.getTrimmed('dfs.permissions.superusergroup') ?? 'supergroup',
      maxComponentLength: conf.getInt('dfs.namenode.fs-limits.max-component-length'),
      snapshotDiffAllowSnapRootDescendant: conf.getBoolean('dfs.namenode.snapshotdiff.allow.snap-root-descendant'),
      maxDirectoryItems: conf.getInt('dfs.namenode.fs-limits.max-directory-items'),
      minBlockSize: conf.getLong('dfs.namenode.fs-limits.min-block-size'),
      maxBlocksPerFile: conf.getLong('dfs.namenode.fs-limits.max-blocks-per-file'),
      maxReplication: conf.getInt('dfs.replication.max'),
      lsLimit: Math.max(1, conf.getInt('dfs.ls.limit')),
      batchedListingLimit: batchedListingLimit(conf),
      maxCorruptFileBlocksReturned: conf.getInt('dfs.namenode.max-corrupt-file-blocks-returned'),
      maxListOpenFilesResponses: conf.getInt('dfs.namenode.list.openfiles.num.responses'),
      accessTimePrecision: conf.getTimeDuration('dfs.namenode.accesstime.precision', 'ms', 'ms'),
      leaseHardLimitMs: conf.getTimeDuration('dfs.namenode.lease-hard-limit-sec', 's', 'ms'),
      supportAppends: conf.getBoolean('dfs.support.append'),
      auditDebugCmds: conf.getTrimmedStrings('dfs.namenode.audit.log.debug.cmdlist'),
      aclsEnabled: conf.getBoolean('dfs.namenode.acls.enabled'),
      posixAclInheritance: conf.getBoolean('dfs.namenode.posix.acl.inheritance.enabled'),
      ...xattrLimits(conf),
      ...storagePolicySettings(conf),
      // CacheManager's constructor
      caching: {
        enabled: conf.getBoolean('dfs.namenode.caching.enabled'),
        maxListCachePoolsResponses: conf.getInt('dfs.namenode.list.cache.pools.num.responses'),
        maxListCacheDirectivesResponses: conf.getInt('dfs.namenode.list.cache.directives.num.responses'),
        refreshIntervalMs: conf.getLong('dfs.namenode.path.based.cache.refresh.interval.ms'),
      },
    },
    datanodes: {
      heartbeatExpireMs: heartbeatExpireMs(conf),
      staleIntervalMs: staleIntervalMs(conf),
      reportLeaseMs: conf.getTimeDuration('dfs.namenode.full.block.report.lease.length.ms', 'ms', 'ms'),
      invalidateLimit: Math.max(1, conf.getInt('dfs.block.invalidate.limit')),
      minDatanodeVersion: conf.getTrimmed('dfs.namenode.min.supported.datanode.version') ?? '2.1.0-beta',
    },
    redundancy: redundancySettings(conf),
    redundancyIntervalMs: conf.getTimeDuration('dfs.namenode.redundancy.interval.seconds', 's', 'ms'),
    leaseRecheckMs: conf.getTimeDuration('dfs.namenode.lease-recheck-interval-ms', 'ms', 'ms'),
    restoreFailedStorage: conf.getBoolean('dfs.namenode.name.dir.restore'),
    blockRecoveryTimeoutMs: BLOCK_RECOVERY_TIMEOUT_MULTIPLIER * conf.getTimeDuration('dfs.heartbeat.interval', 's', 'ms'),
  };
}

/** BlockManagerSafeMode's constructor: its thresholds and extension (the replication minimum defaults to dfs.namenode.replication.min, fixed at 1 here). */
function safeModeSettings(conf: Configuration): StartupSafeModeSettings {
  return {
    thresholdPct: conf.getFloat('dfs.namenode.safemode.threshold-pct'),
    minDatanodes: conf.getInt('dfs.namenode.safemode.min.datanodes'),
    safeReplication: conf.get('dfs.namenode.safemode.replication.min') === undefined ? MIN_REPLICATION : conf.getInt('dfs.namenode.safemode.replication.min'),
    extensionMs: conf.getTimeDuration('dfs.namenode.safemode.extension', 'ms', 'ms'),
    recheckIntervalMs: conf.getLong('dfs.namenode.safemode.recheck.interval'),
  };
}

/** BlockManager's constructor: the redundancy keys (a pending timeout of 0 or less keeps 5 minutes, as PendingReconstructionBlocks). */
function redundancySettings(conf: Configuration): RedundancySettings {
  const pendingSec = conf.getInt('dfs.namenode.reconstruction.pending.timeout-sec');
  return {
    workMultiplier: conf.getInt('dfs.namenode.replication.work.multiplier.per.iteration'),
    maxReplicationStreams: conf.getInt('dfs.namenode.replication.max-streams'),
    replicationStreamsHardLimit: conf.getInt('dfs.namenode.replication.max-streams-hard-limit'),
    pendingTimeoutMs: pendingSec > 0 ? pendingSec * 1000 : 300_000,
    tolerateHeartbeatMs: conf.getTimeDuration('dfs.heartbeat.interval', 's', 'ms') * conf.getInt('dfs.namenode.tolerate.heartbeat.multiplier'),
  };
}

/** DFS_NAMENODE_MAX_XATTR_SIZE_HARD_LIMIT. */
const MAX_XATTR_SIZE_HARD_LIMIT = 32768;

/** FSDirectory's constructor: the xattr switch and limits, with its Preconditions on them. */
function xattrLimits(conf: Configuration): { xattrsEnabled: boolean; maxXAttrsPerInode: number; maxXAttrSize: number } {
  const maxXAttrSize = conf.getLongBytes('dfs.namenode.fs-limits.max-xattr-size');
  const sizeKey = 'dfs.namenode.fs-limits.max-xattr-size';
  if (maxXAttrSize <= 0) throw new ConfigError('CONFIG_INVALID', `The maximum size of an xattr should be > 0: (${sizeKey}).`, { configKey: sizeKey });
  if (maxXAttrSize > MAX_XATTR_SIZE_HARD_LIMIT) {
    throw new ConfigError('CONFIG_INVALID', `The maximum size of an xattr should be <= maximum size hard limit ${MAX_XATTR_SIZE_HARD_LIMIT}: (${sizeKey}).`, { configKey: sizeKey });
  }
  const maxXAttrsPerInode = conf.getInt('dfs.namenode.fs-limits.max-xattrs-per-inode');
  if (maxXAttrsPerInode < 0) {
    const key = 'dfs.namenode.fs-limits.max-xattrs-per-inode';
    throw new ConfigError('CONFIG_INVALID', `Cannot set a negative limit on the number of xattrs per inode (${key}).`, { configKey: key });
  }
  return { xattrsEnabled: conf.getBoolean('dfs.namenode.xattrs.enabled'), maxXAttrsPerInode, maxXAttrSize };
}

/**
 * FSNamesystem's isStoragePolicyEnabled / isStoragePolicySuperuserOnly, and BlockManager.createSPSManager's
 * reading of dfs.storage.policy.satisfier.mode: hsec has no satisfier, so `external` (which would
 * hand satisfyStoragePolicy's paths to an external SPS) is refused rather than silently dropped.
 */
function storagePolicySettings(conf: Configuration): { storagePolicyEnabled: boolean; storagePolicySuperuserOnly: boolean } {
  const storagePolicyEnabled = conf.getBoolean('dfs.storage.policy.enabled');
  const modeKey = 'dfs.storage.policy.satisfier.mode';
  if (storagePolicyEnabled && conf.getEnum(modeKey) === 'external') {
    throw new ConfigError('CONFIG_INVALID', `${modeKey} = external: this NameNode has no storage policy satisfier to hand paths to (hsec records storage policies but moves no replicas); set ${modeKey} to none and use a Mover to migrate data.`, { configKey: modeKey });
  }
  return { storagePolicyEnabled, storagePolicySuperuserOnly: conf.getBoolean('dfs.storage.policy.permissions.superuser-only') };
}

/** BlockManager.createBlockTokenSecretManager's reading of dfs.block.access.*. */
/** FSNamesystem's constructor: Preconditions.checkArgument(batchedListingLimit > 0, ...), so the NameNode does not start. */
function batchedListingLimit(conf: Configuration): number {
  const key = 'dfs.batched.ls.limit';
  const limit = conf.getInt(key);
  if (limit <= 0) throw new ConfigError('CONFIG_INVALID', `${key} must be greater than zero`, { configKey: key });
  return limit;
}

function blockTokenSettings(conf: Configuration): BlockTokenSettings | undefined {
  if (!conf.getBoolean('dfs.block.access.token.enable')) return undefined;
  const algorithm = conf.getTrimmed('dfs.encrypt.data.transfer.algorithm');
  return {
    keyUpdateInterval: conf.getTimeDuration('dfs.block.access.key.update.interval', 'm', 'ms'),
    tokenLifetime: conf.getTimeDuration('dfs.block.access.token.lifetime', 'm', 'ms'),
    format: conf.getBoolean('dfs.block.access.token.protobuf.enable') ? 'protobuf' : 'legacy',
    ...(algorithm ? { encryptionAlgorithm: algorithm } : {}),
  };
}

const CHECKSUM_TYPES: Record<string, ChecksumType> = { null: 'CHECKSUM_NULL', crc32: 'CHECKSUM_CRC32', crc32c: 'CHECKSUM_CRC32C' };

/** NameNode.startTrashEmptier: the interval as a long (whole minutes), refused when negative. */
function trashEmptierSettings(conf: Configuration): TrashEmptierSettings | undefined {
  const intervalMinutes = conf.getLong('fs.trash.interval');
  if (intervalMinutes === 0) return undefined;
  if (intervalMinutes < 0) {
    throw new ConfigError('CONFIG_INVALID', `Cannot start trash emptier with negative interval (${intervalMinutes}). Set fs.trash.interval to a positive value.`, { configKey: 'fs.trash.interval' });
  }
  return {
    intervalMinutes,
    checkpointMinutes: conf.getFloat('fs.trash.checkpoint.interval'),
    homePrefix: conf.get('dfs.user.home.dir.prefix', '/user'),
    cleanNonCheckpoints: conf.getBoolean('fs.trash.clean.trashroot.enable'),
  };
}

/** FSNamesystem's FsServerDefaults: block size, checksum, packet size, replication, buffer size, encryption, trash. */
function serverDefaults(conf: Configuration): FsServerDefaults {
  return {
    ...DEFAULT_SERVER_DEFAULTS,
    blockSize: conf.getLongBytes('dfs.blocksize'),
    bytesPerChecksum: conf.getInt('dfs.bytes-per-checksum'),
    writePacketSize: conf.getInt('dfs.client-write-packet-size'),
    replication: conf.getInt('dfs.replication'),
    fileBufferSize: conf.getInt('io.file.buffer.size'),
    encryptDataTransfer: conf.getBoolean('dfs.encrypt.data.transfer'),
    trashInterval: conf.getLong('fs.trash.interval'),
    checksumType: CHECKSUM_TYPES[conf.getEnum('dfs.checksum.type')] ?? 'CHECKSUM_CRC32C',
    policyId: HOT_STORAGE_POLICY_ID,
  };
}

/** HdfsConstants.HOT_STORAGE_POLICY_ID: the default storage policy FsServerDefaults reports. */
const HOT_STORAGE_POLICY_ID = 7;

function heartbeatExpireMs(conf: Configuration): number {
  return 2 * conf.getTimeDuration('dfs.namenode.heartbeat.recheck-interval', 'ms', 'ms') + 10 * conf.getTimeDuration('dfs.heartbeat.interval', 's', 'ms');
}

/**
 * DatanodeManager.getStaleIntervalFromConf: positive, and no less than
 * dfs.namenode.stale.datanode.minimum.interval heartbeats (raised with a warning).
 */
export function staleIntervalMs(conf: Configuration): number {
  const key = 'dfs.namenode.stale.datanode.interval';
  const stale = conf.getLong(key);
  if (!(stale > 0)) throw new ConfigError('CONFIG_INVALID', `${key} = '${stale}' is invalid. It should be a positive non-zero value.`, { configKey: key });
  const min = conf.getInt('dfs.namenode.stale.datanode.minimum.interval') * conf.getTimeDuration('dfs.heartbeat.interval', 's', 's') * 1000;
  if (stale < min) {
    log.warn({ configKey: key, stale, min }, `The given interval for marking stale datanode = ${stale}, which is less than 3 heartbeat intervals. This may cause too frequent changes of stale states of DataNodes since a heartbeat msg may be missing due to temporary short-term failures. Reset stale interval to ${min}.`);
    return min;
  }
  const expire = heartbeatExpireMs(conf);
  if (stale > expire) log.warn({ configKey: key, stale, expire }, `The given interval for marking stale datanode = ${stale}, which is larger than heartbeat expire interval ${expire}.`);
  return stale;
}
