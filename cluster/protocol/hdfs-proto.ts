/**
 * One protobufjs Root holding every HDFS .proto file of this folder (hdfs.proto, acl.proto, xattr.proto, encryption.proto,
 * HdfsServer.proto, ClientNamenodeProtocol.proto, DatanodeProtocol.proto, InterDatanodeProtocol.proto,
 * ClientDatanodeProtocol.proto,
 * datatransfer.proto, the two admin refresh protocols, erasurecoding.proto and inotify.proto) plus
 * hadoop.common's Security.proto and HAServiceProtocol.proto (its state enum), and the two generic codecs every HDFS message goes through:
 * `encodeProto` (refuses a message that lacks a required field, as protobuf-java's `build()` does)
 * and `decodeProto` (lib/proto/load.ts's truncation guard, then protobufjs; a missing required
 * field, a truncated field or a bad wire type is a PROTOCOL_MALFORMED ProtocolError, as
 * protobuf-java's InvalidProtocolBufferException).
 *
 * Plain objects mirror the .proto: field names as written there, enums as their names (a value the
 * enum does not name is absent, and PROTOCOL_MALFORMED in a required field, as protobuf-java parses it), bytes as
 * Uint8Array, absent optional fields absent (the proto2 default applies). 64-bit integers become
 * `number` when they fit in 53 bits; a larger value is refused (PROTOCOL_MALFORMED) rather than
 * rounded, except in the fields listed in BIGINT_FIELDS, which decode as `bigint` (block-report
 * longs carry -1 markers as 2^64-1). Encoders accept number, bigint or decimal string. The uint32
 * fields in JAVA_INT_FIELDS decode as signed 32-bit (Java int) values.
 */
import protobuf from 'protobufjs';
import { fileURLToPath } from 'node:url';
import { decodeMessage, loadProto } from '../../lib/proto/load.ts';
import { ProtocolError } from '../../lib/errors/index.ts';

const HDFS_PROTO_FILES = [
  'hdfs.proto', 'acl.proto', 'xattr.proto', 'encryption.proto', 'HdfsServer.proto', 'ClientNamenodeProtocol.proto', 'DatanodeProtocol.proto', 'datatransfer.proto',
  'RefreshAuthorizationPolicyProtocol.proto', 'RefreshUserMappingsProtocol.proto', 'InterDatanodeProtocol.proto', 'ClientDatanodeProtocol.proto',
  'erasurecoding.proto', 'inotify.proto',
];

/** Fully-qualified `Type.field` names whose 64-bit values decode as bigint. */
const BIGINT_FIELDS = new Set(['hadoop.hdfs.datanode.StorageBlockReportProto.blocks']);

/**
 * uint64 fields that carry a Java `long` which may be negative (LocatedBlock's start offset is -1
 * in updateBlockForPipeline and getAdditionalDatanode answers, written as 2^64 - 1): decoded back
 * to the signed value.
 */
const JAVA_LONG_FIELDS = new Set([
  'hadoop.hdfs.LocatedBlockProto.offset',
  'hadoop.hdfs.GetReplicaVisibleLengthResponseProto.length', // -1: no byte visible (RWR)
  'hadoop.hdfs.SetTimesRequestProto.mtime',
  'hadoop.hdfs.TruncateRequestProto.newLength', // FileSystem.truncate(p, -1) reaches the NameNode's negative-length check
  'hadoop.hdfs.SetTimesRequestProto.atime',
  'hadoop.hdfs.StorageTypeQuotaInfoProto.quota',
]);

/**
 * Java `long` quotas that may be -1 (none), Long.MAX_VALUE (the root directory's namespace
 * quota, DirectoryWithQuotaFeature.DEFAULT_NAMESPACE_QUOTA) or any value a superuser set: signed,
 * a number when it fits in 53 bits, else a bigint (never rounded).
 */
