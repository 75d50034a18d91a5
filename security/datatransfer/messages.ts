/**
 * Pure codecs of the data-transfer SASL handshake (Hadoop's
 * DataTransferSaslUtil): the 4-byte magic number 0xDEADBEEF the client sends first
 * (SASL_TRANSFER_MAGIC_NUMBER), then varint32-length-delimited DataTransferEncryptorMessageProto
 * messages (status, payload, message, cipherOption list, handshakeSecret, accessTokenError) in
 * both directions. `HandshakeDecoder` buffers partial input as state and hands back whatever
 * follows the handshake untouched. No sockets here.
 */
import { fileURLToPath } from 'node:url';
import type protobuf from 'protobufjs';
import { ProtocolError } from '../../lib/errors/index.ts';
import { decodeMessage, loadProto } from '../../lib/proto/load.ts';
import { delimit, tryDecodeVarint32 } from '../../lib/codec/varint.ts';

/** DataTransferSaslUtil.SASL_TRANSFER_MAGIC_NUMBER (as a Java int: -559038737). */
export const SASL_TRANSFER_MAGIC_NUMBER = 0xdeadbeef;

/** DataTransferEncryptorMessageProto.DataTransferEncryptorStatus. */
export enum DataTransferEncryptorStatus {
  SUCCESS = 0,
  ERROR_UNKNOWN_KEY = 1,
  ERROR = 2,
}

/** CipherSuiteProto (hdfs.proto). */
export enum CipherSuiteProto {
  UNKNOWN = 1,
  AES_CTR_NOPADDING = 2,
  SM4_CTR_NOPADDING = 3,
}

/** CipherOptionProto: a suite, and for a negotiated option its keys and IVs ("in" = client to DataNode). */
export interface CipherOption {
  readonly suite: number;
  readonly inKey?: Uint8Array | undefined;
  readonly inIv?: Uint8Array | undefined;
  readonly outKey?: Uint8Array | undefined;
  readonly outIv?: Uint8Array | undefined;
}

/** HandshakeSecretProto: the QOP a NameNode put in the block token (handshakeMsg), with the pool id. */
export interface HandshakeSecret {
  readonly secret: Uint8Array;
  readonly bpid: string;
}

/** DataTransferEncryptorMessageProto. */
export interface DataTransferEncryptorMessage {
  readonly status: DataTransferEncryptorStatus;
  readonly payload?: Uint8Array | undefined;
  readonly message?: string | undefined;
  readonly cipherOptions?: readonly CipherOption[] | undefined;
  readonly handshakeSecret?: HandshakeSecret | undefined;
  readonly accessTokenError?: boolean | undefined;
}

/** Largest handshake message accepted by default (bytes): real ones are a few hundred bytes to a few KiB. */
export const DEFAULT_MAX_HANDSHAKE_MESSAGE = 1 << 20;

const PROTO_FILE = fileURLToPath(new URL('./DataTransferSasl.proto', import.meta.url));

function messageType(): protobuf.Type {
  return loadProto(PROTO_FILE).lookupType('hadoop.hdfs.DataTransferEncryptorMessageProto');
}

/** The 4 magic bytes, big-endian (DataOutputStream.writeInt). */
export function encodeMagic(): Uint8Array {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(SASL_TRANSFER_MAGIC_NUMBER);
  return out;
}

/** One message without its length prefix (protobuf-java field order; unset optionals absent). */
export function encodeMessageBody(m: DataTransferEncryptorMessage): Uint8Array {
  const type = messageType();
  const obj: Record<string, unknown> = { status: m.status };
  if (m.payload !== undefined) obj['payload'] = m.payload;
  if (m.message !== undefined) obj['message'] = m.message;
  if (m.cipherOptions && m.cipherOptions.length > 0) {
    obj['cipherOption'] = m.cipherOptions.map((o) => {
      const c: Record<string, unknown> = { suite: o.suite };
      for (const f of ['inKey', 'inIv', 'outKey', 'outIv'] as const) if (o[f] !== undefined) c[f] = o[f];
      return c;
    });
  }
  if (m.handshakeSecret) obj['handshakeSecret'] = { secret: m.handshakeSecret.secret, bpid: m.handshakeSecret.bpid };
  if (m.accessTokenError) obj['accessTokenError'] = true; // Hadoop sets it only when true
  return type.encode(type.create(obj)).finish();
}

/** One message as sent: varint32 length + body (writeDelimitedTo). */
export function encodeMessage(m: DataTransferEncryptorMessage): Uint8Array {
  return delimit(encodeMessageBody(m));
}

