/**
 * Method table, security info, pure codecs and a typed client of ClientDatanodeProtocol, the
 * client -> DataNode protocol on the DataNode's IPC port (dfs.datanode.ipc.address;
 * org.apache.hadoop.hdfs.protocol.ClientDatanodeProtocol over Hadoop IPC with the protobuf engine,
 * ClientDatanodeProtocolTranslatorPB / ...ServerSideTranslatorPB): getReplicaVisibleLength,
 * which DFSInputStream.readBlockLength calls for the under-construction last block of a file it
 * opens (how many of its bytes a reader may read: the acknowledged, hflushed ones), and the admin
 * calls `hdfs dfsadmin` makes as a Kerberos user (shutdownDatanode, evictWriters, getDatanodeInfo,
 * triggerBlockReport, getBalancerBandwidth). Messages in ./ClientDatanodeProtocol.proto.
 */
import type { RpcCallCredentials, RpcClient } from '../../security/sasl/rpc/rpc-client.ts';
import type { ProtocolSecurityInfo } from '../../security/sasl/rpc/protocol-security.ts';
import { HDFS_BLOCK_TOKEN_KIND } from '../../security/token/block-token-identifier.ts';
import type { ExtendedBlock } from './hdfs-types.ts';
import { RpcCodec } from './rpc-codec.ts';

/** ClientDatanodeProtocolPB's @ProtocolInfo protocolName (version 1). */
export const CLIENT_DATANODE_PROTOCOL = 'org.apache.hadoop.hdfs.protocol.ClientDatanodeProtocol';
export const CLIENT_DATANODE_PROTOCOL_VERSION = 1n;
export const CLIENT_DATANODE_PROTOCOL_SERVICE = 'hadoop.hdfs.ClientDatanodeProtocolService';

/**
 * ClientDatanodeProtocol's `@KerberosInfo(serverPrincipal = DFS_DATANODE_KERBEROS_PRINCIPAL_KEY)`
 * and `@TokenInfo(BlockTokenSelector.class)`: a client authenticates with the block token of the
 * block it asks about (DIGEST-MD5). Service ACL: security.client.datanode.protocol.acl.
 */
export const CLIENT_DATANODE_PROTOCOL_INFO: ProtocolSecurityInfo = {
  protocol: CLIENT_DATANODE_PROTOCOL,
  version: CLIENT_DATANODE_PROTOCOL_VERSION,
  kerberos: { serverPrincipalKey: 'dfs.datanode.kerberos.principal' },
  token: { kind: HDFS_BLOCK_TOKEN_KIND },
};

/** DatanodeLocalInfoProto: what getDatanodeInfo answers. */
export interface DatanodeLocalInfo {
  softwareVersion: string;
  configVersion: string;
  /** seconds since the DataNode started */
  uptime: number;
}

type Empty = Record<string, never>;

export interface ClientDatanodeProtocolMessages {
  getReplicaVisibleLength: {
    request: { block: ExtendedBlock };
    response: { length: number };
  };
  shutdownDatanode: { request: { forUpgrade: boolean }; response: Empty };
  evictWriters: { request: Empty; response: Empty };
  getDatanodeInfo: { request: Empty; response: { localInfo: DatanodeLocalInfo } };
  /** nnAddress: `host:port` of the one NameNode to report to (BlockReportOptions.getNamenodeAddr), else all */
  triggerBlockReport: { request: { incremental: boolean; nnAddress?: string }; response: Empty };
  /** bytes per second */
  getBalancerBandwidth: { request: Empty; response: { bandwidth: number } };
}

/** DatanodeLocalInfo.getDatanodeLocalReport: the line `hdfs dfsadmin -getDatanodeInfo` prints. */
export function datanodeLocalReport(info: DatanodeLocalInfo): string {
  return `Uptime: ${info.uptime}, Software version: ${info.softwareVersion}, Config version: ${info.configVersion}`;
}

export const CLIENT_DATANODE_PROTOCOL_CODEC = new RpcCodec<ClientDatanodeProtocolMessages>(CLIENT_DATANODE_PROTOCOL_SERVICE);

export interface ClientDatanodeProtocolClientOptions {
  rpc: RpcClient;
  /** the DataNode's IPC address (DatanodeID.getIpcAddr) */
  address: { host: string; port: number };
  credentials: RpcCallCredentials;
  timeoutMs?: number;
}

/** ClientDatanodeProtocolTranslatorPB: server-side errors arrive as the RpcClient's typed errors. */
export class ClientDatanodeProtocolClient {
  readonly #o: ClientDatanodeProtocolClientOptions;

  constructor(options: ClientDatanodeProtocolClientOptions) {
    this.#o = options;
  }

  async getReplicaVisibleLength(block: ExtendedBlock): Promise<number> {
    return (await this.#invoke('getReplicaVisibleLength', { block })).length;
  }

  /** DataNode.shutdownDatanode (admin): the DataNode answers, then stops. */
  async shutdownDatanode(forUpgrade: boolean): Promise<void> {
    await this.#invoke('shutdownDatanode', { forUpgrade });
  }

  /** DataNode.evictWriters (admin): ends every block write in progress. */
  async evictWriters(): Promise<void> {
    await this.#invoke('evictWriters', {});
  }

  async getDatanodeInfo(): Promise<DatanodeLocalInfo> {
    return (await this.#invoke('getDatanodeInfo', {})).localInfo;
  }

  /** DataNode.triggerBlockReport (admin). */
  async triggerBlockReport(options: { incremental: boolean; nnAddress?: string }): Promise<void> {
    await this.#invoke('triggerBlockReport', options.nnAddress === undefined ? { incremental: options.incremental } : options);
  }

  /** Bytes per second. */
  async getBalancerBandwidth(): Promise<number> {
    return (await this.#invoke('getBalancerBandwidth', {})).bandwidth;
  }

  async #invoke<M extends keyof ClientDatanodeProtocolMessages & string>(method: M, request: ClientDatanodeProtocolMessages[M]['request']): Promise<ClientDatanodeProtocolMessages[M]['response']> {
    const response = await this.#o.rpc.call(this.#o.address, CLIENT_DATANODE_PROTOCOL, method, CLIENT_DATANODE_PROTOCOL_CODEC.encodeRequest(method, request), {
      ...this.#o.credentials,
      declaringProtocol: CLIENT_DATANODE_PROTOCOL,
      protocolVersion: CLIENT_DATANODE_PROTOCOL_VERSION,
      timeoutMs: this.#o.timeoutMs,
    });
    return CLIENT_DATANODE_PROTOCOL_CODEC.decodeResponse(method, response);
  }
}
