/**
 * Copying a finalized replica to other DataNodes when the NameNode asks (BlockCommand DNA_TRANSFER;
 * Hadoop 3.4.1 DataNode.transferBlocks / transferBlock and DataNode.DataTransfer):
 *
 *   1. transferBlock checks the replica (FsDatasetImpl.checkBlock(block, numBytes, FINALIZED)): a
 *      missing or unfinalized one is "Can't send invalid block <b>" (errorReport INVALID_BLOCK),
 *      one shorter than the NameNode's length is reported bad (reportBadBlocks); nothing is sent;
 *   2. DataTransfer, in the background, counted in the heartbeat's xmitsInProgress: a connection to
 *      the first target's data address with the data-transfer handshake as a client, as this
 *      DataNode (SaslDataTransferClient.socketSend: the encrypted handshake with a data encryption
 *      key from the current block key when dfs.encrypt.data.transfer is on, the SASL handshake with
 *      the block token below when dfs.data.transfer.protection is set: mirror.ts);
 *   3. WRITE_BLOCK with a WRITE block token this DataNode generates from the NameNode's exported
 *      keys for its own user and the targets' storage types and ids, client name "" (a DataNode
 *      sender), stage PIPELINE_SETUP_CREATE, this DataNode as source, the other targets
 *      downstream, the replica's checksum, caching strategy {dropBehind, readahead 4 MiB};
 *   4. the block and its stored checksums as packets from offset 0 (BlockSender.sendBlock), then
 *      the empty last packet; a DataNode sender waits for no ack: each target finalizes the copy
 *      and reports it RECEIVED to the NameNode, which ends the pending replication.
 */
import { HsecError, InvalidTokenError, UnreachableError } from '../../../lib/errors/index.ts';
import { getLogger } from '../../../lib/log/logger.ts';
import { HDFS_BLOCK_TOKEN_KIND, type AccessMode, type BlockStorageType } from '../../../security/token/block-token-identifier.ts';
import { decodeBlockOpResponse, encodeOpWriteBlock, type BlockConstructionStage } from '../../protocol/datatransfer/messages.ts';
import { tryReadDelimited } from '../../protocol/datatransfer/op-frame.ts';
import type { BlockCommand } from '../../protocol/datanode-protocol.ts';
import { EMPTY_TOKEN, type DatanodeInfo, type ExtendedBlock, type StorageType, type TokenProtoObject } from '../../protocol/hdfs-types.ts';
import { blockName, type BlockAccessVerifier } from '../block-access.ts';
import type { FsDataset } from '../storage/fs-dataset.ts';
import { ReplicaReader } from '../storage/replica-reader.ts';
import { bytesAcked, describeReplica, ReplicaError, type Replica } from '../storage/replica.ts';
import { sendBlockPackets } from './block-sender.ts';
import { xferAddr, type Mirror, type MirrorConnector } from './mirror.ts';

const log = getLogger('datanode.transfer');

/** dfs.datanode.readahead.bytes' default: DataTransfer's CachingStrategy(true, readaheadLength). */
const READAHEAD_BYTES = 4 * 1024 * 1024;

/** What a transfer reports to the NameNode of the block pool. */
export interface TransferReports {
  /** BPOfferService.trySendErrorReport(DatanodeProtocol.INVALID_BLOCK, msg) */
  invalidBlock(blockPoolId: string, msg: string): void;
  /** DataNode.reportBadBlock: this DataNode's replica of `block` is corrupt */
  badBlock(block: ExtendedBlock, msg: string): void;
}

export interface DataTransferOptions {
  readonly dataset: FsDataset;
  readonly access: BlockAccessVerifier;
  readonly mirrors: MirrorConnector;
  readonly reports: TransferReports;
  /** UGI.getCurrentUser().getShortUserName(): the user of the tokens this DataNode generates */
  readonly userName: string;
  /** dfs.client.socket-timeout (ms): DataTransfer's read timeout is this per target */
  readonly socketTimeoutMs: number;
  /** This DataNode as its block pool registered it (the op's source), or undefined before registration. */
  readonly self: (blockPoolId: string) => DatanodeInfo | undefined;
}

/** DataNode.transferBlocks and its DataTransfer threads. */
export class BlockTransfers {
  readonly #o: DataTransferOptions;
  readonly #running = new Set<Promise<void>>();
  readonly #mirrors = new Set<Mirror>();
  #xmits = 0;
  #stopped = false;

  constructor(options: DataTransferOptions) {
    this.#o = options;
  }

  /** DataNode.xmitsInProgress: transfers under way (the heartbeat's xmitsInProgress). */
  get xmitsInProgress(): number {
    return this.#xmits;
  }

