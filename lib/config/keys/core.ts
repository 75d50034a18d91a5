/**
 * hadoop-common keys (core-site.xml), with the names and defaults of Hadoop 3.4's core-default.xml and
 * `CommonConfigurationKeys(Public)`. Add a key by adding one `key({
    name: 'fs.permissions.umask-mode',
    usedBy: ['HdfsClient, hsec fs'],
    type: 'string',
    default: '022',
    description: 'The umask new files and directories are created with: octal (022) or symbolic (u=rwx,g=r-x,o=r-x).',
  }),
  key({...})` entry to this table.
 */
import { key, type KeyDef } from '../types.ts';

const QOP = ['authentication', 'integrity', 'privacy'];

export const CORE_KEYS: readonly KeyDef[] = [
  key({
    name: 'hadoop.tmp.dir',
    usedBy: ['hsec namenode', 'hsec datanode'],
    type: 'string',
    default: '/tmp/hadoop-${user.name}',
    description: 'Base for other temporary directories (core-default.xml).',
  }),
  key({
    name: 'hadoop.common.configuration.version',
    usedBy: ['hsec datanode'],
    type: 'string',
    default: '3.0.0',
    description: 'Version of the core configuration (core-default.xml); a DataNode reports it in its config version (hdfs dfsadmin -getDatanodeInfo).',
  }),
  key({
    name: 'fs.defaultFS',
    usedBy: ['hsec namenode', 'fetchdt, dtutil, dfsadmin', 'hsec datanode'],
    type: 'string',
    default: 'file:///',
    deprecated: ['fs.default.name'],
    description: 'URI of the default file system, e.g. hdfs://nn.example.test:8020.',
  }),
  key({
    name: 'hadoop.security.authentication',
    usedBy: ['hsec namenode', 'fetchdt, dtutil, dfsadmin', 'hsec datanode'],
    type: 'enum',
    values: ['simple', 'kerberos'],
    default: 'simple',
    description: 'Authentication method: simple (no authentication) or kerberos.',
  }),
  key({
    name: 'hadoop.security.authorization',
    usedBy: ['hsec namenode (service ACLs, DataNode principal check)'],
    type: 'boolean',
    default: 'false',
    description: 'Whether service-level authorization (hadoop-policy.xml ACLs) is enabled.',
  }),
  key({
    name: 'hadoop.security.group.mapping',
    usedBy: ['hsec namenode (permission checks, service ACLs)'],
    type: 'class',
    default: 'org.apache.hadoop.security.JniBasedUnixGroupsMappingWithFallback',
    description:
      'Where user groups come from: org.apache.hadoop.security.ShellBasedUnixGroupsMapping (or the default JniBasedUnixGroupsMappingWithFallback, ' +
      'which hsec answers the same way) runs `id -gn USER` and `id -Gn USER`; org.apache.hadoop.security.NullGroupsMapping gives none.',
  }),
  key({
    name: 'hadoop.user.group.static.mapping.overrides',
    usedBy: ['hsec namenode (permission checks, service ACLs)'],
    type: 'string',
    default: 'dr.who=;',
    description: 'Fixed groups for some users, ahead of the group mapping: user1=group1,group2;user2=;user3=group2 (an empty list = no groups).',
  }),
  key({
    name: 'hadoop.security.groups.cache.secs',
    usedBy: ['hsec namenode (permission checks, service ACLs)'],
    type: 'duration',
    unit: 's',
    default: '300',
    description: 'How long looked-up groups are cached.',
  }),
  key({
    name: 'hadoop.security.groups.negative-cache.secs',
    usedBy: ['hsec namenode (permission checks, service ACLs)'],
    type: 'duration',
    unit: 's',
    default: '30',
    description: 'How long a user without groups is remembered as such (0 = not cached).',
  }),
  key({
    name: 'security.service.authorization.default.acl',
    usedBy: ['hsec namenode (with hadoop.security.authorization)'],
    type: 'string',
    default: '*',
    description: 'Service ACL of every protocol whose own security.*.protocol.acl is unset ("user1,user2 group1,group2"; * = everyone).',
  }),
  key({
    name: 'security.service.authorization.default.acl.blocked',
    usedBy: ['hsec namenode (with hadoop.security.authorization)'],
    type: 'string',
    default: '',
    description: 'Users and groups refused every protocol whose own .blocked list is unset.',
  }),
  key({
    name: 'security.service.authorization.default.hosts',
    usedBy: ['hsec namenode (with hadoop.security.authorization)'],
    type: 'string',
    default: '*',
    description: 'Client hosts admitted to every protocol whose own security.*.protocol.hosts is unset: IPs, CIDR ranges, host names (MachineList), * = all.',
  }),
  key({
    name: 'security.service.authorization.default.hosts.blocked',
    usedBy: ['hsec namenode (with hadoop.security.authorization)'],
    type: 'string',
    default: '',
    description: 'Client hosts refused every protocol whose own .hosts.blocked list is unset.',
  }),
  key({
    name: 'security.client.protocol.acl',
    usedBy: ['hsec namenode (with hadoop.security.authorization)'],
    type: 'string',
    description: 'Service ACL of ClientProtocol: "user1,user2 group1,group2" (a leading space = groups only), * = everyone. Unset: security.service.authorization.default.acl.',
  }),
  key({
    name: 'security.client.protocol.acl.blocked',
    usedBy: ['hsec namenode (with hadoop.security.authorization)'],
    type: 'string',
    description: 'Users and groups refused ClientProtocol even when the ACL admits them (same syntax). Unset: security.service.authorization.default.acl.blocked.',
  }),
  key({
    name: 'security.datanode.protocol.acl',
    usedBy: ['hsec namenode (with hadoop.security.authorization)'],
    type: 'string',
    description: 'Service ACL of DatanodeProtocol (on top of the dfs.datanode.kerberos.principal check), same syntax. Unset: security.service.authorization.default.acl.',
  }),
  key({
    name: 'security.datanode.protocol.acl.blocked',
    usedBy: ['hsec namenode (with hadoop.security.authorization)'],
    type: 'string',
    description: 'Users and groups refused DatanodeProtocol even when the ACL admits them. Unset: security.service.authorization.default.acl.blocked.',
  }),
  key({
    name: 'security.refresh.policy.protocol.acl',
    usedBy: ['hsec namenode (with hadoop.security.authorization)'],
    type: 'string',
    description: 'Service ACL of RefreshAuthorizationPolicyProtocol (hsec dfsadmin -refreshServiceAcl), same syntax; name the HDFS administrators here. Unset: security.service.authorization.default.acl.',
  }),
  key({
    name: 'security.refresh.policy.protocol.acl.blocked',
    usedBy: ['hsec namenode (with hadoop.security.authorization)'],
    type: 'string',
    description: 'Users and groups refused RefreshAuthorizationPolicyProtocol even when the ACL admits them. Unset: security.service.authorization.default.acl.blocked.',
  }),
  key({
    name: 'security.refresh.user.mappings.protocol.acl',
    usedBy: ['hsec namenode (with hadoop.security.authorization)'],
    type: 'string',
    description: 'Service ACL of RefreshUserMappingsProtocol (hsec dfsadmin -refreshUserToGroupsMappings and -refreshSuperUserGroupsConfiguration), same syntax; name the HDFS administrators here. Unset: security.service.authorization.default.acl.',
  }),
  key({
    name: 'security.refresh.user.mappings.protocol.acl.blocked',
    usedBy: ['hsec namenode (with hadoop.security.authorization)'],
    type: 'string',
    description: 'Users and groups refused RefreshUserMappingsProtocol even when the ACL admits them. Unset: security.service.authorization.default.acl.blocked.',
  }),
  key({
    name: 'security.client.protocol.hosts',
    usedBy: ['hsec namenode (with hadoop.security.authorization)'],
    type: 'string',
    description: 'Client hosts admitted to ClientProtocol (MachineList: IPs, CIDR ranges, host names, *). Unset: security.service.authorization.default.hosts.',
  }),
  key({
    name: 'security.client.protocol.hosts.blocked',
    usedBy: ['hsec namenode (with hadoop.security.authorization)'],
    type: 'string',
    description: 'Client hosts refused ClientProtocol. Unset: security.service.authorization.default.hosts.blocked.',
  }),
  key({
    name: 'security.datanode.protocol.hosts',
    usedBy: ['hsec namenode (with hadoop.security.authorization)'],
    type: 'string',
    description: 'Client hosts admitted to DatanodeProtocol (MachineList: IPs, CIDR ranges, host names, *). Unset: security.service.authorization.default.hosts.',
  }),
  key({
    name: 'security.datanode.protocol.hosts.blocked',
    usedBy: ['hsec namenode (with hadoop.security.authorization)'],
    type: 'string',
    description: 'Client hosts refused DatanodeProtocol. Unset: security.service.authorization.default.hosts.blocked.',
  }),
  key({
    name: 'security.client.datanode.protocol.acl',
    usedBy: ['hsec datanode (with hadoop.security.authorization)'],
    type: 'string',
    description: 'Service ACL of ClientDatanodeProtocol (getReplicaVisibleLength: a reader of a file being written, authenticated by its block token, whose user is <blockPoolId>:<blockId> or the token\'s user), same syntax. Unset: security.service.authorization.default.acl.',
  }),
  key({
    name: 'security.client.datanode.protocol.acl.blocked',
    usedBy: ['hsec datanode (with hadoop.security.authorization)'],
    type: 'string',
    description: 'Users and groups refused ClientDatanodeProtocol even when the ACL admits them. Unset: security.service.authorization.default.acl.blocked.',
  }),
  key({
    name: 'security.client.datanode.protocol.hosts',
    usedBy: ['hsec datanode (with hadoop.security.authorization)'],
    type: 'string',
    description: 'Client hosts admitted to ClientDatanodeProtocol (MachineList: IPs, CIDR ranges, host names, *). Unset: security.service.authorization.default.hosts.',
  }),
  key({
    name: 'security.client.datanode.protocol.hosts.blocked',
    usedBy: ['hsec datanode (with hadoop.security.authorization)'],
    type: 'string',
    description: 'Client hosts refused ClientDatanodeProtocol. Unset: security.service.authorization.default.hosts.blocked.',
  }),
  key({
    name: 'security.inter.datanode.protocol.acl',
    usedBy: ['hsec datanode (with hadoop.security.authorization)'],
    type: 'string',
    description: 'Service ACL of InterDatanodeProtocol (block recovery between DataNodes; on top of the dfs.datanode.kerberos.principal check), same syntax. Unset: security.service.authorization.default.acl.',
  }),
  key({
    name: 'security.inter.datanode.protocol.acl.blocked',
    usedBy: ['hsec datanode (with hadoop.security.authorization)'],
    type: 'string',
    description: 'Users and groups refused InterDatanodeProtocol even when the ACL admits them. Unset: security.service.authorization.default.acl.blocked.',
  }),
  key({
    name: 'security.inter.datanode.protocol.hosts',
    usedBy: ['hsec datanode (with hadoop.security.authorization)'],
    type: 'string',
    description: 'Hosts admitted to InterDatanodeProtocol (MachineList: IPs, CIDR ranges, host names, *). Unset: security.service.authorization.default.hosts.',
  }),
  key({
    name: 'security.inter.datanode.protocol.hosts.blocked',
    usedBy: ['hsec datanode (with hadoop.security.authorization)'],
    type: 'string',
    description: 'Hosts refused InterDatanodeProtocol. Unset: security.service.authorization.default.hosts.blocked.',
  }),
  key({
    name: 'security.refresh.policy.protocol.hosts',
    usedBy: ['hsec namenode (with hadoop.security.authorization)'],
    type: 'string',
    description: 'Client hosts admitted to RefreshAuthorizationPolicyProtocol (MachineList: IPs, CIDR ranges, host names, *). Unset: security.service.authorization.default.hosts.',
  }),
  key({
    name: 'security.refresh.policy.protocol.hosts.blocked',
    usedBy: ['hsec namenode (with hadoop.security.authorization)'],
    type: 'string',
    description: 'Client hosts refused RefreshAuthorizationPolicyProtocol. Unset: security.service.authorization.default.hosts.blocked.',
  }),
  key({
    name: 'security.refresh.user.mappings.protocol.hosts',
    usedBy: ['hsec namenode (with hadoop.security.authorization)'],
    type: 'string',
    description: 'Client hosts admitted to RefreshUserMappingsProtocol (MachineList: IPs, CIDR ranges, host names, *). Unset: security.service.authorization.default.hosts.',
  }),
  key({
    name: 'security.refresh.user.mappings.protocol.hosts.blocked',
    usedBy: ['hsec namenode (with hadoop.security.authorization)'],
    type: 'string',
    description: 'Client hosts refused RefreshUserMappingsProtocol. Unset: security.service.authorization.default.hosts.blocked.',
  }),
  key({
    name: 'io.file.buffer.size',
    usedBy: ['hsec namenode (server defaults)'],
    type: 'int',
    default: '4096',
    description: 'File buffer size reported in the NameNode server defaults.',
  }),
  key({
    name: 'fs.trash.interval',
    usedBy: ['hsec namenode (server defaults, trash emptier)', 'hsec fs -rm, -expunge', 'HdfsClient.moveToTrash'],
    type: 'float',
    default: '0',
    description: 'Minutes a deleted file stays in the trash (TrashPolicyDefault). 0 = no trash: `hsec fs -rm` deletes at once. ' +
      'The NameNode reports it in its server defaults, where it overrides the client\'s value when not 0, and with a value above 0 ' +
      'runs the trash emptier; the NameNode needs whole minutes (Hadoop reads it there with getLong).',
  }),
  key({
    name: 'fs.trash.clean.trashroot.enable',
    usedBy: ['hsec namenode (trash emptier)', 'hsec fs -expunge'],
    type: 'boolean',
    default: 'false',
    description: 'Whether an entry of a user\'s .Trash whose name is not a checkpoint time (yyMMddHHmmss) is deleted when ' +
      'checkpoints are (TrashPolicyDefault, HADOOP-18801). false: it is left alone and logged.',
  }),
  key({
    name: 'hadoop.shell.delete.limit.num.files',
    usedBy: ['hsec fs -rm -safely'],
    type: 'long',
    default: '100',
    description: 'With `hsec fs -rm -safely`, deleting a directory of more files than this asks for confirmation (0 = never asks).',
  }),
  key({
    name: 'fs.trash.checkpoint.interval',
    usedBy: ['hsec namenode (trash emptier)'],
    type: 'float',
    default: '0',
    description: 'Minutes between the NameNode\'s trash checkpoints (Current renamed to a yyMMddHHmmss directory); ' +
      '0 or more than fs.trash.interval = fs.trash.interval.',
  }),
  key({
    name: 'hadoop.rpc.protection',
    usedBy: ['hsec namenode', 'fetchdt, dtutil, dfsadmin', 'hsec datanode'],
    type: 'strings',
    itemValues: QOP,
    default: 'authentication',
    description:
      'Comma list of SASL protections for RPC, in preference order: authentication (auth), ' +
      'integrity (auth-int), privacy (auth-conf).',
  }),
  key({
    name: 'hsec.rpc.privacy.fast',
    usedBy: ['hsec namenode', 'fetchdt, dtutil, dfsadmin'],
    type: 'boolean',
    default: 'true',
    description:
      'Between two hsec peers whose SASL QOP is auth-conf (privacy), replace SASL wrapping after authentication with AES-256-GCM ' +
      'under fresh per-direction keys sent inside the SASL layer (docs/fast-privacy.md). Negotiated with a field stock Hadoop ignores: ' +
      'stock Hadoop clients and servers always get standard SASL wrapping. Both sides must allow it; false on either side keeps standard wrapping.',
  }),
  key({
    name: 'hadoop.security.saslproperties.resolver.class',
    usedBy: ['hsec namenode', 'hsec datanode', 'hsec policy', 'fetchdt, dtutil, dfsadmin'],
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
    usedBy: ['fetchdt, dtutil, dfsadmin'],
    type: 'class',
    description: 'Resolver for the connections this process makes as a client; unset = hadoop.security.saslproperties.resolver.class.',
  }),
  key({
    name: 'hadoop.security.token.service.use_ip',
    usedBy: ['fetchdt, dtutil, dfsadmin'],
    type: 'boolean',
    default: 'true',
    description: 'Token service names use ip:port (true) or host:port (false).',
  }),
  key({
    name: 'hadoop.security.sasl.fixedwhitelist.file',
    usedBy: ['hsec namenode', 'hsec policy'],
    type: 'string',
    default: '/etc/hadoop/fixedwhitelist',
    description: 'WhitelistBasedResolver: file of IPs, CIDRs and host names (one a line) whose clients get hadoop.rpc.protection; read once at start. Missing or unreadable: whitelists nobody (fail closed).',
  }),
  key({
    name: 'hadoop.security.sasl.variablewhitelist.enable',
    usedBy: ['hsec namenode', 'hsec policy'],
    type: 'boolean',
    default: 'false',
    description: 'WhitelistBasedResolver: also consult the reloadable variable whitelist file.',
  }),
  key({
    name: 'hadoop.security.sasl.variablewhitelist.file',
    usedBy: ['hsec namenode', 'hsec policy'],
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
    usedBy: ['hsec namenode', 'hsec policy'],
    type: 'strings',
    itemValues: QOP,
    default: 'privacy',
    description: 'WhitelistBasedResolver: QOP list for clients not on the whitelist (and clients whose address is unknown).',
  }),
  key({
    name: 'hsec.security.sasl.private.principals.file',
    usedBy: ['hsec namenode', 'hsec policy'],
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
    name: 'hsec.security.sasl.whitelist.store',
    usedBy: ['hsec namenode', 'hsec policy'],
    type: 'enum',
    values: ['file', 'zookeeper'],
    default: 'file',
    description:
      'Where the whitelist that changes at run time and the principal rules live: file (Hadoop\'s whitelist files, hsec.security.sasl.private.principals.file) ' +
      'or zookeeper (the znodes hsec.security.sasl.whitelist.zookeeper.path and hsec.security.sasl.private.principals.zookeeper.path, watched through the hadoop.zk.* session; ' +
      'the ZooKeeper whitelist takes the place of the variable whitelist file, the fixed file still applies).',
  }),
  key({
    name: 'hsec.security.sasl.whitelist.zookeeper.path',
    usedBy: ['hsec namenode', 'hsec policy'],
    type: 'string',
    default: '/hsec/whitelist',
    description: 'With hsec.security.sasl.whitelist.store=zookeeper: the znode holding the whitelist (UTF-8 text, one entry a line). Missing = empty list. Writers need its ACL (hadoop.zk.acl); servers read only.',
  }),
  key({
    name: 'hsec.security.sasl.private.principals.zookeeper.path',
    usedBy: ['hsec namenode', 'hsec policy'],
    type: 'string',
    default: '/hsec/private-principals',
    description: 'With hsec.security.sasl.whitelist.store=zookeeper: the znode holding the principal rules (one pattern a line). Missing = no rules.',
  }),
  key({
    name: 'hsec.security.sasl.policy.audit.file',
    usedBy: ['hsec policy'],
    type: 'string',
    description:
      'File hsec policy appends one line to per change (time, user, action, entry, store; mode 0600). Unset = hsec-policy-audit.log in the directory of the edited list file (file store), ' +
      'or ${hadoop.tmp.dir}/hsec-policy-audit.log (ZooKeeper store).',
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
    usedBy: ['fetchdt, dtutil, dfsadmin', 'hsec datanode'],
    type: 'int',
    default: '134217728',
    description: 'Largest RPC response (bytes) a client accepts; 0 disables the check.',
  }),
  key({
    name: 'ipc.ping.interval',
    usedBy: ['fetchdt, dtutil, dfsadmin', 'hsec datanode'],
    type: 'duration',
    unit: 'ms',
    default: '60000',
    description: 'Interval between client pings on an idle connection waiting for a response.',
  }),
  key({
    name: 'ipc.client.ping',
    usedBy: ['fetchdt, dtutil, dfsadmin', 'hsec datanode'],
    type: 'boolean',
    default: 'true',
    description: 'Whether the RPC client sends pings while waiting for a response.',
  }),
  key({
    name: 'ipc.client.connect.timeout',
    usedBy: ['fetchdt, dtutil, dfsadmin', 'hsec datanode'],
    type: 'duration',
    unit: 'ms',
    default: '20000',
    description: 'Timeout for establishing an RPC connection.',
  }),
  key({
    name: 'ipc.client.connection.maxidletime',
    usedBy: ['hsec namenode', 'fetchdt, dtutil, dfsadmin', 'hsec datanode'],
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
    usedBy: ['fetchdt, dtutil, dfsadmin'],
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
    usedBy: ['ZooKeeper clients (zkClientOptionsFromConfig): hsec namenode, hsec policy'],
    type: 'string',
    description: 'ZooKeeper connect string: comma list of host:port, optionally followed by a /chroot path. Required by every ZooKeeper user.',
  }),
  key({
    name: 'hadoop.zk.timeout-ms',
    usedBy: ['ZooKeeper clients (zkClientOptionsFromConfig): hsec namenode, hsec policy'],
    type: 'int',
    default: '10000',
    description: 'ZooKeeper session timeout in ms (the server clamps it to 2..20 ticks); also the default deadline of each ZooKeeper operation in hsec.',
  }),
  key({
    name: 'hadoop.zk.num-retries',
    usedBy: ['ZooKeeper clients (zkClientOptionsFromConfig): hsec namenode, hsec policy'],
    type: 'int',
    default: '1000',
    description: 'Curator RetryNTimes count: how often a read interrupted by a lost ZooKeeper connection is retried (always within the operation deadline).',
  }),
  key({
    name: 'hadoop.zk.retry-interval-ms',
    usedBy: ['ZooKeeper clients (zkClientOptionsFromConfig): hsec namenode, hsec policy'],
    type: 'int',
    default: '1000',
    description: 'Longest wait in ms between rounds of ZooKeeper reconnect attempts (hsec backs off from 50 ms up to this).',
  }),
  key({
    name: 'hadoop.zk.acl',
    usedBy: ['ZooKeeper clients (zkClientOptionsFromConfig): hsec namenode, hsec policy'],
    type: 'string',
    default: 'world:anyone:rwcda',
    description: 'ACL for znodes hsec creates: comma list of scheme:id:perms, perms from r w c d a (e.g. digest:admin:HASH:rwcda,world:anyone:r). @/path/file reads it from a file.',
  }),
  key({
    name: 'hadoop.zk.auth',
    usedBy: ['ZooKeeper clients (zkClientOptionsFromConfig): hsec namenode, hsec policy'],
    type: 'string',
    description: 'Identities sent after connecting: comma list of scheme:auth (e.g. digest:admin:password). @/path/file reads it from a file, so the password stays out of core-site.xml.',
  }),
  key({
    name: 'hadoop.zk.server.principal',
    usedBy: ['ZooKeeper clients (zkSessionFromConfig): hsec namenode, hsec policy'],
    type: 'string',
    description: 'Service name of the ZooKeeper server principal for SASL (ZooKeeper zookeeper.sasl.client.username, as ZKCuratorManager sets it): the principal is <name>/<server host>; unset = zookeeper.',
  }),
  key({
    name: 'hadoop.zk.kerberos.principal',
    usedBy: ['ZooKeeper clients (zkSessionFromConfig): hsec namenode, hsec policy'],
    type: 'string',
    description: 'Kerberos principal the ZooKeeper client logs in as (with hadoop.zk.kerberos.keytab); _HOST is replaced by the local host name. Unset = no SASL.',
  }),
  key({
    name: 'hadoop.zk.kerberos.keytab',
    usedBy: ['ZooKeeper clients (zkSessionFromConfig): hsec namenode, hsec policy'],
    type: 'string',
    description: 'Keytab for hadoop.zk.kerberos.principal.',
  }),
];

