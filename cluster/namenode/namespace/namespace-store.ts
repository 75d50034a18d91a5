/**
 * The namespace on disk (Hadoop's edit log + fsimage in dfs.namenode.name.dir), on the journal +
 * snapshot machinery of lib/journal: `<dir>/snapshot.<gen>` holds the whole namespace at the start
 * of `<dir>/journal.<gen>`, which holds one record per change since (edit-log.ts).
 *
 *  - A change is appended and fdatasync'ed before it is applied (the namesystem applies it once
 *    `append` resolves), so nothing a client was told survives only in memory; a failed write
 *    rejects with STORAGE_IO and the namespace stays as it was.
 *  - Start-up loads the newest snapshot, replays the journals after it (a torn last record, a
 *    write cut short by a crash and never acknowledged, is dropped and cut off) and continues
 *    appending. A first start writes snapshot 1 of a freshly formatted namespace (Hadoop needs
 *    `hdfs namenode -format`; hsec formats an empty directory itself).
 *  - Edit ops are not idempotent, so a snapshot must be exactly the state at the start of its
 *    journal: `compact` runs while the namesystem holds its write lock, switches to a new journal
 *    and serializes the tree at that instant; the file is then written in the background and the
 *    older files are deleted once it is in place. A failed compaction is logged and retried later;
 *    the old snapshot and every journal since stay valid meanwhile.
 *  - `save` is the same switch with the snapshot written before it resolves (FSImage.saveNamespace
 *    behind `hdfs dfsadmin -saveNamespace`); with a time window or a transaction gap it saves
 *    nothing when the newest snapshot is at most that old and at most that many transactions behind.
 *  - `roll` switches to a new journal without a snapshot (FSEditLog.rollEditLog behind `hdfs
 *    dfsadmin -rollEdits`: the current segment is finished and a new one begins); start-up replays
 *    every journal after the newest snapshot, so the namespace loads as before; the rolled journal's
 *    bytes still count towards the next compaction, whose snapshot deletes it with the rest.
 */
import { stat } from 'node:fs/promises';
import { HsecError } from '../../../lib/errors/index.ts';
import { getLogger } from '../../../lib/log/logger.ts';
import {
  createJournal, ensureDirectory, journalPath, listStore, removeBefore, reopenJournal, replayFile, snapshotPath, writeSnapshot,
} from '../../../lib/journal/journal-files.ts';
import type { ReplayResult } from '../../../lib/journal/journal-files.ts';
import { JournalWriter, type JournalFile, type JournalStats } from '../../../lib/journal/journal-writer.ts';
import { storeCorrupt, storeUnusable, writeFailed, type StorageOrigin } from '../../../lib/journal/storage-errors.ts';
import { NAMESPACE_MAGIC, journalPayloads, lastTxidRecord, snapshotPayloads, transactionRecord, type EditOp } from './edit-log.ts';
import { FsDirectory } from './fs-directory.ts';

export interface NamespaceStoreOptions {
  /** Directory of the namespace files (created 0700 with its parents). */
  dir: string;
  /** Key that chose the directory, named in errors (dfs.namenode.name.dir). */
  configKey?: string;
  /** Compact once the journal exceeds this many bytes and the last snapshot's size; default 16 MiB. */
  compactionMinBytes?: number;
}

export interface NamespaceStoreStats extends JournalStats {
  compactions: number;
  generation: number;
  /** Transactions replayed at open. */
  replayed: number;
}

const DEFAULT_COMPACTION_MIN_BYTES = 16 * 1024 * 1024;
const log = getLogger('namenode.namespace-store');

export class NamespaceStore {
  readonly dir: string;
  readonly #origin: StorageOrigin;
  readonly #compactionMinBytes: number;
  #writer: JournalWriter | undefined;
  #generation = 0;
  #snapshotBytes = 0;
  #compactAt = 0;
  #compactions = 0;
  #replayed = 0;
  #snapshotWrite: Promise<unknown> | undefined;
  #closing = false;
  /** when the newest snapshot was written (its file's mtime, as FSImage reads lastModified()) */
  #snapshotTime = 0;
  /** transactions after the newest snapshot (replayed at open, appended since) */
  #txSinceSnapshot = 0;
  /** the last transaction id written: the newest snapshot's, plus the transactions after it */
  #lastTxid = 0;

