/**
 * `hsec/hdfs`: the HDFS client for programs. See docs/api.md.
 */
export { HdfsClient, type HdfsClientOptions, type FileChecksumOptions, type FsStatus, type BlockLocation } from '../cluster/client/hdfs-client.ts';
export type { FileChecksum, Md5Md5Crc32FileChecksum, CompositeCrcFileChecksum, ChecksumCombineMode, CrcTypeName } from '../cluster/client/file-checksum.ts';
export type { FsServerDefaults } from '../cluster/protocol/client-protocol.ts';
export { parseHdfsUri, nameNodeClientAddress, HDFS_DEFAULT_PORT, type HdfsUri } from '../cluster/protocol/namenode-address.ts';
export type { HdfsInputStream, ReadRange } from '../cluster/client/hdfs-input-stream.ts';
export type { HdfsOutputStream, CreateOptions } from '../cluster/client/hdfs-output-stream.ts';
export type { FileStatus } from '../cluster/client/file-status.ts';
export {
  parseAclSpec, parseAclEntry, aclEntryString, aclFromPermAndEntries, effectivePermission,
  type AclEntry, type AclEntryScope, type AclEntryType, type AclStatus,
} from '../cluster/protocol/acl-entry.ts';
export { parseXAttrName, prefixedName, type XAttr, type XAttrNamespace } from '../cluster/protocol/xattr.ts';
export { decodeXAttrValue, encodeXAttrValue, type XAttrCodec } from '../cluster/protocol/xattr-codec.ts';
