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
    name: 'hadoop.security.saslproperties.resolver.class',
    usedBy: ['hsec namenode', 'fetchdt, dtutil'],
    type: 'class',
    description:
      'SaslPropertiesResolver choosing the QOP per connection, for servers and clients alike unless the hsec.security.saslproperties.resolver.server/client.class keys say otherwise: ' +
      'unset or org.apache.hadoop.security.SaslPropertiesResolver (default) = hadoop.rpc.protection for everyone; ' +
      'org.apache.hadoop.security.WhitelistBasedResolver (whitelist) = see docs/selective-encryption.md.',
  }),
  key({
    name: 'hsec.security.saslproperties.resolver.server.class',
    usedBy: ['hsec namenode'],
    type: 'class',
    description: 'Resolver for the connections this process serves; unset = hadoop.security.saslproperties.resolver.class.',
  }),
  key({
    name: 'hsec.security.saslproperties.resolver.client.class',
    usedBy: ['fetchdt, dtutil'],
    type: 'class',
    description: 'Resolver for the connections this process makes as a client; unset = hadoop.security.saslproperties.resolver.class.',
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
    usedBy: ['hsec namenode'],
    type: 'string',
    default: '/etc/hadoop/fixedwhitelist',
    description: 'WhitelistBasedResolver: file of IPs, CIDRs and host names (one a line) whose clients get hadoop.rpc.protection; read once at start. Missing or unreadable: whitelists nobody (fail closed).',
  }),
  key({
    name: 'hadoop.security.sasl.variablewhitelist.enable',
    usedBy: ['hsec namenode'],
    type: 'boolean',
    default: 'false',
    description: 'WhitelistBasedResolver: also consult the reloadable variable whitelist file.',
  }),
  key({
    name: 'hadoop.security.sasl.variablewhitelist.file',
    usedBy: ['hsec namenode'],
    type: 'string',
    default: '/etc/hadoop/whitelist',
    description: 'WhitelistBasedResolver: the variable whitelist file (same format as the fixed one), re-read after cache.secs.',
  }),
  key({
    name: 'hadoop.security.sasl.variablewhitelist.cache.secs',
    usedBy: ['hsec namenode'],
    type: 'long',
    default: '3600',
    // Hadoop reads it with conf.getLong (no unit suffix) and multiplies by 1000.
    description: 'WhitelistBasedResolver: seconds after a load of the variable whitelist before the next lookup re-reads it; negative = never. A plain number (Hadoop reads it with getLong).',
  }),
  key({
    name: 'hadoop.rpc.protection.non-whitelist',
    usedBy: ['hsec namenode'],
    type: 'strings',
    itemValues: QOP,
    default: 'privacy',
    description: 'WhitelistBasedResolver: QOP list for clients not on the whitelist (and clients whose address is unknown).',
  }),
  key({
    name: 'hsec.security.sasl.private.principals.file',
    usedBy: ['hsec namenode'],
    type: 'string',
    description:
      'File of Kerberos principal patterns (one a line, e.g. etl/*@EXAMPLE.COM) whose connections must use privacy (auth-conf), ' +
      'wherever they come from, with any resolver. Unset = no principal rules. Set but unreadable: every principal must use privacy (fail closed).',
  }),
  key({
    name: 'hsec.security.sasl.private.principals.cache.secs',
    usedBy: ['hsec namenode'],
    type: 'long',
    default: '3600',
    description: 'Seconds after a load of hsec.security.sasl.private.principals.file before the next decision re-reads it; negative = never.',
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
    usedBy: ['fetchdt, dtutil'],
    type: 'duration',
    unit: 'ms',
    default: '10000',
    description: 'Idle time after which the RPC client closes a connection.',
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
