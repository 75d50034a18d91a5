/**
 * Reading framed messages from a DataNode stream: bytes go into a ByteQueue as they arrive and
 * `read(parse)` resolves once `parse` (one of the datatransfer codecs' `tryRead*`) finds a whole
 * message, within a deadline (dfs.client.socket-timeout). The stream is paused while more than
 * HIGH_WATER bytes wait unread, so a reader that falls behind does not buffer a whole block. The end
 * of the stream, a socket error or the deadline reject with typed errors naming the DataNode.
 */
import type { Readable } from 'node:stream';
import { ProtocolError, UnreachableError } from '../../lib/errors/index.ts';
import { ByteQueue } from '../protocol/datatransfer/byte-queue.ts';

const HIGH_WATER = 4 * 1024 * 1024;

export class StreamReader {
  readonly #input: Readable;
  readonly #peer: string;
  readonly #queue = new ByteQueue();
  #wake: (() => void) | undefined;
  #ended = false;
  #error: Error | undefined;

  /** `peer`: the DataNode's address, for messages. */
  constructor(input: Readable, peer: string) {
    this.#input = input;
    this.#peer = peer;
    input.on('data', (chunk: Buffer) => {
      this.#queue.push(chunk);
      if (this.#queue.length > HIGH_WATER) input.pause();
      this.#notify();
    });
    input.on('end', () => {
      this.#ended = true;
      this.#notify();
    });
    input.on('error', (e: Error) => {
      this.#error = e;
      this.#notify();
    });
  }

  #notify(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }

  /** The next message `parse` recognises; `what` names it in errors. */
  async read<T>(parse: (q: ByteQueue) => T | undefined, what: string, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = parse(this.#queue);
      if (value !== undefined) {
        if (this.#queue.length <= HIGH_WATER && this.#input.isPaused()) this.#input.resume();
        return value;
      }
      if (this.#input.isPaused()) this.#input.resume();
      if (this.#error) throw new UnreachableError('UNREACHABLE', `Connection to DataNode ${this.#peer} failed while waiting for ${what}: ${this.#error.message}`, { remoteAddress: this.#peer }, { cause: this.#error });
      if (this.#ended) {
        throw new ProtocolError('PROTOCOL_TRUNCATED', `DataNode ${this.#peer} closed the connection before ${what}${this.#queue.length ? ` (${this.#queue.length} bytes of it arrived)` : ''}`, { remoteAddress: this.#peer });
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new UnreachableError('TIMEOUT', `No ${what} from DataNode ${this.#peer} within ${timeoutMs} ms (dfs.client.socket-timeout)`, { remoteAddress: this.#peer, timeoutMs });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}
