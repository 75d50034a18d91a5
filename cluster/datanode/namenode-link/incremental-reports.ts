/**
 * Incremental block reports waiting to go to the NameNode (Hadoop's IncrementalBlockReportManager
 * and PerStorageIBR, one storage): the latest news per block (a newer status replaces an older
 * one), RECEIVING and DELETED sent with the next heartbeat cycle, RECEIVED "right away" (it wakes
 * the NameNode link), but no sooner than dfs.blockreport.incremental.intervalMsec after the last
 * report (Hadoop's ibrInterval: RECEIVED news that arrive meanwhile go together). A report that
 * fails to send is put back unless newer news arrived meanwhile (putMissing).
 *
 * The DataNode holds a block's last ack until the NameNode has its RECEIVED report (whenReported),
 * for at most a bound: a client completes the file as soon as it has that ack, and a NameNode that
 * has not heard of the replica yet answers complete() false, which costs the writer a 400 ms sleep
 * (DFSOutputStream.completeFile). Hadoop's DataNode sends the report from another thread and
 * usually wins that race; here the report and the ack share one event loop, and the ack won about
 * half the time.
 */
import type { ReceivedDeletedBlockInfo } from '../../protocol/datanode-protocol.ts';

export class IncrementalBlockReports {
  #pending = new Map<number, ReceivedDeletedBlockInfo>();
  #immediate = false;
  readonly #onImmediate: () => void;
  readonly #intervalMs: number;
  #lastSent = -Infinity;
  #timer: NodeJS.Timeout | undefined;
  /** Callers waiting for a block's RECEIVED report to reach the NameNode, by block id. */
  readonly #waiters = new Map<number, Set<() => void>>();

  /**
   * `intervalMs`: least time between two reports; `onImmediate`: called when a report should be
   * sent without waiting for the heartbeat.
   */
  constructor(intervalMs = 0, onImmediate: () => void = () => undefined) {
    this.#intervalMs = intervalMs;
    this.#onImmediate = onImmediate;
  }

  get pending(): number {
    return this.#pending.size;
  }

  /** True when a RECEIVED report waits and the interval since the last report has passed. */
  get sendImmediately(): boolean {
    return this.#immediate && this.#pending.size > 0 && this.#dueIn() <= 0;
  }

  add(info: ReceivedDeletedBlockInfo): void {
    this.#pending.set(info.block.blockId, info);
    if (info.status === 'RECEIVED') {
      this.#immediate = true;
      this.#wakeWhenDue();
    }
  }

  /** Milliseconds until the next report may go (0 when it may go now). */
  get dueInMs(): number {
    return Math.max(0, this.#dueIn());
  }

  #dueIn(): number {
    return this.#lastSent + this.#intervalMs - performance.now();
  }

  #wakeWhenDue(): void {
    const wait = this.#dueIn();
    if (wait <= 0) {
      this.#onImmediate();
    } else if (!this.#timer) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#onImmediate();
      }, Math.ceil(wait));
      this.#timer.unref();
    }
  }

  /** Everything pending, removed from the queue. */
  take(): ReceivedDeletedBlockInfo[] {
    const all = [...this.#pending.values()];
    this.#pending = new Map();
    this.#immediate = false;
    this.#lastSent = performance.now();
    return all;
  }

  /**
   * Resolves when a report carrying `blockId` as RECEIVED has reached the NameNode (reported), when
   * the waiters are released (the link stops), or after `maxWaitMs`, whichever comes first.
   */
  whenReported(blockId: number, maxWaitMs: number): Promise<void> {
    return new Promise((resolve) => {
      let set = this.#waiters.get(blockId);
      if (!set) this.#waiters.set(blockId, (set = new Set()));
      const waiters = set;
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0 && this.#waiters.get(blockId) === waiters) this.#waiters.delete(blockId);
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      timer.unref();
      waiters.add(done);
    });
  }

  /** The NameNode accepted these reports: wakes whoever waits for their RECEIVED news. */
  reported(infos: readonly ReceivedDeletedBlockInfo[]): void {
    for (const i of infos) {
      if (i.status !== 'RECEIVED') continue;
      for (const done of [...(this.#waiters.get(i.block.blockId) ?? [])]) done();
    }
  }

  /** Wakes every waiter (the link to the NameNode is going away). */
  releaseWaiters(): void {
    for (const waiters of [...this.#waiters.values()]) for (const done of [...waiters]) done();
  }

  /** Puts back a report that could not be sent, keeping newer news. */
  putMissing(infos: readonly ReceivedDeletedBlockInfo[]): void {
    for (const i of infos) {
      if (this.#pending.has(i.block.blockId)) continue;
      this.#pending.set(i.block.blockId, i);
      if (i.status === 'RECEIVED') this.#immediate = true;
    }
  }
}
