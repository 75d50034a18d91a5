/**
 * Loads the .proto files kept next to this module (copies of Hadoop's field numbers, written by us
 * from Hadoop's .proto definitions) through protobufjs, once per process. Each .proto file names
 * its Hadoop source in its header comment.
 */
import protobuf from 'protobufjs';
import { fileURLToPath } from 'node:url';
import { dirname, isAbsolute, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const cache = new Map<string, protobuf.Root>();

/** Loads one or more .proto files (names relative to lib/proto/, or absolute paths) into one Root. */
export function loadProto(...files: string[]): protobuf.Root {
  const key = files.join('|');
  let root = cache.get(key);
  if (!root) {
    root = new protobuf.Root();
    root.loadSync(files.map((f) => (isAbsolute(f) ? f : join(here, f))), { keepCase: true });
    root.resolveAll();
    cache.set(key, root);
  }
  return root;
}

/**
 * Bounds on what one decode may walk, so a small message cannot cost a lot of time: protobufjs
 * builds one object per repeated entry, and 22 million empty `auths` fit in 127 MiB.
 */
export interface DecodeLimits {
  /** Most entries any one repeated field may have (in each message instance). */
  readonly maxRepeated?: number;
  /** Most fields (tags, known or unknown, nested included) the whole message may have. */
  readonly maxFields?: number;
}

/**
 * Decodes `bytes` as `type`, refusing input protobuf-java would refuse: protobufjs reads a Node
 * Buffer with its BufferReader, whose string() clamps a declared length to the end of the input, so
 * a field announcing 80 bytes but carrying 1 would decode as a 1-character string; protobuf-java
 * throws InvalidProtocolBufferException ("While parsing a protocol message, the input ended
 * unexpectedly"). So the wire format is walked first (tags, varints, fixed widths and every
 * length-delimited field, recursing into known message fields) and a truncated or malformed field,
 * or one past `limits`, throws a RangeError before protobufjs sees the bytes.
 */
export function decodeMessage(type: protobuf.Type, bytes: Uint8Array, limits: DecodeLimits = {}): protobuf.Message {
  const budget = { fields: limits.maxFields ?? Number.POSITIVE_INFINITY, maxRepeated: limits.maxRepeated ?? Number.POSITIVE_INFINITY };
  checkWireFormat(type, bytes, 0, bytes.length, 0, budget);
  return type.decode(bytes);
}

const MAX_DEPTH = 100; // protobuf-java's default recursion limit

interface WalkBudget {
  fields: number;
  readonly maxRepeated: number;
}

function checkWireFormat(type: protobuf.Type | undefined, b: Uint8Array, start: number, end: number, depth: number, budget: WalkBudget, group?: number): number {
  if (depth > MAX_DEPTH) throw new RangeError('protobuf message nested too deeply');
  let pos = start;
  const repeated = new Map<number, number>();
  const varint = (): number => {
    let value = 0;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw new RangeError(`protobuf varint truncated at offset ${pos}`);
      const byte = b[pos++]!;
      if (i < 4) value |= (byte & 0x7f) << (7 * i);
      else if (i < 7) value += (byte & 0x7f) * 2 ** (7 * i);
      if ((byte & 0x80) === 0) return value;
    }
    throw new RangeError('protobuf varint longer than 10 bytes');
  };
  while (pos < end) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 0) throw new RangeError('protobuf field number 0');
    if (--budget.fields < 0) throw new RangeError('protobuf message has more fields than this decoder accepts');
    const f = type?.fieldsById[field];
    if (f?.repeated) {
      const n = (repeated.get(field) ?? 0) + 1;
      if (n > budget.maxRepeated) throw new RangeError(`protobuf repeated field ${f.name} has more than ${budget.maxRepeated} entries`);
      repeated.set(field, n);
    }
    switch (wire) {
      case 0:
        varint();
        break;
      case 1:
      case 5: {
        const width = wire === 1 ? 8 : 4;
        if (pos + width > end) throw new RangeError(`protobuf field ${field} truncated: needs ${width} bytes, ${end - pos} left`);
        pos += width;
        break;
      }
      case 2: {
        const length = varint();
        if (length > end - pos) throw new RangeError(`protobuf field ${field} declares ${length} bytes, ${end - pos} left`);
        // a message field (not a map entry, whose value type describes only half the entry)
        if (f && !f.map && f.resolvedType instanceof protobuf.Type) checkWireFormat(f.resolvedType, b, pos, pos + length, depth + 1, budget);
        pos += length;
        break;
      }
      case 3:
        pos = checkWireFormat(undefined, b, pos, end, depth + 1, budget, field);
        break;
      case 4:
        if (group !== field) throw new RangeError(`protobuf end-group ${field} without its start`);
        return pos;
      default:
        throw new RangeError(`protobuf wire type ${wire} (field ${field}) is invalid`);
    }
  }
  if (group !== undefined) throw new RangeError(`protobuf group ${group} not closed`);
  return pos;
}