  /** DataNode.transferBlocks: each block of a DNA_TRANSFER to its targets; a failure of one does not stop the others. */
  transferBlocks(blockPoolId: string, cmd: BlockCommand): void {
    (cmd.blocks ?? []).forEach((b, i) => {
      const block: ExtendedBlock = { poolId: blockPoolId, blockId: b.blockId, generationStamp: b.genStamp, numBytes: b.numBytes };
      try {
        this.transferBlock(block, cmd.targets?.[i]?.datanodes ?? [], cmd.targetStorageTypes?.[i]?.storageTypes ?? [], cmd.targetStorageUuids?.[i]?.storageUuids ?? []);
      } catch (e) {
        log.warn({ block: blockName(block), err: e }, `Failed to transfer block ${blockName(block)}`);
      }
    });
  }

  /** DataNode.transferBlock: the replica checks, then a DataTransfer in the background. */
  transferBlock(block: ExtendedBlock, targets: readonly DatanodeInfo[], storageTypes: readonly StorageType[], storageIds: readonly string[]): void {
    const name = blockName(block);
    const numBytes = block.numBytes ?? 0;
    const replica = this.#o.dataset.getReplica(block.poolId, block.blockId);
    if (!replica || replica.state !== 'FINALIZED' || replica.genStamp !== block.generationStamp) {
      const msg = `Can't send invalid block ${name}`;
      log.info({ block: name, state: replica?.state }, msg);
      this.#o.reports.invalidBlock(block.poolId, msg);
      return;
    }
    if (replica.numBytes < numBytes) {
      this.#o.reports.badBlock(block, `Can't replicate block ${name} because on-disk length ${replica.numBytes} is shorter than NameNode recorded length ${numBytes}`);
      return;
    }
    if (targets.length === 0 || this.#stopped) return;
    const self = this.#o.self(block.poolId);
    log.info({ block: name, targets: targets.map(xferAddr) }, `${self ? xferAddr(self) : block.poolId} Starting thread to transfer ${name} to ${targets.map(xferAddr).join(' ')}`);
    const run = this.#dataTransfer(block, replica, [...targets], [...storageTypes], [...storageIds], self).finally(() => this.#running.delete(run));
    this.#running.add(run);
  }

  /**
   * DataNode.transferReplicaForPipelineRecovery (the TRANSFER_BLOCK op of a client adding a
   * DataNode to its pipeline): the stored replica, of the block's stamp or a newer one, is sent
   * under its own stamp as TRANSFER_RBW (an RBW replica, up to its acknowledged bytes) or
   * TRANSFER_FINALIZED, and the call waits for the DataTransfer. As in Hadoop, a refusal of the
   * replica throws; a transfer that fails on the way is logged and not thrown (DataTransfer.run).
   */
  async transferReplicaForPipelineRecovery(b: ExtendedBlock, targets: readonly DatanodeInfo[], storageTypes: readonly StorageType[], storageIds: readonly string[], clientName: string): Promise<void> {
    const replica = this.#o.dataset.getReplica(b.poolId, b.blockId);
    if (!replica) throw new ReplicaError('REPLICA_NOT_FOUND', `${blockName(b)} not found in datanode.`, { blockId: b.blockId });
    if (replica.genStamp < b.generationStamp) {
      throw new ReplicaError('REPLICA_GENERATION_STAMP', `${replica.genStamp} = storedGS < b.getGenerationStamp(), b=${blockName(b)}`, { blockId: b.blockId, genStamp: replica.genStamp });
    }
    const stored: ExtendedBlock = { ...b, generationStamp: replica.genStamp };
    let stage: 'TRANSFER_RBW' | 'TRANSFER_FINALIZED';
    if (replica.state === 'RBW') stage = 'TRANSFER_RBW';
    else if (replica.state === 'FINALIZED') stage = 'TRANSFER_FINALIZED';
    else throw new ReplicaError('REPLICA_NOT_FOUND', `${blockName(stored)} is neither a RBW nor a Finalized, r=${describeReplica(replica, this.#o.dataset.dataDir)}`, { blockId: b.blockId, state: replica.state });
    // DataNode.getReplicaVisibleLength: the acknowledged bytes of an RBW replica
    const block: ExtendedBlock = { ...stored, numBytes: stage === 'TRANSFER_RBW' ? bytesAcked(replica) : replica.numBytes };
    if (targets.length === 0 || this.#stopped) return;
    const self = this.#o.self(block.poolId);
    const run = this.#dataTransfer(block, replica, [...targets], [...storageTypes], [...storageIds], self, { stage, clientName });
    this.#running.add(run);
    try {
      await run;
    } finally {
      this.#running.delete(run);
    }
  }

  /** A stopping DataNode: the copies under way are cut off (their targets drop the partial replicas). */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const m of this.#mirrors) m.close();
    await Promise.allSettled([...this.#running]);
  }

  /**
   * DataNode.DataTransfer.run: a replication (`stage` PIPELINE_SETUP_CREATE, client name "") or a
   * transfer for a client's pipeline recovery (TRANSFER_RBW / TRANSFER_FINALIZED with its client
   * name: the target answers with a close-ack, DNTransferAckProto, once it has the replica).
   */
  async #dataTransfer(
    block: ExtendedBlock, replica: Replica, targets: DatanodeInfo[], storageTypes: StorageType[], storageIds: string[], self: DatanodeInfo | undefined,
    how: { stage: BlockConstructionStage; clientName: string } = { stage: 'PIPELINE_SETUP_CREATE', clientName: '' },
  ): Promise<void> {
    const name = blockName(block);
    const numBytes = block.numBytes ?? 0;
    const isClient = how.clientName.length > 0;
    this.#xmits++;
    let mirror: Mirror | undefined;
    let sent = false;
    let reader: ReplicaReader | undefined;
    try {
      const token = this.#blockToken(block, ['WRITE'], storageTypes, storageIds);
      mirror = await this.#o.mirrors.connect(targets[0]!, block.poolId, token, targets.length);
      this.#mirrors.add(mirror);
      if (this.#stopped) throw new HsecError('UNREACHABLE', 'the DataNode is stopping');
      reader = await ReplicaReader.open(replica);
      await mirror.output.write(encodeOpWriteBlock({
        header: { baseHeader: { block, token }, clientName: how.clientName },
        targets: targets.slice(1),
        ...(self ? { source: self } : {}),
        stage: how.stage,
        pipelineSize: 0, minBytesRcvd: 0, maxBytesRcvd: 0, latestGenerationStamp: 0,
        requestedChecksum: replica.checksum,
        cachingStrategy: { dropBehind: true, readahead: READAHEAD_BYTES },
        storageType: storageTypes[0] ?? 'DISK',
        targetStorageTypes: storageTypes.slice(1),
        allowLazyPersist: false,
        pinning: false,
        targetPinnings: [],
        ...(storageIds.length > 0 ? { storageId: storageIds[0] } : {}),
        targetStorageIds: storageIds.slice(1),
      }));
      // BlockSender(b, 0, b.getNumBytes(), ...): the whole block, to the NameNode's length (an RBW
      // replica's acknowledged bytes: a last partial chunk's checksum is computed for them)
      await sendBlockPackets(mirror.output, reader, replica.checksum, 0, numBytes, true, numBytes < replica.numBytes);
      sent = true;
      log.info({ block: name, numBytes, target: mirror.addr, stage: how.stage }, `DataTransfer, at ${self ? xferAddr(self) : 'this DataNode'}: Transmitted ${name} (numBytes=${numBytes}) to ${mirror.addr}`);
      if (isClient) await readCloseAck(mirror, targets, this.#o.socketTimeoutMs * targets.length);
    } catch (e) {
      log.warn({ block: name, target: xferAddr(targets[0]!), err: e }, `${self ? xferAddr(self) : block.poolId}:Failed to transfer ${name} to ${xferAddr(targets[0]!)} got ${(e as Error).message}`);
    } finally {
      this.#xmits--;
      await reader?.close().catch(() => undefined);
      // IOUtils.closeStream(out): the queued packets go out before the end of stream; the receiver
      // closes the connection once it has the last one (a DataNode sender waits for no ack)
      if (mirror && sent && !isClient) await endGracefully(mirror, this.#o.socketTimeoutMs * targets.length);
      else mirror?.close();
      if (mirror) this.#mirrors.delete(mirror);
    }
  }

  /** DataNode.getBlockAccessToken: a token of this DataNode's own when the NameNode enabled them, else the empty one. */
  #blockToken(block: ExtendedBlock, modes: AccessMode[], storageTypes: StorageType[], storageIds: string[]): TokenProtoObject {
    if (!this.#o.access.isEnabled(block.poolId)) return EMPTY_TOKEN;
    const t = this.#o.access.generateToken(this.#o.userName, { poolId: block.poolId, blockId: block.blockId, generationStamp: block.generationStamp }, modes, storageTypes as BlockStorageType[], storageIds);
    return { identifier: t.identifier, password: t.password, kind: HDFS_BLOCK_TOKEN_KIND, service: '' };
  }
}

/** DataTransfer.run's "read ack" of a transfer: the target's DNTransferAckProto. */
async function readCloseAck(mirror: Mirror, targets: readonly DatanodeInfo[], timeoutMs: number): Promise<void> {
  const ack = decodeBlockOpResponse(await mirror.input.next((q) => tryReadDelimited(q, 1024 * 1024, 'close ack'), `the close-ack of ${mirror.addr}`, timeoutMs));
  const list = `[${targets.map(xferAddr).join(', ')}]`;
  if (ack.status === 'ERROR_ACCESS_TOKEN') throw new InvalidTokenError('TOKEN_INVALID', `Got access token error for connect ack, targets=${list}`, {});
  if (ack.status !== 'SUCCESS') throw new UnreachableError('UNREACHABLE', `Bad connect ack, targets=${list} status=${ack.status}`, { status: ack.status });
}

/** Half-closes the connection, waits for the receiver to close its end (at most `timeoutMs`), then closes it. */
async function endGracefully(mirror: Mirror, timeoutMs: number): Promise<void> {
  mirror.output.end();
  await mirror.input.next(() => undefined, 'the end of the copy', timeoutMs).catch(() => undefined);
  mirror.close();
}
