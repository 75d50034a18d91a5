/**
 * One data-transfer connection after its handshake (Hadoop's DataXceiver): reads ops in a loop
 * and dispatches them. The first op must arrive within dfs.client.socket-timeout; after a read
 * whose client sent its read status the connection stays open for another op for
 * dfs.datanode.socket.reuse.keepalive; a write ends the connection, as DataXceiver.writeBlock
 * closes its reply stream, and so do BLOCK_CHECKSUM (DataXceiver.blockChecksum) and TRANSFER_BLOCK
 * (transfer-block.ts). An end of stream or a timeout between ops is a normal close. Ops other than
 * WRITE_BLOCK, READ_BLOCK, TRANSFER_BLOCK and BLOCK_CHECKSUM get ERROR_UNSUPPORTED. `checkAccess` is
 * DataXceiver.checkAccess: wait for the block pool's registration, then verify the block token
 * (when the NameNode enabled them) before anything else, answering ERROR_ACCESS_TOKEN (with this
 * DataNode's transfer address as firstBadLink for writes) and failing the op.
 */
import { InvalidTokenError } from '../../../lib/errors/index.ts';
import { getLogger } from '../../../lib/log/logger.ts';
import { publishAuthFailure } from '../../../security/sasl/events.ts';
import type { AccessMode, BlockStorageType } from '../../../security/token/block-token-identifier.ts';
import { EMPTY_TOKEN, type DatanodeInfo, type ExtendedBlock, type StorageType, type TokenProtoObject } from '../../protocol/hdfs-types.ts';
import type { OpName } from '../../protocol/datatransfer/constants.ts';
import { decodeOpBlockChecksum, decodeOpReadBlock, decodeOpTransferBlock, decodeOpWriteBlock, encodeBlockOpResponse, type BlockOpResponse } from '../../protocol/datatransfer/messages.ts';
import { encodeDelimited, tryReadOpRequest } from '../../protocol/datatransfer/op-frame.ts';
import type { BlockAccessVerifier } from '../block-access.ts';
import { blockName } from '../block-access.ts';
import type { DataNodeSettings } from '../datanode-settings.ts';
import type { FsDataset } from '../storage/fs-dataset.ts';
import type { Replica } from '../storage/replica.ts';
import { EndOfStream, FrameInput } from '../../protocol/datatransfer/frame-input.ts';
import type { FrameOutput } from '../../protocol/datatransfer/frame-output.ts';
import { blockChecksum } from './block-checksum.ts';
import type { MirrorConnector } from './mirror.ts';
import { readBlock } from './read-block.ts';
import { transferBlock } from './transfer-block.ts';
import { writeBlock } from './write-block.ts';

const log = getLogger('datanode.xceiver');

/** A block pool this DataNode serves, as the data port needs it. */
export interface BlockPoolService {
  /** `ip:xferPort` of this DataNode as its NameNode registered it (firstBadLink). */
  readonly xferAddr: string;
  /** A replica began to arrive (incremental report RECEIVING, sent with the next heartbeat). */
  notifyReceiving(replica: Replica): void;
  /**
   * A replica was finalized (incremental report RECEIVED, sent at once); resolves when the NameNode
   * has it, or after a bound (the block's last ack waits for this).
   */
  notifyReceived(replica: Replica): Promise<void>;
}

/** What the op handlers use of the DataNode. */
export interface XceiverServices {
  readonly settings: Pick<DataNodeSettings, 'socketTimeoutMs' | 'socketWriteTimeoutMs' | 'keepaliveMs' | 'xceiverStopTimeoutMs'>;
  readonly dataset: FsDataset;
  readonly access: BlockAccessVerifier;
  /** DataXceiver.checkAndWaitForBP: the registered block pool, waiting up to dfs.datanode.bp-ready.timeout. */
  blockPool(blockPoolId: string): Promise<BlockPoolService>;
  /** Connections to the next DataNode of a write pipeline. */
  readonly mirrors: MirrorConnector;
  /**
   * DataNode.transferReplicaForPipelineRecovery (TRANSFER_BLOCK): sends this DataNode's RBW or
   * finalized replica of `block` to `targets`; resolves once the target's close-ack said SUCCESS.
   */
  transferReplica(block: ExtendedBlock, targets: readonly DatanodeInfo[], storageTypes: readonly StorageType[], storageIds: readonly string[], clientName: string): Promise<void>;
}

