/**
 * Framing of the DataNode streaming port (hadoop-hdfs-client protocol/datatransfer/Sender.java,
 * hadoop-hdfs Receiver.java; PBHelperClient.vintPrefixed): an op request is
 * `int16 BE version (28) | uint8 op | varint32 length | Op...Proto`; everything else the two sides
 * exchange as messages (BlockOpResponseProto, PipelineAckProto, ClientReadStatusProto) is a
 * varint32-delimited proto with no prefix. The readers take a ByteQueue and return `undefined`
 * until the whole frame is buffered. A version other than 28 is PROTOCOL_VERSION (the DataNode
 * drops the connection without a response), an unknown op or an oversized length a ProtocolError.
 */
import { ProtocolError } from '../../../lib/errors/index.ts';
import { encodeVarint32, tryDecodeVarint32 } from '../../../lib/codec/varint.ts';
import type { ByteQueue } from './byte-queue.ts';
import { DATA_TRANSFER_VERSION, Op } from './constants.ts';
import type { OpName } from './constants.ts';

/** Largest delimited message accepted: protobuf-java's default size limit (64 MiB). */
export const MAX_DELIMITED_MESSAGE = 64 * 1024 * 1024;

const OP_BY_CODE = new Map<number, OpName>(Object.entries(Op).map(([name, code]) => [code, name as OpName]));

export interface OpRequest {
  op: OpName;
  /** the Op...Proto bytes */
  body: Uint8Array;
}

/** `Sender.send`: version, op code, then the delimited op proto. */
export function encodeOpRequest(op: OpName, body: Uint8Array): Uint8Array {
  const length = encodeVarint32(body.length);
  const out = new Uint8Array(3 + length.length + body.length);
  new DataView(out.buffer).setInt16(0, DATA_TRANSFER_VERSION);
  out[2] = Op[op];
  out.set(length, 3);
  out.set(body, 3 + length.length);
  return out;
}

/** `writeDelimitedTo`: varint32 length + message. */
export function encodeDelimited(message: Uint8Array): Uint8Array {
  const length = encodeVarint32(message.length);
  const out = new Uint8Array(length.length + message.length);
  out.set(length, 0);
  out.set(message, length.length);
  return out;
}

/** `Receiver.readOp` + the op's `vintPrefixed` proto; undefined until all of it is buffered. */
export function tryReadOpRequest(queue: ByteQueue, maxLength = MAX_DELIMITED_MESSAGE): OpRequest | undefined {
  if (queue.length < 3) return undefined;
  const head = queue.peek(Math.min(queue.length, 8));
  const version = (head[0]! << 8) | head[1]!;
  if (version !== DATA_TRANSFER_VERSION) {
    throw new ProtocolError('PROTOCOL_VERSION', `Version Mismatch (Expected: ${DATA_TRANSFER_VERSION}, Received: ${(version << 16) >> 16}): the peer does not speak DataTransferProtocol ${DATA_TRANSFER_VERSION} (or sent SASL/encrypted bytes where an op was expected)`, {
      expected: DATA_TRANSFER_VERSION, received: (version << 16) >> 16,
    });
  }
  const op = OP_BY_CODE.get(head[2]!);
  if (op === undefined) throw new ProtocolError('PROTOCOL_MALFORMED', `Unknown data-transfer op code ${head[2]}`, { op: head[2]! });
  const length = readLength(head, 3, maxLength, `${op} request`);
  if (length === undefined || queue.length < 3 + length.size + length.value) return undefined;
  queue.take(3 + length.size);
  return { op, body: queue.take(length.value) };
}

/** One varint32-delimited message; undefined until it is all buffered. */
export function tryReadDelimited(queue: ByteQueue, maxLength = MAX_DELIMITED_MESSAGE, what = 'delimited message'): Uint8Array | undefined {
  if (queue.length === 0) return undefined;
  const length = readLength(queue.peek(Math.min(queue.length, 5)), 0, maxLength, what);
  if (length === undefined || queue.length < length.size + length.value) return undefined;
  queue.take(length.size);
  return queue.take(length.value);
}

function readLength(bytes: Uint8Array, offset: number, max: number, what: string): { value: number; size: number } | undefined {
  const r = tryDecodeVarint32(bytes, offset);
  if (r === undefined) return undefined;
  if (r.value > max) {
    throw new ProtocolError('PROTOCOL_TOO_LARGE', `${what} declares ${r.value} bytes, more than the ${max} accepted`, { length: r.value, max });
  }
  return { value: r.value, size: r.length };
}
