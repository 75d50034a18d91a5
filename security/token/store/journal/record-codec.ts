/**
 * Byte layout of the journal token store's files (pure codec, no I/O; docs/tokens.md "Journal
 * format"). A file is a 12-byte header (8-byte magic `HSEC-DTJ` for a journal or `HSEC-DTS` for a
 * snapshot, int32 version 1) followed by framed records:
 *
 *   int32 payload length | int32 CRC-32 (IEEE) of the payload | payload = type byte + fields
 *
 * All integers big-endian, as Java's DataOutput. The checksum is zlib's CRC-32, computed here in
 * JavaScript over the frame in place (a native call per 100-byte record costs more than the sum). Records set absolute state (put or remove one
 * token or key, counter values), so replaying a record twice changes nothing; that is what lets a
 * snapshot be taken while writes go on. A frame whose length or checksum does not hold is where
 * the readable part of a file ends (a torn last write); a frame that checks but does not parse is
 * corruption.
 */
import { ProtocolError } from '../../../../lib/errors/index.ts';
import { DelegationKey } from '../../keys/delegation-key.ts';

export const JOURNAL_MAGIC = 'HSEC-DTJ';
export const SNAPSHOT_MAGIC = 'HSEC-DTS';
export const FORMAT_VERSION = 1;
export const FILE_HEADER_BYTES = 12;
export const FRAME_HEADER_BYTES = 8;
/** Larger declared payloads are treated as a broken frame (identifiers are capped at 3 MiB of names). */
export const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

export const RecordType = {
  /** int32 sequenceNumber, int32 masterKeyId, int64 renewDate, byte password length, password, identifier (rest). */
  TOKEN_PUT: 1,
  /** identifier (rest). */
  TOKEN_REMOVE: 2,
  /** DelegationKey Writable (rest). */
  KEY_PUT: 3,
  /** int32 keyId. */
  KEY_REMOVE: 4,
  /** int32 sequenceNumber, int32 keyId: the counters (snapshots). */
  COUNTERS: 5,
  /** int32 token count, int32 key count: the last record of a complete snapshot. */
  SNAPSHOT_END: 6,
} as const;

/** Receives decoded records in file order. `key` (identifier bytes) and `password` are views: copy them to keep them. */
export interface RecordVisitor {
  tokenPut(key: Uint8Array, sequenceNumber: number, masterKeyId: number, renewDate: number, password: Uint8Array): void;
  tokenRemove(key: Uint8Array): void;
  keyPut(key: DelegationKey): void;
  keyRemove(keyId: number): void;
  counters(sequenceNumber: number, keyId: number): void;
  snapshotEnd(tokens: number, keys: number): void;
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

function frame(payloadBytes: number, fill: (b: Buffer, at: number) => void): Buffer {
  const b = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payloadBytes);
  b.writeInt32BE(payloadBytes, 0);
  fill(b, FRAME_HEADER_BYTES);
  b.writeUInt32BE(crc32(b, FRAME_HEADER_BYTES), 4);
  return b;
}

function writeLong(b: Buffer, v: number, at: number): void {
  b.writeUInt32BE(Math.floor(v / 2 ** 32) >>> 0, at);
  b.writeUInt32BE(v >>> 0, at + 4);
}

function readLong(b: Buffer, at: number): number {
  return b.readInt32BE(at) * 2 ** 32 + b.readUInt32BE(at + 4);
}

/** `key` is an identifier's cacheKey (latin1, one char per byte) or those bytes. */
export function tokenPutRecord(key: string | Uint8Array, sequenceNumber: number, masterKeyId: number, renewDate: number, password: Uint8Array): Buffer {
  return frame(18 + password.length + key.length, (b, at) => {
    b[at] = RecordType.TOKEN_PUT;
    b.writeInt32BE(sequenceNumber, at + 1);
    b.writeInt32BE(masterKeyId, at + 5);
    writeLong(b, renewDate, at + 9);
    b[at + 17] = password.length;
    b.set(password, at + 18);
    if (typeof key === 'string') b.write(key, at + 18 + password.length, 'latin1');
    else b.set(key, at + 18 + password.length);
  });
}

export function tokenRemoveRecord(key: string): Buffer {
  return frame(1 + key.length, (b, at) => {
    b[at] = RecordType.TOKEN_REMOVE;
    b.write(key, at + 1, 'latin1');
  });
}

export function keyPutRecord(key: DelegationKey): Buffer {
  const writable = key.encode();
  return frame(1 + writable.length, (b, at) => {
    b[at] = RecordType.KEY_PUT;
    b.set(writable, at + 1);
  });
}

