/**
 * Method table, security info, pure codecs and a typed client of ClientDatanodeProtocol, the
 * client -> DataNode protocol on the DataNode's IPC port (dfs.datanode.ipc.address;
 * org.apache.hadoop.hdfs.protocol.ClientDatanodeProtocol over Hadoop IPC with the protobuf engine,
 * ClientDatanodeProtocolTranslatorPB / ...ServerSideTranslatorPB). Only getReplicaVisibleLength,
 * which DFSInputStream.readBlockLength calls for the under-construction last block of a file it
 * opens: how many of its bytes a reader may read (the acknowledged, hflushed ones). Messages in
 * ./ClientDatanodeProtocol.proto.
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

export interface ClientDatanodeProtocolMessages {
  getReplicaVisibleLength: {
    request: { block: ExtendedBlock };
    response: { length: number };
  };
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
    const response = await this.#o.rpc.call(this.#o.address, CLIENT_DATANODE_PROTOCOL, 'getReplicaVisibleLength', CLIENT_DATANODE_PROTOCOL_CODEC.encodeRequest('getReplicaVisibleLength', { block }), {
      ...this.#o.credentials,
      declaringProtocol: CLIENT_DATANODE_PROTOCOL,
      protocolVersion: CLIENT_DATANODE_PROTOCOL_VERSION,
      timeoutMs: this.#o.timeoutMs,
    });
    return CLIENT_DATANODE_PROTOCOL_CODEC.decodeResponse('getReplicaVisibleLength', response).length;
  }
}
