/**
 * A scripted DataNode connection for client tests: a loopback socket whose received bytes are
 * buffered so a test reads what the client sent frame by frame (ops, packets) with the product
 * codecs, and answers with the frames it chooses (responses, acks).
 */
import type { Readable, Writable } from 'node:stream';
import type { Socket } from 'node:net';
import { ByteQueue } from '../../cluster/protocol/datatransfer/byte-queue.ts';
import { ackFlag, encodePipelineAck, type Status } from '../../cluster/protocol/datatransfer/messages.ts';
import { encodeDelimited } from '../../cluster/protocol/datatransfer/op-frame.ts';

/** A loopback peer that buffers what the client sends and lets the test read it frame by frame. */
export class ScriptedPeer {
  readonly queue = new ByteQueue();
  readonly socket: Socket;
  readonly #output: Writable;
  #wake: (() => void) | undefined;
  #ended = false;

  /** `streams`: the protected streams after a handshake on `socket` (default: the socket itself). */
  constructor(socket: Socket, streams: { input: Readable; output: Writable } = { input: socket, output: socket }) {
    this.socket = socket;
    this.#output = streams.output;
    streams.input.on('data', (d: Buffer) => {
      this.queue.push(d);
      this.#wake?.();
    });
    socket.on('close', () => {
      this.#ended = true;
      this.#wake?.();
    });
    socket.on('error', () => undefined);
    streams.input.on('error', () => undefined);
  }

  /** The next frame `read` finds, or undefined when none is complete within `ms`. */
  async next<T>(read: (q: ByteQueue) => T | undefined, ms: number): Promise<T | undefined> {
    const deadline = Date.now() + ms;
    for (;;) {
      const frame = read(this.queue);
      if (frame !== undefined) return frame;
      const left = deadline - Date.now();
      if (left <= 0 || this.#ended) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  async expect<T>(read: (q: ByteQueue) => T | undefined, what: string, ms = 5000): Promise<T> {
    const frame = await this.next(read, ms);
    if (frame === undefined) throw new Error(`the client sent no ${what} within ${ms} ms`);
    return frame;
  }

  send(bytes: Uint8Array): void {
    this.#output.write(bytes);
  }

  /** A pipeline ack for `seqno` with one reply per node (default one SUCCESS). */
  ack(seqno: number, reply: Status[] = ['SUCCESS']): void {
    this.send(encodeDelimited(encodePipelineAck({ seqno, reply, downstreamAckTimeNanos: 0, flag: reply.map((s) => ackFlag(s)) })));
  }
}
