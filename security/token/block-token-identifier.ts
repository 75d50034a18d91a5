/**
 * `BlockTokenIdentifier` (hadoop-hdfs-client security/token/block/BlockTokenIdentifier.java;
 * BlockTokenSecretProto in hdfs.proto), kind HDFS_BLOCK_TOKEN, in both of Hadoop's layouts:
 *  - legacy Writable: vlong expiryDate, vint keyId, userId and blockPoolId as
 *    `WritableUtils.writeString` (int32 length, -1 = null), vlong blockId, vint count + access modes
 *    as enum-name Text, vint count + storage types as enum-name Text, vint count + storage ids as
 *    writeString, then the handshake secret (vint length + bytes) only when non-empty;
 *  - protobuf: BlockTokenSecretProto (./BlockTokenSecret.proto), the raw message.
 * `decode` tells them apart as `readFields` does: first byte <= 0 (signed) is legacy, else protobuf.
 * A decoded identifier keeps its exact bytes (the password is an HMAC over them). Modes are kept as
 * Java's EnumSet keeps them: deduplicated, in READ, WRITE, COPY, REPLACE order.
 */
import protobuf from 'protobufjs';
import { fileURLToPath } from 'node:url';
import { DataInput, DataOutput, TEXT_DEFAULT_MAX_LEN } from '../../lib/codec/index.ts';
import { decodeMessage, loadProto } from '../../lib/proto/load.ts';
import type { TokenIdentifier, TokenUser } from './token-identifier.ts';
import { invalidToken } from './token-errors.ts';

export const HDFS_BLOCK_TOKEN_KIND = 'HDFS_BLOCK_TOKEN';

/** `BlockTokenIdentifier.AccessMode`, in ordinal order. */
export const ACCESS_MODES = ['READ', 'WRITE', 'COPY', 'REPLACE'] as const;
export type AccessMode = (typeof ACCESS_MODES)[number];

/** Hadoop's `StorageType` names (the Writable form writes these; the proto form its enum). */
export const STORAGE_TYPES = ['RAM_DISK', 'SSD', 'DISK', 'ARCHIVE', 'PROVIDED', 'NVDIMM'] as const;
export type BlockStorageType = (typeof STORAGE_TYPES)[number];

export type BlockTokenFormat = 'legacy' | 'protobuf';

export interface BlockTokenFields {
  /** ms since epoch */
  expiryDate: number;
  /** block key id (Java int) */
  keyId: number;
  /** short name of the user the token was issued to; null for DataNode-to-DataNode / balancer tokens */
  userId: string | null;
  blockPoolId: string;
  blockId: number;
  modes: readonly AccessMode[];
  storageTypes: readonly BlockStorageType[];
  storageIds: readonly string[];
  /** `handshakeMsg` (the QOP a NameNode passes to DataNodes); empty when absent */
  handshakeMsg: Uint8Array;
}

/** Cap on list lengths read from an identifier (Java has none; a NameNode writes one per replica). */
const MAX_LIST = 1024;
const PROTO_FILE = fileURLToPath(new URL('./BlockTokenSecret.proto', import.meta.url));
const protoType = (): protobuf.Type => loadProto(PROTO_FILE).lookupType('hadoop.hdfs.BlockTokenSecretProto');

export class BlockTokenIdentifier implements TokenIdentifier, BlockTokenFields {
  readonly kind = HDFS_BLOCK_TOKEN_KIND;
  readonly bytes: Uint8Array;
  readonly format: BlockTokenFormat;
  readonly expiryDate: number;
  readonly keyId: number;
  readonly userId: string | null;
  readonly blockPoolId: string;
  readonly blockId: number;
  readonly modes: readonly AccessMode[];
  readonly storageTypes: readonly BlockStorageType[];
  readonly storageIds: readonly string[];
  readonly handshakeMsg: Uint8Array;

