/**
 * The NameNode's durable `TokenStore`: an append-only journal with group commit plus periodic
 * compaction into a snapshot, in one directory (store-files.ts has the layout, record-codec.ts the
 * bytes, docs/tokens.md the guarantees). Hadoop keeps the same state in the NameNode's edit log
 * and fsimage (FSEditLog OP_GET_DELEGATION_TOKEN / OP_RENEW_ / OP_CANCEL_ / OP_UPDATE_MASTER_KEY,
 * FSImage's DelegationTokenSection); this store keeps the passwords too, so start-up needs no HMAC.
 *
 *  - Every change is one record appended to journal.<gen>; concurrent changes share one write and
 *    one fdatasync (JournalWriter); a change reaches the token cache only after that.
 *  - Start-up loads the newest snapshot and replays the journals after it into the cache; a torn
 *    last record (bad length or checksum) is dropped and cut off, as RocksDB's default
 *    kTolerateCorruptedTailRecords WAL recovery does. Counters are the largest value seen in a
 *    snapshot or in the records (Hadoop's addPersistedDelegationToken takes the largest token
 *    sequence number the same way), so they need no records of their own.
 *  - When the journal outgrows both `compactionMinBytes` and the last snapshot, writes move to a
 *    new journal and a snapshot of the whole state is written beside it while writes go on
 *    (records set absolute state, so the journal repeating what the snapshot already has is
 *    harmless); the older files are deleted once the snapshot is renamed into place.
 *  - A legacy whole-file JSON store is migrated into the first snapshot and then deleted.
 */
import { unlink } from 'node:fs/promises';
import { HsecError } from '../../../../lib/errors/index.ts';
import { getLogger } from '../../../../lib/log/logger.ts';
import type { DelegationKey } from '../../keys/delegation-key.ts';
import type { DelegationTokenIdentifier } from '../../delegation-token-identifier.ts';
import type { TokenCache } from '../token-cache.ts';
import type { TokenInfo, TokenStore, TokenStoreState } from '../token-store.ts';
import { storeCorrupt, storeUnusable } from '../../../../lib/journal/storage-errors.ts';
import type { StorageOrigin } from '../../../../lib/journal/storage-errors.ts';
import {
  JOURNAL_MAGIC, SNAPSHOT_MAGIC, countersRecord, keyPutRecord, keyRemoveRecord, recordPayloads, snapshotEndRecord, tokenPutRecord,
  tokenRemoveRecord,
} from './record-codec.ts';
import type { RecordVisitor } from './record-codec.ts';
import { JournalWriter } from '../../../../lib/journal/journal-writer.ts';
import type { JournalFile, JournalStats } from '../../../../lib/journal/journal-writer.ts';
import {
  createJournal, ensureDirectory, journalPath, listStore, removeBefore, reopenJournal, replayFile, snapshotPath, writeSnapshot,
} from '../../../../lib/journal/journal-files.ts';
import type { ReplayResult } from '../../../../lib/journal/journal-files.ts';
import { readLegacyJsonStore } from './legacy-json.ts';

export interface JournalTokenStoreOptions {
  /** Directory of the store's files (created 0700 with its parents). */
  dir: string;
  /** A whole-file JSON store of earlier hsec versions to migrate on first start, if it exists. */
  legacyJsonFile?: string;
  /** Configuration key that chose the directory, named in errors (`dfs.namenode.name.dir`). */
  configKey?: string;
  /** Compact once the journal exceeds this many bytes and the last snapshot's size; default 16 MiB. */
  compactionMinBytes?: number;
}

export interface JournalTokenStoreStats extends JournalStats {
  /** Snapshots written by compaction since open. */
  compactions: number;
  /** Generation of the journal being appended to. */
  generation: number;
}

const DEFAULT_COMPACTION_MIN_BYTES = 16 * 1024 * 1024;
const log = getLogger('token.journal-store');

export class JournalTokenStore implements TokenStore {
  readonly dir: string;
  readonly #legacyJsonFile: string | undefined;
  readonly #origin: StorageOrigin;
  readonly #compactionMinBytes: number;
  #cache: TokenCache | undefined;
  #writer: JournalWriter | undefined;
  #keys = new Map<number, DelegationKey>();
  #sequenceNumber = 0;
  #keyId = 0;
  #generation = 0;
  #snapshotBytes = 0;
  #compaction: Promise<void> | undefined;
  #compactions = 0;
  /** Journal size at which the next compaction may start (raised after a failed attempt). */
  #compactAt = 0;
  #closing = false;

  constructor(options: JournalTokenStoreOptions) {
    this.dir = options.dir;
    this.#legacyJsonFile = options.legacyJsonFile;
    this.#origin = { configKey: options.configKey, label: 'delegation token store', lossOnReset: 'invalidates every token issued so far' };
    this.#compactionMinBytes = options.compactionMinBytes ?? DEFAULT_COMPACTION_MIN_BYTES;
  }

