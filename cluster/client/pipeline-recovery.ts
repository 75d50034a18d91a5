/**
 * Pipeline recovery of a writing client, as Hadoop 3.4.1's DataStreamer does it
 * (setupPipelineForAppendOrRecovery / setupPipelineInternal): when a DataNode of the pipeline dies
 * or reports an error, the bad node leaves the pipeline (handleBadDatanode; "All datanodes [...]
 * are bad. Aborting..." when it was the last), a node that announced a restart is waited for
 * (handleRestartingDatanode), a replacement is asked of the NameNode when ReplaceDatanodeOnFailure
 * says so (getAdditionalDatanode) and given the replica by a survivor (TRANSFER_BLOCK), the block
 * gets a new generation stamp and token (updateBlockForPipeline), the remaining nodes are asked to
 * go on with it (WRITE_BLOCK in the recovery stage: PIPELINE_SETUP_STREAMING_RECOVERY,
 * PIPELINE_CLOSE_RECOVERY once the last packet was sent, PIPELINE_SETUP_APPEND_RECOVERY), and the
 * NameNode learns the new stamp and nodes (updatePipeline). The output stream then sends the
 * unacknowledged packets again. The same code sets up an append's pipeline (stage
 * PIPELINE_SETUP_APPEND, no error yet).
 */
import { WritePipelineError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClientProtocolClient } from '../protocol/client-protocol-client.ts';
import { decodeBlockOpResponse, encodeOpTransferBlock, type BlockConstructionStage } from '../protocol/datatransfer/messages.ts';
import { tryReadDelimited } from '../protocol/datatransfer/op-frame.ts';
import type { DatanodeInfo, ExtendedBlock, LocatedBlock, StorageType, TokenProtoObject } from '../protocol/hdfs-types.ts';
import { InvalidEncryptionKeyError } from '../../security/datatransfer/errors.ts';
import { READ_TIMEOUT_EXTENSION_MS, xferAddr, type BlockWriter, type ConnectResult, type StageSetup } from './block-writer.ts';
import type { DataNodeChannels } from './datanode-channel.ts';
import type { PipelineErrorState } from './pipeline-error-state.ts';
import { REPLACE_DATANODE_KEYS, type ReplaceDatanodeOnFailure } from './replace-datanode-on-failure.ts';

const log = getLogger('hdfs.write');

/** DataStreamer's stage for the current block (BlockConstructionStage, as the streamer uses it). */
export type StreamerStage = 'PIPELINE_SETUP_CREATE' | 'PIPELINE_SETUP_APPEND' | 'DATA_STREAMING' | 'PIPELINE_CLOSE';

/** The current block and its pipeline (DataStreamer's block, accessToken, nodes, storageTypes, storageIDs, stage, bytesSent). */
export interface BlockPipeline {
  /** numBytes: the bytes acknowledged (BlockToWrite) */
  block: ExtendedBlock;
  token: TokenProtoObject;
  nodes: DatanodeInfo[];
  storageTypes: StorageType[];
  storageIDs: string[];
  stage: StreamerStage;
  bytesSent: number;
}

export interface PipelineRecoveryContext {
  readonly nn: ClientProtocolClient;
  readonly channels: DataNodeChannels;
  readonly clientName: string;
  readonly path: string;
  readonly fileId: number;
  /** the file's replication (HdfsFileStatus.getReplication) */
  readonly replication: number;
  /** the stream continues a partial last block (DataStreamer.isAppend) */
  readonly isAppend: boolean;
  readonly policy: ReplaceDatanodeOnFailure;
  /** dfs.client-write-packet-size: sizes the TRANSFER_BLOCK's read timeout */
  readonly writePacketSize: number;
  /** createBlockOutputStream with the data encryption key refetched once */
  connect(located: LocatedBlock, setup: StageSetup): Promise<ConnectResult>;
  /** the stream's lastAckedSeqno (-1 before any ack) and hflush flag */
  readonly lastAckedSeqno: () => number;
  readonly isHflushed: () => boolean;
}

/** BlockConstructionStage.getRecoveryStage. */
export function recoveryStage(stage: StreamerStage): BlockConstructionStage {
  switch (stage) {
    case 'PIPELINE_SETUP_APPEND':
      return 'PIPELINE_SETUP_APPEND_RECOVERY';
    case 'DATA_STREAMING':
      return 'PIPELINE_SETUP_STREAMING_RECOVERY';
    case 'PIPELINE_CLOSE':
      return 'PIPELINE_CLOSE_RECOVERY';
    default:
      throw new WritePipelineError('PIPELINE_DATANODE_ERROR', `Unexpected blockStage ${stage}`, { stage });
  }
}

