/**
 * A `TokenStore` in memory only: for tests and for daemons that accept losing their tokens on
 * restart. Its state outlives one secret manager (a second manager opened on the same store sees
 * the first one's keys, tokens and counters), so it also stands in for a restart in unit tests.
 */
import type { DelegationKey } from '../keys/delegation-key.ts';
import type { DelegationTokenIdentifier } from '../delegation-token-identifier.ts';
import type { TokenCache } from './token-cache.ts';
import type { TokenInfo, TokenStore, TokenStoreState } from './token-store.ts';

interface Held extends TokenInfo {
  sequenceNumber: number;
  masterKeyId: number;
}

export class MemoryTokenStore implements TokenStore {
  readonly #keys = new Map<number, DelegationKey>();
  readonly #tokens = new Map<string, Held>();
  #sequenceNumber = 0;
  #keyId = 0;
  #cache: TokenCache | undefined;

  async open(cache: TokenCache): Promise<TokenStoreState> {
    this.#cache = cache;
    for (const [key, t] of this.#tokens) cache.set(key, t.sequenceNumber, t.masterKeyId, t.renewDate, t.password);
    return { keys: [...this.#keys.values()], sequenceNumber: this.#sequenceNumber, keyId: this.#keyId };
  }

  /** Number of tokens held (for tests). */
  get tokenCount(): number {
    return this.#tokens.size;
  }

  async incrementSequenceNumber(): Promise<number> {
    return ++this.#sequenceNumber;
  }

  async incrementKeyId(): Promise<number> {
    return ++this.#keyId;
  }

  async storeKey(key: DelegationKey): Promise<void> {
    this.#keys.set(key.keyId, key);
  }

  async removeKey(keyId: number): Promise<void> {
    this.#keys.delete(keyId);
  }

  async getKey(keyId: number): Promise<DelegationKey | undefined> {
    return this.#keys.get(keyId);
  }

  async storeToken(identifier: DelegationTokenIdentifier, info: TokenInfo): Promise<void> {
    const held = { sequenceNumber: identifier.sequenceNumber, masterKeyId: identifier.masterKeyId, renewDate: info.renewDate, password: Uint8Array.from(info.password) };
    this.#tokens.set(identifier.cacheKey, held);
    this.#cache?.set(identifier.cacheKey, held.sequenceNumber, held.masterKeyId, held.renewDate, held.password);
  }

  async removeToken(identifier: DelegationTokenIdentifier): Promise<void> {
    this.#tokens.delete(identifier.cacheKey);
    this.#cache?.delete(identifier.cacheKey);
  }

  async getToken(identifier: DelegationTokenIdentifier): Promise<TokenInfo | undefined> {
    return this.#cache?.get(identifier.cacheKey);
  }

  async close(): Promise<void> {
    this.#cache = undefined;
  }
}
