/**
 * Longest-prefix match over a fixed set of IP prefixes (IPv4 and IPv6, ./ip-address.ts), built once
 * per list load and then only read. The structure is the "direct index + binary search on ranges"
 * scheme of Lampson, Srinivasan and Varghese ("IP Lookups Using Multiway and Multicolumn Search",
 * IEEE/ACM ToN 1999): the nested prefixes are flattened into disjoint address ranges, each labelled
 * with its innermost (longest) prefix, and a 2^16-entry table indexed by the address's top 16 bits
 * points at the few ranges that can hold it. A lookup is one table read plus a binary search inside
 * one bucket of contiguous memory: for IPv4 a bucket spans 2^16 addresses, so at most 16 probes
 * whatever the number of prefixes (a radix trie walks up to 32 nodes scattered in memory, which is
 * what this replaces: measured in bench/suites/whitelist.ts).
 *
 * Address families: an IPv4 address (also written IPv4-mapped, ::ffff:a.b.c.d) matches only IPv4
 * prefixes, which include IPv6 prefixes written inside ::ffff:0:0/96 with length 96 or more. A
 * shorter IPv6 prefix such as ::/0 covers the mapped range numerically but never matches an IPv4
 * client: an IPv6 entry does not silently include every IPv4 address.
 */
import { IPV4_MAPPED_PREFIX_LENGTH, isIpv4, parseIp, type IpPrefix, type IpWords } from './ip-address.ts';

const NONE = -1;
const DIRECT_BITS = 16;

export interface PrefixTableEntry<V> {
  readonly prefix: IpPrefix;
  readonly value: V;
}

export class PrefixTable<V> {
  readonly #values: V[];
  readonly #v4: RangeIndex;
  readonly #v6: RangeIndex;
  readonly #scratch = new Int32Array(4);

  /**
   * Builds the table. When a prefix occurs twice the first value is kept and `onDuplicate(kept,
   * dropped)` is called, so callers can report the repeated entry.
   */
  static build<V>(entries: Iterable<PrefixTableEntry<V>>, onDuplicate?: (kept: V, dropped: V) => void): PrefixTable<V> {
    const values: V[] = [];
    const v4: Span[] = [];
    const v6: Span[] = [];
    for (const { prefix, value } of entries) {
      const slot = values.push(value) - 1;
      if (prefix.length >= IPV4_MAPPED_PREFIX_LENGTH && isIpv4(prefix.words)) {
        v4.push(span(BigInt(prefix.words[3]! >>> 0), prefix.length - IPV4_MAPPED_PREFIX_LENGTH, 32, slot));
      } else {
        v6.push(span(wordsToBigInt(prefix.words), prefix.length, 128, slot));
      }
    }
    const duplicate = onDuplicate ? (kept: number, dropped: number): void => onDuplicate(values[kept]!, values[dropped]!) : undefined;
    return new PrefixTable(values, new RangeIndex(v4, 1, duplicate), new RangeIndex(v6, 4, duplicate));
  }

  private constructor(values: V[], v4: RangeIndex, v6: RangeIndex) {
    this.#values = values;
    this.#v4 = v4;
    this.#v6 = v6;
  }

  /** Number of distinct prefixes. */
  get size(): number {
    return this.#v4.size + this.#v6.size;
  }

  /** The value of the longest prefix containing `address`, or undefined. */
  match(address: IpWords): V | undefined {
    const slot = isIpv4(address) ? this.#v4.find(address, 3) : this.#v6.find(address, 0);
    return slot === NONE ? undefined : this.#values[slot];
  }

  /** `match` for a textual address; undefined also when the text is not an address. */
  matchText(address: string): V | undefined {
    const words = parseIp(address, this.#scratch);
    return words ? this.match(words) : undefined;
  }
}

/** One prefix as an inclusive range of addresses of `bits` bits. */
interface Span {
  readonly lo: bigint;
  readonly hi: bigint;
  readonly length: number;
  readonly slot: number;
}

function span(value: bigint, length: number, bits: number, slot: number): Span {
  const hostBits = BigInt(bits - length);
  const lo = (value >> hostBits) << hostBits;
  return { lo, hi: lo + (1n << hostBits) - 1n, length, slot };
}

function wordsToBigInt(words: IpWords): bigint {
  let v = 0n;
  for (let w = 0; w < 4; w++) v = (v << 32n) | BigInt(words[w]! >>> 0);
  return v;
}

/**
 * Disjoint ranges for one address family: `starts` (ascending, `words` 32-bit words each, the first
 * is address 0) with the slot of the innermost prefix covering each range, and the direct index:
 * `direct[t]` = the last range starting at or before t << (bits - 16).
 */
class RangeIndex {
  readonly size: number;
  readonly #words: number;
  readonly #starts: Uint32Array;
  readonly #slots: Int32Array;
  readonly #direct: Int32Array;

