/**
 * The sending side of one data-transfer connection, for the DataNode and the client alike: writes
 * ops, responses, packets and acks to the (possibly protected) output stream and waits for the peer
 * to take them, at most the socket write timeout (Hadoop's SocketOutputStream timeout:
 * dfs.datanode.socket.write.timeout on the DataNode and a client's write pipeline,
 * dfs.client.socket-timeout on a client's read connection). A peer that stops reading fails the op with
 * TIMEOUT instead of holding memory; an error of the stream fails the next write and never escapes.
 */
import type { Writable } from 'node:stream';
import { HsecError, UnreachableError } from '../../../lib/errors/index.ts';

export class FrameOutput {
  readonly #output: Writable;
  readonly #remote: string;
  readonly #timeoutMs: number;
  readonly #configKey: string;
  #error: Error | undefined;

  /** `configKey`: the setting the timeout came from, named when it expires. */
  constructor(output: Writable, remoteAddress: string, writeTimeoutMs: number, configKey = 'dfs.datanode.socket.write.timeout') {
    this.#output = output;
    this.#remote = remoteAddress;
    this.#timeoutMs = writeTimeoutMs;
    this.#configKey = configKey;
    output.on('error', (err: Error) => {
      this.#error ??= err instanceof HsecError ? err : new UnreachableError('UNREACHABLE', `Data transfer connection with ${remoteAddress} failed: ${err.message}`, { remoteAddress }, { cause: err });
    });
  }

  /** Queues `bytes`; resolves at once while the stream has room, else once the peer took enough. */
  async write(bytes: Uint8Array): Promise<void> {
    if (this.#error) throw this.#error;
    if (this.#output.destroyed || this.#output.writableEnded) throw this.#closed();
    if (this.#output.write(bytes)) return;
    await this.#drain();
  }

  /** Ends the stream after what is queued (half-closes the socket). */
  end(): void {
    if (!this.#output.destroyed && !this.#output.writableEnded) this.#output.end();
  }

  #drain(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = (err?: Error): void => {
        clearTimeout(timer);
        this.#output.off('drain', onDrain);
        this.#output.off('close', onClose);
        this.#output.off('error', onError);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = (): void => done();
      const onClose = (): void => done(this.#error ?? this.#closed());
      const onError = (err: Error): void => done(this.#error ?? err);
      const timer = setTimeout(() => done(new HsecError('TIMEOUT', `${this.#timeoutMs} ms timeout while waiting for ${this.#remote} to read (${this.#configKey})`, {
        remoteAddress: this.#remote, timeoutMs: this.#timeoutMs, configKey: this.#configKey,
      })), this.#timeoutMs);
      this.#output.on('drain', onDrain);
      this.#output.on('close', onClose);
      this.#output.on('error', onError);
    });
  }

  #closed(): UnreachableError {
    return new UnreachableError('UNREACHABLE', `Data transfer connection with ${this.#remote} closed while writing to it`, { remoteAddress: this.#remote });
  }
}
