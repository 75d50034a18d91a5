/**
 * The one rotating-key model every token type uses (docs/tokens.md): a current key, optionally a
 * pre-generated next key, and every key by id, kept until its expiry. Verification looks keys up by
 * id; only the current key signs.
 *
 * The token types differ only in policy, which their secret managers pass in:
 *  - delegation tokens (`AbstractDelegationTokenSecretManager`): a roll retires
 *    the current key to `now + tokenMaxLifetime` and installs a freshly generated current key;
 *  - block tokens (`BlockTokenSecretManager`): a roll retires the current key to
 *    `now + keyUpdateInterval + tokenLifetime`, promotes the next key to current and generates a new
 *    next key, so DataNodes already hold a key before the NameNode signs with it; DataNodes import
 *    the NameNode's keys (`install`).
 *
 * A roll is planned first (`planRoll`, pure: nothing changes), persisted by the caller when its keys
 * are durable, then applied (`applyRoll`), so a roll that cannot be stored leaves the ring as it was.
 */
import { DelegationKey } from './delegation-key.ts';

export interface RollPlan {
  /** Ids of expired keys to drop (Hadoop's removeExpiredKeys; never the current or next key). */
  removed: number[];
  /** The current key with its final expiry (`now + retireFor`), if there is a current key. */
  retired?: DelegationKey;
}

export class KeyRing {
  readonly #keys = new Map<number, DelegationKey>();
  #current: DelegationKey | undefined;
  #next: DelegationKey | undefined;

  /** The key new tokens are signed with. */
  get current(): DelegationKey | undefined {
    return this.#current;
  }

  /** The key that becomes current at the next roll (block keys only). */
  get next(): DelegationKey | undefined {
    return this.#next;
  }

  get size(): number {
    return this.#keys.size;
  }

  get(keyId: number): DelegationKey | undefined {
    return this.#keys.get(keyId);
  }

  all(): DelegationKey[] {
    return [...this.#keys.values()];
  }

  /** Adds a key (a persisted one before start, or one imported from the master); does not change the current key. */
  add(key: DelegationKey): void {
    this.#keys.set(key.keyId, key);
  }

  /** Installs `key` as current (`updateCurrentKey`), and `next` as the next key when given. */
  setCurrent(key: DelegationKey, next?: DelegationKey): void {
    this.#keys.set(key.keyId, key);
    this.#current = key;
    if (next) {
      this.#keys.set(next.keyId, next);
      this.#next = next;
    }
  }

  /** Ids of the keys expired at `now`, sparing the current and next keys. */
  expired(now: number): number[] {
    return [...this.#keys.values()].filter((k) => k.expiryDate < now && k.keyId !== this.#current?.keyId && k.keyId !== this.#next?.keyId).map((k) => k.keyId);
  }

  /** What a roll at `now` changes before the new keys are installed; `retireFor` = ms the retiring key stays valid. Changes nothing. */
  planRoll(now: number, retireFor: number): RollPlan {
    const removed = this.expired(now);
    const c = this.#current;
    return c ? { removed, retired: new DelegationKey(c.keyId, now + retireFor, c.key) } : { removed };
  }

  /** Applies a persisted plan and installs `current` (and `next`, for block keys). */
  applyRoll(plan: RollPlan, current: DelegationKey, next?: DelegationKey): void {
    for (const id of plan.removed) this.#keys.delete(id);
    if (plan.retired) this.#keys.set(plan.retired.keyId, plan.retired);
    this.setCurrent(current, next);
  }

  /**
   * A worker's import of its master's keys (BlockTokenSecretManager.addKeys): `current` becomes the
   * current key, every key in `keys` is added, and keys expired at `now` are dropped.
   */
  install(current: DelegationKey, keys: readonly DelegationKey[], now: number): void {
    this.setCurrent(current);
    for (const k of keys) this.#keys.set(k.keyId, k);
    for (const id of this.expired(now)) this.#keys.delete(id);
  }
}
