/**
 * TRANSFER_BLOCK (op 86; Hadoop 3.4.1 DataXceiver.transferBlock), which a client's DataStreamer
 * sends to a surviving DataNode of its pipeline when it adds a replacement DataNode
 * (addDatanode2ExistingPipeline -> transfer):
 *
 *   1. the block token must grant COPY on the block and the targets' storages (checkAccess; the
 *      token getAdditionalDatanode gave the client);
 *   2. DataNode.transferReplicaForPipelineRecovery sends this DataNode's replica (RBW: stage
 *      TRANSFER_RBW up to its acknowledged bytes; finalized: TRANSFER_FINALIZED) to the targets and
 *      waits for the target's close-ack (data-transfer.ts);
 *   3. {SUCCESS}; a failure is {ERROR, message} (Hadoop closes the connection without an answer:
 *      the client's "Failed to add a datanode" either way). The connection ends.
 */
import { HsecError } from '../../../lib/errors/index.ts';
import { getLogger } from '../../../lib/log/logger.ts';
import type { OpTransferBlock } from '../../protocol/datatransfer/messages.ts';
import type { BlockStorageType } from '../../../security/token/block-token-identifier.ts';
import { blockName } from '../block-access.ts';
import type { Xceiver } from './xceiver.ts';

const log = getLogger('datanode.transfer');

export async function transferBlock(x: Xceiver, op: OpTransferBlock): Promise<void> {
  const { block, token } = op.header.baseHeader;
  const storageTypes = op.targetStorageTypes ?? [];
  const storageIds = op.targetStorageIds ?? [];
  await x.checkAccess('TRANSFER_BLOCK', block, token, 'COPY', true, storageTypes as BlockStorageType[], storageIds);
  try {
    await x.services.transferReplica(block, op.targets ?? [], storageTypes, storageIds, op.header.clientName);
  } catch (e) {
    const err = e instanceof HsecError ? e : new HsecError('FILE_IO', String(e));
    log.info({ block: blockName(block), remoteAddress: x.remoteAddress }, `transferBlock ${blockName(block)} received exception ${err.message}`);
    await x.reply({ status: 'ERROR', message: err.message }).catch(() => undefined);
    throw err;
  }
  await x.reply({ status: 'SUCCESS' });
}
