/**
 * `hsec/hdfs`: the HDFS client for programs. See docs/api.md.
 */
export { HdfsClient, type HdfsClientOptions } from '../cluster/client/hdfs-client.ts';
export type { FsServerDefaults } from '../cluster/protocol/client-protocol.ts';
export { parseHdfsUri, nameNodeClientAddress, HDFS_DEFAULT_PORT, type HdfsUri } from '../cluster/protocol/namenode-address.ts';
