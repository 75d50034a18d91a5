/**
 * A TokenStore in ZooKeeper that several NameNodes share, with the layout and encodings of Hadoop's
 * ZKDelegationTokenSecretManager (./znode-codec.ts): a token issued by one NameNode is verified,
 * renewed and cancelled by another, master keys are shared, and token sequence numbers come from
 * one Curator SharedCount in batches (`zk-dt-secret-manager.token.seqnum.batch.size`, reserved
 * with a compare-and-set and handed out locally). `open` follows ZKDelegationTokenSecretManager's
 * startThreads: the namespace, the sequence counter (reserving the first batch), the key id
 * counter, the two roots (created without data, so they hold what Curator stores by default: the
 * host's IP address as text), then the keys and the tokens into the cache.
 *
 * No per-token watches (Hadoop's router-based federation turned them off at scale,
 * zk-dt-secret-manager.token.watcher.enabled=false): a token missing from the cache is read from
 * its znode, renewals and cancellations read the znode first, and every
 * `zk-dt-secret-manager.router.token.sync.interval` seconds the store compares the token list with
 * the cache (one exists() when nothing changed): tokens another NameNode cancelled leave the cache,
 * tokens it issued are read in (as ZKDelegationTokenSecretManagerImpl's rebuildTokenCache, but
 * reading only what changed). Every write reaches ZooKeeper (a quorum write) before it reaches the
 * cache; a ZooKeeper failure rejects with a ZooKeeperError and changes nothing locally.
 */
import { getLogger } from '../../../../lib/log/logger.ts';
import { ZooKeeperError } from '../../../../lib/errors/index.ts';
import { type Acl, type ZkClient, ZkSharedCount } from '../../../../lib/zk/index.ts';
import { DelegationKey } from '../../keys/delegation-key.ts';
import type { DelegationTokenIdentifier } from '../../delegation-token-identifier.ts';
import type { ZkSession } from '../../../zk/session.ts';
import type { TokenCache } from '../token-cache.ts';
import type { TokenInfo, TokenStore, TokenStoreState } from '../token-store.ts';
import { childNumber, DELEGATION_KEY_PREFIX, DELEGATION_TOKEN_PREFIX, decodeTokenZnode, encodeTokenZnode, zkdtsmPaths, type ZkdtsmPaths } from './znode-codec.ts';

const log = getLogger('token.zookeeper-store');
/** Token znodes read concurrently while loading or syncing. */
const READ_WINDOW = 256;

export interface ZkTokenStoreOptions {
  /** Opens the session (the store closes it); see zkTokenStoreFromConfig. */
  readonly session: () => ZkSession;
  /** zk-dt-secret-manager.znodeWorkingPath (default zkdtsm). */
  readonly workingPath?: string;
  /** ACL of every znode the store creates (none: world:anyone:cdrwa; sasl: sasl:<name>:cdrwa). */
  readonly acl: readonly Acl[];
  /** zk-dt-secret-manager.token.seqnum.batch.size (default 100). */
  readonly seqNumBatchSize?: number;
  /** Token kind of the identifiers stored (default HDFS_DELEGATION_TOKEN). */
  readonly kind?: string;
  /** zk-dt-secret-manager.zkConnectionTimeout: how long open waits for the session, ms. */
  readonly connectionTimeoutMs?: number;
  /** Period of the token list sync, ms (router.token.sync.interval x 1000); 0: never. */
  readonly syncIntervalMs?: number;
  /** Data of the two roots created without data: Curator's default, the host's IP address (text). */
  readonly defaultData: () => Promise<Uint8Array>;
}

export class ZkTokenStore implements TokenStore {
  readonly shared = true;
  readonly paths: ZkdtsmPaths;
  readonly #o: ZkTokenStoreOptions;
  readonly #kind: string;
  readonly #batch: number;
  #session: ZkSession | undefined;
  #cache: TokenCache | undefined;
  #seqCounter: ZkSharedCount | undefined;
  #keyIdCounter: ZkSharedCount | undefined;
  #seq = 0;
  #seqMax = 0;
  #seqLock: Promise<unknown> = Promise.resolve();
  #syncTimer: NodeJS.Timeout | undefined;
  #syncing: Promise<void> | undefined;
  #lastTokensCversion = -1;
  /** Sequence numbers written here while a sync runs: its (older) listing must not drop them. */
  #recentWrites: Set<number> | undefined;

