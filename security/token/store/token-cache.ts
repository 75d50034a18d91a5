/**
 * The secret manager's table of live tokens (Hadoop's `currentTokens`: identifier ->
 * DelegationTokenInformation), built to hold a million tokens without a million heap objects. A
 * token is keyed by its identifier's `cacheKey` (the canonical identifier bytes as a latin1
 * string, one byte per char); the key bytes live in one growing byte arena, the sequence number,
 * master key id, renew date and password in slots of typed arrays, and the index is an
 * open-addressing hash table (linear probing, FNV-1a + fmix32) in an Int32Array. About 110 bytes per token,
 * and the garbage collector has nothing per token to trace, so issuing does not slow down as the
 * table grows (a Map of strings did: see the token-store bench suite).
 *
 * Only token stores write to the cache (after the change is durable, see token-store.ts); the
 * secret manager reads it.
 */
import type { TokenInfo } from './token-store.ts';

/** One cached token as `entries()` yields it; the object is reused between steps. */
export interface CachedToken {
  /** Identifier bytes (a view into the cache's storage). */
  keyBytes: Uint8Array;
  sequenceNumber: number;
  masterKeyId: number;
  renewDate: number;
  /** A view into the cache's storage: copy it before the next step. */
  password: Uint8Array;
}

const EMPTY = 0;
const TOMBSTONE = -1;
/** Reclaim arena space once this much of it belongs to removed or replaced keys (and half of it). */
const ARENA_GARBAGE_MIN = 1024 * 1024;

// FNV-1a, then MurmurHash3's fmix32: FNV's low bits depend only on the inputs' low bits, and the
// index uses the low bits (identifiers differ in a few bytes near their end).
function fmix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A key: the latin1 cacheKey string, or the same bytes (replay hands bytes, saving a string per token). */
export type TokenKey = string | Uint8Array;

function hashKey(key: TokenKey): number {
  if (typeof key !== 'string') return hashBytes(key, 0, key.length);
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return fmix(h);
}

function hashBytes(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return fmix(h);
}

export class TokenCache {
  /** Bytes per password (the HMAC output length: 20 for HmacSHA1). */
  readonly passwordLength: number;
  #size = 0;
  /** Slots handed out so far (live or free). */
  #used = 0;
  readonly #free: number[] = [];
  // per slot; keyLength -1 = free
  #keyOffset: Int32Array;
  #keyLength: Int32Array;
  #sequenceNumbers: Int32Array;
  #keyIds: Int32Array;
  #renewDates: Float64Array;
  #passwords: Uint8Array;
  // key bytes
  #arena: Uint8Array;
  #arenaUsed = 0;
  #arenaGarbage = 0;
  // hash index: slot + 1, EMPTY or TOMBSTONE
  #table: Int32Array;
  #tombstones = 0;

  constructor(passwordLength = 20, initialCapacity = 1024) {
    if (!Number.isInteger(passwordLength) || passwordLength < 1 || passwordLength > 255) {
      throw new RangeError(`passwordLength must be 1..255 bytes, got ${passwordLength}`);
    }
    this.passwordLength = passwordLength;
    this.#keyOffset = new Int32Array(initialCapacity);
    this.#keyLength = new Int32Array(initialCapacity);
    this.#sequenceNumbers = new Int32Array(initialCapacity);
    this.#keyIds = new Int32Array(initialCapacity);
    this.#renewDates = new Float64Array(initialCapacity);
    this.#passwords = new Uint8Array(initialCapacity * passwordLength);
    this.#arena = new Uint8Array(initialCapacity * 64);
    this.#table = new Int32Array(tableSizeFor(initialCapacity));
  }

  get size(): number {
    return this.#size;
  }

  has(key: TokenKey): boolean {
    return this.#find(key) >= 0;
  }