  constructor(spans: Span[], words: number, onDuplicate?: (kept: number, dropped: number) => void) {
    this.#words = words;
    const { starts, slots, size } = flatten(spans, (1n << BigInt(32 * words)) - 1n, onDuplicate);
    this.size = size;
    this.#starts = new Uint32Array(starts.length * words);
    starts.forEach((s, i) => {
      for (let w = 0; w < words; w++) this.#starts[i * words + w] = Number((s >> BigInt(32 * (words - 1 - w))) & 0xffffffffn);
    });
    this.#slots = Int32Array.from(slots);
    this.#direct = new Int32Array((1 << DIRECT_BITS) + 1);
    let range = 0;
    for (let t = 0; t < 1 << DIRECT_BITS; t++) {
      while (range + 1 < slots.length && this.#startsBucketAtOrBefore(range + 1, t)) range++;
      this.#direct[t] = range;
    }
    this.#direct[1 << DIRECT_BITS] = slots.length - 1;
  }

  /** True when range i starts at or before the first address of bucket t. */
  #startsBucketAtOrBefore(i: number, t: number): boolean {
    const base = i * this.#words;
    const top = this.#starts[base]! >>> DIRECT_BITS;
    if (top !== t) return top < t;
    if ((this.#starts[base]! & 0xffff) !== 0) return false;
    for (let w = 1; w < this.#words; w++) if (this.#starts[base + w] !== 0) return false;
    return true;
  }

  /** The slot for the address in `address[from..3]` (from 3: IPv4, from 0: IPv6). */
  find(address: IpWords, from: number): number {
    const starts = this.#starts;
    const top = address[from]! >>> 0;
    let lo = this.#direct[top >>> DIRECT_BITS]!;
    let hi = this.#direct[(top >>> DIRECT_BITS) + 1]!;
    if (this.#words === 1) {
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (starts[mid]! <= top) lo = mid;
        else hi = mid - 1;
      }
    } else {
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (this.#startsAtOrBefore(mid, address)) lo = mid;
        else hi = mid - 1;
      }
    }
    return this.#slots[lo]!;
  }

  #startsAtOrBefore(i: number, address: IpWords): boolean {
    const base = i * 4;
    for (let w = 0; w < 4; w++) {
      const s = this.#starts[base + w]!;
      const a = address[w]! >>> 0;
      if (s !== a) return s < a;
    }
    return true;
  }
}

/**
 * Sweeps the prefixes in address order (wider first at equal starts). Prefixes are nested or
 * disjoint, so an open-prefix stack gives, at every boundary, the innermost prefix in force.
 */
function flatten(spans: Span[], last: bigint, onDuplicate?: (kept: number, dropped: number) => void): { starts: bigint[]; slots: number[]; size: number } {
  spans.sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : a.length - b.length || a.slot - b.slot));
  const starts: bigint[] = [0n];
  const slots: number[] = [NONE];
  const emit = (at: bigint, slot: number): void => {
    if (starts[starts.length - 1] === at) slots[slots.length - 1] = slot;
    else if (slots[slots.length - 1] !== slot) {
      starts.push(at);
      slots.push(slot);
    }
  };
  const open: Span[] = [];
  const close = (until: bigint | undefined): void => {
    while (open.length > 0 && (until === undefined || open[open.length - 1]!.hi < until)) {
      const done = open.pop()!;
      if (done.hi < last) emit(done.hi + 1n, open.length > 0 ? open[open.length - 1]!.slot : NONE);
    }
  };
  let size = 0;
  let previous: Span | undefined;
  for (const s of spans) {
    if (previous && previous.lo === s.lo && previous.length === s.length) {
      onDuplicate?.(previous.slot, s.slot);
      continue;
    }
    previous = s;
    size++;
    close(s.lo);
    emit(s.lo, s.slot);
    open.push(s);
  }
  close(undefined);
  return { starts, slots, size };
}
