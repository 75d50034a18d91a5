/**
 * DataTransferProtocol constants (hadoop-hdfs-client protocol/datatransfer/DataTransferProtocol.java,
 * Op.java, PacketHeader.java, HdfsClientConfigKeys; Hadoop 3.4.1): the protocol version every op
 * starts with, the op codes, the packet-size limits and the client defaults packets are cut by.
 */

/** `DataTransferProtocol.DATA_TRANSFER_VERSION`: the int16 every op request starts with. */
export const DATA_TRANSFER_VERSION = 28;

/** `Op` codes (one byte after the version). */
export const Op = {
  WRITE_BLOCK: 80,
  READ_BLOCK: 81,
  READ_METADATA: 82,
  REPLACE_BLOCK: 83,
  COPY_BLOCK: 84,
  BLOCK_CHECKSUM: 85,
  TRANSFER_BLOCK: 86,
  REQUEST_SHORT_CIRCUIT_FDS: 87,
  RELEASE_SHORT_CIRCUIT_FDS: 88,
  REQUEST_SHORT_CIRCUIT_SHM: 89,
  BLOCK_GROUP_CHECKSUM: 90,
  CUSTOM: 127,
} as const;
export type OpName = keyof typeof Op;

/** `PacketHeader.PKT_LENGTHS_LEN`: int32 payload length + int16 header length. */
export const PKT_LENGTHS_LEN = 6;
/** `PacketHeader.PKT_MAX_HEADER_LEN`: lengths + the largest header (with syncBlock), 6 + 27. */
export const PKT_MAX_HEADER_LEN = 33;
/** `dfs.data.transfer.max.packet.size` default (PacketReceiver.MAX_PACKET_SIZE): payload + header limit. */
export const DEFAULT_MAX_PACKET_SIZE = 16 * 1024 * 1024;
/** `dfs.client-write-packet-size` default. */
export const DEFAULT_WRITE_PACKET_SIZE = 64 * 1024;
/** `dfs.bytes-per-checksum` default. */
export const DEFAULT_BYTES_PER_CHECKSUM = 512;
/** Seqno of a heartbeat packet (and of its ack). */
export const HEART_BEAT_SEQNO = -1;
