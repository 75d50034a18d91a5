/**
 * Records of the journal token store (pure codec, no I/O; docs/tokens.md "Journal format"), in the
 * framing of lib/journal/frame.ts: magic `HSEC-DTJ` for a journal, `HSEC-DTS` for a snapshot.
 * Records set absolute state (put or remove one token or key, counter values), so replaying a
 * record twice changes nothing; that is what lets a snapshot be taken while writes go on.
 */
import { ProtocolError } from '../../../../lib/errors/index.ts';
import { DelegationKey } from '../../keys/delegation-key.ts';
import { frame, scanFrames } from '../../../../lib/journal/frame.ts';
import type { JournalMagic, PayloadVisitor, ScanResult } from '../../../../lib/journal/frame.ts';

export const JOURNAL_MAGIC = 'HSEC-DTJ';
export const SNAPSHOT_MAGIC = 'HSEC-DTS';
export const TOKEN_STORE_MAGIC: JournalMagic = { journal: JOURNAL_MAGIC, snapshot: SNAPSHOT_MAGIC };

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

/**
 * Decodes the records in `b[start, end)` into `visitor`. Stops at the first incomplete or broken
 * frame; throws PROTOCOL_MALFORMED (with `offset` relative to `b`) for a checked payload that does
 * not parse.
 */
export function scanRecords(b: Buffer, start: number, end: number, visitor: RecordVisitor): ScanResult {
  return scanFrames(b, start, end, (buf, bytes, at, stop, frameAt) => decodePayload(buf, bytes, at, stop, visitor, frameAt));
}

/** The PayloadVisitor of scanFrames for this store's records. */
export function recordPayloads(visitor: RecordVisitor): PayloadVisitor {
  return (buf, bytes, at, stop, frameAt) => decodePayload(buf, bytes, at, stop, visitor, frameAt);
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