export class Xceiver {
  readonly remoteAddress: string;
  readonly input: FrameInput;
  readonly output: FrameOutput;
  readonly services: XceiverServices;
  /** Set while an op runs, for the log line of a failure. */
  op: OpName | undefined;

  constructor(remoteAddress: string, input: FrameInput, output: FrameOutput, services: XceiverServices) {
    this.remoteAddress = remoteAddress;
    this.input = input;
    this.output = output;
    this.services = services;
  }

  get settings(): XceiverServices['settings'] {
    return this.services.settings;
  }

  /** Serves ops until the connection ends. */
  async run(): Promise<void> {
    const { socketTimeoutMs, keepaliveMs } = this.settings;
    for (let ops = 0; ; ops++) {
      let request;
      try {
        request = await this.input.next((q) => tryReadOpRequest(q), 'an op', ops === 0 ? socketTimeoutMs : keepaliveMs);
      } catch (e) {
        if (e instanceof EndOfStream || (e as { code?: string }).code === 'TIMEOUT') {
          log.debug({ remoteAddress: this.remoteAddress, ops }, 'data transfer connection closing');
          return;
        }
        throw e;
      }
      this.op = request.op;
      let again = false;
      switch (request.op) {
        case 'WRITE_BLOCK':
          await writeBlock(this, decodeOpWriteBlock(request.body));
          break;
        case 'READ_BLOCK':
          again = await readBlock(this, decodeOpReadBlock(request.body));
          break;
        case 'BLOCK_CHECKSUM':
          await blockChecksum(this, decodeOpBlockChecksum(request.body));
          break;
        case 'TRANSFER_BLOCK':
          await transferBlock(this, decodeOpTransferBlock(request.body));
          break;
        default:
          await this.reply({ status: 'ERROR_UNSUPPORTED', message: `${request.op} is not supported by the hsec DataNode (only WRITE_BLOCK, READ_BLOCK, TRANSFER_BLOCK and BLOCK_CHECKSUM)` });
      }
      this.op = undefined;
      if (!again || keepaliveMs <= 0) return;
    }
  }

  /** Sends a delimited BlockOpResponseProto. */
  async reply(response: BlockOpResponse): Promise<void> {
    await this.output.write(encodeDelimited(encodeBlockOpResponse(response)));
  }

  /**
   * DataXceiver.checkAccess. `reply`: answer the peer on refusal (a DataNode forwarding a
   * replication gets no answer). Returns the block pool for the op.
   */
  async checkAccess(
    op: OpName, block: ExtendedBlock, token: TokenProtoObject | undefined, mode: AccessMode, reply: boolean,
    storageTypes: readonly BlockStorageType[] = [], storageIds: readonly string[] = [],
  ): Promise<BlockPoolService> {
    const pool = await this.services.blockPool(block.poolId);
    if (!this.services.access.isEnabled(block.poolId)) return pool;
    try {
      this.services.access.checkAccess(token ?? EMPTY_TOKEN, undefined, block, mode, storageTypes, storageIds);
    } catch (e) {
      if (!(e instanceof InvalidTokenError)) throw e;
      log.warn({ op, remoteAddress: this.remoteAddress, block: blockName(block), message: e.message }, 'Block token verification failed');
      publishAuthFailure({ mechanism: 'block-token', side: 'server', user: typeof e.details['user'] === 'string' ? e.details['user'] : undefined, code: e.code, reason: e.code });
      if (reply) await this.reply({ status: 'ERROR_ACCESS_TOKEN', ...(mode === 'WRITE' ? { firstBadLink: pool.xferAddr } : {}), message: e.message }).catch(() => undefined);
      throw e;
    }
    return pool;
  }
}
