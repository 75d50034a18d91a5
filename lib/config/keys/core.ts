/**
 * hadoop-common keys (core-site.xml), with the names and defaults of Hadoop 3.4's core-default.xml and
 * `CommonConfigurationKeys(Public)`. Add a key by adding one `key({...})` entry to this table.
 */
import { key, type KeyDef } from '../types.ts';

const QOP = ['authentication', 'integrity', 'privacy'];

export const CORE_KEYS: readonly KeyDef[] = [
  key({
    name: 'hadoop.tmp.dir',
    usedBy: ['hsec namenode'],
    type: 'string',
    default: '/tmp/hadoop-${user.name}',
    description: 'Base for other temporary directories (core-default.xml).',
  }),
  key({
    name: 'fs.defaultFS',
    usedBy: ['hsec namenode', 'fetchdt, dtutil'],
    type: 'string',
    default: 'file:///',
    deprecated: ['fs.default.name'],
    description: 'URI of the default file system, e.g. hdfs://nn.example.test:8020.',
  }),
  key({
    name: 'hadoop.security.authentication',
    usedBy: ['hsec namenode', 'fetchdt, dtutil'],
    type: 'enum',
    values: ['simple', 'kerberos'],
    default: 'simple',
    description: 'Authentication method: simple (no authentication) or kerberos.',
  }),
  key({
    name: 'hadoop.security.authorization',
    type: 'boolean',
    default: 'false',
    description: 'Whether service-level authorization (hadoop-policy.xml ACLs) is enabled.',
  }),
  key({
    name: 'hadoop.rpc.protection',
    usedBy: ['hsec namenode', 'fetchdt, dtutil'],
    type: 'strings',
    itemValues: QOP,
    default: 'authentication',
    description:
      'Comma list of SASL protections for RPC, in preference order: authentication (auth), ' +
      'integrity (auth-int), privacy (auth-conf).',
  }),
  key({
    name: 'hsec.rpc.privacy.fast',
    usedBy: ['hsec namenode', 'fetchdt, dtutil'],
    type: 'boolean',
    default: 'true',
    description:
      'Between two hsec peers whose SASL QOP is auth-conf (privacy), replace SASL wrapping after authentication with AES-256-GCM ' +
      'under fresh per-direction keys sent inside the SASL layer (docs/fast-privacy.md). Negotiated with a field stock Hadoop ignores: ' +
      'stock Hadoop clients and servers always get standard SASL wrapping. Both sides must allow it; false on either side keeps standard wrapping.',
  }),
  key({
    name: 'hadoop.security.saslproperties.resolver.class',
    usedBy: ['hsec namenode', 'fetchdt, dtutil'],
    type: 'class',
    description: 'SaslPropertiesResolver choosing the QOP per connection; unset = hadoop.rpc.protection for everyone.',
  }),
  key({
    name: 'hadoop.security.token.service.use_ip',
    usedBy: ['fetchdt, dtutil'],
    type: 'boolean',
    default: 'true',
    description: 'Token service names use ip:port (true) or host:port (false).',
  }),
  key({
    name: 'hadoop.security.sasl.fixedwhitelist.file',
    type: 'string',
    default: '/etc/hadoop/fixedwhitelist',
    description: 'WhitelistBasedResolver: file of IPs/CIDRs/hosts always treated as whitelisted.',
  }),
  key({
    name: 'hadoop.security.sasl.variablewhitelist.enable',
    type: 'boolean',
    default: 'false',
    description: 'WhitelistBasedResolver: also consult the reloadable variable whitelist file.',
  }),
  key({
    name: 'hadoop.security.sasl.variablewhitelist.file',
    type: 'string',
    default: '/etc/hadoop/whitelist',
    description: 'WhitelistBasedResolver: reloadable whitelist file.',
  }),
  key({
    name: 'hadoop.security.sasl.variablewhitelist.cache.secs',
    type: 'duration',
    unit: 's',
    default: '3600',
    description: 'WhitelistBasedResolver: reload period of the variable whitelist; negative = never reload.',
  }),
  key({
    name: 'hadoop.rpc.protection.non-whitelist',
    type: 'strings',
    itemValues: QOP,
    default: 'privacy',
    description: 'WhitelistBasedResolver: QOP list for clients not on the whitelist.',
  }),
  key({
    name: 'ipc.maximum.data.length',
    usedBy: ['hsec namenode'],
    type: 'int',
    default: '134217728',
    // 3.x core-default.xml value (seen in apache/hadoop PR 5844's core-default.xml context); 2.x used 64 MiB
    description: 'Largest RPC request (bytes) a server accepts (3.x default 128 MiB; 2.x was 64 MiB).',
  }),
  key({
    name: 'ipc.maximum.response.length',
    usedBy: ['fetchdt, dtutil'],
    type: 'int',
    default: '134217728',
    description: 'Largest RPC response (bytes) a client accepts; 0 disables the check.',
  }),
  key({
    name: 'ipc.ping.interval',
    usedBy: ['fetchdt, dtutil'],
    type: 'duration',
    unit: 'ms',
    default: '60000',
    description: 'Interval between client pings on an idle connection waiting for a response.',
  }),
  key({
    name: 'ipc.client.ping',
    usedBy: ['fetchdt, dtutil'],
    type: 'boolean',
    default: 'true',
    description: 'Whether the RPC client sends pings while waiting for a response.',
  }),
  key({
    name: 'ipc.client.connect.timeout',
    usedBy: ['fetchdt, dtutil'],
    type: 'duration',
    unit: 'ms',
    default: '20000',
    description: 'Timeout for establishing an RPC connection.',
  }),
  key({
    name: 'ipc.client.connection.maxidletime',
    usedBy: ['hsec namenode', 'fetchdt, dtutil'],
    type: 'duration',
    unit: 'ms',
    default: '10000',
    description:
      'Idle time after which the RPC client closes a connection. Servers use twice this value: the idle scan closes ' +
      'connections that have read nothing and have no call in flight for 2 x maxidletime (Server.ConnectionManager).',
  }),
  key({
    name: 'ipc.client.connection.idle-scan-interval.ms',
    usedBy: ['hsec namenode'],
    type: 'int',
    default: '10000',
    description: 'How often (ms) an RPC server scans for idle connections to close (only while ipc.client.idlethreshold connections are open).',
  }),
  key({
    name: 'ipc.client.idlethreshold',
    usedBy: ['hsec namenode'],
    type: 'int',
    default: '4000',
    description: 'Number of open connections from which an RPC server starts closing idle ones.',
  }),
  key({
    name: 'ipc.client.kill.max',
    usedBy: ['hsec namenode'],
    type: 'int',
    default: '10',
    description: 'Most idle connections an RPC server closes in one idle scan.',
  }),
  key({
    name: 'ipc.server.max.connections',
    usedBy: ['hsec namenode'],
    type: 'int',
    default: '0',
    description: 'Most connections an RPC server keeps open; a connection over the limit is closed at accept without a reply. 0 = unlimited.',
  }),
  key({
    name: 'hsec.ipc.server.preauth.max.data.length',
    usedBy: ['hsec namenode'],
    type: 'int',
    default: '262144',
    description:
      'Largest frame (bytes) an RPC server accepts before SASL authentication completes; the connection is closed once more ' +
      'than this has arrived. SASL messages are small: a GSSAPI INITIATE is under 1 KiB with an MIT ticket (772 bytes in a stock Hadoop 3.4.1 trace) and at most ' +
      '65,535 bytes (Windows MaxTokenSize) with an Active Directory PAC; 256 KiB is four times that.',
  }),
  key({
    name: 'hsec.ipc.server.preauth.max.buffered',
    usedBy: ['hsec namenode'],
    type: 'int',
    default: '67108864',
    description:
      'Bytes that all RPC connections still negotiating SASL may hold together; a connection that would go over is closed. ' +
      '64 MiB is 256 maximal pre-authentication frames at once, or tens of thousands of ordinary Kerberos handshakes.',
  }),
  key({
    name: 'ipc.client.fallback-to-simple-auth-allowed',
    usedBy: ['fetchdt, dtutil'],
    type: 'boolean',
    default: 'false',
    description: 'Whether a client with security enabled may fall back to SIMPLE authentication when the server asks it to (a SIMPLE-only server). Off by default: such a connection fails with "Server asks us to fall back to SIMPLE auth".',
  }),
  key({
    name: 'ipc.server.listen.queue.size',
    usedBy: ['hsec namenode'],
    type: 'int',
    default: '256',
    description: 'Listen backlog of RPC server sockets.',
  }),
];

