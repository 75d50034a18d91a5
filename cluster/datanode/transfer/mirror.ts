/**
 * The connection from this DataNode to the next one of a write pipeline (Hadoop's
 * DataXceiver.writeBlock "Connect to downstream machine"): TCP to the target's `ipAddr:xferPort`
 * within dfs.client.socket-timeout + 5 s per downstream node (HdfsConstants.READ_TIMEOUT_EXTENSION),
 * then the data-transfer handshake as a client (SaslDataTransferClient.socketSend with this
 * DataNode's settings): the encrypted handshake with a data encryption key made from the current
 * block key when dfs.encrypt.data.transfer is on, the general one with the client's block token
 * when dfs.data.transfer.protection is set (the token's handshake secret, if any, goes along), none
 * for a privileged port or with security off. The op and the packets are the caller's.
 */
import { connect, type Socket } from 'node:net';
import { UnreachableError } from '../../../lib/errors/index.ts';
import type { SaslPropertiesResolver } from '../../../security/resolver/sasl-properties-resolver.ts';
import { chooseClientHandshake } from '../../../security/datatransfer/handshake-choice.ts';
import { dataTransferClientHandshake, unprotectedStreams } from '../../../security/datatransfer/handshake-socket.ts';
import type { DataTransferStreams } from '../../../security/datatransfer/streams.ts';
import type { DataTransferSecurityConfig } from '../../../security/datatransfer/config.ts';
import { BlockTokenIdentifier } from '../../../security/token/block-token-identifier.ts';
import type { DatanodeInfo, TokenProtoObject } from '../../protocol/hdfs-types.ts';
import type { BlockAccessVerifier } from '../block-access.ts';
import { FrameInput } from '../../protocol/datatransfer/frame-input.ts';
import { FrameOutput } from '../../protocol/datatransfer/frame-output.ts';

/** HdfsConstants.READ_TIMEOUT_EXTENSION / WRITE_TIMEOUT_EXTENSION (ms per downstream node). */
export const TIMEOUT_EXTENSION_MS = 5000;

export interface Mirror {
  /** `ip:xferPort` of the target (firstBadLink when it fails). */
  readonly addr: string;
  readonly input: FrameInput;
  readonly output: FrameOutput;
  close(): void;
}

export interface MirrorConnector {
  /** Connects to `target` for a write of `blockPoolId` with `token`; `downstream` = nodes from the target on. */
  connect(target: DatanodeInfo, blockPoolId: string, token: TokenProtoObject | undefined, downstream: number): Promise<Mirror>;
}

export interface MirrorSettings {
  readonly socketTimeoutMs: number;
  readonly socketWriteTimeoutMs: number;
  readonly securityEnabled: boolean;
  readonly dataTransfer: DataTransferSecurityConfig;
  /** The client-side data-transfer resolver (undefined: dfs.data.transfer.protection unset). */
  readonly resolver: SaslPropertiesResolver | undefined;
}

/** DatanodeID.getXferAddr: `ipAddr:xferPort`. */
export function xferAddr(node: DatanodeInfo): string {
  return `${node.id.ipAddr}:${node.id.xferPort}`;
}

export class DataNodeMirrorConnector implements MirrorConnector {
  readonly #s: MirrorSettings;
  readonly #access: BlockAccessVerifier;

  constructor(settings: MirrorSettings, access: BlockAccessVerifier) {
    this.#s = settings;
    this.#access = access;
  }

  async connect(target: DatanodeInfo, blockPoolId: string, token: TokenProtoObject | undefined, downstream: number): Promise<Mirror> {
    const addr = xferAddr(target);
    const readTimeout = this.#s.socketTimeoutMs + TIMEOUT_EXTENSION_MS * downstream;
    const writeTimeout = this.#s.socketWriteTimeoutMs + TIMEOUT_EXTENSION_MS * downstream;
    const socket = await dial(target.id.ipAddr, target.id.xferPort, readTimeout, addr);
    let streams: DataTransferStreams;
    try {
      streams = await this.#handshake(socket, target, blockPoolId, token, readTimeout, addr);
    } catch (e) {
      socket.destroy();
      throw e;
    }
    const input = new FrameInput(streams.input, addr);
    const output = new FrameOutput(streams.output, addr, writeTimeout);
    return {
      addr, input, output,
      close: () => {
        input.close();
        streams.output.destroy();
        streams.input.destroy();
        socket.destroy();
      },
    };
  }

  async #handshake(socket: Socket, target: DatanodeInfo, blockPoolId: string, token: TokenProtoObject | undefined, timeoutMs: number, addr: string): Promise<DataTransferStreams> {
    const s = this.#s;
    const kind = chooseClientHandshake({
      trusted: false,
      hasEncryptionKey: s.dataTransfer.encryptDataTransfer,
      securityEnabled: s.securityEnabled,
      datanodeXferPort: target.id.xferPort,
      fallbackToSimpleAuth: false,
      protectionConfigured: s.resolver !== undefined,
    });
    if (kind === 'none') return unprotectedStreams(socket, { remoteAddress: addr });
    if (kind === 'encrypted') {
      const key = this.#access.generateDataEncryptionKey(blockPoolId, s.dataTransfer.encryptionAlgorithm);
      return dataTransferClientHandshake(socket, { credentials: { kind: 'encryption-key', key }, cipherSuites: s.dataTransfer.cipherSuites, remoteAddress: addr, timeoutMs });
    }
    const identifier = token?.identifier ?? new Uint8Array(0);
    const secret = identifier.length > 0 ? BlockTokenIdentifier.decode(identifier).handshakeMsg : new Uint8Array(0);
    return dataTransferClientHandshake(socket, {
      credentials: { kind: 'block-token', token: { identifier, password: token?.password ?? new Uint8Array(0) } },
      qop: s.resolver!.getClientProperties(target.id.ipAddr, target.id.xferPort).qop,
      handshakeSecret: secret.length > 0 ? { secret, bpid: blockPoolId } : undefined,
      cipherSuites: s.dataTransfer.cipherSuites,
      remoteAddress: addr,
      timeoutMs,
    });
  }
}

function dial(host: string, port: number, timeoutMs: number, addr: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, allowHalfOpen: true });
    const timer = setTimeout(() => fail(new UnreachableError('UNREACHABLE', `Cannot connect to DataNode ${addr} within ${timeoutMs} ms (dfs.client.socket-timeout)`, { remoteAddress: addr })), timeoutMs);
    const fail = (e: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(e instanceof UnreachableError ? e : new UnreachableError('UNREACHABLE', `Cannot connect to DataNode ${addr}: ${e.message}`, { remoteAddress: addr }, { cause: e }));
    };
    socket.once('error', fail);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', fail);
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}
