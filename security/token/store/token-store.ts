/**
 * Persistence contract of the delegation-token secret manager: the store hooks of Hadoop's
 * AbstractDelegationTokenSecretManager (`storeToken`/`updateToken`, `removeStoredToken`,
 * `storeDelegationKey`/`updateDelegationKey`, `removeStoredMasterKey`, the counters) plus the
 * cache-miss lookups of ZKDelegationTokenSecretManager (`getTokenInfo`, `getDelegationKey`).
 * One interface for the memory store, the journal store of the NameNode and a ZooKeeper store
 * shared by several NameNodes.
 *
 * The rule every implementation keeps: **a change is durable before it takes effect**. The secret
 * manager hands the store its token cache (Hadoop's `currentTokens`) at `open`; the store fills it
 * with what it holds and, after each write has reached its backing storage, applies that write to
 * the cache before the returned promise resolves. A write that fails rejects with a typed error
 * (`StorageError`, `STORAGE_IO`, naming the path and OS error) and leaves the cache unchanged.
 * A shared store (ZooKeeper, `shared: true`) is changed by other NameNodes too: `getToken` reads
 * the backing store and refreshes the cache, which the secret manager uses on a cache miss, for a
 * cached token past its renew date (a peer may have renewed it), and before every renewal and
 * cancellation; expired tokens are removed through `removeExpiredToken`, which leaves a token a
 * peer renewed in place.
 */
import type { DelegationKey } from '../keys/delegation-key.ts';
import type { DelegationTokenIdentifier } from '../delegation-token-identifier.ts';
import type { TokenCache } from './token-cache.ts';

/** Hadoop's `DelegationTokenInformation`: what the server remembers of one token. */
export interface TokenInfo {
  /** ms since epoch; the token is invalid after it unless renewed. */
  renewDate: number;
  /** HMAC password (20 bytes with HmacSHA1). */
  password: Uint8Array;
}

/** Keys and counters a store holds at open (tokens go into the cache). */
export interface TokenStoreState {
  keys: DelegationKey[];
  /** Last token sequence number handed out (0 = none yet). */
  sequenceNumber: number;
  /** Last master key id handed out (0 = none yet). */
  keyId: number;
}

export interface TokenStore {
  /** True when other processes change the store (ZooKeeper shared by NameNodes): see the header. */
  readonly shared?: boolean;
  /**
   * Opens the store (creating it when absent), loads its tokens into `cache` and returns its keys
   * and counters. A store that cannot be used (full, read-only, not a directory, corrupted) fails
   * here with a typed error naming the path and what to do.
   */
  open(cache: TokenCache): Promise<TokenStoreState>;
  /**
   * The next token sequence number (first call: 1). A store may reserve numbers in ranges (the
   * ZooKeeper store: `zk-dt-secret-manager.token.seqnum.batch.size` at a time from a shared counter);
   * a number is never handed out again once a token carrying it is durable.
   */
  incrementSequenceNumber(): Promise<number>;
  /** The next master key id (first call: 1), with the same guarantee. */
  incrementKeyId(): Promise<number>;
  /** Adds or replaces a master key. */
  storeKey(key: DelegationKey): Promise<void>;
  removeKey(keyId: number): Promise<void>;
  /** A key the secret manager does not hold (another NameNode's, for a shared store); undefined when unknown. */
  getKey(keyId: number): Promise<DelegationKey | undefined>;
  /** Adds or replaces a token, keyed by `identifier.cacheKey`; applied to the cache once durable. */
  storeToken(identifier: DelegationTokenIdentifier, info: TokenInfo): Promise<void>;
  /** Removes a token; removed from the cache once durable. Removing an unknown token is not an error. */
  removeToken(identifier: DelegationTokenIdentifier): Promise<void>;
  /**
   * Looks up a token missing from the cache (Hadoop: ZK `getTokenInfo` on a miss) and caches what it
   * finds; a shared store reads its backing store even for a cached token and drops it from the
   * cache when it is gone. A local store's cache is complete, so it answers from memory.
   */
  getToken(identifier: DelegationTokenIdentifier): Promise<TokenInfo | undefined>;
  /**
   * The expired-token scan of a shared store (Hadoop: removeStoredToken(ident, true)): removes the
   * token unless the backing store holds a renew date at or after `now` (a peer renewed it; the
   * cache is refreshed). Resolves to whether it was removed. Stores without it use `removeToken`.
   */
  removeExpiredToken?(identifier: DelegationTokenIdentifier, now: number): Promise<boolean>;
  /** Waits for pending writes and releases files or sessions; the store can be opened again. */
  close(): Promise<void>;
}
