/**
 * Replications asked of DataNodes and not yet reported done (Hadoop 3.4.1
 * PendingReconstructionBlocks): per block, the DataNodes chosen as targets and when the last
 * request was made. A target's incremental report of the block RECEIVED takes it off
 * (`decrement`); a block whose request is older than dfs.namenode.reconstruction.pending.timeout-sec
 * (300 s) leaves the list as timed out, and the redundancy monitor queues it again if it still
 * needs replicas (BlockManager.processPendingReconstructions).
 */
import type { BlockInfo } from '../namespace/inode.ts';

interface PendingBlockInfo {
  /** ms (the NameNode clock) of the last request */
  timeStamp: number;
  /** DataNode uuids the block is being copied to */
  targets: string[];
}

export class PendingReconstructionBlocks {
  readonly #timeoutMs: number;
  readonly #pending = new Map<BlockInfo, PendingBlockInfo>();

  /** `timeoutMs`: dfs.namenode.reconstruction.pending.timeout-sec in ms. */
  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /** PendingReconstructionBlocks.increment: more targets for the block, the clock restarted. */
  increment(block: BlockInfo, targets: readonly string[], now: number): void {
    const found = this.#pending.get(block);
    if (!found) {
      this.#pending.set(block, { timeStamp: now, targets: [...targets] });
      return;
    }
    for (const t of targets) if (!found.targets.includes(t)) found.targets.push(t);
    found.timeStamp = now;
  }

  /** PendingReconstructionBlocks.decrement: `datanodeUuid` has the block; true when nothing is pending any more. */
  decrement(block: BlockInfo, datanodeUuid: string): boolean {
    const found = this.#pending.get(block);
    if (!found) return false;
    found.targets = found.targets.filter((t) => t !== datanodeUuid);
    if (found.targets.length > 0) return false;
    this.#pending.delete(block);
    return true;
  }

  remove(block: BlockInfo): void {
    this.#pending.delete(block);
  }

  /** getNumReplicas: targets still expected to report the block. */
  numReplicas(block: BlockInfo): number {
    return this.#pending.get(block)?.targets.length ?? 0;
  }

  /** getTargets: the DataNode uuids the block is being copied to. */
  targets(block: BlockInfo): readonly string[] {
    return this.#pending.get(block)?.targets ?? [];
  }

  /** The pending blocks with when they were last asked for and how many copies are awaited (metaSave). */
  *entries(): Generator<{ block: BlockInfo; timeStamp: number; numReplicas: number }> {
    for (const [block, info] of this.#pending) yield { block, timeStamp: info.timeStamp, numReplicas: info.targets.length };
  }

  get size(): number {
    return this.#pending.size;
  }

  /** PendingReconstructionMonitor.pendingReconstructionCheck + getTimedOutBlocks: the timed-out blocks leave. */
  timedOut(now: number): BlockInfo[] {
    const out: BlockInfo[] = [];
    for (const [block, info] of this.#pending) {
      if (now > info.timeStamp + this.#timeoutMs) {
        out.push(block);
        this.#pending.delete(block);
      }
    }
    return out;
  }
}
