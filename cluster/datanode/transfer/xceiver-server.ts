/**
 * The DataNode's data transfer port (dfs.datanode.address; Hadoop's DataXceiverServer and the
 * start of DataXceiver.run): accepts connections up to dfs.datanode.max.transfer.threads, runs the
 * server side of the data-transfer handshake the DataNode decided at start (encrypted, general with
 * the per-client QOP of the data-transfer SaslPropertiesResolver, or none: SaslDataTransferServer.
 * receive), then hands the protected streams to an Xceiver. Every failure stays on its connection:
 * it is logged once with the peer's address and the op, and the socket is closed.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { BindError, HsecError, InvalidTokenError } from '../../../lib/errors/index.ts';
import { getLogger } from '../../../lib/log/logger.ts';
import type { HostPort } from '../../../lib/net/host-port.ts';
import type { HandshakeKind } from '../../../security/datatransfer/handshake-choice.ts';
import { dataTransferServerHandshake, unprotectedStreams } from '../../../security/datatransfer/handshake-socket.ts';
import { InvalidMagicNumberError } from '../../../security/datatransfer/errors.ts';
import type { DataTransferSecurityConfig } from '../../../security/datatransfer/config.ts';
import type { DataTransferStreams } from '../../../security/datatransfer/streams.ts';
import type { SaslPropertiesResolver } from '../../../security/resolver/sasl-properties-resolver.ts';
import { EndOfStream, FrameInput } from '../../protocol/datatransfer/frame-input.ts';
import { FrameOutput } from '../../protocol/datatransfer/frame-output.ts';
import { Xceiver, type XceiverServices } from './xceiver.ts';

const log = getLogger('datanode.xceiver-server');

export interface XceiverServerOptions {
  readonly services: XceiverServices;
  /** dfs.datanode.max.transfer.threads. */
  readonly maxConnections: number;
  readonly dataTransfer: DataTransferSecurityConfig;
}

export interface TransferSecurity {
  readonly handshake: HandshakeKind;
  /** The server-side data-transfer resolver (general handshake). */
  readonly resolver: SaslPropertiesResolver | undefined;
}

export class XceiverServer {
  readonly #o: XceiverServerOptions;
  readonly #server: Server;
  readonly #connections = new Set<Socket>();
  readonly #running = new Set<Promise<void>>();
  readonly #xceivers = new Map<Socket, Xceiver>();
  #security: TransferSecurity | undefined;
  #address: HostPort | undefined;

  private constructor(options: XceiverServerOptions) {
    this.#o = options;
    this.#server = createServer({ allowHalfOpen: true, noDelay: true }, (s) => this.#accept(s));
    this.#server.on('error', (err) => log.error({ err }, 'data transfer server error'));
  }