  constructor(options: NamespaceStoreOptions) {
    this.dir = options.dir;
    this.#origin = { configKey: options.configKey, label: 'namespace', lossOnReset: 'loses every file and directory' };
    this.#compactionMinBytes = options.compactionMinBytes ?? DEFAULT_COMPACTION_MIN_BYTES;
  }

  get stats(): NamespaceStoreStats {
    const w = this.#writer?.stats ?? { commits: 0, records: 0, bytes: 0 };
    return { ...w, compactions: this.#compactions, generation: this.#generation, replayed: this.#replayed };
  }

  /** Loads the namespace, or formats one with `format()` when the directory holds none. */
  async open(format: () => FsDirectory): Promise<FsDirectory> {
    if (this.#writer) throw new HsecError('SERVICE_NOT_RUNNING', `namespace store ${this.dir} is already open`, { path: this.dir });
    this.#closing = false;
    try {
      const { fsd, journal } = await this.#load(format);
      this.#writer = new JournalWriter(journal, this.#origin);
      this.#compactAt = Math.max(this.#compactionMinBytes, this.#snapshotBytes);
      this.#txSinceSnapshot = this.#replayed;
      log.info({ dir: this.dir, inodes: fsd.inodeCount, blocks: fsd.blockCount, generation: this.#generation, replayed: this.#replayed }, 'namespace loaded');
      return fsd;
    } catch (e) {
      if (e instanceof HsecError) throw e;
      throw storeUnusable(this.dir, e, this.#origin);
    }
  }

  async #load(format: () => FsDirectory): Promise<{ fsd: FsDirectory; journal: JournalFile }> {
    await ensureDirectory(this.dir);
    let listing = await listStore(this.dir);
    if (listing.snapshots.length === 0) {
      if (listing.journals.length > 0) throw storeCorrupt(journalPath(this.dir, listing.journals[0]!), 'has no snapshot before it', this.#origin);
      const fresh = format();
      this.#snapshotBytes = (await writeSnapshot(this.dir, 1, NAMESPACE_MAGIC.snapshot, fresh.snapshotRecords()))!;
      log.info({ dir: this.dir, clusterId: fresh.identity.clusterId, blockPoolId: fresh.identity.blockPoolId }, 'formatted a new namespace');
      listing = await listStore(this.dir);
    }
    const base = listing.snapshots[listing.snapshots.length - 1]!;
    const { fsd, lastTxid } = await this.#loadSnapshot(base);
    let last: { path: string; replay: ReplayResult } | undefined;
    this.#replayed = 0;
    for (const g of listing.journals.filter((j) => j >= base)) {
      const path = journalPath(this.dir, g);
      const replay = await replayFile(path, NAMESPACE_MAGIC.journal, journalPayloads((ops) => {
        for (const op of ops) fsd.apply(op);
        this.#replayed++;
      }), this.#origin);
      if (replay.validEnd < replay.size && !replay.shortHeader) {
        log.warn({ path, droppedBytes: replay.size - replay.validEnd, offset: replay.validEnd }, 'dropped a torn record at the end of the namespace journal (a write cut short by a crash; it was never acknowledged)');
      }
      last = { path, replay };
      this.#generation = g;
    }
    fsd.finishLoad();
    this.#lastTxid = lastTxid + this.#replayed;
    await removeBefore(this.dir, base, listing);
    if (last) return { fsd, journal: await reopenJournal(last.path, last.replay, NAMESPACE_MAGIC.journal) };
    this.#generation = base;
    return { fsd, journal: await createJournal(this.dir, base, NAMESPACE_MAGIC.journal) };
  }

  async #loadSnapshot(g: number): Promise<{ fsd: FsDirectory; lastTxid: number }> {
    const path = snapshotPath(this.dir, g);
    let fsd: FsDirectory | undefined;
    let lastTxid = 0;
    let inodes = 0;
    let end: number | undefined;
    const replay = await replayFile(path, NAMESPACE_MAGIC.snapshot, snapshotPayloads({
      identity: (id, counters) => {
        if (fsd) throw new Error('a second identity record');
        fsd = new FsDirectory(id, { owner: '', group: '', mtime: 0 });
        fsd.restoreCounters(counters);
      },
      inode: (r) => {
        if (!fsd) throw new Error('an inode before the identity record');
        fsd.loadInode(r);
        inodes++;
      },
      acl: (id, entries) => {
        if (!fsd) throw new Error('an ACL before the identity record');
        fsd.loadAcl(id, entries);
      },
      xattrs: (id, xattrs) => {
        if (!fsd) throw new Error('xattrs before the identity record');
        fsd.loadXAttrs(id, xattrs);
      },
      truncateBlock: (id, numBytes) => {
        if (!fsd) throw new Error('a truncate block before the identity record');
        fsd.loadTruncateBlock(id, numBytes);
      },
      quota: (id, nsQuota, ssQuota) => {
        if (!fsd) throw new Error('a quota before the identity record');
        fsd.loadQuota(id, nsQuota, ssQuota);
      },
      storagePolicy: (id, policyId) => {
        if (!fsd) throw new Error('a storage policy before the identity record');
        fsd.loadStoragePolicy(id, policyId);
      },
      lastTxid: (txid) => { lastTxid = txid; },
      end: (n) => { end = n; },
    }), this.#origin);
    if (!fsd || end === undefined || end !== inodes || replay.validEnd < replay.size) {
      throw storeCorrupt(path, end === undefined ? 'is incomplete (no end record)' : `is damaged at offset ${replay.validEnd} of ${replay.size} bytes`, this.#origin);
    }
    this.#snapshotBytes = replay.size;
    this.#snapshotTime = (await stat(path)).mtimeMs;
    return { fsd, lastTxid };
  }

  /** FSEditLog.getLastWrittenTxId: the id of the last transaction made durable, kept across restarts. */
  get lastTxid(): number {
    return this.#lastTxid;
  }

  /** Makes one call's ops durable; `what` names the change in errors ("mkdirs of /a"). */
  async append(ops: readonly EditOp[], what: string): Promise<void> {
    const writer = this.#writer;
    if (!writer || this.#closing) throw new HsecError('SERVICE_NOT_RUNNING', `namespace store ${this.dir} is not open`, { path: this.dir });
    await writer.append(transactionRecord(ops), what, () => undefined);
    this.#txSinceSnapshot++;
    this.#lastTxid++;
  }

  /** Whether the journal has grown enough for `compact`. */
  get compactionDue(): boolean {
    return !!this.#writer && !this.#snapshotWrite && this.#writer.size > this.#compactAt;
  }

  /**
   * Switches to a new journal and snapshots `fsd` as it is now. Call it with the namesystem's
   * write lock held (no change may be applied between the switch and the capture); the snapshot
   * file is written after it returns.
   */
  async compact(fsd: FsDirectory): Promise<void> {
    const writer = this.#writer;
    if (!writer || this.#snapshotWrite) return;
    let started: { generation: number; written: Promise<boolean> };
    try {
      started = await this.#startSnapshot(writer, fsd);
    } catch (e) {
      this.#compactAt = writer.size + this.#compactionMinBytes;
      log.error({ dir: this.dir, err: (e as Error).message }, 'namespace journal rotation failed; will retry');
      return;
    }
    this.#snapshotWrite = started.written.then((done) => {
      if (!done) return;
      this.#compactions++;
      log.info({ dir: this.dir, generation: started.generation, snapshotBytes: this.#snapshotBytes }, 'compacted the namespace journal');
    }, (e: unknown) => {
      this.#compactAt = (this.#writer?.size ?? 0) + this.#compactionMinBytes;
      log.error({ dir: this.dir, err: (e as Error).message }, 'namespace snapshot failed; the previous snapshot and the journals stay in use; will retry');
    }).finally(() => { this.#snapshotWrite = undefined; });
  }

  /**
   * FSImage.saveNamespace(timeWindow, txGap): snapshots `fsd` now and resolves once the snapshot is
   * in place (true), or saves nothing (false) when `timeWindowSec` or `txGap` is positive and the
   * newest snapshot is at most `timeWindowSec` seconds old and at most `txGap` transactions behind.
   * Call it with the namesystem's write lock held. A failure rejects with STORAGE_IO; the previous
   * snapshot and the journals stay valid.
   */
  async save(fsd: FsDirectory, timeWindowSec: number, txGap: number): Promise<boolean> {
    const writer = this.#writer;
    if (!writer || this.#closing) throw new HsecError('SERVICE_NOT_RUNNING', `namespace store ${this.dir} is not open`, { path: this.dir });
    await this.#snapshotWrite; // a compaction's snapshot still being written
    if ((timeWindowSec > 0 || txGap > 0) && Date.now() - this.#snapshotTime <= timeWindowSec * 1000 && this.#txSinceSnapshot <= txGap) return false;
    const generation = this.#generation + 1;
    let done: boolean;
    try {
      const { written } = await this.#startSnapshot(writer, fsd);
      this.#snapshotWrite = written.catch(() => undefined).finally(() => { this.#snapshotWrite = undefined; });
      done = await written;
    } catch (e) {
      throw writeFailed(`namespace image (snapshot ${generation})`, this.dir, e, this.#origin);
    }
    if (!done) throw new HsecError('SERVICE_NOT_RUNNING', `namespace store ${this.dir} was closed while snapshot ${generation} was being written`, { path: this.dir });
    log.info({ dir: this.dir, generation, snapshotBytes: this.#snapshotBytes }, 'saved the namespace');
    return true;
  }

  /**
   * FSEditLog.rollEditLog: closes the current journal and continues in a new one (generation + 1),
   * with no snapshot. Call it with the namesystem's write lock held. A failure to create the new
   * journal rejects with STORAGE_IO and the current journal stays in use.
   */
  async roll(): Promise<number> {
    const writer = this.#writer;
    if (!writer || this.#closing) throw new HsecError('SERVICE_NOT_RUNNING', `namespace store ${this.dir} is not open`, { path: this.dir });
    const next = this.#generation + 1;
    const rolledBytes = writer.size;
    try {
      await writer.rotate(await createJournal(this.dir, next, NAMESPACE_MAGIC.journal));
    } catch (e) {
      throw writeFailed(`namespace journal ${next}`, this.dir, e, this.#origin);
    }
    this.#generation = next;
    // the rolled journal still counts towards the next compaction
    this.#compactAt = Math.max(0, this.#compactAt - rolledBytes);
    log.info({ dir: this.dir, generation: next }, 'rolled the namespace journal');
    return next;
  }

  /**
   * Switches to journal generation + 1 and captures `fsd` at that instant; `written` then writes
   * the snapshot (false: the store closed first) and deletes the files before it.
   */
  async #startSnapshot(writer: JournalWriter, fsd: FsDirectory): Promise<{ generation: number; written: Promise<boolean> }> {
    const next = this.#generation + 1;
    await writer.rotate(await createJournal(this.dir, next, NAMESPACE_MAGIC.journal));
    this.#generation = next;
    const covered = this.#txSinceSnapshot;
    const records = fsd.snapshotRecords();
    records.splice(1, 0, lastTxidRecord(this.#lastTxid)); // after the identity record
    return { generation: next, written: this.#writeSnapshot(next, records, covered) };
  }

  async #writeSnapshot(g: number, records: Buffer[], covered: number): Promise<boolean> {
    const size = await writeSnapshot(this.dir, g, NAMESPACE_MAGIC.snapshot, records, () => this.#closing);
    if (size === undefined) return false;
    this.#snapshotBytes = size;
    this.#snapshotTime = Date.now();
    this.#txSinceSnapshot -= covered;
    this.#compactAt = Math.max(this.#compactionMinBytes, size);
    try {
      await removeBefore(this.dir, g, await listStore(this.dir));
    } catch (e) {
      log.warn({ dir: this.dir, generation: g, err: (e as Error).message }, 'could not delete the namespace files before the new snapshot; the next snapshot tries again');
    }
    return true;
  }

  async close(): Promise<void> {
    if (!this.#writer) return;
    this.#closing = true;
    await this.#snapshotWrite;
    await this.#writer.close();
    this.#writer = undefined;
  }
}
