/**
 * Longest-prefix match over a fixed set of IP prefixes (IPv4 and IPv6, ./ip-address.ts), built once
 * per list load and then only read. The structure is the "direct index + binary search on ranges"
 * scheme of Lampson, Srinivasan and Varghese ("IP Lookups Using Multiway and Multicolumn Search",
 * IEEE/ACM ToN 1999): the nested prefixes are flattened into disjoint address ranges, each labelled
 * with its innermost (longest) prefix, and a 2^16-entry table indexed by the address's top 16 bits
 * points at the few ranges that can hold it. A lookup is one table read plus a binary search inside
 * one bucket of contiguous memory: for IPv4 a bucket spans 2^16 addresses, so at most 16 probes
 * whatever the number of prefixes; for IPv6 about log2 of the ranges in the bucket. (A binary
 * Patricia trie, tried first, walks about 25 nodes scattered in memory for 100,000 random IPv4
 * prefixes and measured about three times slower: a cache miss per node.)
 *
 * Address families: an IPv4 address (also written IPv4-mapped, ::ffff:a.b.c.d) matches only IPv4
 * prefixes, which include IPv6 prefixes written inside ::ffff:0:0/96 with length 96 or more. A
 * shorter IPv6 prefix such as ::/0 covers the mapped range numerically but never matches an IPv4
 * client: an IPv6 entry does not silently include every IPv4 address.
 */
import { IPV4_MAPPED_PREFIX_LENGTH, isIpv4, parseIp, parseIpv4Text, type IpPrefix, type IpWords } from './ip-address.ts';

const NONE = -1;
const DIRECT_BITS = 16;
/** A 32-bit word shifted right by this gives its bucket in the direct index. */
const BUCKET_SHIFT = 32 - DIRECT_BITS;

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
    const v4: Span<number>[] = [];
    const v6: Span<bigint>[] = [];
    for (const { prefix, value } of entries) {
      const slot = values.push(value) - 1;
      if (prefix.length >= IPV4_MAPPED_PREFIX_LENGTH && isIpv4(prefix.words)) v4.push(ipv4Span(prefix.words[3]!, prefix.length - IPV4_MAPPED_PREFIX_LENGTH, slot));
      else v6.push(ipv6Span(prefix.words, prefix.length, slot));
    }
    const duplicate = onDuplicate ? (kept: number, dropped: number): void => onDuplicate(values[kept]!, values[dropped]!) : undefined;
    const v4Ranges = flatten(v4, 0xffffffff, (k) => k + 1, duplicate);
    const v6Ranges = flatten(v6, (1n << 128n) - 1n, (k) => k + 1n, duplicate);
    const v6Words = (k: bigint, out: Uint32Array, at: number): void => {
      for (let w = 0; w < 4; w++) out[at + w] = Number((k >> BigInt(96 - 32 * w)) & 0xffffffffn);
    };
    return new PrefixTable(values, new RangeIndex(pack(v4Ranges, 1, (k, out, at) => void (out[at] = k))), new RangeIndex(pack(v6Ranges, 4, v6Words)));
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
    const slot = isIpv4(address) ? this.#v4.findIpv4(address[3]! >>> 0) : this.#v6.findIpv6(address);
    return slot === NONE ? undefined : this.#values[slot];
  }

  /** `match` for a textual address; undefined also when the text is not an address. */
  matchText(address: string): V | undefined {
    const v4 = parseIpv4Text(address); // the common case, without the 128-bit detour
    if (v4 >= 0) {
      const slot = this.#v4.findIpv4(v4);
      return slot === NONE ? undefined : this.#values[slot];
    }
    const words = parseIp(address, this.#scratch);
    return words ? this.match(words) : undefined;
  }
}

/** One prefix as an inclusive range: numbers for IPv4 (fast to sort), bigints for IPv6. */
interface Span<K extends number | bigint> {
  readonly lo: K;
  readonly hi: K;
  readonly length: number;
  readonly slot: number;
}

/** Disjoint ranges: `starts` ascending (the first is address 0), the slot in force from each. */
interface Ranges<K extends number | bigint> {
  readonly starts: K[];
  readonly slots: number[];
  /** Distinct prefixes. */
  readonly size: number;
}

/**
 * Ranges packed for lookups: per range `words` 32-bit words of its start, then its slot (NONE as
 * 0xffffffff), so the slot read after a search lands in the cache line of the last probe.
 */
interface PackedRanges {
  readonly words: number;
  readonly ranges: Uint32Array;
  readonly count: number;
  readonly size: number;
}

function pack<K extends number | bigint>(ranges: Ranges<K>, words: number, toWords: (start: K, out: Uint32Array, at: number) => void): PackedRanges {
  const stride = words + 1;
  const packed = new Uint32Array(ranges.starts.length * stride);
  ranges.starts.forEach((start, i) => {
    toWords(start, packed, i * stride);
    packed[i * stride + words] = ranges.slots[i]!;
  });
  return { words, ranges: packed, count: ranges.starts.length, size: ranges.size };
}

