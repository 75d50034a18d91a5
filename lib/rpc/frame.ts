/**
 * IPC framing (Client.IpcStreams, Server.Connection.readAndProcess): `int32 BE length` + delimited
 * header + delimited body(ies).
 * `FrameDecoder` buffers partial input (pg-protocol style) and yields whole frame payloads; the
 * declared length is checked against `ipc.maximum.data.length` before any allocation, as
 * Server.Connection.checkDataLength does. Pure: no sockets, no timers.
 */
import { ProtocolError } from '../errors/index.ts';
import { DEFAULT_MAX_DATA_LENGTH } from './constants.ts';
import { concatBytes, encodeVarint32, readDelimited } from './delimited.ts';

/** Messages at least this large are kept as their own part by frameParts (written, never copied). */
const OWN_PART_BYTES = 64 * 1024;

/**
 * One frame as a list of byte ranges whose concatenation is the frame: the int32 length, each
 * message's varint length and the small messages merged into few parts, large messages as they
 * are, so a large response can be written to a socket without being copied.
 */
export function frameParts(...messages: Uint8Array[]): Uint8Array[] {
  let total = 0;
  for (const m of messages) total += encodeVarint32(m.length).length + m.length;
  const length = new Uint8Array(4);
  new DataView(length.buffer).setInt32(0, total);
  const parts: Uint8Array[] = [];
  let small: Uint8Array[] = [length];
  for (const m of messages) {
    small.push(encodeVarint32(m.length));
    if (m.length < OWN_PART_BYTES) small.push(m);
    else {
      parts.push(concatBytes(small), m);
      small = [];
    }
  }
  if (small.length > 0) parts.push(concatBytes(small));
  return parts;
}

/** Builds one frame: int32 length, then each message varint-delimited (one copy of each message). */
export function encodeFrame(...messages: Uint8Array[]): Uint8Array {
  return concatBytes(frameParts(...messages));
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
  /** The configuration key named in the refusal message. Default `ipc.maximum.data.length`. */
  limitKey?: string;
  /**
   * Frames declaring more than this many bytes are assembled in place: one unzeroed buffer of the
   * declared length (Server.Connection.readAndProcess allocates it too) into which each chunk is
   * copied as it arrives, so completing a 128 MiB frame costs no 128 MiB copy at once. Pages are
   * touched only as bytes arrive. Default: never (everything is buffered as received chunks).
   */
  assembleAbove?: number;
}

/**
 * Buffers stream chunks and returns complete frame payloads (without the 4-byte length). `push`
 * returns every frame a chunk completes; `feed` + `next` hand them out one at a time, so a caller
 * that processes frames slowly keeps the rest as undecoded bytes (`buffered`) it can account for.
 */
export class FrameDecoder {
  #max: number;
  #limitKey: string;
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #assembleAbove: number;
  /** The head frame being assembled in place (its 4 length bytes already consumed). */
  #assembly: { buf: Buffer; filled: number } | undefined;

  constructor(options: FrameDecoderOptions = {}) {
    this.#max = options.maxDataLength ?? DEFAULT_MAX_DATA_LENGTH;
    this.#limitKey = options.limitKey ?? 'ipc.maximum.data.length';
    this.#assembleAbove = options.assembleAbove ?? Number.POSITIVE_INFINITY;
  }

  /** Bytes received but not yet returned as a frame. */
  get buffered(): number {
    return this.#buffered + (this.#assembly ? 4 + this.#assembly.filled : 0);
  }

