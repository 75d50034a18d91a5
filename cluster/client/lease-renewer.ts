/**
 * Keeping the leases of files open for writing (Hadoop's LeaseRenewer): while a client has a file
 * open, it calls renewLease(clientName) every half soft limit (30 s by default,
 * HdfsConstants.LEASE_SOFTLIMIT_PERIOD / 2), so the NameNode does not start lease recovery on a slow
 * writer. The timer is unref'd and stops when the last file closes. A failed renewal is logged and
 * retried at the next tick; the writer's next call surfaces a lost lease.
 */
import { getLogger } from '../../lib/log/logger.ts';

const log = getLogger('hdfs.lease');

/** HdfsConstants.LEASE_SOFTLIMIT_PERIOD: 60 s. */
export const LEASE_SOFT_LIMIT_MS = 60_000;

export class LeaseRenewer {
  readonly #renew: () => Promise<void>;
  readonly #intervalMs: number;
  readonly #open = new Set<string>();
  #timer: NodeJS.Timeout | undefined;

  constructor(renew: () => Promise<void>, intervalMs = LEASE_SOFT_LIMIT_MS / 2) {
    this.#renew = renew;
    this.#intervalMs = intervalMs;
  }

  /** A file opened for writing: renew while any is open. */
  opened(path: string): void {
    this.#open.add(path);
    if (!this.#timer) {
      this.#timer = setInterval(() => {
        this.#renew().catch((err: unknown) => log.warn({ files: [...this.#open], err }, 'renewLease failed; retrying at the next interval'));
      }, this.#intervalMs);
      this.#timer.unref();
    }
  }

  closed(path: string): void {
    this.#open.delete(path);
    if (this.#open.size === 0) this.stop();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
