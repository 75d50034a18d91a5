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
 *
 * The admin calls of `hdfs dfsadmin` (DataNode.shutdownDatanode, evictWriters, triggerBlockReport,
 * getDatanodeInfo, getBalancerBandwidth), the caller authenticated with Kerberos. The first three
 * pass DataNode.checkSuperuserPrivilege first: with dfs.permissions.enabled the caller must be the
 * DataNode's own user (its full principal) or in dfs.permissions.superusergroup, else
 * AccessControlException "Permission denied."; getDatanodeInfo and getBalancerBandwidth have no such
 * check (DataNode.java), so any user the service ACL lets in may ask. shutdownDatanode refuses a
 * second request ("Shutdown already in progress.") and stops the DataNode after its answer has gone
 * (one second later unless for upgrade, as DataNode's "Async datanode shutdown thread").
 */
import { AccessControlError, HsecError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import type { CallContext, ProtocolHandlers } from '../../lib/rpc/call-context.ts';
import type { TokenAuthority } from '../../security/sasl/rpc/sasl-rpc-server.ts';
import type { Groups } from '../../security/identity/groups.ts';
import { BlockTokenIdentifier } from '../../security/token/block-token-identifier.ts';
import { CLIENT_DATANODE_PROTOCOL_CODEC, type DatanodeLocalInfo } from '../protocol/client-datanode-protocol.ts';
import type { ExtendedBlock } from '../protocol/hdfs-types.ts';
import type { BlockAccessVerifier } from './block-access.ts';
import type { FsDataset } from './storage/fs-dataset.ts';
import { ReplicaError, type Replica } from './storage/replica.ts';

const log = getLogger('datanode.admin');
const RETRIABLE = 'org.apache.hadoop.ipc.RetriableException';
const REPLICA_NOT_FOUND = 'org.apache.hadoop.hdfs.server.datanode.ReplicaNotFoundException';

export interface ClientDatanodeServices {
  readonly dataset: FsDataset;
  readonly access: BlockAccessVerifier;
  /** dfs.block.access.token.enable */
  readonly blockTokenEnabled: boolean;
  /** getDNRegistrationForBP: registered with the NameNode of this block pool */
  readonly registered: (blockPoolId: string) => boolean;
  /** The admin calls (absent: not served). */
  readonly admin?: DatanodeAdmin;
}

/** What the admin calls act on (the DataNode). */
export interface DatanodeAdmin {
  /** dfs.permissions.enabled */
  readonly permissionsEnabled: boolean;
  /** dnUserName: the DataNode's login user (its full principal with Kerberos) */
  readonly dnUserName: string;
  /** dfs.permissions.superusergroup */
  readonly supergroup: string;
  readonly groups: Groups;
  /** Starts the shutdown; false when one is already under way. */
  shutdown(forUpgrade: boolean): boolean;
  evictWriters(): void;
  /** BPServiceActor.triggerBlockReport for the NameNode at `nnAddress` (`host:port`), or all. */
  triggerBlockReport(incremental: boolean, nnAddress: string | undefined): Promise<void>;
  info(): DatanodeLocalInfo;
  balancerBandwidth(): number;
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
    ...(s.admin ? adminHandlers(s.admin) : {}),
  };
}

const C = CLIENT_DATANODE_PROTOCOL_CODEC;

function adminHandlers(a: DatanodeAdmin): ProtocolHandlers {
  return {
    shutdownDatanode: async (bytes, ctx) => {
      const { forUpgrade } = C.decodeRequest('shutdownDatanode', bytes);
      await checkSuperuserPrivilege(a, ctx);
      log.info({ user: ctx.user, forUpgrade }, `shutdownDatanode command received (upgrade=${forUpgrade}). Shutting down Datanode...`);
      if (!a.shutdown(forUpgrade)) throw new HsecError('SERVICE_NOT_RUNNING', 'Shutdown already in progress.', { exceptionClassName: 'java.io.IOException' });
      return C.encodeResponse('shutdownDatanode', {});
    },
    evictWriters: async (bytes, ctx) => {
      C.decodeRequest('evictWriters', bytes);
      await checkSuperuserPrivilege(a, ctx);
      log.info({ user: ctx.user }, 'Evicting all writers.');
      a.evictWriters();
      return C.encodeResponse('evictWriters', {});
    },
    triggerBlockReport: async (bytes, ctx) => {
      const { incremental, nnAddress } = C.decodeRequest('triggerBlockReport', bytes);
      if (nnAddress !== undefined) checkSocketAddress(nnAddress);
      await checkSuperuserPrivilege(a, ctx);
      await a.triggerBlockReport(incremental, nnAddress);
      return C.encodeResponse('triggerBlockReport', {});
    },
    getDatanodeInfo: (bytes) => {
      C.decodeRequest('getDatanodeInfo', bytes);
      return C.encodeResponse('getDatanodeInfo', { localInfo: a.info() });
    },
    getBalancerBandwidth: (bytes) => {
      C.decodeRequest('getBalancerBandwidth', bytes);
      return C.encodeResponse('getBalancerBandwidth', { bandwidth: a.balancerBandwidth() });
    },
  };
}

/**
 * ClientDatanodeProtocolServerSideTranslatorPB.triggerBlockReport reads the NameNode address with
 * NetUtils.createSocketAddr before the DataNode's own checks: text that is not `host:port` is
 * java.lang.IllegalArgumentException ("Does not contain a valid host:port authority", or
 * InetSocketAddress's "port out of range"), whoever asks.
 */
function checkSocketAddress(nnAddress: string): void {
  const target = nnAddress.trim();
  const m = /^(\[[^\]]*\]|[^:/\[\]]+):(\d+)$/.exec(target);
  if (!m) throw new HsecError('FS_INVALID_ARGUMENT', `Does not contain a valid host:port authority: ${target}`, { exceptionClassName: 'java.lang.IllegalArgumentException' });
  const port = Number(m[2]);
  if (port > 65535) throw new HsecError('FS_INVALID_ARGUMENT', `port out of range:${port}`, { exceptionClassName: 'java.lang.IllegalArgumentException' });
}

/** DataNode.checkSuperuserPrivilege: the DataNode's own user, or a member of the superuser group. */
async function checkSuperuserPrivilege(a: DatanodeAdmin, ctx: CallContext): Promise<void> {
  if (!a.permissionsEnabled) return;
  if (ctx.user === a.dnUserName) return;
  if ((await a.groups.groups(ctx.shortUser)).includes(a.supergroup)) return;
  throw new AccessControlError('ACCESS_DENIED', 'Permission denied.', { user: ctx.user, exceptionClassName: 'org.apache.hadoop.security.AccessControlException' });
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
