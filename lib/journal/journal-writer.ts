/**
 * Group commit for the journal stores (delegation tokens, the NameNode namespace): records appended while a commit is under way wait and
 * go out together in the next one, so one write + fdatasync makes many concurrent operations
 * durable (the technique of database write-ahead logs, e.g. PostgreSQL's commit_delay groups,
 * without the delay: the batch is whatever queued during the previous fsync).
 *
 * After the fsync each record's `apply` runs, in append order, and its promise resolves: state
 * changes take effect only once durable. A failed write or fsync rejects the whole batch with a
 * StorageError, nothing is applied, and the file is cut back to its last committed length so a
 * rejected record can never come back on replay; if even that fails the writer refuses further
 * appends until the daemon restarts. Commits and file rotation run one at a time, in order.
 */
import type { FileHandle } from 'node:fs/promises';
import { StorageError } from '../errors/index.ts';
import { writeFailed } from './storage-errors.ts';
import type { StorageOrigin } from './storage-errors.ts';

interface Pending {
  record: Buffer;
  what: string;
  apply: () => void;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export interface JournalFile {
  handle: FileHandle;
  path: string;
  /** Bytes already in the file and committed (header included). */
  size: number;
}

/** Counters for observability (bench, tests): how much group commit batched. */
export interface JournalStats {
  commits: number;
  records: number;
  bytes: number;
}

export class JournalWriter {
  readonly #origin: StorageOrigin;
  #file: JournalFile;
  #queue: Pending[] = [];
  #scheduled = false;
  #chain: Promise<void> = Promise.resolve();
  #broken: StorageError | undefined;
  readonly stats: JournalStats = { commits: 0, records: 0, bytes: 0 };

  constructor(file: JournalFile, origin: StorageOrigin) {
    this.#file = file;
    this.#origin = origin;
  }

  get path(): string {
    return this.#file.path;
  }

  /** Committed bytes of the current file. */
  get size(): number {
    return this.#file.size;
  }

  /** Queues `record`; resolves once it is durable and `apply` has run. `what` names the change in errors. */
  append(record: Buffer, what: string, apply: () => void): Promise<void> {
    if (this.#broken) return Promise.reject(writeFailed(what, this.#file.path, this.#broken, this.#origin));
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ record, what, apply, resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      // setImmediate, not a microtask: requests that arrive in the same event-loop turn share a commit.
      setImmediate(() => this.#serially(() => this.#commit()));
    });
  }

  /** Runs `fn` after every commit queued so far and before any later one. */
  #serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(fn);
    this.#chain = run.then(() => undefined, () => undefined);
    return run;
  }

  async #commit(): Promise<void> {
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    if (this.#broken) {
      for (const p of batch) p.reject(writeFailed(p.what, this.#file.path, this.#broken, this.#origin));
      return;
    }
    const bytes = batch.length === 1 ? batch[0]!.record : Buffer.concat(batch.map((p) => p.record));
    try {
      await writeFully(this.#file.handle, bytes, this.#file.size);
      await this.#file.handle.datasync();
    } catch (e) {
      await this.#rollBack(e);
      for (const p of batch) p.reject(writeFailed(p.what, this.#file.path, e, this.#origin));
      return;
    }
    this.#file.size += bytes.length;
    this.stats.commits++;
    this.stats.records += batch.length;
    this.stats.bytes += bytes.length;
    for (const p of batch) {
      p.apply();
      p.resolve();
    }
  }

  /** Cuts the file back to its committed length so a rejected record never replays. */
  async #rollBack(cause: unknown): Promise<void> {
    try {
      await this.#file.handle.truncate(this.#file.size);
      await this.#file.handle.datasync();
    } catch (e) {
      this.#broken = new StorageError('STORAGE_IO', `the journal could not be cut back after a failed write (${(cause as Error).message}; then ${(e as Error).message}); restart the daemon`, {
        path: this.#file.path,
      }, { cause: e });
    }
  }

  /**
   * Switches to `next` (a new, empty journal with its header written and synced) after the
   * commits queued so far; later commits go to `next`. Closes the previous file.
   */
  rotate(next: JournalFile): Promise<void> {
    return this.#serially(async () => {
      const previous = this.#file;
      this.#file = next;
      await previous.handle.close();
    });
  }

  /** Waits for queued commits, then closes the file. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve)); // let a scheduled commit join the chain
    await this.#serially(async () => {
      await this.#file.handle.close();
    });
  }
}

async function writeFully(handle: FileHandle, bytes: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}
