/**
 * Write leases (Hadoop's LeaseManager): one lease per client name (the DFSClient's
 * `DFSClient_<task>_<random>_<thread>`), holding the ids of the files it has open for writing and
 * the time it was last renewed (create, addBlock, renewLease). Another client may take a file over
 * once the soft limit (60 s, HdfsConstants.LEASE_SOFTLIMIT_PERIOD) has passed without a renewal; the
 * NameNode itself closes a holder's files once the hard limit (dfs.namenode.lease-hard-limit-sec,
 * 20 min) has passed. Leases are not persisted: at start they are rebuilt from the files still
 * open for writing, each renewed "now", as FSImage loading does.
 */
export const LEASE_SOFT_LIMIT_MS = 60_000;

export interface Lease {
  readonly holder: string;
  readonly files: Set<number>;
  /** ms since epoch of the last renewal */
  lastUpdate: number;
}

/** Lease.toString, as LeaseExpiredException messages show it. */
export function leaseString(lease: Lease): string {
  return `[Lease.  Holder: ${lease.holder}, pending creates: ${lease.files.size}]`;
}

export class LeaseManager {
  readonly hardLimitMs: number;
  readonly softLimitMs: number;
  readonly #leases = new Map<string, Lease>();

  constructor(hardLimitMs: number, softLimitMs = LEASE_SOFT_LIMIT_MS) {
    this.hardLimitMs = hardLimitMs;
    this.softLimitMs = softLimitMs;
  }

  get size(): number {
    return this.#leases.size;
  }

  get(holder: string): Lease | undefined {
    return this.#leases.get(holder);
  }

  /** addLease: the holder now has `fileId` open; renews the lease. */
  add(holder: string, fileId: number, now: number): void {
    let lease = this.#leases.get(holder);
    if (!lease) {
      lease = { holder, files: new Set(), lastUpdate: now };
      this.#leases.set(holder, lease);
    }
    lease.files.add(fileId);
    lease.lastUpdate = now;
  }

  /** removeLease: the file is closed or gone; a lease without files goes. */
  remove(holder: string, fileId: number): void {
    const lease = this.#leases.get(holder);
    if (!lease) return;
    lease.files.delete(fileId);
    if (lease.files.size === 0) this.#leases.delete(holder);
  }

  /** renewLease(holder): false when the holder has no open files (nothing to renew). */
  renew(holder: string, now: number): boolean {
    const lease = this.#leases.get(holder);
    if (!lease) return false;
    lease.lastUpdate = now;
    return true;
  }

  softLimitExpired(holder: string, now: number): boolean {
    const lease = this.#leases.get(holder);
    return !lease || now - lease.lastUpdate > this.softLimitMs;
  }

  /** Every lease (LeaseManager.leasesById's holders). */
  holders(): IterableIterator<Lease> {
    return this.#leases.values();
  }

  /** Leases past the hard limit, oldest first (LeaseManager.checkLeases). */
  expired(now: number): Lease[] {
    return [...this.#leases.values()].filter((l) => now - l.lastUpdate > this.hardLimitMs).sort((a, b) => a.lastUpdate - b.lastUpdate);
  }
}
