/**
 * Cuts a file's bytes into write packets as a stock client's DFSOutputStream does
 * (hadoop-hdfs-client DFSOutputStream.java computePacketChunkSize / adjustChunkBoundary / endBlock /
 * closeImpl; docs/hdfs-protocols.md):
 *  - a packet holds max(floor((psize - 33) / (bytesPerChecksum + 4)), 1) chunks, with psize =
 *    dfs.client-write-packet-size (65536: 126 chunks = 64512 bytes) at the start and, after each
 *    packet, min(bytes left in the block, writePacketSize) — so packets shrink near a block's end
 *    and the first packet of the next block holds one chunk;
 *  - when the block is full its last data packet is followed by an empty packet with
 *    lastPacketInBlock (offset = block size), and the next packet starts a new block at offset 0;
 *  - `close()` sends what is buffered and, when the current block holds data, the empty last packet;
 *  - `flush()` (hflush) sends what is buffered now; a partial last chunk stays buffered and is sent
 *    again from its start with the next packet (flushBuffer(keep = true));
 *  - seqnos count 0, 1, 2, ... over the whole stream, not per block;
 *  - appending to a partial last block (`appendAt` bytes already in it: DFSOutputStream's append
 *    constructor, adjustPacketChunkSize): when the block ends inside a chunk, the first packet holds
 *    one chunk of just the bytes that complete it (its checksum covers only them), then packets are
 *    cut as usual; when it ends on a chunk boundary, the first packet is sized to the room left in
 *    the block.
 * Pure: packets come back encoded, with their headers, for the socket glue to send.
 */
import { ProtocolError } from '../../../lib/errors/index.ts';
import type { ChecksumType } from '../hdfs-types.ts';
import { checksumSize } from './checksum.ts';
import { DEFAULT_BYTES_PER_CHECKSUM, DEFAULT_WRITE_PACKET_SIZE, PKT_MAX_HEADER_LEN } from './constants.ts';
import { encodeDataPacket, encodeLastPacket } from './packet.ts';
import type { PacketHeader } from './packet.ts';

export interface OutputPacketizerOptions {
  /** the file's block size (bytes, a multiple of bytesPerChecksum): the create status's `blocksize` */
  blockSize: number;
  /** dfs.bytes-per-checksum, default 512 */
  bytesPerChecksum?: number;
  /** dfs.checksum.type, default CHECKSUM_CRC32C */
  checksumType?: ChecksumType;
  /** dfs.client-write-packet-size, default 65536 */
  writePacketSize?: number;
  /** bytes already in the last block when appending to it (default 0: a new block) */
  appendAt?: number;
}

export interface OutboundPacket {
  header: PacketHeader;
  /** the encoded packet */
  bytes: Uint8Array;
}

export class OutputPacketizer {
  readonly #blockSize: number;
  readonly #bpc: number;
  readonly #type: ChecksumType;
  readonly #packetSize: number;
  #chunksPerPacket: number;
  /** chunk size while completing an appended block's partial last chunk (DataStreamer.appendChunk), else bytesPerChecksum */
  #chunkBytes: number;
  #seqno = 0;
  /** bytes of the current block already put in packets or in #pending */
  #bytesCurBlock = 0;
  /** offset in the block of #pending[0] */
  #pendingOffset = 0;
  #pending: Uint8Array[] = [];
  #pendingLength = 0;
  /** bytesCurBlock at the last hflush (-1: none in this block) */
  #lastFlushOffset = -1;