  private constructor(bytes: Uint8Array, format: BlockTokenFormat, f: BlockTokenFields) {
    this.bytes = bytes;
    this.format = format;
    this.expiryDate = f.expiryDate;
    this.keyId = f.keyId;
    this.userId = f.userId;
    this.blockPoolId = f.blockPoolId;
    this.blockId = f.blockId;
    this.modes = enumSetOrder(f.modes);
    this.storageTypes = [...f.storageTypes];
    this.storageIds = [...f.storageIds];
    this.handshakeMsg = f.handshakeMsg;
  }

  /** Serializes `fields` in `format` (`dfs.block.access.token.protobuf.enable` picks protobuf; default legacy). */
  static create(fields: BlockTokenFields, format: BlockTokenFormat = 'legacy'): BlockTokenIdentifier {
    const bytes = format === 'legacy' ? writeLegacy(fields) : writeProtobuf(fields);
    return new BlockTokenIdentifier(bytes, format, fields);
  }

  /** `readFields`: detects the layout from the first byte; malformed input is TOKEN_BAD_FORMAT. */
  static decode(bytes: Uint8Array): BlockTokenIdentifier {
    try {
      if (bytes.length === 0) throw new Error('empty identifier');
      const legacy = (bytes[0]! << 24) >> 24 <= 0;
      const copy = Uint8Array.from(bytes);
      return new BlockTokenIdentifier(copy, legacy ? 'legacy' : 'protobuf', legacy ? readLegacy(copy) : readProtobuf(copy));
    } catch (e) {
      throw invalidToken('TOKEN_BAD_FORMAT', `Malformed ${HDFS_BLOCK_TOKEN_KIND} identifier: ${(e as Error).message}`, { kind: HDFS_BLOCK_TOKEN_KIND }, e);
    }
  }

  /** `getUser()`: the userId, or `<blockPoolId>:<blockId>` when there is none. */
  user(): TokenUser {
    return { userName: this.userId ? this.userId : `${this.blockPoolId}:${this.blockId}` };
  }

  /** Hadoop's `toString()` (no secrets). */
  toString(): string {
    return `block_token_identifier (expiryDate=${this.expiryDate}, keyId=${this.keyId}, userId=${this.userId}, ` +
      `blockPoolId=${this.blockPoolId}, blockId=${this.blockId}, access modes=[${this.modes.join(', ')}], ` +
      `storageTypes= [${this.storageTypes.join(', ')}], storageIds= [${this.storageIds.join(', ')}])`;
  }
}

function enumSetOrder(modes: readonly AccessMode[]): AccessMode[] {
  return ACCESS_MODES.filter((m) => modes.includes(m));
}

function writeLegacy(f: BlockTokenFields): Uint8Array {
  const out = new DataOutput(128)
    .writeVLong(f.expiryDate)
    .writeVInt(f.keyId)
    .writeString(f.userId)
    .writeString(f.blockPoolId)
    .writeVLong(f.blockId);
  const modes = enumSetOrder(f.modes);
  out.writeVInt(modes.length);
  for (const m of modes) out.writeText(m);
  out.writeVInt(f.storageTypes.length);
  for (const t of f.storageTypes) out.writeText(t);
  out.writeVInt(f.storageIds.length);
  for (const id of f.storageIds) out.writeString(id);
  if (f.handshakeMsg.length > 0) out.writeVBytes(f.handshakeMsg);
  return out.toBytes();
}

