/**
 * The framing of a SASL-protected data-transfer stream (Hadoop's
 * SaslOutputStream / SaslInputStream): each write becomes [int32 BE length][wrap(bytes)], and the
 * reader unwraps one such frame at a time. We cut writes into pieces of at most the security
 * layer's rawSendSize (the peer's maxbuf less the MAC overhead), which Hadoop's reader accepts as
 * it reads any frame size. Pure: `encodeWrapped` and a decoder that buffers partial frames.
 */
import { ProtocolError } from '../../lib/errors/index.ts';
import type { SaslSecurityLayer } from '../sasl/mechanism.ts';

/** Largest wrapped frame accepted by default: a 16 MiB packet (PacketReceiver's limit) plus room for the MAC. */
export const DEFAULT_MAX_WRAPPED_FRAME = 16 * 1024 * 1024 + 64 * 1024;

/** Wraps `data` into as many length-prefixed frames as rawSendSize requires, as one buffer. */
export function encodeWrapped(layer: SaslSecurityLayer, data: Uint8Array): Buffer {
  const size = Math.max(1, layer.rawSendSize);
  const parts: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += size) {
    const token = layer.wrap(data.subarray(at, Math.min(data.length, at + size)));
    const head = Buffer.allocUnsafe(4);
    head.writeUInt32BE(token.length);
    parts.push(head, token);
  }
  return Buffer.concat(parts);
}

/** Buffers length-prefixed wrapped frames and returns the unwrapped plaintext of each complete one. */
export class WrappedFrameDecoder {
  readonly #layer: SaslSecurityLayer;
  readonly #max: number;
  #chunks: Buffer[] = [];
  #buffered = 0;

  constructor(layer: SaslSecurityLayer, maxFrame: number = DEFAULT_MAX_WRAPPED_FRAME) {
    this.#layer = layer;
    this.#max = maxFrame;
  }

  get buffered(): number {
    return this.#buffered;
  }

  /** Feeds a chunk; returns the plaintext of every frame it completes. */
  push(chunk: Buffer): Buffer[] {
    if (chunk.length > 0) {
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
    }
    const out: Buffer[] = [];
    while (this.#buffered >= 4) {
      const length = this.#peekLength();
      if (length > this.#max) {
        throw new ProtocolError('PROTOCOL_TOO_LARGE', `SASL-wrapped data transfer frame of ${length} bytes exceeds the maximum of ${this.#max} bytes; the peer is not speaking the negotiated protection`, {
          what: 'SASL-wrapped frame',
          length,
          max: this.#max,
          qop: this.#layer.qop,
        });
      }
      if (this.#buffered < 4 + length) break;
      this.#take(4);
      const plain = this.#layer.unwrap(this.#take(length));
      if (plain.length > 0) out.push(Buffer.from(plain.buffer, plain.byteOffset, plain.length));
    }
    return out;
  }

  /** At end of stream: a partial frame left over is a truncation. */
  end(): void {
    if (this.#buffered > 0) {
      throw new ProtocolError('PROTOCOL_TRUNCATED', `Data transfer connection closed inside a SASL-wrapped frame (${this.#buffered} bytes pending)`, {
        what: 'SASL-wrapped frame',
        pending: this.#buffered,
      });
    }
  }

  #peekLength(): number {
    const first = this.#chunks[0]!;
    if (first.length >= 4) return first.readUInt32BE(0);
    return Buffer.concat(this.#chunks, 4).readUInt32BE(0);
  }

  #take(n: number): Buffer {
    const first = this.#chunks[0]!;
    if (first.length >= n) {
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
      this.#buffered -= n;
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let at = 0;
    while (at < n) {
      const c = this.#chunks[0]!;
      const k = Math.min(c.length, n - at);
      c.copy(out, at, 0, k);
      at += k;
      if (k === c.length) this.#chunks.shift();
      else this.#chunks[0] = c.subarray(k);
    }
    this.#buffered -= n;
    return out;
  }
}