  /** Binds `bind` (the connections wait until `serve` says which handshake they run). */
  static async listen(bind: HostPort, options: XceiverServerOptions): Promise<XceiverServer> {
    const server = new XceiverServer(options);
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        const code = err.code === 'EADDRINUSE' ? 'ADDRESS_IN_USE' : 'BIND_FAILED';
        reject(new BindError(code, `Problem binding to [${bind.host}:${bind.port}] ${err.code ?? err.message}: the data transfer port is taken or not allowed (dfs.datanode.address; ports below 1024 need root)`, {
          host: bind.host, port: bind.port, configKey: 'dfs.datanode.address',
        }, { cause: err }));
      };
      server.#server.once('error', onError);
      server.#server.listen(bind.port, bind.host, () => {
        server.#server.off('error', onError);
        resolve();
      });
    });
    const a = server.#server.address() as { address: string; port: number };
    server.#address = { host: a.address, port: a.port };
    return server;
  }

  get address(): HostPort {
    return this.#address!;
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Starts serving connections with `security`. */
  serve(security: TransferSecurity): void {
    this.#security = security;
  }

  /**
   * DataXceiverServer.stopWriters (dfsadmin -evictWriters): every connection writing a block is
   * cut; its client sees the pipeline fail and recovers it without this DataNode. Returns how many.
   */
  stopWriters(): number {
    let n = 0;
    for (const [socket, x] of this.#xceivers) {
      if (x.op !== 'WRITE_BLOCK') continue;
      log.info({ remoteAddress: x.remoteAddress }, 'Stopping a writer (evictWriters)');
      socket.destroy();
      n++;
    }
    return n;
  }

  async stop(): Promise<void> {
    // server.close() calls back only once every connection has ended: end ours first, or a client
    // that keeps its connection open (idle, or stuck) would hold the DataNode's stop forever
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const s of this.#connections) s.destroy();
    await Promise.allSettled([...this.#running]);
    await closed;
  }

  #accept(socket: Socket): void {
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.on('error', () => undefined); // failures surface through the streams of the connection
    if (!this.#security || this.#connections.size >= this.#o.maxConnections) {
      const why = this.#security ? `Xceiver count ${this.#connections.size + 1} exceeds the limit of concurrent xceivers: ${this.#o.maxConnections} (dfs.datanode.max.transfer.threads)` : 'the DataNode is starting';
      log.warn({ remoteAddress: remote, code: 'DATA_TRANSFER_OVERLOADED' }, `refused a data transfer connection: ${why}`);
      socket.destroy();
      return;
    }
    this.#connections.add(socket);
    const run = this.#serveConnection(socket, remote, this.#security)
      .catch((e: unknown) => logFailure(e, remote, 'handshake'))
      .finally(() => {
        this.#connections.delete(socket);
        this.#running.delete(run);
        socket.destroy();
      });
    this.#running.add(run);
  }

  async #serveConnection(socket: Socket, remote: string, security: TransferSecurity): Promise<void> {
    const { services } = this.#o;
    const streams = await this.#handshake(socket, remote, security);
    const x = new Xceiver(remote, new FrameInput(streams.input, remote), new FrameOutput(streams.output, remote, services.settings.socketWriteTimeoutMs), services);
    this.#xceivers.set(socket, x);
    try {
      await x.run();
    } catch (e) {
      logFailure(e, remote, x.op);
    } finally {
      this.#xceivers.delete(socket);
      x.input.close();
      await closeGracefully(socket, streams, services.settings.socketWriteTimeoutMs);
    }
  }

  #handshake(socket: Socket, remote: string, security: TransferSecurity): Promise<DataTransferStreams> | DataTransferStreams {
    const { services, dataTransfer } = this.#o;
    const timeoutMs = services.settings.socketTimeoutMs;
    const common = { cipherSuites: dataTransfer.cipherSuites, cipherKeyBits: dataTransfer.cipherKeyBits, remoteAddress: remote, timeoutMs };
    switch (security.handshake) {
      case 'none':
        return unprotectedStreams(socket, { remoteAddress: remote });
      case 'encrypted':
        return dataTransferServerHandshake(socket, {
          ...common, handshake: 'encrypted',
          dataEncryptionKey: ({ keyId, blockPoolId, nonce }) => services.access.dataEncryptionKey(keyId, blockPoolId, nonce),
        });
      case 'general':
        return dataTransferServerHandshake(socket, {
          ...common, handshake: 'general',
          qop: security.resolver!.getServerProperties(socket.remoteAddress, this.#address!.port).qop,
          blockTokenPassword: (identifier) => services.access.password(identifier),
        });
    }
  }
}

/** Ends our side after what is queued (acks, the last packet), then closes; bounded by the write timeout. */
async function closeGracefully(socket: Socket, streams: DataTransferStreams, timeoutMs: number): Promise<void> {
  if (socket.destroyed) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    streams.output.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    streams.output.once('finish', () => {
      clearTimeout(timer);
      resolve();
    });
    streams.output.end();
  });
}

/** One line per failed connection (Hadoop: "DataXceiver error processing <op> operation src: ..."). */
function logFailure(e: unknown, remote: string, op: string | undefined): void {
  const err = e instanceof HsecError ? { code: e.code, message: e.message } : { message: String(e), stack: (e as Error)?.stack };
  const where = { remoteAddress: remote, op: op ?? 'unknown', ...err };
  if (e instanceof InvalidTokenError && op !== 'handshake') log.debug(where, 'op refused: invalid block token (logged above)');
  else if (e instanceof EndOfStream || (e instanceof HsecError && e.code === 'TIMEOUT')) log.info(where, 'data transfer connection ended early');
  else if (e instanceof InvalidMagicNumberError) log.info(where, 'Failed to read expected SASL data transfer protection handshake from the client');
  else if (op === 'handshake') log.warn(where, 'data transfer handshake failed');
  else log.warn(where, `DataXceiver error processing ${op ?? 'unknown'} operation`);
}
