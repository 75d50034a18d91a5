/**
 * A per-base-key memo of derived keys (Ke / Ki / Kc per usage, RFC 3961 section 5.3 / RFC 8009
 * section 5). A GSS context or a SASL security layer encrypts every message under the same session
 * key and a handful of usages; deriving the keys again costs more than the encryption of a small
 * message. Entries hang off the key object in a WeakMap (gone with the key) and are used only while
 * the key's bytes are unchanged, so a caller that reuses a buffer for another key is never served
 * stale keys.
 */
import { sameBytes } from '../../crypto/same-bytes.ts';
const MAX_PER_KEY = 64;

interface Entry {
  readonly snapshot: Uint8Array;
  readonly derived: Map<string | number, Buffer>;
}

/** A numeric id for the derived key of (etype, usage, purpose): cheaper to look up than a string. */
export function derivedKeyId(etype: number, usage: number, purpose: number): number {
  return etype * 2 ** 40 + usage * 2 ** 8 + purpose;
}

const cache = new WeakMap<Uint8Array, Entry>();

/** Returns the derived key named `id` for `base`, computing it with `derive` on first use. */
export function derivedKey(base: Uint8Array, id: string | number, derive: () => Buffer): Buffer {
  let entry = cache.get(base);
  if (entry === undefined || !sameBytes(entry.snapshot, base)) {
    entry = { snapshot: Uint8Array.from(base), derived: new Map() };
    cache.set(base, entry);
  }
  let key = entry.derived.get(id);
  if (key === undefined) {
    key = derive();
    if (entry.derived.size >= MAX_PER_KEY) entry.derived.clear();
    entry.derived.set(id, key);
  }
  return key;
}