function readLegacy(bytes: Uint8Array): BlockTokenFields {
  const input = new DataInput(bytes);
  const expiryDate = input.readVLong();
  const keyId = input.readVInt();
  const userId = input.readString(TEXT_DEFAULT_MAX_LEN, 'userId');
  const blockPoolId = input.readString(TEXT_DEFAULT_MAX_LEN, 'blockPoolId') ?? '';
  const blockId = input.readVLong();
  const modes = readEnums(input, input.readVIntInRange(0, ACCESS_MODES.length, 'access mode count'), ACCESS_MODES, 'access mode');
  // Identifiers from NameNodes before HDFS-6708 / HDFS-9807 end here; the reader treats EOF at
  // these boundaries as "absent" (Java catches the EOFException).
  let storageTypes: BlockStorageType[] = [];
  let storageIds: string[] = [];
  let handshakeMsg: Uint8Array = new Uint8Array(0);
  if (input.remaining > 0) {
    storageTypes = readEnums(input, input.readVIntInRange(0, MAX_LIST, 'storage type count'), STORAGE_TYPES, 'storage type');
    if (input.remaining > 0) {
      const n = input.readVIntInRange(0, MAX_LIST, 'storage id count');
      storageIds = Array.from({ length: n }, () => input.readString(TEXT_DEFAULT_MAX_LEN, 'storage id') ?? '');
      if (input.remaining > 0) handshakeMsg = Uint8Array.from(input.readVBytes(TEXT_DEFAULT_MAX_LEN, 'handshake secret'));
    }
  }
  return { expiryDate, keyId, userId, blockPoolId, blockId, modes, storageTypes, storageIds, handshakeMsg };
}

/** `WritableUtils.readEnum`: the enum name as Text; an unknown name fails as Enum.valueOf does. */
function readEnums<T extends string>(input: DataInput, n: number, names: readonly T[], what: string): T[] {
  return Array.from({ length: n }, () => {
    const name = input.readText(64, what);
    if (!(names as readonly string[]).includes(name)) throw new Error(`unknown ${what} '${name}'`);
    return name as T;
  });
}

interface BlockTokenSecretObject {
  expiryDate?: string;
  keyId?: number;
  userId?: string;
  blockPoolId?: string;
  blockId?: string;
  modes?: (string | number)[];
  storageTypes?: (string | number)[];
  storageIds?: string[];
  handshakeSecret?: Uint8Array;
}

/** `writeProtobuf`: userId only when non-null, the handshake secret only when non-empty. */
function writeProtobuf(f: BlockTokenFields): Uint8Array {
  const t = protoType();
  return t.encode(t.fromObject({
    expiryDate: f.expiryDate,
    keyId: f.keyId >>> 0,
    ...(f.userId !== null ? { userId: f.userId } : {}),
    blockPoolId: f.blockPoolId,
    blockId: f.blockId,
    modes: enumSetOrder(f.modes),
    storageTypes: [...f.storageTypes],
    storageIds: [...f.storageIds],
    ...(f.handshakeMsg.length > 0 ? { handshakeSecret: f.handshakeMsg } : {}),
  })).finish();
}

function readProtobuf(bytes: Uint8Array): BlockTokenFields {
  const t = protoType();
  const p = t.toObject(decodeMessage(t, bytes), { longs: String, enums: String }) as BlockTokenSecretObject;
  const known = <T extends string>(values: (string | number)[] | undefined, names: readonly T[]): T[] =>
    (values ?? []).filter((v): v is T => typeof v === 'string' && (names as readonly string[]).includes(v)); // unknown enum numbers are dropped, as protobuf-java does
  return {
    expiryDate: safe(p.expiryDate ?? '0', 'expiryDate'),
    keyId: (p.keyId ?? 0) | 0,
    userId: p.userId ?? null,
    blockPoolId: p.blockPoolId ?? '',
    blockId: safe(p.blockId ?? '0', 'blockId'),
    modes: known(p.modes, ACCESS_MODES),
    storageTypes: known(p.storageTypes, STORAGE_TYPES),
    storageIds: p.storageIds ?? [],
    handshakeMsg: p.handshakeSecret ? Uint8Array.from(p.handshakeSecret) : new Uint8Array(0),
  };
}

function safe(decimal: string, what: string): number {
  const n = Number(decimal);
  if (!Number.isSafeInteger(n)) throw new Error(`${what} ${decimal} does not fit in 53 bits`);
  return n;
}
