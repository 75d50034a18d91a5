/**
 * The data streams of a connected data-transfer socket after the handshake, the same code on the
 * DataNode and the client (Hadoop's IOStreamPair from SaslParticipant.createStreamPair or
 * DataTransferSaslUtil.createStreamPair): `output` protects what the caller writes and sends it,
 * `input` yields what the peer sent, unprotected. Per DataTransferProtection:
 *
 *   plain    bytes unchanged
 *   sasl     SaslOutputStream / SaslInputStream framing through the DIGEST-MD5 layer (./wrapped-frames.ts)
 *   aes-ctr  CryptoOutputStream / CryptoInputStream: one AES/CTR cipher per direction for the
 *            connection's life, position 0 at the first byte after the handshake
 *
 * Each chunk is transformed once, with no copy beyond what the cipher writes. Ending `output`
 * half-closes the socket after the buffered data; destroying either stream (or an integrity
 * failure) destroys the socket. Socket errors become UnreachableError, truncation ProtocolError,
 * both emitted as 'error' on the stream that sees them (listen, or use stream.pipeline). A socket
 * destroyed locally ends `input` as a premature close without an 'error'.
 */
import type { Socket } from 'node:net';
import { Readable, Writable } from 'node:stream';
import { HsecError, UnreachableError } from '../../lib/errors/index.ts';
import { AesCtrCipher } from '../crypto/aes-ctr.ts';
import type { DataTransferProtection } from './protection.ts';
import { DEFAULT_MAX_WRAPPED_FRAME, encodeWrapped, WrappedFrameDecoder } from './wrapped-frames.ts';

export interface DataTransferStreams {
  /** What the peer sent, with the protection removed. */
  readonly input: Readable;
  /** What to send; protected before it reaches the socket. */
  readonly output: Writable;
  readonly protection: DataTransferProtection;
}

export interface DataTransferStreamOptions {
  /** Bytes already read from the socket after the handshake (they come first on `input`). */
  readonly head?: Buffer | undefined;
  /** Largest SASL-wrapped frame accepted (bytes); default DEFAULT_MAX_WRAPPED_FRAME. */
  readonly maxWrappedFrame?: number;
  /** Buffering of each stream (bytes); default 256 KiB. */
  readonly highWaterMark?: number;
  /** Peer address for error messages. */
  readonly remoteAddress?: string | undefined;
}

const DEFAULT_HIGH_WATER_MARK = 256 * 1024;

/** How one connection's bytes are transformed in each direction. */
interface Codec {
  encode(chunk: Buffer): Buffer;
  decode(chunk: Buffer): Buffer | readonly Buffer[];
  end(): void;
}

function codecFor(p: DataTransferProtection, maxWrappedFrame: number): Codec {
  switch (p.kind) {
    case 'plain':
      return { encode: (c) => c, decode: (c) => c, end: () => undefined };
    case 'aes-ctr': {
      const enc = new AesCtrCipher(p.encrypt.key, p.encrypt.iv);
      const dec = new AesCtrCipher(p.decrypt.key, p.decrypt.iv);
      return { encode: (c) => enc.update(c), decode: (c) => dec.update(c), end: () => undefined };
    }
    case 'sasl': {
      const frames = new WrappedFrameDecoder(p.layer, maxWrappedFrame);
      return { encode: (c) => encodeWrapped(p.layer, c), decode: (c) => frames.push(c), end: () => frames.end() };
    }
  }
}

/** Wraps a socket whose handshake is done (or was skipped) in the streams of `protection`. */
export function createDataTransferStreams(socket: Socket, protection: DataTransferProtection, options: DataTransferStreamOptions = {}): DataTransferStreams {
  const codec = codecFor(protection, options.maxWrappedFrame ?? DEFAULT_MAX_WRAPPED_FRAME);
  const hwm = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
  // Errors reach the caller through the streams (input's listener, output's write and close paths);
  // this guard keeps a late socket error (after input ended) from becoming an uncaught exception.
  socket.on('error', ignoreSocketError);
  const input = new ProtectedInput(socket, codec, hwm, options.remoteAddress, options.head);
  const output = new ProtectedOutput(socket, codec, hwm, options.remoteAddress);
  return { input, output, protection };
}

function ignoreSocketError(): void {}