/**
 * `ZKDelegationTokenSecretManager` keys (hadoop-common security/token/delegation/, Hadoop 3.4.1: the
 * constants and their defaults), read by hsec's ZooKeeper token store (hsec.namenode.delegation.token.store=zookeeper).
 */
const ZKDTSM = ['hsec namenode (zookeeper token store)'];
export const ZK_DT_SECRET_MANAGER_KEYS: readonly KeyDef[] = [
  key({
    name: 'zk-dt-secret-manager.zkConnectionString',
    usedBy: ZKDTSM,
    type: 'string',
    description: 'ZooKeeper connect string (host:port,...) of the shared delegation-token store. Required ("Zookeeper connection string cannot be null").',
  }),
  key({
    name: 'zk-dt-secret-manager.zkAuthType',
    usedBy: ZKDTSM,
    type: 'enum',
    values: ['none', 'sasl'],
    description:
      'ZooKeeper authentication, required: none (znodes world:anyone:cdrwa, Curator\'s DefaultACLProvider) or sasl (Kerberos login from ' +
      'zk-dt-secret-manager.kerberos.keytab/.principal; znodes sasl:<first component of the principal>:cdrwa, SASLOwnerACLProvider).',
  }),
  key({
    name: 'zk-dt-secret-manager.znodeWorkingPath',
    usedBy: ZKDTSM,
    type: 'string',
    default: 'zkdtsm',
    description: 'Parent znode; data lives under /<path>/ZKDTSMRoot (the Curator namespace).',
  }),
  key({
    name: 'zk-dt-secret-manager.zkSessionTimeout',
    usedBy: ZKDTSM,
    type: 'int',
    default: '10000',
    description: 'ZooKeeper session timeout, ms (conf.getInt: a plain number).',
  }),
  key({
    name: 'zk-dt-secret-manager.zkConnectionTimeout',
    usedBy: ZKDTSM,
    type: 'int',
    default: '10000',
    description: 'How long start-up waits for the ZooKeeper connection, ms (conf.getInt).',
  }),
  key({
    name: 'zk-dt-secret-manager.zkShutdownTimeout',
    type: 'int',
    default: '10000',
    description: 'Time allowed for closing the ZooKeeper client, ms (hsec closes its session within 1 s).',
  }),
  key({
    name: 'zk-dt-secret-manager.zkNumRetries',
    usedBy: ZKDTSM,
    type: 'int',
    default: '3',
    description: 'Retries of an operation interrupted by a lost connection (Curator RetryNTimes; Hadoop sleeps zkSessionTimeout / zkNumRetries between them).',
  }),
  key({
    name: 'zk-dt-secret-manager.kerberos.keytab',
    usedBy: ZKDTSM,
    type: 'string',
    description: 'Keytab of zk-dt-secret-manager.kerberos.principal, for zkAuthType=sasl.',
  }),
  key({
    name: 'zk-dt-secret-manager.kerberos.principal',
    usedBy: ZKDTSM,
    type: 'string',
    description: 'Principal the store logs in to ZooKeeper as, for zkAuthType=sasl (_HOST = the local host name); its first component names the sasl: ACL.',
  }),
  key({
    name: 'zk-dt-secret-manager.kerberos.server.principal',
    usedBy: ZKDTSM,
    type: 'string',
    description: 'The ZooKeeper server principal (ZKCuratorManager.HadoopZookeeperFactory): service/host@REALM; unset = zookeeper/<server host>.',
  }),
  key({
    name: 'zk-dt-secret-manager.token.seqnum.batch.size',
    usedBy: ZKDTSM,
    type: 'int',
    default: '100',
    description: 'Token sequence numbers reserved from the shared ZooKeeper counter at a time (each NameNode hands out its range locally).',
  }),
  key({
    name: 'zk-dt-secret-manager.token.watcher.enabled',
    type: 'boolean',
    default: 'true',
    description:
      'Hadoop: keep a CuratorCache watch on every token znode. hsec never watches tokens (Hadoop\'s router-based federation turns this off at scale): ' +
      'it looks a token up in ZooKeeper on a cache miss and syncs the token list every zk-dt-secret-manager.router.token.sync.interval.',
  }),
  key({
    name: 'zk-dt-secret-manager.router.token.sync.interval',
    usedBy: ZKDTSM,
    type: 'int',
    default: '5',
    description:
      'Seconds between syncs of the token list with ZooKeeper (Hadoop: ZKDelegationTokenSecretManagerImpl, the router\'s store without watchers): tokens cancelled ' +
      'through another NameNode leave the cache, tokens issued by another are cached, at most this long after the change.',
  }),
];
