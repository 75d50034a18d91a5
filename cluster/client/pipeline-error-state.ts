/**
 * What a writing client knows about its failed pipeline (Hadoop 3.4.1 DataStreamer.ErrorState): an
 * internal error, the index of the DataNode to drop (badNodeIndex), and a DataNode that announced a
 * restart (OOB_RESTART) with the deadline to wait for it (dfs.client.datanode-restart.timeout) when
 * waiting is worth it (the only node of the pipeline, or a local one: shouldWaitForRestart).
 */
import { networkInterfaces } from 'node:os';
import { getLogger } from '../../lib/log/logger.ts';
import type { Clock } from '../../lib/time/clock.ts';
import type { DatanodeInfo } from '../protocol/hdfs-types.ts';
import type { PipelineFault } from './block-writer.ts';

const log = getLogger('hdfs.write');

export class PipelineErrorState {
  #internal = false;
  badNodeIndex = -1;
  restartingNodeIndex = -1;
  #waitForRestart = true;
  #restartingNodeDeadline = 0;
  readonly datanodeRestartTimeoutMs: number;
  readonly #clock: Clock;

  constructor(datanodeRestartTimeoutMs: number, clock: Clock) {
    this.datanodeRestartTimeoutMs = datanodeRestartTimeoutMs;
    this.#clock = clock;
  }

  get hasInternalError(): boolean {
    return this.#internal;
  }

  get isRestartingNode(): boolean {
    return this.restartingNodeIndex >= 0;
  }

  get waitForRestart(): boolean {
    return this.#waitForRestart;
  }

  /** resetInternalError: after a pipeline was set up. */
  reset(): void {
    this.#internal = false;
    this.badNodeIndex = -1;
    this.restartingNodeIndex = -1;
    this.#restartingNodeDeadline = 0;
    this.#waitForRestart = true;
  }

  /**
   * The writer's fault recorded as DataStreamer records it: a restart announced (initRestartingNode;
   * at set-up only when no node is restarting already, else it is a plain error of that node), the
   * node named bad, the internal error, and the first node suspected when none is marked.
   */
  record(fault: PipelineFault, nodes: readonly DatanodeInfo[], atSetup: boolean): void {
    const restarting = fault.restartingNodeIndex >= 0 && !(atSetup && this.isRestartingNode);
    if (fault.badNodeIndex >= 0) this.badNodeIndex = fault.badNodeIndex;
    else if (atSetup && !restarting) this.badNodeIndex = 0;
    if (restarting) this.#initRestartingNode(fault.restartingNodeIndex, nodes);
    this.#internal = true;
    // markFirstNodeIfNotMarked
    if (!(this.badNodeIndex >= 0 || (this.isRestartingNode && this.#waitForRestart))) this.badNodeIndex = 0;
  }

  #initRestartingNode(i: number, nodes: readonly DatanodeInfo[]): void {
    this.restartingNodeIndex = i;
    if (shouldWaitForRestart(nodes, i)) {
      this.#restartingNodeDeadline = this.#clock.now() + this.datanodeRestartTimeoutMs;
      // the write likely failed because the node shut down; pipeline recovery takes care of it
      this.badNodeIndex = -1;
    } else {
      this.#waitForRestart = false;
    }
    log.info({ datanode: nodes[i] ? `${nodes[i]!.id.ipAddr}:${nodes[i]!.id.xferPort}` : i }, `Datanode ${i} is restarting`);
  }

  /** adjustState4RestartingNode: after the bad node left the pipeline. */
  adjustAfterBadNodeRemoved(): void {
    if (this.restartingNodeIndex >= 0) {
      if (this.badNodeIndex > this.restartingNodeIndex) this.restartingNodeIndex = -1;
      else if (this.badNodeIndex < this.restartingNodeIndex) this.restartingNodeIndex--;
    }
    if (!this.isRestartingNode) this.#internal = false;
    this.badNodeIndex = -1;
  }

  /** checkRestartingNodeDeadline: a node that did not come back in time is bad after all. */
  checkRestartingNodeDeadline(nodes: readonly DatanodeInfo[]): void {
    if (this.restartingNodeIndex < 0) return;
    if (this.badNodeIndex === this.restartingNodeIndex) this.badNodeIndex = -1;
    if (this.#clock.now() >= this.#restartingNodeDeadline) {
      this.#restartingNodeDeadline = 0;
      const i = this.restartingNodeIndex;
      this.restartingNodeIndex = -1;
      log.warn({ datanode: nodes[i] ? `${nodes[i]!.id.ipAddr}:${nodes[i]!.id.xferPort}` : i }, `Datanode ${i} did not restart within ${this.datanodeRestartTimeoutMs}ms`);
      if (this.badNodeIndex === -1) this.badNodeIndex = i;
    }
  }
}

/**
 * DataStreamer.shouldWaitForRestart: worth waiting for a restarting DataNode when it is the only
 * one of the pipeline or runs on this host (its address is one of this machine's).
 */
export function shouldWaitForRestart(nodes: readonly DatanodeInfo[], index: number): boolean {
  if (nodes.length === 1) return true;
  const ip = nodes[index]?.id.ipAddr;
  if (!ip) return false;
  if (ip.startsWith('127.') || ip === '::1' || ip === '0.0.0.0') return true;
  return Object.values(networkInterfaces()).some((list) => (list ?? []).some((a) => a.address === ip));
}