  /** The token's info (the password is a copy), or undefined. */
  get(key: TokenKey): TokenInfo | undefined {
    const slot = this.#find(key);
    if (slot < 0) return undefined;
    const at = slot * this.passwordLength;
    return { renewDate: this.#renewDates[slot]!, password: this.#passwords.slice(at, at + this.passwordLength) };
  }

  renewDate(key: TokenKey): number | undefined {
    const slot = this.#find(key);
    return slot < 0 ? undefined : this.#renewDates[slot];
  }

  /** Adds or replaces a token. */
  set(key: TokenKey, sequenceNumber: number, masterKeyId: number, renewDate: number, password: Uint8Array): void {
    if (password.length !== this.passwordLength) {
      throw new RangeError(`password of ${password.length} bytes in a cache of ${this.passwordLength}-byte passwords`);
    }
    if ((this.#size + this.#tombstones + 1) * 2 > this.#table.length) this.#rehash();
    const mask = this.#table.length - 1;
    let tombstone = -1;
    let i = hashKey(key) & mask;
    let slot = -1;
    for (; ; i = (i + 1) & mask) {
      const entry = this.#table[i]!;
      if (entry === EMPTY) break;
      if (entry === TOMBSTONE) {
        if (tombstone < 0) tombstone = i;
      } else if (this.#keyEquals(entry - 1, key)) {
        slot = entry - 1;
        break;
      }
    }
    if (slot < 0) {
      slot = this.#newSlot(key);
      if (tombstone >= 0) {
        i = tombstone;
        this.#tombstones--;
      }
      this.#table[i] = slot + 1;
      this.#size++;
    }
    this.#sequenceNumbers[slot] = sequenceNumber;
    this.#keyIds[slot] = masterKeyId;
    this.#renewDates[slot] = renewDate;
    const at = slot * this.passwordLength;
    for (let p = 0; p < password.length; p++) this.#passwords[at + p] = password[p]!; // TypedArray.set costs more for 20 bytes
  }

  delete(key: TokenKey): boolean {
    const mask = this.#table.length - 1;
    for (let i = hashKey(key) & mask; ; i = (i + 1) & mask) {
      const entry = this.#table[i]!;
      if (entry === EMPTY) return false;
      if (entry !== TOMBSTONE && this.#keyEquals(entry - 1, key)) {
        const slot = entry - 1;
        this.#table[i] = TOMBSTONE;
        this.#tombstones++;
        this.#arenaGarbage += this.#keyLength[slot]!;
        this.#keyLength[slot] = -1;
        this.#free.push(slot);
        this.#size--;
        if (this.#arenaGarbage > ARENA_GARBAGE_MIN && this.#arenaGarbage * 2 > this.#arenaUsed) this.#compactArena();
        return true;
      }
    }
  }

  /** Keys of tokens whose renew date is before `now` (Hadoop's removeExpiredToken scan). */
  expired(now: number): string[] {
    const out: string[] = [];
    for (let s = 0; s < this.#used; s++) if (this.#keyLength[s]! >= 0 && this.#renewDates[s]! < now) out.push(this.#keyString(s));
    return out;
  }

  /** Keys of tokens signed with a master key not in `keyIds`. */
  signedWithout(keyIds: ReadonlySet<number>): string[] {
    const out: string[] = [];
    for (let s = 0; s < this.#used; s++) if (this.#keyLength[s]! >= 0 && !keyIds.has(this.#keyIds[s]!)) out.push(this.#keyString(s));
    return out;
  }

  /**
   * Every token, slot by slot. Safe while the cache changes between steps: a token removed before
   * it is reached is skipped; one added meanwhile may or may not be visited.
   */
  *entries(): Generator<CachedToken> {
    const view: CachedToken = { keyBytes: new Uint8Array(0), sequenceNumber: 0, masterKeyId: 0, renewDate: 0, password: new Uint8Array(0) };
    for (let s = 0; s < this.#used; s++) {
      const length = this.#keyLength[s]!;
      if (length < 0) continue;
      const offset = this.#keyOffset[s]!;
      const at = s * this.passwordLength;
      view.keyBytes = this.#arena.subarray(offset, offset + length);
      view.sequenceNumber = this.#sequenceNumbers[s]!;
      view.masterKeyId = this.#keyIds[s]!;
      view.renewDate = this.#renewDates[s]!;
      view.password = this.#passwords.subarray(at, at + this.passwordLength);
      yield view;
    }
  }

  #keyString(slot: number): string {
    const offset = this.#keyOffset[slot]!;
    return Buffer.from(this.#arena.buffer, this.#arena.byteOffset + offset, this.#keyLength[slot]!).toString('latin1');
  }

  #keyEquals(slot: number, key: TokenKey): boolean {
    if (this.#keyLength[slot] !== key.length) return false;
    const offset = this.#keyOffset[slot]!;
    const arena = this.#arena;
    if (typeof key === 'string') {
      for (let i = 0; i < key.length; i++) if (arena[offset + i] !== key.charCodeAt(i)) return false;
    } else {
      for (let i = 0; i < key.length; i++) if (arena[offset + i] !== key[i]) return false;
    }
    return true;
  }

  /** The slot of `key`, or -1. */
  #find(key: TokenKey): number {
    const mask = this.#table.length - 1;
    for (let i = hashKey(key) & mask; ; i = (i + 1) & mask) {
      const entry = this.#table[i]!;
      if (entry === EMPTY) return -1;
      if (entry !== TOMBSTONE && this.#keyEquals(entry - 1, key)) return entry - 1;
    }
  }

  /** A slot holding a copy of `key` (not yet in the index). */
  #newSlot(key: TokenKey): number {
    const slot = this.#allocateSlot();
    if (this.#arenaUsed + key.length > this.#arena.length) this.#growArena(key.length);
    const offset = this.#arenaUsed;
    if (typeof key === 'string') {
      for (let i = 0; i < key.length; i++) this.#arena[offset + i] = key.charCodeAt(i);
    } else {
      this.#arena.set(key, offset);
    }
    this.#arenaUsed += key.length;
    this.#keyOffset[slot] = offset;
    this.#keyLength[slot] = key.length;
    return slot;
  }

  #allocateSlot(): number {
    const reused = this.#free.pop();
    if (reused !== undefined) return reused;
    if (this.#used === this.#keyLength.length) this.#growSlots();
    return this.#used++;
  }

  #growSlots(): void {
    const n = this.#keyLength.length * 2;
    this.#keyOffset = grow(this.#keyOffset, new Int32Array(n));
    this.#keyLength = grow(this.#keyLength, new Int32Array(n));
    this.#sequenceNumbers = grow(this.#sequenceNumbers, new Int32Array(n));
    this.#keyIds = grow(this.#keyIds, new Int32Array(n));
    this.#renewDates = grow(this.#renewDates, new Float64Array(n));
    this.#passwords = grow(this.#passwords, new Uint8Array(n * this.passwordLength));
  }

  #growArena(need: number): void {
    const arena = new Uint8Array(Math.max(this.#arena.length * 2, this.#arenaUsed + need));
    arena.set(this.#arena.subarray(0, this.#arenaUsed));
    this.#arena = arena;
  }

  /** Rebuilds the index at a size for twice the live tokens (drops tombstones). */
  #rehash(): void {
    const table = new Int32Array(tableSizeFor(Math.max(this.#size + 1, 1) * 2));
    const mask = table.length - 1;
    for (let s = 0; s < this.#used; s++) {
      const length = this.#keyLength[s]!;
      if (length < 0) continue;
      const offset = this.#keyOffset[s]!;
      let i = hashBytes(this.#arena, offset, offset + length) & mask;
      while (table[i] !== EMPTY) i = (i + 1) & mask;
      table[i] = s + 1;
    }
    this.#table = table;
    this.#tombstones = 0;
  }

  /** Copies the live keys into a fresh arena (offsets change; slots and the index do not). */
  #compactArena(): void {
    const arena = new Uint8Array(Math.max(1024, (this.#arenaUsed - this.#arenaGarbage) * 2));
    let used = 0;
    for (let s = 0; s < this.#used; s++) {
      const length = this.#keyLength[s]!;
      if (length < 0) continue;
      const offset = this.#keyOffset[s]!;
      arena.set(this.#arena.subarray(offset, offset + length), used);
      this.#keyOffset[s] = used;
      used += length;
    }
    this.#arena = arena;
    this.#arenaUsed = used;
    this.#arenaGarbage = 0;
  }
}

/** The smallest power of two holding `entries` at load factor 1/2. */
function tableSizeFor(entries: number): number {
  let n = 16;
  while (n < entries * 2) n *= 2;
  return n;
}

function grow<T extends Int32Array | Float64Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