  /** Declared payload length of the frame at the head of the buffer (undefined until its 4 bytes arrived). */
  get headLength(): number | undefined {
    if (this.#assembly) return this.#assembly.buf.length;
    return this.#buffered >= 4 ? this.#peekLength() : undefined;
  }

  /** Turns in-place assembly on for frames above `bytes` (e.g. once the peer is authenticated). */
  assembleAbove(bytes: number): void {
    this.#assembleAbove = bytes;
    this.#maybeAssemble();
  }

  /** Changes the largest accepted frame (e.g. once a connection is authenticated); applies to the head frame on. */
  setMaxDataLength(maxDataLength: number, limitKey: string): void {
    this.#max = maxDataLength;
    this.#limitKey = limitKey;
    this.#checkHead();
  }

  /** Feeds a chunk; returns every frame it completes (possibly none). */
  push(chunk: Uint8Array): Uint8Array[] {
    this.feed(chunk);
    const frames: Uint8Array[] = [];
    for (let f = this.next(); f !== undefined; f = this.next()) frames.push(f);
    return frames;
  }

  /** Buffers a chunk; a head frame declaring a refused length throws at once (before its body arrives). */
  feed(chunk: Uint8Array): void {
    const a = this.#assembly;
    if (a && this.#chunks.length === 0) {
      const k = Math.min(chunk.length, a.buf.length - a.filled);
      a.buf.set(chunk.subarray(0, k), a.filled);
      a.filled += k;
      chunk = chunk.subarray(k);
    }
    if (chunk.length > 0) {
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
    }
    this.#checkHead();
    this.#maybeAssemble();
  }

  /** Whether a complete frame is buffered (next() would return one). */
  get hasFrame(): boolean {
    if (this.#assembly) return this.#assembly.filled === this.#assembly.buf.length;
    const length = this.headLength;
    return length !== undefined && this.#buffered >= 4 + length;
  }

  /** The next complete frame payload (possibly empty), or undefined while the head frame is incomplete. */
  next(): Uint8Array | undefined {
    const a = this.#assembly;
    if (a) {
      if (a.filled < a.buf.length) return undefined;
      this.#assembly = undefined;
      this.#checkHead();
      this.#maybeAssemble();
      return a.buf;
    }
    const length = this.headLength;
    if (length === undefined || this.#buffered < 4 + length) return undefined;
    this.#take(4);
    const frame = this.#take(length);
    this.#checkHead();
    this.#maybeAssemble();
    return frame;
  }

  /** Starts assembling a large incomplete head frame in place, moving its buffered bytes in. */
  #maybeAssemble(): void {
    if (this.#assembly || this.#buffered < 4) return;
    const length = this.#peekLength();
    if (length <= this.#assembleAbove || length < 0 || length > this.#max || this.#buffered >= 4 + length) return;
    this.#take(4);
    const buf = Buffer.allocUnsafe(length);
    const have = this.#buffered; // all of it belongs to this frame (it is incomplete)
    if (have > 0) buf.set(this.#take(have), 0);
    this.#assembly = { buf, filled: have };
  }

  /** Call at end of stream: a partial frame left over is a truncation. */
  end(): void {
    if (this.buffered > 0) {
      throw new ProtocolError('PROTOCOL_TRUNCATED', `Connection closed inside an IPC frame (${this.buffered} bytes pending)`, {
        pending: this.buffered,
      });
    }
  }

  /** Server.Connection.checkDataLength: a negative or too large declared length is refused before any allocation. */
  #checkHead(): void {
    if (this.#assembly) return; // checked when assembly began
    const length = this.headLength;
    if (length === undefined || (length >= 0 && length <= this.#max)) return;
    throw new ProtocolError(
      'PROTOCOL_TOO_LARGE',
      `IPC frame length ${length} is ${length < 0 ? 'negative' : `above ${this.#limitKey} (${this.#max})`}; raise ${this.#limitKey} on the receiving side if the peer is trusted`,
      { length, maxDataLength: this.#max, configKey: this.#limitKey },
    );
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
    if (n === 0) return new Uint8Array(0); // a zero-length frame: nothing to take, maybe no chunk left
    const first = this.#chunks[0]!;
    let out: Uint8Array;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
    } else {
      // One unzeroed allocation and one copy per chunk (Buffer.allocUnsafe: every byte is overwritten).
      out = Buffer.allocUnsafe(n);
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
