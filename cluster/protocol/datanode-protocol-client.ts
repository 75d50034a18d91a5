/**
 * A typed client for DatanodeProtocol (Hadoop's DatanodeProtocolClientSideTranslatorPB): what a
 * DataNode's BPServiceActor calls on its NameNode, one method per RPC, over the shared RpcClient
 * with the DataNode's Kerberos credentials (DATANODE_PROTOCOL_INFO: no tokens). Block reports take
 * replicas and the NameNode's capabilities and pick the buffers or longs encoding as the translator
 * does. Server-side errors arrive as the RpcClient's typed RemoteError.
 */
import type { RpcCallCredentials, RpcClient } from '../../security/sasl/rpc/rpc-client.ts';
import { CAPABILITY_STORAGE_BLOCK_REPORT_BUFFERS, encodeBlockList } from './block-list-as-longs.ts';
import type { ReportedReplica } from './block-list-as-longs.ts';
import { DATANODE_PROTOCOL, DATANODE_PROTOCOL_CODEC, DATANODE_PROTOCOL_VERSION } from './datanode-protocol.ts';
import type {
  BlockReportRequest, DatanodeCommand, DatanodeProtocolMessages, DatanodeProtocolMethodName, DatanodeRegistration,
  HeartbeatRequest, HeartbeatResponse, NamespaceInfo,
} from './datanode-protocol.ts';
import type { DatanodeStorage } from './hdfs-types.ts';

export interface DatanodeProtocolClientOptions {
  rpc: RpcClient;
  /** the NameNode's service RPC address (dfs.namenode.servicerpc-address, else its RPC address) */
  address: { host: string; port: number };
  credentials: RpcCallCredentials;
  timeoutMs?: number;
}

export class DatanodeProtocolClient {
  readonly #o: DatanodeProtocolClientOptions;

  constructor(options: DatanodeProtocolClientOptions) {
    this.#o = options;
  }

  async #invoke<M extends DatanodeProtocolMethodName>(method: M, request: DatanodeProtocolMessages[M]['request']): Promise<DatanodeProtocolMessages[M]['response']> {
    const response = await this.#o.rpc.call(this.#o.address, DATANODE_PROTOCOL, method, DATANODE_PROTOCOL_CODEC.encodeRequest(method, request), {
      ...this.#o.credentials,
      declaringProtocol: DATANODE_PROTOCOL,
      protocolVersion: DATANODE_PROTOCOL_VERSION,
      timeoutMs: this.#o.timeoutMs,
    });
    return DATANODE_PROTOCOL_CODEC.decodeResponse(method, response);
  }

  async versionRequest(): Promise<NamespaceInfo> {
    return (await this.#invoke('versionRequest', {})).info;
  }

  /** Returns the registration as the NameNode completed it (its block keys in `keys`). */
  async registerDatanode(registration: DatanodeRegistration): Promise<DatanodeRegistration> {
    return (await this.#invoke('registerDatanode', { registration })).registration;
  }

  async sendHeartbeat(request: HeartbeatRequest): Promise<HeartbeatResponse> {
    return this.#invoke('sendHeartbeat', request);
  }

  /**
   * A full block report of one or more storages, encoded as buffers when the NameNode's
   * NamespaceInfo `capabilities` has STORAGE_BLOCK_REPORT_BUFFERS, else as longs.
   */
  async blockReport(
    registration: DatanodeRegistration, blockPoolId: string, capabilities: number,
    storages: { storage: DatanodeStorage; replicas: readonly ReportedReplica[] }[], context?: BlockReportRequest['context'],
  ): Promise<DatanodeCommand | undefined> {
    const useBuffers = (capabilities & CAPABILITY_STORAGE_BLOCK_REPORT_BUFFERS) !== 0;
    const reports = storages.map((s) => ({ storage: s.storage, ...encodeBlockList(s.replicas, useBuffers) }));
    return (await this.#invoke('blockReport', { registration, blockPoolId, reports, context })).cmd;
  }

  async blockReceivedAndDeleted(request: DatanodeProtocolMessages['blockReceivedAndDeleted']['request']): Promise<void> {
    await this.#invoke('blockReceivedAndDeleted', request);
  }

  /** `errorCode` from DatanodeErrorCode. */
  async errorReport(registration: DatanodeRegistration, errorCode: number, msg: string): Promise<void> {
    await this.#invoke('errorReport', { registartion: registration, errorCode, msg });
  }

  async reportBadBlocks(request: DatanodeProtocolMessages['reportBadBlocks']['request']): Promise<void> {
    await this.#invoke('reportBadBlocks', request);
  }

  async commitBlockSynchronization(request: DatanodeProtocolMessages['commitBlockSynchronization']['request']): Promise<void> {
    await this.#invoke('commitBlockSynchronization', request);
  }
}
