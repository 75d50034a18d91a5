/**
 * Method table, security info and pure codecs of InterDatanodeProtocol, the DataNode -> DataNode
 * protocol of block recovery (org.apache.hadoop.hdfs.server.protocol.InterDatanodeProtocol over
 * Hadoop IPC with the protobuf engine; InterDatanodeProtocolPB, its client- and server-side
 * translators): initReplicaRecovery and updateReplicaUnderRecovery, messages in
 * ./InterDatanodeProtocol.proto. The primary DataNode of a recovery calls it on the IPC port
 * (dfs.datanode.ipc.address) of every other DataNode holding a replica.
 */
import type { ProtocolSecurityInfo } from '../../security/sasl/rpc/protocol-security.ts';
import type { ReplicaStateName } from './block-list-as-longs.ts';
import type { Block, ExtendedBlock, LocatedBlock } from './hdfs-types.ts';
import { RpcCodec } from './rpc-codec.ts';

/** InterDatanodeProtocolPB's @ProtocolInfo protocolName (version 1). */
export const INTER_DATANODE_PROTOCOL = 'org.apache.hadoop.hdfs.server.protocol.InterDatanodeProtocol';
export const INTER_DATANODE_PROTOCOL_VERSION = 1n;
export const INTER_DATANODE_PROTOCOL_SERVICE = 'hadoop.hdfs.InterDatanodeProtocolService';

/**
 * InterDatanodeProtocol's `@KerberosInfo(serverPrincipal = DFS_DATANODE_KERBEROS_PRINCIPAL_KEY,
 * clientPrincipal = DFS_DATANODE_KERBEROS_PRINCIPAL_KEY)`: DataNodes on both ends, Kerberos only.
 * Service ACL: security.inter.datanode.protocol.acl.
 */
export const INTER_DATANODE_PROTOCOL_INFO: ProtocolSecurityInfo = {
  protocol: INTER_DATANODE_PROTOCOL,
  version: INTER_DATANODE_PROTOCOL_VERSION,
  kerberos: { serverPrincipalKey: 'dfs.datanode.kerberos.principal', clientPrincipalKey: 'dfs.datanode.kerberos.principal' },
};

/** RecoveringBlockProto (HdfsServer.proto). */
export interface RecoveringBlockMessage {
  newGenStamp: number;
  block: LocatedBlock;
  truncateBlock?: Block;
}

export interface InterDatanodeProtocolMessages {
  initReplicaRecovery: {
    request: { block: RecoveringBlockMessage };
    /** state and block only when replicaFound: the replica's state before the recovery, its id, stamp and bytes on disk */
    response: { replicaFound: boolean; state?: ReplicaStateName; block?: Block };
  };
  updateReplicaUnderRecovery: {
    request: { block: ExtendedBlock; recoveryId: number; newLength: number; newBlockId?: number };
    response: { storageUuid?: string };
  };
}

export type InterDatanodeProtocolMethodName = keyof InterDatanodeProtocolMessages;

export const INTER_DATANODE_PROTOCOL_CODEC = new RpcCodec<InterDatanodeProtocolMessages>(INTER_DATANODE_PROTOCOL_SERVICE);