const nodeList = (nodes: readonly DatanodeInfo[]) => `[${nodes.map(xferAddr).join(', ')}]`;
const blockName = (b: ExtendedBlock) => `${b.poolId}:blk_${b.blockId}_${b.generationStamp}`;
/** DatanodeID.equals: the same transfer address and DataNode UUID. */
const sameNode = (a: DatanodeInfo, b: DatanodeInfo) => xferAddr(a) === xferAddr(b) && a.id.datanodeUuid === b.id.datanodeUuid;

/** DataStreamer's recovery state that outlives one pipeline: the failed and restarting nodes. */
export class PipelineRecovery {
  readonly #ctx: PipelineRecoveryContext;
  readonly #errors: PipelineErrorState;
  /** Nodes that were in a pipeline of this stream and failed (DataStreamer.failed). */
  readonly failed: DatanodeInfo[] = [];
  readonly #restartingNodes: DatanodeInfo[] = [];

  constructor(ctx: PipelineRecoveryContext, errors: PipelineErrorState) {
    this.#ctx = ctx;
    this.#errors = errors;
  }

  get errors(): PipelineErrorState {
    return this.#errors;
  }

  /**
   * setupPipelineInternal: until a pipeline is up, drop the bad node, maybe add one, get a new
   * stamp and set the pipeline up with the rest; then updatePipeline. Returns undefined in the
   * create stage when the pipeline is below dfs.client.block.write.replace-datanode-on-failure.min-replication
   * (the caller abandons the block); throws when no pipeline can be had. `why`: the failure that
   * started the recovery, for its log line.
   */
  async setup(p: BlockPipeline, why?: Error): Promise<BlockWriter | undefined> {
    if (p.nodes.length === 0) {
      throw new WritePipelineError('PIPELINE_ALL_BAD', `Could not get block locations. Source file "${this.#ctx.path}" - Aborting...`, { path: this.#ctx.path, blockId: p.block.blockId });
    }
    const err = this.#errors;
    const isCreateStage = p.stage === 'PIPELINE_SETUP_CREATE';
    const original = { nodes: p.nodes, block: p.block };
    let lost: { node: string; reason: string } | undefined;
    for (;;) {
      await this.#handleRestartingDatanode(p);
      const isRecovery = err.hasInternalError && !isCreateStage;
      lost = this.#handleBadDatanode(p) ?? lost;
      await this.#handleDatanodeReplacement(p);
      // during the create stage the minimal replication must still be met
      const min = this.#ctx.policy.minReplication;
      if (isCreateStage && !(min > 0 && p.nodes.length >= min)) return undefined;

      const fresh = await this.#ctx.nn.updateBlockForPipeline(p.block, this.#ctx.clientName);
      const newGS = fresh.b.generationStamp;
      p.token = fresh.blockToken;
      if (isCreateStage) p.block = { ...fresh.b };
      const stage = isRecovery ? recoveryStage(p.stage) : (p.stage as BlockConstructionStage);
      const located: LocatedBlock = { b: p.block, offset: 0, locs: p.nodes, corrupt: false, blockToken: p.token, storageTypes: p.storageTypes, storageIDs: p.storageIDs };
      const r = await this.#ctx.connect(located, { stage, minBytesRcvd: p.block.numBytes ?? 0, maxBytesRcvd: p.bytesSent, latestGenerationStamp: newGS });
      if (r.writer) {
        err.reset();
        // restarting nodes that are back are no longer failed
        for (const n of this.#restartingNodes.splice(0)) {
          const i = this.failed.findIndex((f) => sameNode(f, n));
          if (i >= 0) this.failed.splice(i, 1);
        }
        const oldBlock = p.block;
        p.block = { ...p.block, generationStamp: newGS };
        try {
          await this.#ctx.nn.updatePipeline({ clientName: this.#ctx.clientName, oldBlock, newBlock: p.block, newNodes: p.nodes.map((n) => n.id), storageIDs: p.storageIDs });
        } catch (e) {
          r.writer.abort();
          throw e;
        }
        if (isRecovery || lost) {
          log.warn({
            path: this.#ctx.path, block: blockName(oldBlock), datanode: lost?.node, reason: lost?.reason, cause: why?.message, stage,
            oldPipeline: nodeList(original.nodes), newPipeline: nodeList(p.nodes), newGenerationStamp: newGS, bytesAcked: p.block.numBytes ?? 0,
          }, `Recovered the pipeline of ${blockName(original.block)}: ${lost ? `datanode ${lost.node} is ${lost.reason}${why ? ` (${why.message})` : ''}; ` : ''}new pipeline ${nodeList(p.nodes)} with generation stamp ${newGS} (${stage})`);
        }
        return r.writer;
      }
      log.warn({ path: this.#ctx.path, block: blockName(p.block), pipeline: nodeList(p.nodes), err: r.fault.error }, `Exception in createBlockOutputStream for ${blockName(p.block)}`);
      err.record(r.fault, p.nodes, true);
      err.checkRestartingNodeDeadline(p.nodes);
    }
  }

  /** handleRestartingDatanode: wait (4 s or the restart timeout, whichever is shorter) for a restarting node worth waiting for. */
  async #handleRestartingDatanode(p: BlockPipeline): Promise<void> {
    const err = this.#errors;
    if (!err.isRestartingNode) return;
    if (!err.waitForRestart) {
      err.badNodeIndex = err.restartingNodeIndex;
      return;
    }
    log.info({ path: this.#ctx.path, datanode: p.nodes[err.restartingNodeIndex] ? xferAddr(p.nodes[err.restartingNodeIndex]!) : undefined }, 'waiting for a restarting DataNode');
    await sleep(Math.min(err.datanodeRestartTimeoutMs, 4000));
  }

  /** handleBadDatanode: the node at badNodeIndex leaves the pipeline; the last one cannot. */
  #handleBadDatanode(p: BlockPipeline): { node: string; reason: string } | undefined {
    const err = this.#errors;
    const bad = err.badNodeIndex;
    if (bad < 0) return undefined;
    if (p.nodes.length <= 1) {
      throw new WritePipelineError('PIPELINE_ALL_BAD', `All datanodes ${nodeList(p.nodes)} are bad. Aborting...`, { path: this.#ctx.path, blockId: p.block.blockId, pipeline: p.nodes.map(xferAddr) });
    }
    const node = p.nodes[bad]!;
    let reason = 'bad';
    if (err.restartingNodeIndex === bad) {
      reason = 'restarting';
      this.#restartingNodes.push(node);
    }
    log.warn({ path: this.#ctx.path, block: blockName(p.block), pipeline: nodeList(p.nodes), datanode: xferAddr(node) }, `Error Recovery for ${blockName(p.block)} in pipeline ${nodeList(p.nodes)}: datanode ${bad}(${xferAddr(node)}) is ${reason}.`);
    this.failed.push(node);
    const without = <T>(a: readonly T[]) => a.filter((_, i) => i !== bad);
    p.nodes = without(p.nodes);
    p.storageTypes = without(p.storageTypes);
    p.storageIDs = without(p.storageIDs);
    err.adjustAfterBadNodeRemoved();
    return { node: xferAddr(node), reason };
  }

  /** handleDatanodeReplacement: add a node when the policy says so; best-effort goes on without one. */
  async #handleDatanodeReplacement(p: BlockPipeline): Promise<void> {
    const c = this.#ctx;
    if (!c.policy.satisfy(c.replication, p.nodes.length, c.isAppend, c.isHflushed())) return;
    try {
      await this.#addDatanode2ExistingPipeline(p);
    } catch (e) {
      if (!c.policy.bestEffort) throw e;
      log.warn({ path: c.path, err: e }, `Failed to replace datanode. Continue with the remaining datanodes since ${REPLACE_DATANODE_KEYS.bestEffort} is set to true.`);
    }
  }

  /**
   * addDatanode2ExistingPipeline: up to 3 tries, each a new node from getAdditionalDatanode (the
   * failed ones and earlier tries excluded) that a survivor copies the replica to. No copy is needed
   * when nothing was written yet (create stage, no packet acknowledged, not an append).
   */
  async #addDatanode2ExistingPipeline(p: BlockPipeline): Promise<void> {
    const c = this.#ctx;
    if (!c.isAppend && c.lastAckedSeqno() < 0 && p.stage === 'PIPELINE_SETUP_CREATE') return;
    const original = { nodes: p.nodes, storageTypes: p.storageTypes, storageIDs: p.storageIDs };
    const exclude = [...this.failed];
    let caught: Error | undefined;
    for (let tried = 0; tried < 3; ) {
      const lb = await c.nn.getAdditionalDatanode({
        src: c.path, fileId: c.fileId, blk: p.block, existings: p.nodes, existingStorageUuids: p.storageIDs, excludes: exclude, numAdditionalNodes: 1, clientName: c.clientName,
      });
      p.nodes = lb.locs ?? [];
      p.storageTypes = lb.storageTypes ?? p.nodes.map(() => 'DISK' as const);
      p.storageIDs = lb.storageIDs ?? [];
      let d: number;
      try {
        d = findNewDatanode(p.nodes, original.nodes, c.policy.toString());
      } catch (e) {
        const min = c.policy.minReplication;
        if (min > 0 && p.nodes.length >= min) {
          log.warn({ path: c.path, err: e }, `Failed to find a new datanode to add to the write pipeline, continue to write to the pipeline with ${p.nodes.length} nodes since it's no less than minimum replication: ${min} configured by ${REPLACE_DATANODE_KEYS.minReplication}.`);
          return;
        }
        throw e;
      }
      const src = original.nodes[tried % original.nodes.length]!;
      const target = p.nodes[d]!;
      try {
        await this.#transfer(p, src, target, p.storageTypes[d] ?? 'DISK', p.storageIDs[d] ?? '', lb.blockToken);
        log.info({ path: c.path, block: blockName(p.block), source: xferAddr(src), datanode: xferAddr(target) }, `Added datanode ${xferAddr(target)} to the pipeline of ${blockName(p.block)}: replica copied from ${xferAddr(src)}`);
        return;
      } catch (e) {
        log.warn({ path: c.path, err: e }, `Error transferring data from ${xferAddr(src)} to ${xferAddr(target)}: ${(e as Error).message}`);
        caught = e as Error;
        exclude.push(target);
        Object.assign(p, original);
        tried++;
      }
    }
    throw caught ?? new WritePipelineError('PIPELINE_REPLACE_FAILED', 'Failed to add a node', { path: c.path });
  }

  /**
   * DataStreamer.transfer (StreamerStreams.sendTransferBlock): TRANSFER_BLOCK to `src` for the block
   * as acknowledged so far, with the new node as target and the token getAdditionalDatanode gave;
   * the answer must be SUCCESS. A refused data encryption key is fetched again once.
   */
  async #transfer(p: BlockPipeline, src: DatanodeInfo, target: DatanodeInfo, storageType: StorageType, storageId: string, token: TokenProtoObject): Promise<void> {
    const c = this.#ctx;
    // computeTransferReadTimeout: 2 + 1 per 200 packets sent
    const multi = 2 + Math.floor(Math.floor(p.bytesSent / c.writePacketSize) / 200);
    const readTimeoutMs = c.channels.timeoutMs + READ_TIMEOUT_EXTENSION_MS * multi;
    for (let refetch = 1; ; refetch--) {
      let conn;
      try {
        conn = await c.channels.open(src, token, 2);
        await conn.output.write(encodeOpTransferBlock({
          header: { baseHeader: { block: p.block, token }, clientName: c.clientName },
          targets: [target], targetStorageTypes: [storageType], targetStorageIds: [storageId],
        }));
        const response = decodeBlockOpResponse(await conn.input.next((q) => tryReadDelimited(q, 1 << 20, 'BlockOpResponse'), 'the TRANSFER_BLOCK response', readTimeoutMs));
        if (response.status !== 'SUCCESS') {
          throw new WritePipelineError('PIPELINE_REPLACE_FAILED', `Failed to add a datanode. Response status: ${response.status}${response.message ? ` (${response.message})` : ''}`, {
            path: c.path, blockId: p.block.blockId, remoteAddress: xferAddr(src), datanode: xferAddr(target), status: response.status,
          });
        }
        return;
      } catch (e) {
        if (!(e instanceof InvalidEncryptionKeyError) || refetch <= 0) throw e;
        log.info({ datanode: xferAddr(src) }, `Will fetch a new encryption key and retry, encryption key was invalid when connecting to ${xferAddr(src)}`);
        c.channels.forgetEncryptionKey();
      } finally {
        conn?.close();
      }
    }
  }
}

/** DataStreamer.findNewDatanode: the index of the one node of `nodes` not in `original`. */
export function findNewDatanode(nodes: readonly DatanodeInfo[], original: readonly DatanodeInfo[], policy: string): number {
  if (nodes.length !== original.length + 1) {
    throw new WritePipelineError('PIPELINE_REPLACE_FAILED',
      'Failed to replace a bad datanode on the existing pipeline due to no more good datanodes being available to try. '
      + `(Nodes: current=${nodeList(nodes)}, original=${nodeList(original)}). The current failed datanode replacement policy is ${policy}, `
      + `and a client may configure this via '${REPLACE_DATANODE_KEYS.policy}' in its configuration.`,
      { pipeline: nodes.map(xferAddr), configKey: REPLACE_DATANODE_KEYS.policy });
  }
  const i = nodes.findIndex((n) => !original.some((o) => sameNode(n, o)));
  if (i < 0) throw new WritePipelineError('PIPELINE_REPLACE_FAILED', `Failed: new datanode not found: nodes=${nodeList(nodes)}, original=${nodeList(original)}`, { pipeline: nodes.map(xferAddr) });
  return i;
}
