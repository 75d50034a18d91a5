/**
 * Persistence contract of the delegation-token secret manager (Hadoop: the `storeNewMasterKey`,
 * `removeStoredMasterKey`, `storeNewToken`, `updateStoredToken`, `removeStoredToken` hooks of
 * AbstractDelegationTokenSecretManager and the shared counters of ZKDelegationTokenSecretManager;
 * hadoop-wire.md §2.5, §2.6). Counters are increment-and-get so a ZooKeeper store can back them
 * with shared counters; tokens are keyed by their exact identifier bytes. Implementations: the
 * in-memory store here, `FileTokenStore`; a ZooKeeper store later.
 */
import type { DelegationKey } from '../keys/delegation-key.ts';

export interface StoredToken {
  /** Exact identifier bytes as issued. */
  identifier: Uint8Array;
  /** ms since epoch; the token is invalid after it unless renewed. */
  renewDate: number;
  /** HMAC password (20 bytes by default). */
  password: Uint8Array;
}

export interface TokenStoreSnapshot {
  keys: DelegationKey[];
  tokens: StoredToken[];
  /** Last token sequence number handed out (0 = none yet). */
  sequenceNumber: number;
  /** Last master key id handed out (0 = none yet). */
  currentKeyId: number;
}

export interface TokenStore {
  /** Everything persisted so far (empty state for a new store). */
  load(): Promise<TokenStoreSnapshot>;
  /** Increments the token sequence counter and returns the new value (first call: 1). */
  incrementSequenceNumber(): Promise<number>;
  /** Increments the master-key id counter and returns the new value (first call: 1). */
  incrementKeyId(): Promise<number>;
  /** Adds or replaces a master key. */
  storeKey(key: DelegationKey): Promise<void>;
  removeKey(keyId: number): Promise<void>;
  /** Adds or replaces a token (keyed by identifier bytes). */
  storeToken(token: StoredToken): Promise<void>;
  removeToken(identifier: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

function tokenKey(identifier: Uint8Array): string {
  return Buffer.from(identifier).toString('hex');
}

/** A store that keeps state in memory only (tests, and daemons that accept losing tokens on restart). */
export class MemoryTokenStore implements TokenStore {
  protected keys = new Map<number, DelegationKey>();
  protected tokens = new Map<string, StoredToken>();
  protected sequenceNumber = 0;
  protected currentKeyId = 0;

  async load(): Promise<TokenStoreSnapshot> {
    return this.snapshot();
  }

  protected snapshot(): TokenStoreSnapshot {
    return {
      keys: [...this.keys.values()],
      tokens: [...this.tokens.values()],
      sequenceNumber: this.sequenceNumber,
      currentKeyId: this.currentKeyId,
    };
  }

  /** Called after every mutation; persistent subclasses save here. */
  protected async changed(): Promise<void> {}

  async incrementSequenceNumber(): Promise<number> {
    const n = ++this.sequenceNumber;
    await this.changed();
    return n;
  }

  async incrementKeyId(): Promise<number> {
    const n = ++this.currentKeyId;
    await this.changed();
    return n;
  }

  async storeKey(key: DelegationKey): Promise<void> {
    this.keys.set(key.keyId, key);
    await this.changed();
  }

  async removeKey(keyId: number): Promise<void> {
    this.keys.delete(keyId);
    await this.changed();
  }

  async storeToken(token: StoredToken): Promise<void> {
    this.tokens.set(tokenKey(token.identifier), { ...token });
    await this.changed();
  }

  async removeToken(identifier: Uint8Array): Promise<void> {
    this.tokens.delete(tokenKey(identifier));
    await this.changed();
  }

  async close(): Promise<void> {}
}