/**
 * The ZooKeeper client keys every Hadoop ZooKeeper user shares (CommonConfigurationKeys ZK_*, read
 * by ZKCuratorManager.start: `conf.getInt`, so plain numbers, no unit suffix).
 */
export const ZK_CLIENT_KEYS: readonly KeyDef[] = [
  key({
    name: 'hadoop.zk.address',
    usedBy: ['ZooKeeper clients (zkClientOptionsFromConfig)'],
    type: 'string',
    description: 'ZooKeeper connect string: comma list of host:port, optionally followed by a /chroot path. Required by every ZooKeeper user.',
  }),
  key({
    name: 'hadoop.zk.timeout-ms',
    usedBy: ['ZooKeeper clients (zkClientOptionsFromConfig)'],
    type: 'int',
    default: '10000',
    description: 'ZooKeeper session timeout in ms (the server clamps it to 2..20 ticks); also the default deadline of each ZooKeeper operation in hsec.',
  }),
  key({
    name: 'hadoop.zk.num-retries',
    usedBy: ['ZooKeeper clients (zkClientOptionsFromConfig)'],
    type: 'int',
    default: '1000',
    description: 'Curator RetryNTimes count: how often a read interrupted by a lost ZooKeeper connection is retried (always within the operation deadline).',
  }),
  key({
    name: 'hadoop.zk.retry-interval-ms',
    usedBy: ['ZooKeeper clients (zkClientOptionsFromConfig)'],
    type: 'int',
    default: '1000',
    description: 'Longest wait in ms between rounds of ZooKeeper reconnect attempts (hsec backs off from 50 ms up to this).',
  }),
  key({
    name: 'hadoop.zk.acl',
    usedBy: ['ZooKeeper clients (zkClientOptionsFromConfig)'],
    type: 'string',
    default: 'world:anyone:rwcda',
    description: 'ACL for znodes hsec creates: comma list of scheme:id:perms, perms from r w c d a (e.g. digest:admin:HASH:rwcda,world:anyone:r). @/path/file reads it from a file.',
  }),
  key({
    name: 'hadoop.zk.auth',
    usedBy: ['ZooKeeper clients (zkClientOptionsFromConfig)'],
    type: 'string',
    description: 'Identities sent after connecting: comma list of scheme:auth (e.g. digest:admin:password). @/path/file reads it from a file, so the password stays out of core-site.xml.',
  }),
  key({
    name: 'hadoop.zk.server.principal',
    usedBy: ['ZooKeeper clients (zkKerberosSaslFromConfig)'],
    type: 'string',
    description: 'Service name of the ZooKeeper server principal for SASL (ZooKeeper zookeeper.sasl.client.username, as ZKCuratorManager sets it): the principal is <name>/<server host>; unset = zookeeper.',
  }),
  key({
    name: 'hadoop.zk.kerberos.principal',
    usedBy: ['ZooKeeper clients (zkKerberosSaslFromConfig)'],
    type: 'string',
    description: 'Kerberos principal the ZooKeeper client logs in as (with hadoop.zk.kerberos.keytab); _HOST is replaced by the local host name. Unset = no SASL.',
  }),
  key({
    name: 'hadoop.zk.kerberos.keytab',
    usedBy: ['ZooKeeper clients (zkKerberosSaslFromConfig)'],
    type: 'string',
    description: 'Keytab for hadoop.zk.kerberos.principal.',
  }),
];