/** Decodes one message body; malformed bytes or a missing required field are PROTOCOL_MALFORMED. */
export function decodeMessageBody(bytes: Uint8Array): DataTransferEncryptorMessage {
  let raw: Record<string, unknown>;
  try {
    raw = decodeMessage(messageType(), bytes) as unknown as Record<string, unknown>;
  } catch (err) {
    throw new ProtocolError('PROTOCOL_MALFORMED', `Malformed DataTransferEncryptorMessageProto: ${(err as Error).message}`, { what: 'DataTransferEncryptorMessageProto' }, { cause: err });
  }
  const status = raw['status'] as number;
  if (!(status in DataTransferEncryptorStatus)) {
    throw new ProtocolError('PROTOCOL_MALFORMED', `DataTransferEncryptorMessageProto has unknown status ${status}`, { what: 'DataTransferEncryptorMessageProto', status });
  }
  const has = (o: Record<string, unknown>, f: string): boolean => Object.prototype.hasOwnProperty.call(o, f);
  const bytesOf = (o: Record<string, unknown>, f: string): Uint8Array | undefined => (has(o, f) ? (o[f] as Uint8Array) : undefined);
  const options = (raw['cipherOption'] as Array<Record<string, unknown>> | undefined) ?? [];
  const secret = has(raw, 'handshakeSecret') ? (raw['handshakeSecret'] as Record<string, unknown>) : undefined;
  return {
    status,
    payload: bytesOf(raw, 'payload'),
    message: has(raw, 'message') ? (raw['message'] as string) : undefined,
    cipherOptions: options.map((o) => ({
      suite: o['suite'] as number,
      inKey: bytesOf(o, 'inKey'),
      inIv: bytesOf(o, 'inIv'),
      outKey: bytesOf(o, 'outKey'),
      outIv: bytesOf(o, 'outIv'),
    })),
    handshakeSecret: secret ? { secret: secret['secret'] as Uint8Array, bpid: secret['bpid'] as string } : undefined,
    accessTokenError: has(raw, 'accessTokenError') ? (raw['accessTokenError'] as boolean) : undefined,
  };
}

/** What the decoder yields: the magic number (server side, first) or one message. */
export type HandshakeFrame = { readonly kind: 'magic'; readonly value: number } | { readonly kind: 'message'; readonly message: DataTransferEncryptorMessage };

export interface HandshakeDecoderOptions {
  /** The DataNode side reads the 4-byte magic number before the first message. */
  readonly expectMagic: boolean;
  /** Largest message body accepted (bytes); default DEFAULT_MAX_HANDSHAKE_MESSAGE. */
  readonly maxMessageLength?: number;
}

/**
 * Buffers handshake bytes and yields whole frames. The handshake is a few small messages, so the
 * pending bytes live in one Buffer. `remainder()` returns (and clears) what arrived after the last
 * frame taken: the first bytes of the protected stream, which belong to the data streams.
 */
export class HandshakeDecoder {
  readonly #max: number;
  #magicPending: boolean;
  #buf: Buffer = Buffer.alloc(0);

  constructor(options: HandshakeDecoderOptions) {
    this.#magicPending = options.expectMagic;
    this.#max = options.maxMessageLength ?? DEFAULT_MAX_HANDSHAKE_MESSAGE;
  }

  /** Bytes received and not yet returned. */
  get buffered(): number {
    return this.#buf.length;
  }

  /** Adds a chunk without decoding (call next() to take frames one at a time). */
  push(chunk: Uint8Array): void {
    if (chunk.length > 0) this.#buf = this.#buf.length === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length) : Buffer.concat([this.#buf, chunk]);
  }

  /** The next complete frame, or undefined until more bytes arrive. */
  next(): HandshakeFrame | undefined {
    if (this.#magicPending) {
      if (this.#buf.length < 4) return undefined;
      const value = this.#buf.readUInt32BE(0);
      this.#buf = this.#buf.subarray(4);
      this.#magicPending = false;
      return { kind: 'magic', value };
    }
    const len = tryDecodeVarint32(this.#buf, 0);
    if (len === undefined) return undefined;
    if (len.value > this.#max) {
      throw new ProtocolError('PROTOCOL_TOO_LARGE', `Data transfer handshake message of ${len.value} bytes exceeds the maximum of ${this.#max} bytes`, {
        what: 'DataTransferEncryptorMessageProto',
        length: len.value,
        max: this.#max,
      });
    }
    if (this.#buf.length < len.length + len.value) return undefined;
    const body = this.#buf.subarray(len.length, len.length + len.value);
    this.#buf = this.#buf.subarray(len.length + len.value);
    return { kind: 'message', message: decodeMessageBody(body) };
  }

  /** Whatever is buffered after the frames taken so far; the decoder is empty afterwards. */
  remainder(): Buffer {
    const rest = this.#buf;
    this.#buf = Buffer.alloc(0);
    return rest;
  }
}
