/**
 * The one rotating-key model every token type uses (DESIGN.md rule 8), after the master-key part
 * of `AbstractDelegationTokenSecretManager` (hadoop-wire.md §2.5): a current key plus every key by
 * id, kept until its expiry. Rolling removes expired keys, fixes the retiring current key's expiry
 * to `now + tokenMaxLifetime`, then installs a new current key expiring at
 * `now + keyUpdateInterval + tokenMaxLifetime`. A roll is planned first (`planRoll`, pure: nothing
 * changes), persisted by the caller, then applied (`applyRoll`), so a roll that cannot be stored
 * leaves the ring as it was.
 */
import { DelegationKey } from './delegation-key.ts';

export interface RollPlan {
  /** Ids of expired keys to drop (Hadoop's removeExpiredKeys; never the current key). */
  removed: number[];
  /** The current key with its expiry set to now + tokenMaxLifetime, if there is a current key. */
  retired?: DelegationKey;
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

  /** What `rollMasterKey` at `now` changes before the new key is installed; changes nothing. */
  planRoll(now: number, tokenMaxLifetime: number): RollPlan {
    const removed = [...this.#keys.values()].filter((k) => k.expiryDate < now && k !== this.#current).map((k) => k.keyId);
    const c = this.#current;
    return c ? { removed, retired: new DelegationKey(c.keyId, now + tokenMaxLifetime, c.key) } : { removed };
  }

  /** Applies a persisted plan and installs `next` as the current key. */
  applyRoll(plan: RollPlan, next: DelegationKey): void {
    for (const id of plan.removed) this.#keys.delete(id);
    if (plan.retired) this.#keys.set(plan.retired.keyId, plan.retired);
    this.setCurrent(next);
  }
}