/** `ZKDelegationTokenSecretManager` keys (hadoop-common; hadoop-wire.md 2.6). */
export const ZK_DT_SECRET_MANAGER_KEYS: readonly KeyDef[] = [
  key({
    name: 'zk-dt-secret-manager.zkConnectionString',
    type: 'string',
    description: 'ZooKeeper connection string (host:port,...) for the shared delegation-token store. Required.',
  }),
  key({
    name: 'zk-dt-secret-manager.zkAuthType',
    type: 'enum',
    values: ['none', 'sasl'],
    description: 'ZooKeeper authentication: none or sasl (Kerberos). Required.',
  }),
  key({
    name: 'zk-dt-secret-manager.znodeWorkingPath',
    type: 'string',
    default: 'zkdtsm',
    description: 'Parent znode; data lives under <path>/ZKDTSMRoot.',
  }),
  key({
    name: 'zk-dt-secret-manager.zkSessionTimeout',
    type: 'duration',
    unit: 'ms',
    default: '10000',
    description: 'ZooKeeper session timeout.',
  }),
  key({
    name: 'zk-dt-secret-manager.zkConnectionTimeout',
    type: 'duration',
    unit: 'ms',
    default: '10000',
    description: 'ZooKeeper connection timeout.',
  }),
  key({
    name: 'zk-dt-secret-manager.zkShutdownTimeout',
    type: 'duration',
    unit: 'ms',
    default: '10000',
    description: 'Time allowed for closing the ZooKeeper client.',
  }),
  key({
    name: 'zk-dt-secret-manager.zkNumRetries',
    type: 'int',
    default: '3',
    description: 'Connection retries; the retry sleep is zkSessionTimeout / zkNumRetries.',
  }),
  key({
    name: 'zk-dt-secret-manager.kerberos.keytab',
    type: 'string',
    description: 'Keytab for sasl ZooKeeper authentication.',
  }),
  key({
    name: 'zk-dt-secret-manager.kerberos.principal',
    type: 'string',
    description: 'Principal for sasl ZooKeeper authentication (_HOST substituted).',
  }),
  key({
    name: 'zk-dt-secret-manager.kerberos.server.principal',
    type: 'string',
    description: 'ZooKeeper server principal expected by the client (newer Hadoop versions).',
  }),
  key({
    name: 'zk-dt-secret-manager.token.seqnum.batch.size',
    type: 'int',
    default: '100',
    description: 'Token sequence numbers reserved from ZooKeeper per batch.',
  }),
  key({
    name: 'zk-dt-secret-manager.token.watcher.enabled',
    type: 'boolean',
    default: 'true',
    description: 'Watch the token znodes to keep a local cache of all tokens.',
  }),
];
