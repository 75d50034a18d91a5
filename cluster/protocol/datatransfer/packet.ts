/**
 * Data packets of DataTransferProtocol, both directions (hadoop-hdfs-client
 * protocol/datatransfer/PacketHeader.java, PacketReceiver.java, DFSPacket.java):
 *
 *   int32 BE  PLEN = 4 + checksum bytes + data bytes   (counts its own 4 bytes, not the header)
 *   int16 BE  HLEN = header length
 *   HEADER    PacketHeaderProto, raw: offsetInBlock sfixed64, seqno sfixed64, lastPacketInBlock bool,
 *             dataLen sfixed32, syncBlock bool only when true (25 or 27 bytes)
 *   CHECKSUMS one per chunk of DATA (./checksum.ts)
 *   DATA
 *
 * The receiver checks PacketReceiver's limits: PLEN >= 4, HLEN >= 0, PLEN + HLEN <=
 * `dfs.data.transfer.max.packet.size` (16 MiB), dataLen <= PLEN - 4. `tryReadPacket` reads one
 * packet from a ByteQueue; `PacketDecoder` wraps a queue for streams that carry only packets.
 */
import { ProtocolError } from '../../../lib/errors/index.ts';
import { decodeProto } from '../hdfs-proto.ts';
import { ByteQueue } from './byte-queue.ts';
import { computeChecksums } from './checksum.ts';
import { DEFAULT_MAX_PACKET_SIZE, HEART_BEAT_SEQNO, PKT_LENGTHS_LEN } from './constants.ts';
import type { ChecksumSpec } from './messages.ts';

export interface PacketHeader {
  /** offset in the block of the packet's first data byte */
  offsetInBlock: number;
  seqno: number;
  lastPacketInBlock: boolean;
  dataLen: number;
  /** hsync: written only when true */
  syncBlock?: boolean;
}

export interface Packet {
  header: PacketHeader;
  /** the checksum bytes as received (PLEN - 4 - dataLen of them) */
  checksums: Uint8Array;
  data: Uint8Array;
}

/** PacketHeaderProto bytes: fields 1-4 always, 5 only when syncBlock (PacketHeader's constructor). */
export function encodePacketHeader(h: PacketHeader): Uint8Array {
  const out = new Uint8Array(h.syncBlock ? 27 : 25);
  const view = new DataView(out.buffer);
  out[0] = 0x09; // field 1, fixed64
  setInt64LE(view, 1, h.offsetInBlock);
  out[9] = 0x11; // field 2, fixed64
  setInt64LE(view, 10, h.seqno);
  out[18] = 0x18; // field 3, varint
  out[19] = h.lastPacketInBlock ? 1 : 0;
  out[20] = 0x25; // field 4, fixed32
  view.setInt32(21, h.dataLen, true);
  if (h.syncBlock) {
    out[25] = 0x28; // field 5, varint
    out[26] = 1;
  }
  return out;
}

/** A safe integer as a little-endian two's-complement int64 (no BigInt on the per-packet path). */
function setInt64LE(view: DataView, at: number, n: number): void {
  const hi = Math.floor(n / 4294967296);
  view.setUint32(at, (n - hi * 4294967296) >>> 0, true);
  view.setInt32(at + 4, hi, true);
}

/**
 * PacketHeaderProto from its bytes. Every packet takes this path, so the layout PacketHeader
 * writes (fields 1-4, and 5 when present, in order, booleans as one byte 0 or 1: the 25 or 27
 * bytes of encodePacketHeader, which stock writers send) is read directly; any other encoding,
 * and offsets or seqnos past 2^53, go through the generic protobuf decoder with its checks.
 */
export function decodePacketHeader(bytes: Uint8Array): PacketHeader {
  return decodeCanonicalHeader(bytes) ?? decodeProto<PacketHeader>('hadoop.hdfs.PacketHeaderProto', bytes);
}

function decodeCanonicalHeader(b: Uint8Array): PacketHeader | undefined {
  const sync = b.length === 27;
  if (!(b.length === 25 || sync) || b[0] !== 0x09 || b[9] !== 0x11 || b[18] !== 0x18 || b[19]! > 1 || b[20] !== 0x25) return undefined;
  if (sync && (b[25] !== 0x28 || b[26]! > 1)) return undefined;
  const view = new DataView(b.buffer, b.byteOffset, b.length);
  const offsetInBlock = getSafeInt64LE(view, 1);
  const seqno = getSafeInt64LE(view, 10);
  if (offsetInBlock === undefined || seqno === undefined) return undefined;
  const header: PacketHeader = { offsetInBlock, seqno, lastPacketInBlock: b[19] === 1, dataLen: view.getInt32(21, true) };
  if (sync) header.syncBlock = b[26] === 1;
  return header;
}

