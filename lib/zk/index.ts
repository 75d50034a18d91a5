/**
 * The ZooKeeper client layer: ZkClient (sessions that last, operations with deadlines, long-lived
 * watches, transactions), the SharedCount-compatible counter, Hadoop's ACL / auth-info syntax,
 * config helpers, and the SASL seam security/zk plugs Kerberos into. The rest of hsec imports
 * ZooKeeper only from here. See docs/zookeeper.md.
 */
export { ZkClient, type ZkClientOptions, type ZkState, type ZkStateEvent, type ZkCallOptions, type ZkCreateOptions, type ZkVersionOptions, type ZNode, type ZChildren, type ZkOp, type WatchOptions } from './client.ts';
export type { MultiResult } from './multi.ts';
export type { ZkWatch } from './watches.ts';
export type { Acl, Stat } from './jute.ts';
export { Perms, type CreateMode } from './constants.ts';
export { CREATOR_ALL_ACL, OPEN_ACL_UNSAFE, READ_ACL_UNSAFE, describeAuthInfo, digestId, formatAcl, formatPerms, parseAcls, parseAuthInfos, parsePerms, type ZkAuthInfo } from './acl.ts';
export { ZkSharedCount, decodeSharedCount, encodeSharedCount, type SharedCountOptions, type VersionedCount } from './shared-count.ts';
export { ZK_ACL_DEFAULT, resolveConfIndirection, zkAclsFromConfig, zkClientOptionsFromConfig, type ZkConfigSource } from './config.ts';
export { parseConnectString, formatServer, type ConnectString, type ZkServerAddress } from './connect-string.ts';
export type { ZkSaslFactory, ZkSaslMechanism, ZkSaslSession } from './sasl.ts';
export { zkStateChannel, type ZkStateChannelEvent } from './events.ts';