const JAVA_WIDE_LONG_FIELDS = new Set([
  'hadoop.hdfs.ContentSummaryProto.quota', 'hadoop.hdfs.QuotaUsageProto.quota',
  // a space quota may be any long up to Long.MAX_VALUE - 1 (`dfsadmin -setSpaceQuota 8e`)
  'hadoop.hdfs.ContentSummaryProto.spaceQuota', 'hadoop.hdfs.QuotaUsageProto.spaceQuota',
  // ClientProtocol.setQuota: QUOTA_RESET (-1) and QUOTA_DONT_SET (Long.MAX_VALUE)
  'hadoop.hdfs.SetQuotaRequestProto.namespaceQuota', 'hadoop.hdfs.SetQuotaRequestProto.storagespaceQuota',
  // cache pools: LIMIT_UNLIMITED (Long.MAX_VALUE), RELATIVE_EXPIRY_NEVER (Long.MAX_VALUE / 4), and any
  // value a caller sends for the NameNode to refuse (a negative limit or expiry); directive expiries
  // (absolute: now + up to Long.MAX_VALUE / 4)
  'hadoop.hdfs.CachePoolInfoProto.limit', 'hadoop.hdfs.CachePoolInfoProto.maxRelativeExpiry',
  'hadoop.hdfs.CacheDirectiveInfoExpirationProto.millis', 'hadoop.hdfs.CachePoolStatsProto.bytesOverlimit',
  // directive ids a caller names (any long: the NameNode answers "No directive with ID n found.")
  'hadoop.hdfs.CacheDirectiveInfoProto.id', 'hadoop.hdfs.RemoveCacheDirectiveRequestProto.id', 'hadoop.hdfs.ListCacheDirectivesRequestProto.prevId',
]);

/**
 * uint32 fields that carry a Java `int` which may be negative (written as its unsigned 32-bit
 * value, e.g. layout version -67 as 4294967229): decoded back to the signed int Java reads.
 */
const JAVA_INT_FIELDS = new Set([
  'hadoop.hdfs.StorageInfoProto.layoutVersion',
  'hadoop.hdfs.StorageInfoProto.namespceID',
  'hadoop.hdfs.BlockKeyProto.keyId',
  'hadoop.hdfs.DataEncryptionKeyProto.keyId',
]);

/**
 * uint64 lengths where a stock client sends Long.MAX_VALUE for "to the end of the file"
 * (DistributedFileSystem.getFileChecksum asks getBlockLocations(src, 0, Long.MAX_VALUE)): a value
 * past 2^53 decodes as Number.MAX_SAFE_INTEGER, which means the same for any file.
 */
const SATURATING_LONG_FIELDS = new Set(['hadoop.hdfs.GetBlockLocationsRequestProto.length']);

let root: protobuf.Root | undefined;
const types = new Map<string, protobuf.Type>();

/** The Root with every HDFS message (loaded once per process). */
export function hdfsRoot(): protobuf.Root {
  return (root ??= loadProto('Security.proto', 'HAServiceProtocol.proto', ...HDFS_PROTO_FILES.map((f) => fileURLToPath(new URL(`./${f}`, import.meta.url)))));
}

/** The message type `name` (fully qualified, e.g. `hadoop.hdfs.CreateRequestProto`); looked up once (every packet header and ack goes through here). */
export function hdfsType(name: string): protobuf.Type {
  let type = types.get(name);
  if (!type) {
    type = hdfsRoot().lookupType(name);
    types.set(name, type);
  }
  return type;
}

/** Serializes `value` as the message `typeName`; a missing required field or a bad value is PROTOCOL_MALFORMED. */
export function encodeProto(typeName: string, value: object): Uint8Array {
  const type = hdfsType(typeName);
  let message: protobuf.Message;
  try {
    message = type.fromObject(toWire(type, value as Record<string, unknown>));
  } catch (cause) {
    throw new ProtocolError('PROTOCOL_MALFORMED', `Cannot encode ${typeName}: ${(cause as Error).message}`, { message: typeName }, { cause });
  }
  return type.encode(message).finish();
}

/** Parses `bytes` as the message `typeName` into its plain-object form. */
export function decodeProto<T>(typeName: string, bytes: Uint8Array): T {
  const type = hdfsType(typeName);
  try {
    const object = type.toObject(decodeMessage(type, bytes), { longs: String, enums: String, defaults: false });
    return fromWire(type, object) as T;
  } catch (cause) {
    if (cause instanceof ProtocolError) throw cause;
    throw new ProtocolError('PROTOCOL_MALFORMED', `Malformed ${typeName} (${bytes.length} bytes): ${(cause as Error).message}`, { message: typeName }, { cause });
  }
}

/**
 * Checks required fields (protobufjs neither encodes nor verifies their absence), field names and
 * enum names, and turns bigint into decimal strings (protobufjs takes strings for 64-bit fields); recurses into messages.
 */