/** A little-endian int64 as a number, or undefined outside the safe integers (left to the generic decoder's refusal). */
function getSafeInt64LE(view: DataView, at: number): number | undefined {
  // exact for every safe integer; anything larger comes out unsafe (rounded or not), never as a wrong safe value
  const n = view.getInt32(at + 4, true) * 4294967296 + view.getUint32(at, true);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** One packet on the wire from its header fields, checksum bytes and data (`DFSPacket.writeTo`). */
export function encodePacket(header: Omit<PacketHeader, 'dataLen'>, checksums: Uint8Array, data: Uint8Array): Uint8Array {
  const head = encodePacketHead({ ...header, dataLen: data.length }, checksums.length);
  const out = Buffer.allocUnsafe(head.length + checksums.length + data.length); // every byte is set below
  out.set(head, 0);
  out.set(checksums, head.length);
  out.set(data, head.length + checksums.length);
  return out;
}

/**
 * The part of a packet before its checksums: PLEN, HLEN and the header. A sender with the
 * checksums and data in buffers of their own (a DataNode reading a replica) writes the three
 * pieces one after the other instead of copying them into one packet.
 */
export function encodePacketHead(header: PacketHeader, checksumLength: number): Uint8Array {
  const h = encodePacketHeader(header);
  const out = new Uint8Array(PKT_LENGTHS_LEN + h.length);
  const view = new DataView(out.buffer);
  view.setInt32(0, 4 + checksumLength + header.dataLen);
  view.setInt16(4, h.length);
  out.set(h, PKT_LENGTHS_LEN);
  return out;
}

/** A data packet with its checksums computed over `data` per `checksum`. */
export function encodeDataPacket(header: Omit<PacketHeader, 'dataLen'>, checksum: ChecksumSpec, data: Uint8Array): Uint8Array {
  return encodePacket(header, computeChecksums(checksum, data), data);
}

/** The empty packet that ends a block: no data, lastPacketInBlock, offset = the block's end. */
export function encodeLastPacket(offsetInBlock: number, seqno: number): Uint8Array {
  return encodePacket({ offsetInBlock, seqno, lastPacketInBlock: true }, new Uint8Array(0), new Uint8Array(0));
}

/** The keep-alive a writer sends while idle (seqno -1, offset 0, no data). */
export function encodeHeartbeatPacket(): Uint8Array {
  return encodePacket({ offsetInBlock: 0, seqno: HEART_BEAT_SEQNO, lastPacketInBlock: false }, new Uint8Array(0), new Uint8Array(0));
}

function invalid(message: string, details: Record<string, number>): ProtocolError {
  return new ProtocolError('PROTOCOL_MALFORMED', `Invalid packet: ${message}`, details);
}

/** `PacketReceiver.doRead`: one packet from `queue`, or undefined until all of it is buffered. */
export function tryReadPacket(queue: ByteQueue, maxPacketSize = DEFAULT_MAX_PACKET_SIZE): Packet | undefined {
  if (queue.length < PKT_LENGTHS_LEN) return undefined;
  const head = queue.peek(PKT_LENGTHS_LEN);
  const lengths = new DataView(head.buffer, head.byteOffset, PKT_LENGTHS_LEN);
  const payloadLen = lengths.getInt32(0);
  const headerLen = lengths.getInt16(4);
  if (payloadLen < 4) throw invalid(`payload length ${payloadLen}`, { payloadLen });
  if (headerLen < 0) throw invalid(`header length ${headerLen}`, { headerLen });
  if (payloadLen + headerLen > maxPacketSize) {
    throw new ProtocolError('PROTOCOL_TOO_LARGE', `Incorrect value for packet payload size: ${payloadLen} (+ ${headerLen} header bytes) exceeds dfs.data.transfer.max.packet.size ${maxPacketSize}`, {
      payloadLen, headerLen, max: maxPacketSize, configKey: 'dfs.data.transfer.max.packet.size',
    });
  }
  const total = PKT_LENGTHS_LEN + headerLen + payloadLen - 4;
  if (queue.length < total) return undefined;
  const bytes = queue.take(total);
  const header = decodePacketHeader(bytes.subarray(PKT_LENGTHS_LEN, PKT_LENGTHS_LEN + headerLen));
  const dataPlusChecksumLen = payloadLen - 4;
  const checksumLen = dataPlusChecksumLen - header.dataLen;
  if (header.dataLen < 0 || checksumLen < 0) {
    throw invalid(`data length in packet header (${header.dataLen}) exceeds data length received (${dataPlusChecksumLen})`, { dataLen: header.dataLen, dataPlusChecksumLen });
  }
  const body = PKT_LENGTHS_LEN + headerLen;
  return { header, checksums: bytes.subarray(body, body + checksumLen), data: bytes.subarray(body + checksumLen, body + dataPlusChecksumLen) };
}

/** Buffers a packet-only stream: feed chunks, get whole packets. */
export class PacketDecoder {
  readonly #queue = new ByteQueue();
  readonly #max: number;

  /** `maxPacketSize`: dfs.data.transfer.max.packet.size (default 16 MiB). */
  constructor(maxPacketSize = DEFAULT_MAX_PACKET_SIZE) {
    this.#max = maxPacketSize;
  }

  /** Bytes received but not yet returned in a packet. */
  get buffered(): number {
    return this.#queue.length;
  }

  push(chunk: Uint8Array): Packet[] {
    this.#queue.push(chunk);
    const packets: Packet[] = [];
    for (let p = tryReadPacket(this.#queue, this.#max); p; p = tryReadPacket(this.#queue, this.#max)) packets.push(p);
    return packets;
  }

  /** At end of stream: a partial packet left over is PROTOCOL_TRUNCATED. */
  end(): void {
    if (this.#queue.length > 0) {
      throw new ProtocolError('PROTOCOL_TRUNCATED', `Stream ended inside a data packet (${this.#queue.length} bytes pending)`, { pending: this.#queue.length });
    }
  }
}