  constructor(options: ZkTokenStoreOptions) {
    this.#o = options;
    this.paths = zkdtsmPaths(options.workingPath ?? 'zkdtsm');
    this.#kind = options.kind ?? 'HDFS_DELEGATION_TOKEN';
    this.#batch = options.seqNumBatchSize ?? 100;
    if (!Number.isInteger(this.#batch) || this.#batch < 1) throw new RangeError(`zk-dt-secret-manager.token.seqnum.batch.size must be at least 1, got ${this.#batch}`);
  }

  get #zk(): ZkClient {
    if (!this.#session) throw new Error('ZkTokenStore is not open');
    return this.#session.client;
  }

  async open(cache: TokenCache): Promise<TokenStoreState> {
    const session = this.#o.session();
    this.#session = session;
    try {
      await this.#connect(session);
      const zk = session.client;
      const acl = this.#o.acl;
      await this.#ensure(this.paths.namespace, new Uint8Array(0), true);
      this.#seqCounter = new ZkSharedCount(zk, this.paths.seqNum, { seed: 0, acl });
      await this.#seqCounter.start();
      await this.#reserveBatch();
      this.#keyIdCounter = new ZkSharedCount(zk, this.paths.keyId, { seed: 0, acl });
      const keyId = (await this.#keyIdCounter.start()).value;
      const rootData = await this.#o.defaultData();
      await this.#ensure(this.paths.masterKeys, rootData, false);
      await this.#ensure(this.paths.tokens, rootData, false);
      const keys = await this.#loadKeys();
      this.#cache = cache;
      const tokens = await this.#loadTokens(cache);
      log.info({ namespace: this.paths.namespace, keys: keys.length, tokens, seqFrom: this.#seq + 1, seqTo: this.#seqMax }, 'ZooKeeper delegation token store opened');
      this.#startSync();
      return { keys, sequenceNumber: this.#seq, keyId };
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  /** Waits for the session; unreachable is ZK_UNREACHABLE naming the zk-dt-secret-manager keys. */
  async #connect(session: ZkSession): Promise<void> {
    const ms = this.#o.connectionTimeoutMs ?? 10_000;
    try {
      await session.client.ready(ms);
    } catch (e) {
      const err = e as ZooKeeperError;
      if (err.code !== 'ZK_UNREACHABLE') throw e;
      const last = err.cause instanceof Error ? `: ${err.cause.message}` : '';
      throw new ZooKeeperError(
        'ZK_UNREACHABLE',
        `The delegation token store could not reach ZooKeeper at ${session.client.connectString} (zk-dt-secret-manager.zkConnectionString) within ${ms} ms ` +
          `(zk-dt-secret-manager.zkConnectionTimeout)${last}; check that key and that the ensemble is up`,
        { connectString: session.client.connectString, timeoutMs: ms, configKey: 'zk-dt-secret-manager.zkConnectionString' },
        { cause: e },
      );
    }
  }

  incrementSequenceNumber(): Promise<number> {
    const next = this.#seqLock.then(async () => {
      if (this.#seq >= this.#seqMax) await this.#reserveBatch();
      return ++this.#seq;
    });
    this.#seqLock = next.catch(() => undefined);
    return next;
  }

  async incrementKeyId(): Promise<number> {
    return (await this.#keyIdCounter!.add(1)).value;
  }

  async storeKey(key: DelegationKey): Promise<void> {
    await this.#put(this.paths.key(key.keyId), key.encode());
  }

  async removeKey(keyId: number): Promise<void> {
    await this.#deleteIfExists(this.paths.key(keyId));
  }

  async getKey(keyId: number): Promise<DelegationKey | undefined> {
    const path = this.paths.key(keyId);
    try {
      const node = await this.#zk.getData(path);
      return node.data.length === 0 ? undefined : DelegationKey.decode(node.data);
    } catch (e) {
      if ((e as ZooKeeperError).code === 'ZK_NO_NODE') return undefined;
      throw e;
    }
  }

  async storeToken(identifier: DelegationTokenIdentifier, info: TokenInfo): Promise<void> {
    const path = this.paths.token(identifier.sequenceNumber);
    const data = encodeTokenZnode(identifier.bytes, info);
    // storeToken creates the znode, updateToken (a renewal) sets its data (ZKDelegationTokenSecretManager).
    if (this.#cache?.has(identifier.cacheKey)) await this.#put(path, data, 'update');
    else await this.#put(path, data, 'create');
    this.#recentWrites?.add(identifier.sequenceNumber);
    this.#cache?.set(identifier.cacheKey, identifier.sequenceNumber, identifier.masterKeyId, info.renewDate, info.password);
  }

  async removeToken(identifier: DelegationTokenIdentifier): Promise<void> {
    await this.#deleteIfExists(this.paths.token(identifier.sequenceNumber));
    this.#cache?.delete(identifier.cacheKey);
  }

  async removeExpiredToken(identifier: DelegationTokenIdentifier, now: number): Promise<boolean> {
    const current = await this.#readToken(identifier);
    if (current && current.renewDate >= now) {
      this.#cache?.set(identifier.cacheKey, identifier.sequenceNumber, identifier.masterKeyId, current.renewDate, current.password);
      return false;
    }
    await this.removeToken(identifier);
    return true;
  }

  async getToken(identifier: DelegationTokenIdentifier): Promise<TokenInfo | undefined> {
    const info = await this.#readToken(identifier);
    if (info) this.#cache?.set(identifier.cacheKey, identifier.sequenceNumber, identifier.masterKeyId, info.renewDate, info.password);
    else this.#cache?.delete(identifier.cacheKey);
    return info;
  }

  async close(): Promise<void> {
    if (this.#syncTimer) clearInterval(this.#syncTimer);
    this.#syncTimer = undefined;
    await this.#syncing?.catch(() => undefined);
    await this.#seqLock.catch(() => undefined);
    const session = this.#session;
    this.#session = undefined;
    this.#cache = undefined;
    await session?.close();
  }

  /** Runs one token list sync now (tests, and the timer). */
  syncNow(): Promise<void> {
    this.#syncing ??= this.#sync().finally(() => (this.#syncing = undefined));
    return this.#syncing;
  }

  // Reading.

  /** The token's znode, if it still holds this identifier. */
  async #readToken(identifier: DelegationTokenIdentifier): Promise<TokenInfo | undefined> {
    const path = this.paths.token(identifier.sequenceNumber);
    let data: Uint8Array;
    try {
      data = (await this.#zk.getData(path)).data;
    } catch (e) {
      if ((e as ZooKeeperError).code === 'ZK_NO_NODE') return undefined;
      throw e;
    }
    if (data.length === 0) return undefined;
    const stored = decodeTokenZnode(data, this.#kind, path);
    return stored.identifier.cacheKey === identifier.cacheKey ? stored.info : undefined;
  }

  async #loadKeys(): Promise<DelegationKey[]> {
    const keys: DelegationKey[] = [];
    for (const name of (await this.#zk.getChildren(this.paths.masterKeys)).children) {
      const keyId = childNumber(name, DELEGATION_KEY_PREFIX);
      if (keyId === undefined) continue;
      try {
        const key = await this.getKey(keyId);
        if (key) keys.push(key);
      } catch (e) {
        log.warn({ path: this.paths.key(keyId), err: (e as Error).message }, 'ignoring a master key znode that failed to load');
      }
    }
    return keys;
  }

  /** Reads the token znodes named `sequenceNumbers` into the cache; returns how many loaded. */
  async #readTokens(sequenceNumbers: readonly number[], cache: TokenCache): Promise<number> {
    let loaded = 0;
    let next = 0;
    const read = async (seq: number): Promise<void> => {
      const path = this.paths.token(seq);
      try {
        const { data } = await this.#zk.getData(path);
        if (data.length === 0) return;
        const { identifier, info } = decodeTokenZnode(data, this.#kind, path);
        cache.set(identifier.cacheKey, identifier.sequenceNumber, identifier.masterKeyId, info.renewDate, info.password);
        loaded++;
      } catch (e) {
        if ((e as ZooKeeperError).code === 'ZK_NO_NODE') return; // cancelled meanwhile
        if ((e as ZooKeeperError).retriable) throw e;
        log.warn({ path, err: (e as Error).message }, 'ignoring a token znode that failed to load');
      }
    };
    // READ_WINDOW lanes keep that many reads in flight on the one connection (pipelined).
    await Promise.all(Array.from({ length: Math.min(READ_WINDOW, sequenceNumbers.length) }, async () => {
      while (next < sequenceNumbers.length) await read(sequenceNumbers[next++]!);
    }));
    return loaded;
  }

  async #loadTokens(cache: TokenCache): Promise<number> {
    const listing = await this.#zk.getChildren(this.paths.tokens);
    this.#lastTokensCversion = listing.stat.cversion;
    return this.#readTokens(tokenNumbers(listing.children), cache);
  }

  // Writing.

  async #reserveBatch(): Promise<void> {
    const { previous } = await this.#seqCounter!.add(this.#batch);
    this.#seq = previous;
    this.#seqMax = previous + this.#batch;
    log.info({ from: previous + 1, to: this.#seqMax }, 'reserved a range of delegation token sequence numbers');
  }

  /** Creates a persistent znode unless it exists (parents of the namespace too, with the same ACL). */
  async #ensure(path: string, data: Uint8Array, createParents: boolean): Promise<void> {
    try {
      await this.#zk.create(path, data, { acl: this.#o.acl, createParents, parentAcl: this.#o.acl });
    } catch (e) {
      if ((e as ZooKeeperError).code !== 'ZK_NODE_EXISTS') throw e;
    }
  }

  /** addOrUpdateDelegationKey / addOrUpdateToken: set the data, or create the znode if it is missing. */
  async #put(path: string, data: Uint8Array, first: 'create' | 'update' = 'update'): Promise<void> {
    const create = () => this.#zk.create(path, data, { acl: this.#o.acl });
    const update = () => this.#zk.setData(path, data, { version: -1 });
    try {
      await (first === 'create' ? create() : update());
    } catch (e) {
      const code = (e as ZooKeeperError).code;
      if (first === 'create' && code === 'ZK_NODE_EXISTS') await update();
      else if (first === 'update' && code === 'ZK_NO_NODE') await create();
      else throw e;
    }
  }

  async #deleteIfExists(path: string): Promise<void> {
    try {
      await this.#zk.delete(path);
    } catch (e) {
      if ((e as ZooKeeperError).code !== 'ZK_NO_NODE') throw e;
    }
  }

  // Sync.

  #startSync(): void {
    const every = this.#o.syncIntervalMs ?? 5000;
    if (every <= 0) return;
    this.#syncTimer = setInterval(() => {
      this.syncNow().catch((e: unknown) => log.warn({ err: (e as Error).message, code: (e as ZooKeeperError).code }, 'delegation token sync with ZooKeeper failed; retried at the next interval'));
    }, every);
    this.#syncTimer.unref();
  }

  async #sync(): Promise<void> {
    const cache = this.#cache;
    if (!cache || !this.#session) return;
    const stat = await this.#zk.exists(this.paths.tokens);
    if (!stat || stat.cversion === this.#lastTokensCversion) return;
    this.#recentWrites = new Set();
    try {
      const listing = await this.#zk.getChildren(this.paths.tokens);
      const inZk = new Set(tokenNumbers(listing.children));
      const cached = new Set<number>();
      const gone: { key: Uint8Array; seq: number }[] = [];
      for (const t of cache.entries()) {
        cached.add(t.sequenceNumber);
        if (!inZk.has(t.sequenceNumber)) gone.push({ key: Uint8Array.from(t.keyBytes), seq: t.sequenceNumber });
      }
      let dropped = 0;
      for (const { key, seq } of gone) if (!this.#recentWrites.has(seq) && cache.delete(key)) dropped++;
      const added = await this.#readTokens([...inZk].filter((seq) => !cached.has(seq)), cache);
      this.#lastTokensCversion = listing.stat.cversion;
      if (dropped > 0 || added > 0) log.debug({ dropped, added, tokens: cache.size }, 'delegation tokens synced with ZooKeeper');
    } finally {
      this.#recentWrites = undefined;
    }
  }
}

function tokenNumbers(children: readonly string[]): number[] {
  const out: number[] = [];
  for (const name of children) {
    const seq = childNumber(name, DELEGATION_TOKEN_PREFIX);
    if (seq !== undefined) out.push(seq);
  }
  return out;
}

