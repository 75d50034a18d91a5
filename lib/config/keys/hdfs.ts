/**
 * HDFS keys (hdfs-site.xml) with Hadoop 3.4's names and defaults (hdfs-default.xml, `DFSConfigKeys`,
 * `HdfsClientConfigKeys`). Durations keep Hadoop's unit for bare numbers: Hadoop reads the delegation
 * intervals in milliseconds and the block-key intervals in minutes with `getLong`, so plain numbers mean
 * exactly what they mean to Hadoop; suffixed values (`1d`) are an hsec extension Hadoop would reject.
 */
import { key, type KeyDef } from '../types.ts';

export const HDFS_KEYS: readonly KeyDef[] = [
  key({
    name: 'dfs.user.home.dir.prefix',
    usedBy: ['HdfsClient, hsec fs'],
    type: 'string',
    default: '/user',
    description: 'Parent of user home directories: a client resolves relative paths against <prefix>/<short user name>.',
  }),
  key({
    name: 'dfs.namenode.rpc-address',
    usedBy: ['hsec namenode', 'fetchdt, dtutil', 'hsec datanode'],
    type: 'string',
    description: 'host:port of the NameNode RPC server (client protocol).',
  }),
  key({
    name: 'dfs.namenode.name.dir',
    usedBy: ['hsec namenode'],
    type: 'strings',
    default: 'file://${hadoop.tmp.dir}/dfs/name',
    description: 'Where the NameNode keeps its state; hsec keeps its delegation tokens and master keys there (journal store hsec-delegation-tokens/, files 0600; an older hsec-delegation-tokens.json is migrated on first start).',
  }),
  key({
    name: 'dfs.namenode.keytab.file',
    usedBy: ['hsec namenode'],
    type: 'string',
    description: 'Keytab holding the NameNode service principal key.',
  }),
  key({
    name: 'dfs.namenode.kerberos.principal',
    usedBy: ['hsec namenode', 'fetchdt, dtutil', 'hsec datanode'],
    type: 'string',
    description: 'NameNode service principal, e.g. nn/_HOST@EXAMPLE.TEST (_HOST = the server host name, lower-cased).',
  }),
  key({
    name: 'dfs.namenode.kerberos.principal.pattern',
    usedBy: ['fetchdt, dtutil'],
    type: 'string',
    description:
      'Client side: glob the NameNode principal must match instead of equalling dfs.namenode.kerberos.principal ' +
      '(SaslRpcClient reads <principal key>.pattern). Unset = exact match required; * accepts any server principal.',
  }),
  key({
    name: 'dfs.namenode.delegation.key.update-interval',
    usedBy: ['hsec namenode'],
    type: 'duration',
    unit: 'ms',
    default: '86400000',
    description: 'How often the NameNode rolls the delegation-token master key.',
  }),
  key({
    name: 'dfs.namenode.delegation.token.renew-interval',
    usedBy: ['hsec namenode'],
    type: 'duration',
    unit: 'ms',
    default: '86400000',
    description: 'How long a delegation token stays valid after issue or renewal.',
  }),
  key({
    name: 'dfs.namenode.delegation.token.max-lifetime',
    usedBy: ['hsec namenode'],
    type: 'duration',
    unit: 'ms',
    default: '604800000',
    description: 'Maximum lifetime of a delegation token, renewals included.',
  }),
  key({
    name: 'hsec.namenode.delegation.token.store',
    usedBy: ['hsec namenode'],
    type: 'enum',
    values: ['journal', 'zookeeper'],
    default: 'journal',
    description:
      'Where the NameNode keeps delegation tokens and master keys: journal (its own journal in dfs.namenode.name.dir) or zookeeper ' +
      '(ZKDelegationTokenSecretManager\'s znode layout under zk-dt-secret-manager.*, one token space shared by several NameNodes). ' +
      'Hadoop\'s NameNode has no such choice; its router uses dfs.federation.router.secret.manager.class.',
  }),
  key({
    name: 'dfs.namenode.delegation.token.always-use',
    type: 'boolean',
    default: 'false',
    description: 'Issue and use delegation tokens even when security is off (testing).',
  }),
  key({
    name: 'dfs.datanode.keytab.file',
    usedBy: ['hsec datanode'],
    type: 'string',
    description: 'Keytab holding the DataNode service principal key.',
  }),
  key({
    name: 'dfs.datanode.kerberos.principal',
    usedBy: ['hsec datanode', 'DatanodeProtocol security info (the client principal of DataNode calls)'],
    type: 'string',
    description: 'DataNode service principal, e.g. dn/_HOST@EXAMPLE.TEST.',
  }),
  key({
    name: 'dfs.data.transfer.protection',
    usedBy: ['data transfer SASL (DataNode, HDFS client)', 'hsec datanode'],
    type: 'strings',
    itemValues: ['authentication', 'integrity', 'privacy'],
    description: 'SASL QOP list for the DataNode streaming protocol; unset = no SASL on data transfer.',
  }),
  key({
    name: 'dfs.data.transfer.saslproperties.resolver.class',
    usedBy: ['data transfer SASL (DataNode, HDFS client)', 'hsec datanode'],
    type: 'class',
    description: 'SaslPropertiesResolver for data transfer (whose hadoop.rpc.protection is dfs.data.transfer.protection); unset = hadoop.security.saslproperties.resolver.class. The hsec server/client split keys do not apply.',
  }),
  key({
    name: 'dfs.encrypt.data.transfer',
    usedBy: ['data transfer SASL (DataNode, HDFS client)', 'hsec datanode'],
    type: 'boolean',
    default: 'false',
    description: 'Encrypt block data transfer with a NameNode-issued data encryption key (DIGEST-MD5 auth-conf).',
  }),
  key({
    name: 'dfs.encrypt.data.transfer.algorithm',
    usedBy: ['data transfer SASL (DataNode, HDFS client)', 'hsec datanode'],
    type: 'string',
    description: 'DIGEST-MD5 cipher for encrypted data transfer (3des or rc4); unset = the SASL default.',
  }),
  key({
    name: 'dfs.encrypt.data.transfer.cipher.suites',
    usedBy: ['data transfer SASL (DataNode, HDFS client)', 'hsec datanode'],
    type: 'string',
    description:
      'AES/CTR/NoPadding: after a data-transfer SASL handshake that negotiated privacy (encrypted, or dfs.data.transfer.protection=privacy), switch to AES/CTR with keys the DataNode picks; unset = data stays inside the DIGEST-MD5 security layer.',
  }),
  key({
    name: 'dfs.encrypt.data.transfer.cipher.key.bitlength',
    usedBy: ['data transfer SASL (DataNode, HDFS client)', 'hsec datanode'],
    type: 'int',
    default: '128',
    description: 'AES key length for data transfer encryption: 128, 192 or 256. The DataNode\'s setting decides.',
  }),
  key({
    name: 'dfs.block.access.token.enable',
    usedBy: ['hsec datanode'],
    type: 'boolean',
    default: 'false',
    description: 'Require block access tokens on DataNode operations.',
  }),
  key({
    name: 'dfs.block.access.key.update.interval',
    type: 'duration',
    unit: 'm',
    default: '600',
    description: 'How often the NameNode rolls block keys (bare numbers are minutes).',
  }),
  key({
    name: 'dfs.block.access.token.lifetime',
    type: 'duration',
    unit: 'm',
    default: '600',
    description: 'Lifetime of a block access token (bare numbers are minutes).',
  }),

  // DataNode (hsec datanode): storage, the data port, NameNode heartbeats and reports, socket timeouts
  key({
    name: 'dfs.datanode.data.dir',
    usedBy: ['hsec datanode'],
    type: 'strings',
    default: 'file://${hadoop.tmp.dir}/dfs/data',
    description: 'Where the DataNode stores blocks (hsec uses the first directory; file:// is stripped): current/VERSION, current/<block pool>/current/{finalized,rbw}/ with blk_<id> and blk_<id>_<genstamp>.meta files.',
  }),
  key({
    name: 'dfs.datanode.address',
    usedBy: ['hsec datanode'],
    type: 'string',
    default: '0.0.0.0:9866',
    description: 'host:port of the DataNode data transfer (streaming) server. A port below 1024 (privileged, root) with dfs.data.transfer.protection unset means no SASL on data transfer, as in Hadoop.',
  }),
  key({
    name: 'dfs.datanode.hostname',
    usedBy: ['hsec datanode'],
    type: 'string',
    description: 'Host name the DataNode reports to the NameNode and puts for _HOST in dfs.datanode.kerberos.principal; unset = the canonical local host name.',
  }),
  key({
    name: 'dfs.heartbeat.interval',
    usedBy: ['hsec datanode'],
    type: 'duration',
    unit: 's',
    default: '3',
    description: 'DataNode heartbeat interval (bare numbers are seconds).',
  }),
  key({
    name: 'dfs.blockreport.intervalMsec',
    usedBy: ['hsec datanode'],
    type: 'duration',
    unit: 'ms',
    default: '21600000',
    description: 'How often a DataNode sends a full block report (ms).',
  }),
  key({
    name: 'dfs.blockreport.initialDelay',
    usedBy: ['hsec datanode'],
    type: 'duration',
    unit: 's',
    default: '0',
    description: 'Delay of the first full block report after registration (bare numbers are seconds).',
  }),
  key({
    name: 'dfs.client.socket-timeout',
    usedBy: ['hsec datanode'],
    type: 'duration',
    unit: 'ms',
    default: '60000',
    description: 'Read timeout on data transfer connections (DataNode: each wait for a handshake message, op, packet or read status).',
  }),
  key({
    name: 'dfs.datanode.socket.write.timeout',
    usedBy: ['hsec datanode'],
    type: 'duration',
    unit: 'ms',
    default: '480000',
    description: 'How long a DataNode waits for a peer to take written data (responses, packets, acks) before dropping the connection.',
  }),
  key({
    name: 'dfs.datanode.socket.reuse.keepalive',
    usedBy: ['hsec datanode'],
    type: 'duration',
    unit: 'ms',
    default: '4000',
    description: 'How long a DataNode waits for another op on a connection after a read; 0 closes after each op.',
  }),
  key({
    name: 'dfs.datanode.max.transfer.threads',
    usedBy: ['hsec datanode'],
    type: 'int',
    default: '4096',
    description: 'Most data transfer connections a DataNode serves at once; more are closed at accept.',
  }),
  key({
    name: 'dfs.datanode.bp-ready.timeout',
    usedBy: ['hsec datanode'],
    type: 'duration',
    unit: 's',
    default: '20',
    description: 'How long an op for a block pool not registered yet waits for the registration before it fails (bare numbers are seconds).',
  }),
  key({
    name: 'dfs.datanode.min.supported.namenode.version',
    usedBy: ['hsec datanode'],
    type: 'string',
    default: '2.1.0-beta',
    description: 'Oldest NameNode software version the DataNode registers with.',
  }),
  key({
    name: 'ignore.secure.ports.for.testing',
    usedBy: ['hsec datanode'],
    type: 'boolean',
    default: 'false',
    description: 'Development only: a secure DataNode on an unprivileged port without dfs.data.transfer.protection starts and serves without SASL.',
  }),
];