  constructor(options: OutputPacketizerOptions) {
    this.#bpc = options.bytesPerChecksum ?? DEFAULT_BYTES_PER_CHECKSUM;
    this.#type = options.checksumType ?? 'CHECKSUM_CRC32C';
    this.#packetSize = options.writePacketSize ?? DEFAULT_WRITE_PACKET_SIZE;
    this.#blockSize = options.blockSize;
    if (!Number.isSafeInteger(this.#blockSize) || this.#blockSize <= 0 || this.#blockSize % this.#bpc !== 0) {
      throw new ProtocolError('PROTOCOL_MALFORMED', `Block size ${options.blockSize} is not a positive multiple of bytesPerChecksum ${this.#bpc}`, {
        blockSize: options.blockSize, bytesPerChecksum: this.#bpc,
      });
    }
    const at = options.appendAt ?? 0;
    if (!Number.isSafeInteger(at) || at < 0 || at >= this.#blockSize) {
      throw new ProtocolError('PROTOCOL_MALFORMED', `Cannot append at ${at} bytes into a block of ${this.#blockSize}: the last block is full or the length is invalid`, { appendAt: at, blockSize: this.#blockSize });
    }
    this.#bytesCurBlock = at;
    this.#pendingOffset = at;
    this.#chunkBytes = this.#bpc;
    if (at % this.#bpc !== 0) {
      // computePacketChunkSize(0, freeInCksum): one chunk of the bytes the partial chunk has room for
      this.#chunkBytes = this.#bpc - (at % this.#bpc);
      this.#chunksPerPacket = 1;
    } else {
      // a new block: computePacketChunkSize(writePacketSize); an aligned append: sized to the room left in the block
      this.#chunksPerPacket = this.#chunksFor(at === 0 ? this.#packetSize : Math.min(this.#packetSize, this.#blockSize - at));
    }
  }

  /** The seqno the next packet will carry. */
  get nextSeqno(): number {
    return this.#seqno;
  }

  /** Bytes of the current block written so far (0 right after a block ended). */
  get bytesCurBlock(): number {
    return this.#bytesCurBlock;
  }

  /** Appends file bytes; returns the packets that became complete, block ends included. */
  write(data: Uint8Array): OutboundPacket[] {
    const out: OutboundPacket[] = [];
    let at = 0;
    while (at < data.length) {
      const room = this.#chunksPerPacket * this.#chunkBytes - this.#pendingLength;
      // writeChunk checks for the block's end after every chunk: a packet never runs past it
      const n = Math.min(room, data.length - at, this.#blockSize - this.#bytesCurBlock);
      this.#pending.push(data.subarray(at, at + n));
      this.#pendingLength += n;
      this.#bytesCurBlock += n;
      at += n;
      if (this.#pendingLength === this.#chunksPerPacket * this.#chunkBytes || this.#bytesCurBlock === this.#blockSize) {
        out.push(this.#flushPending());
        this.#chunkBytes = this.#bpc; // adjustChunkBoundary: the partial chunk is complete
        this.#chunksPerPacket = this.#chunksFor(Math.min(this.#blockSize - this.#bytesCurBlock, this.#packetSize));
        if (this.#bytesCurBlock === this.#blockSize) out.push(this.#endBlock());
      }
    }
    return out;
  }

  /**
   * hflush (DFSOutputStream.flushOrSync with flushBuffer(keep = true)): the buffered bytes go out
   * now as a packet, possibly ending inside a chunk; the bytes of that partial chunk stay buffered
   * and go again, from the chunk's start, with the next packet (the DataNode skips what it has).
   */
  flush(): OutboundPacket[] {
    // flushOrSync: only if not already flushed up to this offset
    if (this.#pendingLength === 0 || this.#bytesCurBlock === this.#lastFlushOffset) return [];
    this.#lastFlushOffset = this.#bytesCurBlock;
    const partial = this.#bytesCurBlock % this.#bpc;
    // while completing an appended block's partial chunk every pending byte belongs to that chunk
    const keep = this.#chunkBytes !== this.#bpc ? this.#pendingLength : Math.min(partial, this.#pendingLength);
    const tail = keep > 0 ? concat(this.#pending, this.#pendingLength).subarray(this.#pendingLength - keep) : undefined;
    const packet = this.#flushPending();
    if (tail) {
      this.#pending = [Buffer.from(tail)];
      this.#pendingLength = keep;
      this.#pendingOffset -= keep;
    }
    return [packet];
  }

  /** End of file: the buffered partial packet, then the empty last packet if the block holds data. */
  close(): OutboundPacket[] {
    const out: OutboundPacket[] = [];
    if (this.#pendingLength > 0) out.push(this.#flushPending());
    if (this.#bytesCurBlock > 0) out.push(this.#endBlock());
    return out;
  }

  /** DFSOutputStream.computePacketChunkSize: chunks per packet for a packet budget of `psize` bytes. */
  #chunksFor(psize: number): number {
    const bodySize = psize - PKT_MAX_HEADER_LEN;
    return Math.max(Math.trunc(bodySize / (this.#bpc + checksumSize(this.#type))), 1);
  }

  #flushPending(): OutboundPacket {
    const data = this.#pending.length === 1 ? this.#pending[0]! : concat(this.#pending, this.#pendingLength);
    const header = { offsetInBlock: this.#pendingOffset, seqno: this.#seqno++, lastPacketInBlock: false };
    const packet = { header: { ...header, dataLen: data.length }, bytes: encodeDataPacket(header, { type: this.#type, bytesPerChecksum: this.#bpc }, data) };
    this.#pendingOffset += data.length;
    this.#pending = [];
    this.#pendingLength = 0;
    return packet;
  }

  #endBlock(): OutboundPacket {
    const header = { offsetInBlock: this.#bytesCurBlock, seqno: this.#seqno++, lastPacketInBlock: true, dataLen: 0 };
    const packet = { header, bytes: encodeLastPacket(header.offsetInBlock, header.seqno) };
    this.#bytesCurBlock = 0;
    this.#pendingOffset = 0;
    this.#lastFlushOffset = -1;
    return packet;
  }
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = Buffer.allocUnsafeSlow(length); // every byte is set below
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
