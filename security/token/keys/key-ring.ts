/**
 * The one rotating-key model every token type uses (DESIGN.md rule 8), after the master-key part
 * of `AbstractDelegationTokenSecretManager` (hadoop-wire.md §2.5): a current key plus every key by
 * id, kept until its expiry. Rolling removes expired keys, fixes the retiring current key's expiry
 * to `now + tokenMaxLifetime`, then installs a new current key expiring at
 * `now + keyUpdateInterval + tokenMaxLifetime`. Pure state: persistence is the caller's job, so
 * `roll` reports which key ids it removed and which keys changed.
 */
import { DelegationKey } from './delegation-key.ts';

export interface RollResult {
  /** Ids removed because they expired (the old current key is never reported). */
  removed: number[];
  /** The retiring key whose expiry was shortened, if there was one. */
  retired?: DelegationKey;
  /** The new current key. */
  current: DelegationKey;
}

export class KeyRing {
  readonly #keys = new Map<number, DelegationKey>();
  #current: DelegationKey | undefined;

  /** The key new tokens are signed with. */
  get current(): DelegationKey | undefined {
    return this.#current;
  }

  get(keyId: number): DelegationKey | undefined {
    return this.#keys.get(keyId);
  }

  all(): DelegationKey[] {
    return [...this.#keys.values()];
  }

  /** Adds a persisted key (before start); does not change the current key. */
  add(key: DelegationKey): void {
    this.#keys.set(key.keyId, key);
  }

  /** Installs `key` as current (`updateCurrentKey`). */
  setCurrent(key: DelegationKey): void {
    this.#keys.set(key.keyId, key);
    this.#current = key;
  }

  /** Removes keys with `expiryDate < now`; returns their ids except the current key's. */
  removeExpired(now: number): number[] {
    const removed: number[] = [];
    for (const [id, key] of this.#keys) {
      if (key.expiryDate < now) {
        this.#keys.delete(id);
        if (key !== this.#current) removed.push(id);
      }
    }
    return removed;
  }

  /**
   * `rollMasterKey`: drop expired keys, retire the current key (expiry = now + maxLifetime, and
   * re-add it in case it had expired), then install `next` as current.
   */
  roll(now: number, tokenMaxLifetime: number, next: DelegationKey): RollResult {
    const removed = this.removeExpired(now);
    const retired = this.#current;
    if (retired) {
      retired.expiryDate = now + tokenMaxLifetime;
      this.#keys.set(retired.keyId, retired);
    }
    this.setCurrent(next);
    return { removed, retired, current: next };
  }
}
