/**
 * The client's way to a DataNode's streaming port (DFSClient.newConnectedPeer +
 * SaslDataTransferClient): connect with dfs.client.socket-timeout, choose the data-transfer
 * handshake in Hadoop's order (the data encryption key when the NameNode's server defaults ask for
 * encryption, the block-token SASL handshake when dfs.data.transfer.protection is set, none on a
 * privileged port or with security off), run it, and hand back the protected streams. The server
 * defaults (getServerDefaults, cached for dfs.client.server-defaults.validity.period.ms) and the
 * data encryption key (getDataEncryptionKey, cached until shortly before it expires) come from the
 * NameNode, once per client.
 */
import { connect, type Socket } from 'node:net';
import type { Configuration } from '../../lib/config/index.ts';
import { UnreachableError } from '../../lib/errors/index.ts';
import { formatHostPort } from '../../lib/net/host-port.ts';
import { isSecurityEnabled } from '../../security/identity/authentication-method.ts';
import { createDataTransferResolver } from '../../security/resolver/registry.ts';
import type { SaslPropertiesResolver } from '../../security/resolver/sasl-properties-resolver.ts';
import { chooseClientHandshake, dataTransferClientHandshake, dataTransferSecurityFromConfig, unprotectedStreams } from '../../security/datatransfer/index.ts';
import type { DataTransferSecurityConfig, DataTransferStreams } from '../../security/datatransfer/index.ts';
import { BlockTokenIdentifier } from '../../security/token/block-token-identifier.ts';
import type { FsServerDefaults } from '../protocol/client-protocol.ts';
import type { ClientProtocolClient } from '../protocol/client-protocol-client.ts';
import { FrameInput } from '../protocol/datatransfer/frame-input.ts';
import { FrameOutput } from '../protocol/datatransfer/frame-output.ts';
import type { DataEncryptionKey, DatanodeInfo, TokenProtoObject } from '../protocol/hdfs-types.ts';

/** One connection to a DataNode's streaming port after its handshake. */
export class DataNodeConnection {
  /** `ip:port` of the DataNode. */
  readonly peer: string;
  readonly input: FrameInput;
  readonly output: FrameOutput;
  readonly #socket: Socket;
  readonly #streams: DataTransferStreams;

  constructor(socket: Socket, streams: DataTransferStreams, peer: string, writeTimeout: { readonly ms: number; readonly configKey: string }) {
    this.peer = peer;
    this.#socket = socket;
    this.#streams = streams;
    // both take the streams' errors from here on, so none escapes as an unhandled 'error'
    this.input = new FrameInput(streams.input, peer);
    this.output = new FrameOutput(streams.output, peer, writeTimeout.ms, writeTimeout.configKey);
  }

  /** Sends what is queued, then closes: after the last message the DataNode waits for. */
  finish(): void {
    this.input.close();
    this.output.end();
    this.#socket.destroySoon();
  }

  /** Closes at once; whatever is queued is dropped. */
  close(): void {
    this.input.close();
    this.#streams.output.destroy();
    this.#socket.destroy();
  }
}

/** HdfsConstants.WRITE_TIMEOUT_EXTENSION: a write pipeline's send wait grows by this much per node. */
export const WRITE_TIMEOUT_EXTENSION_MS = 5000;

export class DataNodeChannels {
  readonly #nn: ClientProtocolClient;
  readonly #security: DataTransferSecurityConfig;
  readonly #resolver: SaslPropertiesResolver | undefined;
  readonly #secure: boolean;
  readonly #defaultsValidityMs: number;
  /** dfs.client.socket-timeout: the wait for each message from a DataNode. */
  readonly timeoutMs: number;
  /** dfs.datanode.socket.write.timeout: the wait for a DataNode to take what the client sends. */
  readonly writeTimeoutMs: number;
  #defaults: { value: FsServerDefaults; at: number } | undefined;
  #key: DataEncryptionKey | undefined;

  constructor(conf: Configuration, nn: ClientProtocolClient) {
    this.#nn = nn;
    this.#security = dataTransferSecurityFromConfig(conf);
    this.#resolver = createDataTransferResolver(conf, 'client');
    this.#secure = isSecurityEnabled(conf);
    this.#defaultsValidityMs = conf.getTimeDuration('dfs.client.server-defaults.validity.period.ms', 'ms', 'ms', 3_600_000);
    this.timeoutMs = conf.getTimeDuration('dfs.client.socket-timeout', 'ms', 'ms', 60_000);
    this.writeTimeoutMs = conf.getTimeDuration('dfs.datanode.socket.write.timeout', 'ms', 'ms', 480_000);
  }

