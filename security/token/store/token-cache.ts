/**
 * The secret manager's table of live tokens (Hadoop's `currentTokens`: identifier ->
 * DelegationTokenInformation), laid out to hold a million tokens in well under 200 MB. A token is
 * keyed by its identifier's `cacheKey` (the canonical identifier bytes as a latin1 string, one
 * byte per char); its sequence number, master key id, renew date and password live in slots of
 * typed arrays, not in one object per token: a Map entry, one flat string and 36 bytes of slot.
 * (Measured by the token-store bench suite: RSS at a million tokens.)
 *
 * Only token stores write to the cache (after the change is durable, see token-store.ts); the
 * secret manager reads it.
 */
import type { TokenInfo } from './token-store.ts';

/** One cached token as `entries()` yields it; the object is reused between steps. */
export interface CachedToken {
  key: string;
  sequenceNumber: number;
  masterKeyId: number;
  renewDate: number;
  /** A view into the cache's storage: copy it before the next step. */
  password: Uint8Array;
}

export class TokenCache {
  /** Bytes per password (the HMAC output length: 20 for HmacSHA1). */
  readonly passwordLength: number;
  readonly #slots = new Map<string, number>();
  readonly #free: number[] = [];
  #used = 0;
  #renewDates: Float64Array;
  #sequenceNumbers: Int32Array;
  #keyIds: Int32Array;
  #passwords: Uint8Array;

  constructor(passwordLength = 20, initialCapacity = 1024) {
    if (!Number.isInteger(passwordLength) || passwordLength < 1 || passwordLength > 255) {
      throw new RangeError(`passwordLength must be 1..255 bytes, got ${passwordLength}`);
    }
    this.passwordLength = passwordLength;
    this.#renewDates = new Float64Array(initialCapacity);
    this.#sequenceNumbers = new Int32Array(initialCapacity);
    this.#keyIds = new Int32Array(initialCapacity);
    this.#passwords = new Uint8Array(initialCapacity * passwordLength);
  }

  get size(): number {
    return this.#slots.size;
  }

  has(key: string): boolean {
    return this.#slots.has(key);
  }

  /** The token's info (the password is a copy), or undefined. */
  get(key: string): TokenInfo | undefined {
    const slot = this.#slots.get(key);
    if (slot === undefined) return undefined;
    const at = slot * this.passwordLength;
    return { renewDate: this.#renewDates[slot]!, password: this.#passwords.slice(at, at + this.passwordLength) };
  }

  renewDate(key: string): number | undefined {
    const slot = this.#slots.get(key);
    return slot === undefined ? undefined : this.#renewDates[slot];
  }

  /** Adds or replaces a token. */
  set(key: string, sequenceNumber: number, masterKeyId: number, renewDate: number, password: Uint8Array): void {
    if (password.length !== this.passwordLength) {
      throw new RangeError(`password of ${password.length} bytes in a cache of ${this.passwordLength}-byte passwords`);
    }
    let slot = this.#slots.get(key);
    if (slot === undefined) {
      slot = this.#allocate();
      this.#slots.set(key, slot);
    }
    this.#renewDates[slot] = renewDate;
    this.#sequenceNumbers[slot] = sequenceNumber;
    this.#keyIds[slot] = masterKeyId;
    const at = slot * this.passwordLength;
    for (let i = 0; i < password.length; i++) this.#passwords[at + i] = password[i]!; // TypedArray.set costs more for 20 bytes
  }

  delete(key: string): boolean {
    const slot = this.#slots.get(key);
    if (slot === undefined) return false;
    this.#slots.delete(key);
    this.#free.push(slot);
    return true;
  }

  /** Keys of tokens whose renew date is before `now` (Hadoop's removeExpiredToken scan). */
  expired(now: number): string[] {
    const out: string[] = [];
    for (const [key, slot] of this.#slots) if (this.#renewDates[slot]! < now) out.push(key);
    return out;
  }

  /** Keys of tokens signed with a master key not in `keyIds`. */
  signedWithout(keyIds: ReadonlySet<number>): string[] {
    const out: string[] = [];
    for (const [key, slot] of this.#slots) if (!keyIds.has(this.#keyIds[slot]!)) out.push(key);
    return out;
  }

  /**
   * Every token, in insertion order. Safe while the cache changes (Map iteration semantics):
   * a token removed before it is reached is skipped, one added is visited.
   */
  *entries(): Generator<CachedToken> {
    const view: CachedToken = { key: '', sequenceNumber: 0, masterKeyId: 0, renewDate: 0, password: new Uint8Array(0) };
    for (const [key, slot] of this.#slots) {
      const at = slot * this.passwordLength;
      view.key = key;
      view.sequenceNumber = this.#sequenceNumbers[slot]!;
      view.masterKeyId = this.#keyIds[slot]!;
      view.renewDate = this.#renewDates[slot]!;
      view.password = this.#passwords.subarray(at, at + this.passwordLength);
      yield view;
    }
  }

  #allocate(): number {
    const reused = this.#free.pop();
    if (reused !== undefined) return reused;
    if (this.#used === this.#renewDates.length) this.#grow();
    return this.#used++;
  }

  #grow(): void {
    const capacity = this.#renewDates.length * 2;
    const renew = new Float64Array(capacity);
    renew.set(this.#renewDates);
    const sequenceNumbers = new Int32Array(capacity);
    sequenceNumbers.set(this.#sequenceNumbers);
    const keyIds = new Int32Array(capacity);
    keyIds.set(this.#keyIds);
    const passwords = new Uint8Array(capacity * this.passwordLength);
    passwords.set(this.#passwords);
    this.#renewDates = renew;
    this.#sequenceNumbers = sequenceNumbers;
    this.#keyIds = keyIds;
    this.#passwords = passwords;
  }
}
