/**
 * The replica a WRITE_BLOCK writes, by stage (Hadoop 3.4.1 BlockReceiver's constructor, "Open local
 * disk out"), and what happens to it at the end of the write:
 *
 *   DataNode sender (client name "")   a new replica (createTemporary), finalized and reported
 *       RECEIVED, deleted if the copy ends early;
 *   PIPELINE_SETUP_CREATE              createRbw; RECEIVING reported; finalized on the last packet;
 *   PIPELINE_SETUP_APPEND              append (the finalized replica reopened under the new stamp);
 *       RECEIVING reported;
 *   PIPELINE_SETUP_STREAMING_RECOVERY  recoverRbw (nothing reported until the block is finalized);
 *   PIPELINE_SETUP_APPEND_RECOVERY     recoverAppend; RECEIVING reported;
 *   TRANSFER_RBW / TRANSFER_FINALIZED  createTemporary (a transfer destination): not reported; at the
 *       end convertTemporaryToRbw, or finalized (not reported: DataXceiver reports only a DataNode
 *       sender's copy and a close recovery); deleted if the transfer ends early;
 *   anything else                      "Unsupported stage ..." (PIPELINE_CLOSE_RECOVERY has no
 *       receiver: write-block.ts runs recoverClose).
 *
 * A stage that continues an existing replica keeps its chunk size (LocalReplicaInPipeline.createStreams).
 */
import { HsecError } from '../../../lib/errors/index.ts';
import type { OpWriteBlock } from '../../protocol/datatransfer/messages.ts';
import { blockName } from '../block-access.ts';
import { recoverAppend, recoverRbw, type PipelineRecoveryContext, type RecoveredBlock } from '../storage/pipeline-recovery.ts';
import type { Replica } from '../storage/replica.ts';
import type { ReplicaWriter } from '../storage/replica-writer.ts';
import type { Xceiver } from './xceiver.ts';

/** What the write does with the replica after its last packet. */
export type WriteEnd = 'finalize-and-report' | 'finalize' | 'keep-rbw';

export interface ReceiverReplica {
  readonly replica: Replica;
  readonly writer: ReplicaWriter;
  readonly end: WriteEnd;
  /** notifyNamenodeReceivingBlock before the first packet */
  readonly reportReceiving: boolean;
  /** a write that ends early leaves the replica in rbw/ (else it is deleted: a copy, a transfer) */
  readonly keepUnfinished: boolean;
  /**
   * A recovery or transfer stage is the replica's writer from before it changed the replica
   * (FsDataset.claimWriter): this marks its write over; other stages register with beginWrite.
   */
  readonly release?: () => void;
}

/** DataXceiver's isTransfer: the destination of a DataNode's transfer for pipeline recovery. */
export function isTransferStage(stage: OpWriteBlock['stage']): boolean {
  return stage === 'TRANSFER_RBW' || stage === 'TRANSFER_FINALIZED';
}

/** Stages whose replica exists already and goes on at its length. */
const CONTINUING: readonly OpWriteBlock['stage'][] = ['PIPELINE_SETUP_APPEND', 'PIPELINE_SETUP_APPEND_RECOVERY', 'PIPELINE_SETUP_STREAMING_RECOVERY'];

export function recoveryContext(x: Xceiver): PipelineRecoveryContext {
  return { dataset: x.services.dataset, writerStopTimeoutMs: x.settings.xceiverStopTimeoutMs, stop: () => x.input.close() };
}

export function recoveredBlock(op: OpWriteBlock): RecoveredBlock {
  const { block } = op.header.baseHeader;
  return { poolId: block.poolId, blockId: block.blockId, generationStamp: block.generationStamp, name: blockName(block) };
}

/** BlockReceiver's constructor: the replica for `op` (isClient: a client name was given). */
export async function openReceiverReplica(x: Xceiver, op: OpWriteBlock, isClient: boolean): Promise<ReceiverReplica> {
  const { block } = op.header.baseHeader;
  const ds = x.services.dataset;
  const name = blockName(block);
  if (!isClient) {
    const created = await ds.createRbw(block.poolId, block.blockId, block.generationStamp, op.requestedChecksum, name);
    return { ...created, end: 'finalize-and-report', reportReceiving: false, keepUnfinished: false };
  }
  checkChunkSize(x, op);
  const ctx = recoveryContext(x);
  const b = recoveredBlock(op);
  switch (op.stage) {
    case 'PIPELINE_SETUP_CREATE': {
      const created = await ds.createRbw(block.poolId, block.blockId, block.generationStamp, op.requestedChecksum, name);
      return { ...created, end: 'finalize-and-report', reportReceiving: true, keepUnfinished: true };
    }
    case 'PIPELINE_SETUP_APPEND': {
      const opened = await ds.append(block.poolId, block.blockId, block.generationStamp, op.latestGenerationStamp, op.minBytesRcvd, name);
      return { ...opened, end: 'finalize-and-report', reportReceiving: true, keepUnfinished: true };
    }
    case 'PIPELINE_SETUP_STREAMING_RECOVERY': {
      const opened = await recoverRbw(ctx, b, op.latestGenerationStamp, op.minBytesRcvd, op.maxBytesRcvd);
      return { ...opened, end: 'finalize-and-report', reportReceiving: false, keepUnfinished: true };
    }
    case 'PIPELINE_SETUP_APPEND_RECOVERY': {
      const opened = await recoverAppend(ctx, b, op.latestGenerationStamp, op.minBytesRcvd);
      return { ...opened, end: 'finalize-and-report', reportReceiving: true, keepUnfinished: true };
    }
    case 'TRANSFER_RBW':
    case 'TRANSFER_FINALIZED': {
      const created = await ds.createTemporary(block.poolId, block.blockId, block.generationStamp, op.requestedChecksum, name, ctx.writerStopTimeoutMs, ctx.stop);
      return { ...created, end: op.stage === 'TRANSFER_RBW' ? 'keep-rbw' : 'finalize', reportReceiving: false, keepUnfinished: false };
    }
    default:
      throw new HsecError('DATA_TRANSFER_UNSUPPORTED', `Unsupported stage ${op.stage} while receiving block ${name} from ${x.remoteAddress}`, { stage: op.stage });
  }
}

/**
 * LocalReplicaInPipeline.createStreams for an existing replica: another chunk size than the one on
 * disk is refused; another CRC type at the same chunk size is translated (BlockReceiver).
 */
function checkChunkSize(x: Xceiver, op: OpWriteBlock): void {
  if (!CONTINUING.includes(op.stage)) return;
  const { block } = op.header.baseHeader;
  const disk = x.services.dataset.getReplica(block.poolId, block.blockId)?.checksum;
  const asked = op.requestedChecksum;
  if (disk && disk.bytesPerChecksum !== asked.bytesPerChecksum) {
    throw new HsecError('DATA_TRANSFER_UNSUPPORTED', `Client requested checksum ${asked.type}/${asked.bytesPerChecksum} when appending to an existing block ${blockName(block)} with different chunk size: ${disk.type}/${disk.bytesPerChecksum}`, {
      stage: op.stage,
    });
  }
}