  /** The NameNode's server defaults, cached (DFSClient.getServerDefaults). */
  async serverDefaults(): Promise<FsServerDefaults> {
    const now = Date.now();
    if (!this.#defaults || now - this.#defaults.at > this.#defaultsValidityMs) this.#defaults = { value: await this.#nn.getServerDefaults(), at: now };
    return this.#defaults.value;
  }

  /** DFSClient.newDataEncryptionKey: only when the server defaults ask for encryption; cached until 10 s before expiry. */
  async #encryptionKey(): Promise<DataEncryptionKey | undefined> {
    if (!(await this.serverDefaults()).encryptDataTransfer) return undefined;
    if (!this.#key || this.#key.expiryDate - 10_000 < Date.now()) this.#key = await this.#nn.getDataEncryptionKey();
    return this.#key;
  }

  /** After the DataNode refused the key (InvalidEncryptionKeyException): fetch a new one next time. */
  forgetEncryptionKey(): void {
    this.#key = undefined;
  }

  /**
   * Connects to `dn`'s streaming port and runs the handshake for an op on a block with `token`.
   * `pipelineNodes`: for a write, the nodes of the pipeline `dn` heads; the wait for the DataNode
   * to take what is sent is then dfs.datanode.socket.write.timeout plus 5 s per node
   * (DFSClient.getDatanodeWriteTimeout). A read (no pipeline) waits dfs.client.socket-timeout both
   * ways, as DFSClient.newConnectedPeer sets it.
   */
  async open(dn: DatanodeInfo, token: TokenProtoObject, pipelineNodes = 0): Promise<DataNodeConnection> {
    const address = { host: dn.id.ipAddr, port: dn.id.xferPort };
    const peer = formatHostPort(address);
    const socket = await connectTo(address.host, address.port, this.timeoutMs, peer);
    try {
      const key = await this.#encryptionKey();
      const kind = chooseClientHandshake({
        trusted: false,
        hasEncryptionKey: key !== undefined,
        securityEnabled: this.#secure,
        datanodeXferPort: address.port,
        fallbackToSimpleAuth: false,
        protectionConfigured: this.#resolver !== undefined,
      });
      // both handshakes start with the block token's handshake secret, if any (SaslDataTransferClient.doSaslHandshake)
      const common = {
        timeoutMs: this.timeoutMs, remoteAddress: peer, handshakeSecret: handshakeSecret(token),
        ...(this.#security.cipherSuites ? { cipherSuites: this.#security.cipherSuites } : {}),
      };
      let streams: DataTransferStreams;
      if (kind === 'encrypted') {
        streams = await dataTransferClientHandshake(socket, { ...common, credentials: { kind: 'encryption-key', key: key! } });
      } else if (kind === 'general') {
        streams = await dataTransferClientHandshake(socket, {
          ...common,
          credentials: { kind: 'block-token', token: { identifier: token.identifier, password: token.password } },
          qop: this.#resolver!.getClientProperties(address.host, address.port).qop,
        });
      } else {
        streams = unprotectedStreams(socket);
      }
      const writeTimeout = pipelineNodes > 0
        ? { ms: this.writeTimeoutMs + WRITE_TIMEOUT_EXTENSION_MS * pipelineNodes, configKey: 'dfs.datanode.socket.write.timeout' }
        : { ms: this.timeoutMs, configKey: 'dfs.client.socket-timeout' };
      return new DataNodeConnection(socket, streams, peer, writeTimeout);
    } catch (e) {
      socket.destroy();
      throw e;
    }
  }
}

/** The block token's handshake message and pool (a NameNode may name the QOP there), if any. */
function handshakeSecret(token: TokenProtoObject): { secret: Uint8Array; bpid: string } | undefined {
  if (token.identifier.length === 0) return undefined;
  try {
    const id = BlockTokenIdentifier.decode(token.identifier);
    return id.handshakeMsg.length > 0 ? { secret: id.handshakeMsg, bpid: id.blockPoolId } : undefined;
  } catch {
    return undefined;
  }
}

/** A TCP connection within `timeoutMs`; failures are typed and name the DataNode. */
function connectTo(host: string, port: number, timeoutMs: number, peer: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, noDelay: true });
    const timer = setTimeout(() => fail(new Error(`no connection within ${timeoutMs} ms`)), timeoutMs);
    const fail = (e: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new UnreachableError('UNREACHABLE', `Cannot connect to DataNode ${peer}: ${(e as NodeJS.ErrnoException).code ?? e.message}`, { remoteAddress: peer }, { cause: e }));
    };
    socket.once('error', fail);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', fail);
      resolve(socket);
    });
  });
}