  get stats(): JournalTokenStoreStats {
    const w = this.#writer?.stats ?? { commits: 0, records: 0, bytes: 0 };
    return { ...w, compactions: this.#compactions, generation: this.#generation };
  }

  async open(cache: TokenCache): Promise<TokenStoreState> {
    if (this.#writer) throw new HsecError('SERVICE_NOT_RUNNING', `token store ${this.dir} is already open`, { path: this.dir });
    this.#cache = cache;
    this.#keys = new Map();
    this.#sequenceNumber = 0;
    this.#keyId = 0;
    this.#closing = false;
    try {
      this.#writer = new JournalWriter(await this.#load(cache), this.#origin);
    } catch (e) {
      this.#cache = undefined;
      if (e instanceof HsecError) throw e;
      throw storeUnusable(this.dir, e, this.#origin);
    }
    this.#compactAt = Math.max(this.#compactionMinBytes, this.#snapshotBytes);
    log.info({ dir: this.dir, tokens: cache.size, keys: this.#keys.size, generation: this.#generation }, 'delegation token store opened');
    return { keys: [...this.#keys.values()], sequenceNumber: this.#sequenceNumber, keyId: this.#keyId };
  }

  /** Loads snapshot + journals into `cache` and returns the journal to append to. */
  async #load(cache: TokenCache): Promise<JournalFile> {
    await ensureDirectory(this.dir);
    let listing = await listStore(this.dir);
    if (listing.snapshots.length === 0) {
      if (listing.journals.length > 0) throw storeCorrupt(journalPath(this.dir, listing.journals[0]!), 'has no snapshot before it', this.#origin);
      await this.#createFirstSnapshot();
      listing = await listStore(this.dir);
    } else if (this.#legacyJsonFile) {
      await unlinkIfPresent(this.#legacyJsonFile); // migrated before a crash: the snapshot supersedes it
    }
    const base = listing.snapshots[listing.snapshots.length - 1]!;
    await this.#loadSnapshot(base, cache);
    let last: { path: string; replay: ReplayResult } | undefined;
    for (const g of listing.journals.filter((j) => j >= base)) {
      const path = journalPath(this.dir, g);
      const replay = await replayFile(path, JOURNAL_MAGIC, recordPayloads(this.#visitor(cache)), this.#origin);
      if (replay.validEnd < replay.size && !replay.shortHeader) {
        log.warn({ path, droppedBytes: replay.size - replay.validEnd, offset: replay.validEnd }, 'dropped a torn record at the end of the journal (a write cut short by a crash; it was never acknowledged)');
      }
      last = { path, replay };
      this.#generation = g;
    }
    await removeBefore(this.dir, base, listing);
    if (last) return reopenJournal(last.path, last.replay, JOURNAL_MAGIC);
    this.#generation = base;
    return createJournal(this.dir, base, JOURNAL_MAGIC);
  }

  /** snapshot.1 from the legacy JSON store when there is one, else empty; then the JSON file goes. */
  async #createFirstSnapshot(): Promise<void> {
    const legacy = this.#legacyJsonFile ? await readLegacyJsonStore(this.#legacyJsonFile) : undefined;
    const records: Buffer[] = [countersRecord(legacy?.sequenceNumber ?? 0, legacy?.keyId ?? 0)];
    for (const k of legacy?.keys ?? []) records.push(keyPutRecord(k));
    for (const t of legacy?.tokens ?? []) {
      const id = t.identifier;
      records.push(tokenPutRecord(id.cacheKey, id.sequenceNumber, id.masterKeyId, t.renewDate, t.password));
    }
    records.push(snapshotEndRecord(legacy?.tokens.length ?? 0, legacy?.keys.length ?? 0));
    this.#snapshotBytes = (await writeSnapshot(this.dir, 1, SNAPSHOT_MAGIC, records))!;
    if (legacy && this.#legacyJsonFile) {
      await unlinkIfPresent(this.#legacyJsonFile);
      log.info({ from: this.#legacyJsonFile, dir: this.dir, tokens: legacy.tokens.length, keys: legacy.keys.length }, 'migrated the JSON delegation token store to the journal store');
    }
  }

  async #loadSnapshot(g: number, cache: TokenCache): Promise<void> {
    const path = snapshotPath(this.dir, g);
    let tokens = 0;
    let keys = 0;
    let end: { tokens: number; keys: number } | undefined;
    const visitor = this.#visitor(cache);
    const replay = await replayFile(path, SNAPSHOT_MAGIC, recordPayloads({
      ...visitor,
      tokenPut: (...a) => { tokens++; visitor.tokenPut(...a); },
      keyPut: (k) => { keys++; visitor.keyPut(k); },
      snapshotEnd: (t, k) => { end = { tokens: t, keys: k }; },
    }), this.#origin);
    if (!end || replay.validEnd < replay.size || end.tokens !== tokens || end.keys !== keys) {
      throw storeCorrupt(path, end ? `is damaged at offset ${replay.validEnd} of ${replay.size} bytes` : 'is incomplete (no end record)', this.#origin);
    }
    this.#snapshotBytes = replay.size;
  }

  /** Applies records to the cache, keys and counters (replay). */
  #visitor(cache: TokenCache): RecordVisitor {
    return {
      tokenPut: (key, seq, keyId, renewDate, password) => {
        if (password.length !== cache.passwordLength) {
          throw new Error(`a ${password.length}-byte password where the secret manager makes ${cache.passwordLength}-byte ones (was the HMAC algorithm changed?)`);
        }
        cache.set(key, seq, keyId, renewDate, password);
        if (seq > this.#sequenceNumber) this.#sequenceNumber = seq;
      },
      tokenRemove: (key) => { cache.delete(key); },
      keyPut: (k) => {
        this.#keys.set(k.keyId, k);
        if (k.keyId > this.#keyId) this.#keyId = k.keyId;
      },
      keyRemove: (id) => { this.#keys.delete(id); },
      counters: (seq, keyId) => {
        this.#sequenceNumber = Math.max(this.#sequenceNumber, seq);
        this.#keyId = Math.max(this.#keyId, keyId);
      },
      snapshotEnd: () => undefined,
    };
  }

  #open(): { writer: JournalWriter; cache: TokenCache } {
    if (!this.#writer || !this.#cache || this.#closing) {
      throw new HsecError('SERVICE_NOT_RUNNING', `token store ${this.dir} is not open: call open() first`, { path: this.dir });
    }
    return { writer: this.#writer, cache: this.#cache };
  }

  // Counters: durable through the records that carry them (see the header).
  async incrementSequenceNumber(): Promise<number> {
    this.#open();
    return ++this.#sequenceNumber;
  }

  async incrementKeyId(): Promise<number> {
    this.#open();
    return ++this.#keyId;
  }

  async storeKey(key: DelegationKey): Promise<void> {
    await this.#append(keyPutRecord(key), `master key ${key.keyId}`, () => this.#keys.set(key.keyId, key));
  }

  async removeKey(keyId: number): Promise<void> {
    await this.#append(keyRemoveRecord(keyId), `removal of master key ${keyId}`, () => this.#keys.delete(keyId));
  }

  async getKey(keyId: number): Promise<DelegationKey | undefined> {
    return this.#keys.get(keyId);
  }

  async storeToken(identifier: DelegationTokenIdentifier, info: TokenInfo): Promise<void> {
    const { cacheKey: key, sequenceNumber: seq, masterKeyId } = identifier;
    const password = Uint8Array.from(info.password);
    const record = tokenPutRecord(key, seq, masterKeyId, info.renewDate, password);
    await this.#append(record, `token ${seq} of ${identifier.owner}`, (cache) => cache.set(key, seq, masterKeyId, info.renewDate, password));
  }

  async removeToken(identifier: DelegationTokenIdentifier): Promise<void> {
    const key = identifier.cacheKey;
    await this.#append(tokenRemoveRecord(key), `removal of token ${identifier.sequenceNumber} of ${identifier.owner}`, (cache) => cache.delete(key));
  }

  async getToken(identifier: DelegationTokenIdentifier): Promise<TokenInfo | undefined> {
    return this.#open().cache.get(identifier.cacheKey);
  }

  async #append(record: Buffer, what: string, apply: (cache: TokenCache) => void): Promise<void> {
    const { writer, cache } = this.#open();
    await writer.append(record, what, () => apply(cache));
    if (writer.size > this.#compactAt && !this.#compaction) {
      this.#compaction = this.#compact().finally(() => { this.#compaction = undefined; });
    }
  }

  /** Rotates to a new journal and writes a snapshot of the whole state beside it (see the header). */
  async #compact(): Promise<void> {
    const writer = this.#writer!;
    const cache = this.#cache!;
    const next = this.#generation + 1;
    try {
      await writer.rotate(await createJournal(this.dir, next, JOURNAL_MAGIC));
      this.#generation = next;
      const size = await writeSnapshot(this.dir, next, SNAPSHOT_MAGIC, this.#snapshotRecords(cache), () => this.#closing);
      if (size === undefined) return;
      this.#snapshotBytes = size;
      this.#compactAt = Math.max(this.#compactionMinBytes, size);
      await removeBefore(this.dir, next, await listStore(this.dir));
      this.#compactions++;
      log.info({ dir: this.dir, generation: next, snapshotBytes: size, tokens: cache.size }, 'compacted the delegation token journal');
    } catch (e) {
      // The older snapshot and every journal since are still in place: nothing is lost. Try again later.
      this.#compactAt = writer.size + this.#compactionMinBytes;
      log.error({ dir: this.dir, err: (e as Error).message }, 'delegation token journal compaction failed; will retry');
    }
  }

  *#snapshotRecords(cache: TokenCache): Generator<Buffer> {
    yield countersRecord(this.#sequenceNumber, this.#keyId);
    const keys = [...this.#keys.values()];
    for (const k of keys) yield keyPutRecord(k);
    let tokens = 0;
    for (const t of cache.entries()) {
      yield tokenPutRecord(t.keyBytes, t.sequenceNumber, t.masterKeyId, t.renewDate, t.password);
      tokens++;
    }
    yield snapshotEndRecord(tokens, keys.length);
  }

  async close(): Promise<void> {
    if (!this.#writer) return;
    this.#closing = true;
    await this.#compaction;
    await this.#writer.close();
    this.#writer = undefined;
    this.#cache = undefined;
  }
}

async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
