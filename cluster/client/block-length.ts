/**
 * The length of a file's last block while it is being written (Hadoop 3.4.1
 * DFSInputStream.readBlockLength): its DataNodes are asked, in the NameNode's order, for the
 * replica's visible length over ClientDatanodeProtocol (getReplicaVisibleLength on their IPC port),
 * authenticated as Hadoop's client does it: as the user `blk_<id>_<gs>` holding only the block's
 * token (DIGEST-MD5; SIMPLE without block tokens). The first non-negative answer wins; DataNodes
 * that have no replica (ReplicaNotFoundException) count as empty, and if all of them say so the
 * length is 0; otherwise no answer is CannotObtainBlockLengthException.
 */
import { HsecError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import type { RpcClient } from '../../security/sasl/rpc/rpc-client.ts';
import { HDFS_BLOCK_TOKEN_KIND } from '../../security/token/block-token-identifier.ts';
import { ClientDatanodeProtocolClient } from '../protocol/client-datanode-protocol.ts';
import type { LocatedBlock } from '../protocol/hdfs-types.ts';

const log = getLogger('hdfs.read');

const REPLICA_NOT_FOUND = 'org.apache.hadoop.hdfs.server.datanode.ReplicaNotFoundException';

/** LocatedBlock.toString's start, as CannotObtainBlockLengthException names the block. */
function describe(b: LocatedBlock): string {
  return `LocatedBlock{${b.b.poolId}:blk_${b.b.blockId}_${b.b.generationStamp}; getBlockSize()=${b.b.numBytes ?? 0}; corrupt=${b.corrupt}; offset=${b.offset}; locs=[${(b.locs ?? []).map((l) => `${l.id.ipAddr}:${l.id.xferPort}`).join(', ')}]}`;
}

export async function readBlockLength(rpc: RpcClient, block: LocatedBlock, timeoutMs: number): Promise<number> {
  const locs = block.locs ?? [];
  let replicaNotFound = locs.length;
  const token = block.blockToken;
  const tokens = token.identifier.length > 0 ? [{ identifier: token.identifier, password: token.password, kind: HDFS_BLOCK_TOKEN_KIND, service: token.service }] : [];
  for (const dn of locs) {
    const client = new ClientDatanodeProtocolClient({
      rpc,
      address: { host: dn.id.ipAddr, port: dn.id.ipcPort },
      // DFSUtilClient.createClientDatanodeProtocolProxy: createRemoteUser(block.getLocalBlock().toString()) + the block token; BlockTokenSelector goes by kind
      credentials: { user: `blk_${block.b.blockId}_${block.b.generationStamp}`, tokens, tokenKind: HDFS_BLOCK_TOKEN_KIND, tokenSelector: (_service, all) => all.find((t) => t.kind === HDFS_BLOCK_TOKEN_KIND) },
      timeoutMs,
    });
    try {
      const n = await client.getReplicaVisibleLength(block.b);
      if (n >= 0) return n;
    } catch (e) {
      if (!(e instanceof HsecError)) throw e;
      if (e.details['exceptionClassName'] === REPLICA_NOT_FOUND) replicaNotFound--;
      log.debug({ datanode: `${dn.id.ipAddr}:${dn.id.ipcPort}`, blockId: block.b.blockId, err: e }, `Failed to getReplicaVisibleLength from datanode ${dn.id.ipAddr}:${dn.id.xferPort} for block ${block.b.poolId}:blk_${block.b.blockId}_${block.b.generationStamp}`);
    }
  }
  // the NameNode named these locations but none has the replica: the race between pipeline creation start and end
  if (replicaNotFound === 0) return 0;
  throw new HsecError('FILE_IO', `Cannot obtain block length for ${describe(block)}`, { blockId: block.b.blockId, exceptionClassName: 'org.apache.hadoop.hdfs.CannotObtainBlockLengthException' });
}
