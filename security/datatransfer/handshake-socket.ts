/**
 * Socket glue for the data-transfer handshake: runs SaslDataTransferClient or
 * SaslDataTransferServer over a connected socket (Hadoop's SaslDataTransferClient.socketSend /
 * peerSend and SaslDataTransferServer.receive), with a bounded wait for each message, then hands
 * the socket to createDataTransferStreams together with any bytes that arrived after the last
 * handshake message. On failure it sends what Hadoop sends (errorReply), closes the socket and
 * rejects with the typed error. This is the only file of the handshake that touches a socket.
 */
import type { Socket } from 'node:net';
import { HsecError, ProtocolError, UnreachableError } from '../../lib/errors/index.ts';
import { SaslDataTransferClient, type HandshakeStep, type SaslDataTransferClientOptions } from './handshake-client.ts';
import { SaslDataTransferServer, type SaslDataTransferServerOptions } from './handshake-server.ts';
import { HandshakeDecoder, type HandshakeFrame } from './messages.ts';
import { createDataTransferStreams, type DataTransferStreamOptions, type DataTransferStreams } from './streams.ts';
import { NO_PROTECTION } from './protection.ts';

export interface HandshakeIoOptions extends Omit<DataTransferStreamOptions, 'head'> {
  /** Longest wait for each handshake message (ms); Hadoop uses the socket read timeout. Default 60000. */
  readonly timeoutMs?: number;
  /** Largest handshake message accepted (bytes). */
  readonly maxMessageLength?: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** Client side: negotiates with the DataNode on `socket` and returns the protected streams. */
export async function dataTransferClientHandshake(socket: Socket, options: SaslDataTransferClientOptions & HandshakeIoOptions): Promise<DataTransferStreams> {
  const machine = new SaslDataTransferClient(options);
  const reader = new FrameReader(socket, new HandshakeDecoder({ expectMagic: false, maxMessageLength: options.maxMessageLength }), options, 'DataNode');
  try {
    let step = await machine.step(undefined);
    while (!step.protection) {
      send(socket, step);
      const frame = await reader.next();
      step = await machine.step(frame.kind === 'message' ? frame.message : undefined);
    }
    send(socket, step);
    return createDataTransferStreams(socket, step.protection, { ...options, head: reader.release() });
  } catch (err) {
    throw fail(socket, reader, machine.errorReply(err), err);
  }
}

/** DataNode side: answers the client's handshake on `socket` and returns the protected streams. */
export async function dataTransferServerHandshake(socket: Socket, options: SaslDataTransferServerOptions & HandshakeIoOptions): Promise<DataTransferStreams> {
  const machine = new SaslDataTransferServer(options);
  const reader = new FrameReader(socket, new HandshakeDecoder({ expectMagic: true, maxMessageLength: options.maxMessageLength }), options, 'client');
  try {
    for (;;) {
      const step = await machine.step(await reader.next());
      send(socket, step);
      if (step.protection) return createDataTransferStreams(socket, step.protection, { ...options, head: reader.release() });
    }
  } catch (err) {
    throw fail(socket, reader, machine.errorReply(err), err);
  }
}

/** The streams of a connection that skips the handshake (trusted channel, privileged port, security off). */
export function unprotectedStreams(socket: Socket, options: Omit<DataTransferStreamOptions, 'head'> = {}): DataTransferStreams {
  return createDataTransferStreams(socket, NO_PROTECTION, options);
}

function send(socket: Socket, step: HandshakeStep): void {
  for (const bytes of step.send) socket.write(bytes);
}

/** Sends the failure reply (if any), closes the socket, and returns the error to throw. */
function fail(socket: Socket, reader: FrameReader, reply: Uint8Array | undefined, err: unknown): unknown {
  reader.release();
  socket.on('error', () => undefined); // the peer may have gone: the handshake error is what the caller gets
  if (reply && !socket.destroyed && socket.writable) socket.end(reply, () => socket.destroy());
  else socket.destroy();
  return err;
}

/** Reads handshake frames from a flowing socket with a deadline per frame. */
class FrameReader {
  readonly #socket: Socket;
  readonly #decoder: HandshakeDecoder;
  readonly #timeoutMs: number;
  readonly #peer: string;
  readonly #remote: string | undefined;
  #wake: (() => void) | undefined;
  #eof = false;
  #error: Error | undefined;
  #released = false;

  constructor(socket: Socket, decoder: HandshakeDecoder, options: HandshakeIoOptions & { remoteAddress?: string | undefined }, peer: string) {
    this.#socket = socket;
    this.#decoder = decoder;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#peer = peer;
    this.#remote = options.remoteAddress;
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('error', this.#onError);
    socket.on('close', this.#onEnd);
    this.#eof = socket.readableEnded;
    socket.resume();
  }

  async next(): Promise<HandshakeFrame> {
    const deadline = Date.now() + this.#timeoutMs;
    for (;;) {
      const frame = this.#decoder.next();
      if (frame) return frame;
      const where = this.#remote ? ` ${this.#remote}` : '';
      if (this.#error) {
        throw new UnreachableError('UNREACHABLE', `Data transfer connection to ${this.#peer}${where} failed during the SASL handshake: ${this.#error.message}`, { remoteAddress: this.#remote }, { cause: this.#error });
      }
      if (this.#eof) {
        throw new ProtocolError('PROTOCOL_TRUNCATED', `The ${this.#peer}${where} closed the connection during the data transfer SASL handshake (${this.#decoder.buffered} bytes of a message pending)`, {
          remoteAddress: this.#remote,
          pending: this.#decoder.buffered,
        });
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new HsecError('TIMEOUT', `No data transfer SASL handshake message from the ${this.#peer}${where} within ${this.#timeoutMs} ms`, { remoteAddress: this.#remote, timeoutMs: this.#timeoutMs });
      }
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

  /** Stops reading; returns the bytes that followed the last frame taken. The socket is left paused. */
  release(): Buffer {
    if (!this.#released) {
      this.#released = true;
      this.#socket.pause();
      this.#socket.off('data', this.#onData);
      this.#socket.off('end', this.#onEnd);
      this.#socket.off('error', this.#onError);
      this.#socket.off('close', this.#onEnd);
    }
    return this.#decoder.remainder();
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#decoder.push(chunk);
    this.#wake?.();
  };

  readonly #onEnd = (): void => {
    this.#eof = true;
    this.#wake?.();
  };

  readonly #onError = (err: Error): void => {
    this.#error = err;
    this.#wake?.();
  };
}
