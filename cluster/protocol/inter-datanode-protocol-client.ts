/**
 * A typed client for InterDatanodeProtocol (Hadoop's InterDatanodeProtocolTranslatorPB): what a
 * recovery's primary DataNode calls on another DataNode's IPC port, over the shared RpcClient with
 * the DataNode's Kerberos credentials (INTER_DATANODE_PROTOCOL_INFO). Server-side errors arrive as
 * the RpcClient's typed RemoteError.
 */
import type { RpcCallCredentials, RpcClient } from '../../security/sasl/rpc/rpc-client.ts';
import {
  INTER_DATANODE_PROTOCOL, INTER_DATANODE_PROTOCOL_CODEC, INTER_DATANODE_PROTOCOL_VERSION,
  type InterDatanodeProtocolMessages, type InterDatanodeProtocolMethodName,
} from './inter-datanode-protocol.ts';

export interface InterDatanodeProtocolClientOptions {
  rpc: RpcClient;
  /** the other DataNode's IPC address (DatanodeID.getIpcAddr) */
  address: { host: string; port: number };
  credentials: RpcCallCredentials;
  timeoutMs?: number;
}

export class InterDatanodeProtocolClient {
  readonly #o: InterDatanodeProtocolClientOptions;

  constructor(options: InterDatanodeProtocolClientOptions) {
    this.#o = options;
  }

  async call<M extends InterDatanodeProtocolMethodName>(method: M, request: InterDatanodeProtocolMessages[M]['request']): Promise<InterDatanodeProtocolMessages[M]['response']> {
    const response = await this.#o.rpc.call(this.#o.address, INTER_DATANODE_PROTOCOL, method, INTER_DATANODE_PROTOCOL_CODEC.encodeRequest(method, request), {
      ...this.#o.credentials,
      declaringProtocol: INTER_DATANODE_PROTOCOL,
      protocolVersion: INTER_DATANODE_PROTOCOL_VERSION,
      timeoutMs: this.#o.timeoutMs,
    });
    return INTER_DATANODE_PROTOCOL_CODEC.decodeResponse(method, response);
  }
}
