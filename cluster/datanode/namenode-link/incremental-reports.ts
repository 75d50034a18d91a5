/**
 * Incremental block reports waiting to go to the NameNode (Hadoop's IncrementalBlockReportManager
 * and PerStorageIBR, one storage): the latest news per block (a newer status replaces an older
 * one), RECEIVING and DELETED sent with the next heartbeat cycle, RECEIVED "right away" (it wakes
 * the NameNode link). A report that fails to send is put back unless newer news arrived meanwhile
 * (putMissing).
 */
import type { ReceivedDeletedBlockInfo } from '../../protocol/datanode-protocol.ts';

export class IncrementalBlockReports {
  #pending = new Map<number, ReceivedDeletedBlockInfo>();
  #immediate = false;
  #onImmediate: () => void;

  /** `onImmediate`: called when a report should be sent without waiting for the heartbeat. */
  constructor(onImmediate: () => void = () => undefined) {
    this.#onImmediate = onImmediate;
  }

  get pending(): number {
    return this.#pending.size;
  }

  /** True when a RECEIVED report waits. */
  get sendImmediately(): boolean {
    return this.#immediate && this.#pending.size > 0;
  }

  add(info: ReceivedDeletedBlockInfo): void {
    this.#pending.set(info.block.blockId, info);
    if (info.status === 'RECEIVED') {
      this.#immediate = true;
      this.#onImmediate();
    }
  }

  /** Everything pending, removed from the queue. */
  take(): ReceivedDeletedBlockInfo[] {
    const all = [...this.#pending.values()];
    this.#pending = new Map();
    this.#immediate = false;
    return all;
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