function ipv4Span(word: number, length: number, slot: number): Span<number> {
  const size = 2 ** (32 - length);
  const lo = Math.floor((word >>> 0) / size) * size;
  return { lo, hi: lo + size - 1, length, slot };
}

function ipv6Span(words: IpWords, length: number, slot: number): Span<bigint> {
  let value = 0n;
  for (let w = 0; w < 4; w++) value = (value << 32n) | BigInt(words[w]! >>> 0);
  const hostBits = BigInt(128 - length);
  const lo = (value >> hostBits) << hostBits;
  return { lo, hi: lo + (1n << hostBits) - 1n, length, slot };
}

/**
 * Disjoint ranges for one address family, ascending by start (the first starts at address 0), each
 * with the slot of the innermost prefix covering it, and the direct index: `direct[t]` = the last
 * range starting at or before the first address whose top 16 bits are t.
 */
class RangeIndex {
  readonly size: number;
  readonly #words: number;
  readonly #stride: number;
  readonly #ranges: Uint32Array;
  readonly #direct: Int32Array;

  constructor(packed: PackedRanges) {
    this.#words = packed.words;
    this.#stride = packed.words + 1;
    this.#ranges = packed.ranges;
    this.size = packed.size;
    this.#direct = new Int32Array((1 << DIRECT_BITS) + 1);
    let range = 0;
    for (let t = 0; t < 1 << DIRECT_BITS; t++) {
      while (range + 1 < packed.count && this.#startsBucketAtOrBefore(range + 1, t)) range++;
      this.#direct[t] = range;
    }
    this.#direct[1 << DIRECT_BITS] = packed.count - 1;
  }

  /** True when range i starts at or before the first address of bucket t. */
  #startsBucketAtOrBefore(i: number, t: number): boolean {
    const base = i * this.#stride;
    const top = this.#ranges[base]! >>> BUCKET_SHIFT;
    if (top !== t) return top < t;
    if ((this.#ranges[base]! & ((1 << BUCKET_SHIFT) - 1)) !== 0) return false;
    for (let w = 1; w < this.#words; w++) if (this.#ranges[base + w] !== 0) return false;
    return true;
  }

  /** The slot for an IPv4 address (unsigned 32-bit value); one-word index only. */
  findIpv4(address: number): number {
    const ranges = this.#ranges;
    let lo = this.#direct[address >>> BUCKET_SHIFT]!;
    let hi = this.#direct[(address >>> BUCKET_SHIFT) + 1]!;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (ranges[2 * mid]! <= address) lo = mid;
      else hi = mid - 1;
    }
    return ranges[2 * lo + 1]! | 0;
  }

  /** The slot for an IPv6 address; four-word index only. */
  findIpv6(address: IpWords): number {
    let lo = this.#direct[address[0]! >>> BUCKET_SHIFT]!;
    let hi = this.#direct[(address[0]! >>> BUCKET_SHIFT) + 1]!;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.#startsAtOrBefore(mid, address)) lo = mid;
      else hi = mid - 1;
    }
    return this.#ranges[lo * 5 + 4]! | 0;
  }

  #startsAtOrBefore(i: number, address: IpWords): boolean {
    const base = i * 5;
    for (let w = 0; w < 4; w++) {
      const s = this.#ranges[base + w]!;
      const a = address[w]! >>> 0;
      if (s !== a) return s < a;
    }
    return true;
  }
}

/**
 * Sweeps the prefixes in address order (wider first at equal starts). Prefixes are nested or
 * disjoint, so an open-prefix stack gives, at every boundary, the innermost prefix in force.
 * `last` is the family's highest address, `next(k)` is k + 1.
 */
function flatten<K extends number | bigint>(spans: Span<K>[], last: K, next: (k: K) => K, onDuplicate?: (kept: number, dropped: number) => void): Ranges<K> {
  spans.sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : a.length - b.length || a.slot - b.slot));
  const starts: K[] = [(typeof last === 'bigint' ? 0n : 0) as K];
  const slots: number[] = [NONE];
  const emit = (at: K, slot: number): void => {
    if (starts[starts.length - 1] === at) slots[slots.length - 1] = slot;
    else if (slots[slots.length - 1] !== slot) {
      starts.push(at);
      slots.push(slot);
    }
  };
  const open: Span<K>[] = [];
  const close = (until: K | undefined): void => {
    while (open.length > 0 && (until === undefined || open[open.length - 1]!.hi < until)) {
      const done = open.pop()!;
      if (done.hi < last) emit(next(done.hi), open.length > 0 ? open[open.length - 1]!.slot : NONE);
    }
  };
  let size = 0;
  let previous: Span<K> | undefined;
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
