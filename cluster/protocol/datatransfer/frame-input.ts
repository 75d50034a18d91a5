/**
 * The receiving side of one data-transfer connection after its handshake, for the DataNode and the
 * client alike: the plaintext stream feeds one ByteQueue, and `next(read)` waits (with a deadline)
 * until a frame reader of this directory (tryReadOpRequest, tryReadDelimited, tryReadPacket) finds a
 * whole frame in it. Hadoop's DataXceiver and the client's BlockReaderRemote / DataStreamer read the
 * same socket stream with DataInputStream and a socket read timeout (dfs.client.socket-timeout, or
 * the keepalive between ops). Memory is bounded: the
 * stream is paused while more than `highWaterMark` bytes wait and no frame is being waited for, so
 * the queue holds at most one frame (a packet is at most 16 MiB, checked by the reader) plus one
 * high-water mark. A stream error becomes the typed error the protected stream raised.
 */
import type { Readable } from 'node:stream';
import { HsecError, ProtocolError, UnreachableError } from '../../../lib/errors/index.ts';
import { ByteQueue } from './byte-queue.ts';

/** Thrown by `next` when the peer closed the stream cleanly at a frame boundary. */
export class EndOfStream extends ProtocolError {
  constructor(remoteAddress: string, what: string) {
    super('PROTOCOL_TRUNCATED', `${remoteAddress} closed the connection while waiting for ${what}`, { remoteAddress, atFrameBoundary: true });
  }
}

export class FrameInput {
  readonly #input: Readable;
  readonly #queue = new ByteQueue();
  readonly #remote: string;
  readonly #highWaterMark: number;
  #wake: (() => void) | undefined;
  #waiting = false;
  #eof = false;
  #closed = false;
  #error: Error | undefined;

  constructor(input: Readable, remoteAddress: string, highWaterMark = 1024 * 1024) {
    this.#input = input;
    this.#remote = remoteAddress;
    this.#highWaterMark = highWaterMark;
    input.on('data', this.#onData);
    input.on('end', this.#onEnd);
    input.on('close', this.#onEnd);
    input.on('error', this.#onError);
  }

  /** Bytes received and not yet taken by a frame. */
  get buffered(): number {
    return this.#queue.length;
  }

  /**
   * The next frame `read` finds; `what` names it in errors. Rejects with EndOfStream (clean close
   * before the frame began), PROTOCOL_TRUNCATED (close inside it), TIMEOUT, the reader's own
   * ProtocolError, or the stream's error.
   */
  async next<T>(read: (queue: ByteQueue) => T | undefined, what: string, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = read(this.#queue);
      if (frame !== undefined) {
        this.#resumeIfRoom();
        return frame;
      }
      if (this.#error) throw this.#error;
      if (this.#closed) throw new EndOfStream(this.#remote, what);
      if (this.#eof) {
        if (this.#queue.length === 0) throw new EndOfStream(this.#remote, what);
        throw new ProtocolError('PROTOCOL_TRUNCATED', `${this.#remote} closed the connection inside ${what} (${this.#queue.length} bytes of it received)`, {
          remoteAddress: this.#remote, pending: this.#queue.length,
        });
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new HsecError('TIMEOUT', `${timeoutMs} ms timeout while waiting for ${what} from ${this.#remote} (dfs.client.socket-timeout)`, {
          remoteAddress: this.#remote, timeoutMs, configKey: 'dfs.client.socket-timeout',
        });
      }
      await this.#wait(left);
    }
  }

  /** The next frame if it is already buffered, else undefined (never waits). */
  poll<T>(read: (queue: ByteQueue) => T | undefined): T | undefined {
    const frame = read(this.#queue);
    if (frame !== undefined) this.#resumeIfRoom();
    return frame;
  }

  /** Stops reading; a pending or later `next` rejects with EndOfStream. */
  close(): void {
    this.#closed = true;
    this.#input.off('data', this.#onData);
    this.#input.off('end', this.#onEnd);
    this.#input.off('close', this.#onEnd);
    this.#input.off('error', this.#onError);
    this.#input.on('error', () => undefined);
    this.#wake?.();
  }

  #wait(ms: number): Promise<void> {
    this.#waiting = true;
    this.#input.resume();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.#wake = undefined;
        self.#waiting = false;
        resolve();
      }
      this.#wake = done;
    });
  }

  #resumeIfRoom(): void {
    if (this.#queue.length < this.#highWaterMark && this.#input.isPaused() && !this.#eof) this.#input.resume();
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#queue.push(chunk);
    if (this.#queue.length >= this.#highWaterMark && !this.#waiting) this.#input.pause();
    this.#wake?.();
  };

  readonly #onEnd = (): void => {
    this.#eof = true;
    this.#wake?.();
  };

  readonly #onError = (err: Error): void => {
    this.#error = err instanceof HsecError ? err : new UnreachableError('UNREACHABLE', `Data transfer connection with ${this.#remote} failed: ${err.message}`, { remoteAddress: this.#remote }, { cause: err });
    this.#wake?.();
  };
}
