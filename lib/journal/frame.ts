/**
 * The framing shared by every journal + snapshot store (pure codec, no I/O): a file is a 12-byte
 * header (an 8-byte magic naming the store and the file kind, int32 format version 1) followed by
 * framed records:
 *
 *   int32 payload length | int32 CRC-32 (IEEE) of the payload | payload (first byte = record type)
 *
 * All integers big-endian, as Java's DataOutput. The checksum is zlib's CRC-32, computed here in
 * JavaScript over the frame in place (a native call per 100-byte record costs more than the sum).
 * A frame whose length or checksum does not hold is where the readable part of a file ends (a torn
 * last write); a frame that checks but whose payload does not parse is corruption, which the
 * store's payload decoder reports.
 */
export const FORMAT_VERSION = 1;
export const FILE_HEADER_BYTES = 12;
export const FRAME_HEADER_BYTES = 8;
/** Larger declared payloads are treated as a broken frame. */
export const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

/** The two magics of one store: its journals and its snapshots (8 ASCII characters each). */
export interface JournalMagic {
  journal: string;
  snapshot: string;
}

export function fileHeader(magic: string): Buffer {
  const b = Buffer.alloc(FILE_HEADER_BYTES);
  b.write(magic, 0, 'latin1');
  b.writeInt32BE(FORMAT_VERSION, 8);
  return b;
}

/** 'short' when fewer than 12 bytes are present (a file cut while being created). */
export function checkFileHeader(bytes: Uint8Array, magic: string): 'ok' | 'short' | 'bad-magic' | 'bad-version' {
  if (bytes.length < FILE_HEADER_BYTES) return 'short';
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, FILE_HEADER_BYTES);
  if (b.toString('latin1', 0, 8) !== magic) return 'bad-magic';
  return b.readInt32BE(8) === FORMAT_VERSION ? 'ok' : 'bad-version';
}

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3, zlib's `crc32`) of `b[start, end)`, unsigned. */
export function crc32(b: Uint8Array, start = 0, end = b.length): number {
  let c = -1;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** A framed record of `payloadBytes` bytes that `fill` writes at `at`. */
export function frame(payloadBytes: number, fill: (b: Buffer, at: number) => void): Buffer {
  const b = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payloadBytes);
  b.writeInt32BE(payloadBytes, 0);
  fill(b, FRAME_HEADER_BYTES);
  b.writeUInt32BE(crc32(b, FRAME_HEADER_BYTES), 4);
  return b;
}

/** A framed record holding `payload` as is. */
export function frameBytes(payload: Uint8Array): Buffer {
  return frame(payload.length, (b, at) => b.set(payload, at));
}

/**
 * Receives one checked payload: `b[at, end)` (with `bytes`, a cheaper Uint8Array view of the same
 * memory), and `frameAt`, the offset of its frame for error messages. Views: copy what you keep.
 */
export type PayloadVisitor = (b: Buffer, bytes: Uint8Array, at: number, end: number, frameAt: number) => void;

/** Where decoding of a byte range stopped. */
export interface ScanResult {
  /** Offset just past the last complete, checked record. */
  next: number;
  /** 'more': the range ends inside a frame; 'broken': a frame's length or checksum does not hold. */
  stop: 'end' | 'more' | 'broken';
}

/** Hands every complete, checked frame's payload in `b[start, end)` to `visit`; stops at the first incomplete or broken frame. */
export function scanFrames(b: Buffer, start: number, end: number, visit: PayloadVisitor): ScanResult {
  const bytes = new Uint8Array(b.buffer, b.byteOffset, b.length); // cheaper views than Buffer.subarray
  let at = start;
  while (at < end) {
    if (end - at < FRAME_HEADER_BYTES) return { next: at, stop: 'more' };
    const length = b.readInt32BE(at);
    if (length < 1 || length > MAX_PAYLOAD_BYTES) return { next: at, stop: 'broken' };
    const body = at + FRAME_HEADER_BYTES;
    if (end - body < length) return { next: at, stop: 'more' };
    if (crc32(b, body, body + length) !== b.readUInt32BE(at + 4)) return { next: at, stop: 'broken' };
    visit(b, bytes, body, body + length, at);
    at = body + length;
  }
  return { next: at, stop: 'end' };
}
