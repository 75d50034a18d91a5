/**
 * BLOCK_CHECKSUM (docs/datanode.md; Hadoop 3.4.1 DataXceiver.blockChecksum with
 * BlockChecksumHelper.ReplicatedBlockChecksumComputer):
 *
 *   1. the block token must grant READ on the block (checkAccess, ERROR_ACCESS_TOKEN otherwise);
 *   2. the replica must exist (finalized, or being written: visible up to the bytes acknowledged)
 *      with a generation stamp no older than the one asked for (getReplicaVisibleLength);
 *   3. the block checksum of block.numBytes bytes (the requested length) in the requested mode,
 *      MD5CRC by default or COMPOSITE_CRC (../storage/replica-checksum.ts);
 *   4. {SUCCESS, checksumResponse{bytesPerCrc, crcPerBlock, blockChecksum, crcType,
 *      blockChecksumOptions (the request's, both fields set)}}; the connection then ends, as
 *      DataXceiver closes its reply stream.
 *
 * A failure in 2-3 is answered {ERROR, "blockChecksum <block> received exception ..."} before the
 * connection closes. Hadoop closes without an answer; a stock client treats both as a failure of
 * this DataNode and tries the next one, and the message tells it why.
 */
import { getLogger } from '../../../lib/log/logger.ts';
import type { BlockChecksumOptions, OpBlockChecksum } from '../../protocol/datatransfer/messages.ts';
import { blockName } from '../block-access.ts';
import { computeBlockChecksum, readReplicaChecksumInput } from '../storage/replica-checksum.ts';
import { ReplicaError, type Replica } from '../storage/replica.ts';
import type { Xceiver } from './xceiver.ts';

const log = getLogger('datanode.checksum');

/** Serves one BLOCK_CHECKSUM; the connection ends after it. */
export async function blockChecksum(x: Xceiver, op: OpBlockChecksum): Promise<void> {
  const { block, token } = op.header;
  const name = blockName(block);
  await x.checkAccess('BLOCK_CHECKSUM', block, token, 'READ', true);
  // Receiver.opBlockChecksum: absent options are the defaults; the reply echoes them with both fields
  const options: Required<BlockChecksumOptions> = {
    blockChecksumType: op.blockChecksumOptions?.blockChecksumType ?? 'MD5CRC',
    stripeLength: op.blockChecksumOptions?.stripeLength ?? 0,
  };
  let result;
  try {
    const replica = visibleReplica(x, block.poolId, block.blockId, block.generationStamp, name);
    result = computeBlockChecksum(await readReplicaChecksumInput(replica, block.numBytes ?? 0), options);
  } catch (e) {
    const message = `blockChecksum ${name} received exception ${(e as Error).message}`;
    log.info({ remoteAddress: x.remoteAddress, block: name }, message);
    await x.reply({ status: 'ERROR', message }).catch(() => undefined);
    throw e;
  }
  await x.reply({ status: 'SUCCESS', checksumResponse: { ...result, blockChecksumOptions: options } });
  log.debug({ remoteAddress: x.remoteAddress, block: name, bytesPerCrc: result.bytesPerCrc, crcPerBlock: result.crcPerBlock, type: options.blockChecksumType }, 'Served block checksum');
}

/** FsDatasetImpl.getReplicaVisibleLength's checks. */
function visibleReplica(x: Xceiver, poolId: string, blockId: number, generationStamp: number, name: string): Replica {
  const replica = x.services.dataset.getReplica(poolId, blockId);
  if (!replica || replica.state === 'RWR' || replica.state === 'RUR') throw new ReplicaError('REPLICA_NOT_FOUND', `Replica not found for ${name}`, { blockId });
  if (replica.genStamp < generationStamp) {
    throw new ReplicaError('REPLICA_NOT_FOUND', `replica.getGenerationStamp() < block.getGenerationStamp(), block=${name}, replica=blk_${replica.blockId}_${replica.genStamp}`, { blockId });
  }
  return replica;
}
