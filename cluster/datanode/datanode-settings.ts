/**
 * The DataNode settings, resolved once from a frozen Configuration (Hadoop: DNConf and the
 * DataNode constructor): the data directory (`dfs.datanode.data.dir`, first entry, `file://`
 * stripped; Hadoop's default `${hadoop.tmp.dir}/dfs/data`), the data transfer address
 * (`dfs.datanode.address`), the host name it reports and puts for `_HOST` (`dfs.datanode.hostname`,
 * else the canonical local host name: DataNode.getHostName), the heartbeat and block-report
 * schedule, the socket timeouts of the data port, the data-transfer protection keys
 * (security/datatransfer/config.ts), and the NameNode it reports to. The principal and keytab are
 * the service foundation's (cluster/service/service-identity.ts).
 */
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { Configuration } from '../../lib/config/index.ts';
import { ConfigError } from '../../lib/errors/index.ts';
import { parseHostPort, type HostPort } from '../../lib/net/host-port.ts';
import { localCanonicalHostName } from '../../lib/net/resolve.ts';
import { dataTransferSecurityFromConfig, type DataTransferSecurityConfig } from '../../security/datatransfer/config.ts';
import { nameNodeBindAddress } from '../protocol/namenode-address.ts';

export const DATA_DIR_KEY = 'dfs.datanode.data.dir';
export const ADDRESS_KEY = 'dfs.datanode.address';
export const IPC_ADDRESS_KEY = 'dfs.datanode.ipc.address';

export interface DataNodeSettings {
  /** The storage directory (first of dfs.datanode.data.dir). */
  dataDir: string;
  /** Data transfer bind address (port 0: any free port). */
  xfer: HostPort;
  /** dfs.datanode.ipc.address: the IPC server's bind address (InterDatanodeProtocol). */
  ipc: HostPort;
  /** What the DataNode calls itself (registration hostName, `_HOST`). */
  hostName: string;
  /** The NameNode's RPC address and the key it came from. */
  nameNode: HostPort & { configKey: string };
  /** dfs.heartbeat.interval in ms. */
  heartbeatIntervalMs: number;
  /** dfs.blockreport.intervalMsec. */
  blockReportIntervalMs: number;
  /** dfs.blockreport.incremental.intervalMsec (0: report a received block at once). */
  incrementalReportIntervalMs: number;
  /** dfs.blockreport.initialDelay in ms. */
  blockReportInitialDelayMs: number;
  /** dfs.client.socket-timeout: each read wait on the data port. */
  socketTimeoutMs: number;
  /** dfs.datanode.socket.write.timeout. */
  socketWriteTimeoutMs: number;
  /** dfs.datanode.socket.reuse.keepalive: wait for a further op after a read. */
  keepaliveMs: number;
  /** dfs.datanode.max.transfer.threads. */
  maxTransferConnections: number;
  /** dfs.datanode.xceiver.stop.timeout.millis: block recovery's wait for a write in progress to stop. */
  xceiverStopTimeoutMs: number;
  /** dfs.datanode.bp-ready.timeout in ms. */
  bpReadyTimeoutMs: number;
  /** dfs.datanode.min.supported.namenode.version. */
  minNameNodeVersion: string;
  /** dfs.block.access.token.enable (a secure DataNode refuses to start without it). */
  blockTokenEnabled: boolean;
  /** dfs.datanode.balance.bandwidthPerSec: the balancer bandwidth at start, bytes/s */
  balanceBandwidthPerSec: number;
  /** dfs.permissions.enabled: the admin calls check the caller (DataNode.checkSuperuserPrivilege) */
  permissionsEnabled: boolean;
  /** dfs.permissions.superusergroup */
  superGroup: string;
  /** DataNode.confVersion: "core-<hadoop.common.configuration.version>,hdfs-<hadoop.hdfs.configuration.version>" */
  confVersion: string;
  /** ignore.secure.ports.for.testing. */
  ignoreSecurePortsForTesting: boolean;
  /** dfs.encrypt.data.transfer, dfs.data.transfer.protection, cipher suites and key length. */
  dataTransfer: DataTransferSecurityConfig;
}