function socketError(err: Error, remoteAddress: string | undefined): HsecError {
  if (err instanceof HsecError) return err;
  return new UnreachableError('UNREACHABLE', `Data transfer connection${remoteAddress ? ` to ${remoteAddress}` : ''} failed: ${err.message}`, { remoteAddress }, { cause: err });
}

class ProtectedInput extends Readable {
  readonly #socket: Socket;
  readonly #codec: Codec;
  readonly #remote: string | undefined;
  #ended = false;

  constructor(socket: Socket, codec: Codec, highWaterMark: number, remoteAddress: string | undefined, head: Buffer | undefined) {
    super({ highWaterMark });
    this.#socket = socket;
    this.#codec = codec;
    this.#remote = remoteAddress;
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
    if (head && head.length > 0) this.#onData(head);
    if (socket.readableEnded) queueMicrotask(this.#onEnd); // the peer closed during the handshake
  }

  override _read(): void {
    this.#socket.resume();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.#detach();
    if (err || !this.#ended) this.#socket.destroy();
    callback(err);
  }

  readonly #onData = (chunk: Buffer): void => {
    let out: Buffer | readonly Buffer[];
    try {
      out = this.#codec.decode(chunk);
    } catch (err) {
      this.destroy(err as Error);
      return;
    }
    let more = true;
    if (Buffer.isBuffer(out)) more = this.push(out);
    else for (const b of out) more = this.push(b) && more;
    if (!more) this.#socket.pause();
  };

  readonly #onEnd = (): void => {
    try {
      this.#codec.end();
    } catch (err) {
      this.destroy(err as Error);
      return;
    }
    this.#ended = true;
    this.#detach();
    this.push(null);
  };

  readonly #onError = (err: Error): void => {
    this.destroy(socketError(err, this.#remote));
  };

  // Closed without 'end' or 'error': destroyed locally. The input ends as a premature close (no
  // error event: nothing failed on the wire, and a stream nobody reads must not throw).
  readonly #onClose = (): void => {
    if (!this.#ended && !this.destroyed) this.destroy();
  };

  #detach(): void {
    this.#socket.off('data', this.#onData);
    this.#socket.off('end', this.#onEnd);
    this.#socket.off('error', this.#onError);
    this.#socket.off('close', this.#onClose);
  }
}

class ProtectedOutput extends Writable {
  readonly #socket: Socket;
  readonly #codec: Codec;
  readonly #remote: string | undefined;
  #finished = false;

  constructor(socket: Socket, codec: Codec, highWaterMark: number, remoteAddress: string | undefined) {
    super({ highWaterMark });
    this.#socket = socket;
    this.#codec = codec;
    this.#remote = remoteAddress;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    let ok: boolean;
    try {
      ok = this.#socket.write(this.#codec.encode(chunk));
    } catch (err) {
      callback(err as Error);
      return;
    }
    this.#afterWrite(ok, callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    let ok = true;
    this.#socket.cork();
    try {
      for (const { chunk } of chunks) ok = this.#socket.write(this.#codec.encode(chunk)) && ok;
    } catch (err) {
      callback(err as Error);
      return;
    } finally {
      this.#socket.uncork();
    }
    this.#afterWrite(ok, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    const done = (err?: Error): void => {
      this.#socket.off('finish', onFinish);
      this.#socket.off('close', onClose);
      this.#finished = err === undefined;
      callback(err);
    };
    const onFinish = (): void => done();
    const onClose = (): void => done(socketError(new Error('the connection closed before the data was sent'), this.#remote));
    this.#socket.once('finish', onFinish);
    this.#socket.once('close', onClose);
    this.#socket.end();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    if (err || !this.#finished) this.#socket.destroy();
    callback(err);
  }

  #afterWrite(ok: boolean, callback: (error?: Error | null) => void): void {
    if (ok) {
      callback();
      return;
    }
    const done = (err?: Error): void => {
      this.#socket.off('drain', onDrain);
      this.#socket.off('close', onClose);
      callback(err);
    };
    const onDrain = (): void => done();
    const onClose = (): void => done(socketError(new Error('the connection closed while data was being sent'), this.#remote));
    this.#socket.once('drain', onDrain);
    this.#socket.once('close', onClose);
  }
}