function toWire(type: protobuf.Type, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const field = type.fields[key];
    if (!field) throw new Error(`no field '${key}' in ${type.fullName.slice(1)}`);
    const one = (x: unknown): unknown => {
      // protobufjs would drop an unknown enum name and then write the enum's zero value
      if (field.resolvedType instanceof protobuf.Enum && typeof x === 'string' && !(x in field.resolvedType.values)) {
        throw new Error(`'${x}' is not a value of ${field.resolvedType.fullName.slice(1)} (field '${key}')`);
      }
      // negative values of unsigned 64-bit fields are written as their two's complement (Java long)
      const unsigned64 = field.type === 'uint64' || field.type === 'fixed64';
      if (typeof x === 'bigint') return (x < 0n && unsigned64 ? x + 18446744073709551616n : x).toString();
      if (typeof x === 'number' && x < 0 && unsigned64) return (BigInt(x) + 18446744073709551616n).toString();
      if (field.resolvedType instanceof protobuf.Type && x !== null && typeof x === 'object' && !(x instanceof Uint8Array)) {
        return toWire(field.resolvedType, x as Record<string, unknown>);
      }
      return x;
    };
    out[key] = Array.isArray(v) ? v.map(one) : one(v);
  }
  for (const field of type.fieldsArray) {
    if (field.required && out[field.name] === undefined) throw new Error(`missing required '${field.name}' in ${type.fullName.slice(1)}`);
  }
  return out;
}

/** Decimal strings of 64-bit fields -> number (refusing values past 2^53) or bigint; recurses. */
function fromWire(type: protobuf.Type, object: Record<string, unknown>): Record<string, unknown> {
  for (const field of type.fieldsArray) {
    const v = object[field.name];
    if (v === undefined) continue;
    const name = `${type.fullName.slice(1)}.${field.name}`;
    let one: ((x: unknown) => unknown) | undefined;
    if (field.long && JAVA_WIDE_LONG_FIELDS.has(name)) one = (x) => wideLong(BigInt.asIntN(64, BigInt(x as string)));
    else if (field.long && SATURATING_LONG_FIELDS.has(name)) one = (x) => saturate(BigInt(x as string));
    else if (field.long && JAVA_LONG_FIELDS.has(name)) one = (x) => safeNumber(BigInt.asIntN(64, BigInt(x as string)).toString(), name);
    else if (field.long) one = BIGINT_FIELDS.has(name) ? (x) => BigInt(x as string) : (x) => safeNumber(x as string, name);
    else if (JAVA_INT_FIELDS.has(name)) one = (x) => (x as number) | 0;
    else if (field.resolvedType instanceof protobuf.Enum) {
      // protobuf-java keeps a value its enum does not name as an unknown field: the field is absent
      // (and a required one missing, so the message does not parse)
      if (Array.isArray(v)) object[field.name] = v.filter((x) => typeof x === 'string');
      else if (typeof v !== 'string') {
        if (field.required) throw new ProtocolError('PROTOCOL_MALFORMED', `${name} = ${String(v)} is not a value of ${field.resolvedType.fullName.slice(1)}`, { field: name, value: String(v) });
        delete object[field.name];
      }
      continue;
    }
    else if (field.resolvedType instanceof protobuf.Type) {
      const sub = field.resolvedType;
      one = (x) => fromWire(sub, x as Record<string, unknown>);
    } else if (field.type === 'bytes') one = (x) => new Uint8Array(x as Uint8Array);
    if (one) object[field.name] = Array.isArray(v) ? v.map(one) : one(v);
  }
  return object;
}

function saturate(v: bigint): number {
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

function wideLong(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function safeNumber(decimal: string, field: string): number {
  const n = Number(decimal);
  if (!Number.isSafeInteger(n)) {
    throw new ProtocolError('PROTOCOL_MALFORMED', `${field} = ${decimal} does not fit in 53 bits`, { field, value: decimal });
  }
  return n;
}

/** The request and response message types of `method` in `service` (fully qualified names). */
export function rpcTypes(service: string, method: string): { request: string; response: string } {
  const m = hdfsRoot().lookupService(service).methods[method];
  if (!m) throw new ProtocolError('PROTOCOL_MALFORMED', `${service} has no method ${method}`, { service, method });
  return { request: m.resolvedRequestType!.fullName.slice(1), response: m.resolvedResponseType!.fullName.slice(1) };
}
