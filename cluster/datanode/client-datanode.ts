/**
 * ClientDatanodeProtocol on the DataNode's IPC port (Hadoop 3.4.1 DataNode.getReplicaVisibleLength
 * with checkReadAccess, FsDatasetImpl.getReplicaVisibleLength): how many bytes of a replica a
 * reader may read, asked by DFSInputStream.readBlockLength for the last block of a file still
 * being written, so a reader sees what a writer hflushed.
 *
 *   - a DataNode not registered with the block pool's NameNode answers RetriableException
 *     ("Datanode not registered. Try again later.");
 *   - with block tokens the caller authenticates with the block's token (DIGEST-MD5, the
 *     `blockTokenAuthority` below): that one identifier must grant READ on the block
 *     (InvalidToken otherwise); a caller without one is refused ("Can't continue since none or
 *     more than one BlockTokenIdentifier is found.");
 *   - no replica: ReplicaNotFoundException ("Replica does not exist <bpid>:<id>"), which a reader
 *     counts as "not on this DataNode"; an older replica than the block asked for: IOException;
 *   - the visible length: a finalized or RBW replica's bytes (hsec's RBW holds only verified
 *     bytes, acknowledged as they land), -1 for RWR (nothing visible before recovery), an RUR
 *     replica's as its state before the recovery.
 */
import { HsecError } from '../../lib/errors/index.ts';
import type { CallContext, ProtocolHandlers } from '../../lib/rpc/call-context.ts';
import type { TokenAuthority } from '../../security/sasl/rpc/sasl-rpc-server.ts';
import { BlockTokenIdentifier } from '../../security/token/block-token-identifier.ts';
import { CLIENT_DATANODE_PROTOCOL_CODEC } from '../protocol/client-datanode-protocol.ts';
import type { ExtendedBlock } from '../protocol/hdfs-types.ts';
import type { BlockAccessVerifier } from './block-access.ts';
import type { FsDataset } from './storage/fs-dataset.ts';
import { ReplicaError, type Replica } from './storage/replica.ts';

const RETRIABLE = 'org.apache.hadoop.ipc.RetriableException';
const REPLICA_NOT_FOUND = 'org.apache.hadoop.hdfs.server.datanode.ReplicaNotFoundException';

export interface ClientDatanodeServices {
  readonly dataset: FsDataset;
  readonly access: BlockAccessVerifier;
  /** dfs.block.access.token.enable */
  readonly blockTokenEnabled: boolean;
  /** getDNRegistrationForBP: registered with the NameNode of this block pool */
  readonly registered: (blockPoolId: string) => boolean;
}

/**
 * The RPC server's TOKEN authority of the DataNode (its BlockPoolTokenSecretManager): the password
 * of a block token, the user it names (BlockTokenIdentifier.getUser), and the identifier for the
 * handlers.
 */
export function blockTokenAuthority(access: BlockAccessVerifier): TokenAuthority {
  return {
    retrievePassword: (identifier) => access.password(identifier),
    identify: (identifier) => {
      const id = BlockTokenIdentifier.decode(identifier);
      return { user: id.user().userName, attributes: { tokenIdentifier: id } };
    },
  };
}

/** ReplicaInfo.getVisibleLength by state (see the file comment). */
export function visibleLength(r: Pick<Replica, 'state' | 'numBytes' | 'recovery'>): number {
  const state = r.state === 'RUR' ? r.recovery?.originalState : r.state;
  return state === 'FINALIZED' || state === 'RBW' ? r.numBytes : -1;
}

export function clientDatanodeHandlers(s: ClientDatanodeServices): ProtocolHandlers {
  return {
    getReplicaVisibleLength: (bytes, ctx) => {
      const { block } = CLIENT_DATANODE_PROTOCOL_CODEC.decodeRequest('getReplicaVisibleLength', bytes);
      checkReadAccess(s, block, ctx);
      return CLIENT_DATANODE_PROTOCOL_CODEC.encodeResponse('getReplicaVisibleLength', { length: replicaVisibleLength(s.dataset, block) });
    },
  };
}

/** DataNode.checkReadAccess. */
function checkReadAccess(s: ClientDatanodeServices, block: ExtendedBlock, ctx: CallContext): void {
  if (!s.registered(block.poolId)) {
    throw new HsecError('DATANODE_UNREGISTERED', 'Datanode not registered. Try again later.', { blockPoolId: block.poolId, exceptionClassName: RETRIABLE });
  }
  if (!s.blockTokenEnabled) return;
  const id = ctx.attributes['tokenIdentifier'];
  if (!(id instanceof BlockTokenIdentifier)) {
    throw new HsecError('TOKEN_INVALID', 'Can\'t continue since none or more than one BlockTokenIdentifier is found.', { user: ctx.user, exceptionClassName: 'java.io.IOException' });
  }
  s.access.checkIdentifier(id, block, 'READ');
}

/** FsDatasetImpl.getReplicaVisibleLength. */
function replicaVisibleLength(dataset: FsDataset, block: ExtendedBlock): number {
  const replica = dataset.getReplica(block.poolId, block.blockId);
  if (!replica) {
    throw new ReplicaError('REPLICA_NOT_FOUND', `Replica does not exist ${block.poolId}:${block.blockId}`, { blockId: block.blockId, exceptionClassName: REPLICA_NOT_FOUND });
  }
  if (replica.genStamp < block.generationStamp) {
    throw new ReplicaError('REPLICA_GENERATION_STAMP', `replica.getGenerationStamp() < block.getGenerationStamp(), block=${block.poolId}:blk_${block.blockId}_${block.generationStamp}, replica=${replica.state} blk_${replica.blockId}_${replica.genStamp}`, {
      blockId: block.blockId, exceptionClassName: 'java.io.IOException',
    });
  }
  return visibleLength(replica);
}
