/**
 * IPC framing (hadoop-wire.md 6.2): `int32 BE length` + delimited header + delimited body(ies).
 * `FrameDecoder` buffers partial input (pg-protocol style) and yields whole frame payloads; the
 * declared length is checked against `ipc.maximum.data.length` before any allocation, as
 * Server.Connection.checkDataLength does. Pure: no sockets, no timers.
 */
import { ProtocolError } from '../errors/index.ts';
import { DEFAULT_MAX_DATA_LENGTH } from './constants.ts';
import { delimit, readDelimited } from './delimited.ts';

/** Builds one frame: int32 length, then each message varint-delimited. */
export function encodeFrame(...messages: Uint8Array[]): Uint8Array {
  const body = delimit(...messages);
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setInt32(0, body.length);
  out.set(body, 4);
  return out;
}

/** Builds a frame whose payload is already delimited (e.g. header + raw RPC request bytes). */
export function encodeRawFrame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setInt32(0, payload.length);
  out.set(payload, 4);
  return out;
}

/** Splits a frame payload into its delimited messages (header first); fails on trailing bytes. */
export function splitFrame(payload: Uint8Array, expected?: number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let at = 0;
  while (at < payload.length && (expected === undefined || parts.length < expected)) {
    const { message, next } = readDelimited(payload, at);
    parts.push(message);
    at = next;
  }
  if (expected !== undefined && at !== payload.length) {
    throw new ProtocolError('PROTOCOL_MALFORMED', `IPC frame has ${payload.length - at} trailing bytes after ${expected} messages`);
  }
  return parts;
}

/** Reads the delimited header, returning it and the untouched remainder of the payload. */
export function splitHeader(payload: Uint8Array): { header: Uint8Array; rest: Uint8Array } {
  const { message, next } = readDelimited(payload, 0);
  return { header: message, rest: payload.subarray(next) };
}

export interface FrameDecoderOptions {
  /** Largest accepted frame payload (bytes): `ipc.maximum.data.length`. Default 128 MiB. */
  maxDataLength?: number;
}

/** Buffers stream chunks and returns complete frame payloads (without the 4-byte length). */
export class FrameDecoder {
  readonly #max: number;
  #chunks: Uint8Array[] = [];
  #buffered = 0;

  constructor(options: FrameDecoderOptions = {}) {
    this.#max = options.maxDataLength ?? DEFAULT_MAX_DATA_LENGTH;
  }

  /** Bytes received but not yet returned as a frame. */
  get buffered(): number {
    return this.#buffered;
  }

  /** Feeds a chunk; returns every frame it completes (possibly none). */
  push(chunk: Uint8Array): Uint8Array[] {
    if (chunk.length > 0) {
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
    }
    const frames: Uint8Array[] = [];
    for (;;) {
      if (this.#buffered < 4) break;
      const length = this.#peekLength();
      if (length < 0 || length > this.#max) {
        throw new ProtocolError(
          'PROTOCOL_TOO_LARGE',
          `IPC frame length ${length} is ${length < 0 ? 'negative' : `above ipc.maximum.data.length (${this.#max})`}; raise ipc.maximum.data.length on the receiving side if the peer is trusted`,
          { length, maxDataLength: this.#max, configKey: 'ipc.maximum.data.length' },
        );
      }
      if (this.#buffered < 4 + length) break;
      this.#take(4);
      frames.push(this.#take(length));
    }
    return frames;
  }

  /** Call at end of stream: a partial frame left over is a truncation. */
  end(): void {
    if (this.#buffered > 0) {
      throw new ProtocolError('PROTOCOL_TRUNCATED', `Connection closed inside an IPC frame (${this.#buffered} bytes pending)`, {
        pending: this.#buffered,
      });
    }
  }

  #peekLength(): number {
    const first = this.#chunks[0]!;
    if (first.length >= 4) return new DataView(first.buffer, first.byteOffset, 4).getInt32(0);
    // The length straddles chunks: gather just its 4 bytes.
    const head = new Uint8Array(4);
    let at = 0;
    for (const c of this.#chunks) {
      const k = Math.min(4 - at, c.length);
      head.set(c.subarray(0, k), at);
      at += k;
      if (at === 4) break;
    }
    return new DataView(head.buffer).getInt32(0);
  }

  #take(n: number): Uint8Array {
    const first = this.#chunks[0]!;
    let out: Uint8Array;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
    } else {
      out = new Uint8Array(n);
      let at = 0;
      while (at < n) {
        const c = this.#chunks[0]!;
        const k = Math.min(c.length, n - at);
        out.set(c.subarray(0, k), at);
        at += k;
        if (k === c.length) this.#chunks.shift();
        else this.#chunks[0] = c.subarray(k);
      }
    }
    this.#buffered -= n;
    return out;
  }
}
