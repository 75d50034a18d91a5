/**
 * ZooKeeper's framing: every packet in both directions is an int32 big-endian length followed by
 * that many bytes (ClientCnxnSocket.readLength). `ZkFrameDecoder` buffers partial input as state
 * and returns whole payloads; a negative length or one above the client's `jute.maxbuffer` is a
 * ProtocolError before anything is allocated ("Packet len N is out of range!"). Pure.
 */
import { ProtocolError } from '../errors/index.ts';
import { DEFAULT_MAX_FRAME_LENGTH } from './constants.ts';

/** Prefixes a payload with its int32 length. */
export function frame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setInt32(0, payload.length);
  out.set(payload, 4);
  return out;
}

export class ZkFrameDecoder {
  readonly #max: number;
  #pending: Uint8Array = new Uint8Array(0);

  constructor(maxFrameLength = DEFAULT_MAX_FRAME_LENGTH) {
    this.#max = maxFrameLength;
  }

  /** Bytes received and not yet returned in a frame. */
  get buffered(): number {
    return this.#pending.length;
  }

  /** Feeds a chunk; returns the payloads it completes, in order. */
  push(chunk: Uint8Array): Uint8Array[] {
    let buf = this.#pending.length === 0 ? chunk : concat(this.#pending, chunk);
    const frames: Uint8Array[] = [];
    while (buf.length >= 4) {
      const length = new DataView(buf.buffer, buf.byteOffset, 4).getInt32(0);
      if (length < 0 || length > this.#max) {
        throw new ProtocolError('PROTOCOL_TOO_LARGE', `ZooKeeper packet length ${length} is out of range [0, ${this.#max}]: the peer is not a ZooKeeper server or the stream is corrupt`, {
          length,
          max: this.#max,
        });
      }
      if (buf.length < 4 + length) break;
      frames.push(buf.subarray(4, 4 + length));
      buf = buf.subarray(4 + length);
    }
    this.#pending = buf;
    return frames;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
