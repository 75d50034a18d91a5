/**
 * The blocks that need more replicas, by priority (Hadoop 3.4.1 LowRedundancyBlocks, replicated
 * blocks only: hsec has no erasure coding):
 *
 *  0 QUEUE_HIGHEST_PRIORITY: one live replica left, or none but some on decommissioning /
 *    decommissioned nodes;
 *  1 QUEUE_VERY_LOW_REDUNDANCY: fewer than a third of the expected replicas;
 *  2 QUEUE_LOW_REDUNDANCY: the other under-replicated blocks;
 *  3 QUEUE_REPLICAS_BADLY_DISTRIBUTED: enough replicas, too few racks (never used here: hsec has
 *    one rack, where the default placement policy is always satisfied);
 *  4 QUEUE_WITH_CORRUPT_BLOCKS: no replica left to copy from.
 *
 * `chooseLowRedundancyBlocks` walks the queues in priority order from a bookmark per queue, so
 * blocks that could not be scheduled do not hold up the ones behind them; once every queue was
 * walked to its end, the bookmarks go back to the heads (LowRedundancyBlocks' bookmark iterators).
 */
import type { BlockInfo } from '../namespace/inode.ts';

export const QUEUE_HIGHEST_PRIORITY = 0;
export const QUEUE_VERY_LOW_REDUNDANCY = 1;
export const QUEUE_LOW_REDUNDANCY = 2;
export const QUEUE_REPLICAS_BADLY_DISTRIBUTED = 3;
export const QUEUE_WITH_CORRUPT_BLOCKS = 4;
/** LowRedundancyBlocks.LEVEL: the number of queues. */
export const LEVEL = 5;

/**
 * LowRedundancyBlocks.getPriority / getPriorityContiguous. `curReplicas`: live replicas (plus
 * pending ones, as updateNeededReconstructions counts them); `outOfService`: replicas on
 * decommissioning or decommissioned nodes.
 */
export function redundancyPriority(curReplicas: number, outOfService: number, expected: number): number {
  if (curReplicas >= expected) return QUEUE_REPLICAS_BADLY_DISTRIBUTED;
  if (curReplicas === 0) return outOfService > 0 ? QUEUE_HIGHEST_PRIORITY : QUEUE_WITH_CORRUPT_BLOCKS;
  if (curReplicas === 1) return QUEUE_HIGHEST_PRIORITY;
  if (curReplicas * 3 < expected) return QUEUE_VERY_LOW_REDUNDANCY;
  return QUEUE_LOW_REDUNDANCY;
}

export class LowRedundancyBlocks {
  /** insertion-ordered queues (LightWeightLinkedSet) */
  readonly #queues: Set<BlockInfo>[] = Array.from({ length: LEVEL }, () => new Set<BlockInfo>());
  /** what each queue's bookmark has passed since the last reset */
  readonly #passed: Set<BlockInfo>[] = Array.from({ length: LEVEL }, () => new Set<BlockInfo>());

  /** How many blocks are queued (LowRedundancyBlocks.size). */
  get size(): number {
    let n = 0;
    for (const q of this.#queues) n += q.size;
    return n;
  }

  /** The blocks of one priority, in queue order. */
  queue(priority: number): BlockInfo[] {
    return [...(this.#queues[priority] ?? [])];
  }

  contains(block: BlockInfo): boolean {
    return this.#queues.some((q) => q.has(block));
  }

  /** The queue holding `block`, or -1. */
  priorityOf(block: BlockInfo): number {
    return this.#queues.findIndex((q) => q.has(block));
  }

  /** LowRedundancyBlocks.add: queues the block at its priority (false when it is already there). */
  add(block: BlockInfo, curReplicas: number, outOfService: number, expected: number): boolean {
    const priority = redundancyPriority(curReplicas, outOfService, expected);
    if (this.#queues[priority]!.has(block)) return false;
    this.#queues[priority]!.add(block);
    return true;
  }

  /** LowRedundancyBlocks.update: moves the block to the queue of its new priority. */
  update(block: BlockInfo, curReplicas: number, outOfService: number, expected: number): void {
    const priority = redundancyPriority(curReplicas, outOfService, expected);
    for (let i = 0; i < LEVEL; i++) if (i !== priority) this.#drop(block, i);
    this.#queues[priority]!.add(block);
  }

  /** LowRedundancyBlocks.remove(block, LEVEL): out of whichever queue holds it. */
  remove(block: BlockInfo): boolean {
    let removed = false;
    for (let i = 0; i < LEVEL; i++) removed = this.#drop(block, i) || removed;
    return removed;
  }

  #drop(block: BlockInfo, priority: number): boolean {
    this.#passed[priority]!.delete(block);
    return this.#queues[priority]!.delete(block);
  }

  /**
   * LowRedundancyBlocks.chooseLowRedundancyBlocks: up to `blocksToProcess` blocks, one list per
   * priority (the corrupt queue's list stays empty: nothing to copy from); deleted blocks (no
   * file) found on the way leave the queues.
   */
  chooseLowRedundancyBlocks(blocksToProcess: number): BlockInfo[][] {
    const chosen: BlockInfo[][] = Array.from({ length: LEVEL }, () => []);
    let count = 0;
    let priority = 0;
    for (; count < blocksToProcess && priority < LEVEL; priority++) {
      const queue = this.#queues[priority]!;
      const passed = this.#passed[priority]!;
      const deleted: BlockInfo[] = [];
      for (const block of queue) {
        if (count >= blocksToProcess) break;
        if (passed.has(block)) continue;
        passed.add(block);
        count++;
        if (!block.file) deleted.push(block);
        else if (priority !== QUEUE_WITH_CORRUPT_BLOCKS) chosen[priority]!.push(block);
      }
      for (const b of deleted) this.#drop(b, priority);
    }
    if (priority >= LEVEL) for (const p of this.#passed) p.clear();
    return chosen;
  }
}