/** Reads and checks the DataNode keys; `hostName` overrides the resolved host name (tests, pseudo-cluster). */
export async function dataNodeSettings(conf: Configuration, overrides: { hostName?: string } = {}): Promise<DataNodeSettings> {
  const tmp = conf.getTrimmed('hadoop.tmp.dir') ?? join(tmpdir(), `hadoop-${userInfo().username}`);
  const dirs = conf.getTrimmedStrings(DATA_DIR_KEY);
  const dataDir = (dirs[0] ?? join(tmp, 'dfs', 'data')).replace(/^file:\/\//, '');
  const xfer = parseHostPort(conf.getTrimmed(ADDRESS_KEY) ?? '0.0.0.0:9866', ADDRESS_KEY);
  const ipc = parseHostPort(conf.getTrimmed(IPC_ADDRESS_KEY) ?? '0.0.0.0:9867', IPC_ADDRESS_KEY);
  const configuredHost = conf.getTrimmed('dfs.datanode.hostname');
  const maxTransferConnections = conf.getInt('dfs.datanode.max.transfer.threads');
  if (maxTransferConnections < 1) {
    throw new ConfigError('CONFIG_INVALID', `dfs.datanode.max.transfer.threads must be at least 1, got ${maxTransferConnections}`, { configKey: 'dfs.datanode.max.transfer.threads' });
  }
  return {
    dataDir,
    xfer,
    ipc,
    hostName: overrides.hostName ?? configuredHost ?? (await localCanonicalHostName()),
    nameNode: nameNodeBindAddress(conf),
    heartbeatIntervalMs: positive('dfs.heartbeat.interval', conf.getTimeDuration('dfs.heartbeat.interval', 's', 'ms')),
    blockReportIntervalMs: positive('dfs.blockreport.intervalMsec', conf.getTimeDuration('dfs.blockreport.intervalMsec', 'ms', 'ms')),
    incrementalReportIntervalMs: Math.max(0, conf.getTimeDuration('dfs.blockreport.incremental.intervalMsec', 'ms', 'ms')),
    blockReportInitialDelayMs: conf.getTimeDuration('dfs.blockreport.initialDelay', 's', 'ms'),
    socketTimeoutMs: positive('dfs.client.socket-timeout', conf.getTimeDuration('dfs.client.socket-timeout', 'ms', 'ms')),
    socketWriteTimeoutMs: positive('dfs.datanode.socket.write.timeout', conf.getTimeDuration('dfs.datanode.socket.write.timeout', 'ms', 'ms')),
    keepaliveMs: conf.getTimeDuration('dfs.datanode.socket.reuse.keepalive', 'ms', 'ms'),
    maxTransferConnections,
    xceiverStopTimeoutMs: positive('dfs.datanode.xceiver.stop.timeout.millis', conf.getTimeDuration('dfs.datanode.xceiver.stop.timeout.millis', 'ms', 'ms')),
    bpReadyTimeoutMs: conf.getTimeDuration('dfs.datanode.bp-ready.timeout', 's', 'ms'),
    minNameNodeVersion: conf.getTrimmed('dfs.datanode.min.supported.namenode.version') ?? '2.1.0-beta',
    blockTokenEnabled: conf.getBoolean('dfs.block.access.token.enable'),
    balanceBandwidthPerSec: conf.getLongBytes('dfs.datanode.balance.bandwidthPerSec'),
    permissionsEnabled: conf.getBoolean('dfs.permissions.enabled'),
    superGroup: conf.getTrimmed('dfs.permissions.superusergroup') ?? 'supergroup',
    confVersion: `core-${conf.get('hadoop.common.configuration.version') ?? 'UNSPECIFIED'},hdfs-${conf.get('hadoop.hdfs.configuration.version') ?? 'UNSPECIFIED'}`,
    ignoreSecurePortsForTesting: conf.getBoolean('ignore.secure.ports.for.testing'),
    dataTransfer: dataTransferSecurityFromConfig(conf),
  };
}

function positive(key: string, value: number): number {
  if (!(value > 0)) throw new ConfigError('CONFIG_INVALID', `${key} must be positive, got ${value} ms`, { configKey: key, value });
  return value;
}