export function keyRemoveRecord(keyId: number): Buffer {
  return frame(5, (b, at) => {
    b[at] = RecordType.KEY_REMOVE;
    b.writeInt32BE(keyId, at + 1);
  });
}

export function countersRecord(sequenceNumber: number, keyId: number): Buffer {
  return frame(9, (b, at) => {
    b[at] = RecordType.COUNTERS;
    b.writeInt32BE(sequenceNumber, at + 1);
    b.writeInt32BE(keyId, at + 5);
  });
}

export function snapshotEndRecord(tokens: number, keys: number): Buffer {
  return frame(9, (b, at) => {
    b[at] = RecordType.SNAPSHOT_END;
    b.writeInt32BE(tokens, at + 1);
    b.writeInt32BE(keys, at + 5);
  });
}

/** Where decoding of a byte range stopped. */
export interface ScanResult {
  /** Offset just past the last complete, checked record. */
  next: number;
  /** 'more': the range ends inside a frame; 'broken': a frame's length or checksum does not hold. */
  stop: 'end' | 'more' | 'broken';
}

/**
 * Decodes the records in `b[start, end)` into `visitor`. Stops at the first incomplete or broken
 * frame; throws PROTOCOL_MALFORMED (with `offset` relative to `b`) for a checked payload that does
 * not parse.
 */
export function scanRecords(b: Buffer, start: number, end: number, visitor: RecordVisitor): ScanResult {
  const bytes = new Uint8Array(b.buffer, b.byteOffset, b.length); // cheaper views than Buffer.subarray
  let at = start;
  while (at < end) {
    if (end - at < FRAME_HEADER_BYTES) return { next: at, stop: 'more' };
    const length = b.readInt32BE(at);
    if (length < 1 || length > MAX_PAYLOAD_BYTES) return { next: at, stop: 'broken' };
    const body = at + FRAME_HEADER_BYTES;
    if (end - body < length) return { next: at, stop: 'more' };
    if (crc32(b, body, body + length) !== b.readUInt32BE(at + 4)) return { next: at, stop: 'broken' };
    decodePayload(b, bytes, body, body + length, visitor, at);
    at = body + length;
  }
  return { next: at, stop: 'end' };
}

function decodePayload(b: Buffer, bytes: Uint8Array, at: number, end: number, v: RecordVisitor, frameAt: number): void {
  const type = b[at]!;
  const size = end - at;
  switch (type) {
    case RecordType.TOKEN_PUT: {
      const pwLen = size >= 18 ? b[at + 17]! : 0;
      if (size < 19 + pwLen) throw tooShort(type, size, frameAt);
      const pwAt = at + 18;
      v.tokenPut(bytes.subarray(pwAt + pwLen, end), b.readInt32BE(at + 1), b.readInt32BE(at + 5), readLong(b, at + 9), bytes.subarray(pwAt, pwAt + pwLen));
      return;
    }
    case RecordType.TOKEN_REMOVE:
      if (size < 2) throw tooShort(type, size, frameAt);
      v.tokenRemove(bytes.subarray(at + 1, end));
      return;
    case RecordType.KEY_PUT:
      if (size < 2) throw tooShort(type, size, frameAt);
      try {
        v.keyPut(DelegationKey.decode(bytes.subarray(at + 1, end)));
      } catch (e) {
        throw malformed(`bad DelegationKey (${(e as Error).message})`, frameAt, e);
      }
      return;
    case RecordType.KEY_REMOVE:
      if (size < 5) throw tooShort(type, size, frameAt);
      v.keyRemove(b.readInt32BE(at + 1));
      return;
    case RecordType.COUNTERS:
      if (size < 9) throw tooShort(type, size, frameAt);
      v.counters(b.readInt32BE(at + 1), b.readInt32BE(at + 5));
      return;
    case RecordType.SNAPSHOT_END:
      if (size < 9) throw tooShort(type, size, frameAt);
      v.snapshotEnd(b.readInt32BE(at + 1), b.readInt32BE(at + 5));
      return;
    default:
      throw malformed(`unknown record type ${type}`, frameAt);
  }
}

function tooShort(type: number, size: number, offset: number): ProtocolError {
  return malformed(`record type ${type} is too short (${size} bytes)`, offset);
}

function malformed(what: string, offset: number, cause?: unknown): ProtocolError {
  return new ProtocolError('PROTOCOL_MALFORMED', what, { offset }, { cause });
}
